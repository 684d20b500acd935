// SPDX-License-Identifier: GPL-2.0
/* The stitched chain as text (for people), JSON lines, or a Perfetto trace. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "stitch.h"
#include "trace.h"

#define ARROW " \xe2\x86\x92 "	/* " → " */

/* Terminal columns of a UTF-8 string: its code points. */
size_t render__width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void pad(FILE *f, size_t n)
{
	while (n--)
		fputc(' ', f);
}

/* A CPU number as text: "?" when the record had none. */
static const char *cpu_str(char *buf, size_t sz, int cpu)
{
	if (cpu < 0)
		snprintf(buf, sz, "?");
	else
		snprintf(buf, sz, "%d", cpu);
	return buf;
}

static json_t *cpu_json(int cpu)
{
	return cpu < 0 ? json_null() : json_integer(cpu);
}

/* Guest strings (comm, messages) are untrusted. */
static void put_safe(FILE *f, const char *s)
{
	struct strbuf sb = { 0 };

	if (!text__sanitize(&sb, s, strlen(s)) && sb.buf)
		fputs(sb.buf, f);
	strbuf__free(&sb);
}

int render__exit_kind(struct strbuf *out, const struct render_opts *o)
{
	const struct trigger *t = &o->ev->trig;

	size_t len = out->len;

	if (!t->kind_ok)
		return strbuf__addstr(out, "unknown");
	if (decode__exit_kind(out, o->dt, t->kind))
		return -ENOMEM;
	/* Without the kernel's enum the number alone was printed. */
	if (out->buf[len] >= '0' && out->buf[len] <= '9')
		return 0;
	return strbuf__addf(out, " (%" PRIu64 ")", t->kind);
}

/* "kdamond.0[51] 0xffff888003a8c000", leaving out what is unknown. */
static void task_desc(FILE *f, const char *comm, long long pid, uint64_t ptr)
{
	if (comm && pid >= 0) {
		put_safe(f, comm);
		fprintf(f, "[%lld]", pid);
	} else if (pid >= 0) {
		fprintf(f, "pid %lld", pid);
	} else if (comm) {
		put_safe(f, comm);
	}
	if (ptr)
		fprintf(f, "%s0x%" PRIx64, comm || pid >= 0 ? " " : "", ptr);
}

/*
 * The calls are decoded one at a time, as they are printed: with --history a
 * task may have tens of thousands, and a decoded call takes kilobytes.
 */

/* The pid field of a task_struct parameter of the call, else -1. */
static long long pid_of_call(const struct vcall *vc)
{
	bool in_task = false;
	size_t j;

	for (j = 0; j < vc->n; j++) {
		const struct vline *l = &vc->lines[j];

		if (l->depth == 1) {
			in_task = l->header && !strncmp(l->name, "task_struct *", 13);
		} else if (in_task && !strcmp(l->name, "pid")) {
			char *end;
			long long pid = strtoll(l->entry, &end, 10);

			if (end != l->entry && !*end)
				return pid;
		}
	}
	return -1;
}

/* The causal task's pid: the trigger's, else the pid field of its latest call. */
static long long causal_pid(const struct render_opts *o)
{
	struct vcall vc;
	long long pid = -1;
	size_t i;

	if (o->ch->causal_pid >= 0 || o->ch->causal_why == CAUSAL_CPU)
		return o->ch->causal_pid;
	for (i = o->ch->n; pid < 0 && i-- > 0;) {
		if (!vcall__build(&vc, o->ev, o->ch->calls[i], o->dt))
			pid = pid_of_call(&vc);
		vcall__free(&vc);
	}
	return pid;
}

/* Columns of the function name of a call as printed (made terminal-safe). */
static size_t func_width(const struct events *ev, const struct call *c)
{
	const char *name = ev->funcs[c->func].name;
	struct strbuf sb = { 0 };
	size_t w;

	if (text__sanitize(&sb, name, strlen(name)) || !sb.buf)
		w = strlen(name);
	else
		w = render__width(sb.buf);
	strbuf__free(&sb);
	return w;
}

static void delta(char *buf, size_t sz, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, sz, "+%" PRIu64 "ns", ns);
	else if (ns < 1000000)
		snprintf(buf, sz, "+%" PRIu64 ".%03" PRIu64 "us", ns / 1000, ns % 1000);
	else if (ns < 1000000000)
		snprintf(buf, sz, "+%" PRIu64 ".%03" PRIu64 "ms", ns / 1000000, ns / 1000 % 1000);
	else
		snprintf(buf, sz, "+%" PRIu64 ".%03" PRIu64 "s", ns / 1000000000,
			 ns / 1000000 % 1000);
}

