// SPDX-License-Identifier: GPL-2.0
/* Picking the causal task and its calls, in time order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stitch.h"

/* Deterministic: timestamp, then CPU, then input order. */
static int call_cmp(const void *a, const void *b)
{
	const struct call *x = *(const struct call *const *)a, *y = *(const struct call *const *)b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->lineno < y->lineno ? -1 : x->lineno > y->lineno;
}

int chain__build(struct chain *ch, struct events *ev, bool history)
{
	const struct trigger *t = &ev->trig;
	size_t i, n = 0, *last = NULL;

	memset(ch, 0, sizeof(*ch));
	ch->history = history;
	ch->recorded = ev->n;
	ch->causal_pid = -1;
	if (!t->found) {
		if (ev->meta.trigger_available == 0)
			ch->why_none = "trigger unavailable in this kernel";
		else if (ev->meta.error)
			ch->why_none = "probe failed";
		else if (!ev->n && !ev->meta.seen)
			ch->why_none = "no probe data";
		else
			ch->why_none = "trigger never fired";
		return 0;
	}
	/*
	 * A crash in a callback often runs in another task's context (a
	 * kworker waking the task being enqueued): the task the callback was
	 * handling is the one the scheduler choked on.
	 */
	if (t->inflight_task) {
		ch->causal_why = CAUSAL_INFLIGHT;
		ch->causal = t->inflight_task;
		ch->causal_pid = t->inflight_pid;
		ch->causal_comm = t->inflight_comm;
	} else {
		ch->causal_why = CAUSAL_CURRENT;
		ch->causal = t->current;
		ch->causal_pid = t->current_pid;
		ch->causal_comm = t->current_comm;
	}

	ch->calls = malloc((ev->n ? ev->n : 1) * sizeof(*ch->calls));
	if (!ch->calls)
		return -ENOMEM;
	for (i = 0; i < ev->n; i++) {
		struct call *c = &ev->calls[i];

		/* A NULL task argument (dispatch's prev) names no task: go by current. */
		if (!ch->causal || ((c->has_task && c->task) ? c->task : c->cur) != ch->causal)
			continue;
		/*
		 * The chain leads to the exit: later calls are the teardown.
		 * Without the exit's time stamp none can be told apart.
		 */
		if (t->ts_ok && c->ts > t->ts) {
			ch->after_exit++;
			continue;
		}
		ch->calls[n++] = c;
	}
	ch->of_task = n;
	qsort(ch->calls, n, sizeof(*ch->calls), call_cmp);
	if (!history && n) {
		/* The last call of each function, still in time order. */
		size_t m = 0;

		last = malloc(ev->nfuncs * sizeof(*last));
		if (!last)
			return -ENOMEM;
		for (i = 0; i < n; i++)
			last[ch->calls[i]->func] = i;
		for (i = 0; i < n; i++)
			if (last[ch->calls[i]->func] == i)
				ch->calls[m++] = ch->calls[i];
		n = m;
		free(last);
	}
	ch->n = n;
	if (!n)
		ch->why_none = "no event of the causal task";
	return 0;
}

void chain__free(struct chain *ch)
{
	free(ch->calls);
	memset(ch, 0, sizeof(*ch));
}
