#!/bin/sh
# ktstr-stitch on 1 million generated probe events (~650 MB, every record with
# the curated task fields) against `jq -c .` on the same file, same run: the
# stitcher parses every record once too, so it should not be slower than jq.
# Last line: "ratio: X.XX (target <= 1)" = stitch seconds / jq seconds.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${KTSTR_BIN:-$top/build/bin}
n=${STITCH_BENCH_EVENTS:-1000000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stitch-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM
awk -v n="$n" -f "$top/tests/ktstr-stitch/gen-events.awk" >"$tmp/events.jsonl"
echo "events: $n, $(wc -c <"$tmp/events.jsonl") bytes"
now() { date +%s.%N; }
t0=$(now)
"$bin/ktstr-stitch" --targets "$top/tests/ktstr-stitch/targets.jsonl" "$tmp/events.jsonl" >"$tmp/out"
t1=$(now)
jq -c . "$tmp/events.jsonl" >/dev/null
t2=$(now)
grep -q '^ktstr_enqueue ' "$tmp/out" || { echo "stitch output lacks the chain" >&2; exit 1; }
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
	s = b - a; j = c - b
	printf("ktstr-stitch: %.2f s\njq -c .: %.2f s\nratio: %.2f (target <= 1)\n", s, j, s / j)
}'
