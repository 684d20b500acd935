// SPDX-License-Identifier: GPL-2.0
/*
 * The hits of the agent's stream, as text: its entry and exit records,
 * each converted alone as it is read (conv__add_call), paired in time order
 * (conv__pair_calls) and written as ktstr-stitch's hit records
 * (conv__write_hits).
 *
 * Not built as jansson objects: a demo's stream has some 20000 calls, and
 * their million small allocations (and frees) were most of ktstr-probe's
 * time after the VM. What is written here is what jansson's compact dump
 * of those objects was, key for key.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "text.h"
#include "probe.h"

/* s as a JSON string. Names and printable ASCII here; jansson escapes anything else. */
static int add_jstr(struct strbuf *sb, const char *s)
{
	const char *p;
	char *d;
	json_t *v;
	int err;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			break;
	if (!*p) {
		err = strbuf__add(sb, "\"", 1);
		for (p = s; *p && !err; p++) {
			if (*p == '"' || *p == '\\')
				err = strbuf__add(sb, "\\", 1);
			err = err ?: strbuf__add(sb, p, 1);
		}
		return err ?: strbuf__add(sb, "\"", 1);
	}
	v = json_string(s);
	d = v ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
	err = strbuf__addstr(sb, d ? d : "null");
	free(d);
	json_decref(v);
	return err;
}

/* Numbers as jansson prints them, without printf's cost per call (there are millions). */
static int add_int(struct strbuf *sb, long long v)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = '0' + u % 10;
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	return strbuf__add(sb, p, buf + sizeof(buf) - p);
}

/* "0x..." in lowercase hex, quoted: a 64-bit word of a field. */
static int add_hex_word(struct strbuf *sb, uint64_t x)
{
	char buf[20], *p = buf + sizeof(buf);

	*--p = '"';
	do
		*--p = "0123456789abcdef"[x & 15];
	while (x >>= 4);
	*--p = 'x';
	*--p = '0';
	*--p = '"';
	return strbuf__add(sb, p, buf + sizeof(buf) - p);
}

static int add_safe_string(struct strbuf *sb, const char *s, size_t n)
{
	char buf[PROBE_ASCII_MAX];

	probe__ascii(buf, s, n);
	return add_jstr(sb, buf);
}

static int add_hex_arg(struct strbuf *sb, const json_t *v)
{
	const char *s = json_string_value(v);

	if (!probe__is_hex(s))
		return strbuf__addstr(sb, "null");
	return strbuf__add(sb, "\"", 1) ?: strbuf__addstr(sb, s) ?: strbuf__add(sb, "\"", 1);
}

/* Field bytes (hex, little-endian) → "0x..", an array of 64-bit words, or a string. */
static int add_field_value(struct strbuf *sb, const struct pfield *f, const json_t *v)
{
	unsigned char b[PROBE_FIELD_MAX];
	const char *s = json_string_value(v);
	size_t n, i, w;
	int err = 0;

	if (json_is_false(v))
		return strbuf__addstr(sb, "false");	/* the agent's mark: a pointer on the way was NULL */
	if (!s)
		return strbuf__addstr(sb, "null");
	n = strlen(s);
	if (n % 2 || n / 2 > (size_t)f->size || (!f->str && n / 2 != (size_t)f->size))
		return strbuf__addstr(sb, "null");
	for (i = 0; i < n / 2; i++) {
		int hi = probe__hex_digit(s[2 * i]), lo = probe__hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return strbuf__addstr(sb, "null");
		b[i] = hi << 4 | lo;
	}
	n /= 2;
	if (f->str)
		return add_safe_string(sb, (const char *)b, n);
	if (n > 8)
		err = strbuf__add(sb, "[", 1);
	for (w = 0; w < n && !err; w += 8) {
		uint64_t x = 0;

		for (i = (n - w < 8 ? n - w : 8); i-- > 0;)
			x = x << 8 | b[w + i];
		err = w ? strbuf__add(sb, ",", 1) : 0;
		err = err ?: add_hex_word(sb, x);
	}
	if (!err && n > 8)
		err = strbuf__add(sb, "]", 1);
	return err;
}

/*
 * One entry or exit record, converted as far as it goes alone: the text of
 * the hit it would start (after its func: cpu, task, pid, comm, args), its
 * fields' values and, for an exit, the return value, in c->text at off,
 * each NUL-ended (part[k] is where value k starts, part[nfields] the
 * return value).
 */
struct call {
	long long ts;
	size_t seq, off;
	int i;			/* its target */
	bool is_exit;
	char task[25];		/* the agent's task as it names the call, cut as before */
	uint32_t part[PROBE_MAX_FIELDS + 1];
};

/* A hit: the calls it is made of. */
struct hit {
	const struct call *first;	/* the record that started it */
	const struct call *entry, *exit;
	long below;			/* the open hit of the same call under this one, -1: none */
};

