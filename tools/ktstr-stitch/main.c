// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-stitch: from the probe events of a reproduced crash, the chain of
 * scheduler calls of the task the scheduler choked on, decoded.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "stitch.h"
#include "log.h"
#include "usage.h"

static const char help[] =
	"Usage: ktstr-stitch [OPTION]... [EVENTS]\n"
	"Stitch the probe events of a reproduced sched_ext crash (JSON lines of\n"
	"ktstr-probe; standard input when EVENTS is absent or -) into the chain of\n"
	"calls of the causal task, with decoded arguments and struct fields.\n"
	"\n"
	"  -t, --targets FILE     targets of ktstr-btfres: enum tables, parameters,\n"
	"                         field decoders, source locations\n"
	"  -f, --format FORMAT    text (default), json (JSON lines) or perfetto\n"
	"                         (Chrome trace-event JSON for ui.perfetto.dev: the\n"
	"                         whole timeline, nested slices per CPU)\n"
	"  -H, --history[=FORM]   the timeline: every call of the task up to the exit,\n"
	"                         the calls it ran inside and those that ran inside it;\n"
	"                         FORM compact (default: a line a call, indented as\n"
	"                         nested, what changed, repeats folded, the last 200\n"
	"                         lines) or full (every field of every call). Without\n"
	"                         it: the last call of each function (a stall: the\n"
	"                         compact timeline, last 40 lines)\n"
	"      --since TIME       the timeline from TIME before the exit on (-50ms,\n"
	"                         -1.5s, -200us)\n"
	"      --last N           the last N lines of the compact timeline (calls of\n"
	"                         the full one, of json and perfetto)\n"
	"  -n, --nr-cpus N        show cpumask bits below N only (default: nr_cpus of\n"
	"                         the meta record)\n"
	"  -o, --output FILE      write there (whole or not at all) instead of stdout\n"
	"  -p, --perfetto FILE    also the Perfetto trace (-f perfetto, the same\n"
	"                         options) into FILE, from the same read of EVENTS\n"
	"  -h, --help             show this help and exit\n"
	"  -V, --version          show the version and exit\n"
	"\n"
	"When there is no chain (no trigger, no event of the causal task) the reason\n"
	"is printed on one line and the exit status is still 0.\n"
	"Exit status: 0 ok, 1 output not written (or out of memory), 2 bad usage or\n"
	"malformed input, 3 input file missing.\n";

enum format { FMT_TEXT, FMT_JSON, FMT_PERFETTO };

enum { OPT_SINCE = 256, OPT_LAST };

/* Render in fmt into path (stdout: NULL or "-"), whole or not at all. 0 or an exit code. */
static int render_to(const char *path, enum format fmt, const struct render_opts *o)
{
	struct render_opts ro = *o;
	struct outfile out = { 0 };
	int err = outfile__open(&out, path);

	if (err)
		return usage__output_error(path, err);
	ro.f = out.f;
	switch (fmt) {
	case FMT_TEXT:
		err = render__text(&ro);
		break;
	case FMT_JSON:
		err = render__json(&ro);
		break;
	case FMT_PERFETTO:
		err = render__perfetto(&ro);
		break;
	}
	if (!err)
		err = outfile__commit(&out);
	else
		outfile__abort(&out);
	return err ? usage__output_error(path, err) : KT_EXIT_OK;
}

/* The compact timeline's default length: a screen or two; a stall's report shows less. */
#define LAST_LINES 200
#define STALL_LINES 40

