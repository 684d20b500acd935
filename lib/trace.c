// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "trace.h"

static void put_json(struct trace_writer *w, json_t *v)
{
	errno = 0;
	if (!v)
		w->err = w->err ?: -ENOMEM;
	else if (json_dumpf(v, w->f, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER))
		/* The write's own errno: a full disk is ENOSPC (exit 3 and its name), not "I/O error". */
		w->err = w->err ?: errno ? -errno : -EIO;
}

static void put_str(struct trace_writer *w, const char *s)
{
	json_t *v = json_string(s ? s : "");

	/* jansson refuses invalid UTF-8: such a name is replaced, not dropped. */
	if (!v)
		v = json_string("?");
	put_json(w, v);
	json_decref(v);
}

static void put_us(struct trace_writer *w, uint64_t ns)
{
	fprintf(w->f, "%" PRIu64 ".%03" PRIu64, ns / 1000, ns % 1000);
}

static void event_start(struct trace_writer *w, const char *ph, const char *name, int pid, int tid)
{
	fputs(w->n++ ? ",\n" : "\n", w->f);
	fprintf(w->f, "{\"ph\":\"%s\",\"pid\":%d,\"tid\":%d,\"name\":", ph, pid, tid);
	put_str(w, name);
}

static void event_args(struct trace_writer *w, json_t *args)
{
	if (args) {
		fputs(",\"args\":", w->f);
		put_json(w, args);
		json_decref(args);
	}
	fputc('}', w->f);
}

void trace__begin(struct trace_writer *w, FILE *f)
{
	w->f = f;
	w->n = 0;
	w->err = 0;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", f);
}

void trace__process_name(struct trace_writer *w, int pid, const char *name)
{
	event_start(w, "M", "process_name", pid, 0);
	event_args(w, json_pack("{s:s}", "name", name ? name : ""));
}

void trace__thread_name(struct trace_writer *w, int pid, int tid, const char *name)
{
	event_start(w, "M", "thread_name", pid, tid);
	event_args(w, json_pack("{s:s}", "name", name ? name : ""));
}

void trace__complete(struct trace_writer *w, const char *name, const char *cat, uint64_t ts_ns,
		     uint64_t dur_ns, int pid, int tid, json_t *args)
{
	event_start(w, "X", name, pid, tid);
	fputs(",\"cat\":", w->f);
	put_str(w, cat);
	fputs(",\"ts\":", w->f);
	put_us(w, ts_ns);
	fputs(",\"dur\":", w->f);
	put_us(w, dur_ns);
	event_args(w, args);
}

void trace__instant(struct trace_writer *w, const char *name, const char *cat, uint64_t ts_ns,
		    int pid, int tid, char scope, json_t *args)
{
	event_start(w, "i", name, pid, tid);
	fputs(",\"cat\":", w->f);
	put_str(w, cat);
	fprintf(w->f, ",\"s\":\"%c\",\"ts\":", scope);
	put_us(w, ts_ns);
	event_args(w, args);
}

int trace__end(struct trace_writer *w, json_t *other)
{
	fputs("\n]", w->f);
	if (other) {
		fputs(",\"otherData\":", w->f);
		put_json(w, other);
		json_decref(other);
	}
	fputs("}\n", w->f);
	if (ferror(w->f))
		w->err = w->err ?: -EIO;
	return w->err;
}
