/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Function -> source location ("kernel/sched/ext/ext.c", 2172) for a kernel
 * with DWARF. Parsing the DWARF of a distribution vmlinux costs seconds, so the
 * table is built once per build-id and cached in a compact text file:
 *
 *   ktstr-srcidx 2 <build-id>
 *   F <path>                      (file table; the n-th F line is file n)
 *   <function> <file#> <line>     (sorted by function name, byte order)
 *
 * The line is the one of the function's first instruction (what addr2line
 * reports for its address), the path is relative to the kernel tree.
 */
#ifndef KTSTR_DWARF_H
#define KTSTR_DWARF_H

#include <stdbool.h>
#include <stddef.h>
/* This header shadows elfutils' <dwarf.h> (lib/ is on the include path):
 * pull the real one in so DW_TAG_* and DW_AT_* stay available. */
#include_next <dwarf.h>

struct srcidx;

/*
 * The index for the DWARF ELF file dwarf_path (may be NULL when only the
 * cache is wanted: then build_id must be given). cache_path is read when its
 * build-id matches, else the index is built from DWARF and written there
 * atomically (an unwritable cache only costs the rebuild next time).
 * *rebuilt tells whether DWARF was parsed. Returns 0, -ENOENT (no DWARF and no
 * valid cache), -EINVAL (no DWARF in the file) or another -errno.
 */
int srcidx__open(const char *dwarf_path, const char *build_id, const char *cache_path,
		 struct srcidx **out, bool *rebuilt, char *err, size_t errlen);
/* Build the index of dwarf_path into out_path. */
int srcidx__build(const char *dwarf_path, const char *build_id, const char *out_path,
		  char *err, size_t errlen);
/* The path of the function's file, or NULL; *line set when found. */
const char *srcidx__lookup(const struct srcidx *idx, const char *func, unsigned int *line);
size_t srcidx__count(const struct srcidx *idx);
void srcidx__free(struct srcidx *idx);

/* Strip a DWARF path to one relative to the source tree; result in out. */
void dwarf__tree_path(const char *path, const char *comp_dir, char *out, size_t outlen);

#endif
