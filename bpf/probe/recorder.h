/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktstr-probe-agent's per-task history: copies of the latest few records of
 * every task, read from the flight recorder (flight.c) while the scenario
 * runs. The flight recorder's window of a busy guest covers well under a
 * second; a stalled task's last calls (its enqueue seconds before the
 * watchdog fired) are the ones a stall needs, so each task keeps its own.
 */
#ifndef KTSTR_PROBE_RECORDER_H
#define KTSTR_PROBE_RECORDER_H

#include <stddef.h>
#include <linux/types.h>

#define RECORDER_PER_TASK	32	/* records kept per task beyond the window */
#define RECORDER_TASKS		4096	/* tasks tracked; later ones only in the window */

/* 0 or -ENOMEM; rec_max: the largest record's bytes. */
int recorder__init(size_t rec_max);
/*
 * Where the next record of task (its task argument, else current) goes: len
 * bytes, from place pos of cpu's ring; NULL if it cannot be kept. The copy
 * counts once recorder__commit() says it is whole (the ring may have
 * overwritten the record while it was copied: then another prepare just
 * reuses the place).
 */
void *recorder__prepare(__u64 task, size_t len, int cpu, __u64 pos);
void recorder__commit(void);
/*
 * Each copy once whose record has left the window (its place is below
 * window_start[its cpu]): those still in it are printed from there. The
 * count printed.
 */
long recorder__drain(void (*fn)(const void *data, size_t len), const __u64 *window_start, int ncpu);
void recorder__free(void);

#endif
