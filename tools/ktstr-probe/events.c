// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's stream (man/ktstr-probe-agent.1) → the events of
 * man/ktstr-stitch.1: entry and exit records of one call merged into a hit,
 * raw field bytes turned into values, target indexes into names. The stream
 * comes from the guest: every line is checked, a bad one is counted and
 * skipped, nothing in it can make this crash.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "text.h"
#include "probe.h"

#define MAX_LINE (64 << 10)

/* Printable ASCII only: comms and strings read from kernel memory. */
static json_t *safe_string(const char *s, size_t n)
{
	char buf[PROBE_FIELD_MAX * 4 + 1];
	size_t i, o = 0;

	for (i = 0; i < n && s[i] && o < sizeof(buf) - 1; i++)
		buf[o++] = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ? s[i] : '?';
	buf[o] = '\0';
	return json_string(buf);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0x..." of at most 16 digits, as the agent prints pointers and raw values. */
static json_t *hex_arg(const json_t *v)
{
	const char *s = json_string_value(v);
	size_t i, n;

	if (!s || strncmp(s, "0x", 2))
		return json_null();
	n = strlen(s + 2);
	if (!n || n > 16)
		return json_null();
	for (i = 0; i < n; i++)
		if (hexval(s[2 + i]) < 0)
			return json_null();
	return json_string(s);
}

/* Field bytes (hex, little-endian) → "0x..", an array of 64-bit words, or a string. */
static json_t *field_value(const struct pfield *f, const json_t *v)
{
	unsigned char b[PROBE_FIELD_MAX];
	const char *s = json_string_value(v);
	size_t n, i, w;
	json_t *arr;
	char word[19];

	if (json_is_false(v))
		return json_false();	/* the agent's mark: a pointer on the way was NULL */
	if (!s)
		return json_null();
	n = strlen(s);
	if (n % 2 || n / 2 > (size_t)f->size || (!f->str && n / 2 != (size_t)f->size))
		return json_null();
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return json_null();
		b[i] = hi << 4 | lo;
	}
	n /= 2;
	if (f->str)
		return safe_string((const char *)b, n);
	if (n <= 8) {
		uint64_t x = 0;

		for (i = n; i-- > 0;)
			x = x << 8 | b[i];
		snprintf(word, sizeof(word), "0x%llx", (unsigned long long)x);
		return json_string(word);
	}
	arr = json_array();
	for (w = 0; w < n; w += 8) {
		uint64_t x = 0;

		for (i = (n - w < 8 ? n - w : 8); i-- > 0;)
			x = x << 8 | b[w + i];
		snprintf(word, sizeof(word), "0x%llx", (unsigned long long)x);
		json_array_append_new(arr, json_string(word));
	}
	return arr;
}

static bool get_uint(const json_t *o, const char *key, long long max, long long *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return false;
	*out = json_integer_value(v);
	return true;
}

/* Store each field's value under fields.<param>.<field>.<when>. */
static void add_fields(json_t *hit, const struct ptarget *t, const json_t *f, const char *when)
{
	json_t *fields = json_object_get(hit, "fields");
	int k;

	if (!fields) {
		fields = json_object();
		json_object_set_new(hit, "fields", fields);
	}
	for (k = 0; k < t->nfields; k++) {
		json_t *p = json_object_get(fields, t->f[k].param), *one;

		if (!p) {
			p = json_object();
			json_object_set_new(fields, t->f[k].param, p);
		}
		one = json_object_get(p, t->f[k].name);
		if (!one) {
			one = json_object();
			json_object_set_new(p, t->f[k].name, one);
		}
		json_object_set_new(one, when, field_value(&t->f[k], json_array_get(f, k)));
	}
}

