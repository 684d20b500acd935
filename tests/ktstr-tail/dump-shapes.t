#!/bin/sh
# The same sched_ext dump of a real crash, once as sched_ext_dump trace events
# on the console (COM1) and once as the scheduler printed it (COM2): split out
# by --only sched_ext_dump, both read the same, and nothing of it is left in
# --except.
. ../lib.sh
set -eu
T=${KTSTR_BIN:?}/ktstr-tail
"$T" -n 0 --only sched_ext_dump error-bpf.com1 >"$tmp/com1"
"$T" -n 0 --only sched_ext_dump error-bpf.com2 >"$tmp/com2"
[ "$(wc -l <"$tmp/com1")" -gt 100 ]
cmp "$tmp/com1" "$tmp/com2"
head -n 2 "$tmp/com1" | grep -q 'triggered exit kind 1025 on CPU 1:$'
# (Not `! … | grep -q` under set -e: a negated pipeline is exempt from -e.)
for f in error-bpf.com1 error-bpf.com2; do
	if "$T" -n 0 --except sched_ext_dump "$f" | grep -q -e 'SCX_EV_' -e 'triggered exit kind' -e '^Backtrace:'; then
		fail "--except sched_ext_dump left dump lines in $f"
	fi
done
