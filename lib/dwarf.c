// SPDX-License-Identifier: GPL-2.0
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Angle brackets: found through -Ilib, so its #include_next reaches elfutils. */
#include <dwarf.h>
#include "file.h"

#define SRCIDX_MAGIC "ktstr-srcidx 2 "
#define SRCIDX_MAX ((size_t)256 << 20)

struct srcidx {
	char *buf;		/* the whole file, lines cut in place */
	char **files;
	size_t nfiles;
	char **funcs;		/* "name\0file#\0line" records, sorted */
	size_t nfuncs;
};

/* Top-level folders of a Linux source tree: where a stripped path starts. */
static const char *const tree_dirs[] = {
	"arch", "block", "certs", "crypto", "drivers", "fs", "include", "init", "io_uring",
	"ipc", "kernel", "lib", "mm", "net", "rust", "samples", "scripts", "security",
	"sound", "tools", "usr", "virt",
};

static bool is_tree_dir(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(tree_dirs) / sizeof(tree_dirs[0]); i++)
		if (strlen(tree_dirs[i]) == n && !memcmp(tree_dirs[i], s, n))
			return true;
	return false;
}

void dwarf__tree_path(const char *path, const char *comp_dir, char *out, size_t outlen)
{
	const char *p = path, *c;
	size_t n;

	/* 1. Drop the build folder: debian/build/build_amd64_none_cloud-amd64/... */
	if (comp_dir && *comp_dir) {
		n = strlen(comp_dir);
		while (n > 1 && comp_dir[n - 1] == '/')
			n--;
		if (!strncmp(p, comp_dir, n) && p[n] == '/')
			p += n + 1;
	}
	/* 2. Out-of-tree builds name sources ../../kernel/...; drop the ups. */
	for (;;) {
		if (!strncmp(p, "./", 2))
			p += 2;
		else if (!strncmp(p, "../", 3))
			p += 3;
		else
			break;
	}
	/* 3. Still absolute or under a build prefix: start at the first
	 * component that is a top-level folder of the kernel tree. */
	for (c = p; *c;) {
		n = strcspn(c, "/");
		if (c[n] == '/' && is_tree_dir(c, n)) {
			p = c;
			break;
		}
		c += n;
		while (*c == '/')
			c++;
	}
	snprintf(out, outlen, "%s", p);
}

struct entry {
	const char *name;	/* points into DWARF string data: valid until dwarf_end */
	unsigned int file;
	unsigned int line;
};

struct builder {
	struct entry *v;
	size_t n, cap;
	char **files;
	size_t nfiles, fcap;
};

