#!/bin/sh
# The real COM1 captures hold the exit backtrace twice: the console's
# stack_trace_print() lines after 'disabled (...)', and the sched_ext_dump
# trace events appended at the end. Each half alone must give the same list
# as the whole file, so both parsers are checked on real text.
. ../lib.sh
set -eu
n=0
for f in fixtures/error-bpf.com1 fixtures/error-dispatch.com1 fixtures/stall.com1 fixtures/stall-task.com1; do
	[ -f "$f" ] || continue
	grep -q 'sched_ext_dump: Backtrace:' "$f" || { echo "$f: no sched_ext_dump backtrace"; exit 1; }
	ktstr-stackx "$f" >"$tmp/all"
	[ -s "$tmp/all" ] || { echo "$f: no function"; exit 1; }
	sed '/^=== sched_ext_dump trace events ===/,$d' "$f" | ktstr-stackx >"$tmp/console"
	sed -n '/^=== sched_ext_dump trace events ===/,$p' "$f" | ktstr-stackx >"$tmp/trace"
	diff -u "$tmp/all" "$tmp/console" || { echo "$f: console half differs"; exit 1; }
	diff -u "$tmp/all" "$tmp/trace" || { echo "$f: trace half differs"; exit 1; }
	n=$((n + 1))
done
[ $n -gt 0 ] || skip "no real COM1 fixture found"
