#!/bin/sh
# vm: boots two short VMs (~4 s each) whose /init is a script that reports
# measurements ktstr-init would send for a starved worker and one that left
# its cpuset, exact numbers to hold the host's judgement to: it must fail
# the run on them, name the worker and step, and pass it with checks: off.
# Real runs that fail them: ../ktstr/checks_fail.t (a scheduler starving a
# cgroup) and checks_offline.t (a cpuset taken offline); what ktstr-init
# measures on eevdf: checks_eevdf.t and checks_strict.t.
. ./vmlib.sh
command -v busybox >/dev/null || skip "busybox not installed (make deps): the fake init is a shell script"
cat >"$out/init" <<'INIT'
#!/bin/sh
t() { echo "[    3.$1] ktstr-init: $2"; }
t 100000 "init started"
t 200000 "sys_rdy"
t 200001 "workload started"
t 200002 "step 1 started: 2 cgroups, hold 1000 ms"
t 300000 "step 1 worker spin/0: iter=120 cpu_ms=950.000 wait_ms=10.000 gap_ms=12.0 gap_cpu=0 gap_at=+0.8 cpus=0"
t 300001 "step 1 worker spin/1: iter=0 cpu_ms=0.000 wait_ms=990.000 gap_ms=0.0 gap_cpu=- gap_at=- cpus=-"
t 300002 "step 1 worker pinned/0: iter=100 cpu_ms=900.000 wait_ms=20.000 gap_ms=30.5 gap_cpu=1 gap_at=+0.4 cpus=0-1"
t 300003 "step 1 done: iterations spin=120 pinned=100"
t 300004 "step 2 started: 1 cgroups, hold 1000 ms"
t 400000 "step 2 done: iterations forks=0"
t 400001 "workload done"
t 400002 "teardown"
t 400003 "poweroff"
exec /bin/busybox poweroff -f
INIT
chmod +x "$out/init"
cat >"$out/s.yaml" <<'YAML'
name: checks_judged
memory_mb: 256
steps:
  - cgroups:
      - {name: spin, work_type: CpuSpin, workers: 2}
      - {name: pinned, work_type: CpuSpin, cpuset: "1"}
  - cgroups:
      - {name: forks, work_type: ForkExit}
YAML
KTSTR_INIT="$out/init" boot "$out/s.yaml"
want_rc 1
want '.verdict == "fail" and .reached_workload == true and .vm_exit == "poweroff"'
# The first failed check is the reason; step 2 sent no worker stages, so its totals count.
want '.reason == "check failed: starvation: worker spin/1 made no progress in step 1 (and others)"'
want '.checks | map(.name) == ["starvation", "gap", "fairness", "cpuset"]'
want '.checks[0] == {"name": "starvation", "value": 2, "limit": 0, "ok": false, "detail": "worker spin/1 made no progress in step 1 (and others)"}'
want '.checks[1].ok and .checks[1].value == 30.5 and .checks[1].limit == 2000 and (.checks[1].detail | . == "longest: worker pinned/0 stuck 30.5 ms on cpu 1 at +0.4 s (step 1)")'
want '.checks[2] | .ok == false and .value == 100 and .limit == 80 and (.detail | startswith("cgroup spin (CpuSpin, 2 workers) in step 1"))'
want '.checks[3] == {"name": "cpuset", "value": 1, "limit": 0, "ok": false, "detail": "worker pinned/0 ran on cpus 0-1, outside its cpuset 1 (step 1)"}'
# Turned off, the same report passes.
printf 'checks: off\n' >>"$out/s.yaml"
KTSTR_INIT="$out/init" boot "$out/s.yaml"
want_rc 0
want '.verdict == "pass" and .reason == "workload completed" and .checks == []'
