// SPDX-License-Identifier: GPL-2.0
/*
 * The probe plan ktstr-probe wrote (tools/ktstr-probe/targets.c): one
 * "target" line per probe and a "field" line per struct field it reads,
 * checked against the limits of the BPF side (lib/probe_abi.h). The fields
 * are read by fewer, larger reads than one each (reads.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "agent.h"

/* A plan target named so stands for whatever program implements ops.OP. */
#define OP_TEMPLATE "ops."

struct target tg[PROBE_MAX_TARGETS];
int ntg;
struct kfacts plan_kfacts;
bool plan_has_kfacts;

int probe_plan__read(const char *path)
{
	char line[512], kind[16], name[128];
	FILE *f = fopen(path, "re");
	int lineno = 0, ret = 0;

	if (!f) {
		error("%s: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		struct target *t;
		struct field fl;
		int idx, str, kl;

		lineno++;
		if (line[0] == '#' || line[0] == '\n' || !strncmp(line, PROBE_PLAN_MAGIC " ", strlen(PROBE_PLAN_MAGIC) + 1))
			continue;
		kl = kfacts__parse(line, &plan_kfacts);
		if (kl < 0)
			goto bad;
		if (kl) {
			plan_has_kfacts = true;
		} else if (sscanf(line, "target %d %15s %d %d %d %127s", &idx, kind, &(int){ 0 }, &(int){ 0 },
			   &(int){ 0 }, name) == 6) {
			if (idx != ntg || idx >= PROBE_MAX_TARGETS)
				goto bad;
			t = &tg[ntg++];
			sscanf(line, "target %d %15s %d %d %d %127s", &idx, kind, &t->nargs, &t->packed,
			       &t->task_param, t->name);
			t->bpf = !strcmp(kind, "bpf");
			if (t->bpf && !strncmp(t->name, OP_TEMPLATE, strlen(OP_TEMPLATE))) {
				size_t n = strlen(t->name + strlen(OP_TEMPLATE));

				t->tmpl = true;
				n = n < sizeof(t->op) ? n : sizeof(t->op) - 1;
				memcpy(t->op, t->name + strlen(OP_TEMPLATE), n);
				t->op[n] = '\0';
			} else {
				memcpy(t->attach, t->name, sizeof(t->attach));
			}
			if (t->nargs < 0 || t->nargs > PROBE_MAX_ARGS)
				t->nargs = PROBE_MAX_ARGS;
		} else if (sscanf(line, "field %d %d %ld %ld %d %d %d", &idx, &fl.arg, &fl.offset, &fl.deref,
				  &fl.size, &str, &fl.out) == 7) {
			if (idx < 0 || idx >= ntg || tg[idx].nfields >= PROBE_MAX_FIELDS || fl.arg < 0 ||
			    fl.arg >= PROBE_MAX_ARGS || fl.size <= 0 || fl.size > PROBE_FIELD_MAX || fl.out < 0 ||
			    fl.out + fl.size > PROBE_DATA_MAX || fl.offset < 0 || fl.offset > 0xffffffffL ||
			    fl.deref > 0xffffffffL)
				goto bad;
			fl.str = str;
			tg[idx].f[tg[idx].nfields++] = fl;
			if (fl.out + fl.size > tg[idx].data_len)
				tg[idx].data_len = fl.out + fl.size;
		} else {
			goto bad;
		}
	}
	fclose(f);
	for (int i = 0; i < ntg; i++)
		probe_reads__plan(&tg[i]);
	return ret;
bad:
	error("%s:%d: bad plan line", path, lineno);
	fclose(f);
	return -EINVAL;
}

static void read_cfg(const struct read *r, struct probe_read *c)
{
	c->offset = r->offset;
	c->deref = r->deref >= 0 ? r->deref : 0;
	c->out = r->out;
	c->size = r->size;
	c->fields = r->fields;
	c->arg = r->arg;
	c->flags = (r->deref >= 0 ? PROBE_READ_DEREF : 0) | (r->str ? PROBE_READ_STR : 0) |
		   (r->split ? PROBE_READ_SPLIT : 0);
}

void probe_plan__target_cfg(const struct target *t, struct probe_target *c)
{
	int k;

	memset(c, 0, sizeof(*c));
	c->nargs = t->nargs;
	c->packed = t->packed;
	c->task_param = t->task_param;
	c->is_bpf = t->bpf;
	c->nfields = t->nfields;
	c->nreads = t->nreads;
	for (k = 0; k < t->nreads; k++)
		read_cfg(&t->r[k], &c->r[k]);
	/* Then each field alone, where its read puts it: for when that read misses it. */
	for (k = 0; k < t->nfields; k++) {
		const struct field *f = &t->f[k];
		struct read alone = { .arg = f->arg, .size = f->size, .out = f->out, .offset = f->offset,
				      .deref = f->deref, .str = f->str, .fields = 1u << k };

		read_cfg(&alone, &c->r[t->nreads + k]);
	}
	c->data_len = t->data_len;
}

unsigned int probe_plan__data_cap(void)
{
	unsigned int cap = 8;
	int i;

	for (i = 0; i < ntg; i++)
		while (cap < (unsigned int)tg[i].data_len && cap < PROBE_DATA_SZ)
			cap <<= 1;
	return cap;
}

bool probe_plan__any_bpf(void)
{
	int i;

	for (i = 0; i < ntg; i++)
		if (tg[i].bpf)
			return true;
	return false;
}
