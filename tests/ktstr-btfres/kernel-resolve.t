#!/bin/sh
# --kernel, $KTSTR_KERNEL and the default ../kernel beside the binary: a cache
# folder (vmlinux, vmlinux-dbg, version), a folder with only a bzImage (the
# vmlinux is extracted once), a vmlinux file.
. ../lib.sh
top=$(cd ../.. && pwd)
K=${KTSTR_KERNEL_DIR:-$top/build/kernel}
B=${KTSTR_BIN:-$top/build/bin}/ktstr-btfres
need jq
fail=0
echo '{"name":"enqueue_task_scx"}' >"$tmp/in"

# A cache folder made of the fake kernel: version read, DWARF found, index beside.
mkdir "$tmp/k" && cp fake-vmlinux "$tmp/k/vmlinux" && cp fake-vmlinux "$tmp/k/vmlinux-dbg"
echo 9.9.9-fake >"$tmp/k/version"
"$B" --kernel "$tmp/k" "$tmp/in" >"$tmp/out" || { echo "--kernel folder failed"; fail=1; }
[ "$(head -n 1 "$tmp/out" | jq -r .kernel)" = 9.9.9-fake ] || { echo "version not read"; fail=1; }
tail -n 1 "$tmp/out" | jq -e '.source | test("^fake-kernel.c:[0-9]+$")' >/dev/null || { echo "no source via vmlinux-dbg"; fail=1; }
head -n 1 "$tmp/k/ktstr-srcidx" | grep -q '^ktstr-srcidx ' || { echo "no index beside the kernel"; fail=1; }
KTSTR_KERNEL="$tmp/k" "$B" "$tmp/in" | cmp -s - "$tmp/out" || { echo "KTSTR_KERNEL differs from --kernel"; fail=1; }
"$B" --kernel "$tmp/k/vmlinux" "$tmp/in" | cmp -s - "$tmp/out" || { echo "--kernel FILE differs"; fail=1; }

# The default: ../kernel beside the binary, with no variable set.
mkdir "$tmp/bin" && cp "$B" "$tmp/bin/" && ln -s "$tmp/k" "$tmp/kernel"
env -u KTSTR_KERNEL -u KTSTR_KERNEL_DIR "$tmp/bin/ktstr-btfres" "$tmp/in" | cmp -s - "$tmp/out" ||
	{ echo "default ../kernel not used"; fail=1; }

# A kernel build tree: its vmlinux carries the DWARF; the release names it.
mkdir -p "$tmp/tree/arch/x86/boot" "$tmp/tree/include/config"
cp fake-vmlinux "$tmp/tree/vmlinux" && : >"$tmp/tree/arch/x86/boot/bzImage"
echo 9.9.9-tree >"$tmp/tree/include/config/kernel.release"
"$B" --kernel "$tmp/tree" "$tmp/in" >"$tmp/tout" || { echo "--kernel tree failed"; fail=1; }
[ "$(head -n 1 "$tmp/tout" | jq -r .kernel)" = 9.9.9-tree ] || { echo "tree release not read"; fail=1; }
tail -n 1 "$tmp/tout" | jq -e '.source | test("^fake-kernel.c:[0-9]+$")' >/dev/null || { echo "no source from the tree's vmlinux"; fail=1; }

# A bare version name: the kernel cache.
mkdir -p "$tmp/cache/ktstr/kernels" && ln -s "$tmp/k" "$tmp/cache/ktstr/kernels/9.9.9-fake"
env -u KTSTR_CACHE XDG_CACHE_HOME="$tmp/cache" "$B" --kernel 9.9.9-fake "$tmp/in" | cmp -s - "$tmp/out" ||
	{ echo "--kernel NAME (cache) differs"; fail=1; }
# $KTSTR_CACHE (where make kernel puts kernels) comes before $XDG_CACHE_HOME.
mkdir -p "$tmp/kc/kernels" "$tmp/empty" && ln -s "$tmp/k" "$tmp/kc/kernels/9.9.9-fake"
KTSTR_CACHE="$tmp/kc" XDG_CACHE_HOME="$tmp/empty" "$B" --kernel 9.9.9-fake "$tmp/in" | cmp -s - "$tmp/out" ||
	{ echo "--kernel NAME (\$KTSTR_CACHE) differs"; fail=1; }

# Only a bzImage: the ELF vmlinux comes out of its zstd payload, byte for byte.
if [ -f "$K/bzImage" ] && [ -f "$K/vmlinux" ]; then
	mkdir "$tmp/bz" && ln -s "$K/bzImage" "$tmp/bz/bzImage"
	"$B" --kernel "$tmp/bz" --no-source "$tmp/in" >"$tmp/bzout" || { echo "bzImage folder failed"; fail=1; }
	cmp -s "$tmp/bz/vmlinux" "$K/vmlinux" || { echo "extracted vmlinux differs from $K/vmlinux"; fail=1; }
	"$B" --vmlinux "$K/vmlinux" "$tmp/in" | tail -n +2 >"$tmp/ref"
	tail -n +2 "$tmp/bzout" | cmp -s - "$tmp/ref" || { echo "bzImage output differs"; fail=1; }
else
	echo "(no $K/bzImage: extraction not tested)"
fi

# Not a kernel at all.
"$B" --kernel fake-kernel.c "$tmp/in" >/dev/null 2>"$tmp/err"
[ $? = 3 ] || { echo "a C file as kernel: want exit 3 (no usable kernel: the environment)"; fail=1; }
exit $fail
