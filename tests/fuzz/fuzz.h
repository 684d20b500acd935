/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer harnesses of tests/fuzz/ (make fuzz): most
 * parsers of ktstr take a path, so the input is handed over as a memfd.
 */
#ifndef KTSTR_FUZZ_H
#define KTSTR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * A path that reads back data[0..size): "/proc/self/fd/N" of a memfd made
 * once and rewritten each call (no disk, no file left behind). Aborts on
 * failure: a harness that cannot hand over its input must not pass.
 */
const char *fuzz__path(const uint8_t *data, size_t size);

#endif
