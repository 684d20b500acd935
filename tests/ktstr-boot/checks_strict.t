#!/bin/sh
# vm: boots one VM (eevdf, ~12 s under TCG) whose limits nothing meets: three
# CpuSpin workers on two CPUs wait for each other (gap_ms: 1) and never get
# exactly the same CPU time (fairness_pct: 0). The run fails on the checks,
# with the numbers ktstr-init measured, and the cgroup without a cpuset was
# seen on both CPUs.
. ./vmlib.sh
cat >"$out/s.yaml" <<'YAML'
name: checks_strict
topology: 1n1l2c1t
memory_mb: 512
checks: {gap_ms: 1, fairness_pct: 0}
steps:
  - cgroups:
      - {name: spin, work_type: CpuSpin, workers: 3}
    hold: 1s
YAML
boot "$out/s.yaml"
want_rc 1
want '.verdict == "fail" and .reached_workload == true and .sched_ext_exit == null'
want '.reason | test("^check failed: scheduling gap: worker spin/[0-2] stuck [0-9.]+ ms on cpu [01] at \\+[0-9.]+ s \\(step 1\\), limit 1 ms$")'
want '.checks | map(.name) == ["starvation", "gap", "fairness"]'
want '.checks[0].ok and .checks[1].ok == false and .checks[1].value > 1 and .checks[1].limit == 1'
want '.checks[2].ok == false and .checks[2].value > 0 and .checks[2].limit == 0'
want '.checks[2].detail | test("^cgroup spin \\(CpuSpin, 3 workers\\) in step 1: cpu_ms [0-9.]+ \\(spin/[0-2]\\) to [0-9.]+ \\(spin/[0-2]\\)$")'
# One stage per worker, and the old summary unchanged.
want '[.timeline[].stage | select(test("^step 1 worker spin/[0-2]: iter=[1-9][0-9]* cpu_ms=[0-9.]+ wait_ms=[0-9.]+ gap_ms=[0-9.]+ gap_cpu=[0-9]+ gap_at=[+-][0-9.]+ cpus=[0-9,-]+$"))] | length == 3'
want '[.timeline[].stage | select(test("^step 1 done: iterations spin=[1-9][0-9]*$"))] | length == 1'
# No cpuset: the cgroup ran on both CPUs.
want '[.timeline[].stage | select(startswith("step 1 worker ")) | capture("cpus=(?<c>[0-9,-]+)").c | split(",")[] | if contains("-") then (split("-") | map(tonumber) | range(.[0]; .[1] + 1)) else tonumber end] | unique == [0, 1]'
