#!/bin/sh
# vm: two boots: scx-ktstr's stall knob (dispatch stops moving tasks) through
# the driver. On this kernel the watchdog's own work starves first ("watchdog
# failed to check in"), naming no task; either way the chain follows a task
# the scheduler left waiting (the named one, else the one waiting longest,
# said so), with the stall line: its last enqueue, into which DSQ, its last
# run, and that it was not run since.
. ./driverlib.sh
need_tools ktstr ktstr-boot ktstr-probe ktstr-probe-agent scx-ktstr
"$B/ktstr" -o "$tmp/runs" ../scenarios/scx_ktstr_stall.yaml >"$tmp/out" 2>"$tmp/err"
rc=$?
fail() { echo "$1"; grep -v '^    ' "$tmp/out" | sed -n '1,40p'; tail -5 "$tmp/err"; exit 1; }
[ $rc = 1 ] || fail "exit $rc, expected 1 (the scenario fails)"
grep -q '^exit: ERROR_STALL (1026) on cpu [0-9]' "$tmp/out" || fail "no stall exit in the chain"
grep -Eq '^message: (watchdog failed to check in for|.*\[[0-9]+\] failed to run for) [0-9.]+m?s$' "$tmp/out" ||
	fail "no watchdog message"
grep -Eq '^causal task: [^ ]+\[[0-9]+\] 0x[0-9a-f]+, (named by the watchdog \(failed to run for [0-9.]+m?s\)|runnable longest without running: the watchdog names no task \(its own work did not run for [0-9.]+m?s\))$' \
	"$tmp/out" || fail "the causal task is not a waiting task"
grep -q '^causal task: ktstr-probe-age' "$tmp/out" && fail "the probe agent taken for the scenario's task"
grep -Eq '^stall: last enqueued -[0-9.]+m?s \(ktstr_enqueue, into DSQ 0\)(, last run -[0-9.]+m?s \([a-z_]+\))?, not run since it was enqueued$' \
	"$tmp/out" || fail "no stall line (enqueue into DSQ 0, not run since)"
grep -Eq '^#[0-9]+ +-[0-9.]+s +cpu [0-9]+ +ktstr_enqueue +main\.bpf\.c:[0-9]+' "$tmp/out" ||
	fail "the timeline lacks the enqueue"
exit 0
