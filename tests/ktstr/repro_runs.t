#!/bin/sh
# vm: three boots: make demo's command with --repro-runs 2: the demo's primary
# VM and two repro VMs; the reproduction rate, the BUG SUMMARY naming the
# callback, and the chain from the first repro run that has one.
. ./driverlib.sh
need_tools ktstr ktstr-boot ktstr-probe ktstr-probe-agent scx-ktstr
fail() { echo "FAIL: $1"; grep -v '^    ' "$tmp/out" | sed -n '1,60p'; exit 1; }
"$B/ktstr" test --run-ignored ignored-only --repro-runs 2 -o "$tmp/runs" \
	-E 'test(demo_host_crash_auto_repro)' >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "exit $rc, expected 1"
grep -Eqx 'FAIL demo_host_crash_auto_repro [0-9.]+s: scheduler process died unexpectedly during workload \([0-9.]+s into test\)' \
	"$tmp/out" || fail "no FAIL line"
grep -Eqx 'BUG SUMMARY: SCX_EXIT_ERROR_BPF: ktstr: host-triggered crash in enqueue .* \(in ktstr_enqueue main\.bpf\.c:[0-9]+\)' \
	"$tmp/out" || fail "no BUG SUMMARY with the callback"
grep -Eqx 'crash reproduced [12]/2' "$tmp/out" || fail "no reproduction rate"
d=$tmp/runs/demo_host_crash_auto_repro
for f in repro/result.json repro2/result.json events.jsonl chain.txt trace.json Makefile report.txt; do
	[ -s "$d/$f" ] || fail "missing $f"
done
grep -q '^=== AUTO-PROBE: scx_exit fired ===$' "$tmp/out" || fail "no chain"
[ "$(tail -n 1 "$tmp/out")" = "0 passed, 1 failed, 0 skipped" ] || fail "bad summary"
exit 0
