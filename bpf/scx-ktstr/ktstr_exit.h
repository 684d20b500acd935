/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exit record scx-ktstr's ops.exit fills in and its loader prints.
 * Included by the BPF program (after vmlinux.h) and by the loader (before
 * the skeleton, which does not emit struct definitions for typed globals).
 */
#ifndef KTSTR_EXIT_H
#define KTSTR_EXIT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define KTSTR_REASON_LEN 128
#define KTSTR_MSG_LEN 1024
/* Also the exit_dump_len asked of the kernel: the debug dump is cut there. */
#define KTSTR_DUMP_LEN (32 * 1024)

struct ktstr_exit_info {
	/*
	 * enum scx_exit_kind; 0 until ops.exit ran. Written last, so a reader
	 * that sees it non-zero sees the strings complete (x86 keeps the order
	 * of stores; the helper calls before it are compiler barriers).
	 */
	__s32 kind;
	__s32 exit_cpu;
	__s64 exit_code;
	__u64 flags;
	char reason[KTSTR_REASON_LEN];
	char msg[KTSTR_MSG_LEN];
	char dump[KTSTR_DUMP_LEN];
};

#endif
