/* SPDX-License-Identifier: GPL-2.0 */
/* ktstr-probe: targets → probe plan, and the agent's stream → events. */
#ifndef KTSTR_PROBE_TOOL_H
#define KTSTR_PROBE_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "text.h"

/* The plan's limits are the BPF side's (the agent checks the plan again). */
#include "kfacts.h"
#include "probe_abi.h"

struct pfield {
	const char *param;	/* parameter name (key in "fields") */
	const char *name;
	int arg, size, out;
	long long offset, deref;	/* deref -1: none */
	bool str;
};

struct ptarget {
	const char *name;	/* as the events name it */
	const char *attach;	/* kernel function or BPF program to attach to */
	bool bpf, packed;
	bool has_ret;		/* not void: fexit records the return value */
	int nargs, task_param, nfields;
	struct pfield f[PROBE_MAX_FIELDS];
};

struct probe_plan {
	json_t *recs;		/* keeps the strings alive */
	struct ptarget t[PROBE_MAX_TARGETS];
	int n;
	json_t *notes;		/* array of strings: what was left out and why */
	bool has_enums;
	struct kfacts kf;	/* of the kernel booted, for the agent: written when has_kf */
	bool has_kf;
};

/* The targets of ktstr-btfres at path. 0, or -EINVAL with err "file:line: what", or -errno. */
int probe_plan__load(struct probe_plan *p, const char *path, char *err, size_t errlen);
/* The agent's plan (read by bpf/probe/plan.c). 0 or -EIO. */
int probe_plan__write(const struct probe_plan *p, FILE *f);
void probe_plan__free(struct probe_plan *p);

struct call;
struct hit;

struct conv {
	const struct probe_plan *plan;
	json_t *meta;		/* filled: attach results, timings, stats */
	struct hit *hits;	/* in the order they started (conv__write_hits) */
	size_t nhits;
	struct call *calls;	/* the stream's entries and exits the hits are made of */
	size_t ncalls, capcalls;
	struct strbuf text;	/* the calls' converted parts */
	json_t *triggers;	/* array */
	json_t *progs;		/* array: the struct_ops programs the agent found ("prog" records) */
	const char *disc[PROBE_MAX_TARGETS];	/* a template's program name, once found (in progs) */
	bool ready;		/* the stream had records (the agent came up) */
	long bad_lines;
	bool cut;		/* its last line is unended and not a record: the stream was cut off */
};

/* Read the agent's stream (untrusted). 0 or -errno (unreadable). */
int conv__read(struct conv *c, const char *path);
/* The hits, one JSON line each, to f. 0 or -errno (ENOSPC: a full disk). */
int conv__write_hits(const struct conv *c, FILE *f);

/* hits.c, for conv__read: an entry or exit record (seq: its place in the stream); 0 or -ENOMEM. */
int conv__add_call(struct conv *c, const json_t *rec, bool is_exit, size_t seq);
/* Once the stream is read: its calls into hits. 0 or -ENOMEM. */
int conv__pair_calls(struct conv *c);

/* Shared by events.c and hits.c. */
#define PROBE_ASCII_MAX (PROBE_FIELD_MAX * 4 + 1)
/* s[0..n) (up to a NUL) into buf, PROBE_ASCII_MAX bytes: printable ASCII, anything else '?'. */
void probe__ascii(char *buf, const char *s, size_t n);
/* The value of a hex digit, or -1. */
int probe__hex_digit(char c);
/* "0x..." of 1 to 16 hex digits, as the agent prints pointers and raw values. */
bool probe__is_hex(const char *s);
/* o's key as an integer from 0 to max. */
bool probe__get_uint(const json_t *o, const char *key, long long max, long long *out);
void conv__free(struct conv *c);

#endif
