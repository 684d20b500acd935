// SPDX-License-Identifier: GPL-2.0
/* The targets file of ktstr-btfres: enum tables, parameters, fields, decoders. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "stitch.h"

static int param_load(struct tparam *p, const json_t *j, int pos)
{
	const json_t *fields = json_object_get(j, "fields");
	size_t i;

	p->index = (int)json__int(j, "index", pos);
	p->name = json__str(j, "name", NULL);
	p->ptr = json__bool(j, "ptr", 0);
	p->struct_name = json__str(j, "struct", NULL);
	p->dec = decoder__parse(json__str(j, "decoder", NULL));
	p->size = (unsigned)json__int(j, "size", 8);
	if (!json_is_array(fields) || !json_array_size(fields))
		return 0;
	p->fields = calloc(json_array_size(fields), sizeof(*p->fields));
	if (!p->fields)
		return -ENOMEM;
	for (i = 0; i < json_array_size(fields); i++) {
		const json_t *f = json_array_get(fields, i);
		const char *name = json__str(f, "name", NULL);

		if (!name)
			continue;
		p->fields[p->nfields].name = name;
		p->fields[p->nfields].dec = decoder__parse(json__str(f, "decoder", NULL));
		p->fields[p->nfields].size = (unsigned)json__int(f, "size", 8);
		p->nfields++;
	}
	if (!p->struct_name) {
		/* "struct rq *" → "rq": the header line names the struct. */
		const char *type = json__str(j, "type", NULL);

		p->struct_name = type;
	}
	return 0;
}

static int target_load(struct target *t, const json_t *j)
{
	const json_t *params = json_object_get(j, "params");
	size_t i;
	int err;

	t->name = json__str(j, "name", NULL);
	t->kind = json__str(j, "kind", NULL);
	t->source = json__str(j, "source", NULL);
	t->task_param = (int)json__int(j, "task_param", -1);
	t->ret_dec = decoder__parse(json__str(json_object_get(j, "ret"), "decoder", NULL));
	t->ret_size = (unsigned)json__int(json_object_get(j, "ret"), "size", 8);
	t->ret_struct = json__str(json_object_get(j, "ret"), "struct", NULL);
	if (!json_is_array(params))
		return 0;
	t->params = calloc(json_array_size(params) + 1, sizeof(*t->params));
	if (!t->params)
		return -ENOMEM;
	for (i = 0; i < json_array_size(params); i++) {
		const json_t *p = json_array_get(params, i);

		/* A parameter without a name cannot be shown: not loaded at all. */
		if (!json_is_object(p) || !json__str(p, "name", NULL))
			continue;
		err = param_load(&t->params[t->nparams], p, (int)i);
		if (err)
			return err;
		t->nparams++;
	}
	return 0;
}

int targets__load(struct targets *tg, const char *path, char *msg, size_t msgsz)
{
	struct jsonl_reader r;
	json_t *rec;
	int err;

	memset(tg, 0, sizeof(*tg));
	if (msgsz)
		msg[0] = '\0';
	if (!path)
		return 0;
	tg->recs = json_array();
	if (!tg->recs)
		return -ENOMEM;
	err = jsonl_reader__open(&r, path);
	if (err) {
		snprintf(msg, msgsz, "%s: %s", path, strerror(-err));
		return err;
	}
	while ((err = jsonl_reader__next(&r, &rec)) > 0) {
		const char *kind = json__str(rec, "kind", "");

		json_array_append_new(tg->recs, rec);
		if (!strcmp(kind, "enums")) {
			tg->enums = json_object_get(rec, "enums");
			if (!json_is_object(tg->enums)) {
				snprintf(msg, msgsz, "%s:%lu: \"enums\" is not an object", path,
					 r.lr.lineno);
				err = -EINVAL;
				break;
			}
		}
	}
	if (err < 0 && !msg[0])
		snprintf(msg, msgsz, "%s", r.msg);
	jsonl_reader__close(&r);
	if (err < 0)
		return err;

	tg->t = calloc(json_array_size(tg->recs) + 1, sizeof(*tg->t));
	if (!tg->t)
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(tg->recs); i++) {
		const json_t *j = json_array_get(tg->recs, i);
		const char *kind = json__str(j, "kind", "");

		/* Unresolved functions ({"name":..,"error":..}) have nothing to decode. */
		if (strcmp(kind, "kernel") && strcmp(kind, "bpf"))
			continue;
		if (!json__str(j, "name", NULL) || json_object_get(j, "error"))
			continue;
		err = target_load(&tg->t[tg->n], j);
		tg->n++;
		if (err) {
			snprintf(msg, msgsz, "out of memory");
			return err;
		}
	}
	return 0;
}

const struct target *targets__find(const struct targets *tg, const char *name)
{
	size_t i;

	for (i = 0; i < tg->n; i++)
		if (!strcmp(tg->t[i].name, name))
			return &tg->t[i];
	return NULL;
}

void targets__free(struct targets *tg)
{
	size_t i, j;

	for (i = 0; i < tg->n; i++) {
		for (j = 0; j < tg->t[i].nparams; j++)
			free(tg->t[i].params[j].fields);
		free(tg->t[i].params);
	}
	free(tg->t);
	json_decref(tg->recs);
	memset(tg, 0, sizeof(*tg));
}
