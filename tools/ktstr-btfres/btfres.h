/* SPDX-License-Identifier: GPL-2.0 */
/* ktstr-btfres: shared state of the resolver's parts. */
#ifndef KTSTR_BTFRES_H
#define KTSTR_BTFRES_H

#include <stdbool.h>
#include <jansson.h>

#include "btf.h"
#include "dwarf.h"
#include "lineinfo.h"

/* One program of a BPF object, from its .BTF.ext func_info and line_info. */
struct bprog {
	const char *name;	/* the FUNC's name in the object's BTF */
	const char *sec;	/* ELF section, e.g. "struct_ops/ktstr_enqueue" */
	unsigned int insn_off;	/* bytes into the section */
	unsigned int type_id;	/* the FUNC */
	const char *file;	/* line_info of its first instruction; NULL if none */
	unsigned int line;	/* lineinfo__line() once the object is read */
	struct lineinfo li;
};

struct bpfobj {
	struct btfx bx;
	struct bprog *progs;
	size_t nprogs;
};

struct btfres {
	struct btfx vm;			/* vmlinux */
	struct bpfobj *objs;
	size_t nobjs;
	struct srcidx *src;		/* NULL: no DWARF */
	unsigned int max_fields;
	const char *kernel_version;
	json_t *emitted;		/* names already written: a set */
	json_t *ops_done;		/* ops a callback was written for: a set */
};

/* embedded.c: the BPF object embedded in a binary at path, copied to a new
 * temporary file named in tmp (the caller unlinks it). -ENOENT: none (err
 * untouched), other -errno with err set. */
int embedded__extract(const char *path, char *tmp, size_t tmplen, char *err, size_t errlen);

/* bpfobj.c */
int bpfobj__open(struct bpfobj *o, const char *path, char *err, size_t errlen);
void bpfobj__close(struct bpfobj *o);
/* Find a program by name; a 15-character name also matches a longer one
 * (bpf_prog_info.name is cut there). */
const struct bprog *bpfobj__find(const struct bpfobj *o, const char *name);
bool bprog__is_struct_ops(const struct bprog *p);

/* fields.c: the "params" array of a function prototype. */
struct proto_src {
	const struct btf *btf;	/* where proto_id lives */
	unsigned int proto_id;	/* FUNC_PROTO */
	const struct btf *alt;	/* a second BTF to look struct names up in (program BTF), or NULL */
};
json_t *fields__params(struct btfres *r, const struct proto_src *ps, json_t *notes,
		       bool *variadic, int *task_param);
/* The "ret" object of a non-void prototype, else NULL. */
json_t *fields__ret(struct btfres *r, const struct proto_src *ps);
/* Index of the struct task_struct * parameter ("p" preferred), or -1. */
int fields__task_param(const struct btf *btf, unsigned int proto_id);

/* target.c */
int target__kernel(struct btfres *r, const char *name, const char *bridge_for, json_t **out);
int target__bpf(struct btfres *r, const char *name, json_t **out, const char **op);
/* The template "ops.OP" for the program implementing op (bound in the guest). */
int target__op(struct btfres *r, const char *op, json_t **out);
int target__each_op(struct btfres *r, int (*fn)(struct btfres *r, const char *op, void *ctx), void *ctx);
/* The kernel caller of a struct_ops op, checked against vmlinux BTF. */
const char *bridge__pick(struct btfres *r, const char *op, int *task_param);
/* Whether the bridge table has an entry for op (then a missing caller is noted). */
bool bridge__known(const char *op);

/* enums.c: the first output record. */
json_t *enums__record(struct btfres *r);

#endif
