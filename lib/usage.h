/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of every ktstr tool: its name, exit codes, --help and
 * --version, usage errors and option values. Messages: lib/log.h.
 */
#ifndef KTSTR_USAGE_H
#define KTSTR_USAGE_H

#include <stdarg.h>
#include <stdnoreturn.h>

/* Documented in every man page (EXIT STATUS). */
enum ktstr_exit {
	KT_EXIT_OK = 0,		/* success */
	KT_EXIT_FAIL = 1,	/* the thing tested failed */
	KT_EXIT_USAGE = 2,	/* usage error or bad input */
	KT_EXIT_ENV = 3,	/* environment missing: kernel, qemu, tracepoint */
};

/* Name used as the prefix of every message (lib/log.h); set once from argv[0]. */
void usage__set_prog(const char *argv0);
const char *usage__prog(void);

/* Print "prog VERSION" and exit 0. */
noreturn void usage__version(void);
/* Print text to stdout and exit 0 (--help) */
noreturn void usage__help(const char *text);
/* Print "prog: msg" and "Try 'prog --help'." and exit 2. */
noreturn void usage__bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * After getopt_long() returned ':' (missing argument) or '?' (unknown option),
 * with opterr = 0 and an optstring starting with ':': "prog: option '-x'
 * needs WHAT" or "prog: unknown option '--foo'", then exit 2 as usage__bad().
 */
noreturn void usage__bad_option(int c, char *const argv[], const char *what);

/*
 * The whole of arg as a decimal number within [lo, hi] (an option's value):
 * 0, or -EINVAL when it is empty, not a number, followed by anything else,
 * or out of range. The caller says what was wanted (usage__bad()).
 */
int usage__parse_long(const char *arg, long lo, long hi, long *out);

/*
 * The one table from a negative errno to an exit status (README, each man
 * page's EXIT STATUS), for errors about the inputs a user names: missing,
 * not a file, unreadable or malformed is KT_EXIT_USAGE; anything else (out
 * of memory, I/O, permissions for BPF, a missing kernel feature) is
 * KT_EXIT_ENV. A missing kernel, QEMU or tracepoint is KT_EXIT_ENV whatever
 * its errno: callers say so themselves.
 */
int usage__exit_code(int err);

/*
 * Output that cannot be written (a full disk): "prog: PATH: strerror" (path
 * NULL or "-": "standard output"), and KT_EXIT_ENV to exit with.
 */
int usage__output_error(const char *path, int err);
/* Flush stdout: 0, or the message above and KT_EXIT_ENV. */
int usage__flush_stdout(void);

#endif
