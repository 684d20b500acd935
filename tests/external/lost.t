#!/bin/sh
# vm: two boots: a kernel-tree scheduler that loses one task (an enqueue
# path that inserts it nowhere): the watchdog names the task, and the chain
# follows that task, not the watchdog's context: its last calls timed to the
# exit, and when it was last enqueued and run. The probe agent keeps each
# task's last calls beyond its global window (4 s of a busy guest are far
# more than the window holds).
. ./extlib.sh
need_sched scx_simple_lost
drive_fail scenarios/lost.yaml lost
want '.verdict == "fail" and .reached_workload == true'
want '.sched_ext_exit.kind == "SCX_EXIT_ERROR_STALL" and .sched_ext_exit.code == 1026'
want '.sched_ext_exit.message | test("\\[[0-9]+\\] failed to run for ")'
in_report '^exit: ERROR_STALL \(1026\)'
in_report '^message: .*\[[0-9]+\] failed to run for '
pid=$(sed -n 's/^message: .*\[\([0-9]*\)\] failed to run for .*/\1/p' "$report" | head -n 1)
in_report "^causal task: [^ ]*\\[$pid\\] 0x[0-9a-f]+, named by the watchdog \\(failed to run for "
in_report '^stall: last enqueued -[0-9.]+m?s \(simple_enqueue(, into DSQ [^)]+)?\).*not run since it was enqueued$'
in_report '^#[0-9]+ +-[0-9.]+m?s +cpu [0-9]+ +simple_enqueue +scx_simple\.bpf\.c:[0-9]+$'
exit 0
