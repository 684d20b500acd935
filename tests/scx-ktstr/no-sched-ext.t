#!/bin/sh
# On a host kernel without sched_ext the loader fails with exit 3 and one line.
. ../lib.sh
if [ -e /sys/kernel/sched_ext/state ]; then
	echo "this kernel has sched_ext: case needs one without" >&2
	exit 77
fi
t=$tmp
"$KTSTR_BIN/scx-ktstr" >"$t/out" 2>"$t/err"
rc=$?
[ $rc = 3 ] || { echo "exit status $rc, want 3" >&2; cat "$t/err" >&2; exit 1; }
[ ! -s "$t/out" ] || { echo "unexpected stdout:" >&2; cat "$t/out" >&2; exit 1; }
grep -qx "scx-ktstr: /sys/kernel/sched_ext/state: No such file or directory: the kernel has no sched_ext" "$t/err" ||
	{ echo "unexpected stderr:" >&2; cat "$t/err" >&2; exit 1; }
