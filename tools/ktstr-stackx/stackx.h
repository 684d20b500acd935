/* SPDX-License-Identifier: GPL-2.0 */
/* ktstr-stackx internals: the function lists and the scanner of one input. */
#ifndef KTSTR_STACKX_H
#define KTSTR_STACKX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"

/* Where a frame was seen; the lower tier wins (see ktstr-stackx(1)). */
enum tier {
	TIER_EXIT,	/* the sched_ext exit backtrace */
	TIER_CALL,	/* a kernel "Call Trace:" (oops, warning) */
	TIER_LOOSE,	/* frames under no header */
	TIER_N,
};

struct fn {
	char *name;	/* short name */
	char *raw;	/* the symbol as printed */
	bool bpf;
	bool generic;	/* in the generic-function table: never printed */
};

/* Functions in first-seen order, each name once. */
struct fnlist {
	struct fn *v;
	size_t n, cap;
	uint32_t *slots;	/* open addressing: index + 1 into v, 0 = free */
	size_t nslots;
	size_t kept;		/* entries that are not generic */
};

/* Add f unless its name is already there. Returns 0 or -ENOMEM. */
int fnlist__add(struct fnlist *l, const struct frame *f);
void fnlist__release(struct fnlist *l);

/* Read one input (path, or "-" for stdin) into the tiers. 0 or -errno. */
int scan__file(const char *path, struct fnlist tiers[TIER_N]);

#endif
