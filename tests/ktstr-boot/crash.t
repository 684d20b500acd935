#!/bin/sh
# vm: boots one VM; the README demo: a host-triggered BPF error 2 s in
. ./vmlib.sh
need_scx
boot ../scenarios/demo_host_crash_auto_repro.yaml
want_rc 1
want '.verdict == "fail" and .reached_workload == true and .topology == "1n1l4c1t"'
want '.reason | test("^scheduler process died unexpectedly during workload \\([0-9.]+s into test\\)$")'
want '.sched_ext_exit.kind == "SCX_EXIT_ERROR_BPF" and .sched_ext_exit.code == 1025'
want '.sched_ext_exit.message | contains("host-triggered crash")'
want '[.timeline[].stage] | map(select(startswith("bpf_map_write acked"))) | length == 1'
# The ack comes about 2 s after sys_rdy (host timer + channel latency).
want '(.timeline | map(select(.stage == "sys_rdy"))[0].t) as $r | (.timeline | map(select(.stage | startswith("bpf_map_write acked")))[0].t) - $r | . >= 1.9 and . < 6'
want '.vm_exit == "poweroff"'
# COM2: the loader's EXIT line and the kernel's dump with the BPF backtrace.
grep -q '^EXIT: kind=SCX_EXIT_ERROR_BPF(1025)' "$out/com2.log" || fail "no EXIT line on COM2"
grep -q 'ktstr_enqueue' "$out/com2.log" || fail "no ktstr_enqueue frame in COM2's backtrace"
# COM1: the kernel's lines and the sched_ext_dump trace events.
grep -q 'disabled (scx_bpf_error)' "$out/com1.log" || fail "no disable line on COM1"
grep -q 'sched_ext_dump begin' "$out/com1.log" || fail "no sched_ext_dump copy on COM1"
grep -q 'sched_ext_dump: Backtrace:' "$out/com1.log" || fail "the dump on COM1 has no backtrace"
