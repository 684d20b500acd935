/* SPDX-License-Identifier: GPL-2.0 */
/* ktstr-tail: internal interfaces. */
#ifndef KTSTR_TAIL_H
#define KTSTR_TAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strtab.h"

/* Distinct lines are interned in a struct strtab; a log is an array of ids. */

/* Periods longer than this many lines are not searched (keeps O(n)). */
#define COLLAPSE_MAX_PERIOD 256
#define COLLAPSE_MAX_DEPTH 16

/* A line to collapse: compared by key (its text without a printk time
 * stamp), printed as text. */
struct centry {
	uint32_t key, text;
};

/*
 * Replace every block of lines repeated 3 times or more in a row by the
 * first iteration, "--- N identical iterations omitted ---" and the last,
 * again until nothing repeats or COLLAPSE_MAX_DEPTH passes (nested loops).
 * e is rewritten in place; returns the new count, or -ENOMEM.
 */
long collapse__run(struct strtab *t, struct centry *e, size_t n);

/* Length of a leading printk time stamp "[    6.069472] " in s, else 0. */
size_t dump__stamp_len(const char *s, size_t n);

/* Which lines belong to the sched_ext debug dump. */
enum dump_class {
	LINE_OTHER,
	LINE_DUMP,		/* a dump line as printed by the scheduler or console */
	LINE_DUMP_TRACE,	/* a trace_pipe "sched_ext_dump: " event: text at skip */
};

struct dump_scan {
	int state;
	bool prev_header;	/* the previous line was "<sched>: root" */
};

/*
 * Classify the next line (sanitized text). *skip is where the dump text
 * starts for LINE_DUMP_TRACE. *prev_too is set when the previous line (a
 * "<sched>: root" header) turns out to open the dump.
 */
enum dump_class dump__classify(struct dump_scan *s, const char *line, size_t len, size_t *skip,
			       bool *prev_too);

#endif
