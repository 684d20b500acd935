// SPDX-License-Identifier: GPL-2.0
/*
 * Parameters and the struct fields to read through them: a curated table for
 * the structs a sched_ext developer looks at, and auto-discovery (int, enum
 * and cpumask members, one level deep) for any other struct.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "btfres.h"

/* Bytes read of a cpumask: CPUs 0-255 are plenty for a test VM. */
#define CPUMASK_BYTES 32
/* Bytes read of a string behind a pointer. */
#define STRING_BYTES 128

struct curated {
	const char *strct;	/* struct name */
	const char *name;	/* field name in the output */
	const char *path;	/* member path: a.b, a->b, a-> (the pointed-to string) */
	const char *decoder;
};

/* Paths that this kernel lacks are reported in notes and skipped, so the
 * table may name members of several kernel versions. */
static const struct curated curated[] = {
	{ "task_struct", "pid", "pid", "pid" },
	{ "task_struct", "cpus_ptr", "cpus_ptr->bits", "cpumask" },
	{ "task_struct", "dsq_id", "scx.ddsp_dsq_id", "dsq_id" },
	{ "task_struct", "enq_flags", "scx.ddsp_enq_flags", "enq_flags" },
	{ "task_struct", "slice", "scx.slice", "unsigned" },
	{ "task_struct", "vtime", "scx.dsq_vtime", "unsigned" },
	{ "task_struct", "weight", "scx.weight", "unsigned" },
	{ "task_struct", "sticky_cpu", "scx.sticky_cpu", "signed" },
	{ "task_struct", "scx_flags", "scx.flags", "scx_flags" },
	{ "task_struct", "dsq", "scx.dsq->id", "dsq_id" },
	{ "task_struct", "holding_cpu", "scx.holding_cpu", "signed" },
	{ "rq", "cpu", "cpu", "signed" },
	{ "rq", "nr_running", "scx.nr_running", "unsigned" },
	{ "rq", "rq_flags", "scx.flags", "hex" },
	{ "rq", "curr_pid", "curr->pid", "pid" },
	{ "scx_dispatch_q", "id", "id", "dsq_id" },
	{ "scx_dispatch_q", "nr", "nr", "unsigned" },
	{ "scx_exit_info", "kind", "kind", "exit_kind" },
	{ "scx_exit_info", "exit_code", "exit_code", "signed" },
	{ "scx_exit_info", "reason", "reason->", "string" },
	{ "scx_exit_info", "msg", "msg->", "string" },
	{ "scx_dump_ctx", "kind", "kind", "exit_kind" },
	{ "scx_dump_ctx", "exit_code", "exit_code", "signed" },
	{ "scx_dump_ctx", "reason", "reason->", "string" },
	{ "scx_init_task_args", "fork", "fork", "bool" },
	{ "scx_exit_task_args", "cancelled", "cancelled", "bool" },
	{ "scx_cgroup_init_args", "weight", "weight", "unsigned" },
	{ "scx_sched", "exit_kind", "exit_kind.counter", "exit_kind" },
	{ "scx_sched", "aborting", "aborting", "bool" },
	{ "scx_sched", "bypass_depth", "bypass_depth", "signed" },
	{ "cpumask", "bits", "bits", "cpumask" },
	{ "affinity_context", "new_mask", "new_mask->bits", "cpumask" },
	{ "affinity_context", "flags", "flags", "hex" },
};

