/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BTF helpers on top of libbpf: open a vmlinux or object BTF with one-line
 * errors, a name index (libbpf's btf__find_by_name_kind() is a linear scan),
 * C-like type names, and member paths resolved to byte offsets through
 * embedded structs, anonymous unions and one pointer hop.
 */
#ifndef KTSTR_BTF_H
#define KTSTR_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <bpf/btf.h>

#include "text.h"

struct btfx {
	struct btf *btf;
	struct btf_ext *ext;	/* .BTF.ext of an object file, else NULL */
	char *path;
	/* name -> type id, open addressing; only named FUNC, STRUCT, UNION,
	 * ENUM, ENUM64 and TYPEDEF types are indexed. */
	unsigned int *slots;
	size_t nslots;
};

/*
 * Parse the BTF of an ELF file (vmlinux or BPF object) or a raw BTF file.
 * Returns 0, -ENOENT/-EACCES when the file is missing or unreadable, or
 * -EINVAL when it holds no valid BTF; err gets a one-line reason.
 */
int btfx__open(struct btfx *b, const char *path, bool want_ext, char *err, size_t errlen);
void btfx__close(struct btfx *b);

/* Type id of a named type of that kind (BTF_KIND_*), or 0. */
unsigned int btfx__find(const struct btfx *b, const char *name, int kind);

/* Skip typedefs, const, volatile, restrict and type tags. */
const struct btf_type *btfx__strip(const struct btf *btf, unsigned int id, unsigned int *out_id);
/* Skip const, volatile, restrict and type tags but keep typedefs. */
const struct btf_type *btfx__strip_cv(const struct btf *btf, unsigned int id, unsigned int *out_id);

/* C spelling of a type: "struct rq *", "u64", "const char *", "void". */
int btfx__type_str(const struct btf *btf, unsigned int id, struct strbuf *out);

/* When id is a pointer to a struct or union, its name (NULL if anonymous or
 * not a pointer to one) and the struct's type id. */
const char *btfx__ptr_struct(const struct btf *btf, unsigned int id, unsigned int *struct_id);

/* Result of a member path. */
struct btfx_field {
	unsigned int offset;	/* bytes from the start of the outer struct */
	bool has_deref;		/* the value at offset is a pointer: read at ptr + deref */
	unsigned int deref;
	unsigned int type_id;	/* the final member's type */
	unsigned int size;	/* bytes of the final member */
	unsigned int bitfield;	/* nonzero: the final member is a bitfield of this many bits */
};

/*
 * Resolve "a.b.c" or "a->b" (one "->" at most) inside struct/union sid:
 * members of anonymous structs and unions are found as if they were direct.
 * Returns 0, -ENOENT (a member is missing) or -EINVAL (bad path, second hop,
 * hop through a non-pointer).
 */
int btfx__resolve(const struct btf *btf, unsigned int sid, const char *path, struct btfx_field *out);

/* Find a direct member (searching anonymous members too) by name. */
int btfx__member(const struct btf *btf, unsigned int sid, const char *name,
		 unsigned int *bit_off, unsigned int *type_id, unsigned int *bitfield);

#endif
