#!/bin/sh
# vm: four short boots (~3 s each) whose /init cannot run: the kernel panics
# before ktstr-init. Each ktstr-boot retries once itself, --retries 1 makes
# the driver run it once more: an infrastructure failure (exit 3), reported
# as one ("VM died before init twice (kernel panic)"), never a scheduler
# verdict and no auto-repro; every attempt's console log is kept.
. ./driverlib.sh
need_tools ktstr ktstr-boot scx-ktstr
need jq
fail() { echo "FAIL: $1"; sed -n '1,60p' "$tmp/out" "$tmp/err"; exit 1; }
printf '#!/no/such/interpreter\n' >"$tmp/init"
chmod +x "$tmp/init"
KTSTR_INIT="$tmp/init" "$B/ktstr" test --retries 1 -o "$tmp/runs" -E 'test(scx_ktstr_basic)' >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] || fail "exit $rc, expected 3"
grep -Eqx 'FAIL scx_ktstr_basic [0-9.]+s: VM died before init twice \(kernel panic\)' "$tmp/out" || fail "no FAIL line"
d=$tmp/runs/scx_ktstr_basic
[ "$(cat "$d/retries")" = 1 ] || fail "not retried once by --retries 1"
[ "$(cat "$d/status")" = ERROR ] || fail "status $(cat "$d/status"), expected ERROR"
jq -e '.verdict == "error" and .vm_exit == "kernel panic" and .attempts == 2' "$d/result.json" >/dev/null ||
	fail "result.json: $(cat "$d/result.json")"
! grep -q -- '--- auto-repro ---' "$d/report.txt" || fail "auto-repro ran on an infrastructure failure"
[ ! -e "$d/repro" ] || fail "a repro VM was started"
grep -q 'Kernel panic - not syncing' "$d/report.txt" || fail "the report lacks the console's panic"
for f in primary.infra1/com1.try1.log primary.infra1/com1.log primary/com1.try1.log primary/com1.log; do
	grep -q 'Requested init /init failed' "$d/$f" || fail "$f: not kept, or no failed init in it"
done
exit 0
