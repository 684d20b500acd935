// SPDX-License-Identifier: GPL-2.0
/*
 * Cycle collapsing: a verifier loop or a warning repeated for minutes turns
 * the last 40 lines of a log into 40 copies of the same few. For every
 * period p up to COLLAPSE_MAX_PERIOD one right-to-left sweep counts how far
 * line i keeps matching line i+p; the first period reaching two full
 * periods of matches (three iterations) at i wins. That is O(n * P) per
 * pass, and passes repeat only while the nesting goes deeper.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tail.h"

static long marker(struct strtab *t, size_t omitted)
{
	char buf[96];
	int n = snprintf(buf, sizeof(buf), "--- %zu identical iterations omitted ---", omitted);

	return strtab__intern(t, buf, (size_t)n);
}

/* One pass from in to out (which may not alias). -1 when nothing repeats. */
static long pass(struct strtab *t, const struct centry *in, size_t n, struct centry *out,
		 uint16_t *best)
{
	size_t maxp = n / 3, p, i, k, o = 0, reps;
	bool changed = false;
	long m;

	if (maxp > COLLAPSE_MAX_PERIOD)
		maxp = COLLAPSE_MAX_PERIOD;
	memset(best, 0, n * sizeof(*best));
	for (p = 1; p <= maxp; p++) {
		size_t run = 0, j;

		for (j = n - p; j-- > 0;) {
			run = in[j].key == in[j + p].key ? run + 1 : 0;
			if (run >= 2 * p && !best[j])
				best[j] = (uint16_t)p;
		}
	}
	for (i = 0; i < n;) {
		p = best[i];
		if (!p) {
			out[o++] = in[i++];
			continue;
		}
		for (k = i; k + p < n && in[k].key == in[k + p].key; k++)
			;
		reps = (k - i) / p + 1;
		m = marker(t, reps - 2);
		if (m < 0)
			return m;
		memmove(out + o, in + i, p * sizeof(*out));
		o += p;
		out[o].key = out[o].text = (uint32_t)m;
		o++;
		memmove(out + o, in + i + (reps - 1) * p, p * sizeof(*out));
		o += p;
		i += reps * p;
		changed = true;
	}
	return changed ? (long)o : -1;
}

long collapse__run(struct strtab *t, struct centry *ids, size_t n)
{
	struct centry *tmp;
	uint16_t *best;
	long m = 0;
	int depth;

	if (n < 3)
		return (long)n;
	/* A pass never grows the log: 3 iterations of p lines become 2p + 1. */
	tmp = malloc(n * sizeof(*tmp));
	best = malloc(n * sizeof(*best));
	if (!tmp || !best) {
		free(tmp);
		free(best);
		return -ENOMEM;
	}
	for (depth = 0; depth < COLLAPSE_MAX_DEPTH; depth++) {
		m = pass(t, ids, n, tmp, best);
		if (m == -1)
			break;
		if (m < 0)
			break;	/* -ENOMEM */
		memcpy(ids, tmp, (size_t)m * sizeof(*ids));
		n = (size_t)m;
	}
	free(tmp);
	free(best);
	return m < -1 ? m : (long)n;
}
