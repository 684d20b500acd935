/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Find the guest kernel's files from one name: `--kernel K`, else
 * $KTSTR_KERNEL, else $KTSTR_KERNEL_DIR, else ../kernel beside the running
 * binary when it exists (build/bin -> build/kernel), else the newest kernel of
 * the cache (said at log level info). K may be
 *   - a cache folder (vmlinux, vmlinux-dbg, bzImage, version, config),
 *   - a kernel build tree (arch/x86/boot/bzImage, vmlinux, include/config/kernel.release),
 *   - a vmlinux ELF file or a bzImage file,
 *   - a version name in the kernel cache ($KTSTR_CACHE/kernels/K; default
 *     ${XDG_CACHE_HOME:-~/.cache}/ktstr).
 * When only a bzImage exists, the ELF vmlinux inside it is extracted once
 * (lib/bzimage.h) beside it, or into the user cache when that folder is read-only.
 */
#ifndef KTSTR_KERNEL_H
#define KTSTR_KERNEL_H

#include <stddef.h>

struct kernel_paths {
	char *dir;	/* the folder the files came from (NULL for a lone file) */
	char *vmlinux;	/* ELF with .BTF (NULL if none could be found) */
	char *dwarf;	/* ELF with .debug_info: vmlinux-dbg, or a build tree's vmlinux; NULL if none */
	char *bzimage;	/* NULL if none */
	char *config;	/* NULL if none */
	char *version;	/* release string, NULL if unknown */
};

/*
 * spec NULL: $KTSTR_KERNEL, then $KTSTR_KERNEL_DIR, then <dir of argv0>/../kernel,
 * then the newest cached kernel.
 * Returns 0 or -ENOENT (err names what is missing), -EINVAL for a file that is
 * neither ELF nor bzImage, or another -errno.
 */
int kernel__resolve(const char *spec, const char *argv0, struct kernel_paths *kp,
		    char *err, size_t errlen);
void kernel_paths__free(struct kernel_paths *kp);

/* The user cache folder for ktstr: $KTSTR_CACHE, else $XDG_CACHE_HOME/ktstr or
 * ~/.cache/ktstr; malloc'd. */
char *kernel__cache_dir(void);

#endif
