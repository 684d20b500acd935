#!/bin/sh
# The probe agent's plan reader on hostile kernel lines (lib/kfacts.h), on
# the host (it stops before any BPF): a fact out of range, too few or too
# many fields: exit 2 and one line naming the plan's line. Nothing here
# reaches a BPF load (each plan is refused first).
. ../lib.sh
B=${KTSTR_BIN:?}
[ -x "$B/ktstr-probe-agent" ] || skip "ktstr-probe-agent not built"
bad() { # NAME LINE
	printf 'ktstr-probe-plan 1\n%s\n' "$2" >"$tmp/$1.plan"
	"$B/ktstr-probe-agent" --plan "$tmp/$1.plan" >"$tmp/out" 2>"$tmp/err" </dev/null
	st=$?
	[ "$st" = 2 ] || fail "$1: exit $st, expected 2: $(cat "$tmp/err")"
	[ "$(cat "$tmp/err")" = "ktstr-probe-agent: $tmp/$1.plan:2: bad plan line" ] ||
		fail "$1: error: $(cat "$tmp/err")"
}
bad feat-not-bool 'kernel 5293890 3408 68182 2 68504 1 59 60'
bad too-few 'kernel 5293890 3408'
bad too-many 'kernel 5293890 3408 68182 1 68504 1 59 60 7'
bad negative-id 'kernel 5293890 3408 -5 1 68504 1 59 60'
bad words 'kernel a b c d e f g h'
# A good kernel line is read past: the error is the next line's.
printf 'ktstr-probe-plan 1\nkernel 5293890 3408 68182 1 68504 1 59 60\nbogus\n' >"$tmp/good.plan"
"$B/ktstr-probe-agent" --plan "$tmp/good.plan" >/dev/null 2>"$tmp/err" </dev/null
st=$?
[ "$st" = 2 ] && [ "$(cat "$tmp/err")" = "ktstr-probe-agent: $tmp/good.plan:3: bad plan line" ] ||
	fail "a good kernel line: exit $st, $(cat "$tmp/err") (expected the error at line 3)"
exit 0
