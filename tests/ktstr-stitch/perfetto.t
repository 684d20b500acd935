#!/bin/sh
# --format perfetto is a Chrome trace-event JSON object ("JSON Object
# Format"): "traceEvents" is an array of events with ph/pid/tid/name (and ts,
# plus dur for slices). The whole timeline: one track per CPU named "CPU n"
# with every call as a slice, nested as the calls ran; one track of the
# causal task's own calls; args = decoded fields; the exit as a global
# instant ("s"); metadata events name the process and the tracks. Slices on
# one track must nest strictly (trace viewers drop or misdraw the others).
# Also valid when there is no chain.
. ../lib.sh
set -eu
S=${KTSTR_BIN:?}/ktstr-stitch
schema='
  type == "object" and (.traceEvents | type == "array") and
  all(.traceEvents[]; (.ph | type == "string") and (.pid | type == "number") and
      (.tid | type == "number") and (.name | type == "string")) and
  all(.traceEvents[] | select(.ph == "X" or .ph == "i"); .ts | type == "number") and
  all(.traceEvents[] | select(.ph == "X"); (.dur | type == "number") and .dur >= 0 and
      (.args | type == "object") and (.cat | type == "string")) and
  all(.traceEvents[] | select(.ph == "i"); .s == "g" or .s == "p" or .s == "t") and
  all(.traceEvents[] | select(.ph == "M"); (.name == "process_name" or .name == "thread_name") and
      (.args.name | type == "string")) and
  all(.traceEvents[]; .ph == "X" or .ph == "i" or .ph == "M") and
  ([.traceEvents[] | select(.ph == "X") | .tid] | unique) - [.traceEvents[] | select(.name == "thread_name") | .tid] == []'
# Per track, in time order (longer first at one time): every slice ends
# within the innermost one still open when it starts, computed as viewers do,
# ts + dur in floating-point microseconds (a slice ending in the same
# nanosecond as its parent can seem to end after it: the trace ends each
# level a nanosecond earlier).
nested='
  [.traceEvents[] | select(.ph == "X")] | group_by(.tid) |
  all(.[]; sort_by([.ts, -.dur]) |
    reduce .[] as $e ({ok: true, st: []};
      (.st | until(length == 0 or .[-1] > $e.ts; .[:-1])) as $st |
      .ok = (.ok and ($st | length == 0 or .[-1] > $e.ts + $e.dur or
                      ($e.dur == 0 and .[-1] >= $e.ts))) |
      .st = $st + [$e.ts + $e.dur]) | .ok)'
check() { # events args...
	ev=$1
	shift
	"$S" "$@" -f perfetto "$ev" >"$tmp/t.json"
	jq -e "$schema" "$tmp/t.json" >/dev/null || { echo "$ev: not a trace-event object"; exit 1; }
	jq -e "$nested" "$tmp/t.json" >/dev/null || { echo "$ev: slices do not nest"; exit 1; }
}
# The nesting check itself catches overlapping slices.
echo '{"traceEvents":[{"ph":"X","pid":1,"tid":0,"name":"a","ts":1,"dur":5},{"ph":"X","pid":1,"tid":0,"name":"b","ts":2,"dur":5}]}' |
	jq -e "$nested" >/dev/null && { echo "the nesting check accepts overlaps"; exit 1; }

check crash.in -t targets.jsonl
# 14 calls of the timeline on the CPU tracks, the task's 13 again on its own
[ "$(jq '[.traceEvents[] | select(.ph == "X" and .tid < 1000000)] | length' "$tmp/t.json")" -eq 14 ]
[ "$(jq '[.traceEvents[] | select(.ph == "X" and .tid == 1000000)] | length' "$tmp/t.json")" -eq 13 ]
[ "$(jq -c '[.traceEvents[] | select(.name == "thread_name") | .args.name]' "$tmp/t.json")" = \
  '["CPU 1","CPU 2","task worker[97] 0xffff888003a8c000"]' ]
jq -e '.traceEvents[] | select(.ph == "X" and .name == "enqueue_task_scx" and .tid == 1) |
  .ts == 5102003 and .dur == 5.999 and .args.n == 13 and .args.of_task and
  .args["p.dsq_id"] == "SCX_DSQ_INVALID → SCX_DSQ_LOCAL" and .args["rq.cpu"] == "1" and
  .args.core_enq_flags == "WAKEUP"' "$tmp/t.json" >/dev/null
# ktstr_dispatch inside do_pick_task_scx (kworker's, not the task's) on CPU 2
jq -e '[.traceEvents[] | select(.ph == "X" and .tid == 2 and (.name == "do_pick_task_scx" or .name == "ktstr_dispatch"))] |
  length == 2 and .[0].name == "do_pick_task_scx" and (.[0].args.of_task | not) and
  .[0].ts <= .[1].ts and .[1].ts + .[1].dur <= .[0].ts + .[0].dur' "$tmp/t.json" >/dev/null
jq -e '[.traceEvents[] | select(.ph == "i")] | length == 1 and .[0].args.exit_kind == "ERROR_BPF" and .[0].args.exit_code == 1025 and .[0].args.inflight_func == "ktstr_enqueue"' \
	"$tmp/t.json" >/dev/null

# Nesting across CPUs, the call still running at the end (process_one_work
# has no exit: it lasts to the last call's end), and the task's own calls on
# two tracks where two of them overlap (being enqueued on CPU 0 while woken
# on CPU 1).
check nest.in -t targets.jsonl
jq -e '[.traceEvents[] | select(.ph == "X" and .tid == 1)] |
  (map(select(.name == "process_one_work")) | length == 1) and
  (map(select(.name == "process_one_work"))[0] | .ts + .dur) >= (map(.ts + .dur) | max)' "$tmp/t.json" >/dev/null
jq -e '[.traceEvents[] | select(.ph == "X" and .tid == 1) | .name] ==
  ["process_one_work","try_to_wake_up","select_task_rq_scx","ktstr_select_cpu","enqueue_task_scx",
   "ktstr_enqueue","scx_bpf_error_bstr","scx_claim_exit"]' "$tmp/t.json" >/dev/null
[ "$(jq -c '[.traceEvents[] | select(.name == "thread_name") | .args.name]' "$tmp/t.json")" = \
  '["CPU 0","CPU 1","task worker[97] 0xffff888003a8c000","task worker[97] 0xffff888003a8c000 (2)"]' ]
[ "$(jq '[.traceEvents[] | select(.ph == "X" and .tid < 1000000)] | length' "$tmp/t.json")" -eq 73 ]
# --last bounds it too (calls)
"$S" -t targets.jsonl -f perfetto --last 3 nest.in | jq -e '[.traceEvents[] | select(.ph == "X" and .tid < 1000000)] | length == 3' >/dev/null

# A real capture's busy loop (demo-loop.in): every call a slice
check demo-loop.in -t demo-loop.targets.jsonl
[ "$(jq '[.traceEvents[] | select(.ph == "X" and .tid < 1000000)] | length' "$tmp/t.json")" -eq 148 ]

# Hostile input: still a trace, still nested
check robust.in -t targets.jsonl
check ties.in -t targets.jsonl
check untrusted.in -t targets.jsonl
check hostile-nest.in -t targets.jsonl

# no trigger: still a valid trace, saying why
"$S" -f perfetto no-trigger.in | jq -e '(.traceEvents | length) == 0 and .otherData.why_none == "trigger never fired"' >/dev/null
