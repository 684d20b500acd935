// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-probe's converter of the agent's stream (the repro VM's output:
 * untrusted) into hits, triggers and programs, against the demo's real plan,
 * and the hits written out as their JSON lines.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "fuzz.h"
#include "probe.h"

#ifndef FUZZ_TARGETS
#error "FUZZ_TARGETS: the targets file the plan is made of"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct probe_plan *plan;
	static FILE *null;
	struct conv conv = { 0 };
	char msg[512];

	if (!plan) {
		plan = calloc(1, sizeof(*plan));
		if (!plan || probe_plan__load(plan, FUZZ_TARGETS, msg, sizeof(msg))) {
			fprintf(stderr, "%s\n", plan ? msg : "out of memory");
			abort();
		}
		null = fopen("/dev/null", "we");
		if (!null)
			abort();
	}
	conv.plan = plan;
	conv.meta = json_object();
	if (!conv__read(&conv, fuzz__path(data, size)))
		conv__write_hits(&conv, null);
	conv__free(&conv);
	return 0;
}
