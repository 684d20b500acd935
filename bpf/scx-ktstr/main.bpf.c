// SPDX-License-Identifier: GPL-2.0
/*
 * scx-ktstr: ktstr's test scheduler. A FIFO sched_ext scheduler with one
 * shared dispatch queue, plus knobs the host can poke through the .bss map
 * to make it fail on purpose. The code is short so that line numbers in
 * probe output (main.bpf.c:NN) point at something readable.
 */
#include "ktstr.bpf.h"
#include "ktstr_exit.h"
#include <bpf/bpf_core_read.h>

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ 0
/* Where stall = 2 parks user tasks: never dispatched from. */
#define PARKED_DSQ 1
#define PF_KTHREAD 0x00200000	/* include/linux/sched.h, not in BTF */

/*
 * Knobs (.bss, map "<obj>.bss"): crash = 1 makes the next enqueue call
 * scx_bpf_error(), crash = 2 the next dispatch. stall = 1 makes dispatch
 * stop moving tasks, stall = 2 parks every user task (kernel threads still
 * run, so the watchdog names a starved task); either way the sched_ext
 * watchdog fires. Counters follow.
 */
volatile __u32 crash;
volatile __u32 stall;
volatile __u64 nr_enqueued;
volatile __u64 nr_dispatched;
/*
 * starve = 1 parks the tasks of the cgroup named starve_cgroup (set before
 * load, --starve-cgroup) instead of queueing them; 0 lets them run again.
 * A scheduler bug that keeps a task off the CPU for less than the watchdog's
 * timeout: only the checks of a passing run see it.
 */
volatile __u32 starve;
const volatile char starve_cgroup[32];

/* What ops.exit saw; its own map so .bss holds only the knobs and counters. */
struct ktstr_exit_info uei SEC(".data.uei");

/* Whether p belongs to the cgroup being starved (its cgroup v2 leaf's name). */
static bool starved(struct task_struct *p)
{
	char name[sizeof(starve_cgroup)];
	const char *kn_name;

	if (!KTSTR_READ_ONCE(starve) || !starve_cgroup[0])
		return false;
	kn_name = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn, name);
	if (!kn_name || bpf_probe_read_kernel_str(name, sizeof(name), kn_name) < 0)
		return false;
	return !bpf_strncmp(name, sizeof(name), (const char *)starve_cgroup);
}

SEC("struct_ops/ktstr_select_cpu")
s32 BPF_PROG(ktstr_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu;

	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	/* An idle CPU takes the task at once, unless we are asked to stall. */
	if (is_idle && !KTSTR_READ_ONCE(stall) && !starved(p))
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, 0);
	return cpu;
}

SEC("struct_ops/ktstr_enqueue")
void BPF_PROG(ktstr_enqueue, struct task_struct *p, u64 enq_flags)
{
	if (KTSTR_READ_ONCE(crash) == 1)
		ktstr_error("ktstr: host-triggered crash in enqueue pid=%d comm=%s",
			    p->pid, (u64)p->comm);
	__sync_fetch_and_add(&nr_enqueued, 1);
	if ((KTSTR_READ_ONCE(stall) == 2 && !(p->flags & PF_KTHREAD)) || starved(p)) {
		scx_bpf_dsq_insert(p, PARKED_DSQ, SCX_SLICE_DFL, enq_flags);
		return;
	}
	scx_bpf_dsq_insert(p, SHARED_DSQ, SCX_SLICE_DFL, enq_flags);
}

SEC("struct_ops/ktstr_dispatch")
void BPF_PROG(ktstr_dispatch, s32 cpu, struct task_struct *prev)
{
	if (KTSTR_READ_ONCE(crash) == 2) {
		struct task_struct *cur = bpf_get_current_task_btf();

		ktstr_error("ktstr: host-triggered crash in dispatch cpu=%d pid=%d comm=%s",
			    cpu, cur->pid, (u64)cur->comm);
	}
	if (KTSTR_READ_ONCE(stall) == 1)
		return;
#ifdef KTSTR_BAD_DISPATCH
	/* scx-bad's bug: prev is NULL when the CPU was idle; no check here. */
	if (prev->scx.slice == 0)
		return;
#endif
	if (scx_bpf_dsq_move_to_local(SHARED_DSQ))
		__sync_fetch_and_add(&nr_dispatched, 1);
	/* The starved cgroup's tasks once the starving is over (stall = 2's stay parked). */
	else if (!KTSTR_READ_ONCE(starve) && KTSTR_READ_ONCE(stall) != 2 && scx_bpf_dsq_move_to_local(PARKED_DSQ))
		__sync_fetch_and_add(&nr_dispatched, 1);
}

SEC("struct_ops/ktstr_running")
void BPF_PROG(ktstr_running, struct task_struct *p)
{
}

SEC("struct_ops/ktstr_stopping")
void BPF_PROG(ktstr_stopping, struct task_struct *p, bool runnable)
{
}

SEC("struct_ops/ktstr_init_task")
s32 BPF_PROG(ktstr_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	return 0;
}

SEC("struct_ops/ktstr_exit_task")
void BPF_PROG(ktstr_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
}

SEC("struct_ops.s/ktstr_init")
s32 BPF_PROG(ktstr_init)
{
	s32 err = scx_bpf_create_dsq(SHARED_DSQ, -1);

	return err ? err : scx_bpf_create_dsq(PARKED_DSQ, -1);
}

SEC("struct_ops/ktstr_exit")
void BPF_PROG(ktstr_exit, struct scx_exit_info *ei)
{
	bpf_probe_read_kernel_str(uei.reason, sizeof(uei.reason), ei->reason);
	bpf_probe_read_kernel_str(uei.msg, sizeof(uei.msg), ei->msg);
	bpf_probe_read_kernel_str(uei.dump, sizeof(uei.dump), ei->dump);
	uei.exit_cpu = ei->exit_cpu;
	uei.exit_code = ei->exit_code;
	uei.flags = ei->flags;
	/* Last: the loader polls this field (see ktstr_exit.h). */
	KTSTR_READ_ONCE(uei.kind) = ei->kind;
}

SEC(".struct_ops.link")
struct sched_ext_ops ktstr_ops = {
	.select_cpu	= (void *)ktstr_select_cpu,
	.enqueue	= (void *)ktstr_enqueue,
	.dispatch	= (void *)ktstr_dispatch,
	.running	= (void *)ktstr_running,
	.stopping	= (void *)ktstr_stopping,
	.init_task	= (void *)ktstr_init_task,
	.exit_task	= (void *)ktstr_exit_task,
	.init		= (void *)ktstr_init,
	.exit		= (void *)ktstr_exit,
	.exit_dump_len	= KTSTR_DUMP_LEN,
	.name		= "ktstr",
};
