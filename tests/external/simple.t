#!/bin/sh
# vm: boots one VM: the kernel's own scx_simple under a mixed load passes.
. ./extlib.sh
need_sched scx_simple
boot scenarios/simple_mixed.yaml
want_rc 0
want '.verdict == "pass" and .reason == "workload completed" '
# ktstr-init stopped it at teardown: the kernel numbers that exit UNREG.
want '.sched_ext_exit.kind == "SCX_EXIT_UNREG" and .sched_ext_exit.code == 64'
want '[.timeline[].stage] | index("scheduler attached") != null'
