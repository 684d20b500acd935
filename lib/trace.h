/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming writer of Chrome trace-event JSON (the "JSON Object Format"
 * that Perfetto UI and chrome://tracing open): {"traceEvents":[...]}.
 * Times are given in nanoseconds and written as microseconds with three
 * decimals, so no precision is lost and no float rounding shows.
 */
#ifndef KTSTR_TRACE_H
#define KTSTR_TRACE_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

struct trace_writer {
	FILE *f;
	size_t n;	/* events written */
	int err;	/* first error, -EIO */
};

void trace__begin(struct trace_writer *w, FILE *f);
/* Metadata: names of a process (pid) and of a track (pid, tid). */
void trace__process_name(struct trace_writer *w, int pid, const char *name);
void trace__thread_name(struct trace_writer *w, int pid, int tid, const char *name);
/* A slice ("ph":"X") from ts for dur; args is stolen (may be NULL). */
void trace__complete(struct trace_writer *w, const char *name, const char *cat, uint64_t ts_ns,
		     uint64_t dur_ns, int pid, int tid, json_t *args);
/* An instant ("ph":"i"); scope 'g' global, 'p' process, 't' thread. */
void trace__instant(struct trace_writer *w, const char *name, const char *cat, uint64_t ts_ns,
		    int pid, int tid, char scope, json_t *args);
/* Close the array; other (stolen, may be NULL) becomes "otherData". 0 or -EIO. */
int trace__end(struct trace_writer *w, json_t *other);

#endif
