// SPDX-License-Identifier: GPL-2.0
/*
 * Workers: each is a forked process in its step's cgroup running one work
 * type forever, counting iterations and measuring itself (meter.c) in
 * shared memory so progress and scheduling can be reported; the step's end
 * kills them. Paired types run two by two.
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

#include "cpulist.h"
#include "init.h"
#include "worktype.h"

#define CGROOT "/sys/fs/cgroup"

struct slot {
	struct meter_shared m;
	_Atomic uint32_t futex;		/* FutexPingPong: whose turn (0 or 1) */
	uint32_t pad;
};

/* What ktstr-init itself reads of a worker from /proc. */
struct seen {
	bool ok;			/* cpu_ns and delay_ns are valid */
	uint64_t cpu_ns, delay_ns;
};

struct step_run {
	const struct plan_step *st;
	int nworkers;
	pid_t *pids;		/* 0 once reaped */
	int *cg_of;		/* cgroup index of each worker */
	int *nth;		/* its index within the cgroup */
	struct seen *base;	/* /proc readings once every worker was started */
	struct slot *slots;	/* shared with the workers */
	size_t slots_len;
	int ncpus;
	uint64_t ref_ns;	/* sys_rdy, CLOCK_MONOTONIC */
};

/* Types that block: their gaps come from run_delay, not from the clock (meter.c). */
static bool wt_blocks(enum work_type t)
{
	return t == WT_IO_SYNC || t == WT_PIPE_IO || t == WT_FUTEX_PING_PONG || t == WT_FORK_EXIT;
}

int cgroups__setup(void)
{
	/* cpuset for the cpuset field, cpu so schedulers see weights. */
	int err = sysfs__write(CGROOT "/cgroup.subtree_control", "+cpuset +cpu");

	if (err)
		err = sysfs__write(CGROOT "/cgroup.subtree_control", "+cpuset");
	return err;
}

/* Busy for ns of wall time, ticking the meter at every clock read. */
static void spin_for_ns(struct meter *m, long ns)
{
	uint64_t end = meter__tick(m) + (uint64_t)ns;

	while (meter__tick(m) < end)
		;
}

static void nap_ns(struct meter *m, long ns)
{
	struct timespec ts = { ns / 1000000000L, ns % 1000000000L };

	meter__sleep(m, ns);
	nanosleep(&ts, NULL);
}

