#!/bin/sh
# vm: boots one VM (no sched_ext scheduler), ~6 s under TCG
. ./vmlib.sh
boot ../scenarios/eevdf_basic.yaml
want_rc 0
want '.verdict == "pass" and .reached_workload == true and .vm_exit == "poweroff"'
want '.test == "eevdf_basic" and .scheduler == "eevdf" and .topology == "1n1l2c1t" and .sched_ext_exit == null'
want '[.timeline[].stage] | index("sys_rdy") != null and index("workload done") != null and index("poweroff") != null'
# Every cgroup of both steps made progress (the verdict checks it; the numbers are real).
want '[.timeline[].stage | select(startswith("step ")) | select(contains("done"))] | length == 2'
want '[.timeline[].stage | capture("spin=(?<n>[0-9]+)").n | tonumber] | .[0] > 0'
# Timestamps are guest seconds, in order.
want '[.timeline[].t] as $t | $t == ($t | sort) and $t[0] > 0'
[ -s "$out/com1.log" ] || fail "com1.log is empty"
grep -q 'ktstr-init: sys_rdy' "$out/com1.log" || fail "no sys_rdy on the console"
[ -f "$out/result.json" ] && cmp -s "$out/result.json" "$out/stdout" || fail "result.json differs from stdout"
[ ! -e "$out/initramfs.cpio" ] || fail "the initramfs was left behind"
