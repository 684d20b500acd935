/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU lists as the kernel writes them ("0-1,3"), for masks of up to 64 CPUs
 * (the most a scenario's topology has): the guest reports the CPUs a worker
 * ran on in this form and the host reads them back.
 */
#ifndef KTSTR_CPULIST_H
#define KTSTR_CPULIST_H

#include <stddef.h>
#include <stdint.h>

/* The first len bytes of s into *mask; "-" is the empty list. 0 or -EINVAL. */
int cpulist__parse(const char *s, size_t len, uint64_t *mask);
/*
 * Whether s is a list of CPUs all below ncpus: 0, -EINVAL (not a list, or a
 * range written backwards) or -ERANGE (a CPU beyond).
 */
int cpulist__check(const char *s, int ncpus);
/* mask as "0-1,3" into buf, or empty ("" from an empty mask). */
void cpulist__format(uint64_t mask, char *buf, size_t len);

#endif
