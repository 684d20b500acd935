/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checks a passing run must pass ("not crashing is not passing"): the
 * guest's per-worker measurements, the "step N worker CGROUP/I: ..." stages
 * of ktstr-init (man/ktstr-init.1), against the scenario's limits
 * (man/ktstr-scenario.5, checks). Format of the results: man/ktstr-boot.1.
 */
#ifndef KTSTR_CHECKS_H
#define KTSTR_CHECKS_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

enum check_kind { CHECK_STARVATION, CHECK_GAP, CHECK_FAIRNESS, CHECK_CPUSET, CHECK__COUNT };

struct check {
	const char *name;	/* "starvation", "gap", "fairness", "cpuset" */
	double value, limit;	/* ok is value <= limit */
	bool count;		/* value and limit are counts (of workers), not ms or % */
	bool ok;
	char detail[256];	/* the worst worker or cgroup, and where */
	char reason[400];	/* "check failed: ..." when not ok */
};

/* The fairness limit of a cgroup in percent, or -1 when it is not checked. */
int checks__fairness_limit(const struct scn_checks *c, enum work_type wt, int workers);

/*
 * Every enabled check over the timeline stages (in order). out (room for
 * CHECK__COUNT) gets one entry per check that had something to measure, in
 * the order of enum check_kind; *nout their number. 0 or -ENOMEM.
 */
int checks__run(const struct scenario *s, const char *const *stages, size_t nstages, struct check *out,
		size_t *nout);

#endif
