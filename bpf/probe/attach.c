// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching the plan's probes: phase 1 before the scheduler (the trigger,
 * probe_hold, fentry/fexit of kernel functions), phase 2 on the scheduler's
 * struct_ops programs once discover.c has found them. The kernel functions
 * go by two tracing multi links where the kernel has them (two programs of
 * the main object, one trampoline update); else, and for the struct_ops
 * programs, fentry/fexit go in batches of up to PROBE_BATCH per BPF object,
 * loaded by up to 4 threads. A kernel function whose trampoline cannot be
 * attached gets a kprobe at its entry instead: under TCG an int3 kprobe
 * costs several times a trampoline.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "agent.h"
#include "flight.h"
#include "scx.h"
#include "probe.skel.h"
#include "trace.skel.h"

struct probe_bpf *main_skel;
/* The running kernel's BTF: the trigger's presence, the sched_ext_ops layout, tracing multi. */
static struct btf *vmbtf;

/* bpf_rdonly_cast's BTF id in the running kernel, 0 without direct loads (record.bpf.h). */
static __s32 kfunc_id;

/*
 * The kernel facts the programs are loaded with (lib/kfacts.h): the plan's,
 * checked against vmbtf once parsed, or vmbtf's own.
 */
static struct kfacts kf;

/*
 * Whether the programs load fields directly (record.bpf.h): the kernel has
 * BPF_FEAT_RDONLY_CAST_TO_VOID and the kfunc, and --helper-reads is off.
 * Sets kfunc_id, and the offset of task_struct.comm for the programs.
 */
static void direct_setup(__u32 *comm_off)
{
	kfunc_id = 0;
	if (agent_helper_reads || !kf.feat_void || kf.comm_off < 0 || !kf.rdonly_cast)
		return;
	*comm_off = (__u32)kf.comm_off;
	kfunc_id = kf.rdonly_cast;
}

/*
 * The programs call the kfunc by a raw instruction with a placeholder id
 * (record.bpf.h: an extern would have libbpf parse the kernel's BTF for
 * every object): the kernel's id goes in, or, without direct loads, a
 * plain r0 = 0 (the code is dead then, but the verifier checks every
 * kfunc call). Before load; the count of instructions stays.
 */
static int patch_kfunc(struct bpf_object *obj)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		const struct bpf_insn *in = bpf_program__insns(p);
		size_t i, n = bpf_program__insn_cnt(p);
		struct bpf_insn *copy = NULL;
		int err;

		for (i = 0; i < n; i++) {
			if (in[i].code != (BPF_JMP | BPF_CALL) || in[i].src_reg != BPF_PSEUDO_KFUNC_CALL ||
			    in[i].imm != PROBE_KFUNC_PLACEHOLDER)
				continue;
			if (!copy) {
				copy = malloc(n * sizeof(*copy));
				if (!copy)
					return -ENOMEM;
				memcpy(copy, in, n * sizeof(*copy));
			}
			if (kfunc_id)
				copy[i].imm = kfunc_id;
			else
				copy[i] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 };
		}
		if (!copy)
			continue;
		err = bpf_program__set_insns(p, copy, n);
		free(copy);
		if (err)
			return err;
	}
	return 0;
}

static pthread_mutex_t attach_lock = PTHREAD_MUTEX_INITIALIZER;
static struct trace_bpf *batches[PROBE_MAX_TARGETS];
static int nbatches;

static struct bpf_program *slot_prog(struct trace_bpf *s, int slot, bool exit)
{
	struct bpf_program *fe[PROBE_BATCH] = { s->progs.fentry0, s->progs.fentry1, s->progs.fentry2,
						s->progs.fentry3, s->progs.fentry4, s->progs.fentry5,
						s->progs.fentry6, s->progs.fentry7 };
	struct bpf_program *fx[PROBE_BATCH] = { s->progs.fexit0, s->progs.fexit1, s->progs.fexit2,
						s->progs.fexit3, s->progs.fexit4, s->progs.fexit5,
						s->progs.fexit6, s->progs.fexit7 };

	return exit ? fx[slot] : fe[slot];
}

static void autoload_none(struct bpf_object *obj)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, false);
}

