// SPDX-License-Identifier: GPL-2.0
/*
 * Both ends of the plan (format: man/ktstr-init.1): the host writes it from
 * the scenario into the initramfs, ktstr-init reads it back in the guest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "scenario.h"

/* ---- the host's side ---- */

int plan__write(const struct scenario *s, const char *sched_guest_path, const struct plan_extra *x, FILE *f)
{
	size_t i, j;

	fprintf(f, "# ktstr plan 1\nname %s\n", s->name);
	fprintf(f, "cpus %d\n", topology__cpus(&s->topo));
	fprintf(f, "watchdog_ms %ld\n", s->watchdog_ms);
	if (sched_guest_path) {
		fprintf(f, "scheduler %s\n", sched_guest_path);
		for (i = 0; x && x->sched_args && x->sched_args[i]; i++)
			fprintf(f, "scheduler_arg %s\n", x->sched_args[i]);
		for (i = 0; s->sched_args && s->sched_args[i]; i++)
			fprintf(f, "scheduler_arg %s\n", s->sched_args[i]);
		if (x && x->sched_libpath && *x->sched_libpath)
			fprintf(f, "scheduler_libpath %s\n", x->sched_libpath);
	}
	if (x && x->attach_timeout_ms)
		fprintf(f, "attach_timeout_ms %ld\n", x->attach_timeout_ms);
	if (x && x->agent) {
		fprintf(f, "agent %s\n", x->agent);
		for (i = 0; x->agent_args && x->agent_args[i]; i++)
			fprintf(f, "agent_arg %s\n", x->agent_args[i]);
		fprintf(f, "agent_ready_ms %ld\n", x->agent_ready_ms ? x->agent_ready_ms : PLAN_WAIT_MS);
	}
	for (i = 0; i < s->nsteps; i++) {
		const struct scn_step *st = &s->steps[i];

		fprintf(f, "step %ld\n", st->hold_ms);
		if (st->offline)
			fprintf(f, "offline %s\n", st->offline);
		for (j = 0; j < st->ncgroups; j++) {
			const struct scn_cgroup *cg = &st->cgroups[j];

			fprintf(f, "cgroup %s %s %d %s\n", cg->name, work_type__name(cg->work_type), cg->workers,
				cg->cpuset ? cg->cpuset : "-");
		}
	}
	fprintf(f, "end\n");
	return ferror(f) ? -EIO : 0;
}

/* ---- the guest's side ---- */

static int add_arg(char **argv, int *argc, const char *s)
{
	if (*argc >= PLAN_MAX_ARGS)
		return -E2BIG;
	argv[++*argc] = strdup(s);	/* argv[0] is the program */
	return argv[*argc] ? 0 : -ENOMEM;
}

/* The plan's times in milliseconds, by key; NULL for any other key. */
static long *ms_field(struct plan *p, const char *key)
{
	if (!strcmp(key, "watchdog_ms"))
		return &p->watchdog_ms;
	if (!strcmp(key, "attach_timeout_ms"))
		return &p->attach_timeout_ms;
	if (!strcmp(key, "agent_ready_ms"))
		return &p->agent_ready_ms;
	return NULL;
}

int plan__load(struct plan *p, const char *path, char *err, size_t errlen)
{
	char line[4096];
	struct plan_step *st = NULL;
	int lineno = 0, ret = 0;
	FILE *f;

	memset(p, 0, sizeof(*p));
	p->attach_timeout_ms = PLAN_WAIT_MS;
	p->agent_ready_ms = PLAN_WAIT_MS;
	p->cpus = 1;
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *val, *nl = strchr(line, '\n');
		long *ms;

		lineno++;
		if (nl)
			*nl = '\0';
		if (!*line || *line == '#')
			continue;
		val = strchr(line, ' ');
		if (val)
			*val++ = '\0';
		else
			val = line + strlen(line);
		if (!strcmp(line, "name")) {
			snprintf(p->name, sizeof(p->name), "%s", val);
		} else if (!strcmp(line, "cpus")) {
			p->cpus = atoi(val);
		} else if ((ms = ms_field(p, line))) {
			*ms = atol(val);
		} else if (!strcmp(line, "scheduler")) {
			p->scheduler = strdup(val);
			p->sched_argv[0] = p->scheduler;
		} else if (!strcmp(line, "scheduler_arg")) {
			ret = add_arg(p->sched_argv, &p->sched_argc, val);
		} else if (!strcmp(line, "scheduler_libpath")) {
			free(p->sched_libpath);
			p->sched_libpath = strdup(val);
			if (!p->sched_libpath)
				ret = -ENOMEM;
		} else if (!strcmp(line, "agent")) {
			p->agent = strdup(val);
			p->agent_argv[0] = p->agent;
		} else if (!strcmp(line, "agent_arg")) {
			ret = add_arg(p->agent_argv, &p->agent_argc, val);
		} else if (!strcmp(line, "step")) {
			struct plan_step *ns = realloc(p->steps, (p->nsteps + 1) * sizeof(*ns));

			if (!ns) {
				ret = -ENOMEM;
				break;
			}
			p->steps = ns;
			st = &p->steps[p->nsteps++];
			memset(st, 0, sizeof(*st));
			st->hold_ms = atol(val);
		} else if (!strcmp(line, "offline") && st) {
			if (strlen(val) >= sizeof(st->offline)) {
				snprintf(err, errlen, "%s:%d: bad offline line", path, lineno);
				ret = -EINVAL;
				break;
			}
			snprintf(st->offline, sizeof(st->offline), "%s", val);
		} else if (!strcmp(line, "cgroup") && st) {
			struct plan_cgroup *cg, *nc = realloc(st->cgroups, (st->ncgroups + 1) * sizeof(*nc));

			if (!nc) {
				ret = -ENOMEM;
				break;
			}
			st->cgroups = nc;
			cg = &st->cgroups[st->ncgroups];
			memset(cg, 0, sizeof(*cg));
			if (sscanf(val, "%79s %31s %d %127s", cg->name, cg->work_type, &cg->workers, cg->cpuset) != 4) {
				snprintf(err, errlen, "%s:%d: bad cgroup line", path, lineno);
				ret = -EINVAL;
				break;
			}
			if (!strcmp(cg->cpuset, "-"))
				cg->cpuset[0] = '\0';
			st->ncgroups++;
		} else if (!strcmp(line, "end")) {
			break;
		} else {
			snprintf(err, errlen, "%s:%d: unknown plan line '%s'", path, lineno, line);
			ret = -EINVAL;
			break;
		}
		if (ret) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, strerror(-ret));
			break;
		}
	}
	fclose(f);
	return ret;
}