static json_t *new_hit(const struct ptarget *t, const char *name, const json_t *rec, long long cpu)
{
	json_t *hit = json_object(), *args = json_array(), *a = json_object_get(rec, "args");
	const char *comm = json__str(rec, "comm", "");
	long long pid = -1;
	int i;

	json_object_set_new(hit, "type", json_string("hit"));
	json_object_set_new(hit, "func", json_string(name));
	json_object_set_new(hit, "cpu", json_integer(cpu));
	json_object_set_new(hit, "task_ptr", hex_arg(json_object_get(rec, "task")));
	if (get_uint(rec, "pid", INT32_MAX, &pid))
		json_object_set_new(hit, "pid", json_integer(pid));
	json_object_set_new(hit, "comm", safe_string(comm, 16));
	for (i = 0; i < t->nargs; i++)
		json_array_append_new(args, hex_arg(json_array_get(a, i)));
	json_object_set_new(hit, "args", args);
	return hit;
}

/* Calls not yet returned: "task:index" → stack of positions in hits. */
static void push_open(json_t *open, const char *key, size_t pos)
{
	json_t *st = json_object_get(open, key);

	if (!st) {
		st = json_array();
		json_object_set_new(open, key, st);
	}
	json_array_append_new(st, json_integer(pos));
}

static long long pop_open(json_t *open, const char *key)
{
	json_t *st = json_object_get(open, key);
	size_t n = json_array_size(st);
	long long pos;

	if (!n)
		return -1;
	pos = json_integer_value(json_array_get(st, n - 1));
	json_array_remove(st, n - 1);
	return pos;
}

static void on_call(struct conv *c, json_t *open, const json_t *rec, bool is_exit)
{
	long long i, cpu, ts, pos = -1;
	const struct ptarget *t;
	const json_t *f = json_object_get(rec, "f");
	const char *task = json__str(rec, "task", "?");
	char key[64];
	json_t *hit;

	if (!get_uint(rec, "i", c->plan->n - 1, &i) || !get_uint(rec, "cpu", 65535, &cpu) ||
	    !get_uint(rec, "ts", INT64_MAX, &ts) || !json_is_array(f)) {
		c->bad_lines++;
		return;
	}
	t = &c->plan->t[i];
	snprintf(key, sizeof(key), "%.24s:%lld", task, i);
	if (is_exit)
		pos = pop_open(open, key);
	if (pos >= 0) {
		hit = json_array_get(c->hits, pos);
	} else {
		hit = new_hit(t, c->disc[i] ? c->disc[i] : t->name, rec, cpu);
		json_array_append_new(c->hits, hit);
		if (!is_exit)
			push_open(open, key, json_array_size(c->hits) - 1);
	}
	json_object_set_new(hit, is_exit ? "ts_exit" : "ts_entry", json_integer(ts));
	add_fields(hit, t, f, is_exit ? "exit" : "entry");
	if (is_exit && t->has_ret)
		json_object_set_new(hit, "ret", hex_arg(json_object_get(rec, "ret")));
}

static void on_trigger(struct conv *c, const json_t *rec)
{
	json_t *o = json_object();
	long long cpu, ts, pid, inf = -1;

	if (!get_uint(rec, "cpu", 65535, &cpu) || !get_uint(rec, "ts", INT64_MAX, &ts)) {
		c->bad_lines++;
		json_decref(o);
		return;
	}
	json_object_set_new(o, "type", json_string("trigger"));
	json_object_set_new(o, "ts", json_integer(ts));
	json_object_set_new(o, "cpu", json_integer(cpu));
	json_object_set_new(o, "exit_kind", hex_arg(json_object_get(rec, "kind")));
	json_object_set_new(o, "current", hex_arg(json_object_get(rec, "task")));
	if (get_uint(rec, "pid", INT32_MAX, &pid))
		json_object_set_new(o, "current_pid", json_integer(pid));
	json_object_set_new(o, "current_comm", safe_string(json__str(rec, "comm", ""), 16));
	if (get_uint(rec, "inflight_depth", 1 << 30, &pid))
		json_object_set_new(o, "inflight_depth", json_integer(pid));
	/* How the agent found the in-flight call and its task (ktstr-probe-agent(1)). */
	if (get_uint(rec, "inflight_by", 255, &pid))
		json_object_set_new(o, "inflight_by", json_integer(pid));
	if (json_object_get(rec, "kf_task"))
		json_object_set_new(o, "kf_task", hex_arg(json_object_get(rec, "kf_task")));
	if (get_uint(rec, "inflight", c->plan->n - 1, &inf)) {
		/* The agent reports the programs it found (prog) before the trigger. */
		json_object_set_new(o, "inflight_func", json_string(c->disc[inf] ? c->disc[inf] : c->plan->t[inf].name));
		json_object_set_new(o, "inflight_task", hex_arg(json_object_get(rec, "inflight_task")));
		if (get_uint(rec, "inflight_pid", INT32_MAX, &pid))
			json_object_set_new(o, "inflight_pid", json_integer(pid));
		if (json_is_string(json_object_get(rec, "inflight_comm")))
			json_object_set_new(o, "inflight_comm", safe_string(json__str(rec, "inflight_comm", ""), 16));
	} else {
		json_object_set_new(o, "inflight_func", json_null());
		json_object_set_new(o, "inflight_task", json_null());
	}
	json_array_append_new(c->triggers, o);
}