/* A trace object's maps are the main object's (record.bpf.h). */
static int reuse_maps(struct trace_bpf *s)
{
	int err;

	if ((err = bpf_map__reuse_fd(s->maps.targets, bpf_map__fd(main_skel->maps.targets))) ||
	    (err = bpf_map__reuse_fd(s->maps.flight, bpf_map__fd(main_skel->maps.flight))) ||
	    (err = bpf_map__reuse_fd(s->maps.flight_head, bpf_map__fd(main_skel->maps.flight_head))) ||
	    (err = bpf_map__reuse_fd(s->maps.inflight, bpf_map__fd(main_skel->maps.inflight))) ||
	    (err = bpf_map__reuse_fd(s->maps.counters, bpf_map__fd(main_skel->maps.counters))) ||
	    (err = bpf_map__reuse_fd(s->maps.tally, bpf_map__fd(main_skel->maps.tally))))
		return err;
	return 0;
}

/* A copy of the trace object, its programs off, its maps and data_cap the main object's. */
static struct trace_bpf *trace_open(void)
{
	struct trace_bpf *s = trace_bpf__open();
	int err;

	if (!s)
		return NULL;
	autoload_none(s->obj);
	s->rodata->data_cap = main_skel->rodata->data_cap;
	s->rodata->flight_slots = main_skel->rodata->flight_slots;
	s->rodata->record_none = main_skel->rodata->record_none;
	s->rodata->direct = main_skel->rodata->direct;
	s->rodata->comm_off = main_skel->rodata->comm_off;
	err = patch_kfunc(s->obj);
	if (!err)
		err = reuse_maps(s);
	if (err) {
		trace_bpf__destroy(s);
		errno = -err;
		return NULL;
	}
	return s;
}

/*
 * The verifier's own account of a program (log level BPF_LOG_STATS: a few
 * lines, whatever the program): what it processed and how long it took.
 * Not under -v: libbpf prints a failed program's whole verifier log only
 * into a buffer of its own.
 */
struct verifier_log {
	char buf[2][PROBE_BATCH][1024];
};

static void verifier_log(struct bpf_program *p, char *buf, size_t size)
{
	if (agent_verbose)
		return;
	bpf_program__set_log_buf(p, buf, size);
	bpf_program__set_log_level(p, 4 /* BPF_LOG_STATS */);
}

static void verifier_stats(const char *log, long *insns, long *us)
{
	const char *p;

	if ((p = strstr(log, "processed ")))
		*insns += strtol(p + 10, NULL, 10);
	if ((p = strstr(log, "verification time ")))
		*us += strtol(p + 18, NULL, 10);
}

/*
 * One object for up to PROBE_BATCH targets: fentry and fexit per slot.
 * prog_fd: the struct_ops program each target is, or 0 for kernel
 * functions. Returns 0 or a negative errno (nothing attached).
 */
static int attach_batch(const int *idx, const int *prog_fd, int n)
{
	struct timespec a, b;
	struct trace_bpf *s;
	struct verifier_log *vl = calloc(1, sizeof(*vl));
	double open_ms, target_ms, load_ms;
	long insns = 0, us = 0;
	int k, x, err;

	clock_gettime(CLOCK_MONOTONIC, &a);
	if (!vl)
		return -ENOMEM;
	s = trace_open();
	if (!s) {
		err = -errno;
		free(vl);
		return err;
	}
	open_ms = ms_since(&a);
	err = 0;
	clock_gettime(CLOCK_MONOTONIC, &b);
	for (k = 0; k < n && !err; k++) {
		const struct target *t = &tg[idx[k]];

		s->rodata->slot_target[k] = idx[k];
		for (x = 0; x < 2 && !err; x++) {
			struct bpf_program *p = slot_prog(s, k, x);

			bpf_program__set_autoload(p, true);
			verifier_log(p, vl->buf[x][k], sizeof(vl->buf[x][k]));
			err = bpf_program__set_attach_target(p, prog_fd[k], t->attach);
		}
	}
	target_ms = ms_since(&b);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!err)
		err = trace_bpf__load(s);
	load_ms = ms_since(&b);
	for (k = 0; k < n; k++)
		for (x = 0; x < 2; x++)
			verifier_stats(vl->buf[x][k], &insns, &us);
	free(vl);
	/*
	 * fexit before fentry: a call entered after its fentry was attached
	 * but returning before its fexit was would leave a stale entry on the
	 * in-flight stack (a pop on an empty stack is harmless).
	 */
	clock_gettime(CLOCK_MONOTONIC, &b);
	for (k = 0; k < n && !err; k++)
		if (!bpf_program__attach_trace(slot_prog(s, k, true)))
			err = -errno;
	for (k = 0; k < n && !err; k++)
		if (!bpf_program__attach_trace(slot_prog(s, k, false)))
			err = -errno;
	if (err) {
		trace_bpf__destroy(s);	/* also detaches what was attached */
		return err;
	}
	pthread_mutex_lock(&attach_lock);
	batches[nbatches++] = s;
	for (k = 0; k < n; k++) {
		tg[idx[k]].attached = true;
		stream__attach(idx[k], "fentry+fexit", 0, ms_since(&a) / n);
	}
	fprintf(stream__out(),
		"{\"ev\":\"batch\",\"targets\":%d,\"load_ms\":%.2f,\"attach_ms\":%.2f,\"open_ms\":%.2f,"
		"\"target_ms\":%.2f,\"prog_load_ms\":%.2f,\"verifier_insns\":%ld,\"verifier_ms\":%.2f}\n",
		n, open_ms + target_ms + load_ms, ms_since(&b), open_ms, target_ms, load_ms, insns, us / 1e3);
	pthread_mutex_unlock(&attach_lock);
	return 0;
}