static bool is_curated(const char *strct)
{
	size_t i;

	for (i = 0; i < sizeof(curated) / sizeof(curated[0]); i++)
		if (!strcmp(curated[i].strct, strct))
			return true;
	return false;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static const char *enum_decoder(const char *ename)
{
	if (!strcmp(ename, "scx_exit_kind"))
		return "exit_kind";
	if (!strcmp(ename, "scx_enq_flags"))
		return "enq_flags";
	if (!strcmp(ename, "scx_ent_flags"))
		return "scx_flags";
	return "hex";
}

/* Decoder of a scalar (or plain pointer) by type, refined by name. */
static const char *scalar_decoder(const struct btf *btf, unsigned int tid, const char *name)
{
	const struct btf_type *t = btfx__strip(btf, tid, NULL);

	if (!t)
		return "hex";
	if (btf_is_ptr(t)) {
		/*
		 * char * is a string; u8 * and unsigned char * are bytes (a
		 * write's buffer), not text: typedefs are not looked through.
		 */
		const struct btf_type *p = btfx__strip_cv(btf, t->type, NULL);

		if (p && btf_is_int(p) && p->size == 1 && !strcmp(btf__name_by_offset(btf, p->name_off), "char"))
			return "string";
		return "hex";
	}
	if (btf_is_enum(t) || btf_is_enum64(t))
		return enum_decoder(btf__name_by_offset(btf, t->name_off));
	if (!btf_is_int(t))
		return "hex";
	if (btf_int_encoding(t) & BTF_INT_BOOL)
		return "bool";
	if (name) {
		if ((!strcmp(name, "pid") || !strcmp(name, "tgid")) && t->size == 4)
			return "pid";
		if (ends_with(name, "dsq_id") && t->size == 8)
			return "dsq_id";
		if (strstr(name, "enq_flags"))
			return "enq_flags";
		/* Bit sets read in hex: f_mode 0x40d801e, not 67993630 (issue 10). */
		if (ends_with(name, "flags") || ends_with(name, "_mode") || ends_with(name, "mask"))
			return "hex";
		/* try_to_wake_up's state is a mask of TASK_* bits (TASK_NORMAL 0x3). */
		if (!strcmp(name, "state") && !(btf_int_encoding(t) & BTF_INT_SIGNED))
			return "hex";
	}
	return (btf_int_encoding(t) & BTF_INT_SIGNED) ? "signed" : "unsigned";
}

static json_t *field_json(const char *name, const struct btfx_field *f, unsigned int size,
			  const char *decoder)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "offset", json_integer(f->offset));
	if (f->has_deref)
		json_object_set_new(o, "deref", json_integer(f->deref));
	json_object_set_new(o, "size", json_integer(size));
	json_object_set_new(o, "decoder", json_string(decoder));
	return o;
}

