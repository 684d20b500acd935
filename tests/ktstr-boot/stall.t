#!/bin/sh
# vm: boots one VM; the host stops scx-ktstr's dispatch and the watchdog fires
. ./vmlib.sh
need_scx
boot ../scenarios/scx_ktstr_stall.yaml
want_rc 1
want '.verdict == "fail" and .reached_workload == true'
want '.sched_ext_exit.kind == "SCX_EXIT_ERROR_STALL" and .sched_ext_exit.reason == "runnable task stall"'
want '.sched_ext_exit.message | test("failed to check in|failed to run")'
grep -q 'disabled (runnable task stall)' "$out/com1.log" || fail "no stall line on COM1"
grep -q 'sched_ext_dump begin' "$out/com1.log" || fail "no sched_ext_dump copy on COM1"
