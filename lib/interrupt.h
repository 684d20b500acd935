/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIGINT, SIGTERM and SIGHUP to a tool that runs VMs: the signal is noted,
 * the tool's loops see it, stop their VMs and children, remove their
 * temporary files and exit 128 + the signal (130, 143, 129). The run folder
 * and the logs written so far stay.
 */
#ifndef KTSTR_INTERRUPT_H
#define KTSTR_INTERRUPT_H

#include <sys/types.h>

/* Catch the three signals (no SA_RESTART: a blocking poll or wait returns). */
void interrupt__install(void);
/* The signal caught so far, else 0. */
int interrupt__pending(void);
/* 128 + the signal, to exit with. */
int interrupt__exit_code(void);
/*
 * In a child between fork and exec: die with SIGKILL when the parent dies
 * (whatever kills it, SIGKILL included), and default signal handling.
 * Returns -1 when the parent is already gone (the child should _exit).
 */
int interrupt__child_setup(pid_t parent);

#endif
