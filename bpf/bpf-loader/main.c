// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-bpf-loader: load a bare BPF object as a sched_ext scheduler, wait
 * until it exits, print how.
 *
 * Runs as a static binary inside ktstr's guest, for a user who names an
 * object (`scheduler: my_sched.bpf.o`) rather than a scheduler binary. No
 * skeleton: everything the scx headers' user side (SCX_OPS_OPEN,
 * SCX_OPS_LOAD, SCX_OPS_ATTACH of tools/sched_ext/include/scx/compat.h)
 * does through a skeleton is done here by name, from the object's BTF:
 *
 *   - every .rodata variable "__NAME" whose NAME is an enumerator of the
 *     kernel's BTF gets its value (SCX_ENUM_INIT: __SCX_DSQ_LOCAL, ...);
 *   - ops.hotplug_seq from /sys/kernel/sched_ext/hotplug_seq;
 *   - the exit record (UEI_DEFINE: a struct user_exit_info variable, its
 *     "<name>_dump" array in section .data.<name>_dump and the .rodata
 *     "<name>_dump_len"), sized to ops.exit_dump_len or 32768 (UEI_SET_SIZE);
 *   - the programs that are not struct_ops are attached before the
 *     struct_ops maps (the skeleton's attach, then the map's).
 *
 * Output (stdout): a start line, an "attached" line, then when the scheduler
 * exits an "EXIT:" line in scx-ktstr's format and the kernel's debug dump.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "loader.h"
#include "scx.h"
#include "log.h"
#include "usage.h"

#define HOTPLUG_SEQ_PATH "/sys/kernel/sched_ext/hotplug_seq"
#define KMSG_PATH "/dev/kmsg"
/* struct user_exit_info of tools/sched_ext/include/scx/user_exit_info_common.h */
#define UEI_STRUCT "user_exit_info"
#define UEI_DUMP_DFL_LEN 32768
/* struct_ops types whose members this loader sets: sched_ext_ops, sched_ext_ops_cid. */
#define SCX_OPS_PREFIX "sched_ext_ops"

static const char help_text[] =
	"Usage: ktstr-bpf-loader OBJ [OPTIONS]\n"
	"Load the BPF object OBJ as a sched_ext scheduler (no skeleton), attach its\n"
	"struct_ops maps, wait until it exits, print how it exited (EXIT: line and\n"
	"the kernel's debug dump).\n"
	"\n"
	"Before load, .rodata variables named __NAME get the value of the kernel's\n"
	"enumerator NAME (the scx headers' SCX_ENUM_INIT), ops.hotplug_seq is set\n"
	"and the exit record (UEI) is sized, as the scx headers' user side does.\n"
	"\n"
	"  --timeout-ms N        sched_ext watchdog timeout, ops.timeout_ms\n"
	"                        (default: the object's, else the kernel's)\n"
	"  -v, --verbose         libbpf debug output and each constant set, on stderr\n"
	"  -h, --help            show this help\n"
	"  -V, --version         show the version\n"
	"\n"
	"Exit status: 0 unloaded after SIGINT/SIGTERM, 1 the scheduler exited with\n"
	"an error or was unloaded by the kernel, 2 usage error or bad object,\n"
	"3 no sched_ext, or the object failed to load or attach.\n";

struct options {
	const char *obj_path;
	long timeout_ms;	/* -1: leave the object's value */
	int verbose;
};

/* A member or variable: where it sits in its buffer and how big it is. */
struct field {
	long off;		/* -1: absent */
	long size;
};

/* The exit record UEI_DEFINE(name) makes, located through the object's BTF. */
struct uei {
	struct bpf_map *map;	/* the data section map holding the struct */
	struct bpf_map *dump_map;	/* .data.<name>_dump, or NULL */
	char name[64];
	long var_off;
	struct field kind, exit_cpu, exit_code, reason, msg;
	void *buf;		/* a copy of map's value */
	size_t buf_size;
};

static int verbose;

