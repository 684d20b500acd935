/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The work types a scenario's cgroups run (man/ktstr-scenario.5): named so
 * in the scenario and in the plan, run so by ktstr-init's workers.
 */
#ifndef KTSTR_WORKTYPE_H
#define KTSTR_WORKTYPE_H

#include <stdbool.h>

enum work_type {
	WT_CPU_SPIN,
	WT_YIELD_HEAVY,
	WT_MIXED,
	WT_IO_SYNC,
	WT_BURSTY,
	WT_PIPE_IO,
	WT_FUTEX_PING_PONG,
	WT_FORK_EXIT,
	WT_NICE_SWEEP,
	WT_AFFINITY_CHURN,
	WT__COUNT,
};

/* "CpuSpin" ... ; NULL when out of range. */
const char *work_type__name(enum work_type wt);
/* -1 when unknown. */
int work_type__parse(const char *s);
/* Paired types run workers two by two (PipeIo, FutexPingPong). */
bool work_type__paired(enum work_type wt);

#endif
