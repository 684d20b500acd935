// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>

#include "topology.h"

int topology__parse(const char *s, struct topology *t)
{
	static const char units[4] = { 'n', 'l', 'c', 't' };
	int *vals[4] = { &t->nodes, &t->llcs, &t->cores, &t->threads };
	const char *p = s;
	int i;

	for (i = 0; i < 4; i++) {
		long v = 0;

		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		while (isdigit((unsigned char)*p)) {
			v = v * 10 + (*p++ - '0');
			if (v > 1024)
				return -EINVAL;
		}
		if (*p++ != units[i] || v < 1)
			return -EINVAL;
		*vals[i] = (int)v;
	}
	return *p ? -EINVAL : 0;
}

int topology__cpus(const struct topology *t)
{
	return t->llcs * t->cores * t->threads;
}

void topology__format(const struct topology *t, char *buf, size_t len)
{
	snprintf(buf, len, "%dn%dl%dc%dt", t->nodes, t->llcs, t->cores, t->threads);
}
