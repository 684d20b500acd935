// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-probe-agent: the in-guest half of ktstr-probe (man/ktstr-probe-agent.1).
 *
 * Reads the probe plan the host wrote (targets already resolved by
 * ktstr-btfres and flattened by ktstr-probe), attaches the generic programs
 * of probe.bpf.c, prints KTSTR_AGENT_READY (ktstr-init starts the scheduler
 * only then; with probe_hold, the kernel functions' probes are attached after
 * it, while the scheduler loads), attaches fentry/fexit to the scheduler's
 * struct_ops programs (found by the op they implement, whatever their
 * names) while probe_hold keeps the scheduler stopped between loading and
 * enabling, and streams one JSON line per recorded call on stdout until
 * SIGINT/SIGTERM. Static: it runs in a bare initramfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agent.h"
#include "plan.h"
#include "flight.h"
#include "recorder.h"
#include "log.h"
#include "usage.h"
#include "probe.skel.h"

static const char help_text[] =
	"Usage: ktstr-probe-agent --plan FILE [OPTIONS]\n"
	"In-guest probe agent of ktstr-probe: attach the probes of the plan, print\n"
	"KTSTR_AGENT_READY, attach to the scheduler's struct_ops programs once\n"
	"sched_ext is enabled, stream one JSON line per event until SIGINT.\n"
	"\n"
	"  -p, --plan FILE       the probe plan written by ktstr-probe\n"
	"  -m, --max-events N    keep the last N events (default 20000)\n"
	"  -w, --wait-ms N       how long to wait for sched_ext (default 60000)\n"
	"      --run-stats       the kernel's run count and time of each kind of probe\n"
	"                        (kernel.bpf_stats_enabled: slows every probe)\n"
	"      --empty           attach every probe, record nothing: their own cost\n"
	"      --helper-reads    read fields with bpf_probe_read_kernel() even where\n"
	"                        the kernel allows direct loads (as on older kernels)\n"
	"  -v, --verbose         libbpf messages on stderr\n"
	"  -h, --help            show this help\n"
	"  -V, --version         show the version\n"
	"\n"
	"Exit status: 0 done, 2 bad plan or usage, 3 BPF unavailable.\n";

volatile sig_atomic_t agent_stop;
struct timespec agent_t0;
int agent_verbose;
long agent_max_events = 20000;
bool agent_run_stats, agent_empty, agent_helper_reads;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && agent_verbose < 2)
		return 0;
	if (!agent_verbose && level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* The agent's own CPU time so far (user and system), in ms: it runs on the guest's vCPUs. */
static double cpu_ms(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* The per-CPU tally of the probes: records lost for want of a slot. */
static __u64 drops_sum(void)
{
	int n = libbpf_num_possible_cpus(), i;
	__u64 *v, sum = 0;
	__u32 k = 0;

	if (n <= 0 || !(v = calloc(n, sizeof(*v))))
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(main_skel->maps.tally), &k, v))
		for (i = 0; i < n; i++)
			sum += v[i];
	free(v);
	return sum;
}

