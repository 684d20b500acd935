// SPDX-License-Identifier: GPL-2.0
/*
 * Workers: each is a forked process in its step's cgroup running one work
 * type forever, counting iterations in shared memory so progress can be
 * reported; the step's end kills them. Paired types run two by two.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "init.h"

#define CGROOT "/sys/fs/cgroup"

struct slot {
	_Atomic uint64_t iters;
	_Atomic uint32_t futex;		/* FutexPingPong: whose turn (0 or 1) */
	uint32_t pad;
};

struct step_run {
	const struct plan_step *st;
	int nworkers;
	pid_t *pids;		/* 0 once reaped */
	int *cg_of;		/* cgroup index of each worker */
	struct slot *slots;	/* shared with the workers */
	size_t slots_len;
	int ncpus;
};

int cgroups__setup(void)
{
	/* cpuset for the cpuset field, cpu so schedulers see weights. */
	int err = sysfs__write(CGROOT "/cgroup.subtree_control", "+cpuset +cpu");

	if (err)
		err = sysfs__write(CGROOT "/cgroup.subtree_control", "+cpuset");
	return err;
}

static void spin_for_ns(long ns)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < ns);
}

static void nap_ns(long ns)
{
	struct timespec ts = { ns / 1000000000L, ns % 1000000000L };

	nanosleep(&ts, NULL);
}

static long futex(_Atomic uint32_t *uaddr, int op, uint32_t val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

/* The body of one worker; never returns. peer_* are for the paired types. */
static void __attribute__((noreturn)) work(const char *type, struct slot *me, struct slot *pair, int side,
					   int rfd, int wfd, int ncpus, int idx)
{
	char c = 0, path[64];
	int nice_v = 0, cpu = idx % (ncpus ? ncpus : 1);

	for (;;) {
		if (!strcmp(type, "CpuSpin")) {
			spin_for_ns(1000000);
		} else if (!strcmp(type, "YieldHeavy")) {
			sched_yield();
		} else if (!strcmp(type, "Mixed")) {
			spin_for_ns(500000);
			sched_yield();
			nap_ns(200000);
		} else if (!strcmp(type, "IoSync")) {
			int fd;

			snprintf(path, sizeof(path), "/tmp/iosync.%d", getpid());
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (fd >= 0) {
				static char blk[4096];

				if (write(fd, blk, sizeof(blk)) < 0)
					nap_ns(1000000);
				fsync(fd);
				close(fd);
			}
			nap_ns(100000);
		} else if (!strcmp(type, "Bursty")) {
			spin_for_ns(5000000);
			nap_ns(10000000);
		} else if (!strcmp(type, "PipeIo")) {
			/* Side 0 serves first; each read blocks until the peer writes. */
			if (side == 0 && write(wfd, &c, 1) != 1)
				_exit(1);
			if (read(rfd, &c, 1) != 1)
				_exit(1);
			if (side == 1 && write(wfd, &c, 1) != 1)
				_exit(1);
		} else if (!strcmp(type, "FutexPingPong")) {
			_Atomic uint32_t *w = &pair->futex;

			while (atomic_load(w) != (uint32_t)side)
				futex(w, FUTEX_WAIT, (uint32_t)!side);
			atomic_store(w, (uint32_t)!side);
			futex(w, FUTEX_WAKE, 1);
		} else if (!strcmp(type, "ForkExit")) {
			pid_t p = fork();

			if (p == 0)
				_exit(0);
			if (p > 0)
				waitpid(p, NULL, 0);
		} else if (!strcmp(type, "NiceSweep")) {
			nice_v = (nice_v + 1) % 40;
			setpriority(PRIO_PROCESS, 0, nice_v - 20);
			spin_for_ns(200000);
		} else if (!strcmp(type, "AffinityChurn")) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			/* A cpuset may forbid some CPUs: just try the next. */
			sched_setaffinity(0, sizeof(set), &set);
			cpu = (cpu + 1) % (ncpus ? ncpus : 1);
			spin_for_ns(200000);
		} else {
			_exit(2);
		}
		atomic_fetch_add_explicit(&me->iters, 1, memory_order_relaxed);
	}
}

static int cg_path(char *buf, size_t len, const struct plan_cgroup *cg, const char *file)
{
	return snprintf(buf, len, CGROOT "/%s%s%s", cg->name, file ? "/" : "", file ? file : "");
}

static pid_t spawn(struct step_run *r, int cgi, int w, struct slot *pair, int side, int rfd, int wfd,
		   int close1, int close2)
{
	const struct plan_cgroup *cg = &r->st->cgroups[cgi];
	char path[256];
	pid_t pid = proc__fork();

	if (pid)
		return pid;
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	if (close1 >= 0)
		close(close1);
	if (close2 >= 0)
		close(close2);
	/* Join the cgroup before doing any work so all of it is accounted there. */
	cg_path(path, sizeof(path), cg, "cgroup.procs");
	sysfs__write(path, "0");
	work(cg->work_type, &r->slots[w], pair, side, rfd, wfd, r->ncpus, w);
}

