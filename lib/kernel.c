// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "file.h"
#include "kernel.h"
#include "log.h"
#include "text.h"

enum kfile { KF_NONE, KF_ELF, KF_BZIMAGE, KF_OTHER };

static bool is_file(const char *p)
{
	struct stat st;

	return p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *p)
{
	struct stat st;

	return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *join(const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, "%s/%s", a, b) < 0)
		return NULL;
	return s;
}

/* join() when the result is an existing regular file, else NULL. */
static char *join_file(const char *a, const char *b)
{
	char *s = join(a, b);

	if (s && !is_file(s)) {
		free(s);
		s = NULL;
	}
	return s;
}

static char *first_line(const char *path)
{
	char *buf = NULL;
	size_t len = 0;

	if (!is_file(path) || file__read_all(path, 4096, &buf, &len))
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!*buf) {
		free(buf);
		return NULL;
	}
	return buf;
}

static enum kfile file_kind(const char *path)
{
	unsigned char hdr[0x210];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return KF_NONE;
	n = read(fd, hdr, sizeof(hdr));
	close(fd);
	if (n >= 4 && !memcmp(hdr, "\177ELF", 4))
		return KF_ELF;
	if (n >= 0x206 && !memcmp(hdr + 0x202, "HdrS", 4))
		return KF_BZIMAGE;
	return KF_OTHER;
}

char *kernel__cache_dir(void)
{
	const char *k = getenv("KTSTR_CACHE"), *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *s;

	/* The same order as tools/ktstr/cache.sh (ktstr kernel fetch fills the cache). */
	if (k && *k)
		return strdup(k);
	if (x && *x)
		return asprintf(&s, "%s/ktstr", x) < 0 ? NULL : s;
	if (home && *home)
		return asprintf(&s, "%s/.cache/ktstr", home) < 0 ? NULL : s;
	return strdup("/tmp/ktstr-cache");
}

static int mkdir_p(const char *path)
{
	char *tmp = strdup(path), *p;
	int err = 0;

	if (!tmp)
		return -ENOMEM;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			err = -errno;
		*p = '/';
		if (err)
			break;
	}
	if (!err && mkdir(tmp, 0755) < 0 && errno != EEXIST)
		err = -errno;
	free(tmp);
	return err;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

