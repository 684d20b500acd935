/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interned strings: each distinct byte string is stored once in an arena and
 * named by a dense id (0, 1, 2... in first-seen order), so callers can keep
 * per-string data in a plain array indexed by that id.
 */
#ifndef KTSTR_STRTAB_H
#define KTSTR_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "text.h"

struct strtab {
	struct strbuf arena;	/* every string, each followed by a NUL */
	size_t *off, *len;	/* by id */
	size_t n, cap;
	uint32_t *slots;	/* open addressing: id + 1, 0 = free */
	size_t nslots;
};

/* The id of s[0..n), added on first sight; -ENOMEM on failure. */
long strtab__intern(struct strtab *t, const char *s, size_t n);
/* The id of s[0..n), or -ENOENT when it was never interned. */
long strtab__find(const struct strtab *t, const char *s, size_t n);
/* The NUL-terminated string of id (len, if not NULL, gets its length). The
 * pointer is valid until the next strtab__intern. */
const char *strtab__str(const struct strtab *t, uint32_t id, size_t *len);
void strtab__free(struct strtab *t);

#endif
