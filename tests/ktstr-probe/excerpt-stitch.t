#!/bin/sh
# The real excerpt (agent stream of an ERROR_BPF crash of scx-ktstr, the
# records within 5 ms before and 2 ms after the trigger) converted and
# stitched: the chain names the in-flight callback's task, the exit kind and
# the enqueue path with decoded fields. Checks the events contract with
# ktstr-stitch on real data, without a VM.
. ../lib.sh
set -eu
B=${KTSTR_BIN:?}
[ -x "$B/ktstr-stitch" ] || skip "ktstr-stitch not built"
"$B/ktstr-probe" -t fixtures/real.targets.jsonl --agent-out fixtures/real-excerpt.agent.out -n 4 -o "$tmp/events.jsonl"
"$B/ktstr-stitch" -t fixtures/real.targets.jsonl "$tmp/events.jsonl" >"$tmp/out"
fail() { echo "$1" >&2; cat "$tmp/out" >&2; exit 1; }
head -1 "$tmp/out" | grep -qx '=== AUTO-PROBE: scx_exit fired ===' || fail "no header"
grep -q '^exit: ERROR_BPF (1025) on cpu 3, current init\[121\]' "$tmp/out" || fail "no exit line"
grep -q '^causal task: init\[121\] 0xffff888005f92340, the task of ktstr_enqueue in flight on cpu 3' "$tmp/out" ||
	fail "causal task not the in-flight callback's"
grep -q '^ktstr_enqueue  *main\.bpf\.c:[0-9]' "$tmp/out" || fail "no ktstr_enqueue"
grep -q '^enqueue_task_scx  *kernel/sched/ext/ext\.c:[0-9]' "$tmp/out" || fail "no enqueue_task_scx"
grep -q '^    pid  *121$' "$tmp/out" || fail "no pid field"
grep -q '^    cpus_ptr  *0xf(0-3)$' "$tmp/out" || fail "no cpumask"
grep -q 'scx_flags  *IN_CUSTODY|ENABLED *→ QUEUED|ENABLED' "$tmp/out" || fail "no entry → exit change"
