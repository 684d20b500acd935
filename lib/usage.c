// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "usage.h"

static const char *prog = "ktstr";

void usage__set_prog(const char *argv0)
{
	const char *slash;

	if (!argv0 || !*argv0)
		return;
	slash = strrchr(argv0, '/');
	prog = slash ? slash + 1 : argv0;
}

const char *usage__prog(void)
{
	return prog;
}

void usage__version(void)
{
	printf("%s %s\n", prog, KTSTR_VERSION);
	exit(KT_EXIT_OK);
}

void usage__help(const char *text)
{
	fputs(text, stdout);
	exit(KT_EXIT_OK);
}

void usage__bad(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log__vmsg(LOG_ERROR, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	exit(KT_EXIT_USAGE);
}

void usage__bad_option(int c, char *const argv[], const char *what)
{
	/* optind is past the offending word; optopt is set for short options. */
	if (c == ':')
		usage__bad("option '%s' needs %s", argv[optind - 1], what);
	if (optopt)
		usage__bad("unknown option '-%c'", optopt);
	usage__bad("unknown option '%s'", argv[optind - 1]);
}

int usage__parse_long(const char *arg, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int usage__exit_code(int err)
{
	switch (-err) {
	case 0:
		return KT_EXIT_OK;
	/* The input named is not there, not a file, or not readable by us. */
	case ENOENT:
	case ENOTDIR:
	case EISDIR:
	case ELOOP:
	case ENAMETOOLONG:
	case EACCES:
	/* It is there, but what it says is wrong or too big to be right. */
	case EINVAL:
	case EBADMSG:
	case EILSEQ:
	case ERANGE:
	case EOVERFLOW:
	case E2BIG:
	case ENOEXEC:
		return KT_EXIT_USAGE;
	/*
	 * Everything else is the machine's: out of memory, a full disk or an
	 * I/O error on output, no permission for BPF, a kernel feature missing.
	 */
	default:
		return KT_EXIT_ENV;
	}
}

int usage__output_error(const char *path, int err)
{
	error("%s: %s", path && strcmp(path, "-") ? path : "standard output", strerror(err < 0 ? -err : err));
	return KT_EXIT_ENV;
}

int usage__flush_stdout(void)
{
	/* fflush reports a full disk only once the buffer is written; fclose's errno is the one. */
	if (fflush(stdout) || ferror(stdout))
		return usage__output_error(NULL, errno ? -errno : -EIO);
	return 0;
}
