// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <math.h>	/* isfinite (a macro: no libm) */
#include <stdlib.h>
#include <string.h>

#include "duration.h"

/*
 * Only plain decimals like 8, 0.5, 1.5: strtod alone would also take hex
 * (0x10), exponents, inf and nan, none of which a scenario means.
 */
bool duration__plain_decimal(const char *s, const char *end)
{
	return end > s && strspn(s, "0123456789.") == (size_t)(end - s);
}

int duration__parse(const char *s, long *ms)
{
	char *end;
	double v, mult;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || !duration__plain_decimal(s, end) || !isfinite(v) || v < 0)
		return -EINVAL;
	if (!strcmp(end, "ms"))
		mult = 1;
	else if (!strcmp(end, "s"))
		mult = 1000;
	else if (!strcmp(end, "m"))
		mult = 60000;
	else
		return -EINVAL;
	v *= mult;
	if (v > (double)DURATION_MAX_MS * 10)
		return -EINVAL;
	*ms = (long)(v + 0.5);	/* v >= 0: no libm needed */
	return 0;
}
