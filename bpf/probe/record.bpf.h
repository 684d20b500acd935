/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What both BPF objects of the probes share (probe.bpf.c, trace.bpf.c): the
 * maps (the agent creates them with the first object and reuses them in
 * every other) and building a record in place in the flight recorder.
 */
#ifndef KTSTR_PROBE_RECORD_BPF_H
#define KTSTR_PROBE_RECORD_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "probe_abi.h"

/*
 * Direct loads: where the kernel lets a program load from any kernel
 * address it was given (bpf_rdonly_cast(p, 0), read-only untrusted memory:
 * its BTF has BPF_FEAT_RDONLY_CAST_TO_VOID, as 7.3 has), each load of a
 * field is one JIT-ed instruction with a fault fixup, where
 * bpf_probe_read_kernel() is a helper call and a copy loop. Measured on the
 * demo's probes (one vCPU, ICOUNT): a kernel function's record 2050 ->
 * 1630 guest instructions, a BPF callback's 1740 -> 1390. The agent
 * decides (it has the kernel's BTF): kernels without it take the helpers,
 * and so does its --helper-reads, which is how that path is tested here.
 */
const volatile bool direct;
/* offsetof(struct task_struct, comm) in the running kernel, for direct loads. */
const volatile __u32 comm_off;

/*
 * The kfunc is called by a raw instruction whose BTF id the agent writes
 * in before load (PROBE_KFUNC_PLACEHOLDER, attach.c), not through an
 * extern: libbpf would parse the kernel's BTF to resolve one in every
 * object, and the trace object is loaded once per batch while the
 * scheduler waits stopped (0.3-2.5 s each under TCG;
 * tests/ktstr-probe/trace-no-core.t). Called as bpf_rdonly_cast(0, 0):
 * read-only untrusted memory at address 0 (void: its offset is not
 * tracked), so base + address loads from any address; the verifier wants
 * the type id a known constant.
 */
static __always_inline const __u8 *kmem(void)
{
	const __u8 *ret;

	asm volatile("r1 = 0\n\t"
		     "r2 = 0\n\t"
		     ".byte 0x85, 0x20, 0, 0\n\t"	/* call, src_reg BPF_PSEUDO_KFUNC_CALL, off 0 */
		     ".long %[id]\n\t"
		     "%[ret] = r0"
		     : [ret] "=r"(ret)
		     : [id] "i"(PROBE_KFUNC_PLACEHOLDER)
		     : "r0", "r1", "r2", "r3", "r4", "r5");
	return ret;
}

static __always_inline bool direct_loads(void)
{
	return direct;
}

/*
 * Direct loads from the lower half of the address space (user memory, a
 * small integer taken for a pointer) read 0: such an address counts as
 * unreadable, as it did for bpf_probe_read_kernel(). In the kernel's half a
 * load that faults reads 0 too, and that is not told apart: the arguments
 * and pointers read here are kernel objects, which are mapped.
 */
static __always_inline bool kernel_addr(__u64 a)
{
	return a >= 0x8000000000000000ULL;
}

/* SZ (<= PROBE_FIELD_MAX) bytes from kernel address SRC to DST by loads (see direct_loads). */
static __always_inline void copy_direct(__u8 *dst, const __u8 *s, __u32 sz)
{
	__u32 j, nw = sz >> 3, w;

	for (j = 0; j < PROBE_FIELD_MAX / 8; j++) {
		if (j >= nw)
			break;
		*(__u64 *)(dst + j * 8) = *(const __u64 *)(s + j * 8);
	}
	/* The mask only bounds it for the verifier: nw is 16 only when sz is 128, with no tail. */
	w = (nw << 3) & (PROBE_FIELD_MAX - 1);
	/* The tail (a 4-byte field is most of them) by one load of each size. */
	if (sz & 4) {
		*(__u32 *)(dst + w) = *(const __u32 *)(s + w);
		w += 4;
	}
	if (sz & 2) {
		*(__u16 *)(dst + w) = *(const __u16 *)(s + w);
		w += 2;
	}
	if (sz & 1)
		dst[w] = s[w];
}

/*
 * The field bytes a record has room for: a power of two >= every target's
 * data_len, set by the agent before load. A reservation's size must be a
 * constant to the verifier, and so is a frozen .rodata value.
 */
const volatile __u32 data_cap = PROBE_DATA_SZ;

/*
 * Set (agent --empty): every probe attached, nothing recorded, not even the
 * in-flight stack: what the trampolines and program runs cost alone.
 */
const volatile bool record_none;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PROBE_MAX_TARGETS);
	__type(key, __u32);
	__type(value, struct probe_target);
} targets SEC(".maps");

/*
 * The flight recorder: for each CPU a ring of flight_slots records, CPU c's
 * at [c * flight_slots, (c + 1) * flight_slots), overwritten in turn. A
 * record is written in place where it will stay: no reservation, no lock,
 * no copy, and no reader in the guest while the scenario runs but the
 * agent's periodic look for its per-task history (recorder.c). The agent
 * sizes it (slots, and a value of REC_SZ bytes) before load and maps it.
 */
const volatile __u32 flight_slots = 1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct probe_event));
} flight SEC(".maps");

/* Per CPU: how many records it has begun in its ring (the next one's place). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} flight_head SEC(".maps");

/* The BPF callbacks in flight on each CPU, innermost last. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct probe_inflight);
} inflight SEC(".maps");

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

/* Per CPU, as every hit counts: records lost (no slot). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} tally SEC(".maps");

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

/*
 * The bytes of a record in the flight recorder: room for data_cap field
 * bytes and a read's slack past them (see read_one), whatever data_cap.
 */
