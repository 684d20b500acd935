#!/bin/sh
# A dynamically linked scheduler in a developer's build tree under /tmp,
# its library found on the host only through its RUNPATH ($ORIGIN/lib): the
# image holds the binary, the ELF interpreter at its own path and every
# library ldd names in /ktstr/lib under its needed name, which the plan gives
# the scheduler as its LD_LIBRARY_PATH. (In the guest there is no
# ld.so.cache, $ORIGIN is /ktstr/sched, and /tmp is a fresh tmpfs: a copy at
# the host path was not found there.) QEMU refuses the fake kernel at once:
# nothing boots.
. ./vmlib.sh
need_scx
need cpio gcc readelf
head -c 65536 /dev/zero >"$out/bzImage"
mkdir -p "$out/sched/lib"
printf 'int ktstr_dyn_lib(void) { return 0; }\n' >"$out/lib.c"
printf 'int ktstr_dyn_lib(void);\nint main(void) { return ktstr_dyn_lib(); }\n' >"$out/main.c"
gcc -shared -fPIC -Wl,-soname,libktstrdyn.so.1 -o "$out/sched/lib/libktstrdyn.so.1" "$out/lib.c" ||
	fail "cannot build the test library"
# shellcheck disable=SC2016
gcc -o "$out/sched/my_sched" "$out/main.c" "$out/sched/lib/libktstrdyn.so.1" -Wl,-rpath,'$ORIGIN/lib' ||
	fail "cannot build the test binary"
readelf -d "$out/sched/my_sched" | grep -q 'RUNPATH.*\[\$ORIGIN/lib\]' || fail "the test binary has no \$ORIGIN RUNPATH"
interp=$(readelf -l "$out/sched/my_sched" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
[ -n "$interp" ] || fail "the test binary has no ELF interpreter"
cat >"$out/dyn.yaml" <<EOF
name: dyn
scheduler: $out/sched/my_sched
steps:
  - cgroups:
      - {name: w, work_type: CpuSpin, workers: 1}
EOF
boot --keep-initramfs --kernel "$out/bzImage" "$out/dyn.yaml"
want_rc 3
img=$out/initramfs.cpio
[ -s "$img" ] || fail "no initramfs kept"
cpio -it <"$img" >"$out/list" 2>/dev/null || fail "cpio cannot read the image"
for f in ktstr/sched/my_sched ktstr/lib/libktstrdyn.so.1 ktstr/lib/libc.so.6 "${interp#/}"; do
	grep -qx "$f" "$out/list" || fail "$f missing from the image: $(tr '\n' ' ' <"$out/list")"
done
mkdir "$out/x" && (cd "$out/x" && cpio -id --quiet ktstr/plan ktstr/lib/libktstrdyn.so.1 <"$img") ||
	fail "cpio cannot extract the plan"
cmp -s "$out/x/ktstr/lib/libktstrdyn.so.1" "$out/sched/lib/libktstrdyn.so.1" || fail "the library's copy differs"
grep -qx "scheduler_libpath /ktstr/lib" "$out/x/ktstr/plan" ||
	fail "plan lacks 'scheduler_libpath /ktstr/lib': $(cat "$out/x/ktstr/plan")"
# A static scheduler gets no search path.
sed "s|^scheduler: .*|scheduler: $KTSTR_BIN/scx-ktstr|" "$out/dyn.yaml" >"$out/static.yaml"
rm -rf "$out/x" "$img"
boot --keep-initramfs --kernel "$out/bzImage" "$out/static.yaml"
mkdir "$out/x" && (cd "$out/x" && cpio -id --quiet ktstr/plan <"$img") || fail "cpio cannot extract the plan"
grep -q '^scheduler_libpath' "$out/x/ktstr/plan" && fail "a static scheduler got a scheduler_libpath"
exit 0