void render__before(char *buf, size_t sz, uint64_t ts, uint64_t call_ts)
{
	delta(buf, sz, ts > call_ts ? ts - call_ts : 0);
	buf[0] = '-';
}

/*
 * ", into DSQ 0x2a": where an enqueue put the task, from its dsq_id field
 * (scx.ddsp_dsq_id) as the call left it, when that names a DSQ.
 */
static void enq_dsq(const struct render_opts *o, const struct call *enq)
{
	struct vcall vc;
	size_t j;

	if (!vcall__build(&vc, o->ev, enq, o->dt)) {
		for (j = 0; j < vc.n; j++) {
			const struct vline *l = &vc.lines[j];
			const char *v = l->exit ? l->exit : l->entry;

			if (l->depth == 2 && !strcmp(l->name, "dsq_id") && strcmp(v, "?") &&
			    strcmp(v, "SCX_DSQ_INVALID") && strcmp(v, "NULL")) {
				fprintf(o->f, ", into DSQ %s", v);
				break;
			}
		}
	}
	vcall__free(&vc);
}

/*
 * What a stall's reader wants first: when the task was last enqueued and
 * last run, and whether it ran after that enqueue ("enqueued ..., never run
 * since"). From the calls of the task shown.
 */
static void stall_line(const struct render_opts *o)
{
	const struct chain *ch = o->ch;
	const struct events *ev = o->ev;
	const struct call *enq = NULL, *ran = NULL;
	char a[48], b[48];
	size_t i;

	for (i = 0; i < ch->n; i++) {
		const char *f = ev->funcs[ch->calls[i]->func].name;

		if (chain__func_is(f, "enqueue"))
			enq = ch->calls[i];
		if (chain__func_is(f, "running") || chain__func_is(f, "set_next_task"))
			ran = ch->calls[i];
	}
	if (!enq && !ran) {
		fputs("stall: no enqueue or run of the task recorded\n", o->f);
		return;
	}
	fputs("stall:", o->f);
	if (enq) {
		render__before(a, sizeof(a), ev->trig.ts, enq->ts);
		fprintf(o->f, " last enqueued %s (", a);
		put_safe(o->f, ev->funcs[enq->func].name);
		enq_dsq(o, enq);
		fputc(')', o->f);
	}
	if (ran) {
		render__before(b, sizeof(b), ev->trig.ts, ran->ts);
		fprintf(o->f, "%s last run %s (", enq ? "," : "", b);
		put_safe(o->f, ev->funcs[ran->func].name);
		fputc(')', o->f);
	}
	if (enq && (!ran || ran->ts < enq->ts))
		fputs(", not run since it was enqueued", o->f);
	fputc('\n', o->f);
}

static void text_call(FILE *f, const struct vcall *vc)
{
	size_t j, nw = 0, ew = 0;

	for (j = 0; j < vc->n; j++) {
		const struct vline *l = &vc->lines[j];
		size_t w = l->depth * 2 + render__width(l->name);

		if (!l->header && w > nw)
			nw = w;
		if (l->exit && render__width(l->entry) > ew)
			ew = render__width(l->entry);
	}
	for (j = 0; j < vc->n; j++) {
		const struct vline *l = &vc->lines[j];

		pad(f, l->depth * 2);
		fputs(l->name, f);
		if (!l->header) {
			pad(f, nw - l->depth * 2 - render__width(l->name) + 2);
			fputs(l->entry, f);
			if (l->exit) {
				pad(f, ew - render__width(l->entry));
				fputs(ARROW, f);
				fputs(l->exit, f);
			}
		}
		fputc('\n', f);
	}
}

/* A call's name, its source in a column fw wide, then its fields. */
static void text_head(FILE *f, const struct vcall *vc, size_t fw)
{
	fputs(vc->func, f);
	if (vc->source) {
		pad(f, fw - render__width(vc->func) + 2);
		put_safe(f, vc->source);
	}
	fputc('\n', f);
	text_call(f, vc);
}