#define REC_SZ (PROBE_HDR_SZ + data_cap + PROBE_FIELD_MAX)

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
	if (direct_loads()) {
		const __u64 *c = (const __u64 *)(kmem() + e->task + comm_off);

		((__u64 *)e->comm)[0] = c[0];
		((__u64 *)e->comm)[1] = c[1];
	} else {
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	}
	e->ret = 0;
	e->ok = 0;
	e->nul = 0;
}

/*
 * The next slot of this CPU's ring (its place in *seq), marked busy until
 * event_done(e, *seq) publishes it: the
 * agent may look at it meanwhile. The place is taken atomically, as a probe
 * in an interrupt may nest between the read and the increment. Only the
 * header is set; the agent reads args[] up to the target's nargs and data[]
 * where ok says, the rest is whatever the slot held.
 */
static __always_inline struct probe_event *event_new(__u8 type, __u32 target, __u32 *seq)
{
	__u32 zero = 0, k;
	__u64 *h = bpf_map_lookup_elem(&flight_head, &zero), pos;
	struct probe_event *e;

	if (!h) {
		tally_one(0);
		return NULL;
	}
	pos = __sync_fetch_and_add(h, 1);
	k = bpf_get_smp_processor_id() * flight_slots + (__u32)(pos % flight_slots);
	e = bpf_map_lookup_elem(&flight, &k);
	if (!e) {
		tally_one(0);
		return NULL;
	}
	e->seq = PROBE_SEQ_BUSY;
	asm volatile("" ::: "memory");
	event_head(e, type, target);
	*seq = (__u32)pos;
	return e;
}

static __always_inline void event_done(struct probe_event *e, __u32 seq)
{
	asm volatile("" ::: "memory");
	e->seq = seq;
}

struct fields_ctx {
	struct probe_event *e;
	const struct probe_target *t;
	const __u8 *mem;	/* kmem(), for direct loads: the callback makes no kfunc call */
};

/*
 * Bit n: field n to read alone (see read_one). In the record's slack past
 * data_cap, not on the stack: the verifier would follow a known value there
 * into the branches it decides and check the loop's body again until that
 * converges; what it reads from the record is never known to it.
 */
static __always_inline __u32 *retry_mask(struct probe_event *e)
{
	return (__u32 *)&e->data[data_cap];
}

/*
 * Read i of the target, from the struct its argument points to: the body
 * of read_fields' bpf_loop, which the verifier checks until its state
 * converges (about twice) instead of once per read as in a plain loop.
 * Past the target's reads come its fields one by one: only those a read
 * missed (see PROBE_READ_SPLIT) are read again, so the first ends the loop
 * when none did.
 */
static long read_one(__u64 i, void *arg)
{
	struct fields_ctx *c = arg;
	struct probe_event *e = c->e;
	const struct probe_read *r;
	__u64 base, addr, p;
	__u32 out, sz;
	long ret;
	__u8 a;

	if (i >= PROBE_MAX_READS)
		return 1;
	if (i >= c->t->nreads) {
		if (!*retry_mask(e))
			return 1;
		if (!(*retry_mask(e) & (1u << ((i - c->t->nreads) & 31))))
			return 0;
	}
	r = &c->t->r[i];
	a = r->arg;
	if (a >= PROBE_MAX_ARGS)
		return 0;
	base = e->args[a];
	/* NULL is a value (dispatch's prev, a task on no DSQ), not a failed read. */
	if (!base) {
		e->nul |= r->fields;
		return 0;
	}
	addr = base + r->offset;
	if (r->flags & PROBE_READ_DEREF) {
		if (!direct_loads()) {
			if (bpf_probe_read_kernel(&p, sizeof(p), (void *)addr))
				return 0;
		} else if (kernel_addr(addr)) {
			p = *(const __u64 *)(c->mem + addr);
		} else {
			return 0;
		}
		if (!p) {
			e->nul |= r->fields;
			return 0;
		}
		addr = p + r->deref;
	}
	/*
	 * Masks rather than range tests: clang keeps an unchecked copy
	 * of a tested value, so only arithmetic bounds reach the
	 * verifier. The agent checks the plan: 1 <= size <= 128 and
	 * out + size <= data_len <= data_cap; a record has
	 * PROBE_FIELD_MAX bytes of slack (REC_SZ): copy_direct's
	 * bounds as the verifier sees them reach past out + size.
	 */
	out = r->out & (data_cap - 1);
	sz = ((r->size - 1) & ((data_cap < PROBE_FIELD_MAX ? data_cap : PROBE_FIELD_MAX) - 1)) + 1;
	if (r->flags & PROBE_READ_STR) {
		ret = bpf_probe_read_kernel_str(&e->data[out], sz, (void *)addr);
	} else if (!direct_loads()) {
		ret = bpf_probe_read_kernel(&e->data[out], sz, (void *)addr);
	} else if (kernel_addr(addr)) {
		copy_direct(&e->data[out], c->mem + addr, sz);
		ret = 0;
	} else {
		ret = -1;	/* as the helper would have failed */
	}
	if (ret >= 0)
		e->ok |= r->fields;
	else if (r->flags & PROBE_READ_SPLIT)
		*retry_mask(e) |= r->fields;	/* some of its bytes may be readable: as if each field were read alone */
	return 0;
}

/* The configured fields, read from the struct each argument points to, by fewer reads than fields. */
static __always_inline void read_fields(struct probe_event *e, const struct probe_target *t)
{
	struct fields_ctx c = { .e = e, .t = t, .mem = direct_loads() ? kmem() : 0 };

	*retry_mask(e) = 0;
	bpf_loop(t->nreads + t->nfields, read_one, &c, 0);
}

#endif
