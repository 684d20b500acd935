// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-boot: run one scenario in a real VM with a real sched_ext scheduler
 * and print one JSON line with the verdict (format: man/ktstr-boot.1).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#include "checks.h"
#include "file.h"
#include "interrupt.h"
#include "json.h"
#include "log.h"
#include "scenario.h"
#include "usage.h"
#include "vm.h"

static const char help_text[] =
	"Usage: ktstr-boot [OPTIONS] SCENARIO.yaml\n"
	"Boot a VM with the scenario's scheduler and workload; print one JSON line.\n"
	"\n"
	"  --kernel K        kernel folder (vmlinux/bzImage), image, or build tree\n"
	"                    (default: $KTSTR_KERNEL, else build/kernel, else the\n"
	"                    newest cached kernel)\n"
	"  --out DIR         write com1.log, com2.log, result.json here\n"
	"                    (default: a new folder under ${TMPDIR:-/tmp})\n"
	"  --accel A         auto (default), kvm or tcg\n"
	"  --agent PROG      start PROG in the guest before the scheduler and wait\n"
	"                    for its KTSTR_AGENT_READY line; its later stdout is\n"
	"                    saved to DIR/agent.out\n"
	"  --agent-arg ARG   an argument for the agent (repeatable)\n"
	"  --file HOST:GUEST copy HOST into the guest as GUEST, an absolute path\n"
	"                    (repeatable)\n"
	"  --keep-initramfs  keep DIR/initramfs.cpio\n"
	"  --check           only check the scenario; print it with its defaults\n"
	"                    filled in as one JSON line (nothing boots)\n"
	"  -v, --verbose     progress on stderr even when not a tty (-vv: debug)\n"
	"  -h, --help        show this help\n"
	"  -V, --version     show the version\n"
	"\n"
	"Exit status: 0 pass, 1 fail, 2 bad input, 3 environment missing or VM failure.\n";

/* --agent-arg and --file, each. */
#define MAX_EXTRA 32

static bool executable(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode) && !access(p, X_OK);
}

static bool in_path(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	bool found = false;

	if (!path || !(copy = strdup(path)))
		return false;
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		if (snprintf(out, len, "%s/%s", dir, name) < (int)len && executable(out))
			found = true;
	}
	free(copy);
	return found;
}

/*
 * The scheduler's host path: a path (as given, then beside the scenario), a
 * name built into the tools' folder, or one of the kernel's example
 * schedulers that `make schedulers` built beside the kernel (kdir/schedulers/)
 * or `make install` put beside the tools (../lib/ktstr/schedulers/).
 * *ours: built by ktstr (takes --timeout-ms).
 */
static int find_scheduler(const struct scenario *s, const char *bindir, const char *kdir, char *out, size_t len,
			  bool *ours)
{
	const char *up = strrchr(bindir, '/');	/* bin/.. */

	*ours = false;
	if (strchr(s->scheduler, '/')) {
		const char *slash = strrchr(s->path, '/');

		if (executable(s->scheduler))
			return snprintf(out, len, "%s", s->scheduler) >= (int)len ? -ENAMETOOLONG : 0;
		if (s->scheduler[0] != '/' && slash &&
		    snprintf(out, len, "%.*s/%s", (int)(slash - s->path), s->path, s->scheduler) < (int)len &&
		    executable(out))
			return 0;
		return -ENOENT;
	}
	if (snprintf(out, len, "%s/%s", bindir, s->scheduler) < (int)len && executable(out)) {
		*ours = true;
		return 0;
	}
	if (kdir && *kdir && snprintf(out, len, "%s/schedulers/%s", kdir, s->scheduler) < (int)len &&
	    executable(out))
		return 0;
	if (up && snprintf(out, len, "%.*s/lib/ktstr/schedulers/%s", (int)(up - bindir), bindir,
			   s->scheduler) < (int)len && executable(out))
		return 0;
	return -ENOENT;
}

/* A bare BPF object as the scheduler: "x.bpf.o" (or any "*.o"). */
static bool is_bpf_object(const char *name)
{
	size_t n = strlen(name);

	return n > 2 && !strcmp(name + n - 2, ".o");
}

