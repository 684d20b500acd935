#!/bin/sh
# The events of a real ktstr-probe run (tests/ktstr-probe/fixtures: an
# ERROR_BPF crash of scx-ktstr with ktstr_enqueue in flight) stitch to the
# chain saved with them, source line numbers aside (they move as the sources
# are edited); --history and --format json/perfetto read them too.
set -eu
S=${KTSTR_BIN:?}/ktstr-stitch
fx=../ktstr-probe/fixtures
for f in real.events.jsonl real.targets.jsonl real.stitch.txt; do
	[ -f "$fx/$f" ] || { echo "no $fx/$f" >&2; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stitch-probe-real.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$S" -t "$fx/real.targets.jsonl" "$fx/real.events.jsonl" >"$tmp/out"
strip() { sed -E 's/(\.[ch]):[0-9]+$/\1/' "$1"; }
strip "$fx/real.stitch.txt" >"$tmp/want"
strip "$tmp/out" >"$tmp/got"
diff -u "$tmp/want" "$tmp/got"
grep -q '^causal task: .*, the task of ktstr_enqueue in flight on cpu [0-9]' "$tmp/out"
# --history: every kept call numbered 1..N, among them the default view's
grep -E '^[A-Za-z_][A-Za-z0-9_.]*  +[^ ]+:[0-9]+$' "$tmp/out" | awk '{ print $1 }' | sort -u >"$tmp/funcs"
[ -s "$tmp/funcs" ]
"$S" -t "$fx/real.targets.jsonl" --history "$fx/real.events.jsonl" >"$tmp/hist"
h=$(grep -c '^#[0-9]' "$tmp/hist")
[ "$(grep '^#[0-9]' "$tmp/hist" | tail -1 | cut -d' ' -f1)" = "#$h" ]
grep '^#[0-9]' "$tmp/hist" | awk '{ print $5 }' | sort -u >"$tmp/hfuncs"
cmp "$tmp/funcs" "$tmp/hfuncs"
"$S" -t "$fx/real.targets.jsonl" -f json "$fx/real.events.jsonl" | jq -se '
  .[0].type == "stitch" and .[0].why_none == null and .[1].type == "exit" and
  .[2].why == "inflight" and ([.[] | select(.type == "call")] | length) == .[0].shown' >/dev/null
"$S" -t "$fx/real.targets.jsonl" -f perfetto "$fx/real.events.jsonl" | jq -e '
  ([.traceEvents[] | select(.ph == "X")] | length) > 0 and
  all(.traceEvents[] | select(.ph == "X"); (.ts | type == "number") and (.dur | type == "number"))' >/dev/null
