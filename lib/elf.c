// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <elf.h>	/* lib/elf.h, then the system's */
#include <gelf.h>
#include <libelf.h>

#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* Does the ELF at path carry the PVH entry note QEMU needs to boot it? */
bool elf__has_pvh_note(const char *path)
{
	bool found = false;
	size_t nph = 0, i;
	Elf *e = NULL;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getphdrnum(e, &nph))
		goto cleanup;
	for (i = 0; i < nph && !found; i++) {
		GElf_Phdr ph;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getphdr(e, i, &ph) || ph.p_type != PT_NOTE)
			continue;
		d = elf_getdata_rawchunk(e, ph.p_offset, ph.p_filesz, ELF_T_NHDR);
		if (!d)
			continue;
		while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY && nh.n_namesz == 4 &&
			    !memcmp((char *)d->d_buf + noff, "Xen", 4)) {
				found = true;
				break;
			}
		}
	}
cleanup:
	if (e)
		elf_end(e);
	close(fd);
	return found;
}