/* The object's host path: as given, then beside the scenario. */
static int find_object(const struct scenario *s, char *out, size_t len)
{
	const char *slash = strrchr(s->path, '/');

	if (!access(s->scheduler, R_OK))
		return snprintf(out, len, "%s", s->scheduler) >= (int)len ? -ENAMETOOLONG : 0;
	if (s->scheduler[0] != '/' && slash &&
	    snprintf(out, len, "%.*s/%s", (int)(slash - s->path), s->path, s->scheduler) < (int)len &&
	    !access(out, R_OK))
		return 0;
	return -ENOENT;
}

/* Non-negative x to 1/scale: guest seconds in ms, durations in 10 ms. */
static double round_to(double x, double scale)
{
	return (double)(long long)(x * scale + 0.5) / scale;
}

/* [{name, value, limit, ok, detail}]: counts as integers, ms and % to 0.1. */
static json_t *checks_json(const struct vm_result *r)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < r->nchecks; i++) {
		const struct check *c = &r->checks[i];

		json_array_append_new(a, json_pack("{s:s, s:o, s:o, s:b, s:s}", "name", c->name, "value",
						   c->count ? json_integer((json_int_t)c->value) : json_real(round_to(c->value, 10)),
						   "limit", c->count ? json_integer((json_int_t)c->limit) : json_real(round_to(c->limit, 10)),
						   "ok", c->ok, "detail", c->detail));
	}
	return a;
}

