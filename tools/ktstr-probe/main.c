// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-probe: rerun a scenario in a second VM with BPF probes on the
 * targets of ktstr-btfres and print what they saw as the events of
 * ktstr-stitch (man/ktstr-probe.1). The VM is ktstr-boot's, run with the
 * probe agent (bpf/probe/) and its plan in the initramfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <jansson.h>

#include "file.h"
#include "interrupt.h"
#include "json.h"
#include "kernel.h"
#include "log.h"
#include "qemu.h"
#include "scenario.h"
#include "scx.h"
#include "usage.h"
#include "probe.h"

#define GUEST_PLAN "/ktstr/probe/plan"

static const char help_text[] =
	"Usage: ktstr-probe --targets FILE [OPTIONS] SCENARIO.yaml\n"
	"       ktstr-probe --targets FILE --agent-out FILE [--nr-cpus N]\n"
	"Rerun the scenario in a VM with BPF probes on the targets of ktstr-btfres;\n"
	"print the events (JSON lines, the input of ktstr-stitch).\n"
	"\n"
	"  -t, --targets FILE    targets of ktstr-btfres (JSON lines)\n"
	"  -k, --kernel K        kernel folder, image or build tree (as ktstr-boot)\n"
	"      --out DIR         keep the VM's logs, the plan and the agent's stream\n"
	"                        here (default: a new folder under ${TMPDIR:-/tmp})\n"
	"      --accel A         auto (default), kvm or tcg\n"
	"  -m, --max-events N    calls the agent keeps, the latest (default 20000)\n"
	"      --run-stats       the kernel's run count and time of each kind of probe\n"
	"                        in the meta (slows every probe)\n"
	"      --empty-probes    attach every probe but record nothing: what the\n"
	"                        probes alone cost the workload (benchmarks)\n"
	"      --helper-reads    read fields with bpf_probe_read_kernel() even where\n"
	"                        the kernel allows direct loads (as on older kernels)\n"
	"      --agent-out FILE  convert a saved agent stream; nothing boots\n"
	"  -n, --nr-cpus N       with --agent-out: the VM's CPU count\n"
	"  -o, --output FILE     write the events here (whole or not at all)\n"
	"  -v, --verbose         progress on stderr\n"
	"  -h, --help            show this help\n"
	"  -V, --version         show the version\n"
	"\n"
	"Exit status: 0 events written (also when the trigger never fired),\n"
	"1 output not written, 2 bad input, 3 environment (no kernel, no trigger\n"
	"in this kernel, VM or probe agent failure).\n";

/*
 * 1 the kernel has the trigger, 0 it does not, <0 unknown (no BTF to look
 * at); with its BTF, the facts the agent loads with (lib/kfacts.h) in *kf.
 */
static int trigger_in_kernel(const char *kernel_arg, const char *argv0, struct kfacts *kf, char *err,
			     size_t errlen)
{
	struct kernel_paths kp = { 0 };
	struct btf *btf;
	int ret = kernel__resolve(kernel_arg, argv0, &kp, err, errlen);

	if (ret)
		return ret;
	if (!kp.vmlinux) {
		kernel_paths__free(&kp);
		return -ENOENT;
	}
	btf = btf__parse(kp.vmlinux, NULL);
	if (!btf) {
		ret = -errno;
		snprintf(err, errlen, "%s: no BTF", kp.vmlinux);
	} else {
		kfacts__from_btf(btf, kf);
		ret = kf->exit_tp;
		btf__free(btf);
	}
	kernel_paths__free(&kp);
	return ret;
}

/* The agent's flags of --run-stats, --empty-probes and --helper-reads, into flags[4]. */
static const char *const *run_stats_flags(const char **flags, bool run_stats, bool empty, bool helper_reads)
{
	int n = 0;

	if (run_stats)
		flags[n++] = "--agent-arg=--run-stats";
	if (empty)
		flags[n++] = "--agent-arg=--empty";
	if (helper_reads)
		flags[n++] = "--agent-arg=--helper-reads";
	flags[n] = NULL;
	return flags;
}

