// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline as a Perfetto (Chrome trace-event) trace: a track per CPU with
 * the calls as slices nested as they ran, a track of the causal task's own
 * calls, the exit as an instant. Trace viewers require the slices of a track
 * to nest strictly; calls of two tasks can overlap on one CPU (a call that
 * slept while another task ran), so such a call goes to a second track of
 * that CPU ("CPU 3 (2)"), up to TRACK_LANES, and is cut to fit past that.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "stitch.h"
#include "trace.h"

#define TRACE_PID 1
#define TRACK_LANES 4
#define CPU_SLOTS 65537			/* CPUs 0-65535 and the unknown one */
#define TASK_TID 1000000		/* above every CPU track's tid */

/* The tid of a CPU's track: lane 0 is the CPU's number. */
static int cpu_tid(int cpu, unsigned lane)
{
	return (cpu < 0 ? CPU_SLOTS - 1 : cpu) + (int)lane * CPU_SLOTS;
}

struct slice {
	uint64_t start, end;
	uint32_t parent;		/* slice index, TL_NONE */
	uint32_t below;			/* the slice under it on its lane's stack */
	uint32_t depth;			/* how many are under it there */
	uint8_t lane;
};

/*
 * Put each slice (in time order, longer first at one time) on a lane of its
 * group where it nests: its parent's when the parent is still that lane's
 * innermost, else the first lane where it fits, else a new lane, else cut to
 * fit the first. top holds TRACK_LANES stacks per group.
 */
static void lanes_assign(struct slice *s, size_t n, const uint32_t *group, uint32_t *top,
			 uint8_t *nlanes)
{
	size_t i;
	unsigned l;

	for (i = 0; i < n; i++) {
		uint32_t *tg = &top[(size_t)group[i] * TRACK_LANES];
		unsigned pick = TRACK_LANES;

		for (l = 0; l < nlanes[group[i]]; l++)
			while (tg[l] != TL_NONE && s[tg[l]].end <= s[i].start)
				tg[l] = s[tg[l]].below;
		if (s[i].parent != TL_NONE && group[s[i].parent] == group[i] &&
		    tg[s[s[i].parent].lane] == s[i].parent)
			pick = s[s[i].parent].lane;
		for (l = 0; pick == TRACK_LANES && l < nlanes[group[i]]; l++)
			if (tg[l] == TL_NONE || s[tg[l]].end >= s[i].end)
				pick = l;
		if (pick == TRACK_LANES && nlanes[group[i]] < TRACK_LANES)
			pick = nlanes[group[i]]++;
		if (pick == TRACK_LANES)
			pick = 0;
		/* Under a parent that was itself cut to fit: cut to fit it. */
		if (tg[pick] != TL_NONE && s[i].end > s[tg[pick]].end)
			s[i].end = s[tg[pick]].end;
		s[i].lane = (uint8_t)pick;
		s[i].below = tg[pick];
		s[i].depth = tg[pick] == TL_NONE ? 0 : s[tg[pick]].depth + 1;
		tg[pick] = (uint32_t)i;
	}
}

/*
 * Viewers add ts and dur as floating-point microseconds: a call ending in the
 * same nanosecond as the one it ran inside, or as the next one starts, may
 * then seem to end after it. Each level of nesting ends a nanosecond
 * earlier than the one under it, which keeps the order (the error of those
 * sums is far below a nanosecond).
 */
static uint64_t drawn_dur(const struct slice *s)
{
	uint64_t dur = s->end - s->start, cut = (uint64_t)s->depth + 1;

	return dur > cut ? dur - cut : 0;
}

/* The decoded fields of a call as args: "p.dsq_id": "SCX_DSQ_INVALID → SCX_DSQ_LOCAL". */
static json_t *call_args(const struct vcall *vc, const struct tl_call *t, size_t n)
{
	json_t *args = json_object();
	struct strbuf key = { 0 };
	size_t j;

	for (j = 0; args && j < vc->n; j++) {
		const struct vline *l = &vc->lines[j];
		char *val = NULL;

		if (l->header)
			continue;
		strbuf__reset(&key);
		if (vline__key(l, &key))
			break;
		if (l->exit && asprintf(&val, "%s \xe2\x86\x92 %s", l->entry, l->exit) < 0)
			break;
		json_object_set_new(args, key.buf, render__jstr(val ? val : l->entry));
		free(val);
	}
	strbuf__free(&key);
	if (args && vc->source)
		json_object_set_new(args, "source", render__jstr(vc->source));
	if (args) {
		json_object_set_new(args, "n", json_integer((json_int_t)n + 1));
		json_object_set_new(args, "of_task", json_boolean(t->of_task));
	}
	return args;
}

