// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-tail: the last lines of a guest log, made safe to print, with
 * repeated blocks collapsed and the sched_ext dump split from the rest.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tail.h"
#include "log.h"
#include "usage.h"

static const char help[] =
	"Usage: ktstr-tail [OPTION]... [FILE]\n"
	"Print the last non-empty lines of a guest log (standard input when FILE is\n"
	"absent or -), control characters made visible, invalid UTF-8 replaced,\n"
	"lines longer than 4096 bytes cut with a marker.\n"
	"\n"
	"  -n, --lines N            the last N lines (default 40; 0: all)\n"
	"  -c, --collapse-cycles    replace a block of lines repeated 3 times or more\n"
	"                           by its first iteration, a line \"--- N identical\n"
	"                           iterations omitted ---\" and its last (nested too)\n"
	"  -s, --section NAME       print \"--- NAME ---\" first; nothing at all when\n"
	"                           no line is left\n"
	"      --only sched_ext_dump    only the sched_ext debug dump\n"
	"      --except sched_ext_dump  everything but the sched_ext debug dump\n"
	"  -h, --help               show this help and exit\n"
	"  -V, --version            show the version and exit\n"
	"\n"
	"Exit status: 0 ok (also when nothing is printed), 1 write error or out of\n"
	"memory, 2 bad usage or unreadable input, 3 FILE missing.\n";

#define LINE_MAX_BYTES 4096
#define CUT_MARKER " [... line cut at 4096 bytes]"

enum mode { MODE_ALL, MODE_ONLY_DUMP, MODE_EXCEPT_DUMP };

/* Per input line: its text id, its key for cycles (without a printk time
 * stamp: a warning repeated on a console differs only there), and whether
 * it is dump text or blank. */
struct logline {
	uint32_t id, key;
	bool dump, blank;
};

static bool is_blank(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	return !n;
}

static enum mode parse_split(const char *what, const char *arg, enum mode m)
{
	if (strcmp(arg, "sched_ext_dump"))
		usage__bad("%s: '%s' is not a known part (sched_ext_dump)", what, arg);
	return m;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lines", required_argument, NULL, 'n' },
		{ "collapse-cycles", no_argument, NULL, 'c' },
		{ "section", required_argument, NULL, 's' },
		{ "only", required_argument, NULL, 'O' },
		{ "except", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *section = NULL, *path = NULL;
	bool collapse = false, mode_set = false;
	enum mode mode = MODE_ALL;
	long lines = 40;
	struct linereader lr;
	struct strtab tab = { 0 };
	struct strbuf sb = { 0 };
	struct dump_scan scan = { 0 };
	struct logline *log = NULL;
	struct centry *ids = NULL;
	size_t nlog = 0, caplog = 0, n = 0, i, start;
	int c, err, code = KT_EXIT_OK;

	usage__set_prog(argv[0]);
	while ((c = getopt_long(argc, argv, ":n:cs:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (usage__parse_long(optarg, 0, LONG_MAX, &lines))
				usage__bad("--lines: '%s' is not a line count", optarg);
			break;
		case 'c':
			collapse = true;
			break;
		case 's':
			section = optarg;
			break;
		case 'O':
		case 'E':
			if (mode_set)
				usage__bad("--only and --except exclude each other");
			mode_set = true;
			mode = parse_split(c == 'O' ? "--only" : "--except", optarg,
					   c == 'O' ? MODE_ONLY_DUMP : MODE_EXCEPT_DUMP);
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
		path = argv[optind++];
	if (optind < argc)
		usage__bad("one FILE at most");

	err = linereader__open(&lr, path, LINE_MAX_BYTES);
	if (err) {
		error("%s: %s", path ? path : "<stdin>", strerror(-err));
		return usage__exit_code(err);
	}
	while ((err = linereader__next(&lr)) > 0) {
		enum dump_class cls;
		size_t skip, stamp;
		bool prev_too;
		long id, key;

		strbuf__reset(&sb);
		if (text__sanitize(&sb, lr.line, lr.len) ||
		    (lr.truncated && strbuf__addstr(&sb, CUT_MARKER))) {
			err = -ENOMEM;
			break;
		}
		if (!sb.buf && strbuf__addstr(&sb, "")) {
			err = -ENOMEM;
			break;
		}
		cls = dump__classify(&scan, sb.buf, sb.len, &skip, &prev_too);
		if (prev_too && nlog)
			log[nlog - 1].dump = true;
		/* A trace event shows as the dump text it carries when split out. */
		if (cls != LINE_DUMP_TRACE || mode != MODE_ONLY_DUMP)
			skip = 0;
		id = strtab__intern(&tab, sb.buf + skip, sb.len - skip);
		stamp = dump__stamp_len(sb.buf + skip, sb.len - skip);
		key = stamp ? strtab__intern(&tab, sb.buf + skip + stamp, sb.len - skip - stamp) : id;
		if (id < 0 || key < 0) {
			err = -ENOMEM;
			break;
		}
		if (nlog == caplog) {
			struct logline *p;

			caplog = caplog ? caplog * 2 : 1024;
			p = realloc(log, caplog * sizeof(*p));
			if (!p) {
				err = -ENOMEM;
				break;
			}
			log = p;
		}
		log[nlog].id = (uint32_t)id;
		log[nlog].key = (uint32_t)key;
		log[nlog].dump = cls != LINE_OTHER;
		log[nlog].blank = is_blank(sb.buf + skip, sb.len - skip);
		nlog++;
	}
	linereader__close(&lr);
	if (err < 0) {
		error("%s: %s", path ? path : "<stdin>", strerror(-err));
		code = usage__exit_code(err);
		goto out;
	}

	ids = malloc((nlog ? nlog : 1) * sizeof(*ids));
	if (!ids) {
		error("out of memory");
		code = KT_EXIT_ENV;
		goto out;
	}
	for (i = 0; i < nlog; i++) {
		if (log[i].blank)
			continue;
		if ((mode == MODE_ONLY_DUMP && !log[i].dump) ||
		    (mode == MODE_EXCEPT_DUMP && log[i].dump))
			continue;
		ids[n].text = log[i].id;
		ids[n++].key = log[i].key;
	}
	if (collapse) {
		long m = collapse__run(&tab, ids, n);

		if (m < 0) {
			error("out of memory");
			code = KT_EXIT_ENV;
			goto out;
		}
		n = (size_t)m;
	}
	start = lines && n > (size_t)lines ? n - (size_t)lines : 0;
	if (n > start && section)
		printf("--- %s ---\n", section);
	for (i = start; i < n; i++) {
		size_t len;
		const char *s = strtab__str(&tab, ids[i].text, &len);

		fwrite(s, 1, len, stdout);
		putchar('\n');
	}
	if (usage__flush_stdout())
		code = KT_EXIT_ENV;
out:
	free(ids);
	free(log);
	strbuf__free(&sb);
	strtab__free(&tab);
	return code;
}
