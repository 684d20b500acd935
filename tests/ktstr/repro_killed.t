#!/bin/sh
# vm: three boots: the demo crash, then its repro VM twice, each one's QEMU
# killed (SIGKILL, as the OOM killer would) as soon as its workload starts.
# The host failed, not the scheduler: --retries 1 reruns the repro VM once
# (the first kept as repro.infra1/), then the report says the reproduction
# is unknown and why; the primary's verdict stands (exit 1), and the run
# folder keeps both repro VMs' logs.
. ./driverlib.sh
need_tools ktstr ktstr-boot ktstr-probe ktstr-probe-agent scx-ktstr
need jq
fail() { echo "FAIL: $1"; sed -n '1,80p' "$tmp/out" "$tmp/err" 2>/dev/null; exit 1; }
d=$tmp/runs/demo_host_crash_auto_repro
"$B/ktstr" test --run-ignored all --retries 1 -o "$tmp/runs" -E 'test(demo_host_crash_auto_repro)' \
	>"$tmp/out" 2>"$tmp/err" &
kpid=$!
# kill_repro: once the repro VM's workload runs, SIGKILL its QEMU.
kill_repro() {
	workload_qemu "$d/repro" "$kpid"
	kill -KILL "$qpid"
}
kill_repro
i=0
until [ -d "$d/repro.infra1" ] && [ -d "$d/repro" ]; do
	i=$((i + 1))
	[ $i -lt 600 ] || { kill "$kpid"; fail "the repro VM was not retried"; }
	sleep 0.05
done
kill_repro
wait "$kpid"
rc=$?
[ $rc -eq 1 ] || fail "exit $rc, expected 1 (the primary's verdict)"
grep -Eqx 'FAIL demo_host_crash_auto_repro [0-9.]+s: scheduler process died unexpectedly during workload .*' "$tmp/out" ||
	fail "no FAIL line"
msg='QEMU was killed by signal 9 \(Killed\) \(last stage: [^)]*\)'
grep -Eqx "auto-repro: the repro VM failed \($msg\); retrying, its logs in repro.infra1/" "$d/report.txt" ||
	fail "no retry line"
grep -Eqx "auto-repro: probe run failed \(exit 3\): ktstr-probe: the probe VM failed: $msg; logs in $d/repro" \
	"$d/report.txt" || fail "no probe failure line"
grep -Eqx "crash reproduction: unknown \(the repro VM failed: $msg\)" "$d/report.txt" || fail "no reproduction status"
! grep -q '^crash reproduction: not reproduced' "$d/report.txt" || fail "a killed VM taken as not reproduced"
for r in repro repro.infra1; do
	jq -e '.verdict == "error" and .vm_exit == "qemu killed"' "$d/$r/result.json" >/dev/null || fail "$r/result.json"
	grep -q "workload started" "$d/$r/com1.log" || fail "$r/com1.log not kept"
	[ -s "$d/$r/agent.out" ] || fail "$r/agent.out not kept"
done
[ -s "$d/primary/com1.log" ] && [ -s "$d/targets.jsonl" ] || fail "the primary's files were not kept"
exit 0
