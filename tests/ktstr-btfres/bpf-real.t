#!/bin/sh
# The real scheduler object (scx-ktstr): every struct_ops callback resolves,
# with the line of its BPF_PROG() in main.bpf.c, the arguments of its
# sched_ext_ops member, and (on the reference kernel) its bridge kprobe.
. ../lib.sh
top=$(cd ../.. && pwd)
O=${KTSTR_BUILD:-$top/build}/bpf/scx-ktstr.bpf.o
SRC=$top/bpf/scx-ktstr/main.bpf.c
K=${KTSTR_KERNEL_DIR:-$top/build/kernel}
B=${KTSTR_BIN:-$top/build/bin}/ktstr-btfres
REF_KERNEL=7.3.4+deb13-cloud-amd64
[ -f "$K/vmlinux" ] || skip "no $K/vmlinux (make kernel)"
[ -f "$O" ] && [ -f "$SRC" ] || skip "no $O (make)"
need jq

"$B" --vmlinux "$K/vmlinux" --bpf-obj "$O" --all-callbacks /dev/null >"$tmp/out" || { echo "ktstr-btfres failed"; exit 1; }
fail=0 n=0
for name in $(jq -r 'select(.kind == "bpf") | .name' "$tmp/out"); do
	src=$(jq -r --arg n "$name" 'select(.name == $n) | .source // "none"' "$tmp/out")
	line=$(grep -n "BPF_PROG(${name}[,)]" "$SRC" | head -n 1 | cut -d: -f1)
	[ -n "$line" ] || line=$(grep -n "[ *]${name}(" "$SRC" | head -n 1 | cut -d: -f1)
	if [ "$src" != "main.bpf.c:$line" ]; then
		echo "$name: source $src, main.bpf.c has it at line ${line:-?}"
		fail=1
	fi
	n=$((n + 1))
done
[ $n -ge 5 ] || { echo "only $n callbacks resolved"; fail=1; }

# ktstr_enqueue(struct task_struct *p, u64 enq_flags), read through ctx.
got=$(jq -c 'select(.name == "ktstr_enqueue") |
	[.attach, .op, .task_param, [.params[] | [.name, .type, .decoder // .struct]],
	 ([.params[0].fields[].name] | index("dsq_id") != null)]' "$tmp/out")
want='["ktstr_enqueue","enqueue",0,[["p","struct task_struct *","task_struct"],["enq_flags","u64","enq_flags"]],true]'
[ "$got" = "$want" ] || { echo "ktstr_enqueue: $got"; echo "     expected: $want"; fail=1; }

if [ "$(cat "$K/version" 2>/dev/null)" = "$REF_KERNEL" ]; then
	# Bridges: the kernel caller right after its callback.
	jq -r 'select(.kind) | [.kind, .name, .bridge_for // "-"] | @tsv' "$tmp/out" >"$tmp/seq"
	for pair in ktstr_enqueue:enqueue_task_scx ktstr_select_cpu:select_task_rq_scx \
		ktstr_running:set_next_task_scx ktstr_stopping:put_prev_task_scx; do
		cb=${pair%%:*} br=${pair#*:}
		next=$(awk -F'\t' -v cb="$cb" 'f { print $2 "/" $3; exit } $2 == cb { f = 1 }' "$tmp/seq")
		[ "$next" = "$br/$cb" ] || { echo "after $cb: $next, expected $br/$cb"; fail=1; }
	done
	tp=$(jq -r 'select(.name == "enqueue_task_scx") | .task_param' "$tmp/out")
	[ "$tp" = 1 ] || { echo "enqueue_task_scx task_param $tp"; fail=1; }
fi
exit $fail
