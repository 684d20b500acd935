#!/bin/sh
# vm: two boots: a scheduler that fails a few ms into enabling (its first
# callbacks insert into a DSQ never created). Verdict "error during enable"
# (it attached), and the repro VM records its first callbacks: probe_hold
# stops it between load and enable, so they are probed from the start.
. ./extlib.sh
need_sched scx_simple_badsel
drive scenarios/badsel.yaml
[ "$rc" -eq 1 ] || fail "driver exit $rc, expected 1"
json=$(cat "$drv/badsel/result.json")
want '.verdict == "fail" and .reached_workload == false'
want '.reason | test("^scheduler error during enable: .*non-existent DSQ 0x29")'
want '.sched_ext_exit.kind == "SCX_EXIT_ERROR" and .sched_ext_exit.code == 1024'
in_report '^PRIMARY DID NOT REACH WORKLOAD'
in_report '^=== AUTO-PROBE: scx_exit fired ===$'
in_report '^exit: ERROR \(1024\)'
in_report '^simple_(select_cpu|enqueue) +scx_simple\.bpf\.c:[0-9]+$'
grep -q '"held":{"pid":' "$drv/badsel/events.jsonl" || fail "the agent did not hold the scheduler before enable"
exit 0
