// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stackx.h"

/* FNV-1a: names are short and this runs once per frame line. */
static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static int rehash(struct fnlist *l, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	size_t i, j;

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < l->n; i++) {
		j = hash(l->v[i].name, strlen(l->v[i].name)) & (nslots - 1);
		while (slots[j])
			j = (j + 1) & (nslots - 1);
		slots[j] = i + 1;
	}
	free(l->slots);
	l->slots = slots;
	l->nslots = nslots;
	return 0;
}

int fnlist__add(struct fnlist *l, const struct frame *f)
{
	struct fn *e;
	size_t j;
	int err;

	if (2 * (l->n + 1) > l->nslots) {
		err = rehash(l, l->nslots ? 2 * l->nslots : 64);
		if (err)
			return err;
	}
	j = hash(f->name, f->name_len) & (l->nslots - 1);
	for (; l->slots[j]; j = (j + 1) & (l->nslots - 1)) {
		e = &l->v[l->slots[j] - 1];
		if (!strncmp(e->name, f->name, f->name_len) && !e->name[f->name_len])
			return 0;	/* first occurrence kept */
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;

		e = realloc(l->v, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		l->v = e;
		l->cap = cap;
	}
	e = &l->v[l->n];
	e->name = strndup(f->name, f->name_len);
	e->raw = strndup(f->sym, f->sym_len);
	if (!e->name || !e->raw) {
		free(e->name);
		free(e->raw);
		return -ENOMEM;
	}
	e->bpf = f->bpf;
	/* BPF programs are the scheduler itself: never generic. */
	e->generic = !f->bpf && frame__generic(f->name, f->name_len);
	if (!e->generic)
		l->kept++;
	l->slots[j] = ++l->n;
	return 0;
}

void fnlist__release(struct fnlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].raw);
	}
	free(l->v);
	free(l->slots);
	memset(l, 0, sizeof(*l));
}
