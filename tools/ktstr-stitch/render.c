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
static size_t width(const char *s)
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

	if (o->ch->causal_pid >= 0)
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
		w = width(sb.buf);
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

/* "-4.279s": how long before the exit at ts a call at call_ts was. */
static void before_exit(char *buf, size_t sz, uint64_t ts, uint64_t call_ts)
{
	delta(buf, sz, ts > call_ts ? ts - call_ts : 0);
	buf[0] = '-';
}

/* A function's name says which op or kernel step it is (simple_enqueue, enqueue_task_scx). */
static bool func_is(const char *name, const char *what)
{
	return strstr(name, what) != NULL;
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

		if (func_is(f, "enqueue"))
			enq = ch->calls[i];
		if (func_is(f, "running") || func_is(f, "set_next_task"))
			ran = ch->calls[i];
	}
	if (!enq && !ran) {
		fputs("stall: no enqueue or run of the task recorded\n", o->f);
		return;
	}
	fputs("stall:", o->f);
	if (enq) {
		before_exit(a, sizeof(a), ev->trig.ts, enq->ts);
		fprintf(o->f, " last enqueued %s (", a);
		put_safe(o->f, ev->funcs[enq->func].name);
		fputc(')', o->f);
	}
	if (ran) {
		before_exit(b, sizeof(b), ev->trig.ts, ran->ts);
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
		size_t w = l->depth * 2 + width(l->name);

		if (!l->header && w > nw)
			nw = w;
		if (l->exit && width(l->entry) > ew)
			ew = width(l->entry);
	}
	for (j = 0; j < vc->n; j++) {
		const struct vline *l = &vc->lines[j];

		pad(f, l->depth * 2);
		fputs(l->name, f);
		if (!l->header) {
			pad(f, nw - l->depth * 2 - width(l->name) + 2);
			fputs(l->entry, f);
			if (l->exit) {
				pad(f, ew - width(l->entry));
				fputs(ARROW, f);
				fputs(l->exit, f);
			}
		}
		fputc('\n', f);
	}
}

