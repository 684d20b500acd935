// SPDX-License-Identifier: GPL-2.0
/* Picking the causal task and its calls, in time order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "scx.h"
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

/* The watchdog's "4.272s", "3000ms": printed as is, so only these (the message is the guest's). */
#define STALL_TIME_CHARS "0123456789.nums"

/*
 * The task a watchdog exit names: "<comm>[<pid>] failed to run for N s".
 * Its pointer is current's in any call it made itself. 0: none found.
 */
static uint64_t stalled_task(struct chain *ch, const struct events *ev, long long *pid)
{
	const char *m = ev->trig.msg, *open, *after;
	size_t i, clen;
	char *end;
	long long p;

	if (!m || !ev->trig.kind_ok || ev->trig.kind != SCX_EXIT_KIND_ERROR_STALL ||
	    !(after = strstr(m, "] failed to run for ")))
		return 0;
	for (open = after; open > m && open[-1] != '['; open--)
		;
	if (open == m)
		return 0;
	p = strtoll(open, &end, 10);
	if (end == open || end != after || p < 0)
		return 0;
	clen = open - 1 - m;
	snprintf(ch->stall_comm, sizeof(ch->stall_comm), "%.*s", (int)(clen < 31 ? clen : 31), m);
	ch->stall_for = after + 20;
	ch->stall_for_len = strspn(ch->stall_for, STALL_TIME_CHARS);
	for (i = ev->n; i-- > 0;) {
		if (ev->calls[i].pid == p && ev->calls[i].cur) {
			*pid = p;
			return ev->calls[i].cur;
		}
	}
	return 0;
}

/* A function's name says which step it is: simple_enqueue, enqueue_task_scx, ops.running. */
bool chain__func_is(const char *name, const char *what)
{
	return strstr(name, what) != NULL;
}

/* "watchdog failed to check in for 2.004s": the watchdog's own work did not run; no task named. */
static bool checkin_stall(const struct events *ev, struct chain *ch)
{
	const char *m = ev->trig.msg, *after;

	if (!m || !ev->trig.kind_ok || ev->trig.kind != SCX_EXIT_KIND_ERROR_STALL ||
	    !(after = strstr(m, "failed to check in for ")))
		return false;
	ch->stall_for = after + 23;
	ch->stall_for_len = strspn(ch->stall_for, STALL_TIME_CHARS);
	return true;
}

struct wait_ev {
	uint64_t task, ts;
	uint32_t line;
	int what;	/* 1 enqueued, 0 ran or left the queue */
};

