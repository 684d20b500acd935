// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf.h"
#include "elf.h"

static unsigned long name_hash(const char *s)
{
	unsigned long h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static bool indexed_kind(int kind)
{
	switch (kind) {
	case BTF_KIND_FUNC:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_TYPEDEF:
		return true;
	default:
		return false;
	}
}

static int build_index(struct btfx *b)
{
	unsigned int n = btf__type_cnt(b->btf), id, count = 0;
	size_t mask;

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);

		if (t->name_off && indexed_kind(btf_kind(t)))
			count++;
	}
	b->nslots = 64;
	while (b->nslots < (size_t)count * 2)
		b->nslots <<= 1;
	b->slots = calloc(b->nslots, sizeof(*b->slots));
	if (!b->slots)
		return -ENOMEM;
	mask = b->nslots - 1;
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		size_t i;

		if (!t->name_off || !indexed_kind(btf_kind(t)))
			continue;
		i = name_hash(btf__name_by_offset(b->btf, t->name_off)) & mask;
		while (b->slots[i])
			i = (i + 1) & mask;
		b->slots[i] = id;
	}
	return 0;
}

unsigned int btfx__find(const struct btfx *b, const char *name, int kind)
{
	size_t mask, i;

	if (!b->slots || !name)
		return 0;
	mask = b->nslots - 1;
	/* Probe order equals insertion order for one name: the lowest id wins. */
	for (i = name_hash(name) & mask; b->slots[i]; i = (i + 1) & mask) {
		const struct btf_type *t = btf__type_by_id(b->btf, b->slots[i]);

		if (btf_kind(t) == kind && !strcmp(btf__name_by_offset(b->btf, t->name_off), name))
			return b->slots[i];
	}
	return 0;
}

int btfx__open(struct btfx *b, const char *path, bool want_ext, char *err, size_t errlen)
{
	struct stat st;
	int e;

	memset(b, 0, sizeof(*b));
	if (stat(path, &st) < 0) {
		e = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-e));
		return e;
	}
	if (access(path, R_OK) < 0) {
		e = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-e));
		return e;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -EINVAL;
	}
	e = elf__check_btf_sections(path, err, errlen);
	if (e)
		return e;
	errno = 0;
	b->btf = btf__parse(path, want_ext ? &b->ext : NULL);
	if (!b->btf) {
		e = errno ? errno : EINVAL;
		/* libbpf's own codes (>= 4000) say "not ELF"; it tried raw BTF first. */
		snprintf(err, errlen, "%s: no valid BTF (%s)", path,
			 e == ENOENT || e == ENODATA ? "no .BTF section" :
			 e == EPROTO || e >= 4000 ? "neither ELF nor raw BTF" : strerror(e));
		b->ext = NULL;
		return -EINVAL;
	}
	b->path = strdup(path);
	if (!b->path || build_index(b)) {
		btfx__close(b);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	return 0;
}

void btfx__close(struct btfx *b)
{
	btf_ext__free(b->ext);
	btf__free(b->btf);
	free(b->slots);
	free(b->path);
	memset(b, 0, sizeof(*b));
}

static const struct btf_type *strip(const struct btf *btf, unsigned int id, unsigned int *out_id,
				    bool typedefs)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int guard = 0;

	while (t && guard++ < 64) {
		int k = btf_kind(t);

		if (k == BTF_KIND_CONST || k == BTF_KIND_VOLATILE || k == BTF_KIND_RESTRICT ||
		    k == BTF_KIND_TYPE_TAG || (typedefs && k == BTF_KIND_TYPEDEF)) {
			id = t->type;
			t = btf__type_by_id(btf, id);
			continue;
		}
		break;
	}
	if (out_id)
		*out_id = id;
	return t;
}

const struct btf_type *btfx__strip(const struct btf *btf, unsigned int id, unsigned int *out_id)
{
	return strip(btf, id, out_id, true);
}

const struct btf_type *btfx__strip_cv(const struct btf *btf, unsigned int id, unsigned int *out_id)
{
	return strip(btf, id, out_id, false);
}

static int type_str(const struct btf *btf, unsigned int id, struct strbuf *out, int depth)
{
	const struct btf_type *t;
	const char *name;

	if (depth > 16)
		return strbuf__addstr(out, "?");
	if (id == 0)
		return strbuf__addstr(out, "void");
	t = btf__type_by_id(btf, id);
	if (!t)
		return strbuf__addstr(out, "?");
	name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPEDEF:
		return strbuf__addstr(out, name && *name ? name : "?");
	case BTF_KIND_STRUCT:
		return strbuf__addf(out, "struct %s", *name ? name : "{...}");
	case BTF_KIND_UNION:
		return strbuf__addf(out, "union %s", *name ? name : "{...}");
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return strbuf__addf(out, "enum %s", *name ? name : "{...}");
	case BTF_KIND_FWD:
		return strbuf__addf(out, "%s %s", btf_kflag(t) ? "union" : "struct", name);
	case BTF_KIND_PTR: {
		const struct btf_type *p = btfx__strip_cv(btf, t->type, NULL);
		int err;

		if (p && btf_is_func_proto(p))
			return strbuf__addstr(out, "void (*)()");
		if ((err = type_str(btf, t->type, out, depth + 1)))
			return err;
		return strbuf__addstr(out, out->len && out->buf[out->len - 1] == '*' ? "*" : " *");
	}
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE: {
		const char *q = btf_is_const(t) ? "const" : "volatile";
		const struct btf_type *p = btf__type_by_id(btf, t->type);
		int err;

		if (p && btf_is_ptr(p)) {
			if ((err = type_str(btf, t->type, out, depth + 1)))
				return err;
			return strbuf__addf(out, " %s", q);
		}
		if ((err = strbuf__addf(out, "%s ", q)))
			return err;
		return type_str(btf, t->type, out, depth + 1);
	}
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return type_str(btf, t->type, out, depth + 1);
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);
		int err;

		if ((err = type_str(btf, a->type, out, depth + 1)))
			return err;
		return strbuf__addf(out, "[%u]", a->nelems);
	}
	case BTF_KIND_FUNC_PROTO:
		return strbuf__addstr(out, "void ()");
	default:
		return strbuf__addstr(out, "?");
	}
}

