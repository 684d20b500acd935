// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-stitch end to end on one input: its events (the repro VM's agent
 * stream converted: untrusted) read against the demo's real targets, the
 * chain built, then rendered in all three formats. An odd size means
 * --history (so that every fixture is a seed as it is).
 */
#include <stdio.h>

#include "decode.h"
#include "fuzz.h"
#include "stitch.h"

#ifndef FUZZ_TARGETS
#error "FUZZ_TARGETS: the targets file the events are read against"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct targets tg;
	static struct decode_tables dt;
	static int loaded;
	struct events ev = { 0 };
	struct chain ch = { 0 };
	struct render_opts ro;
	char msg[512];
	FILE *null;

	if (!loaded) {
		if (targets__load(&tg, FUZZ_TARGETS, msg, sizeof(msg)) ||
		    decode_tables__init(&dt, tg.enums, msg, sizeof(msg))) {
			fprintf(stderr, "%s\n", msg);
			return -1;
		}
		loaded = 1;
	}
	if (events__read(&ev, fuzz__path(data, size), &tg, msg, sizeof(msg)) == 0 &&
	    chain__build(&ch, &ev, size & 1) == 0) {
		null = fopen("/dev/null", "w");
		if (null) {
			ro = (struct render_opts){ .ev = &ev, .ch = &ch, .dt = &dt, .f = null };
			render__text(&ro);
			render__json(&ro);
			render__perfetto(&ro);
			fclose(null);
		}
	}
	chain__free(&ch);
	events__free(&ev);
	return 0;
}
