// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <elf.h>	/* lib/elf.h, then the system's */

#include "cpio.h"
#include "text.h"

void cpio__init(struct cpio *c, FILE *f)
{
	memset(c, 0, sizeof(*c));
	c->f = f;
	c->ino = 1;
}

void cpio__free(struct cpio *c)
{
	size_t i;

	for (i = 0; i < c->ndirs; i++)
		free(c->dirs[i]);
	free(c->dirs);
	c->dirs = NULL;
	c->ndirs = c->capdirs = 0;
}

static int put(struct cpio *c, const void *p, size_t n)
{
	if (c->err)
		return c->err;
	if (n && fwrite(p, 1, n, c->f) != n)
		return c->err = -EIO;
	c->off += n;
	return 0;
}

static int pad4(struct cpio *c)
{
	static const char zero[4];

	return put(c, zero, (4 - (c->off & 3)) & 3);
}

static const char *norm(const char *path)
{
	while (*path == '/')
		path++;
	return path;
}

static int header(struct cpio *c, const char *path, mode_t mode, size_t size, unsigned int rmaj,
		  unsigned int rmin)
{
	char h[111];
	size_t namesz = strlen(path) + 1;

	/* newc: magic + 13 eight-digit hex fields; mtime 0 keeps images reproducible. */
	snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 c->ino++, (unsigned)mode, 0u, 0u, 1u, 0u, (unsigned)size, 0u, 0u, rmaj, rmin,
		 (unsigned)namesz, 0u);
	if (put(c, h, 110) || put(c, path, namesz) || pad4(c))
		return c->err;
	return 0;
}

static int have_dir(struct cpio *c, const char *path, size_t len)
{
	size_t i;

	for (i = 0; i < c->ndirs; i++)
		if (strlen(c->dirs[i]) == len && !memcmp(c->dirs[i], path, len))
			return 1;
	return 0;
}

static int remember_dir(struct cpio *c, const char *path, size_t len)
{
	if (c->ndirs == c->capdirs) {
		size_t cap = c->capdirs ? c->capdirs * 2 : 32;
		char **nd = realloc(c->dirs, cap * sizeof(*nd));

		if (!nd)
			return c->err = -ENOMEM;
		c->dirs = nd;
		c->capdirs = cap;
	}
	c->dirs[c->ndirs] = strndup(path, len);
	if (!c->dirs[c->ndirs])
		return c->err = -ENOMEM;
	c->ndirs++;
	return 0;
}

/* Add every missing directory of the first len bytes of path, outermost first. */
static int parents(struct cpio *c, const char *path, size_t len)
{
	size_t i;
	char *d;
	int err;

	for (i = 1; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		if (have_dir(c, path, i))
			continue;
		d = strndup(path, i);
		if (!d)
			return c->err = -ENOMEM;
		err = header(c, d, S_IFDIR | 0755, 0, 0, 0);
		free(d);
		if (err || remember_dir(c, path, i))
			return c->err;
	}
	return 0;
}

static int parent_of(struct cpio *c, const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? parents(c, path, slash - path) : 0;
}

int cpio__add_dir(struct cpio *c, const char *path, mode_t perm)
{
	path = norm(path);
	if (!*path || have_dir(c, path, strlen(path)))
		return c->err;
	if (parent_of(c, path) || header(c, path, S_IFDIR | (perm & 07777), 0, 0, 0))
		return c->err;
	return remember_dir(c, path, strlen(path));
}

int cpio__add_data(struct cpio *c, const char *path, const void *data, size_t len, mode_t perm)
{
	path = norm(path);
	if (parent_of(c, path) || header(c, path, S_IFREG | (perm & 07777), len, 0, 0))
		return c->err;
	if (put(c, data, len) || pad4(c))
		return c->err;
	return 0;
}

