/* SPDX-License-Identifier: GPL-2.0 */
/* What ktstr asks of ELF files (a vmlinux above all), through libelf. */
#ifndef KTSTR_ELF_H
#define KTSTR_ELF_H

#include <stdbool.h>
#include <stddef.h>
/*
 * This header shadows the system's <elf.h> on the -Ilib path (as lib/yaml.h
 * does libyaml's): pull the real one in behind it, for <gelf.h> and us. Include
 * this file as <elf.h> so the search continues past lib/.
 */
#include_next <elf.h>

/* Whether the ELF at path carries the PVH entry note QEMU needs to boot it directly. */
bool elf__has_pvh_note(const char *path);
/* The GNU build-id of an ELF file as lowercase hex. 0, -ENOENT (no note) or -errno. */
int elf__build_id(const char *elf_path, char *hex, size_t hexlen);
/*
 * Whether the ELF at path is statically linked: no program interpreter and
 * no dynamic section, so no loader and no library to go with it. False for
 * anything else, a file that is not ELF included.
 */
bool elf__is_static(const char *path);
/* Whether an ELF file has a section of that name (e.g. ".debug_info"). */
bool elf__has_section(const char *path, const char *name);
/*
 * Before libbpf parses an ELF's BTF: its .BTF and .BTF.ext are PROGBITS
 * inside the file. 0 (also for a file that is not ELF), or -EINVAL with err.
 */
int elf__check_btf_sections(const char *path, char *err, size_t errlen);

#endif