static void on_signal(int sig)
{
	(void)sig;
	agent_stop = 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "max-events", required_argument, NULL, 'm' },
		{ "wait-ms", required_argument, NULL, 'w' },
		{ "run-stats", no_argument, NULL, 'S' },
		{ "empty", no_argument, NULL, 'E' },
		{ "helper-reads", no_argument, NULL, 'H' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *plan = NULL;
	pthread_t drainer;
	struct timespec t1;
	struct flight_stats fs;
	struct sigaction sa = { .sa_handler = on_signal };
	long wait_ms = 60000;
	double cpu0 = 0;
	__u64 drops = 0, triggers = 0;
	int c, err, code = KT_EXIT_ENV;
	bool early = false;
	__u32 k;

	usage__set_prog(argv[0]);
	while ((c = getopt_long(argc, argv, ":p:m:w:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			plan = optarg;
			break;
		case 'm':
			if (usage__parse_long(optarg, 1, 1L << 24, &agent_max_events))
				usage__bad("--max-events: expected a count, got '%s'", optarg);
			break;
		case 'w':
			if (usage__parse_long(optarg, 0, LONG_MAX, &wait_ms))
				usage__bad("--wait-ms: expected milliseconds, got '%s'", optarg);
			break;
		case 'S':
			agent_run_stats = true;
			break;
		case 'E':
			agent_empty = true;
			break;
		case 'H':
			agent_helper_reads = true;
			break;
		case 'v':
			agent_verbose++;
			break;
		case 'h':
			usage__help(help_text);
		case 'V':
			usage__version();
		default:
			usage__bad_option(c, argv, "an argument");
		}
	}
	if (!plan || optind != argc)
		usage__bad(plan ? "no operands expected" : "--plan FILE is required");
	if (probe_plan__read(plan))
		return KT_EXIT_USAGE;
	clock_gettime(CLOCK_MONOTONIC, &agent_t0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	libbpf_set_print(libbpf_print);
	stream__buffer();
	err = attach__kernel();
	/*
	 * With probe_hold attached, the scheduler may start now: it loads (its
	 * verifier runs take seconds under TCG) while the kernel functions
	 * are attached here, and stops before enabling until phase 2 is done.
	 * Without it, every probe must be in place before the ready line.
	 */
	early = !err && attach__holding();
	if (!err && !early)
		attach__kernel_functions();
	fprintf(stream__out(), "{\"ev\":\"phase\",\"name\":\"ready\",\"ms\":%.2f}\n", ms_since(&agent_t0));
	stream__end_buffer();
	if (err) {
		/* Not ready: ktstr-init reports the agent's exit; the console has why. */
		error("cannot load the probes: %s", strerror(-err));
		goto cleanup;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (probe_plan__any_bpf()) {
		int fd = open(PLAN_AGENT_ATTACHING, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
	}
	if (pthread_create(&drainer, NULL, stream__drain, NULL)) {
		error("cannot start the history thread: %s", strerror(errno));
		goto cleanup;
	}
	printf("%s\n", PLAN_AGENT_READY);
	stream__put_buffered();
	fflush(stdout);
	if (early) {
		attach__kernel_functions();
		printf("{\"ev\":\"phase\",\"name\":\"kernel_attached\",\"ms\":%.2f}\n", ms_since(&agent_t0));
	}
	attach__bpf(wait_ms);
	unlink(PLAN_AGENT_ATTACHING);
	cpu0 = cpu_ms();
	fflush(stdout);
	/* Nothing is printed while the scenario runs: the console is slow and the guest's CPUs are busy. */
	while (!agent_stop)
		usleep(50000);
	stream__stop_drain();
	pthread_join(drainer, NULL);
	/* What matters most first: the trigger (its own map copy), the counters. */
	{
		struct probe_event *e = calloc(1, sizeof(*e));

		k = 0;
		if (e && !bpf_map_lookup_elem(bpf_map__fd(main_skel->maps.trigger_rec), &k, e) &&
		    e->type == PROBE_EV_TRIGGER)
			stream__event(e, PROBE_HDR_SZ);
		free(e);
	}
	k = 2;
	bpf_map_lookup_elem(bpf_map__fd(main_skel->maps.counters), &k, &triggers);
	drops = drops_sum();
	flight__stats(&fs);
	printf("{\"ev\":\"stats\",\"drops\":%llu,\"submitted\":%llu,\"triggers\":%llu,\"recorded\":%llu,"
	       "\"capped\":%llu,\"queued\":%ld,\"history_missed\":%llu,\"per_task\":%d,\"agent_cpu_ms\":%.1f,"
	       "\"agent_run_cpu_ms\":%.1f",
	       (unsigned long long)drops, (unsigned long long)fs.recorded, (unsigned long long)triggers,
	       (unsigned long long)fs.recorded, (unsigned long long)fs.capped, fs.queued,
	       (unsigned long long)fs.missed, RECORDER_PER_TASK, cpu_ms(), cpu_ms() - cpu0);
	attach__print_run_stats(stdout);
	puts("}");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stream__print_queue();
	flight__stats(&fs);
	printf("{\"ev\":\"phase\",\"name\":\"printed\",\"ms\":%.2f,\"kept\":%ld}\n", ms_since(&t1), fs.kept);
	fflush(stdout);
	/*
	 * The stream is complete: say so before detaching, which takes
	 * seconds (each trampoline update waits for RCU tasks).
	 */
	close(STDOUT_FILENO);
	code = KT_EXIT_OK;
cleanup:
	/* Never leave a scheduler stopped, whatever happened here. */
	attach__hold_release();
	attach__free();
	stream__free();
	return code;
}