static json_t *result_json(const struct scenario *s, const struct vm_result *r, const char *accel,
			   const char *out_dir, const struct qemu_kernel *k, const char *sched_path)
{
	char topo[48];
	json_t *o = json_object(), *tl = json_array(), *logs = json_object();
	size_t i;

	topology__format(&s->topo, topo, sizeof(topo));
	json_object_set_new(o, "test", json_string(s->name));
	json_object_set_new(o, "scheduler", json_string(s->scheduler));
	/* Where it was found on the host: its embedded BPF object serves ktstr-btfres. */
	json_object_set_new(o, "scheduler_path", sched_path ? json_string(sched_path) : json_null());
	json_object_set_new(o, "topology", json_string(topo));
	json_object_set_new(o, "accel", json_string(accel));
	json_object_set_new(o, "verdict", json_string(r->verdict ? r->verdict : "error"));
	json_object_set_new(o, "reason", json_string(r->reason));
	json_object_set_new(o, "reached_workload", json_boolean(r->reached_workload));
	for (i = 0; i < r->ntl; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "t", json_real(round_to(r->tl[i].t, 1000)));
		json_object_set_new(e, "stage", json_string(r->tl[i].stage));
		json_array_append_new(tl, e);
	}
	json_object_set_new(o, "timeline", tl);
	if (r->have_exit) {
		json_t *x = json_object();

		json_object_set_new(x, "kind", json_string(r->exit_kind));
		json_object_set_new(x, "code", r->exit_code >= 0 ? json_integer(r->exit_code) : json_null());
		json_object_set_new(x, "reason", json_string(r->exit_reason));
		json_object_set_new(x, "message", json_string(r->exit_msg));
		json_object_set_new(o, "sched_ext_exit", x);
	} else {
		json_object_set_new(o, "sched_ext_exit", json_null());
	}
	json_object_set_new(o, "checks", checks_json(r));
	json_object_set_new(o, "load_error", r->load_error[0] ? json_string(r->load_error) : json_null());
	json_object_set_new(o, "vm_exit", r->vm_exit ? json_string(r->vm_exit) : json_null());
	json_object_set_new(o, "duration_s", json_real(round_to(r->duration_s, 100)));
	json_object_set_new(o, "attempts", json_integer(r->attempts));
	json_object_set_new(o, "expect_err", json_boolean(s->expect_err));
	json_object_set_new(o, "auto_repro", json_boolean(s->auto_repro));
	json_object_set_new(o, "kernel", k && k->image[0] ? json_string(k->image) : json_null());
	if (r->agent_lost[0])
		json_object_set_new(o, "agent_stream_lost", json_string(r->agent_lost));
	json_object_set_new(logs, "dir", out_dir ? json_string(out_dir) : json_null());
	json_object_set_new(logs, "com1", r->com1[0] ? json_string(r->com1) : json_null());
	json_object_set_new(logs, "com2", r->com2[0] ? json_string(r->com2) : json_null());
	json_object_set_new(o, "logs", logs);
	if (r->console_tail) {
		json_t *lines = json_array();
		char *dup = strdup(r->console_tail), *line, *save = NULL;

		for (line = dup ? strtok_r(dup, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
			json_array_append_new(lines, json_string(line));
		free(dup);
		json_object_set_new(o, "console_tail", lines);
	}
	return o;
}

/* The scenario as understood, defaults filled in (--check). */
static json_t *scenario_json(const struct scenario *s)
{
	json_t *o = json_object(), *steps = json_array(), *args = json_array();
	char topo[48];
	size_t i, k;

	topology__format(&s->topo, topo, sizeof(topo));
	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "scheduler", json_string(s->scheduler));
	for (i = 0; s->sched_args && s->sched_args[i]; i++)
		json_array_append_new(args, json_string(s->sched_args[i]));
	json_object_set_new(o, "scheduler_args", args);
	json_object_set_new(o, "topology", json_string(topo));
	json_object_set_new(o, "cpus", json_integer(topology__cpus(&s->topo)));
	json_object_set_new(o, "memory_mb", json_integer(s->memory_mb));
	json_object_set_new(o, "duration_ms", json_integer(s->duration_ms));
	json_object_set_new(o, "watchdog_timeout_ms", json_integer(s->watchdog_ms));
	json_object_set_new(o, "attach_timeout_ms", json_integer(s->attach_timeout_ms));
	json_object_set_new(o, "auto_repro", json_boolean(s->auto_repro));
	json_object_set_new(o, "expect_err", json_boolean(s->expect_err));
	if (s->map_write.set)
		json_object_set_new(o, "bpf_map_write",
				    json_pack("{s:s, s:I, s:I, s:i, s:I}", "map", s->map_write.map, "offset",
					      (json_int_t)s->map_write.offset, "value", (json_int_t)s->map_write.value,
					      "size", s->map_write.size, "after_ms", (json_int_t)s->map_write.after_ms));
	else
		json_object_set_new(o, "bpf_map_write", json_null());
	/* false: off; fairness_pct null: each cgroup's work type decides (man/ktstr-scenario.5). */
	json_object_set_new(o, "checks",
			    json_pack("{s:b, s:o, s:o, s:b}", "starvation", s->checks.starvation, "gap_ms",
				      s->checks.gap_ms == SCN_CHECK_OFF ? json_false() : json_integer(s->checks.gap_ms),
				      "fairness_pct",
				      s->checks.fairness_pct == SCN_CHECK_OFF ? json_false() :
				      s->checks.fairness_pct == SCN_FAIRNESS_PER_TYPE ? json_null() :
				      json_integer(s->checks.fairness_pct),
				      "cpuset", s->checks.cpuset));
	for (i = 0; i < s->nsteps; i++) {
		json_t *st = json_object(), *cgs = json_array();

		for (k = 0; k < s->steps[i].ncgroups; k++) {
			const struct scn_cgroup *cg = &s->steps[i].cgroups[k];

			json_array_append_new(cgs, json_pack("{s:s, s:s, s:i, s:o}", "name", cg->name, "work_type",
							     work_type__name(cg->work_type), "workers", cg->workers,
							     "cpuset", cg->cpuset ? json_string(cg->cpuset) : json_null()));
		}
		json_object_set_new(st, "cgroups", cgs);
		json_object_set_new(st, "hold_ms", json_integer(s->steps[i].hold_ms));
		if (s->steps[i].offline)
			json_object_set_new(st, "offline", json_string(s->steps[i].offline));
		json_array_append_new(steps, st);
	}
	json_object_set_new(o, "steps", steps);
	return o;
}

/* The JSON line on stdout, and result.json in the output folder (whole or not at all). */
/*
 * The result line on stdout and in OUT/result.json. 0, or KT_EXIT_ENV when
 * either could not be written (said once, with the file).
 */
static int emit(json_t *o, const char *out_dir)
{
	struct outfile f;
	char path[PATH_MAX + 16];
	int err, code = 0;

	err = jsonl__write_digits(stdout, o, JSONL_DIGITS_SHORT);
	if (!err && fflush(stdout))
		err = -errno;
	if (err)
		code = usage__output_error(NULL, err);
	if (!out_dir)
		return code;
	snprintf(path, sizeof(path), "%s/result.json", out_dir);
	err = outfile__open(&f, path);
	if (!err) {
		err = jsonl__write_digits(f.f, o, JSONL_DIGITS_SHORT);
		if (err)
			outfile__abort(&f);
		else
			err = outfile__commit(&f);
	}
	if (err)
		code = usage__output_error(path, err);
	return code;
}

