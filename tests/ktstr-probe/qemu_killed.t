#!/bin/sh
# vm: one repro boot whose QEMU is killed (SIGKILL, as the OOM killer would)
# mid-workload: the host failed, not the probes or the scheduler, so
# ktstr-probe says so in one line with ktstr-boot's reason and exits 3; no
# events are written (whole or not at all), and the run folder keeps the
# plan, the consoles, the agent's stream so far and ktstr-boot's result.
. ./demolib.sh
demo_targets
vm=$tmp/vm
"$B/ktstr-probe" --targets "$tmp/targets.jsonl" --kernel "$kernel" --out "$vm" -o "$tmp/events.jsonl" \
	../scenarios/demo_host_crash_auto_repro.yaml 2>"$tmp/err" &
ppid_=$!
# The crash comes 2 s into the workload: kill QEMU as soon as it starts.
workload_qemu "$vm" "$ppid_"
kill -KILL "$qpid"
wait "$ppid_"
rc=$?
[ $rc -eq 3 ] || { cat "$tmp/err" >&2; fail "exit $rc, expected 3"; }
[ "$(wc -l <"$tmp/err")" -eq 1 ] || { cat "$tmp/err" >&2; fail "expected one line on stderr"; }
grep -Eqx "ktstr-probe: the probe VM failed: QEMU was killed by signal 9 \(Killed\) \(last stage: [^)]*\); logs in $vm" \
	"$tmp/err" || fail "message: $(cat "$tmp/err")"
[ ! -e "$tmp/events.jsonl" ] || fail "events written from a killed VM"
ls "$tmp" | grep -q '^events.jsonl.tmp' && fail "a temporary events file was left behind"
jq -e '.verdict == "error" and .vm_exit == "qemu killed" and .reached_workload == true' "$vm/boot.json" >/dev/null ||
	fail "boot.json: $(cat "$vm/boot.json")"
grep -q '"ev":"phase"' "$vm/agent.out" || fail "the agent's stream so far was not kept"
[ -s "$vm/probe.plan" ] || fail "the plan was not kept"
grep -q "workload started" "$vm/com1.log" || fail "the console was not kept"
exit 0
