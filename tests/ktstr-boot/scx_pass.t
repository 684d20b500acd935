#!/bin/sh
# vm: boots one VM with scx-ktstr, ~7 s under TCG
. ./vmlib.sh
[ -x "$KTSTR_BIN/scx-ktstr" ] || skip "scx-ktstr not built"
boot ../scenarios/scx_ktstr_basic.yaml
[ $rc -eq 0 ] || fail "exit status $rc, expected 0"
want '.verdict == "pass" and .reached_workload == true and .scheduler == "scx-ktstr"'
want '[.timeline[].stage] | index("scheduler attached") < index("sys_rdy")'
# sched_ext stayed enabled through the workload: the only exit is ours, at teardown.
want '.sched_ext_exit.kind == "SCX_EXIT_UNREG"'
want '[.timeline[].stage | select(startswith("scheduler died") or startswith("sched_ext state left"))] | length == 0'
# All eight cgroups of the two steps ran.
want '[.timeline[].stage | select(contains("done: iterations")) | scan("=([0-9]+)") | .[0] | tonumber] | length == 8 and all(. > 0)'
grep -q '^scx-ktstr: attached' "$out/com2.log" || fail "no attach line on COM2"
grep -q 'scheduler output end' "$out/com2.log" || fail "COM2 end marker missing"
