/* SPDX-License-Identifier: GPL-2.0 */
/* ktstr-probe: targets → probe plan, and the agent's stream → events. */
#ifndef KTSTR_PROBE_TOOL_H
#define KTSTR_PROBE_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

/* The plan's limits are the BPF side's (the agent checks the plan again). */
#include "probe_abi.h"

struct pfield {
	const char *param;	/* parameter name (key in "fields") */
	const char *name;
	int arg, size, out;
	long long offset, deref;	/* deref -1: none */
	bool str;
};

struct ptarget {
	const char *name;	/* as the events name it */
	const char *attach;	/* kernel function or BPF program to attach to */
	bool bpf, packed;
	bool has_ret;		/* not void: fexit records the return value */
	int nargs, task_param, nfields;
	struct pfield f[PROBE_MAX_FIELDS];
};

struct probe_plan {
	json_t *recs;		/* keeps the strings alive */
	struct ptarget t[PROBE_MAX_TARGETS];
	int n;
	json_t *notes;		/* array of strings: what was left out and why */
	bool has_enums;
};

/* The targets of ktstr-btfres at path. 0, or -EINVAL with err "file:line: what", or -errno. */
int probe_plan__load(struct probe_plan *p, const char *path, char *err, size_t errlen);
/* The agent's plan (read by bpf/probe/plan.c). 0 or -EIO. */
int probe_plan__write(const struct probe_plan *p, FILE *f);
void probe_plan__free(struct probe_plan *p);

struct conv {
	const struct probe_plan *plan;
	json_t *meta;		/* filled: attach results, timings, stats */
	json_t *hits;		/* array of hit records, in entry order */
	json_t *triggers;	/* array */
	json_t *progs;		/* array: the struct_ops programs the agent found ("prog" records) */
	const char *disc[PROBE_MAX_TARGETS];	/* a template's program name, once found (in progs) */
	bool ready;		/* the stream had records (the agent came up) */
	long bad_lines;
	bool cut;		/* its last line is unended and not a record: the stream was cut off */
};

/* Read the agent's stream (untrusted). 0 or -errno (unreadable). */
int conv__read(struct conv *c, const char *path);
void conv__free(struct conv *c);

#endif
