#!/bin/sh
# A scheduler that does not exist on the host: one JSON line, no VM.
. ./vmlib.sh
cat >"$out/s.yaml" <<'YAML'
name: sched_missing
scheduler: ./no-such-scheduler
YAML
boot "$out/s.yaml"
want_rc 3
want '.verdict == "error" and .reached_workload == false and .vm_exit == null'
want '.reason | contains("no-such-scheduler")'
[ ! -e "$out/com1.log" ] || fail "a VM was booted"
