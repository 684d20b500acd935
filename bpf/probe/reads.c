// SPDX-License-Identifier: GPL-2.0
/*
 * A target's fields coalesced into reads (struct probe_read, lib/probe_abi.h).
 * Under TCG a bpf_probe_read_kernel costs about 60 ns and 0.3 ns a byte
 * (in the guest, hot), so the fields of one argument behind the same
 * pointer hop, or none, are read at once when the gap between them is at
 * most READ_GAP bytes and the read stays within READ_SPAN. A gap's bytes
 * are copied twice, by the probe and into the agent's flight recorder,
 * hence a gap well short of the 200 bytes a read costs. On the demo's
 * probes (issue 11) the reads of a record took a quarter less time than
 * one read per field; reads of up to 256 bytes and any gap were no faster.
 * The fields' bytes are laid out again, read after read: a field's out is
 * where its read puts it, all the stream needs to print it (stream.c).
 */
#include <stdlib.h>
#include <string.h>

#include "agent.h"

#define READ_GAP 96
#define READ_SPAN 128
_Static_assert(READ_SPAN <= PROBE_FIELD_MAX, "a read larger than a record's slack");

/* A field's bytes: from the struct, or behind a hop from the pointer. */
struct member {
	long lo, hi;
	int field;
};

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (x->hi > y->hi) - (x->hi < y->hi);
}

/* Whether fields a and b are read from the same place: the same argument and hop, neither a string. */
static bool same_base(const struct field *a, const struct field *b)
{
	return a->arg == b->arg && (a->deref < 0) == (b->deref < 0) && (a->deref < 0 || a->offset == b->offset) &&
	       !a->str && !b->str;
}

/*
 * The fields of field i's place, sorted, into reads at r[]: one joins the
 * read before it if it starts at most READ_GAP past its end and the read
 * stays within READ_SPAN bytes. Returns the number of reads.
 */
static int reads_of(const struct target *t, int i, struct read *r)
{
	const struct field *f = &t->f[i];
	struct member m[PROBE_MAX_FIELDS];
	int k, n = 0, nr = 0;
	long lo = 0, hi = 0;

	for (k = i; k < t->nfields; k++)
		if (same_base(&t->f[k], f)) {
			long at = f->deref < 0 ? t->f[k].offset : t->f[k].deref;

			m[n++] = (struct member){ at, at + t->f[k].size, k };
		}
	qsort(m, n, sizeof(*m), member_cmp);
	for (k = 0; k < n; k++) {
		long end = m[k].hi > hi ? m[k].hi : hi;

		if (nr && m[k].lo <= hi + READ_GAP && end - lo <= READ_SPAN) {
			hi = end;
			r[nr - 1].fields |= 1u << m[k].field;
			r[nr - 1].size = hi - lo;
			continue;
		}
		lo = m[k].lo;
		hi = m[k].hi;
		r[nr++] = (struct read){ .arg = f->arg, .size = hi - lo, .offset = f->deref < 0 ? lo : f->offset,
					 .deref = f->deref < 0 ? -1 : lo, .fields = 1u << m[k].field };
	}
	return nr;
}

/* Each field a read of its own, where the plan put it: for a plan whose reads would not fit. */
static void one_by_one(struct target *t)
{
	int i;

	for (i = 0; i < t->nfields; i++) {
		const struct field *f = &t->f[i];

		t->r[i] = (struct read){ .arg = f->arg, .size = f->size, .out = f->out, .offset = f->offset,
					 .deref = f->deref, .str = f->str, .fields = 1u << i };
	}
	t->nreads = t->nfields;
}

void probe_reads__plan(struct target *t)
{
	struct read r[PROBE_MAX_FIELDS];
	int i, k, n = 0, out = 0;

	for (i = 0; i < t->nfields; i++) {
		const struct field *f = &t->f[i];

		if (f->str)
			r[n++] = (struct read){ .arg = f->arg, .size = f->size, .offset = f->offset, .deref = f->deref,
						.str = true, .fields = 1u << i };
		else {
			/* Gathered with the first field of its place. */
			for (k = 0; k < i && !same_base(&t->f[k], f); k++)
				;
			if (k == i)
				n += reads_of(t, i, r + n);
		}
	}
	for (i = 0; i < n; i++) {
		r[i].out = out;
		out += r[i].size;
	}
	/* Gaps take room: past PROBE_DATA_MAX, the plan's own layout, which fits. */
	if (out > PROBE_DATA_MAX) {
		one_by_one(t);
		return;
	}
	for (i = 0; i < n; i++) {
		long lo = r[i].deref < 0 ? r[i].offset : r[i].deref;

		r[i].split = (r[i].fields & (r[i].fields - 1)) || r[i].size != t->f[__builtin_ctz(r[i].fields)].size;
		for (k = 0; k < t->nfields; k++)
			if (r[i].fields & (1u << k))
				t->f[k].out = r[i].out + (r[i].deref < 0 ? t->f[k].offset : t->f[k].deref) - lo;
	}
	memcpy(t->r, r, n * sizeof(*r));
	t->nreads = n;
	t->data_len = out;
}
