// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "usage.h"

static enum log_level max_level = LOG_NOTE;
static int use_colour;

static enum log_level level_of(int verbose)
{
	return verbose >= 2 ? LOG_DEBUG : verbose == 1 ? LOG_INFO : LOG_NOTE;
}

void log__init(int verbose)
{
	const char *nc = getenv("NO_COLOR");
	int tty = isatty(STDERR_FILENO);

	/* See https://no-color.org: any non-empty value disables colour. */
	use_colour = tty && !(nc && *nc) && getenv("TERM") && *getenv("TERM");
	max_level = level_of(verbose);
	if (tty && max_level < LOG_INFO)
		max_level = LOG_INFO;
}

void log__init_plain(int verbose)
{
	use_colour = 0;
	max_level = level_of(verbose);
}

int log__enabled(enum log_level lvl)
{
	return lvl <= max_level;
}

void log__vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	static const char *const colour[] = { "\033[1;31m", "\033[33m", "\033[33m", "\033[36m", "\033[2m" };
	static const char *const tag[] = { "", "warning: ", "note: ", "", "debug: " };
	char buf[4096];

	if (lvl > max_level)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (use_colour)
		fprintf(stderr, "%s%s: %s%s\033[0m\n", colour[lvl], usage__prog(), tag[lvl], buf);
	else
		fprintf(stderr, "%s: %s%s\n", usage__prog(), tag[lvl], buf);
}

void log__msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log__vmsg(lvl, fmt, ap);
	va_end(ap);
}

void error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log__vmsg(LOG_ERROR, fmt, ap);
	va_end(ap);
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log__vmsg(LOG_WARN, fmt, ap);
	va_end(ap);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log__vmsg(LOG_ERROR, fmt, ap);
	va_end(ap);
	exit(code);
}