int render__text(const struct render_opts *o)
{
	const struct events *ev = o->ev;
	const struct chain *ch = o->ch;
	const struct trigger *t = &ev->trig;
	struct strbuf sb = { 0 };
	struct vcall vc = { 0 };
	size_t i, fw = 0, nw = 1, dw = 1, cw = 1;
	char (*deltas)[32] = NULL;
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
	fprintf(o->f, "exit: %s on cpu %d, current ", sb.buf, t->cpu);
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
	task_desc(o->f, ch->causal_comm, pid, ch->causal);
	if (ch->causal_why == CAUSAL_STALLED) {
		fputs(", named by the watchdog (failed to run for ", o->f);
		fprintf(o->f, "%.*s)\n", (int)ch->stall_for_len, ch->stall_for);
		stall_line(o);
	} else if (ch->causal_why == CAUSAL_INFLIGHT) {
		fputs(", the task of ", o->f);
		put_safe(o->f, ch->inflight_func ? ch->inflight_func : "the callback");
		fprintf(o->f, " in flight on cpu %d\n", t->cpu);
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

	for (i = 0; i < ch->n; i++) {
		size_t w = func_width(ev, ch->calls[i]);

		if (w > fw)
			fw = w;
	}
	if (ch->history) {
		deltas = calloc(ch->n, sizeof(*deltas));
		if (!deltas) {
			err = -ENOMEM;
			goto out;
		}
		nw = snprintf(NULL, 0, "%zu", ch->n);
		for (i = 0; i < ch->n; i++) {
			int w;

			if (ch->rel_exit)
				before_exit(deltas[i], sizeof(deltas[i]), ev->trig.ts, ch->calls[i]->ts);
			else if (i)
				delta(deltas[i], sizeof(deltas[i]), ch->calls[i]->ts - ch->calls[i - 1]->ts);
			else
				snprintf(deltas[i], sizeof(deltas[i]), "-");
			if (strlen(deltas[i]) > dw)
				dw = strlen(deltas[i]);
			w = snprintf(NULL, 0, "%d", ch->calls[i]->cpu);
			if ((size_t)w > cw)
				cw = w;
		}
	}
	if (ch->left_out)
		fprintf(o->f, "(%zu earlier calls of this task; --history shows all)\n", ch->left_out);
	for (i = 0; i < ch->n; i++) {
		err = vcall__build(&vc, ev, ch->calls[i], o->dt);
		if (err)
			goto out;
		if (ch->history)
			fprintf(o->f, "#%-*zu  %*s  cpu %-*d  ", (int)nw, i + 1, (int)dw, deltas[i],
				(int)cw, ch->calls[i]->cpu);
		fputs(vc.func, o->f);
		if (vc.source) {
			pad(o->f, fw - width(vc.func) + 2);
			put_safe(o->f, vc.source);
		}
		fputc('\n', o->f);
		text_call(o->f, &vc);
		vcall__free(&vc);
	}
	if (!ch->history && ch->of_task > ch->n)
		fprintf(o->f, "(%zu calls of this task recorded; --history shows all)\n", ch->of_task);
out:
	free(deltas);
	strbuf__free(&sb);
	vcall__free(&vc);
	return err;
}

static json_t *jstr(const char *s)
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
		json_t *o = json_pack("{s:s}", "name", l->name);

		if (!l->header) {
			json_object_set_new(o, "value", jstr(l->entry));
			if (l->exit)
				json_object_set_new(o, "exit", jstr(l->exit));
		}
		if (l->depth == 1) {
			if (l->header) {
				json_object_set_new(o, "name", jstr(l->param));
				json_object_set_new(o, "decl", jstr(l->name));
				json_object_set_new(o, "fields", json_array());
				cur = o;
			} else {
				cur = NULL;
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

static json_t *trigger_json(const struct render_opts *o)
{
	const struct trigger *t = &o->ev->trig;
	struct strbuf sb = { 0 };
	json_t *j;

	if (t->kind_ok)
		decode__exit_kind(&sb, o->dt, t->kind);
	j = json_pack("{s:s,s:o,s:o,s:i,s:o,s:o,s:I,s:o,s:o,s:o}",
		      "type", "exit",
		      "exit_kind", t->kind_ok ? jstr(sb.buf) : json_null(),
		      "exit_code", t->kind_ok ? json_integer((json_int_t)t->kind) : json_null(),
		      "cpu", t->cpu, "ts", t->ts_ok ? json_integer((json_int_t)t->ts) : json_null(),
		      "current", jhex(t->current), "current_pid", (json_int_t)t->current_pid,
		      "current_comm", jstr(t->current_comm),
		      "inflight_func", jstr(t->inflight_func),
		      "msg", jstr(t->msg));
	strbuf__free(&sb);
	return j;
}

int render__json(const struct render_opts *o)
{
	const struct chain *ch = o->ch;
	struct vcall vc = { 0 };
	json_t *j;
	size_t i;
	int err = 0;

	j = json_pack("{s:s,s:o,s:I,s:I,s:I,s:I,s:b}", "type", "stitch",
		      "why_none", jstr(ch->why_none),
		      "recorded", (json_int_t)ch->recorded, "of_task", (json_int_t)ch->of_task,
		      "shown", (json_int_t)ch->n, "drops", (json_int_t)o->ev->meta.drops,
		      "history", ch->history);
	if (o->ev->meta.error)
		json_object_set_new(j, "probe_error", jstr(o->ev->meta.error));
	err = jsonl__write(o->f, j);
	json_decref(j);
	if (err || !o->ev->trig.found)
		return err;
	j = trigger_json(o);
	err = jsonl__write(o->f, j);
	json_decref(j);
	if (err)
		return err;
	j = json_pack("{s:s,s:o,s:I,s:o,s:s}", "type", "causal_task",
		      "task", jhex(ch->causal),
		      "pid", (json_int_t)causal_pid(o),
		      "comm", jstr(ch->causal_comm),
		      "why", ch->causal_why == CAUSAL_INFLIGHT ? "inflight" :
			     ch->causal_why == CAUSAL_STALLED ? "stalled" : "current");
	err = jsonl__write(o->f, j);
	json_decref(j);
	for (i = 0; !err && i < ch->n; i++) {
		const struct call *c = ch->calls[i];

		err = vcall__build(&vc, o->ev, c, o->dt);
		if (err)
			break;
		j = json_pack("{s:s,s:I,s:s,s:o,s:o,s:i,s:I,s:I,s:o}", "type", "call",
			      "n", (json_int_t)(i + 1), "func", vc.func,
			      "kind", jstr(vc.kind), "source", jstr(vc.source),
			      "cpu", c->cpu, "ts", (json_int_t)c->ts,
			      "since_prev_ns", (json_int_t)(i ? c->ts - ch->calls[i - 1]->ts : 0),
			      "params", call_params(&vc));
		err = j ? jsonl__write(o->f, j) : -ENOMEM;
		json_decref(j);
		vcall__free(&vc);
	}
	vcall__free(&vc);
	return err;
}

#define TRACE_PID 1

/* Where the exit instant goes: its time, else after the last call shown. */
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

static int cpu_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

int render__perfetto(const struct render_opts *o)
{
	const struct chain *ch = o->ch;
	const struct trigger *t = &o->ev->trig;
	struct trace_writer w;
	struct strbuf sb = { 0 };
	struct vcall vc = { 0 };
	int *cpus = NULL;
	size_t i, j, ncpus = 0;
	int err;

	trace__begin(&w, o->f);
	if (!t->found || ch->why_none) {
		if (t->found) {
			render__exit_kind(&sb, o);
			trace__instant(&w, "scx_exit", "trigger", exit_ts(o), TRACE_PID, t->cpu, 'g',
				       json_pack("{s:s}", "exit_kind", sb.buf ? sb.buf : ""));
		}
		strbuf__free(&sb);
		return trace__end(&w, json_pack("{s:s}", "why_none", ch->why_none));
	}
	cpus = malloc((ch->n + 1) * sizeof(*cpus));
	if (!cpus) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ch->n; i++)
		cpus[ncpus++] = ch->calls[i]->cpu;
	cpus[ncpus++] = t->cpu;
	qsort(cpus, ncpus, sizeof(*cpus), cpu_cmp);
	strbuf__addstr(&sb, "ktstr auto-probe: causal task ");
	if (ch->causal_comm)
		strbuf__addstr(&sb, ch->causal_comm);
	strbuf__addf(&sb, " 0x%" PRIx64, ch->causal);
	trace__process_name(&w, TRACE_PID, sb.buf);
	for (i = 0; i < ncpus; i++) {
		char name[32];

		if (i && cpus[i] == cpus[i - 1])
			continue;
		snprintf(name, sizeof(name), "CPU %d", cpus[i]);
		trace__thread_name(&w, TRACE_PID, cpus[i], name);
	}
	for (i = 0; i < ch->n; i++) {
		const struct call *c = ch->calls[i];
		json_t *args;

		err = vcall__build(&vc, o->ev, c, o->dt);
		if (err)
			goto out;
		args = json_object();
		for (j = 0; j < vc.n; j++) {
			const struct vline *l = &vc.lines[j];

			if (l->header)
				continue;
			strbuf__reset(&sb);
			if (l->depth == 2)
				strbuf__addf(&sb, "%s.", l->param);
			strbuf__addstr(&sb, l->name);
			if (l->exit) {
				char *val = NULL;

				if (asprintf(&val, "%s" ARROW "%s", l->entry, l->exit) > 0) {
					json_object_set_new(args, sb.buf, jstr(val));
					free(val);
				}
			} else {
				json_object_set_new(args, sb.buf, jstr(l->entry));
			}
		}
		if (vc.source)
			json_object_set_new(args, "source", jstr(vc.source));
		trace__complete(&w, vc.func, vc.kind ? vc.kind : "call", c->ts, vc.dur, TRACE_PID,
				c->cpu, args);
		vcall__free(&vc);
	}
	strbuf__reset(&sb);
	render__exit_kind(&sb, o);
	trace__instant(&w, "scx_exit", "trigger", exit_ts(o), TRACE_PID, t->cpu, 'g',
		       json_pack("{s:s}", "exit_kind", sb.buf ? sb.buf : ""));
	err = trace__end(&w, json_pack("{s:I,s:I}", "recorded", (json_int_t)ch->recorded,
				       "shown", (json_int_t)ch->n));
out:
	free(cpus);
	strbuf__free(&sb);
	vcall__free(&vc);
	return err;
}
