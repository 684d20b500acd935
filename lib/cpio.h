/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A newc ("070701") cpio writer for initramfs images: directories, files,
 * in-memory data, symlinks, device nodes, and a binary together with the
 * shared libraries `ldd` names for it. Parent directories are added once,
 * implicitly. Everything is owned by root.
 */
#ifndef KTSTR_CPIO_H
#define KTSTR_CPIO_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct cpio {
	FILE *f;
	uint32_t ino;
	uint64_t off;		/* bytes written so far */
	char **dirs;		/* directories already in the archive */
	size_t ndirs, capdirs;
	int err;		/* first error, sticky */
};

void cpio__init(struct cpio *c, FILE *f);
/* Archive paths are relative ("bin/sh"); a leading "/" is dropped. */
int cpio__add_dir(struct cpio *c, const char *path, mode_t perm);
int cpio__add_data(struct cpio *c, const char *path, const void *data, size_t len, mode_t perm);
/* perm 0: keep the host file's permission bits. Symlinks are followed. */
int cpio__add_file(struct cpio *c, const char *path, const char *host_path, mode_t perm);
int cpio__add_symlink(struct cpio *c, const char *path, const char *target);
int cpio__add_node(struct cpio *c, const char *path, mode_t mode, unsigned int maj, unsigned int min);
/*
 * host_path at path plus, when it is dynamically linked, the loader ldd
 * reports at its own absolute path, and every library either at its host
 * path too (libdir NULL) or in the folder libdir under the name the binary
 * asks for. A libdir is for the guest's LD_LIBRARY_PATH: the guest has no
 * ld.so.cache, the binary's $ORIGIN is not where it was on the host, and
 * /tmp or /run there are fresh mounts over anything the image put in them.
 * Returns the number of libraries put in libdir (0 without one) or -errno
 * (-ENOEXEC: ldd named a library it could not find).
 */
int cpio__add_binary(struct cpio *c, const char *path, const char *host_path, const char *libdir);
/* The trailer; then the caller closes f. Returns 0 or the first error. */
int cpio__finish(struct cpio *c);
void cpio__free(struct cpio *c);

#endif
