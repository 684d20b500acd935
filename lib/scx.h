/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sched_ext facts that the host tools, ktstr-init and the probe agent share:
 * where the guest kernel reports its state, the exit tracepoint, the exit
 * kinds (enum scx_exit_kind of the 7.x kernels; the kernel's number is the
 * truth, names are for people), and the paths of ktstr's guest layout.
 */
#ifndef KTSTR_SCX_H
#define KTSTR_SCX_H

#define SCX_STATE_PATH "/sys/kernel/sched_ext/state"
#define SCX_EXIT_TP "sched_ext_exit"

/* The kernel config in the initramfs; /boot/config-$(uname -r) links to it. */
#define KTSTR_GUEST_KCONFIG "/ktstr/kconfig"

/* The kinds ktstr's tools act on (the table in scx.c names them all). */
#define SCX_EXIT_KIND_ERROR_STALL 1026

/* "SCX_EXIT_ERROR" for 1024, NULL for a number the table does not know. */
const char *scx__exit_kind_name(long kind);

#endif
