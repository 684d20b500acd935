#!/bin/sh
# vm: two short boots (primary, repro VM): scx_qmap as the 7.3 sources build
# here (clang-19, the tree's libbpf). Measured: the 7.3 verifier rejects
# qmap_dequeue (the sources expect a newer clang). The verdict must say
# exactly that, with the verifier's own error line and the place it names;
# the repro VM still runs (no stack, discovery alone) and says what it saw.
. ./extlib.sh
need_sched scx_qmap
drive_fail scenarios/qmap.yaml qmap
want '.verdict == "fail" and .reached_workload == false and .sched_ext_exit == null'
want '.reason == "scheduler did not attach: " + .load_error'
want '.load_error | test("^verifier rejected qmap_dequeue \\(scx_qmap\\.bpf\\.c:[0-9]+:[0-9]+\\): R[0-9]+ invalid mem access")'
in_report '^PRIMARY DID NOT REACH WORKLOAD'
in_report '^repro VM duration: [0-9]+s$'
in_report '^crash reproduction: the scheduler did not attach in the repro VM either \(verifier rejected qmap_dequeue'
