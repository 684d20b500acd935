#!/bin/sh
# vm: one real boot.
# The whole auto-repro chain on the demo scenario: the crash captured by
# ktstr-boot (its fixtures) → ktstr-stackx → ktstr-btfres (with every
# callback of scx-ktstr) → ktstr-probe (a real VM with the probes) →
# ktstr-stitch. The trigger must fire with ERROR_BPF (1025) while ktstr_enqueue
# is in flight, ktstr_enqueue and enqueue_task_scx (or scx_do_enqueue_task, the
# requeue path) must have been seen
# handling the causal task, and the stitched chain must show it decoded.
# KTSTR_SAVE_FIXTURES=1 keeps the events as fixtures/real.events.jsonl (and the
# chain as real.stitch.txt): then recheck by hand the values that
# ktstr-stitch/probe-real.t holds them to, from the new raw events.
. ../lib.sh
set -eu
B=${KTSTR_BIN:?}
build=${KTSTR_BUILD:-../../build}
kernel=${KTSTR_KERNEL_DIR:-../../build/kernel}
obj=$build/bpf/scx-ktstr.bpf.o
boot=../ktstr-boot/fixtures
for t in ktstr-stackx ktstr-btfres ktstr-probe ktstr-probe-agent ktstr-stitch ktstr-boot scx-ktstr; do
	[ -x "$B/$t" ] || skip "$t not built"
done
[ -f "$kernel/vmlinux" ] || skip "no kernel at $kernel (make kernel)"
[ -f "$obj" ] || skip "no $obj"
need qemu-system-x86_64
fail() { echo "$1" >&2; [ -f "$tmp/stitch.txt" ] && head -40 "$tmp/stitch.txt" >&2; exit 1; }

"$B/ktstr-stackx" --com2 "$boot/crash.com2.log" --com1 "$boot/crash.com1.log" >"$tmp/stack.jsonl"
"$B/ktstr-btfres" --kernel "$kernel" --bpf-obj "$obj" --all-callbacks "$tmp/stack.jsonl" >"$tmp/targets.jsonl"
"$B/ktstr-probe" --targets "$tmp/targets.jsonl" --kernel "$kernel" --out "$tmp/vm" -m 3000 \
	-o "$tmp/events.jsonl" ../scenarios/demo_host_crash_auto_repro.yaml ||
	fail "ktstr-probe failed: $?"

# The trigger: ERROR_BPF, ktstr_enqueue in flight with its task.
trig=$(jq -c 'select(.type == "trigger")' "$tmp/events.jsonl" | head -1)
[ -n "$trig" ] || fail "the trigger never fired"
[ "$(echo "$trig" | jq -r .exit_kind)" = 0x401 ] || fail "exit kind not 1025: $trig"
[ "$(echo "$trig" | jq -r .inflight_func)" = ktstr_enqueue ] || fail "ktstr_enqueue not in flight: $trig"
pid=$(echo "$trig" | jq -r '.inflight_pid // .current_pid')
hexpid=$(printf '0x%x' "$pid")
calls() { # FUNC...: calls of these functions with the causal task
	for f in "$@"; do
		jq --arg f "$f" --arg p "$hexpid" 'select(.type == "hit" and .func == $f and .fields.p.pid.entry == $p)' \
			"$tmp/events.jsonl"
	done | jq -s length
}
[ "$(calls ktstr_enqueue)" -gt 0 ] || fail "no call of ktstr_enqueue with the causal task (pid $pid)"
# A wake-up enqueues through enqueue_task_scx; a yield or preemption requeues
# from put_prev_task_scx straight into scx_do_enqueue_task.
[ "$(calls enqueue_task_scx scx_do_enqueue_task)" -gt 0 ] ||
	fail "no call of enqueue_task_scx or scx_do_enqueue_task with the causal task (pid $pid)"
[ "$(jq -r 'select(.type == "meta") | .drops' "$tmp/events.jsonl")" = 0 ] || echo "warning: ring buffer drops" >&2
# A kernel whose BTF has BPF_FEAT_RDONLY_CAST_TO_VOID (7.3 has) gets the direct loads (helper_reads.t: the rest).
reads=$(jq -r 'select(.type == "meta") | .probe.stats.reads' "$tmp/events.jsonl")
if grep -qa BPF_FEAT_RDONLY_CAST_TO_VOID "$kernel/vmlinux"; then want=direct; else want=helper; fi
[ "$reads" = "$want" ] || fail "fields read by $reads loads, expected $want for this kernel"
# The plan carries the kernel's facts (lib/kfacts.h) and the agent found them right (kfacts.t: when not).
grep -q '^kernel [0-9]' "$tmp/vm/probe.plan" || fail "no kernel line in the plan: $(head -3 "$tmp/vm/probe.plan")"
if jq -e 'select(.type == "meta") | .probe.notes[]? | select(test("kernel facts"))' "$tmp/events.jsonl" >/dev/null; then
	fail "the agent found the plan's kernel facts wrong: $(jq -c 'select(.type == "meta") | .probe.notes' "$tmp/events.jsonl")"
fi

"$B/ktstr-stitch" --targets "$tmp/targets.jsonl" "$tmp/events.jsonl" >"$tmp/stitch.txt"
head -1 "$tmp/stitch.txt" | grep -qx '=== AUTO-PROBE: scx_exit fired ===' || fail "no chain header"
grep -q '^exit: ERROR_BPF (1025)' "$tmp/stitch.txt" || fail "no exit line"
grep -q "^causal task: .*\[$pid\] .*the task of ktstr_enqueue in flight" "$tmp/stitch.txt" || fail "causal task"
grep -q '^ktstr_enqueue  *main\.bpf\.c:[0-9]' "$tmp/stitch.txt" || fail "no ktstr_enqueue in the chain"
# Kernel source lines need the DWARF vmlinux of `make kernel-debug`.
pat='^(enqueue_task_scx|scx_do_enqueue_task)( |$)'
[ -f "$kernel/vmlinux-dbg" ] && pat='^(enqueue_task_scx|scx_do_enqueue_task)  *kernel/sched/ext/ext\.c:[0-9]'
grep -Eq "$pat" "$tmp/stitch.txt" ||
	fail "no enqueue_task_scx or scx_do_enqueue_task in the chain"
grep -q "^    pid  *$pid\$" "$tmp/stitch.txt" || fail "no decoded pid"
grep -q '^    cpus_ptr  *0xf(0-3)$' "$tmp/stitch.txt" || fail "no decoded cpumask"
grep -q '^    scx_flags  *[A-Z_|]*ENABLED' "$tmp/stitch.txt" || fail "no decoded scx_flags"
if [ "${KTSTR_SAVE_FIXTURES:-}" = 1 ]; then
	cp "$tmp/events.jsonl" fixtures/real.events.jsonl
	cp "$tmp/stitch.txt" fixtures/real.stitch.txt
fi
