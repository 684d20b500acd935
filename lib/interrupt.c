// SPDX-License-Identifier: GPL-2.0
/* Signals that end a run (see interrupt.h). */
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "interrupt.h"

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	if (!caught)
		caught = sig;
}

void interrupt__install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int interrupt__pending(void)
{
	return caught;
}

int interrupt__exit_code(void)
{
	return 128 + caught;
}

int interrupt__child_setup(pid_t parent)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		return -1;
	/* The parent may have died between fork and prctl. */
	return getppid() == parent ? 0 : -1;
}
