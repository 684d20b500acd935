// SPDX-License-Identifier: GPL-2.0
/*
 * A scheduler binary that embeds its BPF object (a libbpf skeleton in C,
 * libbpf-rs in Rust) carries the object's bytes whole, ELF header first: find
 * the EM_BPF ELF inside, measure it by its section header table, and copy it
 * to a temporary file that ktstr-btfres opens like any .bpf.o.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btfres.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

/* Size of a plausible 64-bit little-endian EM_BPF relocatable at p, or 0. */
static size_t bpf_elf_size(const unsigned char *p, size_t avail)
{
	Elf64_Ehdr h;
	size_t end;

	if (avail < sizeof(h))
		return 0;
	memcpy(&h, p, sizeof(h));
	if (h.e_ident[EI_CLASS] != ELFCLASS64 || h.e_ident[EI_DATA] != ELFDATA2LSB || h.e_machine != EM_BPF ||
	    h.e_type != ET_REL || h.e_shentsize != sizeof(Elf64_Shdr) || !h.e_shnum || h.e_shoff > avail)
		return 0;
	end = h.e_shoff + (size_t)h.e_shnum * h.e_shentsize;
	return end <= avail ? end : 0;
}

int embedded__extract(const char *path, char *tmp, size_t tmplen, char *err, size_t errlen)
{
	const unsigned char *map, *p, *hit = NULL;
	size_t size = 0, left;
	struct stat st;
	int fd, out = -1, ret = -ENOENT;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || !st.st_size) {
		if (fd >= 0)
			close(fd);
		return -ENOENT;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -errno;
	/* The file's own header is not it (offset 0): the host binary. */
	for (p = map + 1, left = st.st_size - 1; left > 4; left = st.st_size - (p - map)) {
		p = memmem(p, left, ELFMAG, SELFMAG);
		if (!p)
			break;
		size = bpf_elf_size(p, st.st_size - (p - map));
		if (size) {
			hit = p;
			break;
		}
		p++;
	}
	if (!hit)
		goto cleanup;	/* -ENOENT: the caller's own reason stands */
	snprintf(tmp, tmplen, "%s/ktstr-btfres-embedded.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	out = mkstemp(tmp);
	if (out < 0 || write(out, hit, size) != (ssize_t)size) {
		ret = -errno ? -errno : -EIO;
		snprintf(err, errlen, "%s: cannot write the embedded BPF object: %s", tmp, strerror(-ret));
		if (out >= 0)
			unlink(tmp);
		goto cleanup;
	}
	ret = 0;
cleanup:
	if (out >= 0)
		close(out);
	munmap((void *)map, st.st_size);
	return ret;
}
