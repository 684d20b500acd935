// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-probe-agent: the in-guest half of ktstr-probe (man/ktstr-probe-agent.1).
 *
 * Reads the probe plan the host wrote (targets already resolved by
 * ktstr-btfres and flattened by ktstr-probe), attaches the generic programs
 * of probe.bpf.c, prints KTSTR_AGENT_READY (ktstr-init starts the scheduler
 * only then), attaches fentry/fexit to the scheduler's struct_ops programs
 * (found by the op they implement, whatever their names) while probe_hold
 * keeps the scheduler stopped between loading and enabling, and streams one
 * JSON line per ring buffer record on stdout until SIGINT/SIGTERM. Static:
 * it runs in a bare initramfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "discover.h"
#include "recorder.h"
#include "scx.h"
#include "usage.h"
#include "probe.h"
#include "probe.skel.h"

#define READY_LINE "KTSTR_AGENT_READY"
#define TRIGGER_TP "btf_trace_" SCX_EXIT_TP
/* A plan target named so stands for whatever program implements ops.OP. */
#define OP_TEMPLATE "ops."
/* While it exists, ktstr-init holds sys_rdy back (see ktstr-init(1)). */
#define ATTACHING_FILE "/ktstr/agent-attaching"

static const char help_text[] =
	"Usage: ktstr-probe-agent --plan FILE [OPTIONS]\n"
	"In-guest probe agent of ktstr-probe: attach the probes of the plan, print\n"
	"KTSTR_AGENT_READY, attach to the scheduler's struct_ops programs once\n"
	"sched_ext is enabled, stream one JSON line per event until SIGINT.\n"
	"\n"
	"  -p, --plan FILE       the probe plan written by ktstr-probe\n"
	"  -m, --max-events N    keep the last N events (default 20000)\n"
	"  -w, --wait-ms N       how long to wait for sched_ext (default 60000)\n"
	"  -v, --verbose         libbpf messages on stderr\n"
	"  -h, --help            show this help\n"
	"  -V, --version         show the version\n"
	"\n"
	"Exit status: 0 done, 2 bad plan or usage, 3 BPF unavailable.\n";

struct field {
	int arg, size, out;
	long offset, deref;	/* deref < 0: none */
	bool str;
};

struct target {
	char name[128];		/* as the plan names it */
	char attach[128];	/* the function attached to ("" until a template is matched) */
	char op[48];		/* templates: the sched_ext_ops member */
	bool tmpl;
	bool bpf;
	int nargs, task_param, packed, nfields;
	struct field f[PROBE_MAX_FIELDS];
	bool attached;
};

static struct target tg[PROBE_MAX_TARGETS];
static int ntg;
static volatile sig_atomic_t stop;
static int verbose;
static long max_events = 20000;
static struct timespec t0;

