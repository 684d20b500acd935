// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"

int cpulist__parse(const char *s, size_t len, uint64_t *mask)
{
	char buf[256], *p = buf, *end;

	*mask = 0;
	if (len == 1 && *s == '-')
		return 0;
	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
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
		if (a > b || b > 63)
			return -EINVAL;
		for (; a <= b; a++)
			*mask |= 1ULL << a;
		if (!*p)
			return 0;
		if (*p++ != ',')
			return -EINVAL;
	}
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
