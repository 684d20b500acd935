// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "agent.h"
#include "flight.h"
#include "recorder.h"

static const unsigned char *base;
static __u32 slots;
static size_t esz;
static int ncpu, head_fd;
static __u64 *heads;	/* the per-CPU heads, as the map gives them (one per possible CPU) */
static __u64 *next;	/* per CPU: the next place the history copies */
static struct flight_stats stats;

int flight__init(void *b, __u32 n, size_t sz, int cpus, int fd)
{
	base = b;
	slots = n;
	esz = sz;
	ncpu = cpus;
	head_fd = fd;
	heads = calloc(cpus, sizeof(*heads));
	next = calloc(cpus, sizeof(*next));
	if (!heads || !next)
		return -ENOMEM;
	return recorder__init(sz);
}

static const struct probe_event *slot_at(int cpu, __u64 pos)
{
	return (const struct probe_event *)(base + ((size_t)cpu * slots + pos % slots) * esz);
}

/*
 * The bytes of a record worth keeping, 0 for a slot that holds none; its
 * target in *t. Read once: the ring may overwrite the slot meanwhile.
 */
static size_t rec_len(const struct probe_event *e, int *t)
{
	__u8 type = __atomic_load_n(&e->type, __ATOMIC_RELAXED);
	__u16 target = __atomic_load_n(&e->target, __ATOMIC_RELAXED);

	*t = -1;
	if (type == PROBE_EV_TRIGGER)
		return PROBE_HDR_SZ;
	if ((type != PROBE_EV_ENTRY && type != PROBE_EV_EXIT) || target >= ntg)
		return 0;
	*t = target;
	return PROBE_HDR_SZ + (size_t)tg[target].data_len;
}

/* The task a call of target t is about: its task argument, else current. */
static __u64 rec_task(const struct probe_event *e, int t)
{
	int a = tg[t].task_param;
	__u64 task = a >= 0 && a < tg[t].nargs && a < PROBE_MAX_ARGS ? e->args[a] : 0;

	return task ? task : e->task;
}

static int read_heads(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(head_fd, &k, heads) ? -errno : 0;
}

/*
 * Copy what is new in CPU c's ring into the per-task history, straight to
 * its place there. A record is published when its seq is its place (the
 * probe sets it last); one overwritten while it was copied has another seq
 * afterwards, and its copy is not committed.
 */
static void scan_cpu(int c, __u64 h)
{
	__u64 p = next[c];

	if (h - p > slots) {
		stats.missed += h - slots - p;
		p = h - slots;
	}
	for (; p < h; p++) {
		const struct probe_event *e = slot_at(c, p);
		__u32 seq = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
		size_t len;
		void *to;
		int t;

		/* Still being written: look again next time. */
		if (seq == PROBE_SEQ_BUSY)
			break;
		len = rec_len(e, &t);
		if (seq != (__u32)p || !len || len > esz || t < 0) {
			stats.missed += seq != (__u32)p;
			continue;
		}
		to = recorder__prepare(rec_task(e, t), len, c, p);
		if (!to)
			continue;
		memcpy(to, e, len);
		if (__atomic_load_n(&e->seq, __ATOMIC_ACQUIRE) == seq)
			recorder__commit();
		else
			stats.missed++;
	}
	next[c] = p;
}

void flight__scan(void)
{
	int c;

	if (!base || read_heads())
		return;
	for (c = 0; c < ncpu; c++)
		scan_cpu(c, heads[c]);
}

struct held {
	const struct probe_event *e;
	size_t len;
};

static int newest_first(const void *a, const void *b)
{
	__u64 x = ((const struct held *)a)->e->ts, y = ((const struct held *)b)->e->ts;

	return x < y ? 1 : x > y ? -1 : 0;
}

void flight__print(void (*fn)(const void *data, size_t len))
{
	struct held *all = NULL;
	unsigned char *snap = NULL;
	__u64 *start = NULL;
	long n = 0;
	int c;

	if (!base || read_heads())
		return;
	all = calloc((size_t)ncpu * slots, sizeof(*all));
	snap = malloc((size_t)ncpu * slots * esz);
	start = calloc(ncpu, sizeof(*start));
	if (!all || !snap || !start)
		goto cleanup;
	/*
	 * The probes stopped at the trigger, but for a few returns; without
	 * one they go on. Each record is copied, and kept if it did not change
	 * meanwhile: what is sorted and printed holds still.
	 */
	for (c = 0; c < ncpu; c++) {
		__u64 h = heads[c], p = h > slots ? h - slots : 0;

		start[c] = p;
		for (; p < h; p++) {
			const struct probe_event *e = slot_at(c, p);
			struct probe_event *to = (struct probe_event *)(snap + (size_t)n * esz);
			__u32 seq = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
			int t;
			size_t len = rec_len(e, &t);

			if (seq != (__u32)p || !len || len > esz)
				continue;
			memcpy(to, e, len);
			if (__atomic_load_n(&e->seq, __ATOMIC_ACQUIRE) != seq || rec_len(to, &t) != len)
				continue;
			all[n] = (struct held){ to, len };
			n++;
		}
	}
	/* Newest first: a stream cut short loses the oldest. */
	qsort(all, n, sizeof(*all), newest_first);
	for (long i = 0; i < n; i++)
		fn(all[i].e, all[i].len);
	stats.queued = n;
	stats.kept = recorder__drain(fn, start, ncpu);
cleanup:
	free(all);
	free(snap);
	free(start);
}

void flight__stats(struct flight_stats *st)
{
	int c;

	if (base && !read_heads()) {
		stats.recorded = stats.capped = 0;
		for (c = 0; c < ncpu; c++) {
			stats.recorded += heads[c];
			stats.capped += heads[c] > slots ? heads[c] - slots : 0;
		}
		if (!stats.queued)
			stats.queued = (long)(stats.recorded - stats.capped);
	}
	*st = stats;
}

void flight__free(void)
{
	recorder__free();
	free(heads);
	free(next);
	heads = next = NULL;
}
