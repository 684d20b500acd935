// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "usage.h"

static enum log_level max_level = LOG_WARN;
static int use_colour;

void log__init(int verbose)
{
	const char *nc = getenv("NO_COLOR");
	int tty = isatty(STDERR_FILENO);

	/* See https://no-color.org: any non-empty value disables colour. */
	use_colour = tty && !(nc && *nc) && getenv("TERM") && *getenv("TERM");
	if (verbose >= 2)
		max_level = LOG_DEBUG;
	else if (verbose == 1 || tty)
		max_level = LOG_INFO;
	else
		max_level = LOG_WARN;
}

int log__enabled(enum log_level lvl)
{
	return lvl <= max_level;
}

void log__msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const colour[] = { "\033[1;31m", "\033[33m", "\033[36m", "\033[2m" };
	static const char *const tag[] = { "error: ", "warning: ", "", "debug: " };
	char buf[4096];
	va_list ap;

	if (lvl > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (use_colour)
		fprintf(stderr, "%s%s: %s%s\033[0m\n", colour[lvl], usage__prog(), tag[lvl], buf);
	else
		fprintf(stderr, "%s: %s%s\n", usage__prog(), tag[lvl], buf);
}
