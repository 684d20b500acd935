/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktstr-probe-agent: the struct_ops programs of the scheduler that is
 * loaded, found without knowing anything of it (spec step 3): which op each
 * program implements (from the sched_ext_ops map's value), its full name
 * (program BTF) and its source line (the line_info the kernel keeps).
 */
#ifndef KTSTR_PROBE_DISCOVER_H
#define KTSTR_PROBE_DISCOVER_H

#include <bpf/btf.h>
#include <linux/types.h>

struct found_prog {
	char op[48];		/* sched_ext_ops member, e.g. "enqueue" */
	char name[128];		/* the program's C function name */
	char source[160];	/* "scx_simple.bpf.c:44", or "" */
	__u32 id;
	int fd;			/* open; the caller closes it */
};

/*
 * vm: the kernel's BTF, vid its struct bpf_struct_ops_sched_ext_ops (the
 * value type of such maps, lib/kfacts.h). Fills up to max programs of every loaded
 * sched_ext_ops map; returns how many, or -errno.
 */
int discover__ops(const struct btf *vm, __u32 vid, struct found_prog *out, int max);

#endif
