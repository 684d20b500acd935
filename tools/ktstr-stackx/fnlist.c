// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stackx.h"

int fnlist__add(struct fnlist *l, const struct frame *f)
{
	size_t n = l->names.n;
	struct fn *e;
	long id;

	/* Room for a new entry first, so a new name always has its data. */
	if (n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;

		e = realloc(l->v, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		l->v = e;
		l->cap = cap;
	}
	id = strtab__intern(&l->names, f->name, f->name_len);
	if (id < 0)
		return (int)id;
	if ((size_t)id < n)
		return 0;	/* first occurrence kept */
	e = &l->v[id];
	e->raw = l->raws.len;
	if (strbuf__add(&l->raws, f->sym, f->sym_len) || strbuf__add(&l->raws, "", 1))
		return -ENOMEM;
	e->bpf = f->bpf;
	/* BPF programs are the scheduler itself: never generic. */
	e->generic = !f->bpf && frame__generic(f->name, f->name_len);
	if (!e->generic)
		l->kept++;
	return 0;
}

void fnlist__free(struct fnlist *l)
{
	strtab__free(&l->names);
	strbuf__free(&l->raws);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