struct attach_work {
	const int *idx, *prog_fd;
	int n, next, per;	/* per: targets a batch */
};

/* The entry of kernel function i by a kprobe, when its trampoline failed with err. */
static void attach_kprobe(int i, int err, double ms)
{
	LIBBPF_OPTS(bpf_kprobe_opts, ko, .bpf_cookie = i);
	struct timespec a;

	clock_gettime(CLOCK_MONOTONIC, &a);
	pthread_mutex_lock(&attach_lock);
	stream__attach(i, "fentry+fexit", err, ms);
	err = bpf_program__attach_kprobe_opts(main_skel->progs.probe_kprobe, tg[i].name, &ko) ? 0 : -errno;
	stream__attach(i, "kprobe", err, ms_since(&a));
	pthread_mutex_unlock(&attach_lock);
}

/* Batches of w->per; a batch that fails is retried one target at a time. */
static void *attach_worker(void *arg)
{
	struct attach_work *w = arg;
	int b, k, m, err;

	while ((b = __atomic_fetch_add(&w->next, w->per, __ATOMIC_RELAXED)) < w->n) {
		m = w->n - b < w->per ? w->n - b : w->per;
		if (!attach_batch(w->idx + b, w->prog_fd + b, m))
			continue;
		for (k = 0; k < m; k++) {
			struct timespec a;

			clock_gettime(CLOCK_MONOTONIC, &a);
			err = attach_batch(w->idx + b + k, w->prog_fd + b + k, 1);
			if (err && !tg[w->idx[b + k]].bpf) {
				attach_kprobe(w->idx[b + k], err, ms_since(&a));
			} else if (err) {
				pthread_mutex_lock(&attach_lock);
				stream__attach(w->idx[b + k], "fentry+fexit", err, ms_since(&a));
				pthread_mutex_unlock(&attach_lock);
			}
		}
	}
	return NULL;
}

/*
 * Loading is the verifier (~0.1 s a target under TCG) and libbpf's pass
 * over the kernel's BTF (~0.4 s an object): one thread per CPU (at most 4),
 * each with one batch when PROBE_BATCH allows, so every CPU works once and
 * no more objects are made than threads.
 */
