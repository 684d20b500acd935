#!/bin/sh
# vm: three boots: a scheduler bug the watchdog never sees, caught by the
# checks of a passing run. scx-ktstr keeps cgroup pipe's tasks off the CPU
# (--starve-cgroup; parked for less than the scenario's 10 s watchdog
# timeout): for a whole step (starvation), then for 2.5 s in the middle of
# one (scheduling gap); the same load passes on eevdf. A failed check fails the test, and gets
# no auto-repro: there is no scheduler exit to reproduce.
. ./driverlib.sh
need_tools ktstr ktstr-boot scx-ktstr
fail() { echo "FAIL: $1"; sed -n '1,80p' "$tmp/out"; exit 1; }
# scenario NAME SCHEDULER HOLD [ARG...]: tests/NAME.yaml, the pipe pair beside a spinner.
scenario() {
	sn=$1 ss=$2 sh=$3
	shift 3
	{
		echo "name: $sn"
		echo "scheduler: $ss"
		[ $# -eq 0 ] || printf 'scheduler_args: [%s]\n' "$(printf '"%s", ' "$@" | sed 's/, $//')"
		echo "topology: 1n1l2c1t"
		echo "memory_mb: 512"
		[ "$ss" = eevdf ] || echo "watchdog_timeout: 10s"
		echo "steps:"
		echo "  - cgroups:"
		echo "      - {name: pipe, work_type: PipeIo, workers: 2}"
		echo "      - {name: spin, work_type: CpuSpin, workers: 1}"
		echo "    hold: $sh"
	} >"$tmp/tests/$sn.yaml"
}
mkdir "$tmp/tests"
scenario starved_scx scx-ktstr 2s --starve-cgroup pipe --starve-for-ms 4000
scenario gap_scx scx-ktstr 4s --starve-cgroup pipe --starve-after-ms 1000 --starve-for-ms 2500
scenario gap_eevdf eevdf 4s
"$B/ktstr" test -o "$tmp/runs" "$tmp/tests" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "exit $rc, expected 1"
grep -Eqx 'FAIL starved_scx [0-9.]+s: check failed: starvation: worker pipe/[01] made no progress in step 1( \(and others\))?' \
	"$tmp/out" || fail "no starvation failure"
grep -Eqx 'FAIL gap_scx [0-9.]+s: check failed: scheduling gap: worker pipe/[01] stuck [0-9]+ ms on cpu [01] at \+[0-9.]+ s \(step 1\), limit 2000 ms' \
	"$tmp/out" || fail "no scheduling gap failure"
grep -Eqx 'PASS gap_eevdf [0-9.]+s' "$tmp/out" || fail "the same load did not pass on eevdf"
# What the guest measured: the parked pipe worker waited about as long as it was parked.
jq -e '.checks[] | select(.name == "gap") | .value >= 2000 and .value < 4000' "$tmp/runs/gap_scx/result.json" >/dev/null ||
	fail "gap_scx's gap is not the 2.5 s it was parked: $(jq -c .checks "$tmp/runs/gap_scx/result.json")"
jq -e '.checks | map(select(.name == "starvation"))[0].ok' "$tmp/runs/gap_scx/result.json" >/dev/null ||
	fail "gap_scx's workers made no progress at all"
jq -e '.checks | length == 2 and all(.ok)' "$tmp/runs/gap_eevdf/result.json" >/dev/null || fail "eevdf's checks"
# The report of a check failure: no auto-repro, the scheduler never exited with an error.
for n in starved_scx gap_scx; do
	r=$tmp/runs/$n/report.txt
	grep -q "^ktstr_test '$n' \[sched=scx-ktstr\] \[topo=1n1l2c1t\] failed:$" "$r" || fail "$n: no header"
	grep -q '^--- diagnostics ---$' "$r" || fail "$n: no diagnostics"
	! grep -q '^--- auto-repro ---$' "$r" || fail "$n: auto-repro ran for a check failure"
	[ ! -e "$tmp/runs/$n/repro" ] || fail "$n: a repro VM ran"
	jq -e '.sched_ext_exit.kind == "SCX_EXIT_UNREG"' "$tmp/runs/$n/result.json" >/dev/null || fail "$n: exit kind"
done
[ "$(tail -n 1 "$tmp/out")" = "1 passed, 2 failed, 0 skipped" ] || fail "bad summary"
grep -q '<testsuite name="ktstr" tests="3" failures="2" skipped="0">' "$tmp/runs/junit.xml" || fail "junit.xml counts"
exit 0
