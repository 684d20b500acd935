#!/bin/sh
# --format perfetto is a Chrome trace-event JSON object: "traceEvents" is an
# array of events with ph/pid/tid/name (and ts, plus dur for slices); one
# track per CPU named "CPU n"; one slice per call, args = decoded fields;
# the exit as a global instant ("s"); metadata events name the process and
# the tracks. Also valid when there is no chain.
set -eu
S=${KTSTR_BIN:?}/ktstr-stitch
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stitch-perfetto.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$S" -t targets.jsonl -f perfetto crash.in >"$tmp/t.json"
jq -e '
  type == "object" and (.traceEvents | type == "array") and
  all(.traceEvents[]; (.ph | type == "string") and (.pid | type == "number") and
      (.tid | type == "number") and (.name | type == "string")) and
  all(.traceEvents[] | select(.ph == "X" or .ph == "i"); .ts | type == "number") and
  all(.traceEvents[] | select(.ph == "X"); (.dur | type == "number") and .dur >= 0 and
      (.args | type == "object") and (.cat | type == "string")) and
  all(.traceEvents[] | select(.ph == "i"); .s == "g" or .s == "p" or .s == "t") and
  all(.traceEvents[] | select(.ph == "M"); (.name == "process_name" or .name == "thread_name") and
      (.args.name | type == "string")) and
  all(.traceEvents[]; .ph == "X" or .ph == "i" or .ph == "M")
' "$tmp/t.json" >/dev/null
# 8 calls (the last of each function), on the tracks of CPUs 1 and 2
[ "$(jq '[.traceEvents[] | select(.ph == "X")] | length' "$tmp/t.json")" -eq 8 ]
[ "$(jq -c '[.traceEvents[] | select(.name == "thread_name") | .args.name]' "$tmp/t.json")" = '["CPU 1","CPU 2"]' ]
jq -e '.traceEvents[] | select(.ph == "X" and .name == "enqueue_task_scx") |
  .tid == 1 and .ts == 5102003 and .dur == 6 and
  .args["p.dsq_id"] == "SCX_DSQ_INVALID → SCX_DSQ_LOCAL" and .args["rq.cpu"] == "1" and
  .args.core_enq_flags == "WAKEUP"' "$tmp/t.json" >/dev/null
jq -e '[.traceEvents[] | select(.ph == "i")] | length == 1 and .[0].args.exit_kind == "ERROR_BPF (1025)"' \
	"$tmp/t.json" >/dev/null
# --history: all 13 calls of the causal task before the exit
[ "$("$S" -t targets.jsonl -f perfetto --history crash.in | jq '[.traceEvents[] | select(.ph == "X")] | length')" -eq 13 ]
# no trigger: still a valid trace, saying why
"$S" -f perfetto no-trigger.in | jq -e '(.traceEvents | length) == 0 and .otherData.why_none == "trigger never fired"' >/dev/null
