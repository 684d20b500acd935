#!/bin/sh
# vm: two boots at once: two ktstr test runs sharing the kernel, into
# distinct -o folders, both pass; a third with the same -o as the first,
# started while the first runs, is refused at once (exit 3, one line naming
# the folder) and touches nothing of it: the first's tests, status and
# report stay its own.
. ./driverlib.sh
need_tools ktstr ktstr-boot
need jq flock
fail() { echo "FAIL: $1"; for f in a b c; do sed -n '1,30p' "$tmp/$f.out" "$tmp/$f.err" 2>/dev/null; done; exit 1; }
"$B/ktstr" test -o "$tmp/x" -E 'test(eevdf_basic)' >"$tmp/a.out" 2>"$tmp/a.err" &
a=$!
i=0
until [ -e "$tmp/x/eevdf_basic/primary/com1.log" ]; do
	i=$((i + 1))
	[ $i -lt 1200 ] || { kill "$a"; fail "the first run never booted"; }
	sleep 0.1
done
"$B/ktstr" test -o "$tmp/y" -E 'test(eevdf_basic)' >"$tmp/c.out" 2>"$tmp/c.err" &
c=$!
"$B/ktstr" test -o "$tmp/x" -E 'test(eevdf_basic)' >"$tmp/b.out" 2>"$tmp/b.err"
rc=$?
[ $rc -eq 3 ] || fail "the run with the same -o: exit $rc, expected 3"
[ "$(cat "$tmp/b.err")" = "ktstr: $tmp/x is in use by another ktstr run (it holds $tmp/x/.lock); choose another -o" ] ||
	fail "the run with the same -o said: $(cat "$tmp/b.err")"
[ ! -s "$tmp/b.out" ] || fail "the refused run printed: $(cat "$tmp/b.out")"
kill -0 "$a" 2>/dev/null || fail "the first run ended before the second was refused (cannot tell)"
wait "$a"
rc=$?
[ $rc -eq 0 ] || fail "the first run: exit $rc"
wait "$c"
rc=$?
[ $rc -eq 0 ] || fail "the run with its own -o: exit $rc"
for d in x y; do
	[ "$(cat "$tmp/$d/eevdf_basic/status")" = PASS ] || fail "$d: status $(cat "$tmp/$d/eevdf_basic/status")"
	[ "$(cat "$tmp/$d/status")" = "PASS eevdf_basic $(cat "$tmp/$d/eevdf_basic/scenario.path")" ] ||
		fail "$d/status: $(cat "$tmp/$d/status")"
	jq -e '.verdict == "pass"' "$tmp/$d/eevdf_basic/result.json" >/dev/null || fail "$d: result.json"
done
grep -q '^1 passed, 0 failed, 0 skipped$' "$tmp/a.out" || fail "the first run's summary"
exit 0
