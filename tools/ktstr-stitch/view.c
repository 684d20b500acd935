// SPDX-License-Identifier: GPL-2.0
/* One call made readable: parameters and fields decoded, entry vs exit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "stitch.h"
#include "text.h"

/* A copy safe to print: names may come from the events themselves. */
static char *safe_dup(const char *s)
{
	struct strbuf sb = { 0 };

	if (text__sanitize(&sb, s, strlen(s)) || (!sb.buf && strbuf__addstr(&sb, ""))) {
		strbuf__free(&sb);
		return NULL;
	}
	return sb.buf;
}

static int push(struct vcall *vc, int depth, bool header, const char *param, const char *name,
		struct strbuf *entry, struct strbuf *exit)
{
	struct vline *l = realloc(vc->lines, (vc->n + 1) * sizeof(*l));

	if (!l)
		return -ENOMEM;
	vc->lines = l;
	l = &l[vc->n];
	memset(l, 0, sizeof(*l));
	l->depth = depth;
	l->header = header;
	l->param = safe_dup(param ? param : "");
	l->name = safe_dup(name);
	if (entry && entry->buf) {
		l->entry = entry->buf;	/* take the buffer */
		memset(entry, 0, sizeof(*entry));
	} else {
		l->entry = strdup("");
	}
	if (exit && exit->buf) {
		l->exit = exit->buf;
		memset(exit, 0, sizeof(*exit));
	}
	vc->n++;
	if (!l->param || !l->name || !l->entry) {
		free(l->param);
		free(l->name);
		free(l->entry);
		free(l->exit);
		vc->n--;
		return -ENOMEM;
	}
	return 0;
}

/*
 * One side of a string read through a char * parameter: "text" (quotes,
 * backslashes, tabs and newlines escaped as C does, the rest made
 * terminal-safe), with "…" when it filled the
 * read (it may go on), NULL, or the pointer when the probe could not read it.
 */
static int quote_side(struct strbuf *out, const json_t *arg, const json_t *v, unsigned size)
{
	const char *s = json_string_value(v);
	struct strbuf esc = { 0 };
	size_t i, n;
	int err = 0;

	if (json_is_false(v))
		return strbuf__addstr(out, "NULL");
	if (!s) {
		/* The pointer, as the record has it (untrusted: decoded as any value). */
		err = decode__value(out, NULL, DEC_HEX, arg, 8);
		return err ?: strbuf__addstr(out, " (not readable)");
	}
	n = json_string_length(v);
	for (i = 0; !err && i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			err = strbuf__addf(&esc, "\\%c", s[i]);
		else if (s[i] == '\t' || s[i] == '\n')
			err = strbuf__addstr(&esc, s[i] == '\t' ? "\\t" : "\\n");
		else
			err = strbuf__add(&esc, s + i, 1);
	}
	err = err ?: strbuf__addstr(out, "\"");
	err = err ?: (esc.len ? text__sanitize(out, esc.buf, esc.len) : 0);
	/* The probe reads size - 1 bytes and a NUL: a string that long may be cut. */
	err = err ?: strbuf__addstr(out, size && n + 1 >= size ? "\"\xe2\x80\xa6" : "\"");
	strbuf__free(&esc);
	return err ? -ENOMEM : 0;
}

/* How one side (entry or exit) of a value reads: decoded, or quoted as a string. */
struct side {
	const struct decode_tables *dt;
	enum decoder dec;
	unsigned size;
	const json_t *arg;	/* quoted: the char * argument, for an unreadable string */
	bool quoted;
};

static int side_text(struct strbuf *out, const struct side *sd, const json_t *v)
{
	return sd->quoted ? quote_side(out, sd->arg, v, sd->size) : decode__value(out, sd->dt, sd->dec, v, sd->size);
}

/*
 * A field line: v is {"entry":x,"exit":y} (either may be absent) or a bare
 * value. The exit value is kept only when it reads differently.
 */
static int push_sides(struct vcall *vc, int depth, const char *param, const char *name,
		      const json_t *v, const struct side *sd)
{
	const json_t *en = v, *ex = NULL;
	struct strbuf a = { 0 }, b = { 0 };
	int err;

	if (json_is_object(v)) {
		en = json_object_get(v, "entry");
		ex = json_object_get(v, "exit");
		if (!en) {
			en = ex;
			ex = NULL;
		}
	}
	err = side_text(&a, sd, en);
	if (!err && ex && !decode__same(en, ex)) {
		err = side_text(&b, sd, ex);
		if (!err && !strcmp(a.buf, b.buf))
			strbuf__free(&b);
	}
	if (!err)
		err = push(vc, depth, false, param, name, &a, &b);
	strbuf__free(&a);
	strbuf__free(&b);
	return err;
}

