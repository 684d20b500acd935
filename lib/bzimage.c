// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"
#include "file.h"
#include "unpack.h"

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The decoded vmlinux is at most this big (7.3's is ~60 MB). */
#define VMLINUX_MAX ((size_t)1 << 30)

int bzimage__extract_vmlinux(const char *bzimage, const char *out, char *err, size_t errlen)
{
	char *buf = NULL, why[256] = "";
	unsigned char *img;
	uint8_t *dst = NULL;
	size_t len = 0, start, plen, sects, dlen = 0;
	struct outfile of = { 0 };
	enum unpack_codec codec;
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
	/*
	 * The setup header says where the payload is (payload_offset and
	 * payload_length, from the end of the setup sectors), and the payload's
	 * first bytes say its codec: no search for a magic, which a payload of
	 * another codec may hold by chance.
	 */
	sects = img[0x1f1] ? img[0x1f1] : 4;
	start = (sects + 1) * 512 + le32(img + 0x248);
	plen = le32(img + 0x24c);
	if (start > len || plen < 4 || plen > len - start) {
		snprintf(err, errlen, "%s: the setup header's payload (%zu bytes at %zu) is outside the file", bzimage,
			 plen, start);
		goto cleanup;
	}
	codec = unpack__codec(img + start, plen);
	switch (codec) {
	case UNPACK_ZSTD:
		ret = unpack__zstd(img + start, plen, VMLINUX_MAX, &dst, &dlen, why, sizeof(why));
		break;
	case UNPACK_LZ4:
		ret = unpack__lz4_legacy(img + start, plen, VMLINUX_MAX, &dst, &dlen, why, sizeof(why));
		break;
	case UNPACK_GZIP:
		ret = unpack__gzip(img + start, plen, VMLINUX_MAX, &dst, &dlen, why, sizeof(why));
		break;
	default:
		snprintf(err, errlen, "%s: a %s-compressed kernel: only zstd, lz4 and gzip can be read", bzimage,
			 unpack__codec_name(codec));
		ret = -ENOTSUP;
		goto cleanup;
	}
	if (ret) {
		snprintf(err, errlen, "%s: %s", bzimage, ret == -ENOMEM ? "out of memory" : why);
		goto cleanup;
	}
	ret = -EINVAL;
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
		ret = -errno;
		outfile__abort(&of);
		snprintf(err, errlen, "%s: %s", out, strerror(-ret));
		goto cleanup;
	}
	ret = outfile__commit(&of);
	if (ret)
		snprintf(err, errlen, "%s: %s", out, strerror(-ret));
cleanup:
	free(dst);
	free(buf);
	return ret;
}
