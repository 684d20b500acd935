#!/bin/sh
# vm: three boots (the demo's primary and repro VMs, one passing scenario).
# The README's demo through the driver: a passing scenario, then the
# host-triggered crash with its whole auto-repro report.
. ./driverlib.sh
need_tools ktstr ktstr-boot ktstr-probe ktstr-probe-agent scx-ktstr
"$B/ktstr" -o "$tmp/runs" ../scenarios/eevdf_basic.yaml ../scenarios/demo_host_crash_auto_repro.yaml >"$tmp/out" 2>"$tmp/err"
rc=$?
fail() { echo "$1"; sed -n '1,60p' "$tmp/out"; tail -5 "$tmp/err"; exit 1; }
[ $rc = 1 ] || fail "exit $rc, expected 1 (a scenario failed)"
grep -qx "ktstr_test 'eevdf_basic' \[sched=eevdf\] \[topo=[0-9a-z]*\] passed" "$tmp/out" || fail "no pass line"
grep -qx "ktstr_test 'demo_host_crash_auto_repro' \[sched=scx-ktstr\] \[topo=1n1l4c1t\] failed:" "$tmp/out" ||
	fail "no failure header"
grep -Eqx 'scheduler process died unexpectedly during workload \([0-9.]+s into test\)' "$tmp/out" || fail "no reason"
# The sections, in the spec's order.
order=$(grep -nE '^(--- auto-repro ---|=== AUTO-PROBE: scx_exit fired ===|repro VM duration: [0-9]+s|--- scheduler log ---|--- sched_ext dump ---|--- dmesg ---)$' "$tmp/out" |
	cut -d: -f2- | sed 's/[0-9][0-9]*s$/Ns/' | tr '\n' ';')
[ "$order" = "--- auto-repro ---;=== AUTO-PROBE: scx_exit fired ===;repro VM duration: Ns;--- scheduler log ---;--- sched_ext dump ---;--- dmesg ---;" ] ||
	fail "sections out of order: $order"
grep -q '^exit: ERROR_BPF (1025)' "$tmp/out" || fail "no exit kind in the chain"
grep -q '^ktstr_enqueue  *main\.bpf\.c:[0-9]' "$tmp/out" || fail "no ktstr_enqueue in the chain"
# The scheduler's message has its own line in the chain: the tails keep only
# the last 40 lines, and a deep backtrace (a trampoline per probed function)
# can push it out of them.
grep -q '^message: ktstr: host-triggered crash in enqueue' "$tmp/out" || fail "the chain lacks the scheduler's error message"
# A char * parameter is the string it points to (scx_bpf_error_bstr's fmt, read by the probe).
grep -q '^  fmt  *"ktstr: host-triggered crash in enqueue pid=%d comm=%s"$' "$tmp/out" ||
	fail "scx_bpf_error_bstr's fmt is not shown as its string"
tail -n 1 "$tmp/out" | grep -qx '1 passed, 1 failed' || fail "bad summary"
# Every stage's files stay in the run folder.
d=$tmp/runs/demo_host_crash_auto_repro
for f in result.json stack.jsonl targets.jsonl events.jsonl chain.txt primary/com1.log repro/com2.log; do
	[ -s "$d/$f" ] || fail "missing $f"
done
# Its Makefile re-renders the host stages from the saved files, nothing booted.
cp "$d/chain.txt" "$tmp/chain.first"
rm -f "$d/chain.txt"
make -s -C "$d" chain.txt history.txt trace.json >"$tmp/make.out" 2>&1 || fail "make in the run folder: $(cat "$tmp/make.out")"
cmp -s "$d/chain.txt" "$tmp/chain.first" || fail "the re-rendered chain differs"
grep -Eq '^#[0-9]+ .* ktstr_enqueue +main\.bpf\.c:[0-9]+$' "$d/history.txt" || fail "history.txt lacks ktstr_enqueue"
jq -e '.traceEvents | length > 0' "$d/trace.json" >/dev/null || fail "trace.json has no events"
exit 0
