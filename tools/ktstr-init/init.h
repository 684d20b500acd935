/* SPDX-License-Identifier: GPL-2.0 */
/* ktstr-init: the guest's PID 1. Shared declarations of its parts. */
#ifndef KTSTR_INIT_H
#define KTSTR_INIT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "plan.h"

/* timeline.c: one line on the console and a CH_EVENT frame on the channel. */
void tl__set_channel(int fd);
void tl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double tl__now(void);

/* meter.c: what each worker measures about itself, shared with ktstr-init. */
struct meter_gap {
	uint64_t ns;		/* how long the worker was runnable and not run */
	uint64_t at_ns;		/* CLOCK_MONOTONIC when that began */
	int32_t cpu;		/* the CPU it was last seen on before, or -1 */
	int32_t pad;
};

struct meter_shared {
	_Atomic uint64_t iters;
	_Atomic uint64_t cpus;		/* bit n: seen running on CPU n */
	_Atomic uint64_t last_ns;	/* CLOCK_MONOTONIC of its last tick, 0 before the first */
	_Atomic uint64_t sleep_ns;	/* sleep asked for since then */
	_Atomic uint64_t delay;		/* run_delay at its last read of it */
	_Atomic uint32_t delay_read;	/* delay is valid */
	_Atomic int32_t last_cpu;
	_Atomic uint32_t cur;		/* which gap[] is whole */
	struct meter_gap gap[2];	/* the longest gap so far */
};

/* The worker's own view; sh is in shared memory. */
struct meter {
	struct meter_shared *sh;
	bool clock;			/* never blocks: clock gaps place the waits */
	int fd;				/* /proc/self/schedstat */
	uint64_t last_ns, slept_ns, max_ns;
	uint64_t delay, delay_read_ns;	/* run_delay at the last read, and when */
	int last_cpu, prev_cpu;
	struct meter_gap win;		/* the longest clock gap since that read */
};

uint64_t mono_ns(void);
void meter__start(struct meter *m, struct meter_shared *sh, bool blocks);
/* The worker is running now: note the time and CPU. Returns the time. */
uint64_t meter__tick(struct meter *m);
/* The worker is about to sleep ns on purpose: that is no scheduling gap. */
void meter__sleep(struct meter *m, long ns);
/* One iteration done. */
void meter__iter(struct meter *m);
/* The longest gap recorded (whole even if the worker died writing). */
struct meter_gap meter__gap(struct meter_shared *sh);

/* work.c: the worker processes of one step. */
struct step_run;
/* ref_ns: CLOCK_MONOTONIC of sys_rdy, which reported times count from. */
int step__start(const struct plan_step *st, int ncpus, uint64_t ref_ns, struct step_run **out);
/* Note that pid was reaped. Returns true when it was one of the step's workers. */
bool step__reaped(struct step_run *r, pid_t pid, int status);
/* Kill the workers, reap them, log progress, remove the cgroups. */
void step__stop(struct step_run *r, int idx);
/* The step's offline CPUs taken down (online false) or back up, each said as a stage. */
void step__hotplug(const struct plan_step *st, int idx, bool online);
int cgroups__setup(void);

/* proc.c: fork; the child starts with no signal blocked. */
pid_t proc__fork(void);
/* /proc/PID/schedstat: CPU time and time runnable on a runqueue, in ns. 0 or -errno. */
int proc__schedstat(pid_t pid, uint64_t *cpu_ns, uint64_t *delay_ns);
/* /proc/PID/stat: the state letter and the CPU it last ran on. 0 or -errno. */
int proc__state(pid_t pid, char *state, int *cpu);

/* sysfs.c: write s into a kernel knob. 0 or -errno. */
int sysfs__write(const char *path, const char *s);
/* Up to len - 1 bytes of a small file, trailing newlines and spaces cut. 0 or -errno. */
int sysfs__read(const char *path, char *buf, size_t len);

/* system.c: mount what schedulers expect (/proc, /sys, cgroup2, tracefs, bpffs, /run, ...). */
void system__mount(void);
/* The sched_ext_dump and sched_ext_exit trace events on. */
void system__enable_tracing(void);
/* COM2, raw, for the scheduler's output; -1 without. */
int system__open_com2(void);
/* Write s whole to fd, if open. */
void system__put(int fd, const char *s);
/* The trace's sched_ext lines to the console, between markers. */
void system__copy_dump(void);
/* Sync and power off; never returns. */
void system__power_off(void) __attribute__((__noreturn__));

/* host.c: the channel's fd (the virtio-serial port named want), or -1. */
int host__open(const char *want);
struct channel_reader;
/* Read what the host sent on fd and answer its commands. false once the host end closed. */
bool host__serve(int fd, struct channel_reader *rd);

/*
 * mapwrite.c: write value at offset of key 0 of the newest map named
 * *suffix. 0 or -errno; err says why not, or on success what was written.
 */
int map_write(const char *suffix, long offset, int size, uint64_t value, char *err, size_t errlen);

#endif
