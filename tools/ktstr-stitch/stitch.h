/* SPDX-License-Identifier: GPL-2.0 */
/* ktstr-stitch: internal interfaces between reading, selecting and rendering. */
#ifndef KTSTR_STITCH_H
#define KTSTR_STITCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <jansson.h>

#include "decode.h"

/* ---- targets (ktstr-btfres output) ---- */
struct tfield {
	const char *name;
	enum decoder dec;
	unsigned size;
};

struct tparam {
	int index;
	const char *name;
	const char *struct_name;	/* NULL for scalars */
	bool ptr;
	enum decoder dec;
	unsigned size;
	struct tfield *fields;
	size_t nfields;
};

struct target {
	const char *name, *kind, *source;
	int task_param;			/* -1: none */
	enum decoder ret_dec;		/* of the return value ("ret") */
	unsigned ret_size;
	const char *ret_struct;		/* a struct pointer's struct, else NULL */
	struct tparam *params;
	size_t nparams;
};

struct targets {
	json_t *recs;			/* keeps every string above alive */
	json_t *enums;			/* borrowed from recs; NULL when absent */
	struct target *t;
	size_t n;
};

/* path NULL: no targets. Returns 0 or -errno with msg ("file:line: what"). */
int targets__load(struct targets *tg, const char *path, char *msg, size_t msgsz);
const struct target *targets__find(const struct targets *tg, const char *name);
void targets__free(struct targets *tg);

/* ---- events (ktstr-probe output) ---- */
struct call {
	uint64_t ts;			/* ts_entry, else ts_exit */
	uint64_t ts_exit;		/* with has_exit */
	uint64_t task;			/* the task_struct * argument */
	uint64_t cur;			/* current at probe time */
	size_t off;			/* the record's line in the input map */
	uint32_t len;
	uint32_t func;			/* index in events.funcs */
	int32_t cpu;
	uint32_t lineno;
	int32_t pid;			/* current's pid at probe time, -1 unknown */
	bool has_task;
	bool has_entry, has_exit;	/* which of ts_entry and ts_exit the record had */
};

struct func {
	char *name;
	const struct target *tgt;
	const char *source;		/* where the program was found to come from, else NULL (in progs) */
};

struct trigger {
	bool found;
	bool ts_ok;			/* ts was given: calls after it are the teardown */
	uint64_t ts;
	int cpu;
	bool kind_ok;
	uint64_t kind;
	uint64_t current;
	long long current_pid;
	char *current_comm;
	char *inflight_func;
	uint64_t inflight_task;		/* 0: none */
	long long inflight_pid;		/* -1: unknown */
	char *inflight_comm;
	char *msg;
};

struct meta {
	bool seen;
	long long nr_cpus;		/* 0: unknown */
	long long drops;
	int trigger_available;		/* -1 unknown, 0 no, 1 yes */
	char *error;
};

struct events {
	const char *name;		/* for messages */
	char *map;			/* the whole input */
	size_t size;
	int spool_fd;			/* a copy of a pipe, or -1 */
	struct call *calls;
	size_t n, cap;
	struct func *funcs;
	size_t nfuncs;
	size_t *fhash;			/* open addressing: func index + 1 */
	size_t fhash_cap;
	json_t *progs;			/* "prog" records by func: a discovered program's target and source */
	struct trigger trig;
	struct meta meta;
	size_t ntriggers;
};

int events__read(struct events *ev, const char *path, const struct targets *tg,
		 char *msg, size_t msgsz);
/* Parse the record of a call again (for display). NULL on error. */
json_t *events__record(const struct events *ev, const struct call *c);
void events__free(struct events *ev);

/* ---- the stitched chain ---- */
/*
 * STALLED: the task the watchdog named ("comm[pid] failed to run for N s").
 * A watchdog that "failed to check in" names none: WAITING is the task left
 * runnable longest without running, CPU (none such seen) the exit CPU's calls.
 */
enum causal_why { CAUSAL_INFLIGHT, CAUSAL_CURRENT, CAUSAL_STALLED, CAUSAL_WAITING, CAUSAL_CPU };

struct chain {
	const char *why_none;		/* set when there is no chain to show */
	enum causal_why causal_why;
	uint64_t causal;
	long long causal_pid;		/* -1 unknown */
	const char *causal_comm;	/* NULL unknown */
	const char *inflight_func;	/* CAUSAL_INFLIGHT: the call the exit happened in */
	const struct trigger *exit_path;	/* with a kernel call in flight: its calls count too */
	uint64_t exit_from;		/* ... those entered from then on (0: all) */
	size_t recorded;		/* calls in the input */
	size_t of_task;			/* calls of the causal task up to the exit */
	size_t after_exit;		/* calls of the causal task after the exit */
	struct call **calls;		/* shown, sorted */
	size_t n;
	bool history;
	bool rel_exit;			/* times relative to the exit (a stall's view) */
	char stall_comm[32];		/* CAUSAL_STALLED: as the message names it; WAITING: its comm */
	int cpu;			/* CAUSAL_CPU: the exit's CPU */
	const char *stall_for;		/* "4.232s", into the trigger's message */
	size_t stall_for_len;
};

