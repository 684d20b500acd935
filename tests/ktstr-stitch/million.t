#!/bin/sh
# 1 million generated events (read from a file, and from a pipe, which is
# spooled): the causal task's 125000 calls are found among 8 tasks, the
# default view keeps the last call of each of the 5 functions in time order;
# the timeline (--history, perfetto) holds all of them, the compact one folded.
. ../lib.sh
set -eu
S=${KTSTR_BIN:?}/ktstr-stitch
awk -v n=1000000 -v small=1 -f gen-events.awk >"$tmp/ev.jsonl"
[ "$(wc -l <"$tmp/ev.jsonl")" -eq 1000002 ]
"$S" -t targets.jsonl "$tmp/ev.jsonl" >"$tmp/file.out"
cat "$tmp/ev.jsonl" | "$S" -t targets.jsonl >"$tmp/pipe.out"
cmp "$tmp/file.out" "$tmp/pipe.out"
grep -v '^ ' "$tmp/file.out" >"$tmp/heads"
cat >"$tmp/want" <<'W'
=== AUTO-PROBE: scx_exit fired ===
exit: ERROR_BPF (1025) on cpu 0, current worker-0[100]
causal task: 0xffff888003a00000, the task of ktstr_enqueue in flight on cpu 0
ktstr_select_cpu  main.bpf.c:34
enqueue_task_scx  kernel/sched/ext/ext.c:2172
ktstr_enqueue     main.bpf.c:47
ktstr_dispatch    main.bpf.c:61
ktstr_running     main.bpf.c:81
(125000 calls of this task recorded; --history shows all)
W
diff -u "$tmp/want" "$tmp/heads"
n=$("$S" -t targets.jsonl --history=full "$tmp/ev.jsonl" | grep -c '^#')
[ "$n" -eq 125000 ] || { echo "history shows $n calls, want 125000"; exit 1; }
# The compact timeline: the task's cycle of 5 calls, 25000 times, folds into
# its first 5 lines.
"$S" -t targets.jsonl --history "$tmp/ev.jsonl" >"$tmp/compact.out"
[ "$(grep -c '^#' "$tmp/compact.out")" -eq 5 ] || { head -20 "$tmp/compact.out"; exit 1; }
grep -Eq '^#1 +-[0-9.]+ms +cpu 0  ktstr_select_cpu +main\.bpf\.c:34 +×25000 until -[0-9.]+ms \(with the 4 lines below\)$' "$tmp/compact.out" ||
	{ echo "no fold of the cycle"; head -20 "$tmp/compact.out"; exit 1; }
[ "$("$S" -t targets.jsonl -f perfetto "$tmp/ev.jsonl" | jq '[.traceEvents[] | select(.ph == "X")] | length')" -eq 250000 ]
"$S" -t targets.jsonl -f json "$tmp/ev.jsonl" | head -n 1 |
	jq -e '.recorded == 1000000 and .of_task == 125000 and .shown == 5' >/dev/null
