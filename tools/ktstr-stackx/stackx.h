/* SPDX-License-Identifier: GPL-2.0 */
/* ktstr-stackx internals: the function lists and the scanner of one input. */
#ifndef KTSTR_STACKX_H
#define KTSTR_STACKX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "strtab.h"

/* Where a frame was seen; the lower tier wins (see ktstr-stackx(1)). */
enum tier {
	TIER_EXIT,	/* the sched_ext exit backtrace */
	TIER_CALL,	/* a kernel "Call Trace:" (oops, warning) */
	TIER_LOOSE,	/* frames under no header */
	TIER_N,
};

/* What is known of a function besides its short name. */
struct fn {
	size_t raw;	/* the symbol as printed: offset in fnlist.raws */
	bool bpf;
	bool generic;	/* in the generic-function table: never printed */
};

/* Functions in first-seen order, each name once: the id of a short name in
 * names indexes v. */
struct fnlist {
	struct strtab names;
	struct strbuf raws;	/* NUL-terminated symbols, one per entry */
	struct fn *v;
	size_t cap;
	size_t kept;		/* entries that are not generic */
};

/* Add f unless its name is already there. Returns 0 or -ENOMEM. */
int fnlist__add(struct fnlist *l, const struct frame *f);
void fnlist__free(struct fnlist *l);

/* Read one input (path, or "-" for stdin) into the tiers. 0 or -errno. */
int scan__file(const char *path, struct fnlist tiers[TIER_N]);

#endif
