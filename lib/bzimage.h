/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ELF vmlinux inside a bzImage: where the setup header says the
 * compressed payload is (else the first zstd frame), decompressed.
 */
#ifndef KTSTR_BZIMAGE_H
#define KTSTR_BZIMAGE_H

#include <stddef.h>

/* Decompress the vmlinux inside a bzImage into out (atomically). 0 or -errno. */
int bzimage__extract_vmlinux(const char *bzimage, const char *out, char *err, size_t errlen);

#endif
