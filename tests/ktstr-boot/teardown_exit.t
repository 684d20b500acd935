#!/bin/sh
# vm: boots three short VMs (~4 s each) whose /init is a script that tells
# the host what ktstr-init would when a scheduler fails during teardown:
# after the workload, before ktstr-init stops it. That is the scheduler's
# failure as much as one during the workload (a watchdog stall found late,
# as scx_flatcg's "init[112] failed to run for 43.880s"), so the run fails;
# the same run ending in the unload's own exit passes.
. ./vmlib.sh
need_scx
command -v busybox >/dev/null || skip "busybox not installed (make deps): the fake init is a shell script"
# fake_init FILE LATE: LATE is the console text between teardown and poweroff.
fake_init() {
	cat >"$1" <<INIT
#!/bin/sh
t() { echo "[    3.\$1] ktstr-init: \$2"; }
t 100000 "init started"
t 100001 "scheduler started: pid 100 /ktstr/sched/scx-ktstr"
t 100002 "scheduler attached"
t 200000 "sys_rdy"
t 200001 "workload started"
t 200002 "step 1 started: 1 cgroups, hold 1000 ms"
t 300000 "step 1 worker spin/0: iter=120 cpu_ms=950.000 wait_ms=10.000 gap_ms=12.0 gap_cpu=0 gap_at=+0.8 cpus=0"
t 300001 "step 1 done: iterations spin=120"
t 300002 "workload done"
t 300003 "teardown"
$2
t 400003 "poweroff"
exec /bin/busybox poweroff -f
INIT
	chmod +x "$1"
}
cat >"$out/s.yaml" <<'YAML'
name: teardown_exit
scheduler: scx-ktstr
memory_mb: 256
steps:
  - cgroups:
      - {name: spin, work_type: CpuSpin}
YAML
# The kernel's watchdog ended the scheduler just as the teardown began: its
# exit is an error kind, and ktstr-init's stop found it already gone.
fake_init "$out/stall" 'echo "[    3.300100] sched_ext: BPF scheduler \"ktstr\" disabled (runnable task stall)"
echo "[    3.300101] sched_ext: ktstr: init[112] failed to run for 43.880s"
echo "            init-104     [000] d.h2.     3.300099: sched_ext_exit: sched ktstr level 0 sub_cgroup_id 0 cgrp_path / kind 1026"
t 300200 "scheduler stopped: exit status 1"'
KTSTR_INIT="$out/stall" boot "$out/s.yaml"
want_rc 1
want '.verdict == "fail" and .reached_workload == true and .sched_ext_exit.kind == "SCX_EXIT_ERROR_STALL"'
want '.reason == "scheduler exited with an error during teardown, before it was stopped: SCX_EXIT_ERROR_STALL: init[112] failed to run for 43.880s"'
# The workload ran to its end: its checks were still measured.
want '.checks | map(.name) == ["starvation", "gap"] and all(.ok)'
# The scheduler process ended on its own after the teardown stage, before the stop.
fake_init "$out/died" 't 300200 "scheduler died: killed by signal 11 (Segmentation fault)"'
KTSTR_INIT="$out/died" boot "$out/s.yaml"
want_rc 1
want '.verdict == "fail" and (.reason | test("^scheduler process died unexpectedly during teardown, before it was stopped \\([0-9.]+s into test\\)$"))'
# Stopped by ktstr-init: the unload's own exit (SCX_EXIT_UNREG) passes.
fake_init "$out/unreg" 'echo "[    3.300100] sched_ext: BPF scheduler \"ktstr\" disabled (unregistered from user space)"
echo "            init-100     [000] d..1.     3.300099: sched_ext_exit: sched ktstr level 0 sub_cgroup_id 0 cgrp_path / kind 64"
t 300200 "scheduler stopped: exit status 0"'
KTSTR_INIT="$out/unreg" boot "$out/s.yaml"
want_rc 0
want '.verdict == "pass" and .reason == "workload completed" and .sched_ext_exit.kind == "SCX_EXIT_UNREG"'
