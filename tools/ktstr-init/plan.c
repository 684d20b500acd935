// SPDX-License-Identifier: GPL-2.0
/* The plan ktstr-boot writes into the initramfs (format: man/ktstr-init.1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "init.h"

static int add_arg(char **argv, int *argc, const char *s)
{
	if (*argc >= MAX_PLAN_ARGS)
		return -E2BIG;
	argv[++*argc] = strdup(s);	/* argv[0] is the program */
	return argv[*argc] ? 0 : -ENOMEM;
}

int plan__load(const char *path, struct plan *p, char *err, size_t errlen)
{
	char line[4096];
	struct plan_step *st = NULL;
	int lineno = 0, ret = 0;
	FILE *f;

	memset(p, 0, sizeof(*p));
	p->attach_timeout_ms = 30000;
	p->agent_ready_ms = 30000;
	p->cpus = 1;
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *val, *nl = strchr(line, '\n');

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
		} else if (!strcmp(line, "watchdog_ms")) {
			p->watchdog_ms = atol(val);
		} else if (!strcmp(line, "scheduler")) {
			p->scheduler = strdup(val);
			p->sched_argv[0] = p->scheduler;
		} else if (!strcmp(line, "scheduler_arg")) {
			ret = add_arg(p->sched_argv, &p->sched_argc, val);
		} else if (!strcmp(line, "attach_timeout_ms")) {
			p->attach_timeout_ms = atol(val);
		} else if (!strcmp(line, "agent")) {
			p->agent = strdup(val);
			p->agent_argv[0] = p->agent;
		} else if (!strcmp(line, "agent_arg")) {
			ret = add_arg(p->agent_argv, &p->agent_argc, val);
		} else if (!strcmp(line, "agent_ready_ms")) {
			p->agent_ready_ms = atol(val);
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