static int call_cmp(const void *a, const void *b)
{
	const struct call *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int conv__add_call(struct conv *c, const json_t *rec, bool is_exit, size_t seq)
{
	const json_t *f = json_object_get(rec, "f"), *a = json_object_get(rec, "args");
	long long i, cpu, ts, pid = -1;
	struct strbuf *sb = &c->text;
	const struct ptarget *t;
	struct call *k;
	int n, err;

	if (!probe__get_uint(rec, "i", c->plan->n - 1, &i) || !probe__get_uint(rec, "cpu", 65535, &cpu) ||
	    !probe__get_uint(rec, "ts", INT64_MAX, &ts) || !json_is_array(f)) {
		c->bad_lines++;
		return 0;
	}
	if (c->ncalls == c->capcalls) {
		size_t cap = c->capcalls ? 2 * c->capcalls : 1024;
		struct call *nc = realloc(c->calls, cap * sizeof(*nc));

		if (!nc)
			return -ENOMEM;
		c->calls = nc;
		c->capcalls = cap;
	}
	t = &c->plan->t[i];
	k = &c->calls[c->ncalls];
	*k = (struct call){ .ts = ts, .seq = seq, .off = sb->len, .i = i, .is_exit = is_exit };
	snprintf(k->task, sizeof(k->task), "%s", json__str(rec, "task", "?"));
	err = strbuf__addstr(sb, "\"cpu\":") ?: add_int(sb, cpu) ?: strbuf__addstr(sb, ",\"task_ptr\":");
	err = err ?: add_hex_arg(sb, json_object_get(rec, "task"));
	if (!err && probe__get_uint(rec, "pid", INT32_MAX, &pid))
		err = strbuf__addstr(sb, ",\"pid\":") ?: add_int(sb, pid);
	err = err ?: strbuf__addstr(sb, ",\"comm\":");
	err = err ?: add_safe_string(sb, json__str(rec, "comm", ""), 16);
	err = err ?: strbuf__addstr(sb, ",\"args\":[");
	for (n = 0; n < t->nargs && !err; n++) {
		err = n ? strbuf__add(sb, ",", 1) : 0;
		err = err ?: add_hex_arg(sb, json_array_get(a, n));
	}
	err = err ?: strbuf__add(sb, "]", 2);	/* and its NUL */
	for (n = 0; n < t->nfields && !err; n++) {
		k->part[n] = sb->len - k->off;
		err = add_field_value(sb, &t->f[n], json_array_get(f, n));
		err = err ?: strbuf__add(sb, "", 1);
	}
	k->part[t->nfields] = sb->len - k->off;
	if (!err && is_exit && t->has_ret)
		err = add_hex_arg(sb, json_object_get(rec, "ret"));
	err = err ?: strbuf__add(sb, "", 1);
	if (err)
		return err;
	c->ncalls++;
	return 0;
}

/* Calls not yet returned, per task and target: the newest open hit. */
struct open_map {
	struct { const struct call *key; long top; } *slot;
	size_t cap, n;
};

static bool same_call(const struct call *a, const struct call *b)
{
	return a->i == b->i && !strcmp(a->task, b->task);
}

static size_t call_hash(const struct call *k)
{
	size_t h = 14695981039346656037ull ^ (size_t)k->i;
	const char *p;

	for (p = k->task; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return h;
}

/* The slot of k's call: found, or where it goes. */
static long *open_top(struct open_map *m, const struct call *k)
{
	size_t j;

	if (2 * (m->n + 1) > m->cap) {
		struct open_map g = { .cap = m->cap ? 2 * m->cap : 256 };

		g.slot = calloc(g.cap, sizeof(*g.slot));
		if (!g.slot)
			return NULL;
		for (j = 0; j < m->cap; j++) {
			size_t h;

			if (!m->slot[j].key)
				continue;
			for (h = call_hash(m->slot[j].key) & (g.cap - 1); g.slot[h].key; h = (h + 1) & (g.cap - 1))
				;
			g.slot[h] = m->slot[j];
		}
		g.n = m->n;
		free(m->slot);
		*m = g;
	}
	for (j = call_hash(k) & (m->cap - 1); m->slot[j].key; j = (j + 1) & (m->cap - 1))
		if (same_call(m->slot[j].key, k))
			return &m->slot[j].top;
	m->slot[j].key = k;
	m->slot[j].top = -1;
	m->n++;
	return &m->slot[j].top;
}

/* The calls in time order → hits: an exit closes the newest open entry of its call. */
int conv__pair_calls(struct conv *c)
{
	struct open_map m = { 0 };
	size_t i;
	int err = 0;

	if (c->ncalls)
		qsort(c->calls, c->ncalls, sizeof(*c->calls), call_cmp);
	c->hits = calloc(c->ncalls ? c->ncalls : 1, sizeof(*c->hits));
	if (!c->hits)
		return -ENOMEM;
	for (i = 0; i < c->ncalls; i++) {
		const struct call *k = &c->calls[i];
		long *top = open_top(&m, k);
		struct hit *h;

		if (!top) {
			err = -ENOMEM;
			break;
		}
		if (k->is_exit && *top >= 0) {
			h = &c->hits[*top];
			*top = h->below;
			h->exit = k;
			continue;
		}
		h = &c->hits[c->nhits];
		*h = (struct hit){ .first = k, .below = -1 };
		if (k->is_exit) {
			h->exit = k;
		} else {
			h->entry = k;
			h->below = *top;
			*top = c->nhits;
		}
		c->nhits++;
	}
	free(m.slot);
	return err;
}

/*
 * The order of a target's fields in a hit: each parameter once, where it
 * first comes, its fields under it likewise; a field named twice keeps the
 * last value read for it.
 */
static void field_order(const struct ptarget *t, int *order, int *nout)
{
	int uk[PROBE_MAX_FIELDS], nu = 0, k, j, p;
	bool done[PROBE_MAX_FIELDS] = { 0 };

	for (k = 0; k < t->nfields; k++) {
		for (j = 0; j < nu; j++)
			if (!strcmp(t->f[uk[j]].param, t->f[k].param) && !strcmp(t->f[uk[j]].name, t->f[k].name))
				break;
		if (j < nu)
			uk[j] = k;	/* the same field again: its later value */
		else
			uk[nu++] = k;
	}
	*nout = 0;
	for (j = 0; j < nu; j++) {
		if (done[j])
			continue;
		for (p = j; p < nu; p++)
			if (!done[p] && !strcmp(t->f[uk[p]].param, t->f[uk[j]].param)) {
				order[(*nout)++] = uk[p];
				done[p] = true;
			}
	}
}

static const char *part(const struct conv *c, const struct call *k, int n)
{
	return c->text.buf + k->off + (n < 0 ? 0 : k->part[n]);
}

static int add_fields(struct strbuf *sb, const struct conv *c, const struct hit *h, const struct ptarget *t)
{
	int order[PROBE_MAX_FIELDS], n, j, err;

	field_order(t, order, &n);
	err = strbuf__addstr(sb, ",\"fields\":{");
	for (j = 0; j < n && !err; j++) {
		const struct pfield *f = &t->f[order[j]];
		bool opens = !j || strcmp(t->f[order[j - 1]].param, f->param);

		if (opens) {
			err = j ? strbuf__add(sb, "},", 2) : 0;
			err = err ?: add_jstr(sb, f->param);
			err = err ?: strbuf__add(sb, ":{", 2);
		} else {
			err = strbuf__add(sb, ",", 1);
		}
		err = err ?: add_jstr(sb, f->name);
		if (h->entry)
			err = err ?: strbuf__addstr(sb, ":{\"entry\":") ?: strbuf__addstr(sb, part(c, h->entry, order[j]));
		if (h->exit)
			err = err ?: strbuf__addstr(sb, h->entry ? ",\"exit\":" : ":{\"exit\":") ?:
				      strbuf__addstr(sb, part(c, h->exit, order[j]));
		err = err ?: strbuf__add(sb, "}", 1);
	}
	if (!err && n)
		err = strbuf__add(sb, "}", 1);
	return err ?: strbuf__add(sb, "}", 1);
}

/* One hit as its JSON line. */
static int add_hit(struct strbuf *sb, const struct conv *c, const struct hit *h)
{
	const struct ptarget *t = &c->plan->t[h->first->i];
	int err = strbuf__addstr(sb, "{\"type\":\"hit\",\"func\":");

	err = err ?: add_jstr(sb, c->disc[h->first->i] ? c->disc[h->first->i] : t->name);
	err = err ?: strbuf__add(sb, ",", 1) ?: strbuf__addstr(sb, part(c, h->first, -1));
	if (h->entry)
		err = err ?: strbuf__addstr(sb, ",\"ts_entry\":") ?: add_int(sb, h->entry->ts);
	else
		err = err ?: strbuf__addstr(sb, ",\"ts_exit\":") ?: add_int(sb, h->exit->ts);
	err = err ?: add_fields(sb, c, h, t);
	if (h->entry && h->exit)
		err = err ?: strbuf__addstr(sb, ",\"ts_exit\":") ?: add_int(sb, h->exit->ts);
	if (h->exit && t->has_ret)
		err = err ?: strbuf__addstr(sb, ",\"ret\":") ?: strbuf__addstr(sb, part(c, h->exit, t->nfields));
	return err ?: strbuf__add(sb, "}\n", 2);
}

int conv__write_hits(const struct conv *c, FILE *f)
{
	struct strbuf sb = { 0 };
	size_t i;
	int err = 0;

	for (i = 0; i < c->nhits && !err; i++) {
		strbuf__reset(&sb);
		err = add_hit(&sb, c, &c->hits[i]);
		errno = 0;
		if (!err && fwrite(sb.buf, 1, sb.len, f) != sb.len)
			err = errno ? -errno : -EIO;	/* ENOSPC: a full disk */
	}
	strbuf__free(&sb);
	return err;
}
