// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's stdout: one JSON line per note, attach result and program
 * found, then the records the probes made, read from the flight recorder
 * (flight.c) at the end. Until the ready line, what the
 * attaching phase says is buffered (stdout is the console until then).
 */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "agent.h"
#include "flight.h"

/* Records collected before READY (stdout goes to the console until then). */
static char *early;
static size_t early_len;
static FILE *early_f;

void stream__buffer(void)
{
	early_f = open_memstream(&early, &early_len);
}

void stream__end_buffer(void)
{
	fclose(early_f);
	early_f = NULL;
}

void stream__put_buffered(void)
{
	fwrite(early, 1, early_len, stdout);
}

void stream__free(void)
{
	free(early);
}

FILE *stream__out(void)
{
	return early_f ? early_f : stdout;
}

void stream__attach(int i, const char *how, int err, double ms)
{
	fprintf(stream__out(), "{\"ev\":\"attach\",\"i\":%d,\"how\":\"%s\",\"ok\":%s,\"ms\":%.2f", i, how,
		err ? "false" : "true", ms);
	if (err)
		fprintf(stream__out(), ",\"error\":\"%s\"", strerror(err < 0 ? -err : err));
	fputs("}\n", stream__out());
}

void stream__note(const char *fmt, ...)
{
	va_list ap;

	fputs("{\"ev\":\"note\",\"msg\":\"", stream__out());
	va_start(ap, fmt);
	vfprintf(stream__out(), fmt, ap);	/* callers pass no quotes or controls */
	va_end(ap);
	fputs("\"}\n", stream__out());
}

/*
 * A record's line, built by hand and written at once: printing the
 * flight recorder is most of the agent's teardown, and printf's parsing of
 * its formats was most of that under TCG.
 */
struct line {
	size_t n;
	char b[256 + PROBE_MAX_ARGS * 24 + PROBE_MAX_FIELDS * (2 * PROBE_FIELD_MAX + 4) + 64];
};

static void line_mem(struct line *l, const char *s, size_t n)
{
	if (n > sizeof(l->b) - l->n)
		n = sizeof(l->b) - l->n;
	memcpy(l->b + l->n, s, n);
	l->n += n;
}

#define line_lit(l, s) line_mem((l), (s), sizeof(s) - 1)

static void line_chr(struct line *l, char c)
{
	if (l->n < sizeof(l->b))
		l->b[l->n++] = c;
}

static void line_dec(struct line *l, unsigned long long v)
{
	char d[24];
	int i = sizeof(d);

	do
		d[--i] = '0' + v % 10;
	while ((v /= 10));
	line_mem(l, d + i, sizeof(d) - i);
}

static const char hexdig[] = "0123456789abcdef";

/* "0x..." as %llx prints it, quoted. */
static void line_hex(struct line *l, unsigned long long v)
{
	char d[20];
	int i = sizeof(d);

	d[--i] = '"';
	do
		d[--i] = hexdig[v & 15];
	while ((v >>= 4));
	d[--i] = 'x';
	d[--i] = '0';
	d[--i] = '"';
	line_mem(l, d + i, sizeof(d) - i);
}

/* A JSON string: quotes, backslashes, controls and non-ASCII bytes escaped. */
static void line_jstr(struct line *l, const char *s, size_t max)
{
	size_t i;

	line_chr(l, '"');
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			line_chr(l, '\\');
			line_chr(l, c);
		} else if (c < 0x20 || c >= 0x7f) {
			line_lit(l, "\\u00");
			line_chr(l, hexdig[c >> 4]);
			line_chr(l, hexdig[c & 15]);
		} else {
			line_chr(l, c);
		}
	}
	line_chr(l, '"');
}

/* Quoted hex of n bytes. */
static void line_bytes(struct line *l, const unsigned char *b, int n)
{
	int i;

	line_chr(l, '"');
	for (i = 0; i < n && i < PROBE_FIELD_MAX; i++) {
		line_chr(l, hexdig[b[i] >> 4]);
		line_chr(l, hexdig[b[i] & 15]);
	}
	line_chr(l, '"');
}

/* A JSON string straight to stdout, for the lines still printed with printf. */
static void put_str(const char *s, size_t max)
{
	static struct line l;

	l.n = 0;
	line_jstr(&l, s, max);
	fwrite(l.b, 1, l.n, stdout);
}

static bool trigger_printed;

