/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel stack frames in untrusted crash text: console prefixes, one frame
 * line (`? func+0x1a/0x40 [module]`), BPF program symbols and the table of
 * generic functions that say nothing about a scheduler crash.
 */
#ifndef KTSTR_FRAME_H
#define KTSTR_FRAME_H

#include <stdbool.h>
#include <stddef.h>

/* Kernel symbols are at most KSYM_NAME_LEN - 1 bytes long. */
#define FRAME_SYM_MAX 511

struct frame {
	const char *sym;	/* the symbol, inside the parsed line */
	size_t sym_len;
	const char *name;	/* short name: the program of a BPF symbol, else sym */
	size_t name_len;
	bool bpf;		/* sym is bpf_prog_<16 hex>_<name> */
	bool unreliable;	/* "? " marker */
};

/* Who wrote a line, as far as its prefix tells. */
enum frame_chan {
	FRAME_CHAN_PLAIN,	/* no known prefix: a log, or user space on the console */
	FRAME_CHAN_KERNEL,	/* a printk line with its "[   12.345678]" timestamp */
	FRAME_CHAN_DUMP,	/* a sched_ext_dump trace event */
};

/*
 * The message of one line of console or trace text: drops a "<N>" syslog
 * level, a "[   12.345678]" timestamp with an optional "[    T1]" caller id,
 * and everything up to and including "sched_ext_dump:" (trace_pipe lines and
 * tp_btf consumers). Leading blanks of the message are kept. *chan (may be
 * NULL) tells which prefix was found.
 */
const char *frame__message(const char *s, size_t n, size_t *out_n, enum frame_chan *chan);

/*
 * s[0..n) is one frame: optional blanks, an optional "[<address>]", an
 * optional "? ", then SYMBOL+0xOFF/0xLEN, an optional "[module]" and nothing
 * else but blanks. SYMBOL is [A-Za-z_][A-Za-z0-9_.]*, at most FRAME_SYM_MAX
 * bytes, so a parsed symbol is always safe to print. Fills *f and returns
 * true when s is a frame.
 */
bool frame__parse(const char *s, size_t n, struct frame *f);

/*
 * bpf_prog_<16 hex digits>_<name> is a BPF program: sets *name to <name>.
 * A bare bpf_prog_<16 hex> (a program without a name) keeps the whole symbol.
 */
bool frame__bpf_name(const char *sym, size_t n, const char **name, size_t *name_len);

/* One row of the generic-function table. */
struct frame_generic {
	const char *pattern;	/* exact name, "prefix*", or "*infix*" */
	const char *category;
};

/*
 * The category of a generic function (see the table in frame.c and
 * ktstr-stackx(1)), or NULL when name is worth probing. Compiler suffixes
 * (".constprop.0", ".cold", ".isra.0") are ignored.
 */
const char *frame__generic(const char *name, size_t n);

/* The table itself, NULL-terminated, for --help style listings. */
extern const struct frame_generic frame__generic_table[];

#endif
