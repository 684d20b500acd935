#!/bin/sh
# Kernel source locations from the real DWARF vmlinux (vmlinux-dbg): paths
# relative to the kernel tree, lines equal to addr2line's.
. ../lib.sh
K=${KTSTR_KERNEL_DIR:-../../build/kernel}
B=${KTSTR_BIN:-../../build/bin}/ktstr-btfres
[ -f "$K/vmlinux-dbg" ] || skip "no $K/vmlinux-dbg (make kernel-debug)"
for t in jq addr2line nm; do
	command -v $t >/dev/null || skip "$t not installed"
done
funcs="enqueue_task_scx select_task_rq_scx put_prev_task_scx scx_claim_exit do_pick_task_scx"
for f in $funcs; do printf '{"name":"%s"}\n' $f; done >"$tmp/in"
# A private index: this test must not depend on (or disturb) the shared one.
"$B" --vmlinux "$K/vmlinux" --dwarf "$K/vmlinux-dbg" --srcidx "$tmp/idx" "$tmp/in" >"$tmp/out" ||
	{ echo "ktstr-btfres failed"; exit 1; }
nm "$K/vmlinux-dbg" >"$tmp/nm"
fail=0
for f in $funcs; do
	got=$(jq -r --arg f $f 'select(.name == $f) | .source // "none"' "$tmp/out")
	addr=$(awk -v f=$f '$3 == f && ($2 == "t" || $2 == "T") { print $1; exit }' "$tmp/nm")
	[ -n "$addr" ] || { echo "$f: not in the symbol table"; fail=1; continue; }
	# addr2line names the file under the build folder; keep the tree path.
	want=$(addr2line -e "$K/vmlinux-dbg" "$addr" | sed 's|^.*/build_[^/]*/||')
	[ "$got" = "$want" ] || { echo "$f: $got, addr2line: $want"; fail=1; }
done
exit $fail
