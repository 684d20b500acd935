// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-btfres on a corrupt scheduler: a BPF object (ELF with .BTF and
 * .BTF.ext), or a binary that may embed one.
 */
#include <unistd.h>

#include "btfres.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpfobj o;
	char err[512], tmp[4096];
	const char *path = fuzz__path(data, size);

	if (bpfobj__open(&o, path, err, sizeof(err)) == 0) {
		bpfobj__find(&o, "ktstr_enqueue");
		bpfobj__close(&o);
	}
	if (embedded__extract(path, tmp, sizeof(tmp), err, sizeof(err)) == 0)
		unlink(tmp);
	return 0;
}
