// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strtab.h"

/* FNV-1a: the strings are short (symbols, log lines) and hashed once each. */
static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int rehash(struct strtab *t, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	size_t i, h;

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < t->n; i++) {
		h = hash(t->arena.buf + t->off[i], t->len[i]) & (nslots - 1);
		while (slots[h])
			h = (h + 1) & (nslots - 1);
		slots[h] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return 0;
}

/* The slot holding s[0..n), or the free slot where it would go. */
static size_t probe(const struct strtab *t, const char *s, size_t n)
{
	size_t h = hash(s, n) & (t->nslots - 1);
	uint32_t id;

	for (; t->slots[h]; h = (h + 1) & (t->nslots - 1)) {
		id = t->slots[h] - 1;
		if (t->len[id] == n && !memcmp(t->arena.buf + t->off[id], s, n))
			break;
	}
	return h;
}

long strtab__find(const struct strtab *t, const char *s, size_t n)
{
	size_t h;

	if (!t->nslots)
		return -ENOENT;
	h = probe(t, s, n);
	return t->slots[h] ? (long)t->slots[h] - 1 : -ENOENT;
}

long strtab__intern(struct strtab *t, const char *s, size_t n)
{
	size_t h;

	/* At most half full, so probe sequences stay short and end. */
	if (2 * (t->n + 1) > t->nslots && rehash(t, t->nslots ? 2 * t->nslots : 64))
		return -ENOMEM;
	h = probe(t, s, n);
	if (t->slots[h])
		return (long)t->slots[h] - 1;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;
		size_t *v = realloc(t->off, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->off = v;
		v = realloc(t->len, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->len = v;
		t->cap = cap;
	}
	t->off[t->n] = t->arena.len;
	t->len[t->n] = n;
	/* NUL-terminated in the arena so a string can be printed as is. */
	if (strbuf__add(&t->arena, s, n) || strbuf__add(&t->arena, "", 1))
		return -ENOMEM;
	t->slots[h] = (uint32_t)t->n + 1;
	return (long)t->n++;
}

const char *strtab__str(const struct strtab *t, uint32_t id, size_t *len)
{
	if (len)
		*len = t->len[id];
	return t->arena.buf + t->off[id];
}

void strtab__free(struct strtab *t)
{
	strbuf__free(&t->arena);
	free(t->off);
	free(t->len);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
