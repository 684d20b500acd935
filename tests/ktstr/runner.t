#!/bin/sh
# vm: two boots at once: ktstr test -j 2 runs two passing tests side by side
# (--oversubscribe: 2+2 vCPUs on this host's cores), one line each, the
# summary, the run folder with run.conf, status and junit.xml.
. ./driverlib.sh
need_tools ktstr ktstr-boot scx-ktstr
fail() { echo "FAIL: $1"; cat "$tmp/out"; exit 1; }
t0=$(date +%s)
"$B/ktstr" test -j 2 --oversubscribe -o "$tmp/runs" -E 'test(eevdf_basic)' -E 'test(/^scx_ktstr_basic$/)' \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "exit $rc"
grep -Eqx 'PASS eevdf_basic [0-9]+\.[0-9]s' "$tmp/out" || fail "no PASS line for eevdf_basic"
grep -Eqx 'PASS scx_ktstr_basic [0-9]+\.[0-9]s' "$tmp/out" || fail "no PASS line for scx_ktstr_basic"
[ "$(tail -n 1 "$tmp/out")" = "2 passed, 0 failed, 0 skipped" ] || fail "bad summary"
# Side by side: their guest runs overlapped (each records its start and end).
for n in eevdf_basic scx_ktstr_basic; do
	[ -s "$tmp/runs/$n/result.json" ] || fail "no result of $n"
	[ "$(cat "$tmp/runs/$n/status")" = PASS ] || fail "status of $n"
done
# A test's run starts with its scenario.yaml (scenario.path is written before
# the pool waits for a slot: no start) and ends with done; to the nanosecond,
# as one after the other they would be a moment apart.
t() { date -r "$tmp/runs/$1/$2" +%s.%N; }
awk -v sa="$(t eevdf_basic scenario.yaml)" -v a="$(t eevdf_basic done)" \
	-v sb="$(t scx_ktstr_basic scenario.yaml)" -v b="$(t scx_ktstr_basic done)" \
	'BEGIN { exit !(sb < a && sa < b) }' || fail "the two tests did not overlap (-j 2)"
grep -q "jobs='2'" "$tmp/runs/run.conf" || fail "run.conf lacks the options"
grep -c '<testcase ' "$tmp/runs/junit.xml" | grep -qx 2 || fail "junit.xml has not two testcases"
grep -q '<testsuite name="ktstr" tests="2" failures="0" skipped="0">' "$tmp/runs/junit.xml" || fail "junit.xml counts"
exit 0