static void note(json_t *notes, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(json_t *notes, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(notes, json_string(buf));
}

/* A struct pointer parameter waiting for its fields. */
struct sparam {
	json_t *fields;
	const struct btf *btf;
	unsigned int sid;
	const char *strct;
	unsigned int param;	/* its index among the parameters */
};

/* Add one curated field; false when the budget is spent. */
static void add_curated(struct sparam *sp, const struct curated *c, json_t *notes,
			unsigned int *left, bool *truncated)
{
	struct btfx_field f;
	unsigned int size;
	int err = btfx__resolve(sp->btf, sp->sid, c->path, &f);

	if (err) {
		note(notes, "field %s.%s not in this kernel", sp->strct, c->path);
		return;
	}
	if (f.bitfield) {
		note(notes, "bitfield %s.%s skipped", sp->strct, c->path);
		return;
	}
	size = f.size;
	if (!strcmp(c->decoder, "cpumask") && (size > CPUMASK_BYTES || size == 0))
		size = size ? CPUMASK_BYTES : 8;
	if (!strcmp(c->decoder, "string"))
		size = STRING_BYTES;
	if (size == 0 || (size > 8 && strcmp(c->decoder, "cpumask") && strcmp(c->decoder, "string"))) {
		note(notes, "field %s.%s has no scalar size", sp->strct, c->path);
		return;
	}
	if (*left == 0) {
		*truncated = true;
		return;
	}
	(*left)--;
	json_array_append_new(sp->fields, field_json(c->name, &f, size, c->decoder));
}

static bool is_cpumask(const struct btf *btf, const struct btf_type *t)
{
	return t && btf_is_struct(t) && !strcmp(btf__name_by_offset(btf, t->name_off), "cpumask");
}

/* One member of an auto-discovered struct. */
static void auto_member(struct sparam *sp, const struct btf_type *st, unsigned int i, unsigned int base_bits,
			json_t *notes, unsigned int *left, bool *truncated, int depth)
{
	const struct btf_member *m = btf_members(st) + i;
	const char *mname = btf__name_by_offset(sp->btf, m->name_off);
	unsigned int bits = base_bits + btf_member_bit_offset(st, i), mid;
	const struct btf_type *t = btfx__strip(sp->btf, m->type, &mid);
	struct btfx_field f = { .offset = bits / 8 };
	const char *dec = NULL;
	unsigned int size = 0;

	if (!t)
		return;
	if (!mname || !*mname) {
		/* Anonymous struct/union: its members are the parent's. */
		unsigned int j;

		if (depth < 2 && (btf_is_struct(t) || btf_is_union(t)))
			for (j = 0; j < btf_vlen(t); j++)
				auto_member(sp, t, j, bits, notes, left, truncated, depth + 1);
		return;
	}
	if (btf_member_bitfield_size(st, i)) {
		note(notes, "bitfield %s.%s skipped", sp->strct, mname);
		return;
	}
	if ((btf_is_int(t) && t->size <= 8) || ((btf_is_enum(t) || btf_is_enum64(t)) && t->size <= 8)) {
		dec = scalar_decoder(sp->btf, m->type, mname);
		size = t->size;
	} else if (btf_is_ptr(t) && is_cpumask(sp->btf, btfx__strip(sp->btf, t->type, NULL))) {
		f.has_deref = true;
		dec = "cpumask";
		size = CPUMASK_BYTES;
	} else if (is_cpumask(sp->btf, t) ||
		   (btf_is_array(t) && is_cpumask(sp->btf, btfx__strip(sp->btf, btf_array(t)->type, NULL)))) {
		dec = "cpumask";	/* cpumask_t, or cpumask_var_t without OFFSTACK */
		size = CPUMASK_BYTES;
	}
	if (!dec)
		return;
	if (*left == 0) {
		*truncated = true;
		return;
	}
	(*left)--;
	json_array_append_new(sp->fields, field_json(mname, &f, size, dec));
}

int fields__task_param(const struct btf *btf, unsigned int proto_id)
{
	const struct btf_type *t = btf__type_by_id(btf, proto_id);
	const struct btf_param *p;
	int i, first = -1;

	if (!t || !btf_is_func_proto(t))
		return -1;
	p = btf_params(t);
	for (i = 0; i < btf_vlen(t); i++) {
		const char *s = btfx__ptr_struct(btf, p[i].type, NULL);

		if (!s || strcmp(s, "task_struct"))
			continue;
		if (!strcmp(btf__name_by_offset(btf, p[i].name_off), "p"))
			return i;
		if (first < 0)
			first = i;
	}
	return first;
}

/*
 * A char * parameter: the string it points to, read at offset 0 of the
 * pointer as a struct field would be (the probe's bounded string read), so
 * that the chain prints fmt "error %d" instead of the pointer. It costs one
 * field of the budget, taken before the structs' (it is one read).
 */
static void string_param(json_t *param, unsigned int *left, bool *truncated)
{
	struct btfx_field f = { .offset = 0 };
	json_t *fields;

	if (*left == 0) {
		*truncated = true;
		return;
	}
	(*left)--;
	fields = json_array();
	json_array_append_new(fields, field_json("string", &f, STRING_BYTES, "string"));
	json_object_set_new(param, "fields", fields);
}

/* Where struct name lives: vmlinux first (kernel objects have the kernel's
 * layout), then the other BTF. */
static bool find_struct(struct btfres *r, const struct proto_src *ps, const char *name,
			const struct btf **btf, unsigned int *sid)
{
	const struct btf *cands[2] = { ps->btf, ps->alt };
	int i;

	if ((*sid = btfx__find(&r->vm, name, BTF_KIND_STRUCT)) ||
	    (*sid = btfx__find(&r->vm, name, BTF_KIND_UNION))) {
		*btf = r->vm.btf;
		return true;
	}
	for (i = 0; i < 2; i++) {
		int id;

		if (!cands[i] || cands[i] == r->vm.btf)
			continue;
		id = btf__find_by_name_kind(cands[i], name, BTF_KIND_STRUCT);
		if (id <= 0)
			id = btf__find_by_name_kind(cands[i], name, BTF_KIND_UNION);
		if (id > 0) {
			*btf = cands[i];
			*sid = id;
			return true;
		}
	}
	return false;
}

json_t *fields__params(struct btfres *r, const struct proto_src *ps, json_t *notes,
		       bool *variadic, int *task_param)
{
	const struct btf *btf = ps->btf;
	const struct btf_type *t = btf__type_by_id(btf, ps->proto_id);
	const struct btf_param *p;
	struct sparam sps[64];
	unsigned int nsp = 0, left = r->max_fields, i, vlen, pass;
	bool truncated = false;
	json_t *params = json_array();
	struct strbuf sb = { 0 };

	*variadic = false;
	*task_param = -1;
	if (!t || !btf_is_func_proto(t))
		return params;
	p = btf_params(t);
	vlen = btf_vlen(t);
	for (i = 0; i < vlen; i++) {
		const char *pname = btf__name_by_offset(btf, p[i].name_off), *sname;
		json_t *o;
		unsigned int sid;
		long long size;
		char anon[16], pbuf[128];

		if (p[i].type == 0 && i == vlen - 1) {
			*variadic = true;
			break;
		}
		if (!pname || !*pname) {
			snprintf(anon, sizeof(anon), "arg%u", i);
			pname = anon;
		} else if (ends_with(pname, "__nullable") && strlen(pname) < sizeof(pbuf)) {
			/* The kernel's struct_ops stubs mark arguments that may be NULL. */
			snprintf(pbuf, sizeof(pbuf), "%.*s", (int)(strlen(pname) - 10), pname);
			pname = pbuf;
		}
		o = json_object();
		strbuf__reset(&sb);
		btfx__type_str(btf, p[i].type, &sb);
		size = btf__resolve_size(btf, p[i].type);
		json_object_set_new(o, "index", json_integer(i));
		json_object_set_new(o, "name", json_string(pname));
		json_object_set_new(o, "type", json_string(sb.buf ? sb.buf : "?"));
		json_object_set_new(o, "size", json_integer(size > 0 ? size : 0));
		{
			const struct btf_type *pt = btfx__strip(btf, p[i].type, NULL);

			json_object_set_new(o, "ptr", json_boolean(pt && btf_is_ptr(pt)));
		}
		sname = btfx__ptr_struct(btf, p[i].type, &sid);
		if (sname) {
			const struct btf *sbtf;

			json_object_set_new(o, "struct", json_string(sname));
			if (!strcmp(sname, "task_struct") && *task_param < 0)
				*task_param = i;
			if (nsp < sizeof(sps) / sizeof(sps[0]) && find_struct(r, ps, sname, &sbtf, &sid)) {
				sps[nsp] = (struct sparam){ json_array(), sbtf, sid, NULL, i };
				sps[nsp].strct = btf__name_by_offset(sbtf, btf__type_by_id(sbtf, sid)->name_off);
				json_object_set_new(o, "fields", json_incref(sps[nsp].fields));
				nsp++;
			} else {
				note(notes, "struct %s has no BTF definition", sname);
			}
		} else {
			const char *dec = scalar_decoder(btf, p[i].type, pname);

			json_object_set_new(o, "decoder", json_string(dec));
			if (!strcmp(dec, "string"))
				string_param(o, &left, &truncated);
		}
		json_array_append_new(params, o);
	}
	*task_param = fields__task_param(btf, ps->proto_id);
	/*
	 * Curated fields first, for every parameter: the followed task's (what
	 * the stitch stage follows), then the other structs', then any other
	 * task's (put_prev_task_scx's next), so that a second task cannot take
	 * the whole budget from the rq beside it; then discovered ones.
	 */
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < nsp; i++) {
			bool task = !strcmp(sps[i].strct, "task_struct");
			bool followed = task && (int)sps[i].param == *task_param;
			size_t k;

			if (pass != (followed ? 0 : task ? 2 : 1))
				continue;
			for (k = 0; k < sizeof(curated) / sizeof(curated[0]); k++)
				if (!strcmp(curated[k].strct, sps[i].strct))
					add_curated(&sps[i], &curated[k], notes, &left, &truncated);
		}
	}
	for (i = 0; i < nsp; i++) {
		const struct btf_type *st = btf__type_by_id(sps[i].btf, sps[i].sid);
		unsigned int j;

		if (is_curated(sps[i].strct))
			continue;
		for (j = 0; j < btf_vlen(st); j++)
			auto_member(&sps[i], st, j, 0, notes, &left, &truncated, 0);
	}
	if (truncated) {
		char buf[64];

		snprintf(buf, sizeof(buf), "fields truncated to %u", r->max_fields);
		json_array_append_new(notes, json_string(buf));
	}
	for (i = 0; i < nsp; i++)
		json_decref(sps[i].fields);
	strbuf__free(&sb);
	return params;
}