/* Slices of the timeline's window: per CPU (group: the CPU's slot), then the task's own (group CPU_SLOTS). */
struct plan {
	struct slice *s;
	uint32_t *group, *call, *top;
	uint8_t *nlanes;
	size_t n;
};

static int plan_build(struct plan *p, const struct timeline *tl, uint64_t end_all)
{
	size_t w = tl->n - tl->first, i, k, ntask = 0;
	uint32_t *slot = NULL;

	memset(p, 0, sizeof(*p));
	p->s = calloc(2 * w + 1, sizeof(*p->s));
	p->group = calloc(2 * w + 1, sizeof(*p->group));
	p->call = calloc(2 * w + 1, sizeof(*p->call));
	p->top = malloc((size_t)(CPU_SLOTS + 1) * TRACK_LANES * sizeof(*p->top));
	p->nlanes = calloc(CPU_SLOTS + 1, 1);
	slot = malloc((w + 1) * sizeof(*slot));
	if (!p->s || !p->group || !p->call || !p->top || !p->nlanes || !slot) {
		free(slot);
		return -ENOMEM;
	}
	memset(p->top, 0xff, (size_t)(CPU_SLOTS + 1) * TRACK_LANES * sizeof(*p->top));
	for (i = tl->first, k = 0; i < tl->n; i++, k++) {
		const struct tl_call *t = &tl->v[i];

		p->s[k].start = t->c->ts;
		p->s[k].end = t->end == TL_OPEN ? end_all : t->end;
		p->s[k].parent = t->parent != TL_NONE && t->parent >= tl->first ?
				 (uint32_t)(t->parent - tl->first) : TL_NONE;
		p->group[k] = t->c->cpu < 0 ? CPU_SLOTS - 1 : (uint32_t)t->c->cpu;
		p->call[k] = (uint32_t)i;
		slot[k] = TL_NONE;
	}
	lanes_assign(p->s, w, p->group, p->top, p->nlanes);
	/* The task's own calls, nested under the nearest of its own they ran inside. */
	for (i = tl->first, k = 0; i < tl->n; i++, k++) {
		const struct tl_call *t = &tl->v[i];
		struct slice *d;
		uint32_t up;

		if (!t->of_task)
			continue;
		d = &p->s[w + ntask];
		*d = p->s[k];
		d->parent = TL_NONE;
		for (up = p->s[k].parent; up != TL_NONE; up = p->s[up].parent)
			if (slot[up] != TL_NONE) {
				d->parent = slot[up] - (uint32_t)w;
				break;
			}
		slot[k] = (uint32_t)(w + ntask);
		p->group[w + ntask] = CPU_SLOTS;
		p->call[w + ntask] = (uint32_t)i;
		ntask++;
	}
	/* lanes_assign indexes parents within the array it is given. */
	lanes_assign(p->s + w, ntask, p->group + w, p->top, p->nlanes);
	p->n = w + ntask;
	free(slot);
	return 0;
}

static void plan_free(struct plan *p)
{
	free(p->s);
	free(p->group);
	free(p->call);
	free(p->top);
	free(p->nlanes);
	memset(p, 0, sizeof(*p));
}

static void name_tracks(struct trace_writer *w, const struct plan *p, const char *task)
{
	char name[160];
	size_t g;
	unsigned l;

	for (g = 0; g < CPU_SLOTS; g++) {
		for (l = 0; l < p->nlanes[g]; l++) {
			int n = g == CPU_SLOTS - 1 ? snprintf(name, sizeof(name), "CPU ?")
						   : snprintf(name, sizeof(name), "CPU %zu", g);

			if (l)
				snprintf(name + n, sizeof(name) - (size_t)n, " (%u)", l + 1);
			trace__thread_name(w, TRACE_PID, cpu_tid(g == CPU_SLOTS - 1 ? -1 : (int)g, l),
					   name);
		}
	}
	for (l = 0; l < p->nlanes[CPU_SLOTS]; l++) {
		if (l)
			snprintf(name, sizeof(name), "%s (%u)", task, l + 1);
		else
			snprintf(name, sizeof(name), "%s", task);
		trace__thread_name(w, TRACE_PID, TASK_TID + (int)l, name);
	}
}