/*
 * The agent's stream, from the guest: capped, so that a guest cannot fill
 * the host's disk (a real stream of --max-events records is a few MB).
 */
#define AGENT_OUT_MAX ((size_t)256 << 20)

struct agent_sink {
	FILE *f;
	size_t written;
	bool capped;
	int err;	/* the first write's errno (ENOSPC), else 0 */
};

static void agent_bytes(void *ctx, const void *data, size_t len)
{
	struct agent_sink *a = ctx;

	if (a->written + len > AGENT_OUT_MAX) {
		if (!a->capped)
			warning("the agent's stream passed %zu MiB: the rest is dropped", AGENT_OUT_MAX >> 20);
		a->capped = true;
		return;
	}
	if (fwrite(data, 1, len, a->f) != len && !a->err)
		a->err = errno ? errno : EIO;
	a->written += len;
}

/* Nothing booted: still one JSON line, so drivers see reached_workload false. */
static void sched_not_found(const struct scenario *s, struct vm_result *r, const char *accel,
			    const struct qemu_kernel *k, const char *why)
{
	json_t *j;

	snprintf(r->reason, sizeof(r->reason), "scheduler '%s' not found (%s)", s->scheduler, why);
	r->verdict = "error";
	error("%s: %s", s->path, r->reason);
	j = result_json(s, r, accel, NULL, k, NULL);
	emit(j, NULL);
	json_decref(j);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ "accel", required_argument, NULL, 'a' },
		{ "keep-initramfs", no_argument, NULL, 'K' },
		{ "agent", required_argument, NULL, 'g' },
		{ "agent-arg", required_argument, NULL, 'G' },
		{ "file", required_argument, NULL, 'F' },
		{ "check", no_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *kernel_arg = NULL, *out_arg = NULL, *agent_arg = NULL;
	char agent_guest[PATH_MAX + 16], agent_out[PATH_MAX + 16];
	struct vm_file files[MAX_EXTRA + 2];	/* --file, the agent, a bare scheduler object */
	char *agent_args[MAX_EXTRA + 1] = { NULL };
	int nagent_args = 0, nfiles = 0;
	struct outfile agent_f = { 0 };
	int agent_err = 0;
	struct agent_sink sink = { 0 };
	char err[1024], bindir[PATH_MAX], sched[PATH_MAX], init[PATH_MAX + 16], busybox[PATH_MAX], why[256];
	char outbuf[PATH_MAX], wd[32];
	char *sched_args[4] = { NULL, NULL, NULL, NULL };
	char obj[PATH_MAX], obj_guest[PATH_MAX + 16];
	const char *sched_host = NULL;	/* what the scenario named, found: binary or object */
	const char *missing = NULL;	/* why the bare object's scheduler was not found */
	enum qemu_accel want = QEMU_ACCEL_AUTO;
	struct vm_run_opts o = { 0 };
	struct vm_result r = { 0 };
	struct scenario *s = NULL;
	int c, verbose = 0, ret, code;
	bool ours, check_only = false;
	json_t *j;

	usage__set_prog(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			kernel_arg = optarg;
			break;
		case 'o':
			out_arg = optarg;
			break;
		case 'a':
			if (qemu__parse_accel(optarg, &want))
				usage__bad("--accel: expected auto, kvm or tcg, got '%s'", optarg);
			break;
		case 'K':
			o.keep_initramfs = true;
			break;
		case 'g':
			agent_arg = optarg;
			break;
		case 'G':
			if (nagent_args >= MAX_EXTRA)
				usage__bad("--agent-arg: at most %d", MAX_EXTRA);
			agent_args[nagent_args++] = optarg;
			break;
		case 'F': {
			char *colon = strchr(optarg, ':');

			if (!colon || colon == optarg || colon[1] != '/')
				usage__bad("--file: expected HOST:/GUEST, got '%s'", optarg);
			if (nfiles >= MAX_EXTRA)
				usage__bad("--file: at most %d", MAX_EXTRA);
			*colon = '\0';
			files[nfiles++] = (struct vm_file){ .host = optarg, .guest = colon + 1 };
			break;
		}
		case 'c':
			check_only = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage__help(help_text);
		case 'V':
			usage__version();
		default:
			usage__bad_option(c, argv, "an argument");
		}
	}
	if (optind != argc - 1)
		usage__bad(optind >= argc ? "missing SCENARIO.yaml" : "only one SCENARIO.yaml, please");
	log__init(verbose);
	interrupt__install();

	/* Everything about the input is checked before anything boots. */
	ret = scenario__load(argv[optind], &s, err, sizeof(err));
	if (ret) {
		error("%s", err);
		return ret == -ENOMEM ? KT_EXIT_ENV : KT_EXIT_USAGE;
	}
	if (check_only) {
		j = scenario_json(s);
		if (!j) {
			error("out of memory");
			code = KT_EXIT_ENV;
		} else {
			ret = jsonl__write_digits(stdout, j, JSONL_DIGITS_SHORT);
			code = ret ? usage__output_error(NULL, ret) : usage__flush_stdout();
		}
		json_decref(j);
		goto cleanup;
	}
	code = KT_EXIT_ENV;
	if (file__exe_dir(bindir, sizeof(bindir))) {
		error("cannot find my own folder (/proc/self/exe)");
		goto cleanup;
	}
	if (qemu__find_kernel(kernel_arg, &o.kernel, err, sizeof(err))) {
		error("%s", err);
		goto cleanup;
	}
	if (qemu__pick_accel(want, &o.accel, why, sizeof(why))) {
		error("--accel kvm: KVM is not usable: %s", why);
		goto cleanup;
	}
	if (!in_path("qemu-system-x86_64", err, sizeof(err))) {
		error("qemu-system-x86_64 not found on PATH (make deps installs it)");
		goto cleanup;
	}
	snprintf(init, sizeof(init), "%s/ktstr-init", bindir);
	/* Another init binary (a sanitizer build, a debug build). */
	if (getenv("KTSTR_INIT"))
		snprintf(init, sizeof(init), "%s", getenv("KTSTR_INIT"));
	if (!executable(init)) {
		error("%s: ktstr-init not found (build it with make)", init);
		goto cleanup;
	}
	/* Tests of a hung guest wait less than a loaded host's slowest boot. */
	if (getenv("KTSTR_BOOT_TIMEOUT") &&
	    usage__parse_long(getenv("KTSTR_BOOT_TIMEOUT"), 1, 3600, &o.boot_timeout_s)) {
		error("KTSTR_BOOT_TIMEOUT: expected 1 to 3600 seconds, got '%s'", getenv("KTSTR_BOOT_TIMEOUT"));
		code = KT_EXIT_USAGE;
		goto cleanup;
	}
	o.busybox = in_path("busybox", busybox, sizeof(busybox)) ? busybox : NULL;
	if (strcmp(s->scheduler, SCENARIO_EEVDF) && is_bpf_object(s->scheduler)) {
		/* ktstr-bpf-loader loads it in the guest, like scx-ktstr its own object. */
		const char *base = strrchr(s->scheduler, '/');

		if (find_object(s, obj, sizeof(obj)))
			missing = "no such BPF object";
		else if (snprintf(sched, sizeof(sched), "%s/ktstr-bpf-loader", bindir) >= (int)sizeof(sched) ||
			 !executable(sched))
			missing = "ktstr-bpf-loader is not built";
		if (missing) {
			sched_not_found(s, &r, qemu__accel_name(o.accel), &o.kernel, missing);
			goto cleanup;
		}
		if (s->sched_args && s->sched_args[0]) {
			error("%s: scheduler_args: a bare BPF object takes none (ktstr-bpf-loader loads it)", s->path);
			code = KT_EXIT_USAGE;
			goto cleanup;
		}
		snprintf(obj_guest, sizeof(obj_guest), "/ktstr/sched/%s", base ? base + 1 : s->scheduler);
		files[nfiles++] = (struct vm_file){ .host = obj, .guest = obj_guest };
		o.sched_path = sched;
		sched_host = obj;
		snprintf(wd, sizeof(wd), "%ld", s->watchdog_ms);
		sched_args[0] = "--timeout-ms";
		sched_args[1] = wd;
		sched_args[2] = obj_guest;
		o.sched_args = sched_args;
	} else if (strcmp(s->scheduler, SCENARIO_EEVDF)) {
		if (find_scheduler(s, bindir, o.kernel.dir, sched, sizeof(sched), &ours)) {
			sched_not_found(s, &r, qemu__accel_name(o.accel), &o.kernel,
					strchr(s->scheduler, '/') ? "no such executable" :
					"neither built in the tools' folder nor by 'make schedulers'");
			goto cleanup;
		}
		o.sched_path = sched;
		sched_host = sched;
		if (ours) {
			/* Our loaders take the watchdog timeout; others get only scheduler_args. */
			snprintf(wd, sizeof(wd), "%ld", s->watchdog_ms);
			sched_args[0] = "--timeout-ms";
			sched_args[1] = wd;
			o.sched_args = sched_args;
		}
	}
	ret = file__run_dir(out_arg, "ktstr-boot", outbuf, sizeof(outbuf));
	if (ret) {
		error("%s: %s", outbuf, strerror(-ret));
		goto cleanup;
	}
	o.scn = s;
	o.out_dir = outbuf;
	o.init_path = init;
	for (c = 0; c < nfiles; c++) {
		if (access(files[c].host, R_OK)) {
			error("--file %s: %s", files[c].host, strerror(errno));
			goto cleanup;
		}
	}
	o.files = files;
	o.nfiles = nfiles;
	if (agent_arg) {
		const char *base = strrchr(agent_arg, '/');

		if (!executable(agent_arg)) {
			error("--agent %s: not an executable file", agent_arg);
			goto cleanup;
		}
		snprintf(agent_guest, sizeof(agent_guest), "/ktstr/agent/%s", base ? base + 1 : agent_arg);
		snprintf(agent_out, sizeof(agent_out), "%s/agent.out", outbuf);
		files[nfiles++] = (struct vm_file){ .host = agent_arg, .guest = agent_guest, .with_libs = true };
		o.nfiles = nfiles;
		o.agent = agent_guest;
		o.agent_args = agent_args;
		if (outfile__open(&agent_f, agent_out)) {
			error("%s: cannot write", agent_out);
			goto cleanup;
		}
		sink.f = agent_f.f;
		o.agent_frame = agent_bytes;
		o.ctx = &sink;
	}
	ret = vm__run_scenario(&o, &r, err, sizeof(err));
	/* Interrupted, the agent's stream so far is a log like the consoles: kept. */
	if (agent_f.f && ret && ret != -EINTR) {
		outfile__abort(&agent_f);
	} else if (agent_f.f && (agent_err = outfile__commit(&agent_f))) {
		/* A full disk: the stream is gone, and whoever reads this run must know it. */
		if (sink.err)
			agent_err = -sink.err;
		error("%s: %s: the agent's stream is lost", agent_out, strerror(-agent_err));
		snprintf(r.agent_lost, sizeof(r.agent_lost), "%s: %s", agent_out, strerror(-agent_err));
	}
	if (ret == -EINTR) {
		/* The VM is gone; the result says why, and the exit status too. */
		error("%s; logs in %s", err, outbuf);
		j = result_json(s, &r, qemu__accel_name(o.accel), outbuf, &o.kernel, sched_host);
		if (j)
			emit(j, outbuf);
		json_decref(j);
		code = interrupt__exit_code();
		goto cleanup;
	}
	if (ret) {
		error("%s", err);
		goto cleanup;
	}
	j = result_json(s, &r, qemu__accel_name(o.accel), outbuf, &o.kernel, sched_host);
	if (!j)
		error("out of memory");
	if (!j || emit(j, outbuf))
		code = KT_EXIT_ENV;	/* the verdict is lost: it did not reach its reader */
	else if (r.env_error || agent_err)
		code = KT_EXIT_ENV;
	else
		code = !strcmp(r.verdict, "pass") ? KT_EXIT_OK : KT_EXIT_FAIL;
	json_decref(j);
	log_info("%s: %s (%s) in %.1fs; logs in %s", s->name, r.verdict, r.reason, r.duration_s, outbuf);
cleanup:
	vm_result__free(&r);
	scenario__free(s);
	return code;
}