static int push_value(struct vcall *vc, int depth, const char *param, const char *name,
		      const json_t *v, const struct decode_tables *dt, enum decoder dec,
		      unsigned size)
{
	struct side sd = { .dt = dt, .dec = dec, .size = size };

	return push_sides(vc, depth, param, name, v, &sd);
}

/* A char * parameter as the string it points to: fmt "error %d" (issue 10). */
static int push_string(struct vcall *vc, const struct tparam *p, const json_t *arg, const json_t *v)
{
	struct side sd = { .size = p->fields[0].size, .arg = arg, .quoted = true };
	struct strbuf a = { 0 };
	uint64_t x;
	int err;

	if (arg && !decode__u64(arg, &x) && !x) {
		err = strbuf__addstr(&a, "NULL");
		err = err ?: push(vc, 1, false, p->name, p->name, &a, NULL);
		strbuf__free(&a);
		return err;
	}
	return push_sides(vc, 1, p->name, p->name, v, &sd);
}

/* The return value; a struct pointer's with its struct's name, "task_struct 0x…". */
static int push_return(struct vcall *vc, const struct target *tgt, const json_t *v,
		       const struct decode_tables *dt)
{
	struct strbuf a = { 0 }, b = { 0 };
	int err;

	if (!tgt || tgt->ret_dec != DEC_PTR || !tgt->ret_struct)
		return push_value(vc, 1, "return", "return", v, dt, tgt ? tgt->ret_dec : DEC_HEX,
				  tgt ? tgt->ret_size : 8);
	err = decode__value(&b, dt, DEC_PTR, v, tgt->ret_size);
	if (!err && b.buf && strcmp(b.buf, "NULL") && b.buf[0] == '0') {
		err = text__sanitize(&a, tgt->ret_struct, strlen(tgt->ret_struct));
		err = err ?: strbuf__addf(&a, " %s", b.buf);
	} else if (!err) {
		err = strbuf__addstr(&a, b.buf ? b.buf : "");
	}
	strbuf__free(&b);
	if (!err)
		err = push(vc, 1, false, "return", "return", &a, &b);
	strbuf__free(&a);
	return err;
}

/* "struct task_struct *" or "task_struct" → "task_struct *p". */
static int header_name(struct strbuf *sb, const char *type, const char *name)
{
	size_t n;

	if (!type)
		type = "void";
	if (!strncmp(type, "struct ", 7))
		type += 7;
	n = strcspn(type, "*");
	while (n && type[n - 1] == ' ')
		n--;
	return strbuf__add(sb, type, n) || strbuf__addf(sb, " *%s", name) ? -ENOMEM : 0;
}

static int build_with_target(struct vcall *vc, const struct target *t, const json_t *rec,
			     const struct decode_tables *dt)
{
	const json_t *args = json_object_get(rec, "args");
	const json_t *fields = json_object_get(rec, "fields");
	struct strbuf h = { 0 }, v = { 0 };
	size_t i, j;
	int err = 0;

	for (i = 0; !err && i < t->nparams; i++) {
		const struct tparam *p = &t->params[i];
		const json_t *arg = json_array_get(args, (size_t)p->index);
		const json_t *pf = json_object_get(fields, p->name);
		uint64_t x;

		if (!p->nfields) {
			if (arg)
				err = push_value(vc, 1, p->name, p->name, arg, dt, p->dec, p->size);
			continue;
		}
		if (p->dec == DEC_STRING && p->nfields == 1 && p->fields[0].dec == DEC_STRING) {
			err = push_string(vc, p, arg, json_object_get(pf, p->fields[0].name));
			continue;
		}
		strbuf__reset(&h);
		if (header_name(&h, p->struct_name, p->name)) {
			err = -ENOMEM;
			break;
		}
		if (arg && !decode__u64(arg, &x) && !x) {
			err = strbuf__addstr(&v, "NULL");
			if (!err)
				err = push(vc, 1, false, p->name, h.buf, &v, NULL);
			continue;
		}
		err = push(vc, 1, true, p->name, h.buf, NULL, NULL);
		for (j = 0; !err && j < p->nfields; j++)
			err = push_value(vc, 2, p->name, p->fields[j].name,
					 json_object_get(pf, p->fields[j].name), dt, p->fields[j].dec,
					 p->fields[j].size);
	}
	strbuf__free(&h);
	strbuf__free(&v);
	return err;
}

