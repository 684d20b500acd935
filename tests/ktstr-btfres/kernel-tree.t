#!/bin/sh
# The kernel's own example schedulers (make schedulers): every struct_ops
# callback of every object resolves with the line of its BPF_STRUCT_OPS() /
# BPF_PROG() in the scheduler's source, not the line of a helper inlined into
# it (scx_simple's stat_inc()).
. ../lib.sh
top=$(cd ../.. && pwd)
K=${KTSTR_KERNEL_DIR:-$top/build/kernel}
B=${KTSTR_BIN:-$top/build/bin}/ktstr-btfres
S=$K/schedulers
[ -f "$K/vmlinux" ] || skip "no $K/vmlinux (make kernel)"
[ -f "$S/scx_simple.bpf.o" ] || skip "no kernel-tree schedulers (make schedulers)"
need jq
fail=0 n=0
for name in scx_simple scx_central scx_flatcg scx_qmap; do
	o=$S/$name.bpf.o src=$K/src/tools/sched_ext/$name.bpf.c
	[ -f "$o" ] && [ -f "$src" ] || continue
	"$B" --vmlinux "$K/vmlinux" --no-source --bpf-obj "$o" --all-callbacks /dev/null >"$tmp/out" ||
		{ echo "$name: ktstr-btfres failed"; fail=1; continue; }
	for cb in $(jq -r 'select(.kind == "bpf") | .name' "$tmp/out"); do
		got=$(jq -r --arg n "$cb" 'select(.name == $n) | .source // "none"' "$tmp/out")
		line=$(grep -nE "(BPF_STRUCT_OPS(_SLEEPABLE)?|BPF_PROG)\\($cb[,)]" "$src" | head -n 1 | cut -d: -f1)
		[ -n "$line" ] || continue	# not declared through the macros
		if [ "$got" != "$name.bpf.c:$line" ]; then
			echo "$cb: source $got, $name.bpf.c declares it at line $line"
			fail=1
		fi
		n=$((n + 1))
	done
done
[ $n -ge 20 ] || { echo "only $n callbacks checked"; fail=1; }
exit $fail
