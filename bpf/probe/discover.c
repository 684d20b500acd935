// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "discover.h"
#include "kfacts.h"
#include "lineinfo.h"

#define OPS_STRUCT "sched_ext_ops"

static bool is_func_ptr(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_func_proto(t);
}

/*
 * Name and source line of a loaded program, from its BTF and line_info:
 * the function of its first func_info record; the line by lib/lineinfo.h's
 * rule (the BPF_PROG() line of a callback), as ktstr-btfres reads an object.
 */
static void prog_details(int fd, struct found_prog *f)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info), nfi, nli, fsz, lsz, end = ~0u, i, best;
	struct lineinfo lines = { 0 };
	struct bpf_line_info *li = NULL;
	struct bpf_func_info *fi = NULL;
	struct btf *btf = NULL;
	const char *file = NULL, *base;

	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		return;
	snprintf(f->name, sizeof(f->name), "%s", info.name);	/* cut at 15 characters */
	nfi = info.nr_func_info;
	nli = info.nr_line_info;
	fsz = info.func_info_rec_size;
	lsz = info.line_info_rec_size;
	if (!info.btf_id || !nfi || fsz < sizeof(*fi) || lsz < sizeof(*li) || nfi > 4096 || nli > 1 << 20)
		return;
	fi = calloc(nfi, fsz);
	li = calloc(nli ? nli : 1, lsz);
	if (!fi || !li)
		goto cleanup;
	memset(&info, 0, sizeof(info));
	info.nr_func_info = nfi;
	info.func_info_rec_size = fsz;
	info.func_info = (__u64)(unsigned long)fi;
	info.nr_line_info = nli;
	info.line_info_rec_size = lsz;
	info.line_info = (__u64)(unsigned long)li;
	len = sizeof(info);
	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		goto cleanup;
	btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!btf)
		goto cleanup;
	{
		const struct btf_type *t = btf__type_by_id(btf, fi[0].type_id);
		const char *n = t ? btf__name_by_offset(btf, t->name_off) : NULL;

		if (n && *n)
			snprintf(f->name, sizeof(f->name), "%s", n);
	}
	if (nfi > 1)
		end = ((struct bpf_func_info *)((char *)fi + fsz))->insn_off;
	for (i = 0; i < nli; i++) {
		const struct bpf_line_info *l = (const void *)((char *)li + (size_t)i * lsz);
		const char *lf = btf__name_by_offset(btf, l->file_name_off);

		if (l->insn_off >= end || !lf)
			continue;
		if (!file && l->insn_off == fi[0].insn_off)
			file = lf;
		if (file && !strcmp(file, lf))
			lineinfo__add(&lines, l->line_col >> 10);
	}
	best = lineinfo__line(&lines);
	if (file && best) {
		base = strrchr(file, '/');
		snprintf(f->source, sizeof(f->source), "%s:%u", base ? base + 1 : file, best);
	}
cleanup:
	btf__free(btf);
	free(fi);
	free(li);
}

int discover__ops(const struct btf *vm, __u32 vid, struct found_prog *out, int max)
{
	int sid = btf__find_by_name_kind(vm, OPS_STRUCT, BTF_KIND_STRUCT);
	__u32 id = 0;
	const struct btf_type *st;
	long data;
	int n = 0;

	if (sid <= 0 || !vid)
		return -ENOENT;
	data = kfacts__member_off(vm, (int)vid, "data");
	st = btf__type_by_id(vm, sid);
	if (data < 0 || !st)
		return -ENOENT;
	while (n < max && !bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info mi = { 0 };
		__u32 len = sizeof(mi), key = 0;
		const struct btf_member *m;
		unsigned char *val;
		int fd = bpf_map_get_fd_by_id(id), i;

		if (fd < 0)
			continue;
		if (bpf_map_get_info_by_fd(fd, &mi, &len) || mi.type != BPF_MAP_TYPE_STRUCT_OPS ||
		    mi.btf_vmlinux_value_type_id != vid || mi.value_size < data + st->size) {
			close(fd);
			continue;
		}
		val = calloc(1, mi.value_size);
		/* The kernel keeps each op's program id where user space put the fd. */
		if (!val || bpf_map_lookup_elem(fd, &key, val)) {
			free(val);
			close(fd);
			continue;
		}
		m = btf_members(st);
		for (i = 0; i < btf_vlen(st) && n < max; i++, m++) {
			__u64 pid;
			int pfd;

			if (!is_func_ptr(vm, m->type))
				continue;
			memcpy(&pid, val + data + btf_member_bit_offset(st, i) / 8, sizeof(pid));
			if (!pid || pid > 0xffffffffull)
				continue;
			pfd = bpf_prog_get_fd_by_id((__u32)pid);
			if (pfd < 0)
				continue;
			memset(&out[n], 0, sizeof(out[n]));
			snprintf(out[n].op, sizeof(out[n].op), "%s", btf__name_by_offset(vm, m->name_off));
			out[n].id = (__u32)pid;
			out[n].fd = pfd;
			prog_details(pfd, &out[n]);
			n++;
		}
		free(val);
		close(fd);
	}
	return n;
}
