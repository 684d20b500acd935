#!/bin/sh
# vm: boots two VMs (eevdf, ~15 s each under TCG): workers in cpuset 1 are
# forced out of it when the step takes CPU 1 offline (offline: "1"; cgroup
# v2 then runs them on the parent's CPUs), and the cpuset check fails the
# run, naming the worker, the CPUs it ran on and its cpuset. The same load
# with CPU 1 left online passes every check.
. ./vmlib.sh
scenario() { # OFFLINE-LINE
	cat >"$out/s.yaml" <<YAML
name: checks_offline
topology: 1n1l2c1t
memory_mb: 512
steps:
  - cgroups:
      - {name: pinned, work_type: CpuSpin, workers: 2, cpuset: "1"}
      - {name: roam, work_type: CpuSpin, workers: 1}
    hold: 2s
$1
YAML
}
scenario '    offline: "1"'
boot "$out/s.yaml"
want_rc 1
want '.verdict == "fail" and .reached_workload == true'
want '.reason | test("^check failed: cpuset: worker pinned/[01] ran on cpus 0(-1)?, outside its cpuset 1 \\(step 1\\)( \\(and others\\))?$")'
want '.checks | map(.name) == ["starvation", "gap", "fairness", "cpuset"] and (map(select(.ok | not)) | map(.name)) == ["cpuset"]'
# ktstr-init said when CPU 1 went and came back, around the step's workers.
want '[.timeline[].stage] as $s | ($s | index("step 1 started: 2 cgroups, hold 2000 ms")) as $start |
	($s | index("step 1: cpu 1 offline")) as $off | ($s | map(startswith("step 1 done: ")) | index(true)) as $done |
	($s | index("step 1: cpu 1 online")) as $on | $start < $off and $off < $done and $done < $on'
scenario ''
boot "$out/s.yaml"
want_rc 0
want '.verdict == "pass" and (.checks | map(.name) == ["starvation", "gap", "fairness", "cpuset"] and all(.ok))'
want '[.timeline[].stage | select(test("^step 1: cpu [0-9]+ o"))] | length == 0'
