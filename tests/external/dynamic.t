#!/bin/sh
# vm: boots one VM: scx_simple dynamically linked against the kernel tree's
# libbpf as a shared library beside it (dyn/lib/, found through its RUNPATH
# $ORIGIN/lib, as in a developer's build tree), run from a folder under /tmp.
# In the guest there is no ld.so.cache, $ORIGIN is /ktstr/sched and /tmp is a
# fresh tmpfs: ktstr-boot must bring its libraries where its LD_LIBRARY_PATH
# points (before that, "error while loading shared libraries: libbpf.so.1").
. ./extlib.sh
need_sched scx_simple "$SCHED_DIR/dyn"
need readelf ldd
cp -R "$SCHED_DIR/dyn" "$out/tree"
bin=$out/tree/scx_simple
# The subject is what this case is about: a library only its RUNPATH finds.
readelf -d "$bin" | grep -q 'NEEDED.*\[libbpf\.so\.1\]' || fail "$bin does not need libbpf.so.1"
readelf -d "$bin" | grep -q 'RUNPATH.*\[\$ORIGIN/lib\]' || fail "$bin has no \$ORIGIN/lib RUNPATH"
ldd "$bin" | grep -q "libbpf\\.so\\.1 => $out/tree/lib/libbpf\\.so\\.1 " || fail "ldd does not find libbpf beside $bin"
sed -e "s|^scheduler: scx_simple\$|scheduler: $bin|" -e "s/^name: example_mixed\$/name: dynamic_simple/" \
	scenarios/example_mixed.yaml >"$out/dynamic.yaml"
grep -qx "scheduler: $bin" "$out/dynamic.yaml" || fail "cannot set the scheduler path in the scenario"
boot "$out/dynamic.yaml"
grep 'error while loading shared libraries' "$out/com2.log" >&2 && fail "the loader did not find a library in the guest"
want_rc 0
want '.verdict == "pass" and .reason == "workload completed"'
want '.sched_ext_exit.kind == "SCX_EXIT_UNREG"'
exit 0
