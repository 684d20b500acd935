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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "text.h"
#include "probe.h"

#define MAX_LINE (64 << 10)

/* Printable ASCII only: comms and strings read from kernel memory. */
void probe__ascii(char *buf, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && s[i] && o < PROBE_ASCII_MAX - 1; i++)
		buf[o++] = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ? s[i] : '?';
	buf[o] = '\0';
}

static json_t *safe_string(const char *s, size_t n)
{
	char buf[PROBE_ASCII_MAX];

	probe__ascii(buf, s, n);
	return json_string(buf);
}

int probe__hex_digit(char c)
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
bool probe__is_hex(const char *s)
{
	size_t i, n;

	if (!s || strncmp(s, "0x", 2))
		return false;
	n = strlen(s + 2);
	if (!n || n > 16)
		return false;
	for (i = 0; i < n; i++)
		if (probe__hex_digit(s[2 + i]) < 0)
			return false;
	return true;
}

bool probe__get_uint(const json_t *o, const char *key, long long max, long long *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return false;
	*out = json_integer_value(v);
	return true;
}

static json_t *hex_arg(const json_t *v)
{
	const char *s = json_string_value(v);

	return probe__is_hex(s) ? json_string(s) : json_null();
}

static void on_trigger(struct conv *c, const json_t *rec)
{
	json_t *o = json_object();
	long long cpu, ts, pid, inf = -1;

	if (!probe__get_uint(rec, "cpu", 65535, &cpu) || !probe__get_uint(rec, "ts", INT64_MAX, &ts)) {
		c->bad_lines++;
		json_decref(o);
		return;
	}
	json_object_set_new(o, "type", json_string("trigger"));
	json_object_set_new(o, "ts", json_integer(ts));
	json_object_set_new(o, "cpu", json_integer(cpu));
	json_object_set_new(o, "exit_kind", hex_arg(json_object_get(rec, "kind")));
	json_object_set_new(o, "current", hex_arg(json_object_get(rec, "task")));
	if (probe__get_uint(rec, "pid", INT32_MAX, &pid))
		json_object_set_new(o, "current_pid", json_integer(pid));
	json_object_set_new(o, "current_comm", safe_string(json__str(rec, "comm", ""), 16));
	if (probe__get_uint(rec, "inflight_depth", 1 << 30, &pid))
		json_object_set_new(o, "inflight_depth", json_integer(pid));
	/* How the agent found the in-flight call and its task (ktstr-probe-agent(1)). */
	if (probe__get_uint(rec, "inflight_by", 255, &pid))
		json_object_set_new(o, "inflight_by", json_integer(pid));
	if (json_object_get(rec, "kf_task"))
		json_object_set_new(o, "kf_task", hex_arg(json_object_get(rec, "kf_task")));
	if (probe__get_uint(rec, "inflight", c->plan->n - 1, &inf)) {
		/* The agent reports the programs it found (prog) before the trigger. */
		json_object_set_new(o, "inflight_func", json_string(c->disc[inf] ? c->disc[inf] : c->plan->t[inf].name));
		json_object_set_new(o, "inflight_task", hex_arg(json_object_get(rec, "inflight_task")));
		if (probe__get_uint(rec, "inflight_pid", INT32_MAX, &pid))
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
	if (json_is_integer(v) && json_integer_value(v) >= 0 && !probe__get_uint(rec, "i", c->plan->n - 1, &i)) {
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

		if (!probe__get_uint(rec, "i", c->plan->n - 1, &i)) {
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

int conv__read(struct conv *c, const char *path)
{
	struct linereader lr;
	size_t seq = 0;
	json_t *probe;
	int err;

	c->triggers = json_array();
	c->progs = json_array();
	if (!c->meta)
		c->meta = json_object();
	probe = json_pack("{s:[], s:{}, s:[], s:[]}", "attach", "phases", "batches", "notes");
	json_object_set_new(c->meta, "probe", probe);
	err = linereader__open(&lr, path, MAX_LINE);
	if (err)
		return err;
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
			/* The agent prints newest first: paired below, in time order. */
			long long ts;

			if (!probe__get_uint(rec, "ts", INT64_MAX, &ts))
				c->bad_lines++;
			else
				err = conv__add_call(c, rec, !strcmp(ev, "exit"), seq++);
		} else if (!strcmp(ev, "trigger"))
			on_trigger(c, rec);
		else
			on_info(c, ev, rec);
		json_decref(rec);
		if (err < 0)
			break;
	}
	linereader__close(&lr);
	if (err >= 0)
		err = conv__pair_calls(c);
	if (c->cut)
		json_object_set_new(c->meta, "stream_cut", json_true());
	return err < 0 ? err : 0;
}

void conv__free(struct conv *c)
{
	json_decref(c->meta);
	json_decref(c->triggers);
	json_decref(c->progs);
	c->meta = c->triggers = c->progs = NULL;
	free(c->calls);
	free(c->hits);
	strbuf__free(&c->text);
	c->calls = NULL;
	c->hits = NULL;
	c->ncalls = c->capcalls = c->nhits = 0;
}