static double ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1e3 + (b.tv_nsec - a->tv_nsec) / 1e6;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && verbose < 2)
		return 0;
	if (!verbose && level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* A JSON string: quotes, backslashes, controls and non-ASCII bytes escaped. */
static void put_str(const char *s, size_t max)
{
	size_t i;

	putchar('"');
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Records collected before READY (stdout goes to the console until then). */
static char *early;
static size_t early_len;
static FILE *early_f;

static FILE *out(void)
{
	return early_f ? early_f : stdout;
}

static void note_attach(int i, const char *how, int err, double ms)
{
	fprintf(out(), "{\"ev\":\"attach\",\"i\":%d,\"how\":\"%s\",\"ok\":%s,\"ms\":%.2f", i, how,
		err ? "false" : "true", ms);
	if (err)
		fprintf(out(), ",\"error\":\"%s\"", strerror(err < 0 ? -err : err));
	fputs("}\n", out());
}

static void note(const char *fmt, ...)
{
	va_list ap;

	fputs("{\"ev\":\"note\",\"msg\":\"", out());
	va_start(ap, fmt);
	vfprintf(out(), fmt, ap);	/* callers pass no quotes or controls */
	va_end(ap);
	fputs("\"}\n", out());
}

static int plan_load(const char *path)
{
	char line[512], kind[16], name[128];
	FILE *f = fopen(path, "re");
	int lineno = 0, ret = 0;

	if (!f) {
		fprintf(stderr, "ktstr-probe-agent: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		struct target *t;
		struct field fl;
		int idx, str;

		lineno++;
		if (line[0] == '#' || line[0] == '\n' || !strncmp(line, "ktstr-probe-plan ", 17))
			continue;
		if (sscanf(line, "target %d %15s %d %d %d %127s", &idx, kind, &(int){ 0 }, &(int){ 0 },
			   &(int){ 0 }, name) == 6) {
			if (idx != ntg || idx >= PROBE_MAX_TARGETS)
				goto bad;
			t = &tg[ntg++];
			sscanf(line, "target %d %15s %d %d %d %127s", &idx, kind, &t->nargs, &t->packed,
			       &t->task_param, t->name);
			t->bpf = !strcmp(kind, "bpf");
			if (t->bpf && !strncmp(t->name, OP_TEMPLATE, strlen(OP_TEMPLATE))) {
				size_t n = strlen(t->name + strlen(OP_TEMPLATE));

				t->tmpl = true;
				n = n < sizeof(t->op) ? n : sizeof(t->op) - 1;
				memcpy(t->op, t->name + strlen(OP_TEMPLATE), n);
				t->op[n] = '\0';
			} else {
				memcpy(t->attach, t->name, sizeof(t->attach));
			}
			if (t->nargs < 0 || t->nargs > PROBE_MAX_ARGS)
				t->nargs = PROBE_MAX_ARGS;
		} else if (sscanf(line, "field %d %d %ld %ld %d %d %d", &idx, &fl.arg, &fl.offset, &fl.deref,
				  &fl.size, &str, &fl.out) == 7) {
			if (idx < 0 || idx >= ntg || tg[idx].nfields >= PROBE_MAX_FIELDS || fl.arg < 0 ||
			    fl.arg >= PROBE_MAX_ARGS || fl.size <= 0 || fl.size > PROBE_FIELD_MAX || fl.out < 0 ||
			    fl.out + fl.size > PROBE_DATA_SZ - 1 || fl.offset < 0 || fl.offset > 0xffffffffL ||
			    fl.deref > 0xffffffffL)
				goto bad;
			fl.str = str;
			tg[idx].f[tg[idx].nfields++] = fl;
		} else {
			goto bad;
		}
	}
	fclose(f);
	return ret;
bad:
	fprintf(stderr, "ktstr-probe-agent: %s:%d: bad plan line\n", path, lineno);
	fclose(f);
	return -EINVAL;
}

static void target_cfg(const struct target *t, struct probe_target *c)
{
	int k;

	memset(c, 0, sizeof(*c));
	c->nargs = t->nargs;
	c->packed = t->packed;
	c->task_param = t->task_param;
	c->is_bpf = t->bpf;
	c->nfields = t->nfields;
	for (k = 0; k < t->nfields; k++) {
		c->f[k].offset = t->f[k].offset;
		c->f[k].has_deref = t->f[k].deref >= 0;
		c->f[k].deref = t->f[k].deref >= 0 ? t->f[k].deref : 0;
		c->f[k].out = t->f[k].out;
		c->f[k].arg = t->f[k].arg;
		c->f[k].size = t->f[k].size;
		c->f[k].is_str = t->f[k].str;
		if (t->f[k].out + t->f[k].size > c->data_len)
			c->data_len = t->f[k].out + t->f[k].size;
	}
}

/* Quoted hex of n bytes; one fwrite (printing is most of the agent's teardown). */
static void hex_bytes(const unsigned char *b, int n)
{
	static const char digits[] = "0123456789abcdef";
	char buf[2 * PROBE_FIELD_MAX + 2];
	int i, o = 0;

	buf[o++] = '"';
	for (i = 0; i < n && i < PROBE_FIELD_MAX; i++) {
		buf[o++] = digits[b[i] >> 4];
		buf[o++] = digits[b[i] & 15];
	}
	buf[o++] = '"';
	fwrite(buf, 1, o, stdout);
}

static bool trigger_printed;

static void print_event(const struct probe_event *e, size_t len)
{
	const struct target *t;
	size_t dlen = len - PROBE_HDR_SZ;
	int i;

	if (e->type == PROBE_EV_TRIGGER) {
		if (trigger_printed)
			return;	/* the first one went out from its map copy */
		trigger_printed = true;
		printf("{\"ev\":\"trigger\",\"cpu\":%u,\"ts\":%llu,\"task\":\"0x%llx\",\"pid\":%u,\"comm\":", e->cpu,
		       (unsigned long long)e->ts, (unsigned long long)e->task, e->pid);
		put_str(e->comm, sizeof(e->comm));
		printf(",\"kind\":\"0x%llx\",\"inflight\":%d,\"inflight_depth\":%llu,\"kf_task\":\"0x%llx\","
		       "\"inflight_by\":%llu", (unsigned long long)e->args[0], e->target < ntg ? e->target : -1,
		       (unsigned long long)e->args[3], (unsigned long long)e->args[4], (unsigned long long)e->args[5]);
		if (e->target < ntg && e->args[1]) {
			printf(",\"inflight_task\":\"0x%llx\",\"inflight_pid\":%llu,\"inflight_comm\":",
			       (unsigned long long)e->args[1], (unsigned long long)e->args[2]);
			put_str(e->icomm, sizeof(e->icomm));
		}
		puts("}");
		return;
	}
	if (e->target >= ntg)
		return;
	t = &tg[e->target];
	printf("{\"ev\":\"%s\",\"i\":%u,\"cpu\":%u,\"ts\":%llu,\"task\":\"0x%llx\",\"pid\":%u,\"comm\":",
	       e->type == PROBE_EV_EXIT ? "exit" : "entry", e->target, e->cpu, (unsigned long long)e->ts,
	       (unsigned long long)e->task, e->pid);
	put_str(e->comm, sizeof(e->comm));
	fputs(",\"args\":[", stdout);
	for (i = 0; i < t->nargs; i++)
		printf("%s\"0x%llx\"", i ? "," : "", (unsigned long long)e->args[i]);
	fputs("],\"f\":[", stdout);
	for (i = 0; i < t->nfields; i++) {
		const struct field *f = &t->f[i];
		int n = f->size;

		if (i)
			putchar(',');
		if (!(e->ok & (1u << i)) || (size_t)(f->out + f->size) > dlen) {
			/* false: a NULL pointer on the way; null: unreadable. */
			fputs(e->nul & (1u << i) ? "false" : "null", stdout);
			continue;
		}
		if (f->str)
			n = strnlen((const char *)e->data + f->out, f->size);
		hex_bytes(e->data + f->out, n);
	}
	putchar(']');
	if (e->type == PROBE_EV_EXIT)
		printf(",\"ret\":\"0x%llx\"", (unsigned long long)e->ret);
	puts("}");
}

/*
 * The ring buffer is drained by its own thread into the flight recorder
 * (recorder.c), so a slow console never makes the kernel side drop records.
 */
static volatile int drain_stop;

static int on_event(void *ctx, void *data, size_t len)
{
	const struct probe_event *e = data;
	__u64 task;

	(void)ctx;
	if (len < PROBE_HDR_SZ || len > sizeof(struct probe_event))
		return 0;
	/* The task a call is about: its task argument, else current. */
	task = e->task;
	if (e->type != PROBE_EV_TRIGGER && e->target < ntg && tg[e->target].task_param >= 0 &&
	    tg[e->target].task_param < tg[e->target].nargs && e->args[tg[e->target].task_param])
		task = e->args[tg[e->target].task_param];
	recorder__add(data, len, task);
	return 0;
}

static void *drain(void *rb)
{
	/* The programs submit without wakeups (see event_done()): read on a timer. */
	while (!drain_stop) {
		ring_buffer__consume(rb);
		usleep(10000);
	}
	ring_buffer__consume(rb);
	return NULL;
}

static long printed;

static void print_one(const void *data, size_t len)
{
	print_event(data, len);
	if (!(++printed % 256))
		fflush(stdout);
}

/* Print what was recorded; the host sorts. */
static void print_queue(void)
{
	recorder__drain(print_one);
	fflush(stdout);
}

static struct probe_bpf *main_skel;
static pthread_mutex_t attach_lock = PTHREAD_MUTEX_INITIALIZER;
static struct probe_bpf *batches[PROBE_MAX_TARGETS];
static int nbatches;

static struct bpf_program *slot_prog(struct probe_bpf *s, int slot, bool exit)
{
	struct bpf_program *fe[] = { s->progs.fentry0, s->progs.fentry1, s->progs.fentry2, s->progs.fentry3 };
	struct bpf_program *fx[] = { s->progs.fexit0, s->progs.fexit1, s->progs.fexit2, s->progs.fexit3 };

	return exit ? fx[slot] : fe[slot];
}

static void autoload_none(struct probe_bpf *s)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, s->obj)
		bpf_program__set_autoload(p, false);
}

static int reuse_maps(struct probe_bpf *s)
{
	int err;

	if ((err = bpf_map__reuse_fd(s->maps.targets, bpf_map__fd(main_skel->maps.targets))) ||
	    (err = bpf_map__reuse_fd(s->maps.events, bpf_map__fd(main_skel->maps.events))) ||
	    (err = bpf_map__reuse_fd(s->maps.inflight, bpf_map__fd(main_skel->maps.inflight))) ||
	    (err = bpf_map__reuse_fd(s->maps.counters, bpf_map__fd(main_skel->maps.counters))) ||
	    (err = bpf_map__reuse_fd(s->maps.scratch, bpf_map__fd(main_skel->maps.scratch))) ||
	    (err = bpf_map__reuse_fd(s->maps.trigger_rec, bpf_map__fd(main_skel->maps.trigger_rec))))
		return err;
	return 0;
}

/*
 * One object for up to PROBE_BATCH targets: fentry (BPF callbacks only) and
 * fexit per slot. prog_fd: the struct_ops program each target is, or 0 for
 * kernel functions. Returns 0 or a negative errno (nothing attached).
 */
static int attach_batch(const int *idx, const int *prog_fd, int n)
{
	struct timespec a;
	struct probe_bpf *s;
	double load_ms;
	int k, err;

	clock_gettime(CLOCK_MONOTONIC, &a);
	s = probe_bpf__open();
	if (!s)
		return -errno;
	autoload_none(s);
	err = reuse_maps(s);
	for (k = 0; k < n && !err; k++) {
		const struct target *t = &tg[idx[k]];

		s->rodata->slot_target[k] = idx[k];
		if (t->bpf) {
			bpf_program__set_autoload(slot_prog(s, k, false), true);
			err = bpf_program__set_attach_target(slot_prog(s, k, false), prog_fd[k], t->attach);
		}
		bpf_program__set_autoload(slot_prog(s, k, true), true);
		if (!err)
			err = bpf_program__set_attach_target(slot_prog(s, k, true), prog_fd[k], t->attach);
	}
	if (!err)
		err = probe_bpf__load(s);
	load_ms = ms_since(&a);
	/*
	 * fexit before fentry: a call entered after its fentry was attached
	 * but returning before its fexit was would leave a stale entry on the
	 * in-flight stack (a pop on an empty stack is harmless).
	 */
	for (k = 0; k < n && !err; k++)
		if (!bpf_program__attach_trace(slot_prog(s, k, true)))
			err = -errno;
	for (k = 0; k < n && !err; k++)
		if (tg[idx[k]].bpf && !bpf_program__attach_trace(slot_prog(s, k, false)))
			err = -errno;
	if (err) {
		probe_bpf__destroy(s);	/* also detaches what was attached */
		return err;
	}
	pthread_mutex_lock(&attach_lock);
	batches[nbatches++] = s;
	for (k = 0; k < n; k++) {
		tg[idx[k]].attached = true;
		note_attach(idx[k], tg[idx[k]].bpf ? "fentry+fexit" : "fexit", 0, ms_since(&a) / n);
	}
	fprintf(out(), "{\"ev\":\"batch\",\"targets\":%d,\"load_ms\":%.2f,\"attach_ms\":%.2f}\n", n, load_ms,
		ms_since(&a) - load_ms);
	pthread_mutex_unlock(&attach_lock);
	return 0;
}

struct attach_work {
	const int *idx, *prog_fd;
	int n, next;
};

/* Batches of PROBE_BATCH; a batch that fails is retried one target at a time. */
static void *attach_worker(void *arg)
{
	struct attach_work *w = arg;
	int b, k, m, err;

	while ((b = __atomic_fetch_add(&w->next, PROBE_BATCH, __ATOMIC_RELAXED)) < w->n) {
		m = w->n - b < PROBE_BATCH ? w->n - b : PROBE_BATCH;
		if (!attach_batch(w->idx + b, w->prog_fd + b, m))
			continue;
		for (k = 0; k < m; k++) {
			struct timespec a;

			clock_gettime(CLOCK_MONOTONIC, &a);
			err = attach_batch(w->idx + b + k, w->prog_fd + b + k, 1);
			if (err) {
				pthread_mutex_lock(&attach_lock);
				note_attach(w->idx[b + k], tg[w->idx[b + k]].bpf ? "fentry+fexit" : "fexit", err,
					    ms_since(&a));
				pthread_mutex_unlock(&attach_lock);
			}
		}
	}
	return NULL;
}

/*
 * Loading is mostly the verifier and libbpf's pass over the kernel's BTF,
 * per object: batches load in parallel, one thread per CPU (at most 4).
 */
static void attach_tracing(const int *idx, const int *prog_fd, int n)
{
	struct attach_work w = { .idx = idx, .prog_fd = prog_fd, .n = n };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t th[4];
	int i, nth = ncpu < 1 ? 1 : ncpu > 4 ? 4 : ncpu, started = 0;

	if (nth > (n + PROBE_BATCH - 1) / PROBE_BATCH)
		nth = (n + PROBE_BATCH - 1) / PROBE_BATCH;
	for (i = 1; i < nth; i++)
		if (!pthread_create(&th[started], NULL, attach_worker, &w))
			started++;
	attach_worker(&w);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

/* The running kernel's BTF: the trigger's presence, the sched_ext_ops layout. */
static struct btf *vmbtf;

static bool any_bpf_target(void)
{
	int i;

	for (i = 0; i < ntg; i++)
		if (tg[i].bpf)
			return true;
	return false;
}

/* Let a held scheduler go on (once: probe_hold stops no one after this). */
static void hold_release(void)
{
	struct probe_hold h = { 0 }, done = { .done = 1 };
	__u32 k = 0;

	if (!main_skel || bpf_map_lookup_elem(bpf_map__fd(main_skel->maps.hold), &k, &h))
		return;
	bpf_map_update_elem(bpf_map__fd(main_skel->maps.hold), &k, &done, BPF_ANY);
	if (h.tgid)
		kill((pid_t)h.tgid, SIGCONT);
}

/* Phase 1, before the scheduler: maps, trigger, kprobes, kernel fexits. */
static int attach_kernel(void)
{
	LIBBPF_OPTS(bpf_kprobe_opts, ko);
	struct probe_target cfg;
	struct timespec a;
	int i, n = 0, err;
	int idx[PROBE_MAX_TARGETS], fds[PROBE_MAX_TARGETS] = { 0 };
	bool trig, hold;

	main_skel = probe_bpf__open();
	if (!main_skel)
		return -errno;
	autoload_none(main_skel);
	bpf_program__set_autoload(main_skel->progs.probe_kprobe, true);
	vmbtf = btf__load_vmlinux_btf();
	trig = vmbtf && btf__find_by_name_kind(vmbtf, TRIGGER_TP, BTF_KIND_TYPEDEF) > 0;
	if (trig)
		bpf_program__set_autoload(main_skel->progs.probe_trigger, true);
	hold = any_bpf_target() && vmbtf && (main_skel->rodata->hold_value_type = discover__value_type(vmbtf));
	if (hold)
		bpf_program__set_autoload(main_skel->progs.probe_hold, true);
	clock_gettime(CLOCK_MONOTONIC, &a);
	err = probe_bpf__load(main_skel);
	if (err)
		return err;
	fprintf(out(), "{\"ev\":\"phase\",\"name\":\"load\",\"ms\":%.2f}\n", ms_since(&a));
	for (i = 0; i < ntg; i++) {
		__u32 k = i;

		target_cfg(&tg[i], &cfg);
		err = bpf_map_update_elem(bpf_map__fd(main_skel->maps.targets), &k, &cfg, BPF_ANY);
		if (err)
			return -errno;
	}
	if (!trig) {
		fputs("{\"ev\":\"trigger_unavailable\",\"msg\":\"trigger unavailable in this kernel\"}\n", out());
	} else {
		clock_gettime(CLOCK_MONOTONIC, &a);
		err = bpf_program__attach(main_skel->progs.probe_trigger) ? 0 : -errno;
		fprintf(out(), "{\"ev\":\"trigger_attach\",\"ok\":%s,\"ms\":%.2f}\n", err ? "false" : "true",
			ms_since(&a));
	}
	if (hold) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		err = bpf_program__attach(main_skel->progs.probe_hold) ? 0 : -errno;
		fprintf(out(), "{\"ev\":\"hold_attach\",\"ok\":%s,\"ms\":%.2f}\n", err ? "false" : "true",
			ms_since(&a));
	}
	for (i = 0; i < ntg; i++) {
		if (tg[i].bpf)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &a);
		ko.bpf_cookie = i;
		err = bpf_program__attach_kprobe_opts(main_skel->progs.probe_kprobe, tg[i].name, &ko) ? 0 : -errno;
		note_attach(i, "kprobe", err, ms_since(&a));
		idx[n++] = i;
	}
	attach_tracing(idx, fds, n);
	return 0;
}

