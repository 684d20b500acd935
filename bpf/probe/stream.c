// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's stdout: one JSON line per note, attach result and program
 * found, then the records the probes made, which go ring buffer -> flight
 * recorder (recorder.c) -> printer. Until the ready line, what the
 * attaching phase says is buffered (stdout is the console until then).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "agent.h"
#include "recorder.h"

/* A JSON string: quotes, backslashes, controls and non-ASCII bytes escaped. */
static void put_str(const char *s, size_t max)
{
	size_t i;

	putchar('"');
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

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

/* Quoted hex of n bytes; one fwrite (printing is most of the agent's teardown). */
static void hex_bytes(const unsigned char *b, int n)
{
	static const char digits[] = "0123456789abcdef";
	char buf[2 * PROBE_FIELD_MAX + 2];
	int i, o = 0;

	buf[o++] = '"';
	for (i = 0; i < n && i < PROBE_FIELD_MAX; i++) {
		buf[o++] = digits[b[i] >> 4];
		buf[o++] = digits[b[i] & 15];
	}
	buf[o++] = '"';
	fwrite(buf, 1, o, stdout);
}

static bool trigger_printed;

void stream__event(const struct probe_event *e, size_t len)
{
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
	printf("{\"ev\":\"%s\",\"i\":%u,\"cpu\":%u,\"ts\":%llu,\"task\":\"0x%llx\",\"pid\":%u,\"comm\":",
	       e->type == PROBE_EV_EXIT ? "exit" : "entry", e->target, e->cpu, (unsigned long long)e->ts,
	       (unsigned long long)e->task, e->pid);
	put_str(e->comm, sizeof(e->comm));
	fputs(",\"args\":[", stdout);
	for (i = 0; i < t->nargs; i++)
		printf("%s\"0x%llx\"", i ? "," : "", (unsigned long long)e->args[i]);
	fputs("],\"f\":[", stdout);
	for (i = 0; i < t->nfields; i++) {
		const struct field *f = &t->f[i];
		int n = f->size;

		if (i)
			putchar(',');
		if (!(e->ok & (1u << i)) || (size_t)(f->out + f->size) > dlen) {
			/* false: a NULL pointer on the way; null: unreadable. */
			fputs(e->nul & (1u << i) ? "false" : "null", stdout);
			continue;
		}
		if (f->str)
			n = strnlen((const char *)e->data + f->out, f->size);
		hex_bytes(e->data + f->out, n);
	}
	putchar(']');
	if (e->type == PROBE_EV_EXIT)
		printf(",\"ret\":\"0x%llx\"", (unsigned long long)e->ret);
	puts("}");
}

/*
 * The ring buffer is drained by its own thread into the flight recorder
 * (recorder.c), so a slow console never makes the kernel side drop records.
 */
static volatile int drain_stop;

void stream__stop_drain(void)
{
	drain_stop = 1;
}

int stream__on_record(void *ctx, void *data, size_t len)
{
	const struct probe_event *e = data;
	__u64 task;

	(void)ctx;
	if (len < PROBE_HDR_SZ || len > sizeof(struct probe_event))
		return 0;
	/* A reservation has room for the largest target's fields: keep this one's. */
	if (e->type != PROBE_EV_TRIGGER && e->target < ntg && len > PROBE_HDR_SZ + (size_t)tg[e->target].data_len)
		len = PROBE_HDR_SZ + tg[e->target].data_len;
	/* The task a call is about: its task argument, else current. */
	task = e->task;
	if (e->type != PROBE_EV_TRIGGER && e->target < ntg && tg[e->target].task_param >= 0 &&
	    tg[e->target].task_param < tg[e->target].nargs && e->args[tg[e->target].task_param])
		task = e->args[tg[e->target].task_param];
	recorder__add(data, len, task);
	return 0;
}

void *stream__drain(void *rb)
{
	/* The programs submit without wakeups (see event_done()): read on a timer. */
	while (!drain_stop) {
		ring_buffer__consume(rb);
		usleep(10000);
	}
	ring_buffer__consume(rb);
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
	recorder__drain(print_one);
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