/* The last call of each function, every field. */
static int text_chain(const struct render_opts *o)
{
	const struct events *ev = o->ev;
	const struct chain *ch = o->ch;
	struct vcall vc = { 0 };
	size_t i, fw = 0;
	int err = 0;

	for (i = 0; i < ch->n; i++) {
		size_t w = func_width(ev, ch->calls[i]);

		if (w > fw)
			fw = w;
	}
	for (i = 0; !err && i < ch->n; i++) {
		err = vcall__build(&vc, ev, ch->calls[i], o->dt);
		if (!err)
			text_head(o->f, &vc, fw);
		vcall__free(&vc);
	}
	if (!err && ch->of_task > ch->n)
		fprintf(o->f, "(%zu calls of this task recorded; --history shows all)\n", ch->of_task);
	return err;
}

/* The timeline with every field: each call numbered, with the time since the previous one. */
static int text_full(const struct render_opts *o)
{
	const struct events *ev = o->ev;
	const struct timeline *tl = o->tl;
	struct vcall vc = { 0 };
	size_t i, fw = 0, nw, dw = 1, cw = 1;
	char (*deltas)[32], cpub[16];
	int err = 0;

	deltas = calloc(tl->n - tl->first + 1, sizeof(*deltas));
	if (!deltas)
		return -ENOMEM;
	nw = (size_t)snprintf(NULL, 0, "%zu", tl->n);
	for (i = tl->first; i < tl->n; i++) {
		const struct call *c = tl->v[i].c;
		char *d = deltas[i - tl->first];
		size_t w = func_width(ev, c);
		int cwi;

		if (w > fw)
			fw = w;
		if (o->ch->rel_exit)
			render__before(d, sizeof(deltas[0]), tl->ref, c->ts);
		else if (i)
			delta(d, sizeof(deltas[0]), c->ts - tl->v[i - 1].c->ts);
		else
			snprintf(d, sizeof(deltas[0]), "-");
		if (strlen(d) > dw)
			dw = strlen(d);
		cwi = snprintf(NULL, 0, "%s", cpu_str(cpub, sizeof(cpub), c->cpu));
		if ((size_t)cwi > cw)
			cw = (size_t)cwi;
	}
	if (tl->first)
		fprintf(o->f, "(%zu earlier call%s left out: --last N or --since -TIME shows more)\n",
			tl->first, tl->first == 1 ? "" : "s");
	for (i = tl->first; !err && i < tl->n; i++) {
		err = vcall__build(&vc, ev, tl->v[i].c, o->dt);
		if (!err) {
			fprintf(o->f, "#%-*zu  %*s  cpu %-*s  ", (int)nw, i + 1, (int)dw,
				deltas[i - tl->first], (int)cw,
				cpu_str(cpub, sizeof(cpub), tl->v[i].c->cpu));
			text_head(o->f, &vc, fw);
		}
		vcall__free(&vc);
	}
	free(deltas);
	return err;
}

int render__with_timeline(const struct render_opts *o, int (*fn)(const struct render_opts *))
{
	struct render_opts w = *o;
	struct timeline own = { 0 };
	int err = 0;

	/* A caller that windowed none (or has no chain) renders the whole timeline. */
	if (!o->tl && o->ev->trig.found && !o->ch->why_none) {
		err = timeline__build(&own, o->ev, o->ch);
		w.tl = &own;
	}
	if (!err)
		err = fn(&w);
	timeline__free(&own);
	return err;
}

