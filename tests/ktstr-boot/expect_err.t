#!/bin/sh
# vm: boots one VM (2 cores x 2 threads); a crash in dispatch that the
# scenario expects: verdict pass, exit 0, the error still reported.
. ./vmlib.sh
need_scx
boot ../scenarios/scx_ktstr_expect_err.yaml
want_rc 0
want '.verdict == "pass" and .expect_err == true and .reached_workload == true'
want '.reason | startswith("scheduler exited with an error as expected (SCX_EXIT_ERROR_BPF")'
want '.sched_ext_exit.kind == "SCX_EXIT_ERROR_BPF" and (.sched_ext_exit.message | contains("crash in dispatch"))'
