/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test scenarios: the YAML format of man/ktstr-scenario.5, validated into a
 * struct (its values' own syntaxes: lib/topology.h, lib/duration.h,
 * lib/cpulist.h, lib/worktype.h). lib/plan.h hands it to ktstr-init.
 */
#ifndef KTSTR_SCENARIO_H
#define KTSTR_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topology.h"
#include "worktype.h"

struct scn_cgroup {
	char *name;
	enum work_type work_type;
	int workers;
	char *cpuset;		/* NULL: all CPUs */
	int line;
};

struct scn_step {
	struct scn_cgroup *cgroups;
	size_t ncgroups;
	long hold_ms;
	char *offline;		/* CPUs taken offline while the step runs, or NULL */
	int line;
};

struct scn_map_write {
	bool set;
	char *map;		/* name suffix, e.g. ".bss" */
	long offset;
	uint64_t value;
	int size;		/* bytes written: 1, 2, 4 or 8 */
	long after_ms;		/* counted from sys_rdy */
};

/*
 * The checks a passing run must pass (man/ktstr-scenario.5, checks): limits
 * the host applies to the guest's per-worker measurements (lib/checks.h).
 */
#define SCN_CHECK_OFF (-1)
#define SCN_FAIRNESS_PER_TYPE (-2)
#define SCN_GAP_MS_DEFAULT 2000

struct scn_checks {
	bool starvation;	/* every worker must make progress in every step */
	bool cpuset;		/* a worker runs only on its cgroup's cpuset */
	long gap_ms;		/* longest scheduling gap allowed, or SCN_CHECK_OFF */
	int fairness_pct;	/* CPU-time spread within a cgroup: a limit for all, */
				/* SCN_FAIRNESS_PER_TYPE or SCN_CHECK_OFF */
};

#define SCENARIO_EEVDF "eevdf"
/* attach_timeout's default and range: a large scheduler loads for long under TCG. */
#define SCN_ATTACH_TIMEOUT_MS 30000
#define SCN_ATTACH_TIMEOUT_MAX_MS (600L * 1000)

struct scenario {
	char *path;
	char *name;
	char *scheduler;	/* "eevdf", a name built from bpf/, or a path */
	char **sched_args;	/* extra arguments for the scheduler (NULL-terminated) */
	struct topology topo;
	long memory_mb;
	long duration_ms;
	long watchdog_ms;
	long attach_timeout_ms;	/* the guest's wait for the scheduler (and a probe agent) to come up */
	bool auto_repro;
	bool expect_err;
	struct scn_map_write map_write;
	struct scn_checks checks;
	struct scn_step *steps;
	size_t nsteps;
};

/*
 * Load and validate path. Returns 0 and *out, or a negative errno with err
 * holding "path:line: message" (-ENOENT etc. for an unreadable file,
 * -EINVAL for a bad scenario).
 */
int scenario__load(const char *path, struct scenario **out, char *err, size_t errlen);
void scenario__free(struct scenario *s);
/* Sum of the holds, in ms. */
long scenario__total_hold_ms(const struct scenario *s);

#endif
