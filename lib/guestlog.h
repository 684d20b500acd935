/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a test VM's guest said, read into a vm_result: the timeline of
 * ktstr-init's stages (from the channel, else from the console), the
 * sched_ext exit (the loader's EXIT line on COM2, the kernel's lines and its
 * sched_ext_exit trace on COM1), why the BPF did not load, and the last
 * console lines. Guest text is untrusted: everything kept is sanitized.
 */
#ifndef KTSTR_GUESTLOG_H
#define KTSTR_GUESTLOG_H

#include <stddef.h>

#include "vm.h"

/* "SECONDS STAGE" (a channel event or the tail of a console line). 0 or -errno. */
int guestlog__tl_add(struct vm_result *r, const char *s, size_t len);
void guestlog__tl_clear(struct vm_result *r);
/* The first stage from index from on that starts with prefix, or NULL. */
const struct vm_tl *guestlog__tl_find(const struct vm_result *r, const char *prefix, size_t from);
/* The same, before until (NULL: the end). */
const struct vm_tl *guestlog__tl_find_until(const struct vm_result *r, const char *prefix, size_t from,
					   const struct vm_tl *until);
/* Timeline from COM1 when the channel carried nothing (no virtio port). */
void guestlog__tl_from_console(struct vm_result *r, const char *com1);

/* Replace the NUL bytes of a log read whole with spaces. */
void guestlog__nul_to_space(char *buf, size_t len);
/* Last n lines of buf, each sanitized, joined by newlines; malloc'd. */
char *guestlog__tail(const char *buf, size_t len, int n);
/* Sanitize a buffer already holding guest text, cut on a character boundary. */
void guestlog__clean_in_place(char *buf, size_t len);

/* The sched_ext exit into r (have_exit, exit_*), else why the BPF did not load (load_error). */
void guestlog__read_exit(struct vm_result *r, const char *com1, const char *com2);

#endif
