// SPDX-License-Identifier: GPL-2.0
/* Children of PID 1: the scheduler, the agent, the workers. */
#include <signal.h>
#include <unistd.h>

#include "init.h"

pid_t proc__fork(void)
{
	sigset_t none;
	pid_t pid = fork();

	if (pid)
		return pid;
	/* PID 1 blocks SIGCHLD for its signalfd; a child must not inherit that. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	return 0;
}
