// SPDX-License-Identifier: GPL-2.0
/* ktstr-stackx's scanner on any console log (guest output: untrusted). */
#include "fuzz.h"
#include "stackx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fnlist tiers[TIER_N] = { 0 };
	int i;

	scan__file(fuzz__path(data, size), tiers);
	for (i = 0; i < TIER_N; i++)
		fnlist__free(&tiers[i]);
	return 0;
}
