/* SPDX-License-Identifier: GPL-2.0 */
/* ktstr-init: the guest's PID 1. Shared declarations of its parts. */
#ifndef KTSTR_INIT_H
#define KTSTR_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PLAN_PATH "/ktstr/plan"
#define MAX_PLAN_ARGS 64

struct plan_cgroup {
	char name[80];
	char work_type[32];
	int workers;
	char cpuset[128];	/* "" for all CPUs */
};

struct plan_step {
	long hold_ms;
	struct plan_cgroup *cgroups;
	int ncgroups;
};

struct plan {
	char name[160];
	int cpus;
	long watchdog_ms;
	char *scheduler;	/* NULL: eevdf */
	char *sched_argv[MAX_PLAN_ARGS + 2];
	int sched_argc;
	long attach_timeout_ms;
	char *agent;
	char *agent_argv[MAX_PLAN_ARGS + 2];
	int agent_argc;
	long agent_ready_ms;
	struct plan_step *steps;
	int nsteps;
};

/* plan.c */
int plan__load(const char *path, struct plan *p, char *err, size_t errlen);

/* timeline.c: one line on the console and a CH_EVENT frame on the channel. */
void tl__set_channel(int fd);
void tl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double tl__now(void);

/* work.c: the worker processes of one step. */
struct step_run;
int step__start(const struct plan_step *st, int ncpus, struct step_run **out);
/* Note that pid was reaped. Returns true when it was one of the step's workers. */
bool step__reaped(struct step_run *r, pid_t pid, int status);
/* Kill the workers, reap them, log progress, remove the cgroups. */
void step__stop(struct step_run *r, int idx);
int cgroups__setup(void);

/* proc.c: fork; the child starts with no signal blocked. */
pid_t proc__fork(void);

/* sysfs.c: write s into a kernel knob. 0 or -errno. */
int sysfs__write(const char *path, const char *s);

/* mapwrite.c: write value at offset of key 0 of the newest map named *suffix. */
int map_write(const char *suffix, long offset, int size, uint64_t value, char *msg, size_t msglen);

#endif
