// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "recorder.h"

/* A copy, in a task's ring of RECORDER_PER_TASK (rec_max bytes of data each). */
struct copy {
	__u64 pos;
	int cpu;
	__u32 len;
	unsigned char data[];
};

struct task_slot {
	__u64 task;		/* 0: free */
	unsigned char *ring;	/* allocated with the task's first record */
	int head, count;
};

static struct task_slot *tasks;
static size_t stride;

int recorder__init(size_t rec_max)
{
	tasks = calloc(RECORDER_TASKS, sizeof(*tasks));
	if (!tasks)
		return -ENOMEM;
	stride = (sizeof(struct copy) + rec_max + 7) & ~(size_t)7;
	return 0;
}

/* Open addressing on the task pointer; NULL when the table is full. */
static struct task_slot *slot_of(__u64 task)
{
	size_t h = (size_t)((task >> 6) * 0x9e3779b97f4a7c15ull) & (RECORDER_TASKS - 1), i;

	for (i = 0; i < RECORDER_TASKS; i++, h = (h + 1) & (RECORDER_TASKS - 1)) {
		if (tasks[h].task == task)
			return &tasks[h];
		if (!tasks[h].task) {
			tasks[h].ring = malloc(RECORDER_PER_TASK * stride);
			if (!tasks[h].ring)
				return NULL;
			tasks[h].task = task;
			return &tasks[h];
		}
	}
	return NULL;
}

static struct copy *copy_at(const struct task_slot *ts, int k)
{
	return (struct copy *)(ts->ring + (size_t)((ts->head + k) % RECORDER_PER_TASK) * stride);
}

/* The copy recorder__prepare() handed out, until recorder__commit(). */
static struct task_slot *pending;

void *recorder__prepare(__u64 task, size_t len, int cpu, __u64 pos)
{
	struct task_slot *ts;
	struct copy *c;

	pending = NULL;
	if (!tasks || !task || len + sizeof(struct copy) > stride || !(ts = slot_of(task)))
		return NULL;
	/* The next place, the oldest copy's when the ring is full: the oldest goes once committed. */
	c = copy_at(ts, ts->count == RECORDER_PER_TASK ? 0 : ts->count);
	c->pos = pos;
	c->cpu = cpu;
	c->len = len;
	pending = ts;
	return c->data;
}

void recorder__commit(void)
{
	struct task_slot *ts = pending;

	if (!ts)
		return;
	if (ts->count == RECORDER_PER_TASK)
		ts->head = (ts->head + 1) % RECORDER_PER_TASK;
	else
		ts->count++;
	pending = NULL;
}

long recorder__drain(void (*fn)(const void *data, size_t len), const __u64 *window_start, int ncpu)
{
	long n = 0;
	int i, k;

	for (i = 0; tasks && i < RECORDER_TASKS; i++) {
		struct task_slot *ts = &tasks[i];

		for (k = ts->count - 1; k >= 0; k--) {
			const struct copy *c = copy_at(ts, k);

			if (c->cpu >= 0 && c->cpu < ncpu && c->pos >= window_start[c->cpu])
				continue;
			fn(c->data, c->len);
			n++;
		}
		ts->count = 0;
	}
	return n;
}

void recorder__free(void)
{
	int i;

	for (i = 0; tasks && i < RECORDER_TASKS; i++)
		free(tasks[i].ring);
	free(tasks);
	tasks = NULL;
}
