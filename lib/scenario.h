/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test scenarios: the YAML format of man/ktstr-scenario.5, validated into a
 * struct, and the plain-text plan the host hands to ktstr-init in the guest.
 */
#ifndef KTSTR_SCENARIO_H
#define KTSTR_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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

struct topology {
	int nodes, llcs, cores, threads;	/* NnLlCcTt: llcs in total, cores per LLC */
};

/* 0 or -EINVAL. */
int topology__parse(const char *s, struct topology *t);
int topology__cpus(const struct topology *t);
/* "1n1l2c1t" into buf. */
void topology__format(const struct topology *t, char *buf, size_t len);

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

struct scenario {
	char *path;
	char *name;
	char *scheduler;	/* "eevdf", a name built from bpf/, or a path */
	char **sched_args;	/* extra arguments for the scheduler (NULL-terminated) */
	struct topology topo;
	long memory_mb;
	long duration_ms;
	long watchdog_ms;
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

/* Durations: "8s", "500ms", "1.5s", "2m". Returns 0 or -EINVAL. */
int duration__parse(const char *s, long *ms);

/*
 * The guest plan (format in man/ktstr-init.1): the scenario resolved for
 * ktstr-init, with the scheduler's path inside the guest (NULL for eevdf).
 */
struct plan_extra {
	char *const *sched_args;	/* arguments before the scenario's own, or NULL */
	const char *agent;		/* guest path of a probe agent, or NULL */
	char *const *agent_args;	/* NULL-terminated, may be NULL */
	long agent_ready_ms;		/* wait for its ready line this long */
	long attach_timeout_ms;		/* wait for sched_ext enabled this long */
};
int scenario__write_plan(const struct scenario *s, const char *sched_guest_path,
			 const struct plan_extra *x, FILE *f);

#endif
