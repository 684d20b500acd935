// SPDX-License-Identifier: GPL-2.0
/*
 * The scanner: one pass over crash text, sorting every frame line by the
 * block it belongs to. The blocks, as the 7.x kernel prints them:
 *
 *   sched_ext exit dump (ops.exit's ei->dump, or sched_ext_dump trace lines)
 *     "Backtrace:" then "  frame" lines      -> TIER_EXIT
 *     "CPU states" ... "Event counters"      -> other tasks' stacks: dropped
 *   kernel console
 *     'sched_ext: BPF scheduler "X" disabled (reason)', a message line or
 *     two, then the stack_trace_print() frames      -> TIER_EXIT
 *     "Call Trace:" then frames, <TASK>-style markers and, across an
 *     exception, register lines                     -> TIER_CALL
 *   anything else that is a frame                   -> TIER_LOOSE
 *
 * A block belongs to the writer of its header line (enum frame_chan): while
 * it lasts, lines of another writer (user space on the console between two
 * printk lines, another trace event) neither end it nor join it.
 */
#include <errno.h>
#include <string.h>

#include "stackx.h"
#include "text.h"

enum state {
	ST_NONE,
	ST_BACKTRACE,	/* after "Backtrace:" */
	ST_CALLTRACE,	/* after "Call Trace:" */
	ST_CPUS,	/* after "CPU states", until "Event counters" */
	ST_DISABLED,	/* after the console's "disabled (" line, before frames */
	ST_CONSOLE_BT,	/* in the console's exit backtrace */
};

/* Lines allowed between the "disabled (" line and its first frame. */
#define DISABLED_GAP 4
/* Frame lines are short; a longer line is prose and only its start is kept. */
#define LINE_MAX_KEEP 4096

struct scan {
	enum state st;
	enum frame_chan chan;	/* the writer of the current block */
	int gap;
	struct fnlist *tiers;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool eq(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n == l && !memcmp(s, lit, l);
}

static bool starts(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && !memcmp(s, lit, l);
}

/* "<TASK>", "</IRQ>", "<NMI>", "<#DF>": stack switch markers in a Call Trace. */
static bool is_marker(const char *s, size_t n)
{
	return n >= 3 && s[0] == '<' && s[n - 1] == '>';
}

/*
 * "RIP: 0010:...", "RSP: ...", "R10: ...", "FS: ...", "Code: ...": the
 * registers printed inside a Call Trace where it crosses an exception.
 */
static bool is_register_line(const char *s, size_t n)
{
	size_t i;

	if (n < 3 || s[0] < 'A' || s[0] > 'Z')
		return false;
	for (i = 1; i < n && i <= 4; i++) {
		if (s[i] == ':')
			return i >= 2;
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	}
	return false;
}

/* 'sched_ext: BPF scheduler "X" disabled (reason)' (also "sub-scheduler"). */
static bool is_disabled_line(const char *s, size_t n)
{
	static const char mid[] = "\" disabled (";

	return starts(s, n, "sched_ext: BPF ") && memmem(s, n, mid, sizeof(mid) - 1);
}

/* Frames of a tier below one that already holds a function can never be printed. */
static int add(struct scan *sc, enum tier t, const struct frame *f)
{
	int u;

	for (u = 0; u < (int)t; u++)
		if (sc->tiers[u].kept)
			return 0;
	return fnlist__add(&sc->tiers[t], f);
}

static int on_frame(struct scan *sc, const struct frame *f, enum frame_chan chan)
{
	/* Another writer's frame is not part of the block. */
	if (chan != sc->chan && sc->st != ST_NONE)
		return add(sc, TIER_LOOSE, f);
	switch (sc->st) {
	case ST_DISABLED:
		sc->st = ST_CONSOLE_BT;
		/* fall through */
	case ST_BACKTRACE:
	case ST_CONSOLE_BT:
		return add(sc, TIER_EXIT, f);
	case ST_CALLTRACE:
		return add(sc, TIER_CALL, f);
	case ST_CPUS:
		return 0;
	case ST_NONE:
		break;
	}
	return add(sc, TIER_LOOSE, f);
}

/* A line that is not a frame: a header switches blocks, others may end one. */
static void on_text(struct scan *sc, const char *s, size_t n, bool truncated,
		    enum frame_chan chan)
{
	enum state st = ST_NONE;

	while (n && is_blank(*s))
		s++, n--;
	while (n && is_blank(s[n - 1]))
		n--;
	if (!truncated) {
		if (eq(s, n, "Backtrace:"))
			st = ST_BACKTRACE;
		else if (eq(s, n, "Call Trace:"))
			st = ST_CALLTRACE;
		else if (eq(s, n, "CPU states"))
			st = ST_CPUS;
		else if (is_disabled_line(s, n))
			st = ST_DISABLED;
		if (st != ST_NONE) {
			sc->st = st;
			sc->chan = chan;
			sc->gap = 0;
			return;
		}
	}
	/* Another writer's line, in the middle of a block: not ours to end it. */
	if (chan != sc->chan)
		return;
	switch (sc->st) {
	case ST_BACKTRACE:
	case ST_CONSOLE_BT:
		sc->st = ST_NONE;
		break;
	case ST_CALLTRACE:
		if (!truncated && (is_marker(s, n) || is_register_line(s, n)))
			break;
		sc->st = ST_NONE;
		break;
	case ST_CPUS:
		if (!truncated && eq(s, n, "Event counters"))
			sc->st = ST_NONE;
		break;
	case ST_DISABLED:
		if (++sc->gap > DISABLED_GAP)
			sc->st = ST_NONE;
		break;
	case ST_NONE:
		break;
	}
}

int scan__file(const char *path, struct fnlist tiers[TIER_N])
{
	struct scan sc = { .st = ST_NONE, .tiers = tiers };
	struct linereader r;
	enum frame_chan chan;
	struct frame f;
	const char *msg;
	size_t n;
	int err;

	err = linereader__open(&r, path, LINE_MAX_KEEP);
	if (err)
		return err;
	while ((err = linereader__next(&r)) > 0) {
		msg = frame__message(r.line, r.len, &n, &chan);
		if (!r.truncated && frame__parse(msg, n, &f)) {
			err = on_frame(&sc, &f, chan);
			if (err)
				break;
		} else {
			on_text(&sc, msg, n, r.truncated, chan);
		}
	}
	linereader__close(&r);
	return err;
}
