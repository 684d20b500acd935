#!/bin/sh
# vm: one boot whose QEMU is killed (SIGKILL, as the OOM killer would) mid-
# workload: the host failed, not the scheduler, so the verdict is "error"
# with exit 3 (the driver's --retries may rerun it), never "fail"; the logs
# written so far stay.
. ./vmlib.sh
boot_long "$out/run"
kill -KILL "$qpid"
wait "$bpid"
rc=$?
json=$(cat "$out/run.json")
want_rc 3
want '.verdict == "error" and .vm_exit == "qemu killed" and .reached_workload == true'
want '.reason | startswith("QEMU was killed by signal 9 (Killed) (last stage: ")'
[ -s "$out/run/com1.log" ] || fail "the console log was not kept"
[ -f "$out/run/result.json" ] || fail "no result.json"
