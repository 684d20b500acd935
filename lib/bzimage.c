// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "bzimage.h"
#include "file.h"

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

int bzimage__extract_vmlinux(const char *bzimage, const char *out, char *err, size_t errlen)
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