/* ktstr-boot with the agent; its JSON line goes to DIR/boot.json. Returns its exit status or -errno. */
static int run_boot(const char *bindir, const char *dir, const char *kernel, const char *accel, long max_events,
		    int verbose, const char *const *agent_flags, const char *scenario)
{
	char boot[PATH_MAX + 16], agent[PATH_MAX + 32], file[PATH_MAX + 64], res[PATH_MAX + 16], maxev[32];
	const char *argv[32];
	int n = 0, fd, st;
	bool forwarded = false;
	pid_t pid, parent;

	snprintf(boot, sizeof(boot), "%s/ktstr-boot", bindir);
	snprintf(agent, sizeof(agent), "%s/ktstr-probe-agent", bindir);
	snprintf(file, sizeof(file), "%s/probe.plan:%s", dir, GUEST_PLAN);
	snprintf(res, sizeof(res), "%s/boot.json", dir);
	snprintf(maxev, sizeof(maxev), "%ld", max_events);
	if (access(agent, X_OK)) {
		error("%s: the probe agent is not built (make)", agent);
		return -ENOENT;
	}
	if (interrupt__pending())
		return -EINTR;	/* told to stop before the VM: none is started */
	argv[n++] = boot;
	argv[n++] = "--out";
	argv[n++] = dir;
	argv[n++] = "--agent";
	argv[n++] = agent;
	argv[n++] = "--agent-arg=--plan=" GUEST_PLAN;
	argv[n++] = "--agent-arg=--max-events";
	argv[n++] = "--agent-arg";
	argv[n++] = maxev;
	while (*agent_flags)
		argv[n++] = *agent_flags++;
	argv[n++] = "--file";
	argv[n++] = file;
	if (kernel) {
		argv[n++] = "--kernel";
		argv[n++] = kernel;
	}
	if (accel) {
		argv[n++] = "--accel";
		argv[n++] = accel;
	}
	if (verbose)
		argv[n++] = "-v";
	argv[n++] = "--";
	argv[n++] = scenario;
	argv[n] = NULL;
	fd = open(res, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	log_info("booting %s with the probe agent (logs in %s)", scenario, dir);
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		close(fd);
		return -errno;
	}
	if (!pid) {
		if (interrupt__child_setup(parent))
			_exit(127);
		dup2(fd, STDOUT_FILENO);
		execv(boot, (char **)argv);
		error("%s: %s", boot, strerror(errno));
		_exit(127);
	}
	close(fd);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -errno;
		/* Passed on once: ktstr-boot stops its VM and keeps the logs. */
		if (interrupt__pending() && !forwarded) {
			kill(pid, interrupt__pending());
			forwarded = true;
		}
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Why ktstr-boot's VM failed, as its result says (QEMU killed, died before init), or "". */
static void boot_reason(const char *dir, char *why, size_t len)
{
	char path[PATH_MAX + 16];
	json_t *r;

	snprintf(path, sizeof(path), "%s/boot.json", dir);
	r = json_load_file(path, 0, NULL);
	/* The stream lost on the host (a full disk) says more than the run's own verdict. */
	if (*json__str(r, "agent_stream_lost", ""))
		snprintf(why, len, "its agent's stream could not be saved (%s)", json__str(r, "agent_stream_lost", ""));
	else
		snprintf(why, len, "%s", json__str(r, "reason", ""));
	json_decref(r);
}

/* The verdict of the rerun, and why the agent never came up when it did not. */
static json_t *boot_summary(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX + 16];
	json_t *r, *s, *tl, *e;
	size_t i;

	snprintf(path, sizeof(path), "%s/boot.json", dir);
	r = json_load_file(path, 0, NULL);
	if (!json_is_object(r)) {
		json_decref(r);
		return json_null();
	}
	s = json_object();
	json_object_set(s, "verdict", json_object_get(r, "verdict"));
	json_object_set(s, "reason", json_object_get(r, "reason"));
	json_object_set(s, "vm_exit", json_object_get(r, "vm_exit"));
	json_object_set(s, "duration_s", json_object_get(r, "duration_s"));
	json_object_set(s, "sched_ext_exit", json_object_get(r, "sched_ext_exit"));
	tl = json_object_get(r, "timeline");
	json_array_foreach(tl, i, e) {
		const char *st = json__str(e, "stage", "");

		if (!strncmp(st, "AGENT_NOT_READY", 15) || !strncmp(st, "agent exited", 12))
			snprintf(err, errlen, "%s", st);
	}
	json_decref(r);
	return s;
}

static void warn_cut(const struct conv *c, const char *path)
{
	if (c->cut)
		warning("%s: the agent's stream ends mid-line (cut off); its last line is dropped", path);
}

