// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-probe's BPF side: generic programs configured through maps, never
 * generated per target. This object: the one the agent loads first, whose
 * maps (record.bpf.h) every other reuses; trace.bpf.c has the per-target
 * fentry/fexit programs.
 *
 * - fentry_multi / fexit_multi: entry and exit of every kernel function, by
 *   one tracing multi link each (the cookie is the target's index), where
 *   the kernel has them.
 * - probe_kprobe: entry of a kernel function whose trampoline cannot be
 *   attached. One program attached once per target; the attach cookie is
 *   the target's index into the targets map.
 * - probe_trigger: tp_btf/sched_ext_exit, the one-shot trigger.
 * - probe_hold: stops a scheduler between loading and enabling (see there).
 *
 * Every record is built in place in its CPU's ring of the flight recorder
 * (record.bpf.h), of a size fixed at load time (see data_cap).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "probe_abi.h"
#include "record.bpf.h"
#include "call.bpf.h"

char _license[] SEC("license") = "GPL";

/* vmlinux BTF id of struct bpf_struct_ops_sched_ext_ops: the maps probe_hold stops for. */
const volatile __u32 hold_value_type;

/* The scheduler process probe_hold stopped (see there). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct probe_hold);
} hold SEC(".maps");

/* The trigger's record is built here, then kept in trigger_rec. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct probe_event);
} scratch SEC(".maps");

/* The first trigger record, which the agent prints first. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct probe_event);
} trigger_rec SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &which);

	if (c)
		__sync_fetch_and_add(c, 1);
}

SEC("kprobe")
int probe_kprobe(struct pt_regs *ctx)
{
	__u32 idx = bpf_get_attach_cookie(ctx), seq;
	const struct probe_target *t;
	struct probe_event *e;

	if (record_none || fired(false))
		return 0;
	t = bpf_map_lookup_elem(&targets, &idx);
	if (!t)
		return 0;
	e = event_new(PROBE_EV_ENTRY, idx, &seq);
	if (!e)
		return 0;
	e->args[0] = PT_REGS_PARM1(ctx);
	e->args[1] = PT_REGS_PARM2(ctx);
	e->args[2] = PT_REGS_PARM3(ctx);
	e->args[3] = PT_REGS_PARM4(ctx);
	e->args[4] = PT_REGS_PARM5(ctx);
	e->args[5] = PT_REGS_PARM6(ctx);
	read_fields(e, t);
	event_done(e, seq);
	return 0;
}

/*
 * Every kernel function at once, where the kernel has tracing multi links
 * (7.x): one program verified for all of them, attached by one link whose
 * cookie for each function is its target's index. In this object, as it
 * needs the kernel's BTF anyway: loading them takes no parse of their own.
 * libbpf 1.4 knows no such section: the agent sets the type and attach type
 * from the kernel's BTF.
 */
SEC("fentry.multi")
int fentry_multi(__u64 *ctx)
{
	return on_call(ctx, bpf_get_attach_cookie(ctx), false);
}

SEC("fexit.multi")
int fexit_multi(__u64 *ctx)
{
	return on_call(ctx, bpf_get_attach_cookie(ctx), true);
}

/*
 * The task argument of the sched_ext callback current is running: the
 * kernel keeps it in current->scx.kf_tasks[0] around the callbacks that
 * take one (ops.enqueue, ops.select_cpu, ops.running, ...), NULL otherwise.
 */
static __always_inline __u64 kf_task(void)
{
	struct task_struct *cur = bpf_get_current_task_btf();

	if (!bpf_core_field_exists(cur->scx.kf_tasks))
		return 0;
	return (__u64)BPF_CORE_READ(cur, scx.kf_tasks[0]);
}

/*
 * The call the exit happened in: the innermost entry pushed by the task
 * current now (an entry above it was left by another task, preempted or
 * migrated mid-call), else the top of the stack.
 */
static __always_inline void trigger_inflight(struct probe_event *e, struct probe_inflight *in)
{
	__u64 cur = bpf_get_current_task();
	__u32 i, d, top;

	if (!in || !in->depth || in->depth > PROBE_INFLIGHT_DEPTH)
		return;
	top = in->depth - 1;
	for (i = 0; i < PROBE_INFLIGHT_DEPTH; i++) {
		if (i > top)
			break;
		d = (top - i) & (PROBE_INFLIGHT_DEPTH - 1);
		if (in->owner[d] == cur) {
			e->target = in->target[d];
			e->args[1] = in->task[d];
			e->args[5] |= PROBE_TRIG_OWNER;
			return;
		}
	}
	top &= PROBE_INFLIGHT_DEPTH - 1;
	e->target = in->target[top];
	e->args[1] = in->task[top];
}

/*
 * scx_claim_exit() fires it once per scheduler instance, in the context of
 * the task current at the exit, before the disable work is queued: the BPF
 * callback that called scx_bpf_error() is still in flight on this CPU.
 */
SEC("tp_btf/sched_ext_exit")
int probe_trigger(__u64 *ctx)
{
	__u32 zero = 0, three = 3, four = 4, kind = (__u32)ctx[1];
	struct probe_inflight *in = bpf_map_lookup_elem(&inflight, &zero);
	struct probe_event *e = bpf_map_lookup_elem(&scratch, &zero), *keep;
	struct task_struct *it;
	__u64 *f, *fc, kf;

	count(2);
	if (!e)
		return 0;
	event_head(e, PROBE_EV_TRIGGER, 0xffff);
	__builtin_memset(e->args, 0, sizeof(e->args));
	__builtin_memset(e->icomm, 0, sizeof(e->icomm));
	e->args[0] = kind;
	e->args[3] = in ? in->depth : 0;	/* for the record: how deep the stack was */
	trigger_inflight(e, in);
	/*
	 * The kernel's own word wins: the stack can only be as right as the
	 * trampolines let it be (a call entered before its fentry was
	 * attached, one skipped by the recursion guard).
	 */
	kf = kf_task();
	e->args[4] = kf;
	if (kf && e->target != 0xffff && e->args[1] != kf) {
		e->args[1] = kf;
		e->args[5] |= PROBE_TRIG_KF_TASK;
	}
	it = (struct task_struct *)e->args[1];
	if (it) {
		e->args[2] = BPF_CORE_READ(it, pid);
		BPF_CORE_READ_STR_INTO(&e->icomm, it, comm);
	}
	f = bpf_map_lookup_elem(&counters, &three);
	fc = bpf_map_lookup_elem(&counters, &four);
	keep = bpf_map_lookup_elem(&trigger_rec, &zero);
	if (f && !*f) {
		if (fc)
			*fc = e->cpu;	/* before the ts: fired() reads the CPU once the ts is set */
		*f = e->ts;
		if (keep)
			__builtin_memcpy(keep, e, PROBE_HDR_SZ);
	}
	/* A later trigger (another scheduler instance) is only counted: the chain is the first one's. */
	return 0;
}

/*
 * Holding a scheduler between load and attach, so that its callbacks are
 * probed from the first one (ops.init, the first select_cpu): a
 * .struct_ops.link map is only filled by this update; the scheduler is
 * enabled by the BPF_LINK_CREATE that follows. SIGSTOP takes effect on the
 * return to user space, between the two; the agent attaches to the now
 * loaded programs and sends SIGCONT. Legacy maps (no BPF_F_LINK) register
 * in this very call: they are probed once sched_ext is enabled instead.
 */
SEC("fentry/bpf_struct_ops_map_update_elem")
int BPF_PROG(probe_hold, struct bpf_map *map, void *key, void *value, __u64 flags)
{
	__u32 zero = 0;
	struct probe_hold *h = bpf_map_lookup_elem(&hold, &zero);

	if (!h || h->done || h->tgid || !(map->map_flags & BPF_F_LINK))
		return 0;
	if (map->btf_vmlinux_value_type_id != hold_value_type)
		return 0;
	if (!bpf_send_signal(PROBE_SIGSTOP))
		h->tgid = bpf_get_current_pid_tgid() >> 32;
	return 0;
}
