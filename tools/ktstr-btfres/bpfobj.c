// SPDX-License-Identifier: GPL-2.0
/*
 * A BPF object's programs with their source lines, read from .BTF.ext:
 * func_info maps (section, instruction offset) to the program's FUNC type,
 * line_info maps instruction offsets to file:line. libbpf validates the
 * section (btf__parse) but keeps its records private, so the records are
 * walked here from btf_ext__raw_data(), every length checked.
 */
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfres.h"

struct ext_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len;
	uint32_t func_info_off, func_info_len;
	uint32_t line_info_off, line_info_len;
};

struct ext_line {
	uint32_t insn_off, file_name_off, line_off, line_col;
};

/* The records of one info block: rec_size, then per section
 * {sec_name_off, num_info, records...}. Calls fn for each record. */
typedef int (*rec_fn)(struct bpfobj *o, const char *sec, const void *rec, uint32_t size);

static int walk(struct bpfobj *o, const uint8_t *p, uint32_t len, uint32_t min_size, rec_fn fn)
{
	uint32_t rec_size, off = 4;
	int err;

	if (len == 0)
		return 0;
	if (len < 4)
		return -EINVAL;
	memcpy(&rec_size, p, 4);
	if (rec_size < min_size || rec_size > 1024)
		return -EINVAL;
	while (off < len) {
		uint32_t sec_off, n, i;
		const char *sec;

		if (len - off < 8)
			return -EINVAL;
		memcpy(&sec_off, p + off, 4);
		memcpy(&n, p + off + 4, 4);
		off += 8;
		if (n > (len - off) / rec_size)
			return -EINVAL;
		sec = btf__name_by_offset(o->bx.btf, sec_off);
		if (!sec)
			return -EINVAL;
		for (i = 0; i < n; i++, off += rec_size)
			if ((err = fn(o, sec, p + off, rec_size)))
				return err;
	}
	return 0;
}

static int add_func(struct bpfobj *o, const char *sec, const void *rec, uint32_t size)
{
	uint32_t v[2];
	const struct btf_type *t;
	struct bprog *np;

	memcpy(v, rec, sizeof(v));
	t = btf__type_by_id(o->bx.btf, v[1]);
	if (!t || !btf_is_func(t))
		return -EINVAL;
	np = realloc(o->progs, (o->nprogs + 1) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	o->progs = np;
	o->progs[o->nprogs++] = (struct bprog){
		.name = btf__name_by_offset(o->bx.btf, t->name_off),
		.sec = sec, .insn_off = v[0], .type_id = v[1],
	};
	return 0;
}

static int add_line(struct bpfobj *o, const char *sec, const void *rec, uint32_t size)
{
	struct bprog *owner = NULL;
	struct ext_line l;
	const char *file;
	size_t i;

	memcpy(&l, rec, sizeof(l));
	/* The record belongs to the last program starting at or before it. */
	for (i = 0; i < o->nprogs; i++) {
		struct bprog *p = &o->progs[i];

		if (p->insn_off <= l.insn_off && !strcmp(p->sec, sec) &&
		    (!owner || p->insn_off > owner->insn_off))
			owner = p;
	}
	file = btf__name_by_offset(o->bx.btf, l.file_name_off);
	if (!owner || !file)
		return 0;
	/* The file is the one of the first instruction; the line, lib/lineinfo.h's rule. */
	if (!owner->file && l.insn_off == owner->insn_off)
		owner->file = file;
	if (owner->file && !strcmp(owner->file, file))
		lineinfo__add(&owner->li, l.line_col >> 10);
	return 0;
}

int bpfobj__open(struct bpfobj *o, const char *path, char *err, size_t errlen)
{
	const uint8_t *raw;
	struct ext_hdr h;
	uint32_t size = 0;
	int ret;

	memset(o, 0, sizeof(*o));
	ret = btfx__open(&o->bx, path, true, err, errlen);
	if (ret == -EINVAL) {
		/* A scheduler binary: its skeleton's object, when it embeds one. */
		char tmp[PATH_MAX], why[512] = "";
		int e = embedded__extract(path, tmp, sizeof(tmp), why, sizeof(why));

		if (!e) {
			ret = btfx__open(&o->bx, tmp, true, err, errlen);
			unlink(tmp);
			if (!ret) {
				char *name = NULL;

				if (asprintf(&name, "%s[embedded]", path) >= 0) {
					free(o->bx.path);
					o->bx.path = name;
				}
			}
		} else if (why[0]) {
			snprintf(err, errlen, "%s", why);
		} else if (strstr(err, "no .BTF section")) {
			snprintf(err, errlen, "%s: no .BTF section and no BPF object embedded", path);
		}
	}
	if (ret)
		return ret;
	if (!o->bx.ext) {
		snprintf(err, errlen, "%s: no .BTF.ext section (not a BPF object built with -g)", path);
		ret = -EINVAL;
		goto fail;
	}
	raw = btf_ext__raw_data(o->bx.ext, &size);
	ret = -EINVAL;
	if (!raw || size < sizeof(h)) {
		snprintf(err, errlen, "%s: .BTF.ext too short", path);
		goto fail;
	}
	memcpy(&h, raw, sizeof(h));
	if (h.magic != 0xeB9F || h.hdr_len < sizeof(h) || h.hdr_len > size ||
	    h.func_info_off > size - h.hdr_len || h.func_info_len > size - h.hdr_len - h.func_info_off ||
	    h.line_info_off > size - h.hdr_len || h.line_info_len > size - h.hdr_len - h.line_info_off) {
		snprintf(err, errlen, "%s: corrupt .BTF.ext header", path);
		goto fail;
	}
	ret = walk(o, raw + h.hdr_len + h.func_info_off, h.func_info_len, 8, add_func);
	if (!ret)
		ret = walk(o, raw + h.hdr_len + h.line_info_off, h.line_info_len, sizeof(struct ext_line),
			   add_line);
	if (ret) {
		snprintf(err, errlen, "%s: corrupt .BTF.ext records", path);
		goto fail;
	}
	for (size_t i = 0; i < o->nprogs; i++) {
		const char *slash = o->progs[i].file ? strrchr(o->progs[i].file, '/') : NULL;

		o->progs[i].line = lineinfo__line(&o->progs[i].li);
		if (slash)
			o->progs[i].file = slash + 1;
	}
	return 0;
fail:
	bpfobj__close(o);
	return ret;
}

void bpfobj__close(struct bpfobj *o)
{
	free(o->progs);
	btfx__close(&o->bx);
	memset(o, 0, sizeof(*o));
}

const struct bprog *bpfobj__find(const struct bpfobj *o, const char *name)
{
	const struct bprog *hit = NULL;
	size_t i, n = strlen(name);

	for (i = 0; i < o->nprogs; i++)
		if (!strcmp(o->progs[i].name, name))
			return &o->progs[i];
	if (n != 15)
		return NULL;
	for (i = 0; i < o->nprogs; i++) {
		if (strncmp(o->progs[i].name, name, n))
			continue;
		if (hit)
			return NULL;	/* ambiguous */
		hit = &o->progs[i];
	}
	return hit;
}

bool bprog__is_struct_ops(const struct bprog *p)
{
	return !strncmp(p->sec, "struct_ops", 10);
}