int chain__build(struct chain *ch, struct events *ev, bool history);
/* Is c a call of the causal task (its task argument, else current)? */
bool chain__has(const struct chain *ch, const struct call *c);
/* Does a function's name say it is this step ("enqueue", "running")? */
bool chain__func_is(const char *name, const char *what);
void chain__free(struct chain *ch);

/*
 * ---- the timeline: the causal task's calls and the calls around them ----
 * Up to the exit, in time order: every call of the causal task, the calls it
 * ran inside and the calls that ran inside it. "Inside" is read from the
 * entry and exit times of calls made in one context (the same current task
 * on the same CPU): a call that starts while another is still running there
 * is nested in it.
 */
#define TL_NONE UINT32_MAX
#define TL_OPEN UINT64_MAX		/* no exit recorded: still running at the end */

struct tl_call {
	const struct call *c;
	uint64_t end;			/* within its parent's end; TL_OPEN */
	uint32_t parent;		/* the nearest timeline call it ran inside, TL_NONE */
	uint32_t depth;			/* how many timeline calls it ran inside */
	bool of_task;			/* a call of the causal task, else one around it */
};

struct timeline {
	struct tl_call *v;
	size_t n;
	size_t of_task;
	size_t first;			/* calls before it are left out (--since, --last) */
	uint64_t ref;			/* the exit's time, else the latest call's */
	bool ref_exit;			/* ref is the exit's time */
};

int timeline__build(struct timeline *tl, const struct events *ev, const struct chain *ch);
/* Leave out the calls more than since_ns before ref (0: none), then all but the last last (0: none). */
void timeline__window(struct timeline *tl, uint64_t since_ns, size_t last);
void timeline__free(struct timeline *tl);

/* One display line of a call: a parameter header, a field or a scalar. */
struct vline {
	int depth;			/* 1 parameter, 2 field of a struct parameter */
	bool header;			/* "task_struct *p": no value */
	char *param;			/* the parameter it belongs to */
	char *name;
	char *entry;
	char *exit;			/* NULL unless it differs from entry */
};

struct vcall {
	const struct call *c;
	const char *func, *source, *kind;
	char *func_buf;			/* func made terminal-safe */
	uint64_t dur;			/* ts_exit - ts_entry, 0 when unknown */
	struct vline *lines;
	size_t n;
};

/* Decode a call for display; 0 or -ENOMEM. */
int vcall__build(struct vcall *vc, const struct events *ev, const struct call *c,
		 const struct decode_tables *dt);
void vcall__free(struct vcall *vc);

/*
 * Which calls are shown: the last call of each function (a crash's chain),
 * or the timeline compact (a line a call) or full (every field).
 */
enum view { VIEW_CHAIN, VIEW_COMPACT, VIEW_FULL };

struct render_opts {
	const struct events *ev;
	const struct chain *ch;
	const struct timeline *tl;	/* for VIEW_COMPACT, VIEW_FULL and perfetto; NULL: the whole one, made here */
	const struct decode_tables *dt;
	enum view view;
	size_t last_lines;		/* compact text: show the last this many lines, 0 all */
	FILE *f;
};

int render__text(const struct render_opts *o);
/* fn(o), with the whole timeline when o has none (a caller that windowed none). */
int render__with_timeline(const struct render_opts *o, int (*fn)(const struct render_opts *));
int render__json(const struct render_opts *o);
int render__perfetto(const struct render_opts *o);

/* "ERROR_BPF (1025)" into out. */
int render__exit_kind(struct strbuf *out, const struct render_opts *o);

/* What changed between entry and exit, and the return value: "slice 0→20000000, return 1". */
int vcall__changes(const struct vcall *vc, struct strbuf *out);

/* The compact timeline as text, after the header render__text printed. */
int compact__render(const struct render_opts *o);

/* The exit and the causal task as the JSON records say them ("type" first). */
json_t *render__exit_json(const struct render_opts *o);
json_t *render__causal_json(const struct render_opts *o);
/* A JSON string (null for NULL). */
json_t *render__jstr(const char *s);
/* Terminal columns of a UTF-8 string. */
size_t render__width(const char *s);
/* The name of a value line in flat form: "p.dsq_id", "prev_cpu", "return". */
int vline__key(const struct vline *l, struct strbuf *out);

/* "-4.279s": how long before the exit at ref a call at ts was. */
void render__before(char *buf, size_t sz, uint64_t ref, uint64_t ts);

#endif
