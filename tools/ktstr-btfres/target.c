// SPDX-License-Identifier: GPL-2.0
/* One probe target: a kernel function, a BPF callback, or a bridge kprobe. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "btfres.h"

/*
 * The kernel functions that call each struct_ops op, newest kernel first:
 * the first one present in the BTF in use, with a struct task_struct * at
 * the given index (-1: the op has no task), is the bridge.
 */
struct bridge {
	const char *op;
	const char *func;
	int task;
};

static const struct bridge bridges[] = {
	{ "select_cpu", "select_task_rq_scx", 0 },
	{ "enqueue", "enqueue_task_scx", 1 },
	{ "enqueue", "scx_do_enqueue_task", 1 },
	{ "enqueue", "do_enqueue_task", 1 },
	{ "dequeue", "dequeue_task_scx", 1 },
	{ "dispatch", "balance_one", 1 },
	{ "dispatch", "do_pick_task_scx", -1 },
	{ "dispatch", "balance_scx", 1 },
	{ "tick", "task_tick_scx", 1 },
	{ "runnable", "enqueue_task_scx", 1 },
	{ "running", "set_next_task_scx", 1 },
	{ "stopping", "put_prev_task_scx", 1 },
	{ "quiescent", "dequeue_task_scx", 1 },
	{ "yield", "yield_task_scx", -1 },
	{ "set_weight", "reweight_task_scx", 1 },
	{ "set_cpumask", "set_cpus_allowed_scx", 0 },
	{ "init_task", "__scx_init_task", 1 },
	{ "init_task", "scx_init_task", 0 },
	{ "init_task", "scx_ops_init_task", 0 },
	{ "enable", "__scx_enable_task", 1 },
	{ "enable", "scx_enable_task", 1 },
	{ "enable", "scx_ops_enable_task", 0 },
	{ "disable", "scx_disable_task", 1 },
	{ "disable", "scx_ops_disable_task", 0 },
	{ "exit_task", "__scx_disable_and_exit_task", 1 },
	{ "exit_task", "scx_disable_and_exit_task", 1 },
	{ "exit_task", "scx_exit_task", 0 },
	{ "exit_task", "scx_ops_exit_task", 0 },
	{ "exit", "scx_claim_exit", -1 },
};

static const struct btf_type *func_proto(const struct btf *btf, unsigned int func_id, unsigned int *proto_id)
{
	const struct btf_type *f = btf__type_by_id(btf, func_id), *p;

	if (!f || !btf_is_func(f))
		return NULL;
	p = btf__type_by_id(btf, f->type);
	if (!p || !btf_is_func_proto(p))
		return NULL;
	*proto_id = f->type;
	return p;
}

bool bridge__known(const char *op)
{
	size_t i;

	for (i = 0; i < sizeof(bridges) / sizeof(bridges[0]); i++)
		if (!strcmp(bridges[i].op, op))
			return true;
	return false;
}

const char *bridge__pick(struct btfres *r, const char *op, int *task_param)
{
	size_t i;

	for (i = 0; i < sizeof(bridges) / sizeof(bridges[0]); i++) {
		const struct bridge *b = &bridges[i];
		unsigned int fid, pid;
		const struct btf_type *p;
		const char *s;

		if (strcmp(b->op, op) || !(fid = btfx__find(&r->vm, b->func, BTF_KIND_FUNC)))
			continue;
		if (!(p = func_proto(r->vm.btf, fid, &pid)))
			continue;
		if (b->task >= 0) {
			/* The same name with another signature is another function. */
			if (b->task >= btf_vlen(p))
				continue;
			s = btfx__ptr_struct(r->vm.btf, btf_params(p)[b->task].type, NULL);
			if (!s || strcmp(s, "task_struct"))
				continue;
		}
		*task_param = b->task;
		return b->func;
	}
	return NULL;
}

static void set_common(json_t *o, struct btfres *r, const struct proto_src *ps, json_t *notes)
{
	bool variadic;
	int task;
	json_t *params = fields__params(r, ps, notes, &variadic, &task), *ret;

	json_object_set_new(o, "variadic", json_boolean(variadic));
	if (task >= 0)
		json_object_set_new(o, "task_param", json_integer(task));
	json_object_set_new(o, "params", params);
	ret = fields__ret(r, ps);
	if (ret)
		json_object_set_new(o, "ret", ret);
	if (json_array_size(notes))
		json_object_set(o, "notes", notes);
}

