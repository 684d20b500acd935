// SPDX-License-Identifier: GPL-2.0
/*
 * The probes' per-target fentry/fexit programs, an object of their own: it
 * has no CO-RE relocation, so libbpf parses no kernel BTF to load a copy
 * bound to BPF programs (the scheduler's callbacks, while it waits
 * stopped). Its maps are those of probe.bpf.c (record.bpf.h), reused.
 *
 * fentry0..7 / fexit0..7: entry and exit of BPF callbacks, and of kernel
 * functions where the multi links of probe.bpf.c cannot be used. A tracing
 * program is bound to one target at load time, so the agent loads this
 * object once per batch of PROBE_BATCH targets (slot_target[] says which).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "probe_abi.h"
#include "record.bpf.h"
#include "call.bpf.h"

char _license[] SEC("license") = "GPL";

/* Per batch copy: the target index of each fentry/fexit slot. */
const volatile __u32 slot_target[PROBE_BATCH];

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
