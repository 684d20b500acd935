// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "recorder.h"

/* A copy of a ring buffer record, shared by the window and its task's list. */
struct rec {
	int refs;
	bool printed;
	size_t len;
	unsigned char data[];
};

struct task_slot {
	__u64 task;		/* 0: free */
	struct rec *last[RECORDER_PER_TASK];
	int head, count;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct rec **win;
static long win_max, win_head, win_count;
static struct task_slot *tasks;
static struct recorder_stats stats;

int recorder__init(long max_events)
{
	win = calloc(max_events, sizeof(*win));
	tasks = calloc(RECORDER_TASKS, sizeof(*tasks));
	if (!win || !tasks) {
		free(win);
		free(tasks);
		win = NULL;
		tasks = NULL;
		return -ENOMEM;
	}
	win_max = max_events;
	return 0;
}

static void put(struct rec *r)
{
	if (r && !--r->refs)
		free(r);
}

/* Open addressing on the task pointer; NULL when the table is full. */
static struct task_slot *slot_of(__u64 task)
{
	size_t h = (size_t)((task >> 6) * 0x9e3779b97f4a7c15ull) & (RECORDER_TASKS - 1), i;

	for (i = 0; i < RECORDER_TASKS; i++, h = (h + 1) & (RECORDER_TASKS - 1)) {
		if (tasks[h].task == task)
			return &tasks[h];
		if (!tasks[h].task) {
			tasks[h].task = task;
			return &tasks[h];
		}
	}
	return NULL;
}

void recorder__add(const void *data, size_t len, __u64 task)
{
	struct rec *r = malloc(sizeof(*r) + len);
	struct task_slot *ts;

	if (!r)
		return;
	r->refs = 1;
	r->printed = false;
	r->len = len;
	memcpy(r->data, data, len);
	pthread_mutex_lock(&lock);
	if (win_count == win_max) {
		put(win[win_head]);
		win_head = (win_head + 1) % win_max;
		win_count--;
		stats.capped++;
	}
	win[(win_head + win_count) % win_max] = r;
	win_count++;
	stats.recorded++;
	if (task && (ts = slot_of(task))) {
		int at = (ts->head + ts->count) % RECORDER_PER_TASK;

		if (ts->count == RECORDER_PER_TASK) {
			put(ts->last[ts->head]);
			ts->head = (ts->head + 1) % RECORDER_PER_TASK;
			ts->count--;
			at = (ts->head + ts->count) % RECORDER_PER_TASK;
		}
		r->refs++;
		ts->last[at] = r;
		ts->count++;
	}
	pthread_mutex_unlock(&lock);
}

void recorder__drain(void (*fn)(const void *data, size_t len))
{
	long i;
	int k;

	pthread_mutex_lock(&lock);
	/* The window first, newest first: cut short, what is lost is the oldest. */
	for (i = win_count - 1; i >= 0; i--) {
		struct rec *r = win[(win_head + i) % win_max];

		fn(r->data, r->len);
		r->printed = true;
		put(r);
	}
	win_count = 0;
	for (i = 0; tasks && i < RECORDER_TASKS; i++) {
		struct task_slot *ts = &tasks[i];

		for (k = ts->count - 1; k >= 0; k--) {
			struct rec *r = ts->last[(ts->head + k) % RECORDER_PER_TASK];

			if (!r->printed) {
				fn(r->data, r->len);
				r->printed = true;
				stats.kept++;
			}
			put(r);
		}
		ts->count = 0;
	}
	pthread_mutex_unlock(&lock);
}

void recorder__stats(struct recorder_stats *st)
{
	pthread_mutex_lock(&lock);
	*st = stats;
	st->queued = win_count;
	pthread_mutex_unlock(&lock);
}

void recorder__free(void)
{
	free(win);
	free(tasks);
	win = NULL;
	tasks = NULL;
}
