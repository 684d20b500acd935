// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline of the causal task: its calls and the calls around them,
 * nested. One sort of the calls before the exit, then one pass that keeps,
 * per context (current task and CPU), the innermost call still running:
 * O(n log n) in the calls recorded, O(n) memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stitch.h"

struct item {
	const struct call *c;
	uint64_t end;
};

/* Where a call ends: a record without an exit is still running; one without an entry is a point. */
static uint64_t raw_end(const struct call *c)
{
	if (!c->has_exit)
		return TL_OPEN;
	if (!c->has_entry || c->ts_exit < c->ts)
		return c->ts;
	return c->ts_exit;
}

/* Time order; at one time and CPU the longer call first, since it holds the shorter. */
static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->c->ts != y->c->ts)
		return x->c->ts < y->c->ts ? -1 : 1;
	if (x->c->cpu != y->c->cpu)
		return x->c->cpu < y->c->cpu ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return x->c->lineno < y->c->lineno ? -1 : x->c->lineno > y->c->lineno;
}

/* The innermost running call of each context, by open addressing. */
struct ctx {
	uint64_t cur;
	int32_t cpu;
	uint32_t top;		/* item index + 1, 0: none */
};

struct ctx_map {
	struct ctx *v;
	size_t n, cap;
};

static size_t ctx_hash(uint64_t cur, int32_t cpu)
{
	uint64_t h = (cur ^ ((uint64_t)(uint32_t)cpu << 40)) * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 17);
}

static int ctx_grow(struct ctx_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 256, i, h;
	struct ctx *v = calloc(cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++) {
		if (!m->v[i].top && !m->v[i].cur && !m->v[i].cpu)
			continue;
		for (h = ctx_hash(m->v[i].cur, m->v[i].cpu) & (cap - 1); v[h].top || v[h].cur || v[h].cpu;
		     h = (h + 1) & (cap - 1))
			;
		v[h] = m->v[i];
	}
	free(m->v);
	m->v = v;
	m->cap = cap;
	return 0;
}

/*
 * The slot of a context. A slot is in use once its top was set (every
 * lookup is followed by setting it), so an empty one is all zero; the
 * context (0, 0) with no top is the same as a fresh slot, which is harmless.
 */
static struct ctx *ctx_get(struct ctx_map *m, uint64_t cur, int32_t cpu)
{
	size_t h;

	if ((m->n + 1) * 2 > m->cap && ctx_grow(m))
		return NULL;
	for (h = ctx_hash(cur, cpu) & (m->cap - 1);; h = (h + 1) & (m->cap - 1)) {
		struct ctx *x = &m->v[h];

		if (x->cur == cur && x->cpu == cpu)
			return x;
		if (!x->top && !x->cur && !x->cpu) {
			x->cur = cur;
			x->cpu = cpu;
			m->n++;
			return x;
		}
	}
}

enum { F_TASK = 1, F_ABOVE = 2, F_BELOW = 4 };

int timeline__build(struct timeline *tl, const struct events *ev, const struct chain *ch)
{
	const struct trigger *t = &ev->trig;
	struct item *it = NULL;
	uint32_t *parent = NULL, *tp = NULL, *depth = NULL, *idx = NULL;
	uint8_t *flag = NULL;
	struct ctx_map map = { 0 };
	size_t i, m = 0, k;
	int err = -ENOMEM;

	memset(tl, 0, sizeof(*tl));
	if (ev->n >= TL_NONE)
		return -E2BIG;
	it = malloc((ev->n + 1) * sizeof(*it));
	if (!it)
		goto out;
	for (i = 0; i < ev->n; i++) {
		const struct call *c = &ev->calls[i];

		/* The chain leads to the exit: later calls are the teardown. */
		if (t->ts_ok && c->ts > t->ts)
			continue;
		it[m].c = c;
		it[m++].end = raw_end(c);
	}
	qsort(it, m, sizeof(*it), item_cmp);
	parent = malloc((m + 1) * sizeof(*parent));
	tp = malloc((m + 1) * sizeof(*tp));
	depth = malloc((m + 1) * sizeof(*depth));
	idx = malloc((m + 1) * sizeof(*idx));
	flag = calloc(m + 1, 1);
	if (!parent || !tp || !depth || !idx || !flag)
		goto out;

	for (i = 0; i < m; i++) {
		const struct call *c = it[i].c;
		struct ctx *x = ctx_get(&map, c->cur, c->cpu);
		uint32_t top;

		if (!x)
			goto out;
		top = x->top ? x->top - 1 : TL_NONE;
		/* Calls that ended by the time this one started are done. */
		while (top != TL_NONE && it[top].end <= c->ts)
			top = parent[top];
		parent[i] = top;
		/* A call overlapping the end of the one it started in is cut there. */
		if (top != TL_NONE && it[i].end > it[top].end)
			it[i].end = it[top].end;
		x->top = (uint32_t)i + 1;
		if (chain__has(ch, c))
			flag[i] = F_TASK;
	}
	/* Each call is marked at most once as one the task's calls ran inside. */
	for (i = 0; i < m; i++) {
		if (!(flag[i] & F_TASK))
			continue;
		for (k = parent[i]; k != TL_NONE && !(flag[k] & F_ABOVE); k = parent[k])
			flag[k] |= F_ABOVE;
	}
	/* Parents come first in time order. */
	for (i = 0; i < m; i++)
		if (parent[i] != TL_NONE && (flag[parent[i]] & (F_TASK | F_BELOW)))
			flag[i] |= F_BELOW;

	for (i = 0, k = 0; i < m; i++)
		k += flag[i] != 0;
	tl->v = calloc(k + 1, sizeof(*tl->v));
	if (!tl->v)
		goto out;
	for (i = 0; i < m; i++) {
		uint32_t p = parent[i];
		struct tl_call *v;

		/* The nearest ancestor in the timeline, and how deep under it. */
		if (p == TL_NONE) {
			tp[i] = TL_NONE;
			depth[i] = 0;
		} else if (flag[p]) {
			tp[i] = idx[p];
			depth[i] = depth[p] + 1;
		} else {
			tp[i] = tp[p];
			depth[i] = depth[p];
		}
		if (!flag[i])
			continue;
		idx[i] = (uint32_t)tl->n;
		v = &tl->v[tl->n++];
		v->c = it[i].c;
		v->end = it[i].end;
		v->parent = tp[i];
		v->depth = depth[i];
		v->of_task = flag[i] & F_TASK;
		tl->of_task += v->of_task;
	}
	tl->ref_exit = t->ts_ok;
	tl->ref = t->ts;
	if (!t->ts_ok)
		for (i = 0; i < tl->n; i++)
			if (tl->v[i].c->ts > tl->ref)
				tl->ref = tl->v[i].c->ts;
	err = 0;
out:
	free(it);
	free(parent);
	free(tp);
	free(depth);
	free(idx);
	free(flag);
	free(map.v);
	if (err)
		timeline__free(tl);
	return err;
}

void timeline__window(struct timeline *tl, uint64_t since_ns, size_t last)
{
	size_t i = tl->first;

	if (since_ns)
		while (i < tl->n && tl->v[i].c->ts < tl->ref && tl->ref - tl->v[i].c->ts > since_ns)
			i++;
	if (last && tl->n - i > last)
		i = tl->n - last;
	tl->first = i;
}

void timeline__free(struct timeline *tl)
{
	free(tl->v);
	memset(tl, 0, sizeof(*tl));
}
