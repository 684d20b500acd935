#!/bin/sh
# vm: boots one VM whose scheduler cannot run in the guest (its interpreter
# is missing there): SCHEDULER_NOT_ATTACHED, reached_workload false.
. ./vmlib.sh
printf '#!/no/such/interpreter\n' >"$out/sched.sh"
chmod +x "$out/sched.sh"
cat >"$out/s.yaml" <<YAML
name: sched_fails_in_guest
scheduler: $out/sched.sh
memory_mb: 256
YAML
boot "$out/s.yaml"
want_rc 1
want '.verdict == "fail" and .reached_workload == false and .vm_exit == "poweroff"'
want '.reason | startswith("scheduler did not attach:")'
want '[.timeline[].stage] | index("sys_rdy") == null'
grep -q 'exec /ktstr/sched/sched.sh' "$out/com2.log" || fail "COM2 lacks the exec error"
