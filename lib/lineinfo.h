/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The source line to show for a BPF function, from its line_info records:
 * one rule for ktstr-btfres (an object's .BTF.ext) and the probe agent (the
 * line_info the kernel keeps of a loaded program).
 *
 * Feed the lines of the function's records, in instruction order, that are
 * in the file of its first record. A BPF_PROG()/BPF_STRUCT_OPS() callback
 * is a wrapper: its argument loads at the start and its return at the end
 * are attributed to the macro's line, the declaration. Without arguments the
 * first record is a statement and only the last one is the declaration, a
 * few lines above. Lines lower than the first one are otherwise those of
 * helpers inlined from above the function (scx's stat_inc()), the last record
 * included (a tail merged into an inlined helper's return). So: the first
 * line, or the last one when it is at most LINEINFO_NEAR lines above it.
 * Measured on the kernel's example schedulers and scx-ktstr
 * (tests/ktstr-btfres/kernel-tree.t, bpf-real.t): the last record is 2 to 9
 * lines above a first statement, 40 and more lines above for an inlined tail.
 */
#ifndef KTSTR_LINEINFO_H
#define KTSTR_LINEINFO_H

#define LINEINFO_NEAR 12

struct lineinfo {
	unsigned int first, last;	/* 0: none yet */
};

static inline void lineinfo__add(struct lineinfo *li, unsigned int line)
{
	if (!line)
		return;
	if (!li->first)
		li->first = line;
	li->last = line;
}

static inline unsigned int lineinfo__line(const struct lineinfo *li)
{
	return li->last < li->first && li->last + LINEINFO_NEAR >= li->first ? li->last : li->first;
}

#endif
