// SPDX-License-Identifier: GPL-2.0
/* ktstr-stitch's targets reader (ktstr-btfres output, or a user's file). */
#include "decode.h"
#include "fuzz.h"
#include "stitch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct targets tg = { 0 };
	struct decode_tables dt = { 0 };
	char msg[512];

	if (targets__load(&tg, fuzz__path(data, size), msg, sizeof(msg)) == 0) {
		if (decode_tables__init(&dt, tg.enums, msg, sizeof(msg)) == 0)
			decode_tables__free(&dt);
		targets__find(&tg, "enqueue_task_scx");
	}
	targets__free(&tg);
	return 0;
}
