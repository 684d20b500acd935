/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sched_ext facts that the host tools, ktstr-init and the probe agent share:
 * where the guest kernel reports its state, the exit tracepoint, the exit
 * kinds (enum scx_exit_kind of the 7.x kernels; the kernel's number is the
 * truth, names are for people), and the paths of ktstr's guest layout.
 */
#ifndef KTSTR_SCX_H
#define KTSTR_SCX_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

#define SCX_STATE_PATH "/sys/kernel/sched_ext/state"
/* The tracepoints (trace event system "sched_ext"): the exit, and the debug dump it is followed by. */
#define SCX_TP_SYSTEM "sched_ext"
#define SCX_EXIT_TP "sched_ext_exit"
#define SCX_DUMP_TP "sched_ext_dump"
/* How a tp_btf program names the exit tracepoint in the kernel's BTF. */
#define SCX_EXIT_TP_BTF "btf_trace_" SCX_EXIT_TP

/* The kernel config in the initramfs; /boot/config-$(uname -r) links to it. */
#define KTSTR_GUEST_KCONFIG "/ktstr/kconfig"

/* The kinds ktstr's tools act on (the table in scx.c names them all). */
#define SCX_EXIT_KIND_ERROR 1024	/* this and every kind above it is an error */
#define SCX_EXIT_KIND_ERROR_STALL 1026

/* "SCX_EXIT_ERROR" for 1024, NULL for a number the table does not know. */
const char *scx__exit_kind_name(long kind);

/*
 * Whether an exit was an error the kernel or the scheduler raised, not an
 * unload: by its kind, or (kind < 0: not known) by the reason the kernel
 * printed. A deliberate unload never turns into one: the first exit wins.
 */
bool scx__exit_is_error(long kind, const char *reason);

/* The state ("enabled", "disabled", ...) without its newline into buf. 0 or -errno (buf ""). */
int scx__read_state(char *buf, size_t size);
/* Whether the state reads "enabled". */
bool scx__enabled(void);
/*
 * Whether a kernel, by its BTF (the vmlinux file's or the running one's),
 * has the exit tracepoint ktstr-probe triggers on. NULL: no.
 */
bool scx__has_exit_tp(const struct btf *btf);

#endif
