// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-probe's BPF side: generic programs configured through maps, never
 * generated per target.
 *
 * - fentry_multi / fexit_multi: entry and exit of every kernel function, by
 *   one tracing multi link each (the cookie is the target's index), where
 *   the kernel has them.
 * - fentry0..7 / fexit0..7: entry and exit of BPF callbacks, and of kernel
 *   functions where the multi links cannot be used. A tracing program is
 *   bound to one target at load time, so the agent loads this object once
 *   per batch of PROBE_BATCH targets (slot_target[] says which), every copy
 *   sharing the maps below.
 * - probe_kprobe: entry of a kernel function whose trampoline cannot be
 *   attached. One program attached once per target; the attach cookie is
 *   the target's index into the targets map.
 * - probe_trigger: tp_btf/sched_ext_exit, the one-shot trigger.
 * - probe_hold: stops a scheduler between loading and enabling (see there).
 *
 * Every record is built in place in one ring buffer (a reservation of a
 * size fixed at load time, see data_cap); a failed reservation is counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "probe_abi.h"

char _license[] SEC("license") = "GPL";

/* Per batch copy: the target index of each fentry/fexit slot. */
const volatile __u32 slot_target[PROBE_BATCH];
/*
 * The field bytes a record has room for: a power of two >= every target's
 * data_len, set by the agent before load. A reservation's size must be a
 * constant to the verifier, and so is a frozen .rodata value.
 */
const volatile __u32 data_cap = PROBE_DATA_SZ;
/* vmlinux BTF id of struct bpf_struct_ops_sched_ext_ops: the maps probe_hold stops for. */
const volatile __u32 hold_value_type;

/* The scheduler process probe_hold stopped (see there). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct probe_hold);
} hold SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PROBE_MAX_TARGETS);
	__type(key, __u32);
	__type(value, struct probe_target);
} targets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

/* The BPF callbacks in flight on each CPU, innermost last. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct probe_inflight);
} inflight SEC(".maps");

/* The trigger's record is built here: it is kept in trigger_rec even when the ring buffer is full. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct probe_event);
} scratch SEC(".maps");

/* The first trigger record, kept whatever happens to the ring buffer. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct probe_event);
} trigger_rec SEC(".maps");

/*
 * [2] triggers, [3] trigger fired (ts), [4] its CPU, [5] returns recorded
 * there since.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 6);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* Per CPU, as every hit counts: [0] ring buffer drops, [1] events submitted. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} tally SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &which);

	if (c)
		__sync_fetch_and_add(c, 1);
}

static __always_inline void tally_one(__u32 which)
{
	__u64 *c = bpf_map_lookup_elem(&tally, &which);

	if (c)
		(*c)++;
}

/* How long after the trigger the returns of calls then in flight are kept. */
#define EXIT_GRACE_NS 100000000ULL	/* the error path dumps state: slow under TCG */
#define EXIT_BUDGET 64

/*
 * After the trigger nothing new is recorded (the teardown is noise), only
 * for a short while the returns on the trigger's CPU: those of the calls
 * that were in flight there, the chain that led to the exit.
 */
static __always_inline bool fired(bool is_exit)
{
	__u32 k = 3, kc = 4, kn = 5;
	__u64 *c = bpf_map_lookup_elem(&counters, &k), *cpu, *n;

	if (!c || !*c)
		return false;
	if (!is_exit)
		return true;
	cpu = bpf_map_lookup_elem(&counters, &kc);
	if (!cpu || *cpu != bpf_get_smp_processor_id())
		return true;
	if (bpf_ktime_get_ns() > *c + EXIT_GRACE_NS)
		return true;
	/*
	 * A budget, so the calls that start (and return) after the exit on
	 * that CPU, an idle loop say, cannot crowd the flight recorder.
	 */
	n = bpf_map_lookup_elem(&counters, &kn);
	return !n || __sync_fetch_and_add(n, 1) >= EXIT_BUDGET;
}

/* The bytes of a record in the ring buffer: room for data_cap field bytes (see read_fields). */
#define REC_SZ (PROBE_HDR_SZ + data_cap + (data_cap < PROBE_FIELD_MAX ? data_cap : PROBE_FIELD_MAX))

/* The header every record has. */
static __always_inline void event_head(struct probe_event *e, __u8 type, __u32 target)
{
	__u64 id = bpf_get_current_pid_tgid();

	e->type = type;
	e->pad = 0;
	e->target = target;
	e->cpu = bpf_get_smp_processor_id();
	e->ts = bpf_ktime_get_ns();
	e->task = bpf_get_current_task();
	e->pid = (__u32)id;
	e->tgid = id >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->ret = 0;
	e->ok = 0;
	e->nul = 0;
}

/*
 * A record reserved in the ring buffer, built in place: no copy. Only the
 * header is set; the agent reads args[] up to the target's nargs and data[]
 * where ok says, the rest is whatever the ring held.
 */
static __always_inline struct probe_event *event_new(__u8 type, __u32 target)
{
	struct probe_event *e = bpf_ringbuf_reserve(&events, REC_SZ, 0);

	if (!e) {
		tally_one(0);
		return NULL;
	}
	event_head(e, type, target);
	return e;
}

static __always_inline void event_done(struct probe_event *e)
{
	/*
	 * No wakeup: the agent reads on a timer. A wakeup per record would
	 * wake the agent, whose wakeup is traced, which wakes it again.
	 */
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	tally_one(1);
}

struct fields_ctx {
	struct probe_event *e;
	const struct probe_target *t;
};

/*
 * Field i of the target, read from the struct its argument points to: the
 * body of read_fields' bpf_loop, which the verifier checks until its state
 * converges (about twice) instead of once per field as in a plain loop.
 */
static long read_field(__u64 i, void *arg)
{
	struct fields_ctx *c = arg;
	struct probe_event *e = c->e;
	const struct probe_field *f;
	__u64 base, addr, p;
	__u32 out, sz;
	__u8 a;
	long r;

	if (i >= PROBE_MAX_FIELDS)
		return 1;
	f = &c->t->f[i];
	a = f->arg;
	if (a >= PROBE_MAX_ARGS)
		return 0;
	base = e->args[a];
	/* NULL is a value (dispatch's prev, a task on no DSQ), not a failed read. */
	if (!base) {
		e->nul |= 1u << i;
		return 0;
	}
	addr = base + f->offset;
	if (f->has_deref) {
		if (bpf_probe_read_kernel(&p, sizeof(p), (void *)addr))
			return 0;
		if (!p) {
			e->nul |= 1u << i;
			return 0;
		}
		addr = p + f->deref;
	}
	/*
	 * Masks rather than range tests: clang keeps an unchecked copy
	 * of a tested value, so only arithmetic bounds reach the
	 * verifier. The agent checks the plan: 1 <= size <= 128 and
	 * out + size <= data_len <= data_cap; a record has
	 * min(data_cap, PROBE_FIELD_MAX) bytes of slack (REC_SZ).
	 */
	out = f->out & (data_cap - 1);
	sz = ((f->size - 1) & ((data_cap < PROBE_FIELD_MAX ? data_cap : PROBE_FIELD_MAX) - 1)) + 1;
	if (f->is_str)
		r = bpf_probe_read_kernel_str(&e->data[out], sz, (void *)addr);
	else
		r = bpf_probe_read_kernel(&e->data[out], sz, (void *)addr);
	if (r >= 0)
		e->ok |= 1u << i;
	return 0;
}

/* The configured fields, read from the struct each argument points to. */
static __always_inline void read_fields(struct probe_event *e, const struct probe_target *t)
{
	struct fields_ctx c = { .e = e, .t = t };

	bpf_loop(t->nfields, read_field, &c, 0);
}

SEC("kprobe")
int probe_kprobe(struct pt_regs *ctx)
{
	__u32 idx = bpf_get_attach_cookie(ctx);
	const struct probe_target *t;
	struct probe_event *e;

	if (fired(false))
		return 0;
	t = bpf_map_lookup_elem(&targets, &idx);
	if (!t)
		return 0;
	e = event_new(PROBE_EV_ENTRY, idx);
	if (!e)
		return 0;
	e->args[0] = PT_REGS_PARM1(ctx);
	e->args[1] = PT_REGS_PARM2(ctx);
	e->args[2] = PT_REGS_PARM3(ctx);
	e->args[3] = PT_REGS_PARM4(ctx);
	e->args[4] = PT_REGS_PARM5(ctx);
	e->args[5] = PT_REGS_PARM6(ctx);
	read_fields(e, t);
	event_done(e);
	return 0;
}

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

/* Argument n of a traced call: behind ctx[0] for a struct_ops program. */
static __always_inline __u64 call_arg(__u64 *ctx, const struct probe_target *t, __u32 n)
{
	__u64 v = 0, p = 0;

	if (t->packed) {
		bpf_get_func_arg(ctx, 0, &p);
		bpf_probe_read_kernel(&v, sizeof(v), (void *)(p + n * sizeof(__u64)));
	} else {
		bpf_get_func_arg(ctx, n, &v);
	}
	return v;
}

static __always_inline int on_call(__u64 *ctx, __u32 idx, bool is_exit)
{
	const struct probe_target *t;
	struct probe_event *e;
	__u32 i, tp;

	t = bpf_map_lookup_elem(&targets, &idx);
	if (!t)
		return 0;
	/* The in-flight stack first: it must stay balanced whatever is recorded. */
	if (t->is_bpf) {
		if (is_exit) {
			inflight_pop(idx);
		} else {
			tp = (__u8)t->task_param;	/* -1 becomes 255 */
			inflight_push(idx, tp < PROBE_MAX_ARGS ? call_arg(ctx, t, tp) : 0);
		}
	}
	if (fired(is_exit))
		return 0;
	e = event_new(is_exit ? PROBE_EV_EXIT : PROBE_EV_ENTRY, idx);
	if (!e)
		return 0;
	for (i = 0; i < PROBE_MAX_ARGS; i++) {
		if (i >= t->nargs)
			break;
		e->args[i] = call_arg(ctx, t, i);
	}
	if (is_exit)
		bpf_get_func_ret(ctx, &e->ret);
	read_fields(e, t);
	event_done(e);
	return 0;
}

#define SLOT(n)								\
SEC("fentry") int fentry##n(__u64 *ctx) { return on_call(ctx, slot_target[n], false); } \
SEC("fexit") int fexit##n(__u64 *ctx) { return on_call(ctx, slot_target[n], true); }

SLOT(0)
SLOT(1)
SLOT(2)
SLOT(3)
SLOT(4)
SLOT(5)
SLOT(6)
SLOT(7)

/*
 * Every kernel function at once, where the kernel has tracing multi links
 * (7.x): one program verified for all of them, attached by one link whose
 * cookie for each function is its target's index. libbpf 1.4 knows no such
 * section: the agent sets the type and attach type from the kernel's BTF.
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
	if (bpf_ringbuf_output(&events, e, PROBE_HDR_SZ, BPF_RB_NO_WAKEUP))
		tally_one(0);
	else
		tally_one(1);
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