int kernel__extract_vmlinux(const char *bzimage, const char *out, char *err, size_t errlen)
{
	char *buf = NULL;
	unsigned char *img, *dst = NULL;
	size_t len = 0, start = 0, plen = 0, cap, dlen = 0;
	ZSTD_DStream *zs = NULL;
	struct outfile of = { 0 };
	int ret;

	ret = file__read_all(bzimage, (size_t)256 << 20, &buf, &len);
	if (ret) {
		snprintf(err, errlen, "%s: %s", bzimage, strerror(-ret));
		return ret;
	}
	img = (unsigned char *)buf;
	ret = -EINVAL;
	if (len < 0x250 || memcmp(img + 0x202, "HdrS", 4)) {
		snprintf(err, errlen, "%s: not a bzImage", bzimage);
		goto cleanup;
	}
	/* The setup header says where the compressed payload is; when that looks
	 * wrong, fall back to the first zstd frame magic. */
	{
		size_t sects = img[0x1f1] ? img[0x1f1] : 4;
		size_t pm = (sects + 1) * 512;

		start = pm + le32(img + 0x248);
		plen = le32(img + 0x24c);
		if (start + 4 > len || plen > len - start || memcmp(img + start, zstd_magic, 4)) {
			unsigned char *m = memmem(img, len, zstd_magic, 4);

			if (!m) {
				snprintf(err, errlen, "%s: no zstd payload (only zstd-compressed kernels are supported)",
					 bzimage);
				goto cleanup;
			}
			start = m - img;
			plen = len - start;
		}
	}
	/* The kernel appends the decompressed size (le32) after the frame. */
	cap = plen >= 8 ? le32(img + start + plen - 4) : 0;
	if (cap < plen || cap > ((size_t)1 << 30))
		cap = plen * 4;
	dst = malloc(cap);
	zs = ZSTD_createDStream();
	if (!dst || !zs) {
		ret = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", bzimage);
		goto cleanup;
	}
	ZSTD_initDStream(zs);
	{
		ZSTD_inBuffer in = { img + start, plen, 0 };

		for (;;) {
			ZSTD_outBuffer ob = { dst, cap, dlen };
			size_t r = ZSTD_decompressStream(zs, &ob, &in);

			dlen = ob.pos;
			if (ZSTD_isError(r)) {
				snprintf(err, errlen, "%s: zstd: %s", bzimage, ZSTD_getErrorName(r));
				goto cleanup;
			}
			if (r == 0)
				break;	/* end of frame; trailing bytes are the size word */
			if (dlen == cap) {
				unsigned char *n;

				if (cap >= ((size_t)1 << 30)) {
					snprintf(err, errlen, "%s: payload too large", bzimage);
					goto cleanup;
				}
				n = realloc(dst, cap * 2);
				if (!n) {
					ret = -ENOMEM;
					goto cleanup;
				}
				dst = n;
				cap *= 2;
			} else if (in.pos == in.size) {
				snprintf(err, errlen, "%s: truncated zstd payload", bzimage);
				goto cleanup;
			}
		}
	}
	if (dlen < 4 || memcmp(dst, "\177ELF", 4)) {
		snprintf(err, errlen, "%s: payload is not an ELF vmlinux", bzimage);
		goto cleanup;
	}
	ret = outfile__open(&of, out);
	if (ret) {
		snprintf(err, errlen, "%s: %s", out, strerror(-ret));
		goto cleanup;
	}
	if (fwrite(dst, 1, dlen, of.f) != dlen) {
		ret = -EIO;
		outfile__abort(&of);
		snprintf(err, errlen, "%s: write failed", out);
		goto cleanup;
	}
	ret = outfile__commit(&of);
	if (ret)
		snprintf(err, errlen, "%s: %s", out, strerror(-ret));
cleanup:
	ZSTD_freeDStream(zs);
	free(dst);
	free(buf);
	return ret;
}

static int with_elf(const char *path, Elf **elf, int *fd)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	*elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!*elf || elf_kind(*elf) != ELF_K_ELF) {
		if (*elf)
			elf_end(*elf);
		close(*fd);
		return -EINVAL;
	}
	return 0;
}

int kernel__build_id(const char *elf_path, char *hex, size_t hexlen)
{
	Elf_Scn *scn = NULL;
	Elf *elf;
	int fd, err;

	err = with_elf(elf_path, &elf, &fd);
	if (err)
		return err;
	err = -ENOENT;
	while ((scn = elf_nextscn(elf, scn)) && err) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		while (d && (off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			const unsigned char *desc = (const unsigned char *)d->d_buf + doff;
			size_t i;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)d->d_buf + noff, "GNU", 4) || nh.n_descsz * 2 + 1 > hexlen)
				continue;
			for (i = 0; i < nh.n_descsz; i++)
				sprintf(hex + 2 * i, "%02x", desc[i]);
			err = 0;
			break;
		}
	}
	elf_end(elf);
	close(fd);
	return err;
}

bool kernel__elf_has_section(const char *path, const char *name)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	bool found = false;
	Elf *elf;
	int fd;

	if (with_elf(path, &elf, &fd))
		return false;
	if (elf_getshdrstrndx(elf, &shstrndx) == 0) {
		while (!found && (scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			const char *n;

			if (gelf_getshdr(scn, &sh) && (n = elf_strptr(elf, shstrndx, sh.sh_name)))
				found = !strcmp(n, name);
		}
	}
	elf_end(elf);
	close(fd);
	return found;
}

