#!/bin/sh
# The events of a real ktstr-probe run (tests/ktstr-probe/fixtures: an
# ERROR_BPF crash of scx-ktstr with ktstr_enqueue in flight) stitch to the
# chain saved with them, source line numbers aside (they move as the sources
# are edited); --history (compact and full) and --format json/perfetto read
# them too.
. ../lib.sh
set -eu
S=${KTSTR_BIN:?}/ktstr-stitch
fx=../ktstr-probe/fixtures
for f in real.events.jsonl real.targets.jsonl real.stitch.txt; do
	[ -f "$fx/$f" ] || { echo "no $fx/$f" >&2; exit 77; }
done
"$S" -t "$fx/real.targets.jsonl" "$fx/real.events.jsonl" >"$tmp/out"
strip() { sed -E 's/(\.[ch]):[0-9]+$/\1/' "$1"; }
strip "$fx/real.stitch.txt" >"$tmp/want"
strip "$tmp/out" >"$tmp/got"
diff -u "$tmp/want" "$tmp/got"
grep -q '^causal task: .*, the task of ktstr_enqueue in flight on cpu [0-9]' "$tmp/out"
# --history=full: every call of the timeline numbered 1..N, among them the
# default view's (the timeline adds the calls around the task's)
grep -E '^[A-Za-z_][A-Za-z0-9_.]*  +[^ ]+:[0-9]+$' "$tmp/out" | awk '{ print $1 }' | sort -u >"$tmp/funcs"
[ -s "$tmp/funcs" ]
"$S" -t "$fx/real.targets.jsonl" --history=full "$fx/real.events.jsonl" >"$tmp/hist"
h=$(grep -c '^#[0-9]' "$tmp/hist")
[ "$(grep '^#[0-9]' "$tmp/hist" | tail -1 | cut -d' ' -f1)" = "#$h" ]
grep '^#[0-9]' "$tmp/hist" | awk '{ print $5 }' | sort -u >"$tmp/hfuncs"
[ -z "$(comm -23 "$tmp/funcs" "$tmp/hfuncs")" ] || { echo "full history lacks: $(comm -23 "$tmp/funcs" "$tmp/hfuncs")"; exit 1; }
# --history: the compact timeline fits a screen and tells the story: init's
# write woke the task, whose enqueue raised the error inside ktstr_enqueue:
# ktstr_enqueue, then scx_bpf_error_bstr inside it, then scx_claim_exit
# inside that, each one level deeper, all of the same CPU; every call of the
# full history has its line (nothing to fold here).
"$S" -t "$fx/real.targets.jsonl" --history "$fx/real.events.jsonl" >"$tmp/compact"
[ "$(wc -l <"$tmp/compact")" -le 40 ] || { echo "compact history: $(wc -l <"$tmp/compact") lines"; exit 1; }
[ "$(grep -c '^#[0-9]' "$tmp/compact")" -eq "$h" ]
grep -Eq '^#[0-9]+ +-[0-9.]+ms +cpu [0-9]+  ksys_write ' "$tmp/compact"
grep -Eq '^#[0-9]+ +-[0-9.]+ms +cpu [0-9]+ +try_to_wake_up +kernel/sched/core\.c:[0-9]+ .*return 1$' "$tmp/compact"
awk '/^#[0-9]/ {
	s = $0; sub(/^#[0-9]+ +-[0-9.]+m?s +cpu [0-9]+  /, "", s)
	n = match(s, /[^ ]/) - 1; split(s, w, " ")
	if (w[1] == "ktstr_enqueue") { e = n; ecpu = $4 }
	else if (w[1] == "scx_bpf_error_bstr" && e && $4 == ecpu && n == e + 2) b = n
	else if (w[1] == "scx_claim_exit" && b && $4 == ecpu && n == b + 2) ok = 1
}
END { exit !ok }' "$tmp/compact" || { echo "no ktstr_enqueue > scx_bpf_error_bstr > scx_claim_exit nesting"; cat "$tmp/compact"; exit 1; }
grep -Eq 'scx_claim_exit +kernel/sched/ext/ext\.c:[0-9]+ +exit_kind NONE→ERROR_BPF, aborting false→true, return true$' "$tmp/compact"
"$S" -t "$fx/real.targets.jsonl" -f json "$fx/real.events.jsonl" | jq -se '
  .[0].type == "stitch" and .[0].why_none == null and .[1].type == "exit" and
  .[2].why == "inflight" and ([.[] | select(.type == "call")] | length) == .[0].shown' >/dev/null
"$S" -t "$fx/real.targets.jsonl" -f perfetto "$fx/real.events.jsonl" | jq -e '
  ([.traceEvents[] | select(.ph == "X")] | length) > 0 and
  all(.traceEvents[] | select(.ph == "X"); (.ts | type == "number") and (.dur | type == "number"))' >/dev/null
