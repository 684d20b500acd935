/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the probe agent must know of the guest kernel before it loads its
 * BPF programs (bpf/probe/attach.c), all from the kernel's BTF. ktstr-probe
 * reads them from the vmlinux it boots and writes them into the plan
 * ("kernel" line), so the agent loads at once and parses the kernel's BTF
 * (~0.2 s under TCG) alongside libbpf's own parse instead of before it; the
 * agent checks them against its own parse, and without them parses first.
 */
#ifndef KTSTR_KFACTS_H
#define KTSTR_KFACTS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

struct btf;

struct kfacts {
	__u32 btf_size;		/* bytes of the raw BTF: /sys/kernel/btf/vmlinux's size in the guest */
	__s32 comm_off;		/* offsetof(struct task_struct, comm), -1 unknown */
	__s32 rdonly_cast;	/* BTF id of the kfunc bpf_rdonly_cast, 0 none */
	__s32 feat_void;	/* enum bpf_features has BPF_FEAT_RDONLY_CAST_TO_VOID */
	__u32 ops_value;	/* BTF id of struct bpf_struct_ops_sched_ext_ops, 0 none */
	__s32 exit_tp;		/* the sched_ext_exit tracepoint is there (btf_trace_sched_ext_exit) */
	long long fentry_multi;	/* enum bpf_attach_type's BPF_TRACE_FENTRY_MULTI, -1 none */
	long long fexit_multi;	/* ... BPF_TRACE_FEXIT_MULTI, -1 none */
};

/* The facts of the kernel whose BTF is btf (NULL: none known, as of a kernel without BTF). */
void kfacts__from_btf(const struct btf *btf, struct kfacts *k);
bool kfacts__equal(const struct kfacts *a, const struct kfacts *b);

/* The plan's line: "kernel BTF_SIZE COMM_OFF RDONLY_CAST FEAT_VOID OPS_VALUE EXIT_TP FENTRY_MULTI FEXIT_MULTI". */
int kfacts__write(const struct kfacts *k, FILE *f);
/* 1 and *k set when line is such a line, 0 when it is another line, -EINVAL when malformed. */
int kfacts__parse(const char *line, struct kfacts *k);

/* Byte offset of member name of struct id in btf (not inside nested anonymous members), or -1. */
long kfacts__member_off(const struct btf *btf, int id, const char *name);

#endif