void stream__event(const struct probe_event *e, size_t len)
{
	static struct line l;
	const struct target *t;
	size_t dlen = len - PROBE_HDR_SZ;
	int i;

	if (e->type == PROBE_EV_TRIGGER) {
		if (trigger_printed)
			return;	/* the first one went out from its map copy */
		trigger_printed = true;
		printf("{\"ev\":\"trigger\",\"cpu\":%u,\"ts\":%llu,\"task\":\"0x%llx\",\"pid\":%u,\"comm\":", e->cpu,
		       (unsigned long long)e->ts, (unsigned long long)e->task, e->pid);
		put_str(e->comm, sizeof(e->comm));
		printf(",\"kind\":\"0x%llx\",\"inflight\":%d,\"inflight_depth\":%llu,\"kf_task\":\"0x%llx\","
		       "\"inflight_by\":%llu", (unsigned long long)e->args[0], e->target < ntg ? e->target : -1,
		       (unsigned long long)e->args[3], (unsigned long long)e->args[4], (unsigned long long)e->args[5]);
		if (e->target < ntg && e->args[1]) {
			printf(",\"inflight_task\":\"0x%llx\",\"inflight_pid\":%llu,\"inflight_comm\":",
			       (unsigned long long)e->args[1], (unsigned long long)e->args[2]);
			put_str(e->icomm, sizeof(e->icomm));
		}
		puts("}");
		return;
	}
	if (e->target >= ntg)
		return;
	t = &tg[e->target];
	l.n = 0;
	line_lit(&l, "{\"ev\":\"");
	if (e->type == PROBE_EV_EXIT)
		line_lit(&l, "exit");
	else
		line_lit(&l, "entry");
	line_lit(&l, "\",\"i\":");
	line_dec(&l, e->target);
	line_lit(&l, ",\"cpu\":");
	line_dec(&l, e->cpu);
	line_lit(&l, ",\"ts\":");
	line_dec(&l, e->ts);
	line_lit(&l, ",\"task\":");
	line_hex(&l, e->task);
	line_lit(&l, ",\"pid\":");
	line_dec(&l, e->pid);
	line_lit(&l, ",\"comm\":");
	line_jstr(&l, e->comm, sizeof(e->comm));
	line_lit(&l, ",\"args\":[");
	for (i = 0; i < t->nargs; i++) {
		if (i)
			line_chr(&l, ',');
		line_hex(&l, e->args[i]);
	}
	line_lit(&l, "],\"f\":[");
	for (i = 0; i < t->nfields; i++) {
		const struct field *f = &t->f[i];
		int n = f->size;

		if (i)
			line_chr(&l, ',');
		if (!(e->ok & (1u << i)) || (size_t)(f->out + f->size) > dlen) {
			/* false: a NULL pointer on the way; null: unreadable. */
			if (e->nul & (1u << i))
				line_lit(&l, "false");
			else
				line_lit(&l, "null");
			continue;
		}
		if (f->str)
			n = strnlen((const char *)e->data + f->out, f->size);
		line_bytes(&l, e->data + f->out, n);
	}
	line_chr(&l, ']');
	if (e->type == PROBE_EV_EXIT) {
		line_lit(&l, ",\"ret\":");
		line_hex(&l, e->ret);
	}
	line_lit(&l, "}\n");
	fwrite(l.b, 1, l.n, stdout);
}

/*
 * While the scenario runs, a thread of its own copies the flight
 * recorder's new records into the per-task history every few
 * milliseconds: a ring of a busy CPU turns over in tens of them.
 */
static volatile int drain_stop;

void stream__stop_drain(void)
{
	drain_stop = 1;
}

void *stream__drain(void *arg)
{
	/*
	 * Real-time (SCHED_FIFO), outside the scheduler under test: sched_ext
	 * schedules only the fair class's tasks. A scheduler that loses or
	 * stalls a task could otherwise lose this thread too, and while it
	 * waits the rings overwrite the very calls that show how it was lost
	 * (seen with scx_simple_lost: the lost task was the agent, its last
	 * enqueue gone). A failure leaves it in the fair class: it still runs.
	 */
	struct sched_param sp = { .sched_priority = 1 };

	(void)arg;
	if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp))
		stream__note("history thread not real-time: its calls go through the scheduler under test");
	while (!drain_stop) {
		flight__scan();
		usleep(5000);
	}
	return NULL;
}

static long printed;

static void print_one(const void *data, size_t len)
{
	stream__event(data, len);
	if (!(++printed % 256))
		fflush(stdout);
}

/* Print what was recorded; the host sorts. */
void stream__print_queue(void)
{
	flight__print(print_one);
	fflush(stdout);
}

void stream__prog(int t, const struct found_prog *f)
{
	printf("{\"ev\":\"prog\",\"i\":%d,\"op\":", t);
	put_str(f->op, sizeof(f->op));
	printf(",\"name\":");
	put_str(f->name, sizeof(f->name));
	printf(",\"id\":%u,\"source\":", f->id);
	put_str(f->source, sizeof(f->source));
	puts("}");
}