/* No targets for this function: show what the record has, in hex. */
static int build_raw(struct vcall *vc, const json_t *rec, const struct decode_tables *dt)
{
	const json_t *args = json_object_get(rec, "args");
	const json_t *fields = json_object_get(rec, "fields");
	const char *pname, *fname;
	json_t *pv, *fv;
	char name[32];
	size_t i;
	int err = 0;

	if (json_is_object(fields)) {
		json_object_foreach((json_t *)fields, pname, pv) {
			if (!json_is_object(pv))
				continue;
			err = push(vc, 1, true, pname, pname, NULL, NULL);
			json_object_foreach(pv, fname, fv) {
				if (!err)
					err = push_value(vc, 2, pname, fname, fv, dt, DEC_HEX, 8);
			}
			if (err)
				return err;
		}
	}
	for (i = 0; !err && i < json_array_size(args); i++) {
		snprintf(name, sizeof(name), "arg%zu", i);
		err = push_value(vc, 1, name, name, json_array_get(args, i), dt, DEC_HEX, 8);
	}
	return err;
}

int vcall__build(struct vcall *vc, const struct events *ev, const struct call *c,
		 const struct decode_tables *dt)
{
	const struct func *f = &ev->funcs[c->func];
	json_t *rec;
	int err;

	memset(vc, 0, sizeof(*vc));
	vc->c = c;
	vc->func_buf = safe_dup(f->name);
	if (!vc->func_buf)
		return -ENOMEM;
	vc->func = vc->func_buf;
	vc->source = f->source ? f->source : f->tgt ? f->tgt->source : NULL;
	vc->kind = f->tgt ? f->tgt->kind : NULL;
	rec = events__record(ev, c);
	if (!rec)
		return -EINVAL;	/* it parsed on the first pass */
	{
		uint64_t en, ex;

		if (!decode__u64(json_object_get(rec, "ts_entry"), &en) &&
		    !decode__u64(json_object_get(rec, "ts_exit"), &ex) && ex >= en)
			vc->dur = ex - en;
	}
	err = f->tgt ? build_with_target(vc, f->tgt, rec, dt) : build_raw(vc, rec, dt);
	if (!err && json_object_get(rec, "ret"))
		err = push_return(vc, f->tgt, json_object_get(rec, "ret"), dt);
	json_decref(rec);
	return err;
}

void vcall__free(struct vcall *vc)
{
	size_t i;

	for (i = 0; i < vc->n; i++) {
		free(vc->lines[i].param);
		free(vc->lines[i].name);
		free(vc->lines[i].entry);
		free(vc->lines[i].exit);
	}
	free(vc->lines);
	free(vc->func_buf);
	memset(vc, 0, sizeof(*vc));
}

/* Does another parameter of the call have a field of this name? */
static bool field_ambiguous(const struct vcall *vc, const struct vline *l)
{
	size_t j;

	for (j = 0; j < vc->n; j++) {
		const struct vline *o = &vc->lines[j];

		if (o->depth == 2 && strcmp(o->param, l->param) && !strcmp(o->name, l->name))
			return true;
	}
	return false;
}

int vcall__changes(const struct vcall *vc, struct strbuf *out)
{
	const struct vline *ret = NULL;
	bool first = true;
	size_t j;
	int err = 0;

	for (j = 0; !err && j < vc->n; j++) {
		const struct vline *l = &vc->lines[j];

		if (l->depth == 1 && !l->header && !strcmp(l->param, "return")) {
			ret = l;
			continue;
		}
		if (l->header || !l->exit)
			continue;
		if (!first)
			err = strbuf__addstr(out, ", ");
		first = false;
		if (!err && l->depth == 2 && field_ambiguous(vc, l))
			err = strbuf__addf(out, "%s.", l->param);
		if (!err)
			err = strbuf__addf(out, "%s %s\xe2\x86\x92%s", l->name, l->entry, l->exit);
	}
	if (!err && ret)
		err = strbuf__addf(out, "%sreturn %s", first ? "" : ", ", ret->entry);
	return err ? -ENOMEM : 0;
}

int vline__key(const struct vline *l, struct strbuf *out)
{
	/* A NULL struct pointer's line is named by its declaration: its key is the parameter. */
	if (l->depth == 1)
		return strbuf__addstr(out, l->param) ? -ENOMEM : 0;
	return strbuf__addf(out, "%s.%s", l->param, l->name) ? -ENOMEM : 0;
}
