/* SPDX-License-Identifier: GPL-2.0 */
/* Output files that appear whole or not at all: write a temp file, rename. */
#ifndef KTSTR_FILE_H
#define KTSTR_FILE_H

#include <stdio.h>

struct outfile {
	FILE *f;	/* write here */
	char *path;	/* final name; NULL for stdout */
	char *tmp;	/* temp name beside it */
	char *buf;	/* f's buffer */
};

/* path NULL or "-" is stdout. Returns 0 or -errno. */
int outfile__open(struct outfile *o, const char *path);
/* Flush and rename into place. Returns 0 or -errno (and removes the temp). */
int outfile__commit(struct outfile *o);
/* Drop the temp file (no-op after commit). */
void outfile__abort(struct outfile *o);

/* Read a whole file (at most max bytes) into a NUL-terminated buffer. */
int file__read_all(const char *path, size_t max, char **buf, size_t *len);

/* The folder of the running executable (from /proc/self/exe), for finding
 * the files installed beside it. Returns 0 or -errno. */
int file__exe_dir(char *out, size_t len);

/* The folder a run keeps its files in: arg when given (made if missing), else
 * a new ${TMPDIR:-/tmp}/<prefix>.XXXXXX. out names the folder, also when this
 * fails. Returns 0 or -errno. */
int file__run_dir(const char *arg, const char *prefix, char *out, size_t len);

#endif
