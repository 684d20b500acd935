// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elf.h>	/* lib/elf.h, then the system's */
#include <gelf.h>
#include <libelf.h>

#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* The ELF at path, opened for reading: 0, or -errno with nothing left open. */
static int with_elf(const char *path, Elf **elf, int *fd)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	*elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!*elf || elf_kind(*elf) != ELF_K_ELF) {
		if (*elf)
			elf_end(*elf);
		close(*fd);
		return -EINVAL;
	}
	return 0;
}

/*
 * Each program header of the ELF at path to fn, until fn says stop (true):
 * 1 if it stopped, 0 if not, -1 if the ELF or a header could not be read (an
 * unreadable header is skipped, the others still go to fn).
 */
static int each_phdr(const char *path, bool (*fn)(Elf *e, const GElf_Phdr *ph))
{
	size_t nph = 0, i;
	bool bad = false;
	int ret = 0;
	Elf *e;
	int fd;

	if (with_elf(path, &e, &fd))
		return -1;
	if (elf_getphdrnum(e, &nph)) {
		ret = -1;
		goto cleanup;
	}
	for (i = 0; i < nph && !ret; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, i, &ph))
			bad = true;
		else if (fn(e, &ph))
			ret = 1;
	}
	if (!ret && bad)
		ret = -1;
cleanup:
	elf_end(e);
	close(fd);
	return ret;
}

/* A PT_NOTE segment with the Xen PVH entry note. */
static bool is_pvh_note(Elf *e, const GElf_Phdr *ph)
{
	size_t off = 0, noff, doff;
	GElf_Nhdr nh;
	Elf_Data *d;

	if (ph->p_type != PT_NOTE)
		return false;
	d = elf_getdata_rawchunk(e, ph->p_offset, ph->p_filesz, ELF_T_NHDR);
	if (!d)
		return false;
	while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0)
		if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY && nh.n_namesz == 4 && !memcmp((char *)d->d_buf + noff, "Xen", 4))
			return true;
	return false;
}

/* Does the ELF at path carry the PVH entry note QEMU needs to boot it? */
bool elf__has_pvh_note(const char *path)
{
	return each_phdr(path, is_pvh_note) == 1;
}

/* A segment only a dynamically linked ELF has. */
static bool is_dynamic_phdr(Elf *e, const GElf_Phdr *ph)
{
	(void)e;
	return ph->p_type == PT_INTERP || ph->p_type == PT_DYNAMIC;
}

bool elf__is_static(const char *path)
{
	return each_phdr(path, is_dynamic_phdr) == 0;
}

int elf__build_id(const char *elf_path, char *hex, size_t hexlen)
{
	Elf_Scn *scn = NULL;
	Elf *elf;
	int fd, err;

	err = with_elf(elf_path, &elf, &fd);
	if (err)
		return err;
	err = -ENOENT;
	while ((scn = elf_nextscn(elf, scn)) && err) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		while (d && (off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			const unsigned char *desc = (const unsigned char *)d->d_buf + doff;
			size_t i;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)d->d_buf + noff, "GNU", 4) || nh.n_descsz * 2 + 1 > hexlen)
				continue;
			for (i = 0; i < nh.n_descsz; i++)
				sprintf(hex + 2 * i, "%02x", desc[i]);
			err = 0;
			break;
		}
	}
	elf_end(elf);
	close(fd);
	return err;
}

bool elf__has_section(const char *path, const char *name)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	bool found = false;
	Elf *elf;
	int fd;

	if (with_elf(path, &elf, &fd))
		return false;
	if (elf_getshdrstrndx(elf, &shstrndx) == 0) {
		while (!found && (scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			const char *n;

			if (gelf_getshdr(scn, &sh) && (n = elf_strptr(elf, shstrndx, sh.sh_name)))
				found = !strcmp(n, name);
		}
	}
	elf_end(elf);
	close(fd);
	return found;
}

int elf__check_btf_sections(const char *path, char *err, size_t errlen)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	struct stat st;
	Elf *elf;
	int fd, ret = 0;

	if (with_elf(path, &elf, &fd))
		return 0;	/* not ELF: raw BTF, libbpf's to judge */
	if (fstat(fd, &st) || elf_getshdrstrndx(elf, &shstrndx)) {
		ret = -EINVAL;
		snprintf(err, errlen, "%s: corrupt ELF section headers", path);
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (!gelf_getshdr(scn, &sh) || !(n = elf_strptr(elf, shstrndx, sh.sh_name)))
			continue;
		if (strcmp(n, ".BTF") && strcmp(n, ".BTF.ext"))
			continue;
		/* libbpf 1.4 copies a NOBITS section's NULL data (a SEGV, found by fuzzing). */
		if (sh.sh_type != SHT_PROGBITS || sh.sh_offset > (uint64_t)st.st_size ||
		    sh.sh_size > (uint64_t)st.st_size - sh.sh_offset) {
			ret = -EINVAL;
			snprintf(err, errlen, "%s: corrupt %s section (type %u, %llu bytes at %llu)", path, n,
				 sh.sh_type, (unsigned long long)sh.sh_size, (unsigned long long)sh.sh_offset);
			break;
		}
	}
out:
	elf_end(elf);
	close(fd);
	return ret;
}