static int file_id(struct builder *b, const char *path, unsigned int *id)
{
	size_t i;

	/* Files repeat within a CU: look at the recent ones first. */
	for (i = b->nfiles; i > 0 && b->nfiles - i < 64; i--)
		if (!strcmp(b->files[i - 1], path)) {
			*id = i - 1;
			return 0;
		}
	if (b->nfiles == b->fcap) {
		size_t nc = b->fcap ? b->fcap * 2 : 1024;
		char **nf = realloc(b->files, nc * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		b->files = nf;
		b->fcap = nc;
	}
	b->files[b->nfiles] = strdup(path);
	if (!b->files[b->nfiles])
		return -ENOMEM;
	*id = b->nfiles++;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	/* Stable on equal names: the first one seen wins. */
	return x < y ? -1 : x > y;
}

static int add_cu(struct builder *b, Dwarf_Die *cu)
{
	Dwarf_Attribute a;
	const char *comp_dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &a));
	Dwarf_Die ch;
	char path[1024];
	int err;

	if (dwarf_child(cu, &ch) != 0)
		return 0;
	do {
		const char *name, *src = NULL;
		Dwarf_Addr pc;
		Dwarf_Line *ln;
		int line = 0;
		unsigned int fid;

		if (dwarf_tag(&ch) != DW_TAG_subprogram)
			continue;
		/* Only functions with code of their own can be probed. */
		if (dwarf_entrypc(&ch, &pc) != 0) {
			/* Split functions (hot/cold parts) have only DW_AT_ranges. */
			Dwarf_Addr base, start, end;

			if (dwarf_ranges(&ch, 0, &base, &start, &end) <= 0)
				continue;
			pc = start;
		}
		if (pc == 0)
			continue;
		name = dwarf_formstring(dwarf_attr_integrate(&ch, DW_AT_name, &a));
		if (!name || !*name)
			continue;
		ln = dwarf_getsrc_die(cu, pc);
		if (ln) {
			src = dwarf_linesrc(ln, NULL, NULL);
			dwarf_lineno(ln, &line);
		}
		if (!src || line <= 0) {
			src = dwarf_decl_file(&ch);
			if (dwarf_decl_line(&ch, &line) != 0)
				line = 0;
		}
		if (!src || line <= 0)
			continue;
		dwarf__tree_path(src, comp_dir, path, sizeof(path));
		if ((err = file_id(b, path, &fid)))
			return err;
		if (b->n == b->cap) {
			size_t nc = b->cap ? b->cap * 2 : 65536;
			struct entry *nv = realloc(b->v, nc * sizeof(*nv));

			if (!nv)
				return -ENOMEM;
			b->v = nv;
			b->cap = nc;
		}
		b->v[b->n++] = (struct entry){ name, fid, (unsigned int)line };
	} while (dwarf_siblingof(&ch, &ch) == 0);
	return 0;
}

int srcidx__build(const char *dwarf_path, const char *build_id, const char *out_path,
		  char *err, size_t errlen)
{
	struct builder b = { 0 };
	struct outfile of = { 0 };
	Dwarf_Off off = 0, next;
	Dwarf *dw = NULL;
	size_t hsize, i;
	int fd, ret = 0;

	fd = open(dwarf_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dwarf_path, strerror(-ret));
		return ret;
	}
	dw = dwarf_begin(fd, DWARF_C_READ);
	if (!dw) {
		snprintf(err, errlen, "%s: no DWARF (%s)", dwarf_path, dwarf_errmsg(-1));
		ret = -EINVAL;
		goto cleanup;
	}
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(dw, off + hsize, &cu) && (ret = add_cu(&b, &cu)))
			goto oom;
		off = next;
	}
	qsort(b.v, b.n, sizeof(*b.v), cmp_entry);
	ret = outfile__open(&of, out_path);
	if (ret) {
		snprintf(err, errlen, "%s: %s", out_path, strerror(-ret));
		goto cleanup;
	}
	fprintf(of.f, SRCIDX_MAGIC "%s\n", build_id ? build_id : "-");
	for (i = 0; i < b.nfiles; i++)
		fprintf(of.f, "F %s\n", b.files[i]);
	for (i = 0; i < b.n; i++) {
		if (i && !strcmp(b.v[i].name, b.v[i - 1].name))
			continue;
		fprintf(of.f, "%s %u %u\n", b.v[i].name, b.v[i].file, b.v[i].line);
	}
	ret = outfile__commit(&of);
	if (ret)
		snprintf(err, errlen, "%s: %s", out_path, strerror(-ret));
	goto cleanup;
oom:
	snprintf(err, errlen, "%s: out of memory", dwarf_path);
cleanup:
	for (i = 0; i < b.nfiles; i++)
		free(b.files[i]);
	free(b.files);
	free(b.v);
	if (dw)
		dwarf_end(dw);
	close(fd);
	return ret;
}

void srcidx__free(struct srcidx *idx)
{
	if (!idx)
		return;
	free(idx->buf);
	free(idx->files);
	free(idx->funcs);
	free(idx);
}