static int write_events(const char *path, json_t *meta, const struct conv *c)
{
	struct outfile of;
	size_t i;
	json_t *r;
	int err = outfile__open(&of, path);

	if (err)
		return err;
	/* Its reals are milliseconds: no float noise. */
	err = jsonl__write_digits(of.f, meta, JSONL_DIGITS_SHORT);
	if (c) {
		/* Before the hits: ktstr-stitch learns from them what a hit's func is. */
		json_array_foreach(c->progs, i, r)
			err = err ?: jsonl__write(of.f, r);
		err = err ?: conv__write_hits(c, of.f);
		json_array_foreach(c->triggers, i, r)
			err = err ?: jsonl__write(of.f, r);
	}
	if (err) {
		outfile__abort(&of);
		return err;
	}
	return outfile__commit(&of);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "targets", required_argument, NULL, 't' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'D' },
		{ "accel", required_argument, NULL, 'a' },
		{ "max-events", required_argument, NULL, 'm' },
		{ "run-stats", no_argument, NULL, 'S' },
		{ "empty-probes", no_argument, NULL, 'E' },
		{ "helper-reads", no_argument, NULL, 'H' },
		{ "agent-out", required_argument, NULL, 'A' },
		{ "nr-cpus", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *targets = NULL, *kernel = NULL, *out_arg = NULL, *accel = NULL, *agent_out = NULL,
		   *output = NULL;
	char err[1024] = "", bindir[PATH_MAX], dir[PATH_MAX], path[PATH_MAX + 32], why[256] = "";
	long max_events = 20000, nr_cpus = 0;
	const char *agent_flags[4] = { NULL, NULL, NULL, NULL };
	bool run_stats = false, empty = false, helper_reads = false;
	struct scenario *s = NULL;
	struct probe_plan *plan = calloc(1, sizeof(*plan));
	struct conv conv = { 0 };
	json_t *meta = json_object();
	int c, verbose = 0, ret, code = KT_EXIT_ENV;
	FILE *pf;

	usage__set_prog(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:k:m:n:o:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			targets = optarg;
			break;
		case 'k':
			kernel = optarg;
			break;
		case 'D':
			out_arg = optarg;
			break;
		case 'a': {
			enum qemu_accel a;

			if (qemu__parse_accel(optarg, &a))
				usage__bad("--accel: expected auto, kvm or tcg, got '%s'", optarg);
			accel = optarg;	/* ktstr-boot picks it */
			break;
		}
		case 'm':
			if (usage__parse_long(optarg, 1, 10000000, &max_events))
				usage__bad("--max-events: expected 1 to 10000000, got '%s'", optarg);
			break;
		case 'S':
			run_stats = true;
			break;
		case 'E':
			empty = true;
			break;
		case 'H':
			helper_reads = true;
			break;
		case 'A':
			agent_out = optarg;
			break;
		case 'n':
			if (usage__parse_long(optarg, 1, 65536, &nr_cpus))
				usage__bad("--nr-cpus: expected 1 to 65536, got '%s'", optarg);
			break;
		case 'o':
			output = optarg;
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
	if (!targets)
		usage__bad("--targets FILE is required");
	if (agent_out ? optind < argc - 1 : optind != argc - 1)
		usage__bad(optind >= argc ? "missing SCENARIO.yaml" : "only one SCENARIO.yaml, please");
	log__init(verbose);
	interrupt__install();
	if (!plan)
		return KT_EXIT_ENV;

	/* Everything about the input is checked before anything boots. */
	if (optind < argc) {
		ret = scenario__load(argv[optind], &s, err, sizeof(err));
		if (ret) {
			error("%s", err);
			code = usage__exit_code(ret);
			goto cleanup;
		}
		if (!nr_cpus)
			nr_cpus = topology__cpus(&s->topo);
	}
	ret = probe_plan__load(plan, targets, err, sizeof(err));
	if (ret) {
		error("%s", err);
		code = usage__exit_code(ret);
		goto cleanup;
	}
	json_object_set_new(meta, "type", json_string("meta"));
	json_object_set_new(meta, "nr_cpus", nr_cpus ? json_integer(nr_cpus) : json_null());
	json_object_set_new(meta, "scenario", s ? json_string(s->name) : json_null());
	json_object_set_new(meta, "targets", json_integer(plan->n));
	json_object_set_new(meta, "drops", json_integer(0));
	json_object_set_new(meta, "trigger_available", json_true());
	if (json_array_size(plan->notes))
		json_object_set(meta, "notes", plan->notes);

	if (agent_out) {
		conv.plan = plan;
		conv.meta = meta;
		meta = NULL;
		ret = conv__read(&conv, agent_out);
		if (ret) {
			error("%s: %s", agent_out, strerror(-ret));
			code = usage__exit_code(ret);
			goto cleanup;
		}
		warn_cut(&conv, agent_out);
		goto write;
	}

	if (file__exe_dir(bindir, sizeof(bindir))) {
		error("cannot find my own folder (/proc/self/exe)");
		goto cleanup;
	}
	ret = trigger_in_kernel(kernel, argv[0], &plan->kf, err, sizeof(err));
	plan->has_kf = ret >= 0;
	if (ret == 0) {
		/* Nothing to wait for: say so in the events, as ktstr-stitch expects. */
		error("trigger unavailable in this kernel (no tracepoint " SCX_EXIT_TP " in its BTF)");
		json_object_set_new(meta, "trigger_available", json_false());
		json_object_set_new(meta, "error", json_string("trigger unavailable in this kernel"));
		ret = write_events(output, meta, NULL);
		if (ret)
			code = usage__output_error(output, ret);
		goto cleanup;
	}
	if (ret < 0) {
		error("%s", *err ? err : "no guest kernel with BTF");
		goto cleanup;
	}
	ret = file__run_dir(out_arg, "ktstr-probe", dir, sizeof(dir));
	if (ret) {
		error("%s: %s", dir, strerror(-ret));
		goto cleanup;
	}
	snprintf(path, sizeof(path), "%s/probe.plan", dir);
	pf = fopen(path, "we");
	if (!pf || probe_plan__write(plan, pf) || fclose(pf)) {
		error("%s: cannot write", path);
		goto cleanup;
	}
	/* A stale stream of an earlier run must not pass for this one's. */
	snprintf(path, sizeof(path), "%s/agent.out", dir);
	unlink(path);
	ret = run_boot(bindir, dir, kernel, accel, max_events, verbose,
		       run_stats_flags(agent_flags, run_stats, empty, helper_reads), argv[optind]);
	if (interrupt__pending()) {
		error("interrupted by signal %d (%s); logs in %s", interrupt__pending(),
		      strsignal(interrupt__pending()), dir);
		code = interrupt__exit_code();
		goto cleanup;
	}
	if (ret < 0 || ret == KT_EXIT_ENV || ret > KT_EXIT_ENV) {
		boot_reason(dir, why, sizeof(why));
		if (*why)
			error("the probe VM failed: %s; logs in %s", why, dir);
		else
			error("the probe VM failed (ktstr-boot exit %d); logs in %s", ret, dir);
		goto cleanup;
	}
	if (ret == KT_EXIT_USAGE) {
		code = KT_EXIT_USAGE;
		goto cleanup;
	}
	json_object_set_new(meta, "boot", boot_summary(dir, why, sizeof(why)));
	json_object_set_new(meta, "logs", json_string(dir));
	conv.plan = plan;
	conv.meta = meta;
	meta = NULL;
	ret = conv__read(&conv, path);
	if (ret || !conv.ready) {
		error("the probe agent did not come up (%s); logs in %s", *why ? why : "no stream", dir);
		goto cleanup;
	}
	warn_cut(&conv, path);
	{
		/*
		 * The exit's message, as the repro VM's kernel or scheduler gave it
		 * (ktstr-boot made it printable): the chain's "message:" line.
		 */
		const char *msg = json_string_value(
			json_object_get(json_object_get(json_object_get(conv.meta, "boot"), "sched_ext_exit"), "message"));
		size_t i;
		json_t *t;

		json_array_foreach(conv.triggers, i, t)
			if (msg && *msg && !json_object_get(t, "msg"))
				json_object_set_new(t, "msg", json_string(msg));
	}
write:
	json_object_set_new(conv.meta, "recorded", json_integer(conv.nhits));
	json_object_set_new(conv.meta, "trigger_fired", json_boolean(json_array_size(conv.triggers) > 0));
	if (conv.bad_lines)
		json_object_set_new(conv.meta, "bad_lines", json_integer(conv.bad_lines));
	ret = write_events(output, conv.meta, &conv);
	if (ret) {
		code = usage__output_error(output, ret);
		goto cleanup;
	}
	log_info("%zu calls recorded, trigger %s", conv.nhits,
		 json_array_size(conv.triggers) ? "fired" : "never fired");
	code = KT_EXIT_OK;
cleanup:
	json_decref(meta);
	conv__free(&conv);
	if (plan)
		probe_plan__free(plan);
	free(plan);
	scenario__free(s);
	return code;
}
