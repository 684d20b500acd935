/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktstr-probe-agent's parts (man/ktstr-probe-agent.1): the probe plan
 * (plan.c), the stream it prints (stream.c), attaching the probes
 * (attach.c), and main.c, which runs the phases. discover.c finds the
 * scheduler's struct_ops programs, flight.c reads the records and
 * recorder.c keeps each task's latest.
 */
#ifndef KTSTR_PROBE_AGENT_H
#define KTSTR_PROBE_AGENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "discover.h"
#include "kfacts.h"
#include "probe_abi.h"

struct field {
	int arg, size, out;
	long offset, deref;	/* deref < 0: none */
	bool str;
};

/* A read of several fields at once (reads.c): as the BPF side's struct probe_read. */
struct read {
	int arg, size, out;
	long offset, deref;	/* deref < 0: none; with one, offset is the pointer's */
	bool str;
	unsigned int fields;	/* bit n: field n's bytes are among these */
	bool split;		/* more bytes than one field: if it fails, read each alone */
};

struct target {
	char name[128];		/* as the plan names it */
	char attach[128];	/* the function attached to ("" until a template is matched) */
	char op[48];		/* templates: the sched_ext_ops member */
	bool tmpl;
	bool bpf;
	int nargs, task_param, packed, nfields;
	struct field f[PROBE_MAX_FIELDS];	/* out: where its read puts it */
	struct read r[PROBE_MAX_FIELDS];
	int nreads;
	int data_len;		/* the bytes of data[] its reads take */
	bool attached;
};

/* plan.c: the plan's targets, in its order (the index the BPF side records). */
extern struct target tg[PROBE_MAX_TARGETS];
extern int ntg;
/* The plan's "kernel" line, where it has one: the kernel facts ktstr-probe read from the vmlinux it boots. */
extern struct kfacts plan_kfacts;
extern bool plan_has_kfacts;
/* 0, or -errno with the reason on stderr. */
int probe_plan__read(const char *path);
/* A target as the BPF side's targets map holds it. */
void probe_plan__target_cfg(const struct target *t, struct probe_target *c);
/* The field bytes a record needs room for: a power of two >= every target's data_len. */
unsigned int probe_plan__data_cap(void);
/* Whether any target is a BPF callback (phase 2 has work). */
bool probe_plan__any_bpf(void);

/* reads.c: t's fields as reads, laid out again in data[] (their out and t's data_len too). */
void probe_reads__plan(struct target *t);

/* stream.c: where attach results go now (a buffer until the ready line). */
FILE *stream__out(void);
/* Buffer from now; stop buffering; print what was buffered; free the buffer. */
void stream__buffer(void);
void stream__end_buffer(void);
void stream__put_buffered(void);
void stream__free(void);
void stream__note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void stream__attach(int i, const char *how, int err, double ms);
void stream__prog(int t, const struct found_prog *f);
/* One record as a JSON line. */
void stream__event(const struct probe_event *e, size_t len);
/* The thread that copies new records into the per-task history until stream__stop_drain(). */
void *stream__drain(void *arg);
void stream__stop_drain(void);
/* Print what the recorder kept (the host sorts). */
void stream__print_queue(void);

/* attach.c */
struct probe_bpf;
extern struct probe_bpf *main_skel;
/* Phase 1, before the scheduler: maps, trigger, probe_hold. 0 or -errno. */
int attach__kernel(void);
/* Whether probe_hold is attached (a starting scheduler waits for phase 2). */
bool attach__holding(void);
/* Phase 1's kernel functions: fentry/fexit, else a kprobe each. */
void attach__kernel_functions(void);
/* Phase 2: the scheduler's struct_ops programs, waiting up to wait_ms for them. */
void attach__bpf(long wait_ms);
/* Let a held scheduler go on (once: probe_hold stops no one after this). */
void attach__hold_release(void);
/* ,"reads":"direct"|"helper","run_stats":B,"progs":{KIND:{"runs":N,"ns":N},...}: the programs' run counts and times. */
void attach__print_run_stats(FILE *out);
/* Detach and unload everything. */
void attach__free(void);

/* main.c */
extern volatile sig_atomic_t agent_stop;
extern struct timespec agent_t0;	/* when the agent started */
extern int agent_verbose;		/* -v: libbpf's messages on stderr */
extern long agent_max_events;		/* -m: the flight recorder's records, about */
extern bool agent_run_stats;		/* --run-stats: the kernel's run count and time per program */
extern bool agent_helper_reads;	/* --helper-reads: fields by bpf_probe_read_kernel, as on kernels without direct loads */
extern bool agent_empty;		/* --empty: probes attached, nothing recorded (their own cost) */

static inline double ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1e3 + (b.tv_nsec - a->tv_nsec) / 1e6;
}

#endif
