// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elf.h>	/* lib/elf.h, then the system's */

#include "bzimage.h"
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
		ret = is_file(out) ? 0 : bzimage__extract_vmlinux(kp->bzimage, out, err, errlen);
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
	if (!kp->dwarf && elf__has_section(kp->vmlinux, ".debug_info"))
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
		if (elf__has_section(path, ".debug_info"))
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
		ret = is_file(out) ? 0 : bzimage__extract_vmlinux(path, out, err, errlen);
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
