/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A traced call's record (on_call), for the fentry/fexit programs of both
 * objects: trace.bpf.c's per-target slots and probe.bpf.c's multi
 * programs. The in-flight stack of BPF callbacks is kept here too.
 */
#ifndef KTSTR_PROBE_CALL_BPF_H
#define KTSTR_PROBE_CALL_BPF_H

#include "record.bpf.h"

/*
 * sched_ext callbacks nest at most a level or two (none calls another
 * through the kernel today). A stack found full is stale — a return missed
 * while the probes were being attached or skipped by the trampoline's
 * recursion guard — and starts over; a return pops only its own call.
 * Callbacks that run preemptible with IRQs on (ops.init_task at fork) can
 * be interrupted or migrated between their push and pop, leaving entries
 * of other tasks: each entry notes the task current at the push, and the
 * trigger takes the innermost one of the task current at the exit.
 */
static __always_inline void inflight_push(__u32 idx, __u64 task)
{
	__u32 zero = 0;
	struct probe_inflight *in = bpf_map_lookup_elem(&inflight, &zero);
	__u32 d;

	if (!in)
		return;
	d = in->depth;
	if (d >= PROBE_INFLIGHT_DEPTH)
		d = 0;
	in->target[d] = idx;
	in->task[d] = task;
	in->owner[d] = bpf_get_current_task();
	/* Published last: a push nested in between (an IRQ) writes the same slot, then pops it. */
	asm volatile("" ::: "memory");
	in->depth = d + 1;
}

static __always_inline void inflight_pop(__u32 idx)
{
	__u32 zero = 0;
	struct probe_inflight *in = bpf_map_lookup_elem(&inflight, &zero);
	__u32 d;

	if (!in || !in->depth)
		return;
	d = in->depth - 1;
	if (d < PROBE_INFLIGHT_DEPTH && in->target[d] == idx)
		in->depth = d;
}

/*
 * The arguments of a traced call, the first nargs of them: behind ctx[0]
 * for a struct_ops program, read there at once.
 */
static __always_inline void call_args(__u64 *ctx, const struct probe_target *t, __u64 *args)
{
	__u32 i, n = t->nargs;
	__u64 p = 0;

	if (t->packed) {
		bpf_get_func_arg(ctx, 0, &p);
		if (n > PROBE_MAX_ARGS)
			n = PROBE_MAX_ARGS;
		if (direct_loads()) {
			const __u64 *a = (const __u64 *)(kmem() + p);

			for (i = 0; i < PROBE_MAX_ARGS; i++)
				if (i < n)
					args[i] = a[i];
		} else {
			bpf_probe_read_kernel(args, (n & 7) * sizeof(__u64), (void *)p);
		}
		return;
	}
	for (i = 0; i < PROBE_MAX_ARGS; i++) {
		if (i >= n)
			break;
		bpf_get_func_arg(ctx, i, &args[i]);
	}
}

static __always_inline int on_call(__u64 *ctx, __u32 idx, bool is_exit)
{
	__u64 args[PROBE_MAX_ARGS] = {};
	const struct probe_target *t;
	struct probe_event *e;
	__u32 i, tp, seq;
	__u64 task = 0;

	if (record_none)
		return 0;
	t = bpf_map_lookup_elem(&targets, &idx);
	if (!t)
		return 0;
	call_args(ctx, t, args);
	/* The in-flight stack first: it must stay balanced whatever is recorded. */
	if (t->is_bpf) {
		if (is_exit) {
			inflight_pop(idx);
		} else {
			tp = (__u8)t->task_param;	/* -1 becomes 255: none */
			for (i = 0; i < PROBE_MAX_ARGS; i++)
				if (i == tp)
					task = args[i];
			inflight_push(idx, task);
		}
	}
	if (fired(is_exit))
		return 0;
	e = event_new(is_exit ? PROBE_EV_EXIT : PROBE_EV_ENTRY, idx, &seq);
	if (!e)
		return 0;
	for (i = 0; i < PROBE_MAX_ARGS; i++)
		e->args[i] = args[i];
	if (is_exit)
		bpf_get_func_ret(ctx, &e->ret);
	read_fields(e, t);
	event_done(e, seq);
	return 0;
}

#endif
