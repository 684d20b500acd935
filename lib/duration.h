/* SPDX-License-Identifier: GPL-2.0 */
/* Durations as scenarios write them: "8s", "500ms", "1.5s", "2m". */
#ifndef KTSTR_DURATION_H
#define KTSTR_DURATION_H

#include <stdbool.h>

/* The longest a scenario may hold or wait: a typo must not ask for a week. */
#define DURATION_MAX_MS (3600L * 1000)

/* Into milliseconds (at most 10 * DURATION_MAX_MS). Returns 0 or -EINVAL. */
int duration__parse(const char *s, long *ms);
/* Whether s..end is a plain decimal like 8, 0.5, 1.5 (no sign, hex, exponent, inf or nan). */
bool duration__plain_decimal(const char *s, const char *end);

#endif