static json_t *error_record(const char *name, const char *what)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "error", json_string(what));
	return o;
}

int target__kernel(struct btfres *r, const char *name, const char *bridge_for, json_t **out)
{
	unsigned int fid = btfx__find(&r->vm, name, BTF_KIND_FUNC), pid;
	json_t *o, *notes;
	const char *file;
	unsigned int line;

	if (!fid || !func_proto(r->vm.btf, fid, &pid)) {
		*out = error_record(name, "not in BTF");
		return -ENOENT;
	}
	o = json_object();
	notes = json_array();
	json_object_set_new(o, "kind", json_string("kernel"));
	json_object_set_new(o, "name", json_string(name));
	file = srcidx__lookup(r->src, name, &line);
	if (file) {
		char buf[1200];

		snprintf(buf, sizeof(buf), "%s:%u", file, line);
		json_object_set_new(o, "source", json_string(buf));
	}
	if (bridge_for)
		json_object_set_new(o, "bridge_for", json_string(bridge_for));
	set_common(o, r, &(struct proto_src){ r->vm.btf, pid, NULL }, notes);
	json_decref(notes);
	*out = o;
	return 0;
}

/* The sched_ext_ops member a callback implements: the longest suffix of its
 * name after a '_' (or the whole name) that is a member. */
static const char *ops_member(struct btfres *r, const char *name, unsigned int *member_type)
{
	unsigned int sid = btfx__find(&r->vm, "sched_ext_ops", BTF_KIND_STRUCT);
	const char *s;

	if (!sid)
		return NULL;
	for (s = name; s; s = strchr(s, '_')) {
		unsigned int bits, tid, bf;

		if (*s == '_')
			s++;
		if (*s && !btfx__member(r->vm.btf, sid, s, &bits, &tid, &bf)) {
			const struct btf_type *t = btfx__strip(r->vm.btf, tid, NULL);

			if (t && btf_is_ptr(t)) {
				*member_type = t->type;
				return s;
			}
		}
	}
	return NULL;
}

/* The prototype of a struct_ops callback: the kernel's CFI stub
 * sched_ext_ops__<op> has parameter names; the member's own FUNC_PROTO has
 * none. */
static bool op_proto(struct btfres *r, const char *op, unsigned int member_type, unsigned int *proto_id)
{
	char stub[128];
	unsigned int fid;
	const struct btf_type *t;

	snprintf(stub, sizeof(stub), "sched_ext_ops__%s", op);
	fid = btfx__find(&r->vm, stub, BTF_KIND_FUNC);
	if (fid && func_proto(r->vm.btf, fid, proto_id))
		return true;
	t = btfx__strip(r->vm.btf, member_type, proto_id);
	return t && btf_is_func_proto(t);
}

/* BPF_PROG() callbacks have the single context argument "unsigned long long *ctx". */
static bool ctx_only(const struct btf *btf, unsigned int proto_id)
{
	const struct btf_type *t = btf__type_by_id(btf, proto_id), *p;

	if (!t || !btf_is_func_proto(t) || btf_vlen(t) != 1)
		return false;
	p = btfx__strip(btf, btf_params(t)[0].type, NULL);
	if (!p || !btf_is_ptr(p))
		return false;
	p = btfx__strip(btf, p->type, NULL);
	return p && btf_is_int(p) && p->size == 8;
}

