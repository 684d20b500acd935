// SPDX-License-Identifier: GPL-2.0
/*
 * scx-bad: scx-ktstr with one deliberate bug the verifier rejects (a
 * dereference of the nullable `prev` argument of ops.dispatch), so tests
 * get a real verifier failure from the same loader.
 */
#define KTSTR_BAD_DISPATCH 1
#include "../scx-ktstr/main.bpf.c"
