// SPDX-License-Identifier: GPL-2.0
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "channel.h"

int channel__send(int fd, uint16_t type, const void *data, size_t len)
{
	struct channel_hdr h = {
		.magic = htole32(CHANNEL_MAGIC),
		.type = htole16(type),
		.len = htole32((uint32_t)len),
	};
	struct iovec iov[2] = {
		{ &h, sizeof(h) },
		{ (void *)data, len },
	};
	int idx = 0;

	if (len > CHANNEL_MAX_PAYLOAD)
		return -EMSGSIZE;
	/* One writev in the common case keeps frames from different writers whole. */
	while (idx < 2) {
		ssize_t n = writev(fd, iov + idx, 2 - idx);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		while (idx < 2 && (size_t)n >= iov[idx].iov_len) {
			n -= iov[idx].iov_len;
			idx++;
		}
		if (idx < 2) {
			iov[idx].iov_base = (char *)iov[idx].iov_base + n;
			iov[idx].iov_len -= n;
		}
	}
	return 0;
}

static void drop_consumed(struct channel_reader *r)
{
	if (!r->consumed)
		return;
	memmove(r->buf, r->buf + r->consumed, r->len - r->consumed);
	r->len -= r->consumed;
	r->consumed = 0;
}

static int reserve(struct channel_reader *r, size_t extra)
{
	size_t cap = r->cap ? r->cap : 4096;
	unsigned char *nb;

	drop_consumed(r);
	while (cap < r->len + extra)
		cap *= 2;
	if (cap == r->cap)
		return 0;
	nb = realloc(r->buf, cap);
	if (!nb)
		return -ENOMEM;
	r->buf = nb;
	r->cap = cap;
	return 0;
}

ssize_t channel_reader__fill(struct channel_reader *r, int fd)
{
	ssize_t n;

	if (reserve(r, 65536))
		return -ENOMEM;
	do
		n = read(fd, r->buf + r->len, r->cap - r->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	r->len += n;
	return n;
}

int channel_reader__feed(struct channel_reader *r, const void *data, size_t len)
{
	if (reserve(r, len))
		return -ENOMEM;
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	return 0;
}

int channel_reader__next(struct channel_reader *r)
{
	struct channel_hdr h;
	size_t avail;

	drop_consumed(r);
	for (;;) {
		avail = r->len - r->consumed;
		if (avail < sizeof(h))
			return 0;
		memcpy(&h, r->buf + r->consumed, sizeof(h));
		if (le32toh(h.magic) == CHANNEL_MAGIC && le32toh(h.len) <= CHANNEL_MAX_PAYLOAD)
			break;
		/* Not a frame start: drop one byte and look again. */
		r->consumed++;
		r->skipped++;
	}
	if (avail < sizeof(h) + le32toh(h.len))
		return 0;
	r->type = le16toh(h.type);
	r->data = r->buf + r->consumed + sizeof(h);
	r->dlen = le32toh(h.len);
	r->consumed += sizeof(h) + r->dlen;
	return 1;
}

void channel_reader__free(struct channel_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}