/*
 * A struct_ops program the agent found in the guest: its op, name and
 * source line. A template target (ops.OP) takes the program's name from
 * here on; the record tells ktstr-stitch which target describes it.
 */
static void on_prog(struct conv *c, const json_t *rec)
{
	json_t *o = json_object(), *name = safe_string(json__str(rec, "name", ""), 127);
	json_t *v = json_object_get(rec, "i");
	long long i = -1;

	json_object_set_new(o, "type", json_string("prog"));
	json_object_set_new(o, "func", name);
	json_object_set_new(o, "op", safe_string(json__str(rec, "op", ""), 47));
	if (json_is_string(json_object_get(rec, "source")) && *json__str(rec, "source", ""))
		json_object_set_new(o, "source", safe_string(json__str(rec, "source", ""), 159));
	if (json_is_integer(v) && json_integer_value(v) >= 0 && !get_uint(rec, "i", c->plan->n - 1, &i)) {
		c->bad_lines++;
		json_decref(o);
		return;
	}
	if (i >= 0) {
		json_object_set_new(o, "target", json_string(c->plan->t[i].name));
		/* Hits name the program; a named target already does. */
		if (!c->disc[i] && *json_string_value(name))
			c->disc[i] = json_string_value(name);
	}
	json_array_append_new(c->progs, o);
}

/* Attach results and timings, for the meta record. */
static void on_info(struct conv *c, const char *ev, const json_t *rec)
{
	json_t *probe = json_object_get(c->meta, "probe");
	long long i;

	if (!strcmp(ev, "attach")) {
		json_t *a = json_object();
		const char *err = json__str(rec, "error", NULL);

		if (!get_uint(rec, "i", c->plan->n - 1, &i)) {
			c->bad_lines++;
			json_decref(a);
			return;
		}
		json_object_set_new(a, "func", json_string(c->disc[i] ? c->disc[i] : c->plan->t[i].name));
		json_object_set_new(a, "how", safe_string(json__str(rec, "how", "?"), 32));
		json_object_set_new(a, "ok", json_boolean(json__bool(rec, "ok", 0)));
		if (json_is_number(json_object_get(rec, "ms")))
			json_object_set_new(a, "ms", json_real(json_number_value(json_object_get(rec, "ms"))));
		if (err)
			json_object_set_new(a, "error", safe_string(err, 128));
		json_array_append_new(json_object_get(probe, "attach"), a);
	} else if (!strcmp(ev, "phase") || !strcmp(ev, "batch") || !strcmp(ev, "trigger_attach") || !strcmp(ev, "hold_attach") ||
		   !strcmp(ev, "stats")) {
		json_t *copy = json_deep_copy(rec);

		json_object_del(copy, "ev");
		if (!strcmp(ev, "phase")) {
			const char *name = json__str(rec, "name", "?");
			char key[40];

			snprintf(key, sizeof(key), "%.32s", name);
			json_object_del(copy, "name");
			json_object_set_new(json_object_get(probe, "phases"), key, copy);
		} else if (!strcmp(ev, "batch")) {
			json_array_append_new(json_object_get(probe, "batches"), copy);
		} else {
			json_object_set_new(probe, ev, copy);
		}
		if (!strcmp(ev, "stats") && json_is_integer(json_object_get(rec, "drops")))
			json_object_set(c->meta, "drops", json_object_get(rec, "drops"));
	} else if (!strcmp(ev, "trigger_unavailable")) {
		json_object_set_new(c->meta, "trigger_available", json_false());
		json_object_set_new(c->meta, "error", json_string("trigger unavailable in this kernel"));
	} else if (!strcmp(ev, "prog")) {
		on_prog(c, rec);
	} else if (!strcmp(ev, "note")) {
		json_array_append_new(json_object_get(probe, "notes"), safe_string(json__str(rec, "msg", ""), 256));
	}
}

