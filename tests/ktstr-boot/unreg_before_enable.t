#!/bin/sh
# vm: boots one VM whose "scheduler" reports a clean unregistration (kind
# SCX_EXIT_UNREG, 64, as a loader stopped by ktstr-init before sched_ext was
# enabled does: once seen with scx_pair when the attach wait ran out on a
# loaded host) and exits: that is no "scheduler error during enable" (kinds
# from SCX_EXIT_ERROR, 1024, are), but "scheduler did not attach".
. ./vmlib.sh
cat >"$out/sched.sh" <<'SH'
#!/bin/sh
echo 'EXIT: kind=SCX_EXIT_UNREG(64) reason=BPF scheduler unregistered msg='
exit 0
SH
chmod +x "$out/sched.sh"
cat >"$out/s.yaml" <<YAML
name: unreg_before_enable
scheduler: $out/sched.sh
memory_mb: 256
YAML
boot "$out/s.yaml"
want_rc 1
want '.verdict == "fail" and .reached_workload == false'
want '.sched_ext_exit.kind == "SCX_EXIT_UNREG" and .sched_ext_exit.code == 64'
want '.reason == "scheduler did not attach: scheduler exited (exit status 0) before sched_ext was enabled"'
exit 0
