// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-tail's dump classifier and cycle collapse on console text (guest
 * output: untrusted), line by line as the tool feeds them.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strtab tab = { 0 };
	struct dump_scan scan = { 0 };
	struct centry *e = calloc(size + 1, sizeof(*e));
	const char *s = (const char *)data, *end = s + size;
	size_t n = 0, i, len;
	long m;

	if (!e)
		return 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t l = nl ? (size_t)(nl - s) : (size_t)(end - s), skip = 0, stamp;
		bool prev_too;
		long id, key;

		dump__classify(&scan, s, l, &skip, &prev_too);
		if (skip > l)
			abort();	/* the skip must stay inside the line */
		id = strtab__intern(&tab, s + skip, l - skip);
		stamp = dump__stamp_len(s + skip, l - skip);
		key = stamp ? strtab__intern(&tab, s + skip + stamp, l - skip - stamp) : id;
		if (id < 0 || key < 0)
			break;
		e[n].text = (uint32_t)id;
		e[n++].key = (uint32_t)key;
		s += l + 1;
	}
	m = collapse__run(&tab, e, n);
	for (i = 0; m > 0 && i < (size_t)m; i++)
		if (!strtab__str(&tab, e[i].text, &len))
			abort();
	strtab__free(&tab);
	free(e);
	return 0;
}