int target__bpf(struct btfres *r, const char *name, json_t **out, const char **op_out)
{
	const struct bprog *prog = NULL;
	const struct bpfobj *obj = NULL;
	struct proto_src ps = { 0 };
	unsigned int member_type = 0, proto_id;
	const char *op = NULL;
	json_t *o, *notes;
	size_t i;

	*op_out = NULL;
	for (i = 0; i < r->nobjs && !prog; i++)
		if ((prog = bpfobj__find(&r->objs[i], name)))
			obj = &r->objs[i];
	notes = json_array();
	if (prog) {
		const struct btf_type *f = btf__type_by_id(obj->bx.btf, prog->type_id);

		proto_id = f->type;
		/* Only struct_ops programs implement ops; a tracing program
		 * named like one (handle_enqueue) does not. */
		if (bprog__is_struct_ops(prog))
			op = ops_member(r, prog->name, &member_type);
		if (op && ctx_only(obj->bx.btf, proto_id)) {
			if (!op_proto(r, op, member_type, &proto_id)) {
				json_decref(notes);
				*out = error_record(name, "no prototype for struct_ops member");
				return -ENOENT;
			}
			ps = (struct proto_src){ r->vm.btf, proto_id, obj->bx.btf };
		} else {
			ps = (struct proto_src){ obj->bx.btf, proto_id, NULL };
		}
	} else if (r->nobjs == 0 && (op = ops_member(r, name, &member_type)) &&
		   op_proto(r, op, member_type, &proto_id)) {
		/* No object to read: the op's prototype still tells the arguments. */
		ps = (struct proto_src){ r->vm.btf, proto_id, NULL };
		json_array_append_new(notes, json_string("no --bpf-obj: prototype of sched_ext_ops member, no line info"));
	} else {
		json_decref(notes);
		*out = error_record(name, r->nobjs ? "not in BPF object" : "not a sched_ext_ops callback");
		return -ENOENT;
	}
	o = json_object();
	json_object_set_new(o, "kind", json_string("bpf"));
	json_object_set_new(o, "name", json_string(prog ? prog->name : name));
	if (prog && prog->file) {
		char buf[512];

		snprintf(buf, sizeof(buf), "%s:%u", prog->file, prog->line);
		json_object_set_new(o, "source", json_string(buf));
	}
	json_object_set_new(o, "attach", json_string(prog ? prog->name : name));
	if (op)
		json_object_set_new(o, "op", json_string(op));
	if (obj)
		json_object_set_new(o, "object", json_string(obj->bx.path));
	set_common(o, r, &ps, notes);
	json_decref(notes);
	*out = o;
	*op_out = op;
	return 0;
}

/*
 * A template for ops.OP: no program known on the host, so the op's kernel
 * prototype gives the arguments; the probe agent binds it to whatever
 * program implements that op in the loaded scheduler (its struct_ops map
 * says which) and reports the program's name and source line.
 */
int target__op(struct btfres *r, const char *op, json_t **out)
{
	unsigned int sid = btfx__find(&r->vm, "sched_ext_ops", BTF_KIND_STRUCT), bits, tid, bf, proto_id;
	const struct btf_type *t;
	char name[128];
	json_t *o, *notes;

	*out = NULL;
	if (!sid || btfx__member(r->vm.btf, sid, op, &bits, &tid, &bf))
		return -ENOENT;
	t = btfx__strip(r->vm.btf, tid, NULL);
	if (!t || !btf_is_ptr(t) || !op_proto(r, op, t->type, &proto_id))
		return -ENOENT;
	snprintf(name, sizeof(name), "ops.%s", op);
	o = json_object();
	notes = json_array();
	json_object_set_new(o, "kind", json_string("bpf"));
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "attach", json_string(name));
	json_object_set_new(o, "op", json_string(op));
	json_object_set_new(o, "template", json_true());
	set_common(o, r, &(struct proto_src){ r->vm.btf, proto_id, NULL }, notes);
	json_decref(notes);
	*out = o;
	return 0;
}

/* Calls fn for each function pointer member of the kernel's sched_ext_ops. */
int target__each_op(struct btfres *r, int (*fn)(struct btfres *r, const char *op, void *ctx), void *ctx)
{
	unsigned int sid = btfx__find(&r->vm, "sched_ext_ops", BTF_KIND_STRUCT);
	const struct btf_type *st = sid ? btf__type_by_id(r->vm.btf, sid) : NULL;
	const struct btf_member *m;
	int i, ret = 0;

	if (!st)
		return -ENOENT;
	m = btf_members(st);
	for (i = 0; i < btf_vlen(st) && !ret; i++, m++) {
		const struct btf_type *t = btfx__strip(r->vm.btf, m->type, NULL);

		if (!t || !btf_is_ptr(t))
			continue;
		t = btfx__strip(r->vm.btf, t->type, NULL);
		if (t && btf_is_func_proto(t))
			ret = fn(r, btf__name_by_offset(r->vm.btf, m->name_off), ctx);
	}
	return ret;
}
