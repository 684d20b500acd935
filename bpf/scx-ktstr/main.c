// SPDX-License-Identifier: GPL-2.0
/*
 * scx-ktstr: load ktstr's test scheduler, wait until it exits, print how.
 *
 * Runs as a static binary inside ktstr's guest. Output (stdout, one line
 * each): a start line, an "attached" line, then when the scheduler exits an
 * "EXIT:" line and the kernel's debug dump verbatim. The host pokes the
 * knobs of the ".bss" map (crash, stall) to make the scheduler fail.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "loader.h"
#include "scx.h"
#include "log.h"
#include "usage.h"
#include "ktstr_exit.h"
/* After ktstr_exit.h: the skeleton names struct ktstr_exit_info. */
#ifndef KTSTR_SKEL
#define KTSTR_SKEL "scx-ktstr.skel.h"
#endif
#include KTSTR_SKEL

static const char help_text[] =
	"Usage: scx-ktstr [OPTIONS]\n"
	"Load ktstr's FIFO sched_ext test scheduler, wait until it exits, print\n"
	"how it exited (EXIT: line and the kernel's debug dump).\n"
	"\n"
	"  --timeout-ms N        sched_ext watchdog timeout (default: kernel's, 30000)\n"
	"  --crash-after-ms N    set the crash knob N ms after attach\n"
	"  --crash-in WHERE      enqueue (default) or dispatch: callback that crashes\n"
	"  --stall-after-ms N    set the stall knob N ms after attach\n"
	"  --stall-tasks WHICH   all (default: dispatch stops) or user (user tasks\n"
	"                        are parked, kernel threads still run)\n"
	"  --starve-cgroup NAME  keep the tasks of cgroup NAME off the CPU (parked)\n"
	"                        from --starve-after-ms for --starve-for-ms\n"
	"  --starve-after-ms N   when the starving begins, ms after attach (default 0)\n"
	"  --starve-for-ms N     how long it lasts (default 3000): keep it below the\n"
	"                        watchdog's timeout, so only ktstr's checks see it\n"
	"  -v, --verbose         libbpf debug output on stderr\n"
	"  -h, --help            show this help\n"
	"  -V, --version         show the version\n"
	"\n"
	"Knobs (map \"<obj>.bss\", u32 each): crash = 1 crashes the next enqueue,\n"
	"2 the next dispatch; stall = 1 stops dispatching, 2 parks user tasks;\n"
	"starve = 1 parks the --starve-cgroup's tasks.\n"
	"Exit status: 0 scheduler unloaded cleanly, 1 error exit or load failure,\n"
	"2 usage error, 3 no sched_ext or no permission.\n";

struct options {
	long timeout_ms;	/* -1: kernel default */
	long crash_after_ms;	/* -1: never */
	long stall_after_ms;
	unsigned int crash_value;
	unsigned int stall_value;
	const char *starve_cgroup;	/* NULL: none */
	long starve_after_ms, starve_for_ms;
	int verbose;
};