json_t *fields__ret(struct btfres *r, const struct proto_src *ps)
{
	const struct btf_type *t = btf__type_by_id(ps->btf, ps->proto_id);
	struct strbuf sb = { 0 };
	long long size;
	json_t *o;

	if (!t || !btf_is_func_proto(t) || t->type == 0)
		return NULL;
	btfx__type_str(ps->btf, t->type, &sb);
	size = btf__resolve_size(ps->btf, t->type);
	o = json_object();
	json_object_set_new(o, "type", json_string(sb.buf ? sb.buf : "?"));
	json_object_set_new(o, "size", json_integer(size > 0 ? size : 0));
	{
		/*
		 * A struct pointer is shown as the struct's name and its address
		 * (or NULL); a signed int as a number, and by errno name when it
		 * is one of -4095..-1, the kernel's error returns.
		 */
		unsigned int sid;
		const char *sname = btfx__ptr_struct(ps->btf, t->type, &sid);
		const char *dec = scalar_decoder(ps->btf, t->type, NULL);

		if (sname) {
			json_object_set_new(o, "struct", json_string(sname));
			dec = "ptr";
		} else if (!strcmp(dec, "signed")) {
			dec = "errno";
		}
		json_object_set_new(o, "decoder", json_string(dec));
	}
	strbuf__free(&sb);
	return o;
}
