#!/bin/sh
# vm: four short boots: a scheduler that cannot even start in the guest
# (its interpreter is missing there) fails before sys_rdy. ktstr test's
# report: BUG SUMMARY first, the header and reason, diagnostics, timeline,
# then auto-repro with the spec's PRIMARY DID NOT REACH WORKLOAD label and the
# repro's status line. Then ktstr replay reruns that failed test, with the
# same options, into a new folder.
. ./driverlib.sh
need_tools ktstr ktstr-boot ktstr-probe ktstr-probe-agent
fail() { echo "FAIL: $1"; sed -n '1,80p' "$tmp/out"; exit 1; }
printf '#!/no/such/interpreter\n' >"$tmp/sched.sh"
chmod +x "$tmp/sched.sh"
cat >"$tmp/s.yaml" <<YAML
name: cannot_start
scheduler: $tmp/sched.sh
memory_mb: 256
steps:
  - cgroups:
      - {name: spin, work_type: CpuSpin, workers: 1}
    hold: 1s
YAML
"$B/ktstr" test -o "$tmp/runs" "$tmp/s.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "exit $rc, expected 1"
grep -Eqx 'FAIL cannot_start [0-9]+\.[0-9]s: scheduler did not attach: .*' "$tmp/out" || fail "no FAIL line"
order=$(grep -nE '^(BUG SUMMARY: |ktstr_test .cannot_start. |scheduler did not attach|--- diagnostics ---|--- timeline ---|--- auto-repro ---|PRIMARY DID NOT REACH WORKLOAD|crash reproduction: )' "$tmp/out" |
	cut -d: -f2- | sed 's/^\(BUG SUMMARY\|ktstr_test\|scheduler did not attach\|PRIMARY DID NOT REACH WORKLOAD\|crash reproduction\).*/\1/' | tr '\n' ';')
want="BUG SUMMARY;ktstr_test;scheduler did not attach;--- diagnostics ---;--- timeline ---;--- auto-repro ---;PRIMARY DID NOT REACH WORKLOAD;crash reproduction;"
[ "$order" = "$want" ] || fail "report order: $order"
grep -q '^VM exit: poweroff after ' "$tmp/out" || fail "diagnostics lack how the VM ended"
grep -Eq '^ *[0-9]+\.[0-9]{3}s  SCHEDULER_NOT_ATTACHED: ' "$tmp/out" || fail "timeline lacks the failed attach"
grep -q '^crash reproduction: the scheduler did not attach in the repro VM either' "$tmp/out" || fail "repro status"
[ "$(tail -n 1 "$tmp/out")" = "0 passed, 1 failed, 0 skipped" ] || fail "bad summary"
grep -q '<failure message="scheduler did not attach: ' "$tmp/runs/junit.xml" || fail "junit.xml failure"
# replay: the same test again, same options, a new folder.
"$B/ktstr" replay -o "$tmp/again" "$tmp/runs" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "replay exit $rc, expected 1"
grep -Eqx 'FAIL cannot_start [0-9]+\.[0-9]s: scheduler did not attach: .*' "$tmp/out" || fail "replay: no FAIL line"
[ -s "$tmp/again/cannot_start/result.json" ] || fail "replay: no new run folder"
exit 0