/* Parse a cache file; -ESTALE when its build-id differs from want. */
static int load(const char *path, const char *want, struct srcidx **out)
{
	struct srcidx *idx = calloc(1, sizeof(*idx));
	size_t len = 0, nlines = 0, i;
	char *p, *end, *nl;
	int ret;

	if (!idx)
		return -ENOMEM;
	ret = file__read_all(path, SRCIDX_MAX, &idx->buf, &len);
	if (ret)
		goto fail;
	ret = -ESTALE;
	nl = memchr(idx->buf, '\n', len);
	if (!nl || strncmp(idx->buf, SRCIDX_MAGIC, strlen(SRCIDX_MAGIC)))
		goto fail;
	*nl = '\0';
	if (want && strcmp(idx->buf + strlen(SRCIDX_MAGIC), want))
		goto fail;
	for (p = nl + 1, end = idx->buf + len; p < end; p++)
		if (*p == '\n')
			nlines++;
	ret = -ENOMEM;
	idx->files = calloc(nlines + 1, sizeof(char *));
	idx->funcs = calloc(nlines + 1, sizeof(char *));
	if (!idx->files || !idx->funcs)
		goto fail;
	ret = -ESTALE;
	for (p = nl + 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			goto fail;	/* a torn file: rebuild */
		*nl = '\0';
		if (p[0] == 'F' && p[1] == ' ') {
			idx->files[idx->nfiles++] = p + 2;
			continue;
		}
		/* "name file line": cut into three strings. */
		{
			char *s1 = strchr(p, ' '), *s2 = s1 ? strchr(s1 + 1, ' ') : NULL;

			if (!s1 || !s2)
				goto fail;
			*s1 = *s2 = '\0';
			idx->funcs[idx->nfuncs++] = p;
		}
	}
	for (i = 1; i < idx->nfuncs; i++)
		if (strcmp(idx->funcs[i - 1], idx->funcs[i]) >= 0)
			goto fail;	/* not sorted: not ours */
	*out = idx;
	return 0;
fail:
	srcidx__free(idx);
	return ret;
}

int srcidx__open(const char *dwarf_path, const char *build_id, const char *cache_path,
		 struct srcidx **out, bool *rebuilt, char *err, size_t errlen)
{
	char tmpl[] = "/tmp/ktstr-srcidx.XXXXXX";
	int ret, fd;

	*out = NULL;
	if (rebuilt)
		*rebuilt = false;
	if (cache_path && load(cache_path, build_id, out) == 0)
		return 0;
	if (!dwarf_path) {
		snprintf(err, errlen, "no DWARF file and no valid index");
		return -ENOENT;
	}
	if (rebuilt)
		*rebuilt = true;
	if (cache_path) {
		ret = srcidx__build(dwarf_path, build_id, cache_path, err, errlen);
		if (ret == 0)
			return load(cache_path, build_id, out);
		if (ret == -EINVAL || ret == -ENOMEM)
			return ret;
	}
	/* The cache folder is read-only: build into a temp file, drop it after. */
	fd = mkstemp(tmpl);
	if (fd < 0)
		return -errno;
	close(fd);
	ret = srcidx__build(dwarf_path, build_id, tmpl, err, errlen);
	if (ret == 0)
		ret = load(tmpl, build_id, out);
	unlink(tmpl);
	return ret;
}

static int cmp_key(const void *key, const void *elem)
{
	return strcmp(key, *(char *const *)elem);
}

const char *srcidx__lookup(const struct srcidx *idx, const char *func, unsigned int *line)
{
	char **hit;
	const char *f, *l;
	unsigned long fid;

	if (!idx || !func)
		return NULL;
	hit = bsearch(func, idx->funcs, idx->nfuncs, sizeof(char *), cmp_key);
	if (!hit)
		return NULL;
	f = *hit + strlen(*hit) + 1;
	l = f + strlen(f) + 1;
	fid = strtoul(f, NULL, 10);
	if (fid >= idx->nfiles)
		return NULL;
	if (line)
		*line = (unsigned int)strtoul(l, NULL, 10);
	return idx->files[fid];
}

size_t srcidx__count(const struct srcidx *idx)
{
	return idx ? idx->nfuncs : 0;
}
