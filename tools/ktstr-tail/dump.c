// SPDX-License-Identifier: GPL-2.0
/*
 * Telling the sched_ext debug dump (scx_dump_state()) from the rest of a
 * log. It comes in two shapes: trace_pipe events of the sched_ext_dump
 * tracepoint ("... 6.026504: sched_ext_dump: <text>"), and plain blocks as
 * a scheduler prints ei->dump: "<sched>: root", "comm[pid] triggered exit
 * kind N[ on CPU N]:" (or "Debug dump triggered by ..."), ..., "Event
 * counters", "--------------", "  SCX_EV_...:  N" lines; a truncated dump
 * ends with "~~~~ TRUNCATED ~~~~".
 */
#include <ctype.h>
#include <string.h>

#include "scx.h"
#include "tail.h"

enum { OUT, IN, COUNTERS };

#define TRACE_TAG " " SCX_DUMP_TP ": "

size_t dump__stamp_len(const char *s, size_t n)
{
	size_t i;
	bool digit = false;

	if (n < 3 || s[0] != '[')
		return 0;
	for (i = 1; i < n && (s[i] == ' ' || isdigit((unsigned char)s[i]) || s[i] == '.'); i++)
		digit |= isdigit((unsigned char)s[i]) != 0;
	if (!digit || i >= n || s[i] != ']')
		return 0;
	i++;
	if (i < n && s[i] == ' ')
		i++;
	return i;
}

/* Skip a printk time stamp "[    6.069472] ". */
static const char *unstamp(const char *s, size_t *n)
{
	size_t i = dump__stamp_len(s, *n);

	*n -= i;
	return s + i;
}

static const char *find(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle));
}

/* "comm[pid] triggered exit kind N:" or "... on CPU N:", or a debug dump. */
static bool is_start(const char *s, size_t n)
{
	const char *k = find(s, n, "] triggered exit kind ");

	if (n >= 24 && !strncmp(s, "Debug dump triggered by ", 24))
		return true;
	return k && memchr(s, '[', k - s) && n && s[n - 1] == ':';
}

/* "ktstr: root" or "ktstr: sub1-42 /path": the line before the dump start. */
static bool is_sched_header(const char *s, size_t n)
{
	const char *c = memchr(s, ':', n);

	if (!c || c == s || memchr(s, ' ', c - s))
		return false;
	n -= c - s;
	return (n == 6 && !strncmp(c, ": root", 6)) || (n > 6 && !strncmp(c, ": sub", 5));
}

/* "   SCX_EV_BYPASS_DURATION:    46916484" */
static bool is_counter(const char *s, size_t n)
{
	size_t i = 0, start;

	while (i < n && s[i] == ' ')
		i++;
	start = i;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	if (i == start || i >= n || s[i] != ':')
		return false;
	i++;
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && s[i] == '-')
		i++;
	start = i;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	return i > start && i == n;
}

/* A rule of dashes; by length, as the line need not end in a NUL. */
static bool all_dashes(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] == '-'; i++)
		;
	return n && i == n;
}

enum dump_class dump__classify(struct dump_scan *s, const char *line, size_t len, size_t *skip,
			       bool *prev_too)
{
	const char *t = find(line, len, TRACE_TAG);
	bool header;
	size_t n = len;
	const char *p;

	*prev_too = false;
	*skip = 0;
	if (t) {
		*skip = t - line + strlen(TRACE_TAG);
		return LINE_DUMP_TRACE;
	}
	p = unstamp(line, &n);
	switch (s->state) {
	case IN:
		if (n == 14 && !strncmp(p, "Event counters", 14))
			s->state = COUNTERS;
		else if (find(p, n, "~~~~ TRUNCATED ~~~~"))
			s->state = OUT;
		return LINE_DUMP;
	case COUNTERS:
		if (is_counter(p, n) || all_dashes(p, n))
			return LINE_DUMP;
		s->state = OUT;
		break;
	default:
		break;
	}
	header = is_sched_header(p, n);
	if (is_start(p, n)) {
		*prev_too = s->prev_header;
		s->prev_header = false;
		s->state = IN;
		return LINE_DUMP;
	}
	s->prev_header = header;
	return LINE_OTHER;
}
