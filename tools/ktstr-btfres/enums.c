// SPDX-License-Identifier: GPL-2.0
/* The kernel's scx_* enums, so the decoders never hard-code one kernel's values. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "btfres.h"

static void add_value(json_t *e, const char *name, uint64_t v, unsigned int size)
{
	char hex[24];

	/* Values as the probe reads them: masked to the enum's width. */
	if (size < 8)
		v &= (1ull << (size * 8)) - 1;
	snprintf(hex, sizeof(hex), "0x%" PRIx64, v);
	json_object_set_new(e, name, json_string(hex));
}

json_t *enums__record(struct btfres *r)
{
	const struct btf *btf = r->vm.btf;
	unsigned int n = btf__type_cnt(btf), id;
	json_t *rec = json_object(), *all = json_object();

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;
		json_t *e;
		unsigned int i;

		if (!btf_is_enum(t) && !btf_is_enum64(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || strncmp(name, "scx_", 4) || json_object_get(all, name))
			continue;
		e = json_object();
		for (i = 0; i < btf_vlen(t); i++) {
			if (btf_is_enum(t)) {
				const struct btf_enum *v = btf_enum(t) + i;

				add_value(e, btf__name_by_offset(btf, v->name_off), (uint64_t)(int64_t)v->val, t->size);
			} else {
				const struct btf_enum64 *v = btf_enum64(t) + i;

				add_value(e, btf__name_by_offset(btf, v->name_off), btf_enum64_value(v), t->size);
			}
		}
		json_object_set_new(all, name, e);
	}
	json_object_set_new(rec, "kind", json_string("enums"));
	json_object_set_new(rec, "kernel", r->kernel_version ? json_string(r->kernel_version) : json_null());
	json_object_set_new(rec, "enums", all);
	return rec;
}