static void attach_tracing(const int *idx, const int *prog_fd, int n)
{
	struct attach_work w = { .idx = idx, .prog_fd = prog_fd, .n = n };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t th[4];
	int i, nth = ncpu < 1 ? 1 : ncpu > 4 ? 4 : ncpu, started = 0;

	w.per = (n + nth - 1) / nth;
	w.per = w.per < 1 ? 1 : w.per > PROBE_BATCH ? PROBE_BATCH : w.per;
	if (nth > (n + w.per - 1) / w.per)
		nth = (n + w.per - 1) / w.per;
	for (i = 1; i < nth; i++)
		if (!pthread_create(&th[started], NULL, attach_worker, &w))
			started++;
	attach_worker(&w);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

/* Holds the kernel's per-program run time accounting on (attach__print_run_stats). */
static int stats_fd = -1;

/*
 * Tracing multi links (kernels 7.x): fentry_multi and fexit_multi, one
 * program each for every kernel function, one link each, loaded with the
 * main object (whose CO-RE relocations have libbpf parse the kernel's BTF
 * anyway). Neither libbpf
 * 1.4 nor the system's headers know them: the attach types' numbers come
 * from the kernel's own BTF, the link from this layout of union bpf_attr's
 * link_create (uapi: prog_fd, target_fd, attach_type, flags, then ids,
 * cookies, cnt).
 */
struct multi_link_attr {
	__u32 prog_fd, target_fd, attach_type, flags;
	__u64 ids, cookies;
	__u32 cnt;
};

static int multi_link[2] = { -1, -1 };
/* Loaded with the main object: its multi programs and the verifier's account of them. */
static bool multi_loaded;
static long multi_insns, multi_us;

static int multi_link_create(struct bpf_program *p, const __u32 *ids, const __u64 *cookies, int n)
{
	union bpf_attr attr;
	struct multi_link_attr m = {
		.prog_fd = bpf_program__fd(p),
		.attach_type = bpf_program__expected_attach_type(p),
		.ids = (__u64)(unsigned long)ids,
		.cookies = (__u64)(unsigned long)cookies,
		.cnt = n,
	};
	int fd;

	_Static_assert(sizeof(m) <= sizeof(attr), "link_create fits union bpf_attr");
	memset(&attr, 0, sizeof(attr));
	memcpy(&attr, &m, sizeof(m));
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

/*
 * Where the kernel has tracing multi links, the main object's multi
 * programs get their type and attach type (0), else they stay off
 * (-EOPNOTSUPP). log: room for the verifier's account of each.
 */
static int multi_prepare(char (*log)[1024])
{
	long long fentry = kf.fentry_multi, fexit = kf.fexit_multi;
	struct bpf_program *p[2] = { main_skel->progs.fexit_multi, main_skel->progs.fentry_multi };
	int k, err = 0;

	if (fentry < 0 || fexit < 0)
		return -EOPNOTSUPP;
	for (k = 0; k < 2 && !err; k++) {
		bpf_program__set_autoload(p[k], true);
		verifier_log(p[k], log[k], sizeof(log[k]));
		err = bpf_program__set_type(p[k], BPF_PROG_TYPE_TRACING);
		if (!err)
			err = bpf_program__set_expected_attach_type(p[k], k ? fentry : fexit);
	}
	if (err)
		for (k = 0; k < 2; k++)
			bpf_program__set_autoload(p[k], false);
	return err;
}

/* All n kernel functions idx[] by the two multi programs: 0, or -errno with nothing attached. */
static int attach_multi(const int *idx, int n)
{
	struct bpf_program *p[2] = { main_skel->progs.fexit_multi, main_skel->progs.fentry_multi };
	__u32 ids[PROBE_MAX_TARGETS];
	__u64 cookies[PROBE_MAX_TARGETS];
	struct timespec a;
	int k, err = 0;

	if (!multi_loaded || !vmbtf)
		return -EOPNOTSUPP;
	for (k = 0; k < n; k++) {
		int id = btf__find_by_name_kind(vmbtf, tg[idx[k]].attach, BTF_KIND_FUNC);

		if (id <= 0)
			return -ENOENT;
		ids[k] = id;
		cookies[k] = idx[k];
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	/* fexit first, as attach_batch does. */
	for (k = 0; k < 2 && !err; k++) {
		multi_link[k] = multi_link_create(p[k], ids, cookies, n);
		if (multi_link[k] < 0)
			err = multi_link[k];
	}
	if (err) {
		for (k = 0; k < 2; k++)
			if (multi_link[k] >= 0)
				close(multi_link[k]);
		multi_link[0] = multi_link[1] = -1;
		return err;
	}
	pthread_mutex_lock(&attach_lock);
	for (k = 0; k < n; k++) {
		tg[idx[k]].attached = true;
		stream__attach(idx[k], "fentry+fexit.multi", 0, ms_since(&a) / n);
	}
	fprintf(stream__out(),
		"{\"ev\":\"batch\",\"targets\":%d,\"multi\":true,\"load_ms\":0,\"attach_ms\":%.2f,"
		"\"verifier_insns\":%ld,\"verifier_ms\":%.2f}\n", n, ms_since(&a), multi_insns, multi_us / 1e3);
	pthread_mutex_unlock(&attach_lock);
	return 0;
}

/* Let a held scheduler go on (once: probe_hold stops no one after this). */
void attach__hold_release(void)
{
	struct probe_hold h = { 0 }, done = { .done = 1 };
	__u32 k = 0;

	if (!main_skel || bpf_map_lookup_elem(bpf_map__fd(main_skel->maps.hold), &k, &h))
		return;
	bpf_map_update_elem(bpf_map__fd(main_skel->maps.hold), &k, &done, BPF_ANY);
	if (h.tgid)
		kill((pid_t)h.tgid, SIGCONT);
}

/* probe_hold is attached: a scheduler that starts now stops before enabling. */
static bool holding;

bool attach__holding(void)
{
	return holding;
}

/*
 * The flight recorder's shape (record.bpf.h): agent_max_events records in
 * all, shared out over the CPUs, each of the bytes a record of the largest
 * target takes. A CPU's ring has room for four times the returns recorded
 * after the trigger (EXIT_BUDGET of record.bpf.h): they must not overwrite
 * the entries of the calls in flight at the exit, the chain's end, before
 * the history has copied them.
 */
#define FLIGHT_MIN_SLOTS 256

static int flight_cpus;
static __u32 flight_slots;
static size_t flight_esz;
static void *flight_mem;
static size_t flight_len;

static void flight_size(struct probe_bpf *s)
{
	__u32 cap = s->rodata->data_cap;
	long per;

	flight_cpus = libbpf_num_possible_cpus();
	if (flight_cpus < 1)
		flight_cpus = 1;
	per = (agent_max_events + flight_cpus - 1) / flight_cpus;
	flight_slots = per < FLIGHT_MIN_SLOTS ? FLIGHT_MIN_SLOTS : (__u32)per;
	/* As REC_SZ: the header, data_cap bytes and a read's slack. */
	flight_esz = (PROBE_HDR_SZ + cap + PROBE_FIELD_MAX + 7) & ~(size_t)7;
	s->rodata->flight_slots = flight_slots;
	bpf_map__set_value_size(s->maps.flight, flight_esz);
	bpf_map__set_max_entries(s->maps.flight, (__u32)flight_cpus * flight_slots);
}

/* The loaded rings, mapped for the agent to read (flight.c). */
static int flight_map(void)
{
	flight_len = (size_t)flight_cpus * flight_slots * flight_esz;
	flight_len = (flight_len + 4095) & ~(size_t)4095;
	flight_mem = mmap(NULL, flight_len, PROT_READ, MAP_SHARED, bpf_map__fd(main_skel->maps.flight), 0);
	if (flight_mem == MAP_FAILED) {
		flight_mem = NULL;
		return -errno;
	}
	return flight__init(flight_mem, flight_slots, flight_esz, flight_cpus,
			    bpf_map__fd(main_skel->maps.flight_head));
}

/* Phase 1, before the scheduler: maps, trigger, probe_hold. */
/*
 * The main object (its maps, the kprobe, the trigger, probe_hold and, with
 * multi, the multi programs), loaded. Whether the trigger and probe_hold
 * are part of it in *trig, *hold.
 */
static int main_load(bool multi, bool *trig, bool *hold)
{
	char log[2][1024] = { "", "" };
	int err;

	main_skel = probe_bpf__open();
	if (!main_skel)
		return -errno;
	autoload_none(main_skel->obj);
	main_skel->rodata->data_cap = probe_plan__data_cap();
	main_skel->rodata->record_none = agent_empty;
	direct_setup((__u32 *)&main_skel->rodata->comm_off);
	main_skel->rodata->direct = kfunc_id != 0;
	err = patch_kfunc(main_skel->obj);
	if (err)
		return err;
	flight_size(main_skel);
	bpf_program__set_autoload(main_skel->progs.probe_kprobe, true);
	*trig = kf.exit_tp;
	if (*trig)
		bpf_program__set_autoload(main_skel->progs.probe_trigger, true);
	*hold = probe_plan__any_bpf() && (main_skel->rodata->hold_value_type = kf.ops_value);
	if (*hold)
		bpf_program__set_autoload(main_skel->progs.probe_hold, true);
	multi_loaded = multi && !multi_prepare(log);
	err = probe_bpf__load(main_skel);
	if (!err)
		err = flight_map();
	if (!err && multi_loaded) {
		verifier_stats(log[0], &multi_insns, &multi_us);
		verifier_stats(log[1], &multi_insns, &multi_us);
	}
	return err;
}

/* The main object gone again, its rings unmapped: to load it once more. */
static void main_unload(void)
{
	flight__free();
	if (flight_mem)
		munmap(flight_mem, flight_len);
	flight_mem = NULL;
	probe_bpf__destroy(main_skel);
	main_skel = NULL;
}

/* main_load(), and again without the multi programs if they were what failed. */
static int main_load_multi(bool any_kernel, bool *trig, bool *hold)
{
	int err = main_load(any_kernel, trig, hold);

	/* A kernel whose verifier refuses the multi programs still gets the rest. */
	if (err && multi_loaded) {
		stream__note("tracing multi programs not loaded: %s; one object per batch instead", strerror(-err));
		main_unload();
		err = main_load(false, trig, hold);
	}
	return err;
}

static void *parse_vmbtf(void *arg)
{
	(void)arg;
	vmbtf = btf__load_vmlinux_btf();
	return NULL;
}

/* The size of the running kernel's BTF, or 0. */
static __u32 sys_btf_size(void)
{
	struct stat st;

	return stat("/sys/kernel/btf/vmlinux", &st) ? 0 : (__u32)st.st_size;
}

/*
 * The main object loaded: with the plan's kernel facts, where they are of
 * this kernel (its BTF's size), while a thread parses the kernel's BTF for
 * what comes after (the multi links' ids, the sched_ext_ops layout): the
 * two parses, the agent's and libbpf's own in the load, ~0.2 s each under
 * TCG, then overlap. Once vmbtf is there the facts are checked against
 * it, and the object loaded again with its facts if they differ. Without
 * them the BTF is parsed first.
 */
static int main_load_all(bool any_kernel, bool *trig, bool *hold)
{
	pthread_t th;
	bool threaded = plan_has_kfacts && plan_kfacts.btf_size && plan_kfacts.btf_size == sys_btf_size() &&
			!pthread_create(&th, NULL, parse_vmbtf, NULL);
	struct kfacts own;
	int err;

	if (threaded) {
		kf = plan_kfacts;
	} else {
		vmbtf = btf__load_vmlinux_btf();
		kfacts__from_btf(vmbtf, &kf);
	}
	err = main_load_multi(any_kernel, trig, hold);
	if (!threaded)
		return err;
	pthread_join(th, NULL);
	kfacts__from_btf(vmbtf, &own);
	if (!vmbtf || kfacts__equal(&own, &kf))
		return err;
	stream__note("the plan's kernel facts are not this kernel's: loaded again with its own");
	kf = own;
	main_unload();
	return main_load_multi(any_kernel, trig, hold);
}

int attach__kernel(void)
{
	struct probe_target cfg;
	struct timespec a;
	int i, err;
	bool trig, hold, any_kernel = false;

	/*
	 * Only when asked: the accounting reads the clock twice a program run,
	 * which under TCG costs more than an empty program (bench/probe-overhead.sh).
	 */
	if (agent_run_stats)
		stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	for (i = 0; i < ntg; i++)
		any_kernel |= !tg[i].bpf;
	clock_gettime(CLOCK_MONOTONIC, &a);
	err = main_load_all(any_kernel, &trig, &hold);
	if (err)
		return err;
	fprintf(stream__out(), "{\"ev\":\"phase\",\"name\":\"load\",\"ms\":%.2f}\n", ms_since(&a));
	for (i = 0; i < ntg; i++) {
		__u32 k = i;

		probe_plan__target_cfg(&tg[i], &cfg);
		err = bpf_map_update_elem(bpf_map__fd(main_skel->maps.targets), &k, &cfg, BPF_ANY);
		if (err)
			return -errno;
	}
	if (!trig) {
		fputs("{\"ev\":\"trigger_unavailable\",\"msg\":\"trigger unavailable in this kernel\"}\n", stream__out());
	} else {
		clock_gettime(CLOCK_MONOTONIC, &a);
		err = bpf_program__attach(main_skel->progs.probe_trigger) ? 0 : -errno;
		fprintf(stream__out(), "{\"ev\":\"trigger_attach\",\"ok\":%s,\"ms\":%.2f}\n", err ? "false" : "true",
			ms_since(&a));
	}
	if (hold) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		err = bpf_program__attach(main_skel->progs.probe_hold) ? 0 : -errno;
		holding = !err;
		fprintf(stream__out(), "{\"ev\":\"hold_attach\",\"ok\":%s,\"ms\":%.2f}\n", err ? "false" : "true",
			ms_since(&a));
	}
	return 0;
}

/*
 * Phase 1 still: the kernel functions' fentry/fexit, by two multi links
 * where the kernel has them, else in batches (and a kprobe for a function
 * whose trampoline fails).
 */
void attach__kernel_functions(void)
{
	int idx[PROBE_MAX_TARGETS], fds[PROBE_MAX_TARGETS] = { 0 };
	int i, n = 0, err;

	for (i = 0; i < ntg; i++)
		if (!tg[i].bpf)
			idx[n++] = i;
	if (!n)
		return;
	err = attach_multi(idx, n);
	if (!err)
		return;
	if (err != -EOPNOTSUPP)
		stream__note("tracing multi link: %s; one object per batch instead", strerror(-err));
	attach_tracing(idx, fds, n);
}

/* The process probe_hold stopped, or 0. */
static __u32 held_tgid(void)
{
	struct probe_hold h = { 0 };
	__u32 k = 0;

	bpf_map_lookup_elem(bpf_map__fd(main_skel->maps.hold), &k, &h);
	return h.tgid;
}

/* Wait (a little) until the held process is really stopped: the map is filled by then. */
static void wait_stopped(__u32 tgid)
{
	char path[64], buf[512], *p;
	int i;

	snprintf(path, sizeof(path), "/proc/%u/stat", tgid);
	for (i = 0; i < 500; i++) {
		FILE *f = fopen(path, "re");
		bool stopped = false;

		if (!f)
			return;	/* gone */
		if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
			stopped = p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
		fclose(f);
		if (stopped)
			return;
		usleep(2000);
	}
}

/* The target for a discovered program: the plan's one of that name, else the op's template. */
static int match_target(const struct found_prog *f, const int *idx, int n)
{
	int i, k, tmpl = -1;

	for (i = 0; i < ntg; i++) {
		bool taken = false;

		for (k = 0; k < n; k++)
			taken |= idx[k] == i;
		if (!tg[i].bpf || tg[i].attached || taken)
			continue;
		if (!tg[i].tmpl && !strcmp(tg[i].name, f->name))
			return i;
		if (tg[i].tmpl && !strcmp(tg[i].op, f->op) && tmpl < 0)
			tmpl = i;
	}
	return tmpl;
}

/*
 * Phase 2: the struct_ops programs of the scheduler. Found when probe_hold
 * has stopped it between loading and enabling (every callback is then
 * probed from its first call), else once sched_ext is enabled (a legacy
 * struct_ops map, or a kernel where bpf_struct_ops_map_update_elem cannot
 * be traced). Each program's op comes from the map, not from its name.
 */
void attach__bpf(long wait_ms)
{
	static struct found_prog found[PROBE_MAX_TARGETS];
	int idx[PROBE_MAX_TARGETS], fds[PROBE_MAX_TARGETS];
	int i, k, n = 0, nfound;
	struct timespec a;
	__u32 held = 0;

	if (!probe_plan__any_bpf())
		return;
	clock_gettime(CLOCK_MONOTONIC, &a);
	while (!agent_stop && !(held = held_tgid()) && !scx__enabled() && ms_since(&a) < wait_ms)
		usleep(2000);
	if (held) {
		wait_stopped(held);
		printf("{\"ev\":\"phase\",\"name\":\"held\",\"pid\":%u,\"ms\":%.2f}\n", held, ms_since(&agent_t0));
	} else if (scx__enabled()) {
		printf("{\"ev\":\"phase\",\"name\":\"scx_enabled\",\"ms\":%.2f}\n", ms_since(&agent_t0));
	} else {
		stream__note("sched_ext not enabled after %ld ms: BPF callbacks not probed", wait_ms);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	nfound = vmbtf ? discover__ops(vmbtf, kf.ops_value, found, PROBE_MAX_TARGETS) : -ENOENT;
	if (nfound < 0)
		stream__note("no sched_ext_ops layout in the kernel BTF: BPF callbacks not probed");
	for (i = 0; i < nfound; i++) {
		int t = match_target(&found[i], idx, n);

		stream__prog(t, &found[i]);
		if (t < 0)
			continue;
		memcpy(tg[t].attach, found[i].name, sizeof(tg[t].attach));
		idx[n] = t;
		fds[n++] = found[i].fd;
	}
	printf("{\"ev\":\"phase\",\"name\":\"discovered\",\"progs\":%d,\"ms\":%.2f}\n", n, ms_since(&a));
	for (i = 0; i < ntg; i++) {
		bool hit = false;

		for (k = 0; k < n; k++)
			hit |= idx[k] == i;
		/* A template whose op the scheduler does not implement is no failure. */
		if (tg[i].bpf && !tg[i].tmpl && !hit)
			printf("{\"ev\":\"attach\",\"i\":%d,\"how\":\"fentry+fexit\",\"ok\":false,\"ms\":0,"
			       "\"error\":\"no loaded struct_ops program of that name\"}\n", i);
	}
	attach_tracing(idx, fds, n);
	printf("{\"ev\":\"phase\",\"name\":\"bpf_attached\",\"ms\":%.2f}\n", ms_since(&agent_t0));
	if (held)
		attach__hold_release();
	for (i = 0; i < nfound; i++)
		close(found[i].fd);
}

/* A program's kernel-measured runs and run time, added to kind k of the tallies. */
struct run_tally {
	const char *kind;
	unsigned long long runs, ns;
};

static void tally_prog(struct run_tally *t, int k, const struct bpf_program *p)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_program__fd(p);

	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_prog_get_info_by_fd(fd, &info, &len))
		return;
	t[k].runs += info.run_cnt;
	t[k].ns += info.run_time_ns;
}

/*
 * Where the probes' time went, by kind of program: the kernel's own count
 * and run time of every program (BPF_STATS_RUN_TIME, on since phase 1).
 * The trampolines' and kprobe's own cost is not in it. Printed as a JSON
 * member of the stats line.
 */
void attach__print_run_stats(FILE *out)
{
	struct run_tally t[] = { { .kind = "kprobe" },	   { .kind = "fentry_kernel" }, { .kind = "fexit_kernel" },
				 { .kind = "fentry_bpf" }, { .kind = "fexit_bpf" },	{ .kind = "trigger" } };
	int b, k, i;

	if (!main_skel)
		return;
	tally_prog(t, 0, main_skel->progs.probe_kprobe);
	tally_prog(t, 5, main_skel->progs.probe_trigger);
	if (multi_loaded) {
		tally_prog(t, 1, main_skel->progs.fentry_multi);
		tally_prog(t, 2, main_skel->progs.fexit_multi);
	}
	for (b = 0; b < nbatches; b++)
		for (k = 0; k < PROBE_BATCH; k++) {
			__u32 idx = batches[b]->rodata->slot_target[k];
			bool bpf = idx < (__u32)ntg && tg[idx].bpf;

			tally_prog(t, bpf ? 3 : 1, slot_prog(batches[b], k, false));
			tally_prog(t, bpf ? 4 : 2, slot_prog(batches[b], k, true));
		}
	fprintf(out, ",\"reads\":\"%s\"", main_skel->rodata->direct ? "direct" : "helper");
	fprintf(out, ",\"run_stats\":%s,\"progs\":{", stats_fd >= 0 ? "true" : "false");
	for (i = 0; i < (int)(sizeof(t) / sizeof(t[0])); i++)
		fprintf(out, "%s\"%s\":{\"runs\":%llu,\"ns\":%llu}", i ? "," : "", t[i].kind, t[i].runs, t[i].ns);
	fputc('}', out);
}

void attach__free(void)
{
	if (stats_fd >= 0)
		close(stats_fd);
	while (nbatches)
		trace_bpf__destroy(batches[--nbatches]);
	for (int k = 0; k < 2; k++)
		if (multi_link[k] >= 0)
			close(multi_link[k]);
	main_unload();
	btf__free(vmbtf);
}
