// SPDX-License-Identifier: GPL-2.0
/* A scenario file (user input, YAML) through the loader and the plan writer. */
#include <stdio.h>

#include "fuzz.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario *s = NULL;
	char err[512];

	if (scenario__load(fuzz__path(data, size), &s, err, sizeof(err)) == 0) {
		scenario__total_hold_ms(s);
		scenario__free(s);
	}
	return 0;
}