int render__text(const struct render_opts *o)
{
	const struct events *ev = o->ev;
	const struct chain *ch = o->ch;
	const struct trigger *t = &ev->trig;
	struct strbuf sb = { 0 };
	char cpub[16];
	long long pid;
	int err;

	if (!t->found) {
		fprintf(o->f, "AUTO-PROBE: no chain: %s", ch->why_none);
		if (ev->meta.error) {
			fputs(": ", o->f);
			put_safe(o->f, ev->meta.error);
		}
		fprintf(o->f, " (%zu call%s recorded)\n", ch->recorded, ch->recorded == 1 ? "" : "s");
		return 0;
	}
	fputs("=== AUTO-PROBE: scx_exit fired ===\n", o->f);
	err = render__exit_kind(&sb, o);
	if (err)
		goto out;
	fprintf(o->f, "exit: %s on cpu %s, current ", sb.buf, cpu_str(cpub, sizeof(cpub), t->cpu));
	task_desc(o->f, t->current_comm, t->current_pid, 0);
	if (t->current_pid < 0 && !t->current_comm)
		fprintf(o->f, "0x%" PRIx64, t->current);
	fputc('\n', o->f);
	if (t->msg) {
		fputs("message: ", o->f);
		put_safe(o->f, t->msg);
		fputc('\n', o->f);
	}
	pid = causal_pid(o);
	fputs("causal task: ", o->f);
	if (ch->causal_why != CAUSAL_CPU)
		task_desc(o->f, ch->causal_comm, pid, ch->causal);
	if (ch->causal_why == CAUSAL_STALLED) {
		fputs(", named by the watchdog (failed to run for ", o->f);
		fprintf(o->f, "%.*s)\n", (int)ch->stall_for_len, ch->stall_for);
		stall_line(o);
	} else if (ch->causal_why == CAUSAL_WAITING) {
		fprintf(o->f, ", runnable longest without running: the watchdog names no task (its own work "
			"did not run for %.*s)\n", (int)ch->stall_for_len, ch->stall_for);
		stall_line(o);
	} else if (ch->causal_why == CAUSAL_CPU) {
		fprintf(o->f, "none named: the watchdog's own work did not run for %.*s and no task was seen "
			"waiting; the calls on cpu %s before the exit\n", (int)ch->stall_for_len, ch->stall_for,
			cpu_str(cpub, sizeof(cpub), t->cpu));
	} else if (ch->causal_why == CAUSAL_INFLIGHT) {
		fputs(", the task of ", o->f);
		put_safe(o->f, ch->inflight_func ? ch->inflight_func : "the callback");
		fprintf(o->f, " in flight on cpu %s\n", cpu_str(cpub, sizeof(cpub), t->cpu));
	} else if (t->inflight_func) {
		fputs(", current at the exit (", o->f);
		put_safe(o->f, t->inflight_func);
		fputs(" in flight has no task argument)\n", o->f);
	} else {
		fputs(", current at the exit (no callback in flight)\n", o->f);
	}
	if (ev->meta.drops > 0)
		fprintf(o->f, "warning: the probe dropped %lld events: calls may be missing\n",
			ev->meta.drops);
	if (ch->why_none) {
		fprintf(o->f, "no chain: %s (%zu call%s recorded)\n", ch->why_none, ch->recorded,
			ch->recorded == 1 ? "" : "s");
		goto out;
	}

	if (o->view == VIEW_CHAIN)
		err = text_chain(o);
	else
		err = render__with_timeline(o, o->view == VIEW_COMPACT ? compact__render : text_full);
out:
	strbuf__free(&sb);
	return err;
}

json_t *render__jstr(const char *s)
{
	json_t *v;

	if (!s)
		return json_null();
	v = json_string(s);
	return v ? v : json_string("?");
}

static json_t *jhex(uint64_t x)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, x);
	return json_string(buf);
}

static json_t *call_params(const struct vcall *vc)
{
	json_t *params = json_array(), *cur = NULL;
	size_t j;

	for (j = 0; j < vc->n; j++) {
		const struct vline *l = &vc->lines[j];
		/* A struct parameter (NULL too) is named as a scalar is, its type in decl. */
		bool decl = l->depth == 1 && strcmp(l->name, l->param);
		json_t *o = json_pack("{s:s}", "name", decl ? l->param : l->name);

		if (decl)
			json_object_set_new(o, "decl", render__jstr(l->name));
		if (!l->header) {
			json_object_set_new(o, "value", render__jstr(l->entry));
			if (l->exit)
				json_object_set_new(o, "exit", render__jstr(l->exit));
		}
		if (l->depth == 1) {
			cur = NULL;
			if (l->header) {
				json_object_set_new(o, "fields", json_array());
				cur = o;
			}
			json_array_append_new(params, o);
		} else if (cur) {
			json_array_append_new(json_object_get(cur, "fields"), o);
		} else {
			json_array_append_new(params, o);
		}
	}
	return params;
}

json_t *render__exit_json(const struct render_opts *o)
{
	const struct trigger *t = &o->ev->trig;
	struct strbuf sb = { 0 };
	json_t *j;

	if (t->kind_ok)
		decode__exit_kind(&sb, o->dt, t->kind);
	j = json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:o,s:o,s:o}",
		      "type", "exit",
		      "exit_kind", t->kind_ok ? render__jstr(sb.buf) : json_null(),
		      "exit_code", t->kind_ok ? json_integer((json_int_t)t->kind) : json_null(),
		      "cpu", cpu_json(t->cpu), "ts", t->ts_ok ? json_integer((json_int_t)t->ts) : json_null(),
		      "current", jhex(t->current), "current_pid", (json_int_t)t->current_pid,
		      "current_comm", render__jstr(t->current_comm),
		      "inflight_func", render__jstr(t->inflight_func),
		      "msg", render__jstr(t->msg));
	strbuf__free(&sb);
	return j;
}