static void parse_args(int argc, char **argv, struct options *o)
{
	enum { OPT_TIMEOUT = 256 };
	static const struct option longopts[] = {
		{ "timeout-ms", required_argument, NULL, OPT_TIMEOUT },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;	/* report bad options once, in our own words */
	*o = (struct options){ .timeout_ms = -1 };
	while ((c = getopt_long(argc, argv, ":vhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_TIMEOUT:
			o->timeout_ms = loader__parse_ms("--timeout-ms", optarg, UINT32_MAX);
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			usage__help(help_text);
		case 'V':
			usage__version();
		default:
			usage__bad_option(c, argv, "an argument");
		}
	}
	if (optind >= argc)
		usage__bad("no BPF object given");
	o->obj_path = argv[optind++];
	if (optind < argc)
		usage__bad("unexpected argument '%s'", argv[optind]);
}

/* An integer of 1, 2, 4 or 8 bytes at p, in the host's byte order. */
static bool put_uint(void *p, long size, uint64_t v)
{
	uint8_t u8 = v;
	uint16_t u16 = v;
	uint32_t u32 = v;

	switch (size) {
	case 1:
		memcpy(p, &u8, 1);
		return true;
	case 2:
		memcpy(p, &u16, 2);
		return true;
	case 4:
		memcpy(p, &u32, 4);
		return true;
	case 8:
		memcpy(p, &v, 8);
		return true;
	}
	return false;
}

static int64_t get_int(const void *p, long size, bool is_signed)
{
	int8_t s8;
	int16_t s16;
	int32_t s32;
	int64_t s64;

	switch (size) {
	case 1:
		memcpy(&s8, p, 1);
		return is_signed ? (int64_t)s8 : (int64_t)(uint8_t)s8;
	case 2:
		memcpy(&s16, p, 2);
		return is_signed ? (int64_t)s16 : (int64_t)(uint16_t)s16;
	case 4:
		memcpy(&s32, p, 4);
		return is_signed ? (int64_t)s32 : (int64_t)(uint32_t)s32;
	case 8:
		memcpy(&s64, p, 8);
		return s64;
	}
	return 0;
}

/* Member NAME of the struct (or typedef of one) TYPE_ID; bitfields count as absent. */
static struct field member(const struct btf *btf, __u32 type_id, const char *name)
{
	struct field f = { -1, 0 };
	int id = btf__resolve_type(btf, type_id);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	const struct btf_member *m;
	int i;

	if (!t || !btf_is_struct(t))
		return f;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), name))
			continue;
		if (btf_member_bitfield_size(t, i) || btf_member_bit_offset(t, i) % 8)
			return f;
		f.off = btf_member_bit_offset(t, i) / 8;
		f.size = btf__resolve_size(btf, m->type);
		if (f.size < 0)
			f.off = -1;
		return f;
	}
	return f;
}

/* The name of the struct TYPE_ID is (through typedefs and modifiers), or "". */
static const char *struct_name(const struct btf *btf, __u32 type_id)
{
	int id = btf__resolve_type(btf, type_id);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, id) : NULL;

	return t && btf_is_struct(t) ? btf__name_by_offset(btf, t->name_off) : "";
}

/* The DATASEC named SEC, or NULL. */
static const struct btf_type *datasec(const struct btf *btf, const char *sec)
{
	int id = btf ? btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC) : -1;

	return id > 0 ? btf__type_by_id(btf, id) : NULL;
}

/* Variable NAME of DATASEC SEC: offset and size, or off -1. */
static struct field sec_var(const struct btf *btf, const char *sec, const char *name, __u32 *type_id)
{
	const struct btf_type *ds = datasec(btf, sec);
	const struct btf_var_secinfo *vs;
	struct field f = { -1, 0 };
	int i;

	if (!ds)
		return f;
	vs = btf_var_secinfos(ds);
	for (i = 0; i < btf_vlen(ds); i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type);

		if (!v || !btf_is_var(v) || strcmp(btf__name_by_offset(btf, v->name_off), name))
			continue;
		f.off = vs->offset;
		f.size = vs->size;
		if (type_id)
			*type_id = v->type;
		return f;
	}
	return f;
}

