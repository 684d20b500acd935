// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tail.h"

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int rehash(struct linetab *t, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	size_t i;

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < t->n; i++) {
		size_t h = hash(t->arena.buf + t->off[i], t->len[i]) & (nslots - 1);

		while (slots[h])
			h = (h + 1) & (nslots - 1);
		slots[h] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return 0;
}

long linetab__intern(struct linetab *t, const char *s, size_t n)
{
	size_t h;

	if (t->n * 2 >= t->nslots && rehash(t, t->nslots ? t->nslots * 2 : 1024))
		return -ENOMEM;
	h = hash(s, n) & (t->nslots - 1);
	while (t->slots[h]) {
		uint32_t id = t->slots[h] - 1;

		if (t->len[id] == n && !memcmp(t->arena.buf + t->off[id], s, n))
			return id;
		h = (h + 1) & (t->nslots - 1);
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		size_t *off = realloc(t->off, cap * sizeof(*off));

		if (!off)
			return -ENOMEM;
		t->off = off;
		off = realloc(t->len, cap * sizeof(*off));
		if (!off)
			return -ENOMEM;
		t->len = off;
		t->cap = cap;
	}
	t->off[t->n] = t->arena.len;
	t->len[t->n] = n;
	/* Each string is NUL-terminated in the arena so it can be printed. */
	if (strbuf__add(&t->arena, s, n) || strbuf__add(&t->arena, "", 1))
		return -ENOMEM;
	t->slots[h] = (uint32_t)t->n + 1;
	return (long)t->n++;
}

const char *linetab__str(const struct linetab *t, uint32_t id, size_t *len)
{
	if (len)
		*len = t->len[id];
	return t->arena.buf + t->off[id];
}

void linetab__free(struct linetab *t)
{
	strbuf__release(&t->arena);
	free(t->off);
	free(t->len);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
