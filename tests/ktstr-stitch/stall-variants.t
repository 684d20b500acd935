#!/bin/sh
# The real stall capture (stall-real.in) with its watchdog message made
# wrong: a pid no call of the capture has, and a hostile text (escape
# codes, a pid that is not a number). The chain keeps current at the exit as
# the causal task and prints the message made safe (NAME.want).
. ../lib.sh
B=${KTSTR_BIN:?}/ktstr-stitch
msg='"msg":"init\[107\] failed to run for 4.272s"'
grep -q "$msg" stall-real.in || { echo "stall-real.in lacks its message"; exit 1; }
variant() { # name replacement
	sed "s/$msg/$2/" stall-real.in >"$tmp/$1.in"
	"$B" --targets stall-real.targets.jsonl <"$tmp/$1.in" >"$tmp/$1.out" 2>"$tmp/$1.err" || { echo "$1: exit $?"; cat "$tmp/$1.err"; exit 1; }
	cmp -s "$tmp/$1.out" "$1.want" || { echo "$1 differs:"; diff -u "$1.want" "$tmp/$1.out" | head -20; exit 1; }
}
variant stall-unknown-pid '"msg":"init[99999] failed to run for 4.272s"'
variant stall-hostile-msg '"msg":"x\\u001b[31m[1O7] failed to run for ]]]"'
# The real "failed to check in" capture with escape codes in its time: the
# time printed is cut at the first character that no time has.
cmsg='"msg":"watchdog failed to check in for 2.004s"'
grep -q "$cmsg" checkin-real.in || { echo "checkin-real.in lacks its message"; exit 1; }
sed "s/$cmsg/\"msg\":\"watchdog failed to check in for 2\\\\u001b[2J\"/" checkin-real.in >"$tmp/c.in"
"$B" --targets checkin-real.targets.jsonl <"$tmp/c.in" >"$tmp/c.out" || { echo "checkin hostile: exit $?"; exit 1; }
grep -q '^causal task: init\[108\] 0x[0-9a-f]*, runnable longest without running: the watchdog names no task (its own work did not run for 2)$' "$tmp/c.out" ||
	{ echo "checkin hostile: causal line"; head -5 "$tmp/c.out"; exit 1; }
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/c.out"; then echo "checkin hostile: escape code printed"; exit 1; fi
# The task left waiting longest made the probe agent's: a task of the
# scenario (the next one waiting, a kworker) is preferred to ktstr's own.
sed 's/"pid":108,"comm":"init"/"pid":108,"comm":"ktstr-probe-age"/g' checkin-real.in >"$tmp/a.in"
"$B" --targets checkin-real.targets.jsonl <"$tmp/a.in" >"$tmp/a.out" || { echo "checkin agent: exit $?"; exit 1; }
grep -q '^causal task: kworker/u8:0\[11\] 0x[0-9a-f]*, runnable longest without running' "$tmp/a.out" ||
	{ echo "checkin agent: causal line"; head -5 "$tmp/a.out"; exit 1; }
exit 0