static void parse_args(int argc, char **argv, struct options *o)
{
	enum { OPT_TIMEOUT = 256, OPT_CRASH, OPT_CRASH_IN, OPT_STALL, OPT_STALL_TASKS, OPT_STARVE_CG, OPT_STARVE_AFTER,
	       OPT_STARVE_FOR };
	static const struct option longopts[] = {
		{ "timeout-ms", required_argument, NULL, OPT_TIMEOUT },
		{ "crash-after-ms", required_argument, NULL, OPT_CRASH },
		{ "crash-in", required_argument, NULL, OPT_CRASH_IN },
		{ "stall-after-ms", required_argument, NULL, OPT_STALL },
		{ "stall-tasks", required_argument, NULL, OPT_STALL_TASKS },
		{ "starve-cgroup", required_argument, NULL, OPT_STARVE_CG },
		{ "starve-after-ms", required_argument, NULL, OPT_STARVE_AFTER },
		{ "starve-for-ms", required_argument, NULL, OPT_STARVE_FOR },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;	/* report bad options once, in our own words */
	*o = (struct options){ .timeout_ms = -1, .crash_after_ms = -1, .stall_after_ms = -1,
			       .crash_value = 1, .stall_value = 1, .starve_for_ms = 3000 };
	while ((c = getopt_long(argc, argv, ":vhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_TIMEOUT:
			o->timeout_ms = loader__parse_ms("--timeout-ms", optarg, INT_MAX);
			break;
		case OPT_CRASH:
			o->crash_after_ms = loader__parse_ms("--crash-after-ms", optarg, INT_MAX);
			break;
		case OPT_CRASH_IN:
			if (!strcmp(optarg, "enqueue"))
				o->crash_value = 1;
			else if (!strcmp(optarg, "dispatch"))
				o->crash_value = 2;
			else
				usage__bad("--crash-in: expected enqueue or dispatch, got '%s'", optarg);
			break;
		case OPT_STALL:
			o->stall_after_ms = loader__parse_ms("--stall-after-ms", optarg, INT_MAX);
			break;
		case OPT_STALL_TASKS:
			if (!strcmp(optarg, "all"))
				o->stall_value = 1;
			else if (!strcmp(optarg, "user"))
				o->stall_value = 2;
			else
				usage__bad("--stall-tasks: expected all or user, got '%s'", optarg);
			break;
		case OPT_STARVE_CG:
			if (!*optarg || strlen(optarg) >= sizeof(((struct scx_ktstr *)0)->rodata->starve_cgroup))
				usage__bad("--starve-cgroup: a cgroup name of 1 to 31 bytes, got '%s'", optarg);
			o->starve_cgroup = optarg;
			break;
		case OPT_STARVE_AFTER:
			o->starve_after_ms = loader__parse_ms("--starve-after-ms", optarg, INT_MAX);
			break;
		case OPT_STARVE_FOR:
			o->starve_for_ms = loader__parse_ms("--starve-for-ms", optarg, INT_MAX);
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			usage__help(help_text);
		case 'V':
			usage__version();
		default:
			usage__bad_option(c, argv, "an argument");
		}
	}
	if (optind < argc)
		usage__bad("unexpected argument '%s'", argv[optind]);
}

/* "crash@0 stall@4": where the knobs sit in the .bss map, from the object's BTF. */
static void describe_knobs(struct bpf_object *obj, char *buf, size_t size)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	size_t len = 0;
	int id, i;

	buf[0] = '\0';
	id = btf ? btf__find_by_name_kind(btf, ".bss", BTF_KIND_DATASEC) : -1;
	sec = id > 0 ? btf__type_by_id(btf, id) : NULL;
	if (!sec)
		return;
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec) && len < size; i++, vs++) {
		const char *n = btf__name_by_offset(btf, btf__type_by_id(btf, vs->type)->name_off);

		len += snprintf(buf + len, size - len, "%s%s@%u", i ? " " : "", n, vs->offset);
	}
}

/* Print the EXIT line and the dump. Returns the exit status it implies. */
static int print_exit(const struct ktstr_exit_info *ei)
{
	char name[64];

	loader__print_exit_line(loader__exit_kind_name(NULL, ei->kind, name, sizeof(name)), ei->kind, ei->reason,
				sizeof(ei->reason), ei->msg, sizeof(ei->msg));
	loader__print_dump(ei->dump, sizeof(ei->dump));
	fflush(stdout);
	return ei->kind >= 1024 ? KT_EXIT_FAIL : KT_EXIT_OK;
}

/* The EXIT line when ops.exit left no record: kind 0, said to be unknown. */
static void print_no_record(const char *reason)
{
	loader__print_exit_line("SCX_EXIT_UNKNOWN", 0, reason, SIZE_MAX, NULL, 0);
}