/* "-50ms", "1.5s", "200us", "100ns": a time before the exit, in ns. -1: not one. */
static long long parse_since(const char *s)
{
	static const struct { const char *unit; unsigned long long ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	};
	unsigned long long whole = 0, frac = 0, div = 1;
	const char *p = s;
	size_t i;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (whole > 1000000000ULL)
			return -1;
		whole = whole * 10 + (unsigned)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (div < 1000000000ULL) {
				frac = frac * 10 + (unsigned)(*p - '0');
				div *= 10;
			}
		}
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(p, units[i].unit))
			return (long long)(whole * units[i].ns + frac * units[i].ns / div);
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "targets", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "history", optional_argument, NULL, 'H' },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "last", required_argument, NULL, OPT_LAST },
		{ "nr-cpus", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "perfetto", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *targets_path = NULL, *output = NULL, *input = NULL, *perfetto = NULL;
	enum format fmt = FMT_TEXT;
	bool history = false;
	enum view view = VIEW_CHAIN;
	long long since = 0;
	long nr_cpus = -1, last = 0;
	struct targets tg = { 0 };
	struct events ev = { 0 };
	struct chain ch = { 0 };
	struct timeline tl = { 0 }, ptl = { 0 };
	struct decode_tables dt = { 0 };
	struct render_opts ro;
	size_t tl_last = 0;
	bool tl_built = false;
	char msg[1024] = "";
	int c, err, code = KT_EXIT_OK;
	char *end;

	usage__set_prog(argv[0]);
	ev.spool_fd = -1;
	while ((c = getopt_long(argc, argv, ":t:f:H::n:o:p:hV", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			targets_path = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = FMT_TEXT;
			else if (!strcmp(optarg, "json"))
				fmt = FMT_JSON;
			else if (!strcmp(optarg, "perfetto"))
				fmt = FMT_PERFETTO;
			else
				usage__bad("--format: '%s' is not text, json or perfetto", optarg);
			break;
		case 'H':
			history = true;
			if (!optarg || !strcmp(optarg, "compact"))
				view = VIEW_COMPACT;
			else if (!strcmp(optarg, "full"))
				view = VIEW_FULL;
			else
				usage__bad("--history: '%s' is not compact or full", optarg);
			break;
		case OPT_SINCE:
			since = parse_since(optarg);
			if (since <= 0)
				usage__bad("--since: '%s' is not a time before the exit (-50ms, -1.5s)",
					   optarg);
			break;
		case OPT_LAST:
			errno = 0;
			last = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || last < 1 || last > 100000000)
				usage__bad("--last: '%s' is not a count (1-100000000)", optarg);
			break;
		case 'n':
			errno = 0;
			nr_cpus = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || nr_cpus < 1 || nr_cpus > 65536)
				usage__bad("--nr-cpus: '%s' is not a CPU count (1-65536)", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case 'p':
			perfetto = optarg;
			break;
		case 'h':
			usage__help(help);
		case 'V':
			usage__version();
		default:
			usage__bad_option(c, argv, "an argument");
		}
	}
	if (optind < argc)
		input = argv[optind++];
	if (optind < argc)
		usage__bad("one EVENTS file at most");

	err = targets__load(&tg, targets_path, msg, sizeof(msg));
	if (!err)
		err = decode_tables__init(&dt, tg.enums, msg, sizeof(msg));
	if (err) {
		error("%s", msg[0] ? msg : strerror(-err));
		code = usage__exit_code(err);
		goto out;
	}
	err = events__read(&ev, input, &tg, msg, sizeof(msg));
	if (err) {
		error("%s", msg[0] ? msg : strerror(-err));
		code = usage__exit_code(err);
		goto out;
	}
	dt.nr_cpus = nr_cpus > 0 ? (unsigned)nr_cpus :
		     ev.meta.nr_cpus > 0 && ev.meta.nr_cpus <= 65536 ? (unsigned)ev.meta.nr_cpus : 0;
	err = chain__build(&ch, &ev, history);
	if (err) {
		error("%s", strerror(-err));
		code = KT_EXIT_ENV;	/* out of memory */
		goto out;
	}
	/* A stall's chain is the named task's own story: its timeline. */
	if (view == VIEW_CHAIN && (ch.causal_why == CAUSAL_STALLED || ch.causal_why == CAUSAL_WAITING ||
				   ch.causal_why == CAUSAL_CPU))
		view = VIEW_COMPACT;
	if (!ch.why_none && (view != VIEW_CHAIN || fmt == FMT_PERFETTO)) {
		err = timeline__build(&tl, &ev, &ch);
		if (err) {
			error("%s", strerror(-err));
			code = KT_EXIT_FAIL;
			goto out;
		}
		/* --last counts lines of the compact text, calls elsewhere. */
		tl_last = view == VIEW_COMPACT && fmt == FMT_TEXT ? 0 : (size_t)last;
		timeline__window(&tl, (uint64_t)since, tl_last);
		tl_built = true;
	}
	ro = (struct render_opts){ .ev = &ev, .ch = &ch, .tl = &tl, .dt = &dt, .view = view };
	if (last)
		ro.last_lines = (size_t)last;
	else if (!since)
		ro.last_lines = history ? LAST_LINES : STALL_LINES;
	code = render_to(output, fmt, &ro);
	if (code || !perfetto)
		goto out;
	/* The trace's timeline, windowed as -f perfetto windows it: the same one, mostly. */
	if (!ch.why_none && !(tl_built && tl_last == (size_t)last)) {
		err = timeline__build(&ptl, &ev, &ch);
		if (err) {
			error("%s", strerror(-err));
			code = KT_EXIT_FAIL;
			goto out;
		}
		timeline__window(&ptl, (uint64_t)since, (size_t)last);
		ro.tl = &ptl;
	}
	code = render_to(perfetto, FMT_PERFETTO, &ro);
out:
	timeline__free(&ptl);
	timeline__free(&tl);
	chain__free(&ch);
	events__free(&ev);
	decode_tables__free(&dt);
	targets__free(&tg);
	return code;
}
