#!/bin/sh
# vm: two boots: a scheduler that fails a few ms into enabling (its first
# callbacks insert into a DSQ never created). Verdict "error during enable"
# (it attached), and the repro VM records its first callbacks: probe_hold
# stops it between load and enable, so they are probed from the start.
# (No callback is in flight at the exit: the kernel raises the error after
# select_cpu or enqueue returned, inside scx_do_enqueue_task or a dispatch,
# often in another task's context. The chain follows the task that kernel
# call was handling, with the calls the exit was raised inside of.)
. ./extlib.sh
need_sched scx_simple_badsel
drive_fail scenarios/badsel.yaml badsel
want '.verdict == "fail" and .reached_workload == false'
want '.reason | test("^scheduler error during enable: .*non-existent DSQ 0x29")'
want '.sched_ext_exit.kind == "SCX_EXIT_ERROR" and .sched_ext_exit.code == 1024'
in_report '^PRIMARY DID NOT REACH WORKLOAD'
in_report '^=== AUTO-PROBE: scx_exit fired ===$'
in_report '^exit: ERROR \(1024\)'
in_report '^message: .*non-existent DSQ 0x29'
# The kernel finds the DSQ missing on dispatch: that path, with the id, and a
# callback of the scheduler named and placed by discovery in the guest.
in_report '^find_dsq_for_dispatch$'
in_report '^  dsq_id +41$'
in_report '^simple_[a-z_]+ +scx_simple\.bpf\.c:[0-9]+$'
# Held between load and enable: its very first callbacks were recorded.
ev=$drv/badsel/events.jsonl
grep -q '"held":{"pid":' "$ev" || fail "the agent did not hold the scheduler before enable"
for f in simple_init simple_enable; do
	grep -q "\"type\":\"hit\",\"func\":\"$f\"" "$ev" || fail "no call of $f recorded"
done
grep -Eq '"type":"hit","func":"simple_(select_cpu|enqueue)"' "$ev" || fail "no select_cpu/enqueue call recorded"
exit 0