/* ---- scx enum constants (SCX_ENUM_INIT) ---- */

struct want {
	const char *name;	/* the enumerator: the variable's name without "__" */
	long off, size;		/* the variable in .rodata */
	bool found, from_scx;	/* from_scx: found in an enum type named scx_* */
	uint64_t val;
	const char *type;	/* the enum type it came from */
	bool truncated;		/* an 8-byte ENUM: BTF without ENUM64, low 32 bits only */
};

static int want_cmp(const void *a, const void *b)
{
	return strcmp(((const struct want *)a)->name, ((const struct want *)b)->name);
}

static int want_key_cmp(const void *key, const void *b)
{
	return strcmp(key, ((const struct want *)b)->name);
}

static void offer(struct want *w, size_t n, const char *name, uint64_t val, const char *type, bool truncated)
{
	struct want *hit = bsearch(name, w, n, sizeof(*w), want_key_cmp);
	bool scx = !strncmp(type, "scx_", 4);

	/* Enumerator names can repeat across the kernel's enums: scx_* types win. */
	if (!hit || (hit->found && (hit->from_scx || !scx)))
		return;
	hit->found = true;
	hit->from_scx = scx;
	hit->val = val;
	hit->type = type;
	hit->truncated = truncated;
}

/*
 * Every variable __NAME of the DATASEC SEC whose NAME is an enumerator of
 * the kernel's BTF (any ENUM or ENUM64 type) gets that enumerator's value,
 * written with the variable's size into the section's initial value. Others
 * keep the object's value. Returns the number set, or a negative errno.
 */
static int fill_enums(struct bpf_object *obj, const struct btf *vmlinux, const char *sec, int *nr_unknown)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *ds = datasec(btf, sec);
	struct bpf_map *map = ds ? bpf_object__find_map_by_name(obj, sec) : NULL;
	const struct btf_var_secinfo *vs;
	struct want *w;
	size_t n = 0, size = 0, j;
	__u32 id, nr_types;
	char *data;
	int i, set = 0;

	*nr_unknown = 0;
	if (!ds || !map || !(data = bpf_map__initial_value(map, &size)))
		return 0;
	w = calloc(btf_vlen(ds) + 1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	vs = btf_var_secinfos(ds);
	for (i = 0; i < btf_vlen(ds); i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type);
		const char *name = v && btf_is_var(v) ? btf__name_by_offset(btf, v->name_off) : NULL;

		if (!name || strncmp(name, "__", 2) || !name[2])
			continue;
		if (vs->offset + vs->size > size)
			continue;
		w[n++] = (struct want){ .name = name + 2, .off = vs->offset, .size = vs->size };
	}
	qsort(w, n, sizeof(*w), want_cmp);

	/* One pass over the kernel's types. */
	nr_types = n ? btf__type_cnt(vmlinux) : 0;
	for (id = 1; id < nr_types; id++) {
		const struct btf_type *t = btf__type_by_id(vmlinux, id);
		const char *tname;

		if (!btf_is_enum(t) && !btf_is_enum64(t))
			continue;
		tname = btf__name_by_offset(vmlinux, t->name_off);
		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);

			for (i = 0; i < btf_vlen(t); i++, e++) {
				uint64_t val = btf_kflag(t) ? (uint64_t)(int64_t)e->val : (uint64_t)(uint32_t)e->val;

				offer(w, n, btf__name_by_offset(vmlinux, e->name_off), val, tname, t->size == 8);
			}
		} else {
			const struct btf_enum64 *e = btf_enum64(t);

			for (i = 0; i < btf_vlen(t); i++, e++)
				offer(w, n, btf__name_by_offset(vmlinux, e->name_off), btf_enum64_value(e), tname,
				      false);
		}
	}

	for (j = 0; j < n; j++) {
		if (!w[j].found) {
			(*nr_unknown)++;
			log_info("%s __%s: no such enumerator in the kernel's BTF, left as is", sec, w[j].name);
			continue;
		}
		if (!put_uint(data + w[j].off, w[j].size, w[j].val)) {
			warning("%s __%s: a %ld-byte variable: not set", sec, w[j].name, w[j].size);
			continue;
		}
		if (w[j].truncated)
			warning("%s __%s: the kernel's BTF has %s as an 8-byte ENUM without ENUM64: "
				"only its low 32 bits are known (0x%llx)",
				sec, w[j].name, w[j].type, (unsigned long long)w[j].val);
		log_info("%s __%s = 0x%llx (enum %s)", sec, w[j].name, (unsigned long long)w[j].val, w[j].type);
		set++;
	}
	free(w);
	return set;
}

