#!/bin/sh
# No VM: failures before any VM booted (the scheduler missing on the host, a
# kernel folder without a kernel) are failures before sys_rdy too. ktstr
# test's report has the same shape as for a VM that died early: BUG
# SUMMARY, the header with sched and topo, the reason, diagnostics saying no
# VM ran, the timeline, then auto-repro with the spec's PRIMARY DID NOT
# REACH WORKLOAD label and why no repro VM ran. Exit 3 (environment).
. ./driverlib.sh
need_tools ktstr ktstr-boot
need jq
fail() { echo "FAIL: $1"; cat "$tmp/out"; exit 1; }
# sections: the report's section lines, in order, as words.
sections() {
	grep -E '^(BUG SUMMARY: |ktstr_test |--- [a-z-]+ ---$|PRIMARY DID NOT REACH WORKLOAD — |auto-repro: not run: |VM exit: )' "$tmp/out" |
		sed 's/^\(BUG SUMMARY\|ktstr_test\|PRIMARY DID NOT REACH WORKLOAD\|auto-repro: not run\|VM exit\).*/\1/' | tr '\n' ';'
}
want="BUG SUMMARY;ktstr_test;--- diagnostics ---;VM exit;--- timeline ---;--- auto-repro ---;PRIMARY DID NOT REACH WORKLOAD;auto-repro: not run;"
printf 'name: no_sched\nscheduler: ./no-such-scheduler\n' >"$tmp/s.yaml"
"$B/ktstr" test -o "$tmp/runs" "$tmp/s.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] || fail "exit $rc, expected 3"
grep -Eqx "FAIL no_sched [0-9.]+s: scheduler './no-such-scheduler' not found \(no such executable\)" "$tmp/out" || fail "no FAIL line"
[ "$(sections)" = "$want" ] || fail "report order: $(sections)"
grep -qx "ktstr_test 'no_sched' \[sched=./no-such-scheduler\] \[topo=1n1l2c1t\] error:" "$tmp/out" || fail "header"
grep -qx 'VM exit: none (no VM booted)' "$tmp/out" || fail "diagnostics do not say no VM booted"
grep -qx "auto-repro: not run: no VM booted, and a repro VM would not either (scheduler './no-such-scheduler' not found (no such executable))" \
	"$tmp/out" || fail "no reason for the missing repro"
[ "$(tail -n 1 "$tmp/out")" = "0 passed, 1 failed, 0 skipped" ] || fail "bad summary"
# ktstr-boot exits with an error and no result at all: a kernel folder without a kernel.
mkdir "$tmp/nokernel"
"$B/ktstr" test --kernel "$tmp/nokernel" -o "$tmp/runs2" "$tmp/s.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] || fail "no kernel: exit $rc, expected 3"
[ "$(sections)" = "$want" ] || fail "no kernel: report order: $(sections)"
grep -qx 'VM exit: unknown (ktstr-boot exited 3 without a result)' "$tmp/out" || fail "no kernel: diagnostics"
grep -q "no vmlinux or bzImage in this folder" "$tmp/runs2/no_sched/report.txt" || fail "no kernel: the report lacks ktstr-boot's error"
# --no-repro: no auto-repro section at all.
"$B/ktstr" test --no-repro -o "$tmp/runs3" "$tmp/s.yaml" >"$tmp/out" 2>"$tmp/err"
! grep -q '^--- auto-repro ---$' "$tmp/out" || fail "--no-repro printed auto-repro"
exit 0
