#!/bin/sh
# vm: boots one VM with scx-ktstr, ~7 s under TCG
. ./vmlib.sh
need_scx
# A stub probe agent rides along (the room left for ktstr-probe): it must be
# ready before the scheduler starts, and its stdout after the ready line
# must reach DIR/agent.out through the channel.
cat >"$out/agent.sh" <<'AGENT'
#!/bin/sh
echo "agent: loading probes"
echo KTSTR_AGENT_READY
echo "event 1"
trap 'echo "event last"; exit 0' INT
while :; do sleep 0.1; done
AGENT
chmod +x "$out/agent.sh"
boot --agent "$out/agent.sh" ../scenarios/scx_ktstr_basic.yaml
want_rc 0
want '.verdict == "pass" and .reached_workload == true and .scheduler == "scx-ktstr"'
want '[.timeline[].stage] | index("scheduler attached") < index("sys_rdy")'
# sched_ext stayed enabled through the workload: the only exit is ours, at teardown.
want '.sched_ext_exit.kind == "SCX_EXIT_UNREG"'
want '[.timeline[].stage | select(startswith("scheduler died") or startswith("sched_ext state left"))] | length == 0'
# All eight cgroups of the two steps ran.
want '[.timeline[].stage | select(contains("done: iterations")) | scan("=([0-9]+)") | .[0] | tonumber] | length == 8 and all(. > 0)'
# The agent was ready before the scheduler started.
want '(.timeline | map(.stage | startswith("agent ready")) | index(true)) as $a | (.timeline | map(.stage | startswith("scheduler started")) | index(true)) as $s | $a != null and $s != null and $a < $s'
[ "$(cat "$out/agent.out")" = "event 1
event last" ] || fail "agent.out: $(cat "$out/agent.out")"
grep -q '^scx-ktstr: attached' "$out/com2.log" || fail "no attach line on COM2"
grep -q 'scheduler output end' "$out/com2.log" || fail "COM2 end marker missing"
