// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-serial frame reader (guest output: untrusted), fed in pieces
 * whose sizes come from the input's first byte, so frames split anywhere.
 */
#include <string.h>
#include <sys/types.h>

#include "channel.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct channel_reader r;
	size_t step, off = 1;
	volatile unsigned sum = 0;

	if (!size)
		return 0;
	memset(&r, 0, sizeof(r));
	step = data[0] ? data[0] : 4096;
	while (off < size) {
		size_t n = size - off < step ? size - off : step;

		if (channel_reader__feed(&r, data + off, n))
			break;
		off += n;
		while (channel_reader__next(&r) == 1) {
			/* Touch every byte the reader says is the frame. */
			for (size_t i = 0; i < r.dlen; i++)
				sum += r.data[i];
			sum += r.type;
		}
	}
	channel_reader__free(&r);
	return 0;
}
