/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktstr-probe-agent's flight recorder: the latest records overall, and the
 * latest few of every task besides. The global window of a busy guest covers
 * well under a second; a stalled task's last calls (its enqueue seconds before
 * the watchdog fired) are the ones a stall needs, so each task keeps its own.
 */
#ifndef KTSTR_PROBE_RECORDER_H
#define KTSTR_PROBE_RECORDER_H

#include <stddef.h>
#include <linux/types.h>

#define RECORDER_PER_TASK	32	/* records kept per task beyond the window */
#define RECORDER_TASKS		4096	/* tasks tracked; later ones only in the window */

struct recorder_stats {
	long recorded;		/* records added */
	long capped;		/* left the global window */
	long queued;		/* in the window now */
	long kept;		/* out of the window, kept for their task */
};

/* 0 or -ENOMEM. */
int recorder__init(long max_events);
/* Copy a record of task (its task argument, else current). Thread-safe. */
void recorder__add(const void *data, size_t len, __u64 task);
/* Each record once: the window newest first, then those kept per task. Frees them. */
void recorder__drain(void (*fn)(const void *data, size_t len));
void recorder__stats(struct recorder_stats *st);
void recorder__free(void);

#endif
