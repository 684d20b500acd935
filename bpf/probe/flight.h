/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktstr-probe-agent's view of the flight recorder (record.bpf.h): each
 * CPU's ring of records, mapped, read twice: while the scenario runs, a
 * look every few milliseconds copies each new record into its task's
 * history (recorder.c); at the end, every record still in the rings.
 */
#ifndef KTSTR_PROBE_FLIGHT_H
#define KTSTR_PROBE_FLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct flight_stats {
	__u64 recorded;		/* records begun by the probes */
	__u64 capped;		/* overwritten in the rings */
	__u64 missed;		/* overwritten before the history copied them */
	long queued;		/* in the rings at the end */
	long kept;		/* out of the rings, printed from the per-task history */
};

/* The rings: base (ncpu * slots records of esz bytes), and the per-CPU head map. 0 or -errno. */
int flight__init(void *base, __u32 slots, size_t esz, int ncpu, int head_fd);
/* Copy what is new in the rings into the per-task history. */
void flight__scan(void);
/* Print every record: the rings' newest first, then the older ones of the per-task history. */
void flight__print(void (*fn)(const void *data, size_t len));
void flight__stats(struct flight_stats *st);
void flight__free(void);

#endif