int step__start(const struct plan_step *st, int ncpus, struct step_run **out)
{
	struct step_run *r;
	char path[256];
	int i, j, w = 0, err = 0;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->st = st;
	r->ncpus = ncpus;
	for (i = 0; i < st->ncgroups; i++)
		r->nworkers += st->cgroups[i].workers;
	r->pids = calloc(r->nworkers + 1, sizeof(*r->pids));
	r->cg_of = calloc(r->nworkers + 1, sizeof(*r->cg_of));
	r->slots_len = (r->nworkers + 1) * sizeof(struct slot);
	r->slots = mmap(NULL, r->slots_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!r->pids || !r->cg_of || r->slots == MAP_FAILED) {
		free(r->pids);
		free(r->cg_of);
		free(r);
		return -ENOMEM;
	}
	for (i = 0; i < st->ncgroups; i++) {
		const struct plan_cgroup *cg = &st->cgroups[i];

		cg_path(path, sizeof(path), cg, NULL);
		if (mkdir(path, 0755) && errno != EEXIST) {
			err = -errno;
			tl("cgroup %s: mkdir failed: %s", cg->name, strerror(errno));
			continue;
		}
		if (cg->cpuset[0]) {
			cg_path(path, sizeof(path), cg, "cpuset.cpus");
			if (sysfs__write(path, cg->cpuset))
				tl("cgroup %s: cpuset.cpus=%s failed: %s", cg->name, cg->cpuset, strerror(errno));
		}
		for (j = 0; j < cg->workers; j++) {
			int p1[2] = { -1, -1 }, p2[2] = { -1, -1 };
			bool paired = !strcmp(cg->work_type, "PipeIo") || !strcmp(cg->work_type, "FutexPingPong");

			if (paired && j + 1 < cg->workers) {
				if (!strcmp(cg->work_type, "PipeIo") && (pipe2(p1, O_CLOEXEC) || pipe2(p2, O_CLOEXEC))) {
					err = -errno;
					break;
				}
				/* Side 0 writes p1, reads p2; side 1 the reverse. */
				r->cg_of[w] = i;
				r->pids[w] = spawn(r, i, w, &r->slots[w], 0, p2[0], p1[1], p1[0], p2[1]);
				w++;
				r->cg_of[w] = i;
				r->pids[w] = spawn(r, i, w, &r->slots[w - 1], 1, p1[0], p2[1], p1[1], p2[0]);
				w++;
				j++;
				for (int k = 0; k < 2; k++) {
					if (p1[k] >= 0)
						close(p1[k]);
					if (p2[k] >= 0)
						close(p2[k]);
				}
				continue;
			}
			r->cg_of[w] = i;
			r->pids[w] = spawn(r, i, w, &r->slots[w], 0, -1, -1, -1, -1);
			w++;
		}
	}
	r->nworkers = w;
	*out = r;
	return err;
}

bool step__reaped(struct step_run *r, pid_t pid, int status)
{
	int i;

	if (!r)
		return false;
	for (i = 0; i < r->nworkers; i++) {
		if (r->pids[i] == pid) {
			r->pids[i] = 0;
			tl("worker %d (%s) exited early: status %d", pid, r->st->cgroups[r->cg_of[i]].work_type,
			   status);
			return true;
		}
	}
	return false;
}

void step__stop(struct step_run *r, int idx)
{
	char path[256], summary[900];
	int i, c, status;
	size_t n = 0;

	if (!r)
		return;
	for (i = 0; i < r->nworkers; i++)
		if (r->pids[i] > 0)
			kill(r->pids[i], SIGKILL);
	for (i = 0; i < r->nworkers; i++)
		if (r->pids[i] > 0)
			while (waitpid(r->pids[i], &status, 0) < 0 && errno == EINTR)
				;
	summary[0] = '\0';
	for (c = 0; c < r->st->ncgroups; c++) {
		uint64_t iters = 0;

		for (i = 0; i < r->nworkers; i++)
			if (r->cg_of[i] == c)
				iters += atomic_load(&r->slots[i].iters);
		if (n < sizeof(summary))
			n += snprintf(summary + n, sizeof(summary) - n, "%s%s=%llu", n ? " " : "",
				      r->st->cgroups[c].name, (unsigned long long)iters);
		cg_path(path, sizeof(path), &r->st->cgroups[c], NULL);
		/* Zombies of killed ForkExit children may linger a moment. */
		for (i = 0; i < 50 && rmdir(path) && errno == EBUSY; i++)
			usleep(10000);
	}
	tl("step %d done: iterations %s", idx, n ? summary : "(no workers)");
	munmap(r->slots, r->slots_len);
	free(r->pids);
	free(r->cg_of);
	free(r);
}
