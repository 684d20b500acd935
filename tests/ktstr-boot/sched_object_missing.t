#!/bin/sh
# A bare BPF object as the scheduler that does not exist, and one given
# scheduler_args (ktstr-bpf-loader takes none for it): no VM either time.
. ./vmlib.sh
cat >"$out/s.yaml" <<'YAML'
name: sched_object_missing
scheduler: no-such-sched.bpf.o
YAML
boot "$out/s.yaml"
want_rc 3
want '.verdict == "error" and .reached_workload == false and .vm_exit == null'
want '.reason == "scheduler '"'"'no-such-sched.bpf.o'"'"' not found (no such BPF object)"'
[ ! -e "$out/com1.log" ] || fail "a VM was booted"
: >"$out/x.bpf.o"
cat >"$out/a.yaml" <<'YAML'
name: sched_object_args
scheduler: x.bpf.o
scheduler_args: ["-v"]
YAML
"$KTSTR_BIN/ktstr-boot" --out "$out/run2" "$out/a.yaml" >"$out/stdout2" 2>"$out/stderr2"
[ $? -eq 2 ] || fail "scheduler_args with an object: exit status, expected 2"
grep -qx "ktstr-boot: $out/a.yaml: scheduler_args: a bare BPF object takes none (ktstr-bpf-loader loads it)" "$out/stderr2" ||
	fail "message: $(cat "$out/stderr2")"
[ ! -s "$out/stdout2" ] || fail "output on a usage error"
