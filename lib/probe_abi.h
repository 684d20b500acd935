/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probes' ABI, one copy for all three sides: the BPF programs
 * (bpf/probe/probe.bpf.c), the agent that loads them in the guest
 * (bpf/probe/), and ktstr-probe on the host, which writes the agent's plan
 * within these limits. The per-target configuration (which arguments and
 * struct fields to read) and the flight recorder's records: fixed-size types
 * only, both sides of the map must agree on the layout.
 */
#ifndef KTSTR_PROBE_ABI_H
#define KTSTR_PROBE_ABI_H

/* The BPF side has the kernel's own types from vmlinux.h. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define PROBE_MAX_TARGETS	256
#define PROBE_MAX_ARGS		6
#define PROBE_MAX_FIELDS	16
#define PROBE_MAX_READS		(2 * PROBE_MAX_FIELDS)	/* the reads, then each field alone */
#define PROBE_FIELD_MAX		128	/* largest single read (a string, fields read together) */
#define PROBE_DATA_SZ		1024	/* field bytes per event */
#define PROBE_BATCH		8	/* fentry/fexit slots per object (a power of two) */
#define PROBE_INFLIGHT_DEPTH	4
#define PROBE_SEQ_BUSY		0xffffffffu	/* probe_event.seq of a record being written */
/* The field bytes a plan may ask for per target (data_len < PROBE_DATA_SZ). */
#define PROBE_DATA_MAX		(PROBE_DATA_SZ - 1)

/*
 * The plan ktstr-probe writes for the agent starts with this word and a
 * version, then one "target" line per probe and a "field" line per field.
 */
#define PROBE_PLAN_MAGIC	"ktstr-probe-plan"

enum probe_ev {
	PROBE_EV_ENTRY = 1,
	PROBE_EV_EXIT = 2,
	PROBE_EV_TRIGGER = 3,
};

/*
 * One bpf_probe_read_kernel of a target's record: the fields of one
 * argument behind the same pointer hop (or none) whose bytes lie close
 * together, read at once (the agent coalesces them, bpf/probe/reads.c).
 * Its fields' ok and nul bits are set together. A target's reads are
 * followed by one per field, the field alone: read only when the read it
 * is part of failed, as some of that read's bytes may be readable.
 */
struct probe_read {
	__u32 offset;		/* from the struct the argument points to; with DEREF the pointer's */
	__u32 deref;		/* with DEREF: offset after the pointer hop */
	__u16 out;		/* where its bytes go in probe_event.data */
	__u16 fields;		/* bit n: field n's bytes are among these */
	__u8 arg;		/* argument index */
	__u8 size;		/* bytes, <= PROBE_FIELD_MAX */
	__u8 flags;		/* PROBE_READ_* */
	__u8 pad;
};

#define PROBE_READ_DEREF	1	/* one pointer hop first */
#define PROBE_READ_STR		2	/* a string: bpf_probe_read_kernel_str, one field */
#define PROBE_READ_SPLIT	4	/* more bytes than one field: if it fails, read its fields alone */

struct probe_target {
	__u8 nargs;		/* arguments to record, <= PROBE_MAX_ARGS */
	__u8 packed;		/* struct_ops program: arg 0 points at the real args */
	__s8 task_param;	/* index of the task_struct * argument, -1 none */
	__u8 is_bpf;		/* a BPF callback: tracked as in flight */
	__u8 nfields;
	__u8 nreads;		/* <= nfields */
	__u16 data_len;		/* bytes of data[] its records carry, < PROBE_DATA_SZ */
	struct probe_read r[PROBE_MAX_READS];	/* nreads, then nfields alone */
};

struct probe_event {
	__u8 type;		/* enum probe_ev */
	__u8 pad;
	__u16 target;		/* index into the targets; trigger: in-flight target or 0xffff */
	__u32 cpu;
	__u64 ts;		/* bpf_ktime_get_ns() */
	__u64 task;		/* bpf_get_current_task() */
	__u32 pid;
	__u32 seq;		/* its place in its CPU's flight ring (low bits); ~0 while written */
	char comm[16];
	/*
	 * Trigger: args[0] exit kind, [1] in-flight task, [2] its pid,
	 * [3] in-flight depth, [4] current->scx.kf_tasks[0], [5] PROBE_TRIG_*.
	 */
	__u64 args[PROBE_MAX_ARGS];
	__u64 ret;
	__u32 ok;		/* bit n: field n was read */
	__u32 nul;		/* bit n: field n was not read: a pointer on the way was NULL */
	char icomm[16];		/* trigger: the in-flight task's comm */
	__u8 data[PROBE_DATA_SZ + PROBE_FIELD_MAX];	/* slack: see read_fields */
};

/* A record is the header and data_len bytes of data. */
#define PROBE_HDR_SZ	__builtin_offsetof(struct probe_event, data)

struct probe_inflight {
	__u32 depth;
	__u32 pad;
	__u16 target[PROBE_INFLIGHT_DEPTH];
	__u64 task[PROBE_INFLIGHT_DEPTH];
	__u64 owner[PROBE_INFLIGHT_DEPTH];	/* the task current at the push */
};

/* Trigger args[5]: how the in-flight call and its task were found. */
#define PROBE_TRIG_OWNER	1	/* the innermost entry pushed by current */
#define PROBE_TRIG_KF_TASK	2	/* task from current->scx.kf_tasks[0] */

/* probe_hold's state: the process it stopped; done once released (one hold only). */
struct probe_hold {
	__u32 tgid;
	__u32 done;
};

/*
 * The imm of the raw kfunc call of record.bpf.h (bpf_rdonly_cast): the
 * agent writes the kernel's BTF id of that kfunc in its place before load.
 */
#define PROBE_KFUNC_PLACEHOLDER	0x6b747374

#define PROBE_SIGSTOP	19	/* x86_64 */

#endif