struct call {
	json_t *rec;
	long long ts;
	size_t seq;
};

static int call_cmp(const void *a, const void *b)
{
	const struct call *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int conv__read(struct conv *c, const char *path)
{
	struct call *calls = NULL;
	size_t ncalls = 0, cap = 0, i;
	struct linereader lr;
	json_t *open = json_object(), *probe;
	int err;

	c->hits = json_array();
	c->triggers = json_array();
	c->progs = json_array();
	if (!c->meta)
		c->meta = json_object();
	probe = json_pack("{s:[], s:{}, s:[], s:[]}", "attach", "phases", "batches", "notes");
	json_object_set_new(c->meta, "probe", probe);
	err = linereader__open(&lr, path, MAX_LINE);
	if (err) {
		json_decref(open);
		return err;
	}
	while ((err = linereader__next(&lr)) > 0) {
		json_t *rec;
		const char *ev;

		if (lr.truncated || !lr.len) {
			c->bad_lines += lr.truncated;
			continue;
		}
		rec = json_loadb(lr.line, lr.len, 0, NULL);
		ev = json__str(rec, "ev", NULL);
		if (!ev) {
			c->bad_lines++;
			/* A VM that died mid-frame, a full disk: say so, it is not the agent's fault. */
			c->cut = lr.unended;
			json_decref(rec);
			continue;
		}
		c->ready = true;
		if (!strcmp(ev, "entry") || !strcmp(ev, "exit")) {
			/* The agent prints newest first: pair entries and exits in time order. */
			long long ts;

			if (!get_uint(rec, "ts", INT64_MAX, &ts)) {
				c->bad_lines++;
				json_decref(rec);
				continue;
			}
			if (ncalls == cap) {
				struct call *nc = realloc(calls, (cap = cap ? 2 * cap : 1024) * sizeof(*nc));

				if (!nc) {
					json_decref(rec);
					err = -ENOMEM;
					break;
				}
				calls = nc;
			}
			calls[ncalls] = (struct call){ .rec = rec, .ts = ts, .seq = ncalls };
			ncalls++;
			continue;
		} else if (!strcmp(ev, "trigger"))
			on_trigger(c, rec);
		else
			on_info(c, ev, rec);
		json_decref(rec);
	}
	linereader__close(&lr);
	if (ncalls)
		qsort(calls, ncalls, sizeof(*calls), call_cmp);
	for (i = 0; i < ncalls; i++) {
		if (err >= 0)
			on_call(c, open, calls[i].rec, !strcmp(json__str(calls[i].rec, "ev", ""), "exit"));
		json_decref(calls[i].rec);
	}
	free(calls);
	json_decref(open);
	if (c->cut)
		json_object_set_new(c->meta, "stream_cut", json_true());
	return err < 0 ? err : 0;
}

void conv__free(struct conv *c)
{
	json_decref(c->meta);
	json_decref(c->hits);
	json_decref(c->triggers);
	json_decref(c->progs);
	c->meta = c->hits = c->triggers = c->progs = NULL;
}
