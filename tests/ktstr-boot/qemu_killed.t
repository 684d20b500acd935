#!/bin/sh
# vm: one boot whose QEMU is killed (SIGKILL, as the OOM killer would) mid-
# workload: the host failed, not the scheduler, so the verdict is "error"
# with exit 3 (the driver's --retries may rerun it), never "fail"; the logs
# written so far stay.
. ./vmlib.sh
mkdir "$out/run"
"$KTSTR_BIN/ktstr-boot" --out "$out/run" fixtures/long_eevdf.yaml >"$out/stdout" 2>"$out/stderr" &
bpid=$!
i=0
until grep -q "workload started" "$out/run/com1.log" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 1200 ] || { kill -9 "$bpid"; fail "the workload never started"; }
	sleep 0.1
done
qpid=$(pgrep -f "qemu-system.*$out/run/" | head -n 1)
[ -n "$qpid" ] || fail "no QEMU found"
kill -KILL "$qpid"
wait "$bpid"
rc=$?
json=$(cat "$out/stdout")
want_rc 3
want '.verdict == "error" and .vm_exit == "qemu killed" and .reached_workload == true'
want '.reason | startswith("QEMU was killed by signal 9 (Killed) (last stage: ")'
[ -s "$out/run/com1.log" ] || fail "the console log was not kept"
[ -f "$out/run/result.json" ] || fail "no result.json"
