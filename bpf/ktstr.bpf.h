/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by ktstr's BPF schedulers. The sched_ext project's own
 * headers are not installed on the build host, so the few macros needed are
 * defined here on top of libbpf's bpf_helpers.h.
 */
#ifndef KTSTR_BPF_H
#define KTSTR_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/*
 * ktstr_error(fmt, args...): abort the scheduler with a formatted message.
 * The kernel exports only the "bstr" form, which takes the format and an
 * array of u64 arguments; the format must live in a map (a static array
 * lands in .data), the arguments on the stack. %s arguments are kernel
 * addresses read by the kernel's bstr formatter.
 */
#define ktstr_error(fmt, args...)						\
({										\
	static char ___ktstr_fmt[] = fmt;					\
	unsigned long long ___ktstr_args[___bpf_narg(args)];			\
										\
	___bpf_fill(___ktstr_args, args);					\
	scx_bpf_error_bstr(___ktstr_fmt, ___ktstr_args,			\
			   sizeof(___ktstr_args));				\
})

/* Read a global exactly once: the host may change it at any time. */
#define KTSTR_READ_ONCE(x) (*(volatile typeof(x) *)&(x))

#endif