int btfx__type_str(const struct btf *btf, unsigned int id, struct strbuf *out)
{
	return type_str(btf, id, out, 0);
}

const char *btfx__ptr_struct(const struct btf *btf, unsigned int id, unsigned int *struct_id)
{
	const struct btf_type *t = btfx__strip(btf, id, NULL);
	unsigned int sid;
	const char *name;

	if (!t || !btf_is_ptr(t))
		return NULL;
	t = btfx__strip(btf, t->type, &sid);
	if (!t || !(btf_is_struct(t) || btf_is_union(t) || btf_is_fwd(t)))
		return NULL;
	name = btf__name_by_offset(btf, t->name_off);
	if (!name || !*name)
		return NULL;
	if (struct_id)
		*struct_id = btf_is_fwd(t) ? 0 : sid;
	return name;
}

static int member(const struct btf *btf, unsigned int sid, const char *name, size_t nlen,
		  unsigned int *bit_off, unsigned int *type_id, unsigned int *bitfield, int depth)
{
	const struct btf_type *t = btfx__strip(btf, sid, NULL);
	const struct btf_member *m;
	unsigned int i, vlen;

	if (!t || !(btf_is_struct(t) || btf_is_union(t)) || depth > 8)
		return -ENOENT;
	m = btf_members(t);
	vlen = btf_vlen(t);
	for (i = 0; i < vlen; i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);

		if (mn && *mn) {
			if (strlen(mn) == nlen && !memcmp(mn, name, nlen)) {
				*bit_off = btf_member_bit_offset(t, i);
				*type_id = m->type;
				*bitfield = btf_member_bitfield_size(t, i);
				return 0;
			}
			continue;
		}
		/* An anonymous struct or union: its members belong to t. */
		if (!member(btf, m->type, name, nlen, bit_off, type_id, bitfield, depth + 1)) {
			*bit_off += btf_member_bit_offset(t, i);
			return 0;
		}
	}
	return -ENOENT;
}

int btfx__member(const struct btf *btf, unsigned int sid, const char *name,
		 unsigned int *bit_off, unsigned int *type_id, unsigned int *bitfield)
{
	return member(btf, sid, name, strlen(name), bit_off, type_id, bitfield, 0);
}

int btfx__resolve(const struct btf *btf, unsigned int sid, const char *path, struct btfx_field *out)
{
	unsigned long bits = 0;	/* offset within the current struct (after a hop: the pointee) */
	unsigned int cur = sid, tid = 0, bf = 0;
	const char *p = path;
	bool hop = false, last_hop = false;

	memset(out, 0, sizeof(*out));
	if (!*p)
		return -EINVAL;
	for (;;) {
		size_t n = strcspn(p, ".-");
		unsigned int off, mt;

		if (n == 0) {
			/* "x->" with nothing after: the value pointed to by x itself. */
			if (!last_hop || *p)
				return -EINVAL;
			break;
		}
		if (bf)
			return -EINVAL;	/* nothing lives inside a bitfield */
		if (member(btf, cur, p, n, &off, &mt, &bf, 0))
			return -ENOENT;
		bits += off;
		tid = mt;
		last_hop = false;
		p += n;
		if (!*p)
			break;
		if (p[0] == '.') {
			const struct btf_type *t = btfx__strip(btf, mt, &cur);

			if (!t || !(btf_is_struct(t) || btf_is_union(t)))
				return -EINVAL;
			p++;
		} else if (p[0] == '-' && p[1] == '>') {
			const struct btf_type *t = btfx__strip(btf, mt, NULL);

			if (hop || bf || bits % 8 || !t || !btf_is_ptr(t))
				return -EINVAL;
			hop = true;
			out->has_deref = true;
			out->offset = bits / 8;
			bits = 0;
			t = btfx__strip(btf, t->type, &cur);
			if (!t)
				return -EINVAL;
			tid = cur;
			last_hop = true;
			p += 2;
		} else {
			return -EINVAL;
		}
	}
	if (hop)
		out->deref = bits / 8;
	else
		out->offset = bits / 8;
	out->type_id = tid;
	out->bitfield = bf;
	if (!bf) {
		long long sz = btf__resolve_size(btf, tid);

		out->size = sz > 0 ? (unsigned int)sz : 0;
	} else {
		out->size = 0;
	}
	return 0;
}
