// SPDX-License-Identifier: GPL-2.0
/*
 * The targets of ktstr-btfres (man/ktstr-btfres.1) flattened into the probe
 * plan the agent reads: per target its attach name, argument count and the
 * fields to read, each with its place in the record's data area.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "probe.h"

static bool plain_name(const char *s)
{
	size_t i;

	if (!s || !*s || strlen(s) > 127)
		return false;
	for (i = 0; s[i]; i++)
		if (!(s[i] == '_' || s[i] == '.' || (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

static void note(struct probe_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct probe_plan *p, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(p->notes, json_string(buf));
}

/* One record. -EINVAL with err for a malformed one. */
static int add_target(struct probe_plan *p, json_t *rec, const char *where, char *err, size_t errlen)
{
	const char *kind = json__str(rec, "kind", NULL), *name = json__str(rec, "name", NULL);
	json_t *params = json_object_get(rec, "params"), *prm;
	struct ptarget *t;
	size_t i, k;
	int out = 0;

	if (!json_is_object(rec)) {
		snprintf(err, errlen, "%s: not a JSON object", where);
		return -EINVAL;
	}
	if (json_object_get(rec, "error"))
		return 0;	/* an unresolved name: ktstr-btfres said why */
	if (kind && !strcmp(kind, "enums")) {
		p->has_enums = true;
		return 0;
	}
	if (!kind || (strcmp(kind, "kernel") && strcmp(kind, "bpf"))) {
		snprintf(err, errlen, "%s: kind: expected kernel, bpf or enums", where);
		return -EINVAL;
	}
	if (!name || !*name) {
		snprintf(err, errlen, "%s: name: missing", where);
		return -EINVAL;
	}
	if (params && !json_is_array(params)) {
		snprintf(err, errlen, "%s: params: not an array", where);
		return -EINVAL;
	}
	if (p->n >= PROBE_MAX_TARGETS) {
		note(p, "%s: more than %d targets, left out", name, PROBE_MAX_TARGETS);
		return 0;
	}
	t = &p->t[p->n];
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->bpf = !strcmp(kind, "bpf");
	t->attach = t->bpf ? json__str(rec, "attach", name) : name;
	if (!plain_name(t->attach)) {
		note(p, "%s: attach name '%s' is not a C identifier, left out", name, t->attach);
		return 0;
	}
	/* A struct_ops program's own signature is (u64 *ctx): the args are behind it. */
	t->packed = t->bpf && json_is_string(json_object_get(rec, "op"));
	t->has_ret = json_is_object(json_object_get(rec, "ret"));
	t->task_param = json__int(rec, "task_param", -1);
	if (t->task_param < -1 || t->task_param >= PROBE_MAX_ARGS)
		t->task_param = -1;
	t->nargs = params ? (int)json_array_size(params) : 0;
	if (t->nargs > PROBE_MAX_ARGS) {
		note(p, "%s: only the first %d arguments are recorded", name, PROBE_MAX_ARGS);
		t->nargs = PROBE_MAX_ARGS;
	}
	json_array_foreach(params, i, prm) {
		json_t *fields = json_object_get(prm, "fields"), *fl;
		long long idx = json__int(prm, "index", (long long)i);
		const char *pname = json__str(prm, "name", NULL);

		if (!json_is_object(prm) || !pname) {
			snprintf(err, errlen, "%s: params[%zu]: expected an object with a name", where, i);
			return -EINVAL;
		}
		if (!fields)
			continue;
		if (!json_is_array(fields)) {
			snprintf(err, errlen, "%s: params[%zu].fields: not an array", where, i);
			return -EINVAL;
		}
		if (idx < 0 || idx >= t->nargs)
			continue;
		json_array_foreach(fields, k, fl) {
			const char *fname = json__str(fl, "name", NULL), *dec = json__str(fl, "decoder", "");
			long long off = json__int(fl, "offset", -1), size = json__int(fl, "size", -1);
			json_t *dj = json_object_get(fl, "deref");
			struct pfield *f;

			if (!fname || off < 0 || off > 0xffffffffLL || size <= 0 ||
			    (dj && (!json_is_integer(dj) || json_integer_value(dj) < 0 ||
				    json_integer_value(dj) > 0xffffffffLL))) {
				snprintf(err, errlen, "%s: params[%zu].fields[%zu]: expected name, offset, size (and deref) "
					 "as non-negative integers", where, i, k);
				return -EINVAL;
			}
			if (!strcmp(dec, "string") && size > PROBE_FIELD_MAX)
				size = PROBE_FIELD_MAX;
			if (size > PROBE_FIELD_MAX) {
				note(p, "%s: field %s larger than %d bytes, left out", name, fname, PROBE_FIELD_MAX);
				continue;
			}
			if (t->nfields >= PROBE_MAX_FIELDS || out + size > PROBE_DATA_MAX) {
				note(p, "%s: field %s over the record's room, left out", name, fname);
				continue;
			}
			f = &t->f[t->nfields++];
			f->param = pname;
			f->name = fname;
			f->arg = idx;
			f->size = size;
			f->out = out;
			f->offset = off;
			f->deref = dj ? json_integer_value(dj) : -1;
			f->str = !strcmp(dec, "string");
			out += size;
		}
	}
	p->n++;
	return 0;
}

int probe_plan__load(struct probe_plan *p, const char *path, char *err, size_t errlen)
{
	struct jsonl_reader r;
	char where[600];
	json_t *rec;
	int ret;

	memset(p, 0, sizeof(*p));
	*err = '\0';
	p->recs = json_array();
	p->notes = json_array();
	ret = jsonl_reader__open(&r, path);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	while ((ret = jsonl_reader__next(&r, &rec)) > 0) {
		json_array_append_new(p->recs, rec);
		snprintf(where, sizeof(where), "%s:%lu", path, r.lr.lineno);
		ret = add_target(p, rec, where, err, errlen);
		if (ret)
			break;
	}
	if (ret < 0 && !*err)
		snprintf(err, errlen, "%s", r.msg);
	jsonl_reader__close(&r);
	if (!ret && !p->n) {
		snprintf(err, errlen, "%s: no probe target (every record is an error or enums)", path);
		ret = -EINVAL;
	}
	return ret < 0 ? ret : 0;
}

int probe_plan__write(const struct probe_plan *p, FILE *f)
{
	int i, k;

	fprintf(f, PROBE_PLAN_MAGIC " 1\n");
	if (p->has_kf)
		kfacts__write(&p->kf, f);
	for (i = 0; i < p->n; i++) {
		const struct ptarget *t = &p->t[i];

		fprintf(f, "target %d %s %d %d %d %s\n", i, t->bpf ? "bpf" : "kernel", t->nargs, t->packed,
			t->task_param, t->attach);
		for (k = 0; k < t->nfields; k++)
			fprintf(f, "field %d %d %lld %lld %d %d %d\n", i, t->f[k].arg, t->f[k].offset, t->f[k].deref,
				t->f[k].size, t->f[k].str, t->f[k].out);
	}
	return ferror(f) ? -EIO : 0;
}

void probe_plan__free(struct probe_plan *p)
{
	json_decref(p->recs);
	json_decref(p->notes);
	p->recs = p->notes = NULL;
}