/* ---- struct_ops maps ---- */

/* The struct type of a struct_ops map's value, from the object's BTF. */
static __u32 struct_ops_type(struct bpf_object *obj, struct bpf_map *map)
{
	const struct btf *btf = bpf_object__btf(obj);
	__u32 id = bpf_map__btf_value_type_id(map);
	__u32 nr, i;

	if (id)
		return id;
	/* Older libbpf: the variable of a .struct_ops* section named as the map. */
	nr = btf ? btf__type_cnt(btf) : 0;
	for (i = 1; i < nr; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);

		if (btf_is_datasec(t) && !strncmp(btf__name_by_offset(btf, t->name_off), ".struct_ops", 11) &&
		    sec_var(btf, btf__name_by_offset(btf, t->name_off), bpf_map__name(map), &id).off >= 0)
			return id;
	}
	return 0;
}

static bool is_scx_ops(struct bpf_object *obj, struct bpf_map *map)
{
	return !strncmp(struct_name(bpf_object__btf(obj), struct_ops_type(obj, map)), SCX_OPS_PREFIX,
			strlen(SCX_OPS_PREFIX));
}

/* Member NAME of a struct_ops map's initial value: a pointer into it, or NULL. */
static void *ops_member(struct bpf_object *obj, struct bpf_map *map, const char *name, long *size)
{
	struct field f = member(bpf_object__btf(obj), struct_ops_type(obj, map), name);
	size_t vsize = 0;
	char *data = bpf_map__initial_value(map, &vsize);

	if (!data || f.off < 0 || (size_t)(f.off + f.size) > vsize)
		return NULL;
	*size = f.size;
	return data + f.off;
}

static bool set_ops_uint(struct bpf_object *obj, struct bpf_map *map, const char *name, uint64_t v)
{
	long size = 0;
	void *p = ops_member(obj, map, name, &size);

	return p && put_uint(p, size, v);
}