static long futex(_Atomic uint32_t *uaddr, int op, uint32_t val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

/* The body of one worker; never returns. pair, side, rfd and wfd are for the paired types. */
static void __attribute__((noreturn)) work(const char *type, struct slot *me, struct slot *pair, int side,
					   int rfd, int wfd, int ncpus, int idx)
{
	char c = 0, path[64];
	int nice_v = 0, cpu = idx % (ncpus ? ncpus : 1);
	int t = work_type__parse(type);
	struct meter m;

	if (t < 0)
		_exit(2);
	meter__start(&m, &me->m, wt_blocks(t));
	meter__tick(&m);
	for (;;) {
		switch ((enum work_type)t) {
		case WT_CPU_SPIN:
			spin_for_ns(&m, 1000000);
			break;
		case WT_YIELD_HEAVY:
			sched_yield();
			break;
		case WT_MIXED:
			spin_for_ns(&m, 500000);
			sched_yield();
			nap_ns(&m, 200000);
			break;
		case WT_IO_SYNC: {
			int fd;

			snprintf(path, sizeof(path), "/tmp/iosync.%d", getpid());
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (fd >= 0) {
				static char blk[4096];

				if (write(fd, blk, sizeof(blk)) < 0)
					nap_ns(&m, 1000000);
				fsync(fd);
				close(fd);
			}
			nap_ns(&m, 100000);
			break;
		}
		case WT_BURSTY:
			spin_for_ns(&m, 5000000);
			nap_ns(&m, 10000000);
			break;
		case WT_PIPE_IO:
			/* Side 0 serves first; each read blocks until the peer writes. */
			if (side == 0 && write(wfd, &c, 1) != 1)
				_exit(1);
			if (read(rfd, &c, 1) != 1)
				_exit(1);
			if (side == 1 && write(wfd, &c, 1) != 1)
				_exit(1);
			break;
		case WT_FUTEX_PING_PONG: {
			_Atomic uint32_t *w = &pair->futex;

			while (atomic_load(w) != (uint32_t)side)
				futex(w, FUTEX_WAIT, (uint32_t)!side);
			atomic_store(w, (uint32_t)!side);
			futex(w, FUTEX_WAKE, 1);
			break;
		}
		case WT_FORK_EXIT: {
			pid_t p = fork();

			if (p == 0)
				_exit(0);
			if (p > 0)
				waitpid(p, NULL, 0);
			break;
		}
		case WT_NICE_SWEEP:
			nice_v = (nice_v + 1) % 40;
			setpriority(PRIO_PROCESS, 0, nice_v - 20);
			spin_for_ns(&m, 200000);
			break;
		case WT_AFFINITY_CHURN: {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			/* A cpuset may forbid some CPUs: just try the next. */
			sched_setaffinity(0, sizeof(set), &set);
			cpu = (cpu + 1) % (ncpus ? ncpus : 1);
			spin_for_ns(&m, 200000);
			break;
		}
		case WT__COUNT:
			_exit(2);
		}
		meter__iter(&m);
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

static void step_free(struct step_run *r)
{
	if (r->slots && r->slots != MAP_FAILED)
		munmap(r->slots, r->slots_len);
	free(r->pids);
	free(r->cg_of);
	free(r->nth);
	free(r->base);
	free(r);
}

/* Worker w of cgroup cgi is the n-th of its cgroup. */
static void place(struct step_run *r, int w, int cgi, int n)
{
	r->cg_of[w] = cgi;
	r->nth[w] = n;
}

int step__start(const struct plan_step *st, int ncpus, uint64_t ref_ns, struct step_run **out)
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
	r->ref_ns = ref_ns;
	for (i = 0; i < st->ncgroups; i++)
		r->nworkers += st->cgroups[i].workers;
	r->pids = calloc(r->nworkers + 1, sizeof(*r->pids));
	r->cg_of = calloc(r->nworkers + 1, sizeof(*r->cg_of));
	r->nth = calloc(r->nworkers + 1, sizeof(*r->nth));
	r->base = calloc(r->nworkers + 1, sizeof(*r->base));
	r->slots_len = (r->nworkers + 1) * sizeof(struct slot);
	r->slots = mmap(NULL, r->slots_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!r->pids || !r->cg_of || !r->nth || !r->base || r->slots == MAP_FAILED) {
		step_free(r);
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
			int wt = work_type__parse(cg->work_type);
			bool paired = wt >= 0 && work_type__paired(wt);

			if (paired && j + 1 < cg->workers) {
				if (wt == WT_PIPE_IO && (pipe2(p1, O_CLOEXEC) || pipe2(p2, O_CLOEXEC))) {
					err = -errno;
					break;
				}
				/* Side 0 writes p1, reads p2; side 1 the reverse. */
				place(r, w, i, j);
				r->pids[w] = spawn(r, i, w, &r->slots[w], 0, p2[0], p1[1], p1[0], p2[1]);
				w++;
				place(r, w, i, j + 1);
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
			place(r, w, i, j);
			r->pids[w] = spawn(r, i, w, &r->slots[w], 0, -1, -1, -1, -1);
			w++;
		}
	}
	r->nworkers = w;
	/*
	 * CPU time counts from here, when every worker exists: workers forked
	 * early would otherwise look favoured next to the last ones.
	 */
	for (i = 0; i < r->nworkers; i++)
		r->base[i].ok = r->pids[i] > 0 && !proc__schedstat(r->pids[i], &r->base[i].cpu_ns, &r->base[i].delay_ns);
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

/* A worker as ktstr-init sees it at the step's end. */
struct last_look {
	struct seen end;	/* just before the kill */
	char state;		/* then: 'R' runnable or running, 'S' asleep, ... */
	int cpu;		/* the CPU /proc says it last ran on, or -1 */
	uint64_t dead_delay;	/* run_delay once it died of the kill */
	bool dead_ok;
};

static void look(const struct step_run *r, int i, struct last_look *l)
{
	memset(l, 0, sizeof(*l));
	l->cpu = -1;
	l->state = '?';
	if (r->pids[i] <= 0)
		return;
	l->end.ok = !proc__schedstat(r->pids[i], &l->end.cpu_ns, &l->end.delay_ns);
	if (proc__state(r->pids[i], &l->state, &l->cpu)) {
		l->state = '?';
		l->cpu = -1;
	}
}

/*
 * The gap the worker could not record itself: the waits since its last
 * read of run_delay, and one still going on (a worker stuck for good never
 * runs again to note it). The latter is counted from the worker's last tick
 * (or the end of the sleep it asked for) while it is runnable, but never
 * beyond what run_delay grew until the kill let it run and die: a worker
 * running on a vCPU the host froze is no gap.
 */
static struct meter_gap last_gap(const struct step_run *r, int i, const struct last_look *l, uint64_t now)
{
	struct meter_shared *m = &r->slots[i].m;
	struct meter_gap g = { .cpu = -1 }, open = { .cpu = -1 };
	uint64_t last = atomic_load(&m->last_ns), slept = atomic_load(&m->sleep_ns);
	bool have_read = atomic_load_explicit(&m->delay_read, memory_order_acquire);
	uint64_t read = atomic_load(&m->delay);

	if (!last || !l->end.ok)
		return g;
	if (have_read && l->end.delay_ns > read)
		g = (struct meter_gap){ .ns = l->end.delay_ns - read, .at_ns = now - (l->end.delay_ns - read),
					.cpu = atomic_load(&m->last_cpu) };
	if (l->state == 'R' && l->dead_ok && now > last + slept && l->dead_delay > l->end.delay_ns) {
		open = (struct meter_gap){ .ns = now - last - slept, .at_ns = last + slept,
					   .cpu = atomic_load(&m->last_cpu) };
		if (open.ns > l->dead_delay - l->end.delay_ns)
			open.ns = l->dead_delay - l->end.delay_ns;
	}
	return open.ns > g.ns ? open : g;
}

/* One timeline stage per worker (format: man/ktstr-init.1, "Measurements"). */
static void report_worker(const struct step_run *r, int i, int idx, const struct last_look *l, uint64_t now)
{
	struct meter_shared *m = &r->slots[i].m;
	struct meter_gap g = meter__gap(m), last = last_gap(r, i, l, now);
	const struct seen *b = &r->base[i];
	uint64_t cpus = atomic_load(&m->cpus);
	char cpu_ms[32] = "-", wait_ms[32] = "-", gcpu[16] = "-", gat[32] = "-", list[200];

	if (last.ns > g.ns)
		g = last;
	if (l->cpu >= 0 && l->cpu < 64 && (cpus || atomic_load(&m->iters)))
		cpus |= 1ULL << l->cpu;	/* where it last ran, if it ran at all */
	cpulist__format(cpus, list, sizeof(list));
	if (!list[0])
		snprintf(list, sizeof(list), "-");
	if (b->ok && l->end.ok) {
		snprintf(cpu_ms, sizeof(cpu_ms), "%.3f", (l->end.cpu_ns - b->cpu_ns) / 1e6);
		snprintf(wait_ms, sizeof(wait_ms), "%.3f", (l->end.delay_ns - b->delay_ns) / 1e6);
	}
	if (g.ns && g.cpu >= 0)
		snprintf(gcpu, sizeof(gcpu), "%d", g.cpu);
	if (g.ns)
		snprintf(gat, sizeof(gat), "%+.1f", ((double)g.at_ns - (double)r->ref_ns) / 1e9);
	tl("step %d worker %s/%d: iter=%llu cpu_ms=%s wait_ms=%s gap_ms=%.1f gap_cpu=%s gap_at=%s cpus=%s", idx,
	   r->st->cgroups[r->cg_of[i]].name, r->nth[i], (unsigned long long)atomic_load(&m->iters), cpu_ms,
	   wait_ms, g.ns / 1e6, gcpu, gat, list);
}

void step__hotplug(const struct plan_step *st, int idx, bool online)
{
	const char *what = online ? "online" : "offline";
	char path[64];
	uint64_t mask;
	int cpu;

	if (!st->offline[0] || cpulist__parse(st->offline, strlen(st->offline), &mask))
		return;
	/* The host refused CPU 0 (lib/scenario.c): x86 keeps its boot CPU. */
	for (cpu = 1; cpu < 64; cpu++) {
		if (!(mask & (1ULL << cpu)))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
		if (sysfs__write(path, online ? "1" : "0"))
			tl("step %d: cpu %d %s failed: %s", idx, cpu, what, strerror(errno));
		else
			tl("step %d: cpu %d %s", idx, cpu, what);
	}
}

void step__stop(struct step_run *r, int idx)
{
	char path[256], summary[900];
	struct last_look *looks;
	uint64_t now;
	int i, c, status;
	size_t n = 0;

	if (!r)
		return;
	/* Look at every worker before any is killed: the kill changes what /proc says. */
	looks = calloc(r->nworkers + 1, sizeof(*looks));
	now = mono_ns();
	for (i = 0; looks && i < r->nworkers; i++)
		look(r, i, &looks[i]);
	for (i = 0; i < r->nworkers; i++)
		if (r->pids[i] > 0)
			kill(r->pids[i], SIGKILL);
	for (i = 0; i < r->nworkers; i++) {
		siginfo_t si;
		uint64_t cpu_ns;

		if (r->pids[i] <= 0)
			continue;
		/* Dead but not reaped: its run_delay now holds the wait it was in, if any. */
		while (waitid(P_PID, r->pids[i], &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
			;
		if (looks)
			looks[i].dead_ok = !proc__schedstat(r->pids[i], &cpu_ns, &looks[i].dead_delay);
		while (waitpid(r->pids[i], &status, 0) < 0 && errno == EINTR)
			;
	}
	/* The workers are gone: what they left in shared memory no longer changes. */
	for (i = 0; looks && i < r->nworkers; i++)
		report_worker(r, i, idx, &looks[i], now);
	if (!looks)
		tl("step %d: no memory for the worker measurements", idx);
	free(looks);
	summary[0] = '\0';
	for (c = 0; c < r->st->ncgroups; c++) {
		uint64_t iters = 0;

		for (i = 0; i < r->nworkers; i++)
			if (r->cg_of[i] == c)
				iters += atomic_load(&r->slots[i].m.iters);
		if (n < sizeof(summary))
			n += snprintf(summary + n, sizeof(summary) - n, "%s%s=%llu", n ? " " : "",
				      r->st->cgroups[c].name, (unsigned long long)iters);
		cg_path(path, sizeof(path), &r->st->cgroups[c], NULL);
		/* Zombies of killed ForkExit children may linger a moment. */
		for (i = 0; i < 50 && rmdir(path) && errno == EBUSY; i++)
			usleep(10000);
	}
	tl("step %d done: iterations %s", idx, n ? summary : "(no workers)");
	step_free(r);
}
