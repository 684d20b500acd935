/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verdict of a scenario run from what the guest said (lib/guestlog.h):
 * pass, fail or error, and a one-line reason (man/ktstr-boot.1).
 */
#ifndef KTSTR_VERDICT_H
#define KTSTR_VERDICT_H

#include <stdbool.h>

#include "vm.h"

/* r->verdict, r->reason, r->reached_workload and the checks, from r's timeline and exit. */
void verdict__judge(const struct vm_run_opts *o, struct vm_result *r, bool timed_out, bool panic);

#endif
