/* SPDX-License-Identifier: GPL-2.0 */
/* What ktstr asks of ELF files (a vmlinux above all), through libelf. */
#ifndef KTSTR_ELF_H
#define KTSTR_ELF_H

#include <stdbool.h>
/*
 * This header shadows the system's <elf.h> on the -Ilib path (as lib/yaml.h
 * does libyaml's): pull the real one in behind it, for <gelf.h> and us. Include
 * this file as <elf.h> so the search continues past lib/.
 */
#include_next <elf.h>

/* Whether the ELF at path carries the PVH entry note QEMU needs to boot it directly. */
bool elf__has_pvh_note(const char *path);

#endif
