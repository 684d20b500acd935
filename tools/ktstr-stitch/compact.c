// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline as a person reads a call flow: a line a call, indented under
 * the call it ran inside, with only what changed between entry and exit.
 * Runs of the same calls fold into their first with a count. Every call in
 * the window is decoded once (its line's text is interned), the folding is
 * O(n * FOLD_MAX_PERIOD), and only the lines printed are decoded again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stitch.h"
#include "strtab.h"

/* A repeated block longer than this many calls is not looked for. */
#define FOLD_MAX_PERIOD 32
/* Deeper nesting than this is written as a number, not more indentation. */
#define MAX_INDENT 24
/* Wider names or sources are not padded for. */
#define MAX_COL 60

struct entry {
	uint32_t call;		/* timeline index */
	uint32_t key;		/* equal keys: the same call (function, CPU, depth, changes) */
	uint32_t detail;	/* id of the changes text */
};

struct cline {
	uint32_t call;
	uint32_t detail;
	uint32_t count;		/* repetitions folded into this line, 1: none */
	uint32_t span;		/* lines one repetition takes, this one included */
	bool subtree;		/* the other lines of a repetition ran inside this one */
	uint64_t last_ts;	/* the first call of the last repetition */
};

/* A line at the top level of the folding with the lines folded under it: the unit of the window. */
struct unit {
	size_t line, nlines, ncalls;
};

struct fold {
	const struct entry *e;
	size_t n;
	const struct timeline *tl;
	struct cline *out;
	size_t nout;
	struct unit *units;
	size_t nunits;
};

static bool same_block(const struct entry *e, size_t a, size_t b, size_t p)
{
	size_t k;

	for (k = 0; k < p; k++)
		if (e[a + k].key != e[b + k].key)
			return false;
	return true;
}

/* The period (0: none) and repetitions of the longest run of a block repeated from i, within hi. */
static size_t best_at(const struct entry *e, size_t i, size_t hi, size_t *reps)
{
	size_t p, r, best = 0, cover = 0;

	for (p = 1; p <= FOLD_MAX_PERIOD && i + 2 * p <= hi; p++) {
		for (r = 1; i + (r + 1) * p <= hi && same_block(e, i, i + r * p, p); r++)
			;
		if (r >= 2 && r * p > cover) {
			cover = r * p;
			best = p;
			*reps = r;
		}
	}
	return best;
}

static void emit(struct fold *f, size_t i, size_t count, size_t last)
{
	struct cline *l = &f->out[f->nout++];

	l->call = f->e[i].call;
	l->detail = f->e[i].detail;
	l->count = (uint32_t)count;
	l->span = 1;
	l->subtree = true;
	l->last_ts = f->tl->v[f->e[last].call].c->ts;
}

static void fold_inner(struct fold *f, size_t lo, size_t hi);

/* r repetitions of the p entries from i: the first repetition, its head counting them all. */
static void fold_block(struct fold *f, size_t i, size_t p, size_t r)
{
	size_t head = f->nout, k;
	struct cline *h;

	emit(f, i, r, i + (r - 1) * p);
	fold_inner(f, i + 1, i + p);
	h = &f->out[head];
	h->span = (uint32_t)(f->nout - head);
	for (k = head + 1; k < f->nout; k++)
		if (f->tl->v[f->out[k].call].depth <= f->tl->v[h->call].depth)
			h->subtree = false;
}

/* The lines of e[lo, hi) inside one repetition of a block: at most FOLD_MAX_PERIOD - 1. */
static void fold_inner(struct fold *f, size_t lo, size_t hi)
{
	size_t i = lo, p, r = 0;

	while (i < hi) {
		p = best_at(f->e, i, hi, &r);
		if (!p) {
			emit(f, i, 1, i);
			i++;
			continue;
		}
		fold_block(f, i, p, r);
		i += r * p;
	}
}

/*
 * The whole window: for each period one right-to-left sweep counts how far
 * entry j keeps matching entry j + p; the period covering the most entries
 * from j wins (the shortest on a tie).
 */
static int fold_all(struct fold *f)
{
	uint8_t *bp = calloc(f->n + 1, 1);
	uint32_t *bc = calloc(f->n + 1, sizeof(*bc));
	size_t p, j, i, run, r;

	if (!bp || !bc) {
		free(bp);
		free(bc);
		return -ENOMEM;
	}
	for (p = 1; p <= FOLD_MAX_PERIOD && 2 * p <= f->n; p++) {
		run = 0;
		for (j = f->n - p; j-- > 0;) {
			run = f->e[j].key == f->e[j + p].key ? run + 1 : 0;
			if (run >= p && (run / p + 1) * p > bc[j]) {
				bc[j] = (uint32_t)((run / p + 1) * p);
				bp[j] = (uint8_t)p;
			}
		}
	}
	for (i = 0; i < f->n;) {
		struct unit *u = &f->units[f->nunits++];

		u->line = f->nout;
		p = bp[i];
		if (!p) {
			emit(f, i, 1, i);
			u->nlines = u->ncalls = 1;
			i++;
			continue;
		}
		r = bc[i] / p;
		fold_block(f, i, p, r);
		u->nlines = f->nout - u->line;
		u->ncalls = r * p;
		i += r * p;
	}
	free(bp);
	free(bc);
	return 0;
}

/* Decode each call of the window once: its changes, and its key. */
static int entries_build(const struct render_opts *o, struct entry *e, struct strtab *details,
			 struct strtab *keys)
{
	const struct timeline *tl = o->tl;
	struct strbuf sb = { 0 };
	struct vcall vc = { 0 };
	size_t i, n = 0;
	long id;
	int err = 0;

	for (i = tl->first; i < tl->n; i++, n++) {
		const struct tl_call *t = &tl->v[i];
		uint32_t tuple[4];

		err = vcall__build(&vc, o->ev, t->c, o->dt);
		strbuf__reset(&sb);
		if (!err)
			err = vcall__changes(&vc, &sb);
		vcall__free(&vc);
		if (err)
			break;
		id = strtab__intern(details, sb.buf ? sb.buf : "", sb.len);
		if (id < 0) {
			err = (int)id;
			break;
		}
		tuple[0] = t->c->func;
		tuple[1] = (uint32_t)t->c->cpu;
		tuple[2] = t->depth;
		tuple[3] = (uint32_t)id;
		e[n].call = (uint32_t)i;
		e[n].detail = (uint32_t)id;
		id = strtab__intern(keys, (const char *)tuple, sizeof(tuple));
		if (id < 0) {
			err = (int)id;
			break;
		}
		e[n].key = (uint32_t)id;
	}
	strbuf__free(&sb);
	return err;
}

/* Times in one unit for the whole view: seconds when the window reaches back a second. */
static void stamp(char *buf, size_t sz, uint64_t ref, uint64_t ts, bool secs)
{
	uint64_t ns = ref > ts ? ref - ts : 0;

	if (secs)
		snprintf(buf, sz, "-%" PRIu64 ".%06" PRIu64 "s", ns / 1000000000, ns / 1000 % 1000000);
	else
		snprintf(buf, sz, "-%" PRIu64 ".%03" PRIu64 "ms", ns / 1000000, ns / 1000 % 1000);
}

static int add_safe(struct strbuf *sb, const char *s)
{
	return text__sanitize(sb, s, strlen(s));
}

static int add_pad(struct strbuf *sb, size_t n)
{
	while (n--)
		if (strbuf__add(sb, " ", 1))
			return -ENOMEM;
	return 0;
}

struct cols {
	size_t num, time, cpu, func, src;
	bool secs;
};

/* The name column of a line: indentation, then the function. */
static int name_col(struct strbuf *sb, const struct render_opts *o, const struct tl_call *t)
{
	unsigned d = t->depth > MAX_INDENT ? MAX_INDENT : t->depth;
	int err = add_pad(sb, d * 2);

	if (!err && t->depth > MAX_INDENT)
		err = strbuf__addf(sb, "(%u) ", t->depth);
	return err ? err : add_safe(sb, o->ev->funcs[t->c->func].name);
}

static const char *source_of(const struct events *ev, const struct call *c)
{
	const struct func *f = &ev->funcs[c->func];

	return f->source ? f->source : f->tgt && f->tgt->source ? f->tgt->source : "";
}

static void measure(const struct render_opts *o, const struct cline *l, size_t n,
		    struct cols *w)
{
	const struct timeline *tl = o->tl;
	struct strbuf sb = { 0 };
	char buf[48];
	size_t i, x;

	memset(w, 0, sizeof(*w));
	w->secs = n && tl->ref - tl->v[l[0].call].c->ts >= 1000000000 &&
		  tl->ref > tl->v[l[0].call].c->ts;
	for (i = 0; i < n; i++) {
		const struct tl_call *t = &tl->v[l[i].call];

		x = (size_t)snprintf(buf, sizeof(buf), "%u", l[i].call + 1);
		if (x > w->num)
			w->num = x;
		stamp(buf, sizeof(buf), tl->ref, t->c->ts, w->secs);
		if (strlen(buf) > w->time)
			w->time = strlen(buf);
		x = t->c->cpu < 0 ? 1 : (size_t)snprintf(buf, sizeof(buf), "%d", t->c->cpu);
		if (x > w->cpu)
			w->cpu = x;
		strbuf__reset(&sb);
		if (!name_col(&sb, o, t) && sb.buf && (x = render__width(sb.buf)) > w->func &&
		    x <= MAX_COL)
			w->func = x;
		strbuf__reset(&sb);
		if (!add_safe(&sb, source_of(o->ev, t->c)) && sb.buf &&
		    (x = render__width(sb.buf)) > w->src && x <= MAX_COL)
			w->src = x;
	}
	strbuf__free(&sb);
}

static int print_line(const struct render_opts *o, const struct cline *l, const struct cols *w,
		      const struct strtab *details, struct strbuf *sb)
{
	const struct tl_call *t = &o->tl->v[l->call];
	const char *detail = strtab__str(details, l->detail, NULL);
	char num[24], ts[48], cpu[24];
	size_t mark;
	int err;

	snprintf(num, sizeof(num), "%u", l->call + 1);
	stamp(ts, sizeof(ts), o->tl->ref, t->c->ts, w->secs);
	if (t->c->cpu < 0)
		snprintf(cpu, sizeof(cpu), "?");
	else
		snprintf(cpu, sizeof(cpu), "%d", t->c->cpu);
	strbuf__reset(sb);
	err = strbuf__addf(sb, "#%-*s  %*s  cpu %-*s  ", (int)w->num, num, (int)w->time, ts,
			   (int)w->cpu, cpu);
	mark = sb->len;
	if (!err)
		err = name_col(sb, o, t);
	if (!err && *source_of(o->ev, t->c)) {
		size_t used = render__width(sb->buf + mark);

		err = add_pad(sb, (used < w->func ? w->func - used : 0) + 2);
		mark = sb->len;
		if (!err)
			err = add_safe(sb, source_of(o->ev, t->c));
	} else if (!err && (*detail || l->count > 1)) {
		/* No source: the changes still start in their column. */
		size_t used = render__width(sb->buf + mark);

		err = add_pad(sb, (used < w->func ? w->func - used : 0) + 2 + w->src);
		mark = sb->len;
	}
	if (!err && (*detail || l->count > 1)) {
		size_t used = render__width(sb->buf + mark);

		err = add_pad(sb, (used < w->src ? w->src - used : 0) + 2);
	}
	if (!err && *detail)
		err = strbuf__addstr(sb, detail);
	if (!err && l->count > 1) {
		stamp(ts, sizeof(ts), o->tl->ref, l->last_ts, w->secs);
		err = strbuf__addf(sb, "%s\xc3\x97%u until %s", *detail ? "  " : "", l->count, ts);
		if (!err && !l->subtree)
			err = strbuf__addf(sb, " (with the %u line%s below)", l->span - 1,
					   l->span == 2 ? "" : "s");
	}
	if (err)
		return -ENOMEM;
	while (sb->len && sb->buf[sb->len - 1] == ' ')
		sb->buf[--sb->len] = '\0';
	fputs(sb->buf, o->f);
	fputc('\n', o->f);
	return 0;
}

int compact__render(const struct render_opts *o)
{
	const struct timeline *tl = o->tl;
	struct strtab details = { 0 }, keys = { 0 };
	struct fold f = { 0 };
	struct entry *e = NULL;
	struct strbuf sb = { 0 };
	struct cols w;
	size_t n = tl->n - tl->first, u, lines = 0, calls = 0, from, i;
	int err = -ENOMEM;

	e = malloc((n + 1) * sizeof(*e));
	f.out = malloc((n + 1) * sizeof(*f.out));
	f.units = malloc((n + 1) * sizeof(*f.units));
	if (!e || !f.out || !f.units)
		goto out;
	err = entries_build(o, e, &details, &keys);
	if (err)
		goto out;
	f.e = e;
	f.n = n;
	f.tl = tl;
	err = fold_all(&f);
	if (err)
		goto out;
	/* The last units that fit in last_lines, at least one. */
	for (u = f.nunits; u > 0; u--) {
		if (o->last_lines && lines && lines + f.units[u - 1].nlines > o->last_lines)
			break;
		lines += f.units[u - 1].nlines;
	}
	from = u < f.nunits ? f.units[u].line : f.nout;
	for (i = 0; i < u; i++)
		calls += f.units[i].ncalls;
	calls += tl->first;
	fprintf(o->f, "timeline: %zu call%s", tl->n, tl->n == 1 ? "" : "s");
	if (o->ch->causal_why == CAUSAL_CPU)
		fprintf(o->f, " on cpu %d", o->ch->cpu);
	else if (tl->n == tl->of_task)
		fputs(" of the causal task", o->f);
	else
		fprintf(o->f, ", %zu of the causal task and %zu around them", tl->of_task,
			tl->n - tl->of_task);
	fprintf(o->f, "; times before the %s\n", tl->ref_exit ? "exit" : "last call");
	if (calls)
		fprintf(o->f, "(%zu earlier call%s left out: --last N lines or --since -TIME shows more)\n",
			calls, calls == 1 ? "" : "s");
	measure(o, f.out + from, f.nout - from, &w);
	for (i = from; !err && i < f.nout; i++)
		err = print_line(o, &f.out[i], &w, &details, &sb);
out:
	strbuf__free(&sb);
	strtab__free(&details);
	strtab__free(&keys);
	free(e);
	free(f.out);
	free(f.units);
	return err;
}
