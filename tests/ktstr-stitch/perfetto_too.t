#!/bin/sh
# --perfetto FILE: the trace beside the main output from one read of the
# events (ktstr's demo stitches a 6 MB file): the main output is what it is
# without it, the trace is what -f perfetto writes with the same options,
# byte for byte, for a crash, a stall, a nest, no chain, and windows.
. ../lib.sh
S=${KTSTR_BIN:?}/ktstr-stitch
n=0
check() { # name events [option]...
	name=$1 ev=$2
	shift 2
	"$S" "$@" -o "$tmp/$name.main" -p "$tmp/$name.trace" "$ev" || fail "$name: exit $?"
	"$S" "$@" -o "$tmp/$name.main1" "$ev" || fail "$name: exit $? without --perfetto"
	"$S" "$@" -f perfetto -o "$tmp/$name.trace1" "$ev" || fail "$name: exit $? with -f perfetto"
	cmp -s "$tmp/$name.main" "$tmp/$name.main1" || fail "$name: the main output differs with --perfetto"
	cmp -s "$tmp/$name.trace" "$tmp/$name.trace1" || fail "$name: the trace differs from -f perfetto's"
	n=$((n + 1))
}
check crash crash.in -t targets.jsonl
check crash-history crash.in -t targets.jsonl --history
check crash-full crash.in -t targets.jsonl --history=full --last 3
check crash-json crash.in -t targets.jsonl -f json --since -1ms
check stall checkin-handmade.in -t targets.jsonl
check stall-last checkin-handmade.in -t targets.jsonl --last 2
check real checkin-real.in -t checkin-real.targets.jsonl --history --last 5
check nest nest.in -t targets.jsonl
check no-trigger no-trigger.in -t targets.jsonl
check empty empty.in
# Each output whole or not at all: no trace when the main output fails, the
# main output kept when only the trace cannot be written.
"$S" -t targets.jsonl -o "$tmp/none/chain.txt" crash.in 2>/dev/null
want=$?
[ $want != 0 ] || fail "an output in a missing folder: exit 0"
"$S" -t targets.jsonl -o "$tmp/none/chain.txt" -p "$tmp/t.json" crash.in 2>"$tmp/err"
[ $? = $want ] || fail "an unwritable main output: exit not $want"
[ ! -e "$tmp/t.json" ] || fail "a trace written after the main output failed"
"$S" -t targets.jsonl -o "$tmp/c.txt" -p "$tmp/none/t.json" crash.in 2>"$tmp/err"
[ $? = $want ] || fail "an unwritable trace: exit not $want"
cmp -s "$tmp/c.txt" "$tmp/crash.main1" || fail "the main output lost with an unwritable trace"
grep -q "none/t.json" "$tmp/err" || fail "the trace's error does not name it: $(cat "$tmp/err")"
[ $n = 10 ] || fail "$n cases of 10"
exit 0