static int wait_cmp(const void *a, const void *b)
{
	const struct wait_ev *x = a, *y = b;

	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* comm of a task from its latest call as current; false: none recorded. */
static bool task_comm(const struct events *ev, uint64_t task, char *buf, size_t sz, long long *pid)
{
	size_t i;

	for (i = ev->n; i-- > 0;) {
		const struct call *c = &ev->calls[i];
		json_t *rec;
		bool ok;

		if (c->cur != task || c->pid < 0)
			continue;
		*pid = c->pid;
		rec = events__record(ev, c);
		ok = rec && json_is_string(json_object_get(rec, "comm"));
		if (ok)
			snprintf(buf, sz, "%s", json_string_value(json_object_get(rec, "comm")));
		json_decref(rec);
		return ok;
	}
	return false;
}

/*
 * The repro VM's probe agent (comm "ktstr-probe-age") is stalled with the
 * rest but is ktstr's, not the scenario's: a task of the scenario is
 * preferred to it.
 */
static bool is_agent(const struct events *ev, uint64_t task)
{
	char comm[32];
	long long pid;

	return task_comm(ev, task, comm, sizeof(comm), &pid) && !strcmp(comm, "ktstr-probe-age");
}

/*
 * The task the watchdog would have named had its work run: of the tasks
 * whose last recorded step before the exit was an enqueue (not a run, not a
 * dequeue), the one enqueued longest ago, the probe agent last. 0: none, or
 * out of memory.
 */
static uint64_t longest_waiting(const struct events *ev, uint64_t *since)
{
	const struct trigger *t = &ev->trig;
	struct wait_ev *w = malloc((ev->n ? ev->n : 1) * sizeof(*w));
	uint64_t best = 0;
	bool best_agent = false;
	size_t i, n = 0;

	if (!w)
		return 0;
	for (i = 0; i < ev->n; i++) {
		const struct call *c = &ev->calls[i];
		const char *f = ev->funcs[c->func].name;
		int what;

		if (!c->has_task || !c->task || (t->ts_ok && c->ts > t->ts))
			continue;
		if (chain__func_is(f, "enqueue"))
			what = 1;
		else if (chain__func_is(f, "running") || chain__func_is(f, "set_next_task") ||
			 chain__func_is(f, "dequeue") || chain__func_is(f, "quiescent"))
			what = 0;
		else
			continue;
		w[n++] = (struct wait_ev){ c->task, c->ts, c->lineno, what };
	}
	qsort(w, n, sizeof(*w), wait_cmp);
	for (i = 0; i < n; i++) {
		/* The last step of each task, and the enqueue that began its wait. */
		size_t j = i;

		if (i + 1 < n && w[i + 1].task == w[i].task)
			continue;
		if (!w[i].what)
			continue;
		bool agent;

		while (j > 0 && w[j - 1].task == w[i].task && w[j - 1].what)
			j--;
		agent = is_agent(ev, w[i].task);
		if (!best || (best_agent && !agent) || (agent == best_agent && w[j].ts < *since)) {
			best = w[i].task;
			best_agent = agent;
			*since = w[j].ts;
		}
	}
	free(w);
	return best;
}

/* pid and comm of a task from a call it made itself (current was the task). */
static void task_ident(struct chain *ch, const struct events *ev, uint64_t task)
{
	if (task_comm(ev, task, ch->stall_comm, sizeof(ch->stall_comm), &ch->causal_pid))
		ch->causal_comm = ch->stall_comm;
}

/*
 * A call the exit was raised inside of: on the exit's CPU, by the task
 * current there, entered before the exit and not returned by then
 * (find_dsq_for_dispatch() raising "non-existent DSQ" while it enqueues
 * another task). Part of the chain of the task such a kernel call was
 * handling, whatever its arguments. (When a BPF callback was in flight, the
 * exit came from inside it, and current's own calls are another story: an
 * interrupted write, say.)
 */
static bool in_exit_path(const struct call *c, const struct trigger *t)
{
	return t->ts_ok && c->has_entry && c->cpu == t->cpu && c->cur == t->current && c->ts <= t->ts &&
	       (!c->has_exit || c->ts_exit >= t->ts);
}

/*
 * The innermost recorded call with a task argument that the task current
 * at the exit was inside of on the exit's CPU, when no BPF callback was in
 * flight: a kernel-raised error (a task inserted into a DSQ that does not
 * exist) fires after the callback returned, inside enqueue_task_scx() or
 * find_dsq_for_dispatch(), in a waker's context; the task those calls
 * handle is the one the scheduler choked on. NULL: none.
 */
static const struct call *kernel_inflight(const struct events *ev)
{
	const struct trigger *t = &ev->trig;
	const struct call *best = NULL;
	size_t i;

	for (i = 0; i < ev->n; i++) {
		const struct call *c = &ev->calls[i];
		const struct target *tgt = ev->funcs[c->func].tgt;

		/* BPF callbacks in flight are the probe's to tell (its in-flight stack). */
		if (!tgt || !tgt->kind || strcmp(tgt->kind, "kernel") != 0)
			continue;
		if (!c->has_task || !c->task || !in_exit_path(c, t))
			continue;
		if (!best || c->ts > best->ts)
			best = c;
	}
	return best;
}

/* When the trigger's in-flight callback was entered: its latest call on the exit's CPU before the exit. 0: none. */
static uint64_t inflight_entry(const struct events *ev)
{
	const struct trigger *t = &ev->trig;
	uint64_t best = 0;
	size_t i;

	if (!t->inflight_func)
		return 0;
	for (i = 0; i < ev->n; i++) {
		const struct call *c = &ev->calls[i];

		if (in_exit_path(c, t) && c->has_task && c->task == t->inflight_task && c->ts > best &&
		    !strcmp(ev->funcs[c->func].name, t->inflight_func))
			best = c->ts;
	}
	return best;
}

int chain__build(struct chain *ch, struct events *ev, bool history)
{
	const struct call *kin = NULL;
	uint64_t stalled;
	long long spid = -1;
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
	if ((stalled = stalled_task(ch, ev, &spid))) {
		/*
		 * A stall: current at the exit is the watchdog's context; the
		 * task to follow is the one it named, and what matters is when
		 * it was last enqueued and run: its own history, timed to the exit.
		 */
		ch->causal_why = CAUSAL_STALLED;
		ch->causal = stalled;
		ch->causal_pid = spid;
		ch->causal_comm = ch->stall_comm;
		ch->history = true;
		ch->rel_exit = t->ts_ok;
	} else if (checkin_stall(ev, ch)) {
		/*
		 * No task named: the watchdog's work itself did not run. The
		 * task left waiting longest stands in for the one it would have
		 * named; with none seen, the exit CPU's own calls are the story.
		 */
		uint64_t since = 0, w = longest_waiting(ev, &since);

		ch->history = true;
		ch->rel_exit = t->ts_ok;
		if (w) {
			ch->causal_why = CAUSAL_WAITING;
			ch->causal = w;
			task_ident(ch, ev, w);
		} else {
			ch->causal_why = CAUSAL_CPU;
			ch->cpu = t->cpu;
		}
	} else if (t->inflight_task) {
		ch->causal_why = CAUSAL_INFLIGHT;
		ch->causal = t->inflight_task;
		ch->causal_pid = t->inflight_pid;
		ch->causal_comm = t->inflight_comm;
		ch->inflight_func = t->inflight_func;
		/*
		 * The kernel calls the callback made that were still running
		 * at the exit (scx_bpf_error_bstr with its fmt) are its story,
		 * whatever current was; those current was in before it (an
		 * interrupted write) are not.
		 */
		if ((ch->exit_from = inflight_entry(ev)))
			ch->exit_path = t;
	} else if ((kin = kernel_inflight(ev))) {
		ch->causal_why = CAUSAL_INFLIGHT;
		ch->causal = kin->task;
		ch->inflight_func = ev->funcs[kin->func].name;
		ch->exit_path = t;
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

		if (!chain__has(ch, c))
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
	if (!ch->history && n) {
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

bool chain__has(const struct chain *ch, const struct call *c)
{
	if (ch->causal_why == CAUSAL_CPU)
		return c->cpu == ch->cpu;
	/* A NULL task argument (dispatch's prev) names no task: go by current. */
	return ch->causal && (((c->has_task && c->task) ? c->task : c->cur) == ch->causal ||
			      (ch->exit_path && in_exit_path(c, ch->exit_path) && c->ts >= ch->exit_from));
}

void chain__free(struct chain *ch)
{
	free(ch->calls);
	memset(ch, 0, sizeof(*ch));
}