int cpio__add_file(struct cpio *c, const char *path, const char *host_path, mode_t perm)
{
	char buf[65536];
	struct stat st;
	size_t left;
	int fd;

	if (c->err)
		return c->err;
	path = norm(path);
	fd = open(host_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (!perm)
		perm = st.st_mode & 07777;
	if (parent_of(c, path) || header(c, path, S_IFREG | (perm & 07777), st.st_size, 0, 0)) {
		close(fd);
		return c->err;
	}
	for (left = st.st_size; left;) {
		ssize_t n = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* The file shrank under us: the archive is now corrupt. */
			close(fd);
			return c->err = n < 0 ? -errno : -EIO;
		}
		if (put(c, buf, n))
			break;
		left -= n;
	}
	close(fd);
	return c->err ? c->err : pad4(c);
}

int cpio__add_symlink(struct cpio *c, const char *path, const char *target)
{
	size_t len = strlen(target);

	path = norm(path);
	if (parent_of(c, path) || header(c, path, S_IFLNK | 0777, len, 0, 0))
		return c->err;
	if (put(c, target, len) || pad4(c))
		return c->err;
	return 0;
}

int cpio__add_node(struct cpio *c, const char *path, mode_t mode, unsigned int maj, unsigned int min)
{
	path = norm(path);
	if (parent_of(c, path) || header(c, path, mode, 0, maj, min))
		return c->err;
	return 0;
}

/* Run `ldd host_path`, its stdout into out. Returns ldd's exit status or -errno. */
static int run_ldd(const char *host_path, struct strbuf *out)
{
	char buf[4096];
	int pfd[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(pfd[1], 1);
		if (null >= 0)
			dup2(null, 2);
		execlp("ldd", "ldd", host_path, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		n = read(pfd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len < (1u << 20))
			strbuf__add(out, buf, n);
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -ECHILD;
}

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

int cpio__add_binary(struct cpio *c, const char *path, const char *host_path, const char *libdir)
{
	struct strbuf out = { 0 };
	char *line, *name, *save = NULL;
	int err, nlibs = 0;

	err = cpio__add_file(c, path, host_path, 0);
	if (err)
		return err;
	/*
	 * Nothing for ldd to name (it would say "not a dynamic executable"):
	 * its three processes cost more than the rest of the archive.
	 */
	if (elf__is_static(host_path))
		return 0;
	err = run_ldd(host_path, &out);
	if (err != 0 || !out.buf) {
		/* ldd says "not a dynamic executable" (exit 1) for static binaries. */
		strbuf__free(&out);
		return err < 0 && err != -ECHILD ? err : 0;
	}
	for (line = strtok_r(out.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *arrow = strstr(line, "=> "), *lib, *end;

		if (strstr(line, "not found")) {
			err = -ENOEXEC;
			break;
		}
		/* "\tlibx.so.1 => /lib/x/libx.so.1 (0x...)" or "\t/lib64/ld-linux-x86-64.so.2 (0x...)" */
		lib = arrow ? arrow + 3 : line;
		while (*lib == ' ' || *lib == '\t')
			lib++;
		if (*lib != '/')
			continue;	/* linux-vdso.so.1 has no file */
		end = strstr(lib, " (");
		if (end)
			*end = '\0';
		/*
		 * The loader (no "=>") must be where PT_INTERP says; a library
		 * goes in libdir under the name the binary needs it by.
		 */
		name = line;
		while (*name == ' ' || *name == '\t')
			name++;
		if (libdir && arrow && arrow > name && arrow[-1] == ' ') {
			char *guest;

			arrow[-1] = '\0';
			if (asprintf(&guest, "%s/%s", libdir, basename_of(name)) < 0) {
				err = -ENOMEM;
				break;
			}
			err = cpio__add_file(c, guest, lib, 0755);
			free(guest);
			nlibs++;
		} else {
			err = cpio__add_file(c, lib, lib, 0755);
		}
		if (err)
			break;
	}
	strbuf__free(&out);
	return err ? err : nlibs;
}

int cpio__finish(struct cpio *c)
{
	static const char zero[512];

	if (header(c, "TRAILER!!!", 0, 0, 0, 0))
		return c->err;
	return put(c, zero, (512 - (c->off & 511)) & 511);
}
