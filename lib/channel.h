/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The framed host<->guest channel (a virtio-serial port named "ktstr.0" in
 * the guest, a socketpair on the host). A frame is a 12-byte little-endian
 * header {u32 magic "KTCH", u16 type, u16 flags, u32 length} and length
 * bytes of payload. The reader resynchronises on the magic, so stray bytes
 * never wedge it. Used on both sides: ktstr-boot and ktstr-init.
 */
#ifndef KTSTR_CHANNEL_H
#define KTSTR_CHANNEL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CHANNEL_MAGIC 0x4843544bu	/* "KTCH" little-endian */
#define CHANNEL_MAX_PAYLOAD (1u << 20)
#define CHANNEL_PORT_NAME "ktstr.0"	/* virtserialport name= in QEMU */

enum channel_type {
	CH_EVENT = 1,	/* guest->host: a timeline entry "SECONDS STAGE[: detail]" */
	CH_CMD = 2,	/* host->guest: a text command (see man/ktstr-init.1) */
	CH_ACK = 3,	/* guest->host: the answer to a command, text */
	CH_AGENT = 4,	/* guest->host: probe agent data, opaque */
	CH_LOG = 5,	/* guest->host: free text */
};

struct channel_hdr {
	uint32_t magic;
	uint16_t type;
	uint16_t flags;
	uint32_t len;
} __attribute__((packed));

/* Write one frame, retrying short writes and EINTR. Returns 0 or -errno. */
int channel__send(int fd, uint16_t type, const void *data, size_t len);

struct channel_reader {
	unsigned char *buf;
	size_t len, cap;
	size_t skipped;		/* garbage bytes dropped while resynchronising */
	/* The current frame, valid until the next call. */
	uint16_t type;
	const unsigned char *data;
	size_t dlen;
	size_t consumed;
};

/* Read what is available from fd (one read()). 0 at EOF, >0 bytes, <0 -errno. */
ssize_t channel_reader__fill(struct channel_reader *r, int fd);
/* Append bytes obtained elsewhere. Returns 0 or -ENOMEM. */
int channel_reader__feed(struct channel_reader *r, const void *data, size_t len);
/* 1: a frame is in r->type/data/dlen; 0: need more bytes. */
int channel_reader__next(struct channel_reader *r);
void channel_reader__free(struct channel_reader *r);

#endif
