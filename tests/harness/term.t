#!/bin/sh
# tests/lib.sh under a signal: a case sent TERM (or INT, HUP) ends there with
# 143 (130, 129) and its $tmp removed, instead of running on after the
# handler as dash would with a trap that only cleaned up.
. ../lib.sh
for sig in TERM:143 INT:130 HUP:129; do
	name=${sig%:*} want=${sig#*:}
	cat >"$tmp/case.t" <<EOT
. ../lib.sh
echo "\$tmp" >"$tmp/tmp.$name"
kill -$name \$\$
echo ran on >"$tmp/after.$name"
EOT
	sh "$tmp/case.t" 2>/dev/null
	rc=$?
	[ "$rc" -eq "$want" ] || fail "$name: exit status $rc, expected $want"
	[ ! -e "$tmp/after.$name" ] || fail "$name: the case ran on after the signal"
	inner=$(cat "$tmp/tmp.$name")
	case "$inner" in "${TMPDIR:-/tmp}"/ktstr-t.*) ;; *) fail "$name: odd \$tmp '$inner'" ;; esac
	[ ! -e "$inner" ] || fail "$name: $inner left behind"
done
