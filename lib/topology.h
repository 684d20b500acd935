/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's CPU topology, written NnLlCcTt (man/ktstr-scenario.5): NUMA
 * nodes, last-level caches in total, cores per LLC, threads per core.
 */
#ifndef KTSTR_TOPOLOGY_H
#define KTSTR_TOPOLOGY_H

#include <stddef.h>

struct topology {
	int nodes, llcs, cores, threads;	/* NnLlCcTt: llcs in total, cores per LLC */
};

/* 0 or -EINVAL. */
int topology__parse(const char *s, struct topology *t);
int topology__cpus(const struct topology *t);
/* "1n1l2c1t" into buf. */
void topology__format(const struct topology *t, char *buf, size_t len);

#endif
