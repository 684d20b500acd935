#!/bin/sh
# vm: boots one VM (eevdf, ~10 s under TCG): the kernel's own scheduler
# passes every default check, and what ktstr-init measured is what the load
# must show: workers in cpuset 1 (one of them asking for every CPU in turn)
# were seen on CPU 1 only, the one without a cpuset on both CPUs.
. ./vmlib.sh
cat >"$out/s.yaml" <<'YAML'
name: checks_eevdf
topology: 1n1l2c1t
memory_mb: 512
steps:
  - cgroups:
      - {name: pinned, work_type: CpuSpin, workers: 2, cpuset: "1"}
      - {name: stay, work_type: AffinityChurn, workers: 1, cpuset: "1"}
      - {name: roam, work_type: AffinityChurn, workers: 1}
      - {name: pipe, work_type: PipeIo, workers: 2}
    hold: 2s
YAML
boot "$out/s.yaml"
want_rc 0
want '.verdict == "pass" and .reason == "workload completed"'
want '.checks | map(.name) == ["starvation", "gap", "fairness", "cpuset"] and all(.ok)'
want '.checks[1].limit == 2000 and .checks[1].value > 0 and .checks[1].value < 2000'
want '.checks[2].limit == 80 and (.checks[2].detail | startswith("cgroup pinned (CpuSpin, 2 workers) in step 1"))'
want '.checks[3] == {"name": "cpuset", "value": 0, "limit": 0, "ok": true, "detail": "3 workers in a cpuset ran only on its CPUs"}'
cpus() { printf '%s\n' "$json" | jq -r --arg w "$1" '.timeline[].stage | select(startswith("step 1 worker \($w): ")) | capture("cpus=(?<c>[^ ]+)$").c'; }
for w in pinned/0 pinned/1 stay/0; do
	[ "$(cpus $w)" = 1 ] || fail "$w ran on cpus $(cpus $w), outside cpuset 1"
done
[ "$(cpus roam/0)" = 0-1 ] || fail "roam/0, which asks for each CPU in turn, was seen on cpus $(cpus roam/0)"
want '[.timeline[].stage | select(startswith("step 1 worker "))] | length == 6'
want '[.timeline[].stage | select(test("^step 1 done: iterations pinned=[1-9][0-9]* stay=[1-9][0-9]* roam=[1-9][0-9]* pipe=[1-9][0-9]*$"))] | length == 1'