json_t *render__causal_json(const struct render_opts *o)
{
	const struct chain *ch = o->ch;
	json_t *j;

	j = json_pack("{s:s,s:o,s:I,s:o,s:s}", "type", "causal_task",
			 "task", jhex(ch->causal),
			 "pid", (json_int_t)causal_pid(o),
			 "comm", render__jstr(ch->causal_comm),
			 "why", ch->causal_why == CAUSAL_INFLIGHT ? "inflight" :
				ch->causal_why == CAUSAL_STALLED ? "stalled" :
				ch->causal_why == CAUSAL_WAITING ? "waiting" :
				ch->causal_why == CAUSAL_CPU ? "cpu" : "current");
	/* No task named: the calls are the exit CPU's. */
	if (j && ch->causal_why == CAUSAL_CPU)
		json_object_set_new(j, "cpu", json_integer(ch->cpu));
	return j;
}

/* A call record; the timeline's calls say where they nest (t), a chain's do not. */
static int json_call(const struct render_opts *o, const struct call *c, size_t i,
		     const struct call *prev, const struct tl_call *t)
{
	struct vcall vc = { 0 };
	json_t *j;
	int err;

	err = vcall__build(&vc, o->ev, c, o->dt);
	if (err) {
		vcall__free(&vc);
		return err;
	}
	j = json_pack("{s:s,s:I,s:s,s:o,s:o,s:o,s:I,s:I,s:o}", "type", "call",
		      "n", (json_int_t)(i + 1), "func", vc.func,
		      "kind", render__jstr(vc.kind), "source", render__jstr(vc.source),
		      "cpu", cpu_json(c->cpu), "ts", (json_int_t)c->ts,
		      "since_prev_ns", (json_int_t)(prev ? c->ts - prev->ts : 0),
		      "params", call_params(&vc));
	if (j && t) {
		json_object_set_new(j, "ts_exit", c->has_exit ? json_integer((json_int_t)c->ts_exit)
							      : json_null());
		json_object_set_new(j, "depth", json_integer(t->depth));
		json_object_set_new(j, "parent", t->parent == TL_NONE ? json_null()
					 : json_integer((json_int_t)t->parent + 1));
		json_object_set_new(j, "of_task", json_boolean(t->of_task));
	}
	err = j ? jsonl__write(o->f, j) : -ENOMEM;
	json_decref(j);
	vcall__free(&vc);
	return err;
}

static int json_calls(const struct render_opts *o);

int render__json(const struct render_opts *o)
{
	return o->view == VIEW_CHAIN ? json_calls(o) : render__with_timeline(o, json_calls);
}

static int json_calls(const struct render_opts *o)
{
	const struct chain *ch = o->ch;
	const struct timeline *tl = o->tl;
	json_t *j;
	size_t i;
	int err = 0;

	j = json_pack("{s:s,s:o,s:I,s:I,s:I,s:I,s:b}", "type", "stitch",
		      "why_none", render__jstr(ch->why_none),
		      "recorded", (json_int_t)ch->recorded, "of_task", (json_int_t)ch->of_task,
		      "shown", (json_int_t)(o->view == VIEW_CHAIN || !tl ? ch->n : tl->n - tl->first),
		      "drops", (json_int_t)o->ev->meta.drops, "history", o->view != VIEW_CHAIN);
	if (o->ev->meta.error)
		json_object_set_new(j, "probe_error", render__jstr(o->ev->meta.error));
	err = jsonl__write(o->f, j);
	json_decref(j);
	if (err || !o->ev->trig.found)
		return err;
	j = render__exit_json(o);
	err = jsonl__write(o->f, j);
	json_decref(j);
	if (err)
		return err;
	j = render__causal_json(o);
	err = j ? jsonl__write(o->f, j) : -ENOMEM;
	json_decref(j);
	if (o->view == VIEW_CHAIN) {
		for (i = 0; !err && i < ch->n; i++)
			err = json_call(o, ch->calls[i], i, i ? ch->calls[i - 1] : NULL, NULL);
		return err;
	}
	for (i = tl->first; !err && i < tl->n; i++)
		err = json_call(o, tl->v[i].c, i, i ? tl->v[i - 1].c : NULL, &tl->v[i]);
	return err;
}
