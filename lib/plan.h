/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plan: a scenario resolved for ktstr-init (format: man/ktstr-init.1),
 * written by the host into the initramfs and read back by ktstr-init in the
 * guest; and what ktstr-init and an agent it starts agree on.
 */
#ifndef KTSTR_PLAN_H
#define KTSTR_PLAN_H

#include <stddef.h>
#include <stdio.h>

struct scenario;

/* Where ktstr-init finds it in the guest. */
#define PLAN_PATH "/ktstr/plan"
#define PLAN_MAX_ARGS 64
/* How long ktstr-init waits for sched_ext and for an agent, unless the plan says. */
#define PLAN_WAIT_MS 30000

/* An agent prints this line once ready; ktstr-init starts the scheduler only then. */
#define PLAN_AGENT_READY "KTSTR_AGENT_READY"
/*
 * An agent that still has probes to attach once the scheduler is loaded
 * (ktstr-probe-agent: the struct_ops programs) creates this file before its
 * ready line and removes it when done; sys_rdy waits for that.
 */
#define PLAN_AGENT_ATTACHING "/ktstr/agent-attaching"

/* What the host adds to the scenario's own fields. */
struct plan_extra {
	char *const *sched_args;	/* arguments before the scenario's own, or NULL */
	const char *sched_libpath;	/* its libraries' folders, ':'-separated, or NULL */
	const char *agent;		/* guest path of a probe agent, or NULL */
	char *const *agent_args;	/* NULL-terminated, may be NULL */
	long agent_ready_ms;		/* wait for its ready line this long */
	long attach_timeout_ms;		/* wait for sched_ext enabled this long */
};
/* The scenario's plan, with the scheduler's path inside the guest (NULL for eevdf). 0 or -EIO. */
int plan__write(const struct scenario *s, const char *sched_guest_path, const struct plan_extra *x, FILE *f);

/* ---- as ktstr-init reads it ---- */

struct plan_cgroup {
	char name[80];
	char work_type[32];
	int workers;
	char cpuset[128];	/* "" for all CPUs */
};

struct plan_step {
	long hold_ms;
	char offline[128];	/* CPUs to take offline during the step, "" for none */
	struct plan_cgroup *cgroups;
	int ncgroups;
};

struct plan {
	char name[160];
	int cpus;
	long watchdog_ms;
	char *scheduler;	/* NULL: eevdf */
	char *sched_argv[PLAN_MAX_ARGS + 2];
	int sched_argc;
	char *sched_libpath;	/* LD_LIBRARY_PATH of the scheduler, or NULL */
	long attach_timeout_ms;
	char *agent;
	char *agent_argv[PLAN_MAX_ARGS + 2];
	int agent_argc;
	long agent_ready_ms;
	struct plan_step *steps;
	int nsteps;
};

/* 0, or -errno with err "path:line: what". */
int plan__load(struct plan *p, const char *path, char *err, size_t errlen);

#endif
