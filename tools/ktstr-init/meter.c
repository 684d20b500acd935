// SPDX-License-Identifier: GPL-2.0
/*
 * What a worker measures about itself while it works, in memory shared with
 * ktstr-init, which reads it at the step's end (man/ktstr-init.1,
 * "Measurements"): its iterations, the CPUs it was seen on, and the longest
 * time it was runnable but not run (its scheduling gap).
 *
 * The gap comes from the kernel's run_delay (/proc/self/schedstat: the time
 * the task spent runnable on a runqueue, whatever the scheduling class),
 * read at most every DELAY_READ_NS: the largest growth between two reads. A
 * wait ends when the task runs and reads happen while it runs, so no wait
 * straddles two reads: the growth is at least the longest wait and at most
 * that plus the other waits since the previous read.
 *
 * Why not the clock between iterations alone: under TCG a vCPU the host does
 * not run freezes whatever the guest runs on it, and the guest's clock goes
 * on; a worker on it sees a gap that no guest scheduler made (measured here:
 * an 822 ms gap of a YieldHeavy worker whose run_delay grew 13.5 ms in the
 * whole step). A worker that blocks cannot use the clock anyway: time
 * blocked is no gap. Workers that never block still read the clock at every
 * tick (many per iteration for the spinning types): the longest gap between
 * two ticks of a window places the wait (when, and on which CPU) and bounds
 * it from above.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "init.h"

/* Often enough to place a gap within ~10 ms, rarely enough to cost nothing. */
#define DELAY_READ_NS 10000000ULL

uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * A worker may be killed at any instruction: it writes the copy that is not
 * current and only then flips to it, so the reader always sees a whole one.
 */
static void record(struct meter *m, const struct meter_gap *g)
{
	uint32_t next = !atomic_load_explicit(&m->sh->cur, memory_order_relaxed);

	m->sh->gap[next] = *g;
	atomic_store_explicit(&m->sh->cur, next, memory_order_release);
	m->max_ns = g->ns;
}

struct meter_gap meter__gap(struct meter_shared *sh)
{
	return sh->gap[atomic_load_explicit(&sh->cur, memory_order_acquire)];
}

/* run_delay, the second field of /proc/self/schedstat, in ns. */
static int read_delay(int fd, uint64_t *delay)
{
	unsigned long long run, wait;
	char buf[128];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu", &run, &wait) != 2)
		return -EINVAL;
	*delay = wait;
	return 0;
}

void meter__start(struct meter *m, struct meter_shared *sh, bool blocks)
{
	*m = (struct meter){ .sh = sh, .clock = !blocks, .last_cpu = -1, .prev_cpu = -1 };
	m->win.cpu = -1;
	for (int i = 0; i < 2; i++)
		sh->gap[i].cpu = -1;
	/* Opened by the worker itself: /proc/self is its own only from now on. */
	m->fd = open("/proc/self/schedstat", O_RDONLY | O_CLOEXEC);
}

uint64_t meter__tick(struct meter *m)
{
	uint64_t now = mono_ns();
	/* glibc reads the CPU from the rseq area: a load, no system call. */
	int cpu = sched_getcpu();

	if (m->clock && m->last_ns) {
		uint64_t d = now - m->last_ns;

		d = d > m->slept_ns ? d - m->slept_ns : 0;
		if (d > m->win.ns)
			m->win = (struct meter_gap){ .ns = d, .at_ns = m->last_ns + m->slept_ns, .cpu = m->last_cpu };
	}
	if (m->slept_ns) {
		m->slept_ns = 0;
		atomic_store_explicit(&m->sh->sleep_ns, 0, memory_order_relaxed);
	}
	m->prev_cpu = m->last_cpu;
	if (cpu >= 0 && cpu != m->last_cpu) {
		/* Shared-memory atomics only when the CPU changes, not per tick. */
		if (cpu < 64)
			atomic_fetch_or_explicit(&m->sh->cpus, 1ULL << cpu, memory_order_relaxed);
		m->last_cpu = cpu;
		atomic_store_explicit(&m->sh->last_cpu, cpu, memory_order_relaxed);
	}
	m->last_ns = now;
	atomic_store_explicit(&m->sh->last_ns, now, memory_order_relaxed);
	return now;
}

void meter__sleep(struct meter *m, long ns)
{
	m->slept_ns += (uint64_t)ns;
	/* For ktstr-init's look at a worker that is still asleep at the step's end. */
	atomic_store_explicit(&m->sh->sleep_ns, m->slept_ns, memory_order_relaxed);
}

void meter__iter(struct meter *m)
{
	uint64_t now = meter__tick(m), delay;
	struct meter_gap g;

	atomic_fetch_add_explicit(&m->sh->iters, 1, memory_order_relaxed);
	if (m->fd < 0 || now - m->delay_read_ns < DELAY_READ_NS || read_delay(m->fd, &delay))
		return;
	if (m->delay_read_ns) {
		/* Blocking types: the wait is somewhere in the window; say its latest start. */
		g = (struct meter_gap){ .ns = delay - m->delay, .at_ns = now - (delay - m->delay), .cpu = m->prev_cpu };
		if (m->clock && m->win.ns) {
			g.at_ns = m->win.at_ns;
			g.cpu = m->win.cpu;
			if (m->win.ns < g.ns)
				g.ns = m->win.ns;
		}
		if (g.ns > m->max_ns)
			record(m, &g);
	}
	m->delay = delay;
	m->delay_read_ns = now;
	m->win = (struct meter_gap){ .cpu = -1 };
	atomic_store_explicit(&m->sh->delay, delay, memory_order_relaxed);
	atomic_store_explicit(&m->sh->delay_read, 1, memory_order_release);
}