/* A record of the JSON format as args: the same keys and values, less its type. */
static json_t *record_args(json_t *rec)
{
	if (rec)
		json_object_del(rec, "type");
	return rec ? rec : json_object();
}

/* Where the exit instant goes: its time, else the latest call's. */
static uint64_t exit_ts(const struct render_opts *o)
{
	const struct trigger *t = &o->ev->trig;
	uint64_t ts = 0;
	size_t i;

	if (t->ts_ok)
		return t->ts;
	for (i = 0; i < o->ch->n; i++)
		if (o->ch->calls[i]->ts > ts)
			ts = o->ch->calls[i]->ts;
	return ts;
}

static int perfetto(const struct render_opts *o);

int render__perfetto(const struct render_opts *o)
{
	return render__with_timeline(o, perfetto);
}

static int perfetto(const struct render_opts *o)
{
	const struct chain *ch = o->ch;
	const struct timeline *tl = o->tl;
	const struct trigger *t = &o->ev->trig;
	struct trace_writer w;
	struct strbuf sb = { 0 }, task = { 0 };
	struct vcall vc = { 0 };
	struct plan p = { 0 };
	uint64_t end_all;
	size_t i;
	int err;

	trace__begin(&w, o->f);
	if (!t->found || ch->why_none) {
		if (t->found)
			trace__instant(&w, "scx_exit", "trigger", exit_ts(o), TRACE_PID,
				       cpu_tid(t->cpu, 0), 'g', record_args(render__exit_json(o)));
		return trace__end(&w, json_pack("{s:s}", "why_none", ch->why_none));
	}
	/* Calls still running at the end last to the end of what was recorded. */
	end_all = exit_ts(o);
	for (i = tl->first; i < tl->n; i++) {
		if (tl->v[i].end != TL_OPEN && tl->v[i].end > end_all)
			end_all = tl->v[i].end;
		if (tl->v[i].c->ts > end_all)
			end_all = tl->v[i].c->ts;
	}
	err = plan_build(&p, tl, end_all);
	if (err)
		goto out;
	strbuf__addstr(&sb, "ktstr auto-probe: causal task ");
	strbuf__addstr(&task, "task ");
	if (ch->causal_comm) {
		text__sanitize(&sb, ch->causal_comm, strlen(ch->causal_comm));
		text__sanitize(&task, ch->causal_comm, strlen(ch->causal_comm));
	}
	if (ch->causal_pid >= 0)
		strbuf__addf(&task, "[%lld]", ch->causal_pid);
	strbuf__addf(&sb, " 0x%" PRIx64, ch->causal);
	strbuf__addf(&task, " 0x%" PRIx64, ch->causal);
	trace__process_name(&w, TRACE_PID, sb.buf ? sb.buf : "");
	/* The exit's CPU has a track even when none of the calls ran there. */
	if (!p.nlanes[t->cpu < 0 ? CPU_SLOTS - 1 : t->cpu])
		p.nlanes[t->cpu < 0 ? CPU_SLOTS - 1 : t->cpu] = 1;
	name_tracks(&w, &p, task.buf ? task.buf : "task");
	for (i = 0; i < p.n; i++) {
		const struct tl_call *tc = &tl->v[p.call[i]];
		int tid = p.group[i] == CPU_SLOTS ? TASK_TID + p.s[i].lane
						  : cpu_tid(tc->c->cpu, p.s[i].lane);

		err = vcall__build(&vc, o->ev, tc->c, o->dt);
		if (err)
			goto out;
		trace__complete(&w, vc.func, vc.kind ? vc.kind : "call", p.s[i].start,
				drawn_dur(&p.s[i]), TRACE_PID, tid, call_args(&vc, tc, p.call[i]));
		vcall__free(&vc);
	}
	trace__instant(&w, "scx_exit", "trigger", exit_ts(o), TRACE_PID, cpu_tid(t->cpu, 0), 'g',
		       record_args(render__exit_json(o)));
	err = trace__end(&w, json_pack("{s:I,s:I,s:I,s:o}", "recorded", (json_int_t)ch->recorded,
				       "shown", (json_int_t)(tl->n - tl->first),
				       "of_task", (json_int_t)tl->of_task,
				       "causal_task", record_args(render__causal_json(o))));
out:
	plan_free(&p);
	strbuf__free(&sb);
	strbuf__free(&task);
	vcall__free(&vc);
	return err;
}
