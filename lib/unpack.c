// SPDX-License-Identifier: GPL-2.0
/* Decoders of bzImage payloads (see unpack.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <zlib.h>
#include <zstd.h>

#include "unpack.h"

enum unpack_codec unpack__codec(const uint8_t *p, size_t n)
{
	static const struct {
		enum unpack_codec c;
		unsigned char len;
		unsigned char magic[6];
	} m[] = {
		{ UNPACK_ZSTD, 4, { 0x28, 0xb5, 0x2f, 0xfd } },
		{ UNPACK_LZ4, 4, { 0x02, 0x21, 0x4c, 0x18 } },
		{ UNPACK_GZIP, 2, { 0x1f, 0x8b } },
		{ UNPACK_XZ, 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
		{ UNPACK_BZIP2, 3, { 'B', 'Z', 'h' } },
		{ UNPACK_LZO, 4, { 0x89, 'L', 'Z', 'O' } },
		{ UNPACK_LZMA, 3, { 0x5d, 0x00, 0x00 } },
	};
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (n >= m[i].len && !memcmp(p, m[i].magic, m[i].len))
			return m[i].c;
	return UNPACK_UNKNOWN;
}

const char *unpack__codec_name(enum unpack_codec c)
{
	static const char *const names[] = {
		[UNPACK_UNKNOWN] = "unknown", [UNPACK_ZSTD] = "zstd", [UNPACK_LZ4] = "lz4",
		[UNPACK_GZIP] = "gzip", [UNPACK_XZ] = "xz", [UNPACK_LZMA] = "lzma",
		[UNPACK_BZIP2] = "bzip2", [UNPACK_LZO] = "lzo",
	};

	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "unknown";
}

/* Grow *buf to hold need bytes (doubling), within max. */
static int reserve(uint8_t **buf, size_t *cap, size_t need, size_t max)
{
	size_t c = *cap ? *cap : 1u << 24;
	uint8_t *p;

	if (need > max)
		return -EFBIG;
	if (need <= *cap)
		return 0;
	while (c < need)
		c = c > max / 2 ? max : c * 2;
	p = realloc(*buf, c);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = c;
	return 0;
}

/*
 * Room after len in *buf for up to want more bytes, within max: when max
 * stops the growth, what is left of the buffer is room enough; none left
 * is -EFBIG, said in err.
 */
static int room(uint8_t **buf, size_t *cap, size_t len, size_t want, size_t max, const char *codec,
		char *err, size_t errlen)
{
	int ret = reserve(buf, cap, len + want, max);

	if (ret == -EFBIG && *cap > len)
		return 0;
	if (ret == -EFBIG)
		snprintf(err, errlen, "%s: payload over %zu bytes", codec, max);
	return ret;
}

/*
 * The legacy format: a magic, then blocks of a little-endian u32 compressed
 * size and that many bytes, each at most 8 MiB once decoded; a magic may
 * start another stream. The kernel's build appends the decoded size as a
 * last u32 (size_append), which is no block: it ends the payload.
 */
#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK (8u << 20)

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int unpack__lz4_legacy(const uint8_t *in, size_t n, size_t max, uint8_t **out, size_t *outlen,
		       char *err, size_t errlen)
{
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0, off = 0;
	int ret;

	if (n < 4 || le32(in) != LZ4_LEGACY_MAGIC) {
		snprintf(err, errlen, "lz4: no legacy frame magic");
		return -EINVAL;
	}
	off = 4;
	while (n - off >= 4) {
		uint32_t bs = le32(in + off);
		int d;

		if (bs == LZ4_LEGACY_MAGIC) {
			off += 4;
			continue;
		}
		if (bs > n - off - 4) {
			if (n - off == 4)
				break;	/* the appended decoded size */
			snprintf(err, errlen, "lz4: block of %u bytes at %zu past the end", bs, off);
			ret = -EINVAL;
			goto fail;
		}
		ret = room(&buf, &cap, len, LZ4_LEGACY_BLOCK, max, "lz4", err, errlen);
		if (ret)
			goto fail;
		d = LZ4_decompress_safe((const char *)in + off + 4, (char *)buf + len, (int)bs,
					(int)(cap - len < LZ4_LEGACY_BLOCK ? cap - len : LZ4_LEGACY_BLOCK));
		if (d < 0) {
			snprintf(err, errlen, "lz4: corrupt block at %zu", off);
			ret = -EINVAL;
			goto fail;
		}
		len += (size_t)d;
		off += 4 + bs;
	}
	*out = buf;
	*outlen = len;
	return 0;
fail:
	free(buf);
	return ret;
}

int unpack__gzip(const uint8_t *in, size_t n, size_t max, uint8_t **out, size_t *outlen,
		 char *err, size_t errlen)
{
	z_stream zs;
	uint8_t *buf = NULL;
	size_t cap = 0;
	int zr, ret;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		snprintf(err, errlen, "gzip: cannot start zlib");
		return -ENOMEM;
	}
	zs.next_in = (Bytef *)in;
	zs.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	do {
		ret = room(&buf, &cap, zs.total_out, 1u << 20, max, "gzip", err, errlen);
		if (ret)
			goto fail;
		zs.next_out = buf + zs.total_out;
		zs.avail_out = (uInt)(cap - zs.total_out > UINT32_MAX ? UINT32_MAX : cap - zs.total_out);
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			snprintf(err, errlen, "gzip: %s", zs.msg ? zs.msg : "corrupt data");
			ret = -EINVAL;
			goto fail;
		}
	} while (zr != Z_STREAM_END && (zs.avail_in || !zs.avail_out));
	if (zr != Z_STREAM_END) {
		snprintf(err, errlen, "gzip: truncated payload");
		ret = -EINVAL;
		goto fail;
	}
	*out = buf;
	*outlen = zs.total_out;
	inflateEnd(&zs);
	return 0;
fail:
	inflateEnd(&zs);
	free(buf);
	return ret;
}

int unpack__zstd(const uint8_t *in, size_t n, size_t max, uint8_t **out, size_t *outlen,
		 char *err, size_t errlen)
{
	ZSTD_DStream *zs = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, n, 0 };
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0;
	int ret;

	if (!zs)
		return -ENOMEM;
	ZSTD_initDStream(zs);
	for (;;) {
		ZSTD_outBuffer ob;
		size_t r;

		ret = room(&buf, &cap, len, 1u << 20, max, "zstd", err, errlen);
		if (ret)
			goto fail;
		ob = (ZSTD_outBuffer){ buf, cap, len };
		r = ZSTD_decompressStream(zs, &ob, &ib);
		len = ob.pos;
		if (ZSTD_isError(r)) {
			snprintf(err, errlen, "zstd: %s", ZSTD_getErrorName(r));
			ret = -EINVAL;
			goto fail;
		}
		if (r == 0)
			break;	/* the end of the frame: what follows is the size word */
		if (len < cap && ib.pos == ib.size) {
			snprintf(err, errlen, "zstd: truncated payload");
			ret = -EINVAL;
			goto fail;
		}
	}
	ZSTD_freeDStream(zs);
	*out = buf;
	*outlen = len;
	return 0;
fail:
	ZSTD_freeDStream(zs);
	free(buf);
	return ret;
}
