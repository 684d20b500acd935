// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

#define OUTFILE_BUF (256u << 10)

int outfile__open(struct outfile *o, const char *path)
{
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	o->path = strdup(path);
	if (!o->path || asprintf(&o->tmp, "%s.tmp.XXXXXX", path) < 0) {
		free(o->path);
		o->path = NULL;
		return -ENOMEM;
	}
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int err = -errno;

		free(o->tmp);
		free(o->path);
		o->tmp = o->path = NULL;
		return err;
	}
	/* mkstemp makes 0600; output files are ordinary files. */
	fchmod(fd, 0644 & ~umask(umask(0)));
	o->f = fdopen(fd, "w");
	if (!o->f) {
		close(fd);
		outfile__abort(o);
		return -ENOMEM;
	}
	/* Events files run to megabytes: not a write(2) every 4 KiB. */
	o->buf = malloc(OUTFILE_BUF);
	if (o->buf)
		setvbuf(o->f, o->buf, _IOFBF, OUTFILE_BUF);
	return 0;
}

int outfile__commit(struct outfile *o)
{
	int err = 0;

	if (!o->path)
		return fflush(o->f) ? -errno : ferror(o->f) ? -EIO : 0;
	if (fflush(o->f))
		err = -errno;	/* ENOSPC: a full disk */
	else if (ferror(o->f))
		err = -EIO;
	if (fclose(o->f) && !err)
		err = -errno;
	o->f = NULL;
	free(o->buf);
	o->buf = NULL;
	if (!err && rename(o->tmp, o->path))
		err = -errno;
	if (err)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return err;
}

void outfile__abort(struct outfile *o)
{
	if (!o->path)
		return;
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	free(o->buf);
	o->buf = NULL;
	unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
}

int file__read_all(const char *path, size_t max, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = NULL, *nb;
	ssize_t r;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (!b || n + 1 >= cap) {
			if (b)
				cap *= 2;
			nb = realloc(b, cap);
			if (!nb) {
				err = -ENOMEM;
				goto cleanup;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			goto cleanup;
		}
		if (r == 0)
			break;
		n += r;
		if (n > max) {
			err = -EFBIG;
			goto cleanup;
		}
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
cleanup:
	free(b);
	close(fd);
	return err;
}

int file__exe_dir(char *out, size_t len)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return -errno;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	return snprintf(out, len, "%s", self) >= (int)len ? -ENAMETOOLONG : 0;
}

int file__run_dir(const char *arg, const char *prefix, char *out, size_t len)
{
	const char *tmp = getenv("TMPDIR");

	if (arg) {
		snprintf(out, len, "%s", arg);
		return mkdir(arg, 0755) && errno != EEXIST ? -errno : 0;
	}
	snprintf(out, len, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
	return mkdtemp(out) ? 0 : -errno;
}