/* /sys/kernel/sched_ext/hotplug_seq, or -1 when the kernel has none. */
static long long read_hotplug_seq(void)
{
	char buf[32], *end;
	long long v;
	FILE *f = fopen(HOTPLUG_SEQ_PATH, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n') || v < 0)
		return -1;
	return v;
}

/* ---- the exit record (UEI_DEFINE) ---- */

/* The first variable of a .data* or .bss* section whose type is struct user_exit_info. */
static bool find_uei(struct bpf_object *obj, struct uei *u)
{
	const struct btf *btf = bpf_object__btf(obj);
	__u32 nr = btf ? btf__type_cnt(btf) : 0, i;
	int k;

	memset(u, 0, sizeof(*u));
	for (i = 1; i < nr; i++) {
		const struct btf_type *ds = btf__type_by_id(btf, i);
		const struct btf_var_secinfo *vs;
		const char *sec;

		if (!btf_is_datasec(ds))
			continue;
		sec = btf__name_by_offset(btf, ds->name_off);
		if (strncmp(sec, ".data", 5) && strncmp(sec, ".bss", 4))
			continue;
		vs = btf_var_secinfos(ds);
		for (k = 0; k < btf_vlen(ds); k++, vs++) {
			const struct btf_type *v = btf__type_by_id(btf, vs->type);

			if (!btf_is_var(v) || strcmp(struct_name(btf, v->type), UEI_STRUCT))
				continue;
			u->map = bpf_object__find_map_by_name(obj, sec);
			if (!u->map)
				continue;
			snprintf(u->name, sizeof(u->name), "%s", btf__name_by_offset(btf, v->name_off));
			u->var_off = vs->offset;
			u->kind = member(btf, v->type, "kind");
			u->exit_cpu = member(btf, v->type, "exit_cpu");
			u->exit_code = member(btf, v->type, "exit_code");
			u->reason = member(btf, v->type, "reason");
			u->msg = member(btf, v->type, "msg");
			if (u->kind.off < 0) {
				warning("%s %s: struct %s has no member 'kind': exit record ignored", sec, u->name,
					UEI_STRUCT);
				memset(u, 0, sizeof(*u));
				return false;
			}
			return true;
		}
	}
	return false;
}

/*
 * UEI_SET_SIZE: the dump array "<name>_dump" (its own section, resizable)
 * gets ops.exit_dump_len bytes, 32768 when that is 0, and the .rodata
 * "<name>_dump_len" says so. Both or neither. Returns the length, or 0.
 */
static long size_uei_dump(struct bpf_object *obj, struct bpf_map *ops, struct uei *u)
{
	const struct btf *btf = bpf_object__btf(obj);
	char sec[96], var[80];
	struct field len_var;
	struct bpf_map *rodata = bpf_object__find_map_by_name(obj, ".rodata");
	size_t rsize = 0;
	char *rdata = rodata ? bpf_map__initial_value(rodata, &rsize) : NULL;
	long len = 0, size = 0;
	void *p = ops ? ops_member(obj, ops, "exit_dump_len", &size) : NULL;
	int err;

	snprintf(sec, sizeof(sec), ".data.%s_dump", u->name);
	snprintf(var, sizeof(var), "%s_dump_len", u->name);
	u->dump_map = bpf_object__find_map_by_name(obj, sec);
	len_var = sec_var(btf, ".rodata", var, NULL);
	if (!u->dump_map || len_var.off < 0 || !rdata || (size_t)(len_var.off + len_var.size) > rsize) {
		u->dump_map = NULL;
		return 0;
	}
	if (p)
		len = get_int(p, size, false);
	if (!len)
		len = UEI_DUMP_DFL_LEN;
	err = bpf_map__set_value_size(u->dump_map, len);
	if (err) {
		warning("%s: cannot resize to %ld bytes: %s: no dump", sec, len, strerror(-err));
		u->dump_map = NULL;
		return 0;
	}
	put_uint(rdata + len_var.off, len_var.size, len);
	return len;
}

/* Copy the record's map value; false when it cannot be read. */
static bool uei_read(struct uei *u)
{
	if (!u->map)
		return false;
	if (!u->buf) {
		u->buf_size = bpf_map__value_size(u->map);
		u->buf = calloc(1, u->buf_size);
		if (!u->buf)
			return false;
	}
	return bpf_map_lookup_elem(bpf_map__fd(u->map), &(int){ 0 }, u->buf) == 0;
}

static const char *uei_field(const struct uei *u, struct field f)
{
	if (f.off < 0 || (size_t)(u->var_off + f.off + f.size) > u->buf_size)
		return NULL;
	return (const char *)u->buf + u->var_off + f.off;
}

static long long uei_int(const struct uei *u, struct field f, long long dflt)
{
	const char *p = uei_field(u, f);

	return p ? get_int(p, f.size, true) : dflt;
}

static int uei_kind(struct uei *u)
{
	return u->map && uei_read(u) ? (int)uei_int(u, u->kind, 0) : 0;
}

/* ---- the kernel log, for objects without an exit record ---- */

/* /dev/kmsg opened at its end: what the kernel says from now on. */
static int kmsg_open(void)
{
	int fd = open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * The kernel's lines since kmsg_open(): `sched_ext: BPF scheduler "X"
 * disabled (REASON)` at level err or info, and at err the message line
 * after it, `sched_ext: X: MSG`. Returns 1 (error), 0 (not an error) or
 * -1 (nothing said).
 */
static int kmsg_exit(int fd, char *reason, size_t rlen, char *msg, size_t mlen)
{
	char rec[2048], name[160] = "";
	int level = -1;
	bool want_msg = false;
	ssize_t n;

	reason[0] = msg[0] = '\0';
	if (fd < 0)
		return -1;
	for (;;) {
		char *text, *d, *close;
		int lvl;

		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records overwritten: go on with the next */
		if (n <= 0)
			break;
		rec[n] = '\0';
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		text[strcspn(text, "\n")] = '\0';
		lvl = atoi(rec) & 7;
		if (!strncmp(text, "sched_ext: BPF scheduler \"", 26) && (d = strstr(text, "\" disabled (")) &&
		    (close = strrchr(d, ')'))) {
			snprintf(name, sizeof(name), "%.*s: ", (int)(d - text - 26), text + 26);
			d += 12;
			snprintf(reason, rlen, "%.*s", (int)(close - d), d);
			msg[0] = '\0';
			level = lvl;
			want_msg = lvl <= 3;
		} else if (want_msg && !strncmp(text, "sched_ext: ", 11)) {
			text += 11;
			if (!strncmp(text, name, strlen(name)))
				text += strlen(name);
			snprintf(msg, mlen, "%s", text);
			want_msg = false;
		} else {
			want_msg = false;
		}
	}
	return level < 0 ? -1 : level <= 3;
}

/* libbpf's errors have numbers of their own (LIBBPF_ERRNO__*). */
static const char *lerr(int err)
{
	static char buf[128];

	if (libbpf_strerror(err, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "%s", strerror(err < 0 ? -err : err));
	return buf;
}

/* ---- reporting ---- */

/* The EXIT line and the dump from the exit record; returns the kind. */
static int print_uei(const struct btf *vmlinux, struct uei *u)
{
	char name[64];
	int kind = (int)uei_int(u, u->kind, 0);

	loader__print_exit_line(loader__exit_kind_name(vmlinux, kind, name, sizeof(name)), kind,
				uei_field(u, u->reason), u->reason.size, uei_field(u, u->msg), u->msg.size);
	if (u->dump_map) {
		size_t len = bpf_map__value_size(u->dump_map);
		char *dump = calloc(1, len + 1);

		if (dump && !bpf_map_lookup_elem(bpf_map__fd(u->dump_map), &(int){ 0 }, dump))
			loader__print_dump(dump, len);
		free(dump);
	}
	printf("%s: exit_code %lld, exit_cpu %lld (%s)\n", usage__prog(), uei_int(u, u->exit_code, 0),
	       uei_int(u, u->exit_cpu, -1), u->name);
	fflush(stdout);
	return kind;
}

static bool state_enabled(void)
{
	char st[64];

	scx__read_state(st, sizeof(st));
	return !strcmp(st, "enabled") || !strcmp(st, "enabling");
}

/* The object's name: its file name without ".o" and ".bpf" (libbpf's is cut at 15 characters). */
static const char *obj_name(const char *path)
{
	static char buf[256];
	const char *slash = strrchr(path, '/');
	size_t n;

	snprintf(buf, sizeof(buf), "%s", slash ? slash + 1 : path);
	n = strlen(buf);
	if (n > 2 && !strcmp(buf + n - 2, ".o"))
		buf[n -= 2] = '\0';
	if (n > 4 && !strcmp(buf + n - 4, ".bpf"))
		buf[n -= 4] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct bpf_map *map, *first_ops = NULL;
	struct bpf_link **links = NULL;
	struct btf *vmlinux = NULL;
	struct options o;
	struct uei u = { 0 };
	struct stat st;
	bool have_uei, left = false, by_kernel, timeout_set = false;
	char state[64], ops_names[256] = "", kname[64], hp_text[32] = "unset";
	char uei_text[128] = "none (the kernel's log says how it ended)";
	long long hp_seq;
	long dump_len = 0;
	size_t nlinks = 0, maxlinks, len = 0;
	int err, nprogs = 0, nops = 0, nconst = 0, nunknown = 0, kind = 0, kmsg = -1;
	int ret = KT_EXIT_ENV;
	double t0, t_loaded, t_attached, t_left = 0;

	usage__set_prog(argv[0]);
	parse_args(argc, argv, &o);
	verbose = o.verbose;
	log__init_plain(verbose);
	setvbuf(stdout, NULL, _IOLBF, 0);
	loader__set_libbpf_print(verbose);

	/* The object first: a bad one is a usage error on any kernel. */
	if (stat(o.obj_path, &st))
		die(KT_EXIT_USAGE, "%s: %s", o.obj_path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die(KT_EXIT_USAGE, "%s: not a regular file", o.obj_path);
	t0 = loader__now_s();
	obj = bpf_object__open_file(o.obj_path, NULL);
	if (!obj)
		die(KT_EXIT_USAGE, "%s: cannot open as a BPF object: %s", o.obj_path, lerr(errno));
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS || !bpf_map__autocreate(map))
			continue;
		nops++;
		if (len < sizeof(ops_names))
			len += snprintf(ops_names + len, sizeof(ops_names) - len, "%s%s", nops > 1 ? "," : "",
					bpf_map__name(map));
		if (!first_ops && is_scx_ops(obj, map))
			first_ops = map;
	}
	if (!nops) {
		error("%s: no struct_ops map: not a sched_ext scheduler", o.obj_path);
		ret = KT_EXIT_USAGE;
		goto cleanup;
	}

	if (loader__check_sched_ext())
		goto cleanup;
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		error("the kernel's BTF: %s", strerror(errno));
		vmlinux = NULL;
		goto cleanup;
	}
	printf("%s %s: starting (pid %d, %s)\n", usage__prog(), KTSTR_VERSION, (int)getpid(), o.obj_path);

	/* SCX_ENUM_INIT, for any enumerator the object asks for. */
	nconst = fill_enums(obj, vmlinux, ".rodata", &nunknown);
	if (nconst < 0) {
		error("%s: filling .rodata: %s", o.obj_path, strerror(-nconst));
		goto cleanup;
	}
	/* __SCX_OPS_OPEN: ops.hotplug_seq; then --timeout-ms. */
	hp_seq = read_hotplug_seq();
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS || !is_scx_ops(obj, map))
			continue;
		if (hp_seq >= 0)
			set_ops_uint(obj, map, "hotplug_seq", hp_seq);
		if (o.timeout_ms >= 0 && set_ops_uint(obj, map, "timeout_ms", o.timeout_ms))
			timeout_set = true;
	}
	if (o.timeout_ms >= 0 && !timeout_set)
		warning("--timeout-ms: no struct_ops map of type %s* with a timeout_ms member: ignored",
			SCX_OPS_PREFIX);
	/* UEI_SET_SIZE */
	have_uei = find_uei(obj, &u);
	if (have_uei)
		dump_len = size_uei_dump(obj, first_ops, &u);
	if (hp_seq >= 0)
		snprintf(hp_text, sizeof(hp_text), "%lld", hp_seq);
	if (have_uei)
		snprintf(uei_text, sizeof(uei_text), "%s (dump %ld bytes)", u.name, dump_len);
	printf("%s: %s: struct_ops %s, %d enum constants set (%d other __ names left), hotplug_seq %s, "
	       "exit record %s\n", usage__prog(), obj_name(o.obj_path), ops_names, nconst, nunknown, hp_text, uei_text);

	err = bpf_object__load(obj);
	if (err) {
		/* libbpf printed the verifier log (BEGIN/END PROG LOAD LOG) above. */
		error("loading %s: %s", o.obj_path, lerr(err));
		goto cleanup;
	}
	t_loaded = loader__now_s();
	bpf_object__for_each_program(prog, obj)
		if (bpf_program__autoload(prog))
			nprogs++;

	maxlinks = nprogs + nops;
	links = calloc(maxlinks + 1, sizeof(*links));
	if (!links) {
		error("out of memory");
		goto cleanup;
	}
	loader__catch_signals();
	kmsg = kmsg_open();
	/* The skeleton's attach (fentry/bpf_scx_reg probes and the like), then the maps. */
	bpf_object__for_each_program(prog, obj) {
		struct bpf_link *l;

		if (!bpf_program__autoload(prog) || !bpf_program__autoattach(prog) ||
		    bpf_program__type(prog) == BPF_PROG_TYPE_STRUCT_OPS)
			continue;
		l = bpf_program__attach(prog);
		if (!l && errno == EOPNOTSUPP) {
			log_info("program %s: no automatic attach, left loaded", bpf_program__name(prog));
			continue;
		}
		if (!l) {
			error("attaching program %s (%s): %s", bpf_program__name(prog),
			      bpf_program__section_name(prog), strerror(errno));
			goto cleanup;
		}
		links[nlinks++] = l;
	}
	bpf_object__for_each_map(map, obj) {
		struct bpf_link *l;

		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS || !bpf_map__autocreate(map))
			continue;
		l = bpf_map__attach_struct_ops(map);
		if (!l) {
			err = -errno;
			error("attaching struct_ops %s: %s", bpf_map__name(map), strerror(-err));
			/* ops.init failing leaves its record: that is the scheduler's failure. */
			if (have_uei && uei_kind(&u)) {
				print_uei(vmlinux, &u);
				ret = KT_EXIT_FAIL;
			}
			goto cleanup;
		}
		links[nlinks++] = l;
	}
	t_attached = loader__now_s();
	scx__read_state(state, sizeof(state));
	printf("%s: attached %s (%d programs; state %s, open+load %.2fs, attach %.2fs)\n", usage__prog(),
	       obj_name(o.obj_path), nprogs, state[0] ? state : "unknown", t_loaded - t0, t_attached - t_loaded);

	/* Until a signal, an exit record, or sched_ext no longer enabled. */
	for (;;) {
		if (loader__stop_signal())
			break;
		if (have_uei && (kind = uei_kind(&u)))
			break;
		if (!state_enabled()) {
			if (!left) {
				left = true;
				t_left = loader__now_s();
			}
			/* ops.exit writes the record while the kernel disables: give it a moment. */
			if (!have_uei || (loader__now_s() - t_left) * 1000 >= LOADER__EXIT_GRACE_MS)
				break;
		}
		loader__sleep_ms(LOADER__POLL_MS);
	}
	/* Anything but our own unload after a signal: the kernel ended it. */
	by_kernel = !loader__stop_signal() || kind || left;
	if (!by_kernel)
		printf("%s: %s, unloading\n", usage__prog(), strsignal(loader__stop_signal()));
	/* Unregistering runs ops.exit before the link's release returns. */
	while (nlinks)
		bpf_link__destroy(links[--nlinks]);

	if (have_uei && (kind = uei_kind(&u))) {
		print_uei(vmlinux, &u);
		ret = kind >= 1024 || by_kernel ? KT_EXIT_FAIL : KT_EXIT_OK;
	} else {
		char reason[256], msg[1024];
		int is_err = kmsg_exit(kmsg, reason, sizeof(reason), msg, sizeof(msg));

		if (is_err < 0)
			snprintf(reason, sizeof(reason), "%s", have_uei ? "no exit record" :
				 "no exit record (the object has no struct user_exit_info)");
		loader__print_exit_line(loader__exit_kind_name(vmlinux, -1, kname, sizeof(kname)), -1, reason,
					sizeof(reason), msg, sizeof(msg));
		ret = is_err > 0 || by_kernel ? KT_EXIT_FAIL : KT_EXIT_OK;
	}
cleanup:
	fflush(stdout);
	while (links && nlinks)
		bpf_link__destroy(links[--nlinks]);
	free(links);
	free(u.buf);
	if (kmsg >= 0)
		close(kmsg);
	bpf_object__close(obj);
	btf__free(vmlinux);
	return ret;
}