void kernel_paths__free(struct kernel_paths *kp)
{
	free(kp->dir);
	free(kp->vmlinux);
	free(kp->dwarf);
	free(kp->bzimage);
	free(kp->config);
	free(kp->version);
	memset(kp, 0, sizeof(*kp));
}

/* Where a vmlinux extracted from bzimage goes: beside it when writable,
 * else in the user cache under a name derived from the bzImage's identity. */
static char *extract_target(const char *dir, const char *bzimage)
{
	char *cache, *s = NULL;
	struct stat st;

	if (dir && access(dir, W_OK) == 0)
		return join(dir, "vmlinux");
	cache = kernel__cache_dir();
	if (!cache || stat(bzimage, &st) < 0 || mkdir_p(cache)) {
		free(cache);
		return NULL;
	}
	if (asprintf(&s, "%s/vmlinux-%llx-%llx-%llx", cache, (unsigned long long)st.st_dev,
		     (unsigned long long)st.st_ino, (unsigned long long)st.st_mtime) < 0)
		s = NULL;
	free(cache);
	return s;
}

static int from_dir(const char *dir, struct kernel_paths *kp, char *err, size_t errlen)
{
	char *tree_bz = join_file(dir, "arch/x86/boot/bzImage");

	kp->dir = strdup(dir);
	kp->vmlinux = join_file(dir, "vmlinux");
	if (tree_bz) {
		char *rel = join(dir, "include/config/kernel.release");

		kp->bzimage = tree_bz;
		kp->version = rel ? first_line(rel) : NULL;
		free(rel);
		kp->config = join_file(dir, ".config");
	} else {
		char *v = join(dir, "version");

		kp->bzimage = join_file(dir, "bzImage");
		kp->version = v ? first_line(v) : NULL;
		free(v);
		kp->config = join_file(dir, "config");
		kp->dwarf = join_file(dir, "vmlinux-dbg");
	}
	if (!kp->vmlinux && kp->bzimage) {
		char *out = extract_target(dir, kp->bzimage);
		int ret;

		if (!out)
			return -ENOMEM;
		ret = is_file(out) ? 0 : kernel__extract_vmlinux(kp->bzimage, out, err, errlen);
		if (ret) {
			free(out);
			return ret;
		}
		kp->vmlinux = out;
	}
	if (!kp->vmlinux) {
		snprintf(err, errlen, "%s: no vmlinux or bzImage in this folder", dir);
		return -ENOENT;
	}
	if (!kp->dwarf && kernel__elf_has_section(kp->vmlinux, ".debug_info"))
		kp->dwarf = strdup(kp->vmlinux);
	return 0;
}

static int from_file(const char *path, struct kernel_paths *kp, char *err, size_t errlen)
{
	char *copy = strdup(path), *d;
	enum kfile k = file_kind(path);

	if (!copy)
		return -ENOMEM;
	d = dirname(copy);
	if (k == KF_ELF) {
		char *v = join(d, "version");

		kp->vmlinux = strdup(path);
		kp->version = v ? first_line(v) : NULL;
		free(v);
		if (kernel__elf_has_section(path, ".debug_info"))
			kp->dwarf = strdup(path);
		else
			kp->dwarf = join_file(d, "vmlinux-dbg");
	} else if (k == KF_BZIMAGE) {
		char *out = extract_target(NULL, path);
		int ret;

		kp->bzimage = strdup(path);
		if (!out) {
			free(copy);
			return -ENOMEM;
		}
		ret = is_file(out) ? 0 : kernel__extract_vmlinux(path, out, err, errlen);
		if (ret) {
			free(out);
			free(copy);
			return ret;
		}
		kp->vmlinux = out;
	} else {
		snprintf(err, errlen, "%s: neither an ELF vmlinux nor a bzImage", path);
		free(copy);
		return -EINVAL;
	}
	free(copy);
	return 0;
}