static bool scx_enabled(void)
{
	char buf[32] = "";
	FILE *f = fopen(SCX_STATE_PATH, "re");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return !strncmp(buf, "enabled", 7);
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

static void put_prog(int t, const struct found_prog *f)
{
	printf("{\"ev\":\"prog\",\"i\":%d,\"op\":", t);
	put_str(f->op, sizeof(f->op));
	printf(",\"name\":");
	put_str(f->name, sizeof(f->name));
	printf(",\"id\":%u,\"source\":", f->id);
	put_str(f->source, sizeof(f->source));
	puts("}");
}

/*
 * Phase 2: the struct_ops programs of the scheduler. Found when probe_hold
 * has stopped it between loading and enabling (every callback is then
 * probed from its first call), else once sched_ext is enabled (a legacy
 * struct_ops map, or a kernel where bpf_struct_ops_map_update_elem cannot
 * be traced). Each program's op comes from the map, not from its name.
 */
static void attach_bpf(long wait_ms)
{
	static struct found_prog found[PROBE_MAX_TARGETS];
	int idx[PROBE_MAX_TARGETS], fds[PROBE_MAX_TARGETS];
	int i, k, n = 0, nfound;
	struct timespec a;
	__u32 held = 0;

	if (!any_bpf_target())
		return;
	clock_gettime(CLOCK_MONOTONIC, &a);
	while (!stop && !(held = held_tgid()) && !scx_enabled() && ms_since(&a) < wait_ms)
		usleep(2000);
	if (held) {
		wait_stopped(held);
		printf("{\"ev\":\"phase\",\"name\":\"held\",\"pid\":%u,\"ms\":%.2f}\n", held, ms_since(&t0));
	} else if (scx_enabled()) {
		printf("{\"ev\":\"phase\",\"name\":\"scx_enabled\",\"ms\":%.2f}\n", ms_since(&t0));
	} else {
		note("sched_ext not enabled after %ld ms: BPF callbacks not probed", wait_ms);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	nfound = vmbtf ? discover__ops(vmbtf, found, PROBE_MAX_TARGETS) : -ENOENT;
	if (nfound < 0)
		note("no sched_ext_ops layout in the kernel BTF: BPF callbacks not probed");
	for (i = 0; i < nfound; i++) {
		int t = match_target(&found[i], idx, n);

		put_prog(t, &found[i]);
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
	printf("{\"ev\":\"phase\",\"name\":\"bpf_attached\",\"ms\":%.2f}\n", ms_since(&t0));
	if (held)
		hold_release();
	for (i = 0; i < nfound; i++)
		close(found[i].fd);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "max-events", required_argument, NULL, 'm' },
		{ "wait-ms", required_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *plan = NULL;
	struct ring_buffer *rb = NULL;
	pthread_t drainer;
	struct timespec t1;
	struct recorder_stats rs;
	struct sigaction sa = { .sa_handler = on_signal };
	long wait_ms = 60000;
	__u64 drops = 0, submitted = 0, triggers = 0;
	int c, err, code = KT_EXIT_ENV;
	__u32 k;
	char *end;

	usage__set_prog(argv[0]);
	while ((c = getopt_long(argc, argv, "p:m:w:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			plan = optarg;
			break;
		case 'm':
			max_events = strtol(optarg, &end, 10);
			if (*end || max_events < 1)
				usage__bad("--max-events: expected a count, got '%s'", optarg);
			break;
		case 'w':
			wait_ms = strtol(optarg, &end, 10);
			if (*end || wait_ms < 0)
				usage__bad("--wait-ms: expected milliseconds, got '%s'", optarg);
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage__help(help_text);
		case 'V':
			usage__version();
		default:
			usage__bad("see --help");
		}
	}
	if (!plan || optind != argc)
		usage__bad(plan ? "no operands expected" : "--plan FILE is required");
	if (plan_load(plan))
		return KT_EXIT_USAGE;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	libbpf_set_print(libbpf_print);
	early_f = open_memstream(&early, &early_len);
	err = attach_kernel();
	if (!err) {
		rb = ring_buffer__new(bpf_map__fd(main_skel->maps.events), on_event, NULL, NULL);
		if (!rb)
			err = -errno;
	}
	fprintf(out(), "{\"ev\":\"phase\",\"name\":\"ready\",\"ms\":%.2f}\n", ms_since(&t0));
	fclose(early_f);
	early_f = NULL;
	if (err) {
		/* Not ready: ktstr-init reports the agent's exit; the console has why. */
		fprintf(stderr, "ktstr-probe-agent: cannot load the probes: %s\n", strerror(-err));
		goto cleanup;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	for (k = 0; k < (__u32)ntg; k++) {
		if (tg[k].bpf) {
			int fd = open(ATTACHING_FILE, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

			if (fd >= 0)
				close(fd);
			break;
		}
	}
	if (recorder__init(max_events) || pthread_create(&drainer, NULL, drain, rb)) {
		fprintf(stderr, "ktstr-probe-agent: out of memory\n");
		goto cleanup;
	}
	printf("%s\n", READY_LINE);
	fwrite(early, 1, early_len, stdout);
	fflush(stdout);
	attach_bpf(wait_ms);
	unlink(ATTACHING_FILE);
	fflush(stdout);
	/* Nothing is printed while the scenario runs: the console is slow and the guest's CPUs are busy. */
	while (!stop)
		usleep(50000);
	drain_stop = 1;
	pthread_join(drainer, NULL);
	/* What matters most first: the trigger (its map copy survives ring buffer overflows), the counters. */
	{
		struct probe_event *e = calloc(1, sizeof(*e));

		k = 0;
		if (e && !bpf_map_lookup_elem(bpf_map__fd(main_skel->maps.trigger_rec), &k, e) &&
		    e->type == PROBE_EV_TRIGGER)
			print_event(e, PROBE_HDR_SZ);
		free(e);
	}
	for (k = 0; k < 3; k++) {
		__u64 v = 0;

		bpf_map_lookup_elem(bpf_map__fd(main_skel->maps.counters), &k, &v);
		*(k == 0 ? &drops : k == 1 ? &submitted : &triggers) = v;
	}
	recorder__stats(&rs);
	printf("{\"ev\":\"stats\",\"drops\":%llu,\"submitted\":%llu,\"triggers\":%llu,\"recorded\":%ld,"
	       "\"capped\":%ld,\"queued\":%ld,\"per_task\":%d}\n", (unsigned long long)drops,
	       (unsigned long long)submitted, (unsigned long long)triggers, rs.recorded, rs.capped, rs.queued,
	       RECORDER_PER_TASK);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_queue();
	recorder__stats(&rs);
	printf("{\"ev\":\"phase\",\"name\":\"printed\",\"ms\":%.2f,\"kept\":%ld}\n", ms_since(&t1), rs.kept);
	fflush(stdout);
	/*
	 * The stream is complete: say so before detaching, which takes
	 * seconds (each trampoline update waits for RCU tasks).
	 */
	close(STDOUT_FILENO);
	code = KT_EXIT_OK;
cleanup:
	/* Never leave a scheduler stopped, whatever happened here. */
	hold_release();
	ring_buffer__free(rb);
	while (nbatches)
		probe_bpf__destroy(batches[--nbatches]);
	probe_bpf__destroy(main_skel);
	btf__free(vmbtf);
	free(early);
	recorder__free();
	return code;
}
