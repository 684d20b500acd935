// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"

/* Each range a-b of the list s to fn, in order; the first error stops the walk. */
static int each_range(const char *s, int (*fn)(long a, long b, void *ctx), void *ctx)
{
	const char *p = s;
	char *end;
	int err;

	for (;;) {
		long a, b;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		a = b = strtol(p, &end, 10);
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			b = strtol(p, &end, 10);
			p = end;
		}
		err = fn(a, b, ctx);
		if (err)
			return err;
		if (!*p)
			return 0;
		if (*p++ != ',')
			return -EINVAL;
	}
}

static int add_range(long a, long b, void *ctx)
{
	uint64_t *mask = ctx;

	if (a > b || b > 63)
		return -EINVAL;
	for (; a <= b; a++)
		*mask |= 1ULL << a;
	return 0;
}

int cpulist__parse(const char *s, size_t len, uint64_t *mask)
{
	char buf[256];

	*mask = 0;
	if (len == 1 && *s == '-')
		return 0;
	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return each_range(buf, add_range, mask);
}

static int check_range(long a, long b, void *ctx)
{
	if (a > b)	/* "3-1": not a list the kernel takes, whatever the topology */
		return -EINVAL;
	return b >= *(const int *)ctx ? -ERANGE : 0;
}

int cpulist__check(const char *s, int ncpus)
{
	return each_range(s, check_range, &ncpus);
}

void cpulist__format(uint64_t mask, char *buf, size_t len)
{
	size_t n = 0;
	int c = 0, e;

	if (len)
		buf[0] = '\0';
	while (c < 64) {
		if (!(mask & (1ULL << c))) {
			c++;
			continue;
		}
		for (e = c; e < 63 && (mask & (1ULL << (e + 1))); e++)
			;
		if (n < len)
			n += snprintf(buf + n, len - n, "%s%d", n ? "," : "", c);
		if (e > c && n < len)
			n += snprintf(buf + n, len - n, "-%d", e);
		c = e + 1;
	}
}