/*
 * The newest complete kernel of the cache (highest version among the folders
 * with a version file, as `ktstr kernel list` orders them); malloc'd path, or
 * NULL with *cache_kernels naming the folder searched.
 */
static char *newest_cached(char **cache_kernels)
{
	char *cache = kernel__cache_dir(), *best = NULL;
	struct dirent *e;
	DIR *d;

	*cache_kernels = NULL;
	if (!cache || asprintf(cache_kernels, "%s/kernels", cache) < 0) {
		*cache_kernels = NULL;
		free(cache);
		return NULL;
	}
	free(cache);
	d = opendir(*cache_kernels);
	while (d && (e = readdir(d))) {
		char *v;

		/* Dot folders are fetches in progress (.tmp.*) or markers. */
		if (e->d_name[0] == '.' || (best && strverscmp(e->d_name, best) <= 0))
			continue;
		if (asprintf(&v, "%s/%s/version", *cache_kernels, e->d_name) < 0)
			break;
		if (is_file(v)) {
			free(best);
			best = strdup(e->d_name);
		}
		free(v);
	}
	if (d)
		closedir(d);
	if (best) {
		char *path = join(*cache_kernels, best);

		free(best);
		best = path;
	}
	return best;
}

/* No kernel named: $KTSTR_KERNEL_DIR, ../kernel beside the tools (a source
 * tree's build/kernel), else the newest cached one. */
static int default_kernel(const char *argv0, char **path, char *err, size_t errlen)
{
	const char *env = getenv("KTSTR_KERNEL_DIR");
	char exe[PATH_MAX], dir[PATH_MAX], *cache_kernels = NULL;
	bool found;

	if (env && *env)
		return (*path = strdup(env)) ? 0 : -ENOMEM;
	found = !file__exe_dir(dir, sizeof(dir));
	if (!found && argv0 && strchr(argv0, '/') && realpath(argv0, exe)) {
		snprintf(dir, sizeof(dir), "%s", dirname(exe));
		found = true;
	}
	if (found) {
		if (asprintf(path, "%s/../kernel", dir) < 0)
			return -ENOMEM;
		if (is_dir(*path) || is_file(*path))
			return 0;
		free(*path);
	}
	*path = newest_cached(&cache_kernels);
	if (*path)
		log_info("kernel: %s, the newest cached (--kernel chooses another)", *path);
	else
		snprintf(err, errlen, "no kernel given (--kernel or KTSTR_KERNEL) and none cached in %s: "
			 "fetch one with 'ktstr kernel fetch'", cache_kernels ? cache_kernels : "the kernel cache");
	free(cache_kernels);
	return *path ? 0 : -ENOENT;
}

int kernel__resolve(const char *spec, const char *argv0, struct kernel_paths *kp,
		    char *err, size_t errlen)
{
	char *guess = NULL, *named = NULL;
	int ret;

	memset(kp, 0, sizeof(*kp));
	if (!spec || !*spec)
		spec = getenv("KTSTR_KERNEL");
	if (!spec || !*spec) {
		ret = default_kernel(argv0, &guess, err, errlen);
		if (ret)
			return ret;
		spec = guess;
	}
	if (!is_dir(spec) && !is_file(spec) && !strchr(spec, '/')) {
		/* A bare version name: the kernel cache. */
		char *cache = kernel__cache_dir();

		if (cache && asprintf(&named, "%s/kernels/%s", cache, spec) < 0)
			named = NULL;
		free(cache);
		if (named && is_dir(named))
			spec = named;
	}
	if (is_dir(spec))
		ret = from_dir(spec, kp, err, errlen);
	else if (is_file(spec))
		ret = from_file(spec, kp, err, errlen);
	else {
		snprintf(err, errlen, "%s: no such kernel, folder or file", spec);
		ret = -ENOENT;
	}
	free(named);
	free(guess);
	if (ret)
		kernel_paths__free(kp);
	return ret;
}