int main(int argc, char **argv)
{
	struct bpf_link *link = NULL;
	struct scx_ktstr *skel = NULL;
	struct options o;
	char state[64], knobs[256], map_name[32];
	double t0, t_loaded, t_attached, t_disabled = 0;
	bool crash_set = false, stall_set = false, starve_set = false, starve_over = false;
	int err, ret = KT_EXIT_FAIL;

	usage__set_prog(argv[0]);
	parse_args(argc, argv, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	loader__set_libbpf_print(o.verbose || getenv("SCX_KTSTR_VERBOSE"));

	if (loader__check_sched_ext())
		return KT_EXIT_ENV;

	printf("scx-ktstr %s: starting (pid %d)\n", KTSTR_VERSION, (int)getpid());
	t0 = loader__now_s();
	skel = scx_ktstr__open();
	if (!skel) {
		err = -errno;
		error("opening the BPF object: %s", strerror(-err));
		goto cleanup;
	}
	if (o.timeout_ms >= 0)
		skel->struct_ops.ktstr_ops->timeout_ms = o.timeout_ms;
	if (o.starve_cgroup)
		snprintf((char *)skel->rodata->starve_cgroup, sizeof(skel->rodata->starve_cgroup), "%s", o.starve_cgroup);
	err = scx_ktstr__load(skel);
	if (err) {
		error("loading the BPF object: %s", strerror(-err));
		ret = (err == -EPERM || err == -EACCES) ? KT_EXIT_ENV : KT_EXIT_FAIL;
		goto cleanup;
	}
	t_loaded = loader__now_s();

	loader__catch_signals();
	/* The .struct_ops.link map: closing the link unloads the scheduler. */
	link = bpf_map__attach_struct_ops(skel->maps.ktstr_ops);
	if (!link) {
		err = -errno;
		error("attaching struct_ops ktstr_ops: %s", strerror(-err));
		ret = (err == -EPERM || err == -EACCES) ? KT_EXIT_ENV : KT_EXIT_FAIL;
		goto cleanup;
	}
	t_attached = loader__now_s();
	scx__read_state(state, sizeof(state));
	describe_knobs(skel->obj, knobs, sizeof(knobs));
	snprintf(map_name, sizeof(map_name), "%s", bpf_map__name(skel->maps.bss));
	printf("scx-ktstr: attached (state %s, open+load %.2fs, attach %.2fs, knobs map %s: %s)\n",
	       state[0] ? state : "unknown", t_loaded - t0, t_attached - t_loaded, map_name, knobs);

	for (;;) {
		double since = (loader__now_s() - t_attached) * 1000;

		if (skel->data_uei->uei.kind)
			break;
		if (loader__stop_signal())
			break;
		if (!crash_set && o.crash_after_ms >= 0 && since >= o.crash_after_ms) {
			skel->bss->crash = o.crash_value;
			crash_set = true;
			printf("scx-ktstr: crash knob set to %u\n", o.crash_value);
		}
		if (!stall_set && o.stall_after_ms >= 0 && since >= o.stall_after_ms) {
			skel->bss->stall = o.stall_value;
			stall_set = true;
			printf("scx-ktstr: stall knob set to %u\n", o.stall_value);
		}
		if (o.starve_cgroup && !starve_set && since >= o.starve_after_ms) {
			skel->bss->starve = 1;
			starve_set = true;
			printf("scx-ktstr: starving cgroup %s for %ld ms\n", o.starve_cgroup, o.starve_for_ms);
		}
		if (starve_set && !starve_over && since >= o.starve_after_ms + o.starve_for_ms) {
			skel->bss->starve = 0;
			starve_over = true;
			printf("scx-ktstr: cgroup %s runs again\n", o.starve_cgroup);
		}
		/* The kernel dropped the scheduler but ops.exit left no record. */
		scx__read_state(state, sizeof(state));
		if (!strcmp(state, "disabled")) {
			if (!t_disabled)
				t_disabled = loader__now_s();
			else if ((loader__now_s() - t_disabled) * 1000 >= LOADER__EXIT_GRACE_MS) {
				print_no_record("scheduler disabled without exit record");
				goto cleanup;
			}
		}
		loader__sleep_ms(LOADER__POLL_MS);
	}
	if (loader__stop_signal() && !skel->data_uei->uei.kind)
		printf("scx-ktstr: %s, unloading\n", strsignal(loader__stop_signal()));
	/* Unregistering runs ops.exit before the link's release returns. */
	bpf_link__destroy(link);
	link = NULL;
	if (!skel->data_uei->uei.kind) {
		print_no_record("no exit record");
		goto cleanup;
	}
	ret = print_exit(&skel->data_uei->uei);
	printf("scx-ktstr: enqueued %llu, dispatched %llu\n", (unsigned long long)skel->bss->nr_enqueued,
	       (unsigned long long)skel->bss->nr_dispatched);
cleanup:
	fflush(stdout);
	bpf_link__destroy(link);
	scx_ktstr__destroy(skel);
	return ret;
}
