/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The codecs of a bzImage payload (bzimage.c): Debian's 7.x kernels are
 * zstd, 6.1's are LZ4 (legacy frames), others gzip. Each decodes a whole
 * payload into a malloc'd buffer of at most max bytes.
 */
#ifndef KTSTR_UNPACK_H
#define KTSTR_UNPACK_H

#include <stddef.h>
#include <stdint.h>

enum unpack_codec {
	UNPACK_UNKNOWN,
	UNPACK_ZSTD,
	UNPACK_LZ4,		/* lz4 -l: the legacy frame format of the kernel's build */
	UNPACK_GZIP,
	UNPACK_XZ,
	UNPACK_LZMA,
	UNPACK_BZIP2,
	UNPACK_LZO,
};

/* The codec of a payload by its first bytes. */
enum unpack_codec unpack__codec(const uint8_t *p, size_t n);
const char *unpack__codec_name(enum unpack_codec c);

/*
 * 0 with *out (malloc'd, the caller frees it) and *outlen, or -EINVAL
 * (corrupt; err says where), -EFBIG (over max) or -ENOMEM.
 */
int unpack__lz4_legacy(const uint8_t *in, size_t n, size_t max, uint8_t **out, size_t *outlen,
		       char *err, size_t errlen);
int unpack__zstd(const uint8_t *in, size_t n, size_t max, uint8_t **out, size_t *outlen,
		 char *err, size_t errlen);
int unpack__gzip(const uint8_t *in, size_t n, size_t max, uint8_t **out, size_t *outlen,
		 char *err, size_t errlen);

#endif
