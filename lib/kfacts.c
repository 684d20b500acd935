// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "kfacts.h"
#include "scx.h"

/* The value type of a sched_ext_ops struct_ops map: what probe_hold stops for. */
#define OPS_VALUE "bpf_struct_ops_sched_ext_ops"

long kfacts__member_off(const struct btf *btf, int id, const char *name)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m;
	int i;

	if (!t || !btf_is_struct(t))
		return -1;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), name))
			return btf_member_bit_offset(t, i) / 8;
	return -1;
}

/* The value of enumerator name of enum type in btf, or -1. */
static long long enum_val(const struct btf *btf, const char *type, const char *name)
{
	const struct btf_type *t;
	const struct btf_enum *e;
	int id, i;

	if (!btf || (id = btf__find_by_name_kind(btf, type, BTF_KIND_ENUM)) <= 0)
		return -1;
	t = btf__type_by_id(btf, id);
	for (i = 0, e = btf_enum(t); i < btf_vlen(t); i++, e++)
		if (!strcmp(btf__name_by_offset(btf, e->name_off), name))
			return e->val;
	return -1;
}

void kfacts__from_btf(const struct btf *btf, struct kfacts *k)
{
	__u32 size = 0;
	int id;

	memset(k, 0, sizeof(*k));
	k->comm_off = -1;
	k->fentry_multi = k->fexit_multi = -1;
	if (!btf)
		return;
	if (btf__raw_data(btf, &size))
		k->btf_size = size;
	id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	k->comm_off = id > 0 ? (__s32)kfacts__member_off(btf, id, "comm") : -1;
	id = btf__find_by_name_kind(btf, "bpf_rdonly_cast", BTF_KIND_FUNC);
	k->rdonly_cast = id > 0 ? id : 0;
	k->feat_void = enum_val(btf, "bpf_features", "BPF_FEAT_RDONLY_CAST_TO_VOID") >= 0;
	id = btf__find_by_name_kind(btf, OPS_VALUE, BTF_KIND_STRUCT);
	k->ops_value = id > 0 ? (__u32)id : 0;
	k->exit_tp = scx__has_exit_tp(btf);
	k->fentry_multi = enum_val(btf, "bpf_attach_type", "BPF_TRACE_FENTRY_MULTI");
	k->fexit_multi = enum_val(btf, "bpf_attach_type", "BPF_TRACE_FEXIT_MULTI");
}

bool kfacts__equal(const struct kfacts *a, const struct kfacts *b)
{
	return a->btf_size == b->btf_size && a->comm_off == b->comm_off && a->rdonly_cast == b->rdonly_cast &&
	       a->feat_void == b->feat_void && a->ops_value == b->ops_value && a->exit_tp == b->exit_tp &&
	       a->fentry_multi == b->fentry_multi && a->fexit_multi == b->fexit_multi;
}

int kfacts__write(const struct kfacts *k, FILE *f)
{
	return fprintf(f, "kernel %u %d %d %d %u %d %lld %lld\n", k->btf_size, k->comm_off, k->rdonly_cast,
		       k->feat_void, k->ops_value, k->exit_tp, k->fentry_multi, k->fexit_multi) < 0 ? -EIO : 0;
}

int kfacts__parse(const char *line, struct kfacts *k)
{
	struct kfacts v;
	char end;

	if (strncmp(line, "kernel ", 7))
		return 0;
	if (sscanf(line + 7, "%u %d %d %d %u %d %lld %lld %c", &v.btf_size, &v.comm_off, &v.rdonly_cast,
		   &v.feat_void, &v.ops_value, &v.exit_tp, &v.fentry_multi, &v.fexit_multi, &end) != 8 ||
	    v.comm_off < -1 || v.rdonly_cast < 0 || (v.feat_void != 0 && v.feat_void != 1) ||
	    (v.exit_tp != 0 && v.exit_tp != 1) || v.fentry_multi < -1 || v.fexit_multi < -1)
		return -EINVAL;
	*k = v;
	return 1;
}
