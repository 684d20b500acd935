#!/bin/sh
# vm: three boots: scx_bpfland, a Rust scheduler of the sched_ext project
# (built by `make rust-schedulers`; dynamically linked, so ktstr-boot copies
# its libraries into the initramfs), attaches under a mixed load and passes;
# then, with a fault injected into its .bss, the whole driver (primary and
# repro VM) must take the kernel's error apart, reading the BPF object that
# libbpf-rs embedded in the binary.
. ./extlib.sh

RUST_DIR=$SCHED_DIR/rust
name=scx_bpfland

need_sched "$name" "$RUST_DIR" bin "make rust-schedulers"

# The scenarios with the binary's absolute path in $KTSTR_KERNEL_DIR.
bin=$(cd "$RUST_DIR/bin" && pwd -P)/$name
sed "s|^scheduler: .*|scheduler: $bin|" scenarios/rust_bpfland.yaml >"$out/rust_bpfland.yaml"
grep -qx "scheduler: $bin" "$out/rust_bpfland.yaml" || fail "cannot set the scheduler path in the scenario"

boot "$out/rust_bpfland.yaml"
want_rc 0
want '.verdict == "pass" and .reason == "workload completed"'
want '[.timeline[].stage] | index("scheduler attached") != null'
# ktstr-init stopped it at teardown (SIGINT): it unregistered and exited 0.
want '.sched_ext_exit.kind == "SCX_EXIT_UNREG" and .sched_ext_exit.code == 64'
want '[.timeline[].stage] | index("scheduler stopped: exit status 0") != null'
# Its own start-up line reached COM2 (the Rust side ran, not just the BPF).
grep -q "scx_bpfland [0-9.]* x86_64" "$out/com2.log" || fail "no scx_bpfland start-up line in com2.log"
grep -q 'failed to open system Kconfig' "$out/com2.log" && fail "libbpf found no kernel config"

# The injected fault: nr_cpu_ids's place in .bss, from the object's BTF.
command -v bpftool >/dev/null || skip "bpftool not installed (make deps)"
[ -f "$RUST_DIR/$name.bpf.o" ] || fail "$RUST_DIR/$name.bpf.o missing (make rust-schedulers)"
off=$(bpftool btf dump file "$RUST_DIR/$name.bpf.o" 2>/dev/null |
	awk "/^\[[0-9]+\] DATASEC '\.bss'/ {s=1; next} /^\[/ {s=0}
		s && /\(VAR 'nr_cpu_ids'\)/ {sub(/.*offset=/, \"\"); sub(/ .*/, \"\"); print; exit}")
[ -n "$off" ] || fail "no nr_cpu_ids in the .bss of $RUST_DIR/$name.bpf.o (another bpfland version?)"
sed -e "s|^scheduler: .*|scheduler: $bin|" -e "s|offset: [0-9]*|offset: $off|" \
	scenarios/rust_bpfland_baddsq.yaml >"$out/rust_bpfland_baddsq.yaml"
drive "$out/rust_bpfland_baddsq.yaml"
[ "$rc" -eq 1 ] || { cat "$out/driver.err" >&2; fail "driver exit $rc, expected 1"; }
d=$drv/rust_bpfland_baddsq
json=$(cat "$d/result.json")
want '.verdict == "fail" and .reached_workload == true'
want '.sched_ext_exit.kind == "SCX_EXIT_ERROR" and .sched_ext_exit.code == 1024'
want '.sched_ext_exit.message | test("non-existent DSQ 0x8")'
in_report '^=== AUTO-PROBE: scx_exit fired ===$'
in_report '^exit: ERROR \(1024\)'
in_report '^message: .*non-existent DSQ 0x8'
# Which of two paths meets DSQ 0x8 first differs from run to run, in the
# primary and in the repro VM alike: bpfland's dispatch peeks at the node DSQ
# (scx_bpf_dsq_peek raises "peek on non-existent DSQ 0x8" inside the callback),
# or its enqueue inserts into it (the kernel raises the error after the
# callback returned, inside enqueue_task_scx: no callback is in flight, and
# the causal task is the one that kernel call was enqueuing). Either way
# bpfland's own callbacks are placed by the line info of the embedded object.
if grep -q '^message: peek on' "$report"; then
	in_report '^causal task: .*, the task of bpfland_dispatch in flight on cpu [0-9]+$'
	in_report '^bpfland_dispatch +main\.bpf\.c:[0-9]+$'
else
	# (enqueue_task_scx, scx_do_enqueue_task or find_dsq_for_dispatch: the
	# kernel functions probed are the ones the primary's crash stack named)
	in_report '^causal task: .*, the task of [a-z_]+ in flight on cpu [0-9]+$'
	in_report '^bpfland_enqueue +main\.bpf\.c:[0-9]+$'
	# The DSQ id is an argument of the kernel function that raised it, when
	# the primary's crash named that function (then it was probed).
	if grep -q '"name":"find_dsq_for_dispatch"' "$d/targets.jsonl"; then
		in_report '^  dsq_id +8$'
	fi
fi
jq -se '[.[] | select(.name == "bpfland_enqueue") | .object | endswith("[embedded]")] | any' \
	"$d/targets.jsonl" >/dev/null || fail "the host did not read the object embedded in the Rust binary"
exit 0
