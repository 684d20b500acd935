// SPDX-License-Identifier: GPL-2.0
/* Children of PID 1: the scheduler, the agent, the workers; and what /proc says of them. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
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

static int read_proc(pid_t pid, const char *file, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		err = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return err;
}

int proc__schedstat(pid_t pid, uint64_t *cpu_ns, uint64_t *delay_ns)
{
	unsigned long long run, wait;
	char buf[128];
	int err = read_proc(pid, "schedstat", buf, sizeof(buf));

	if (err)
		return err;
	if (sscanf(buf, "%llu %llu", &run, &wait) != 2)
		return -EINVAL;
	*cpu_ns = run;
	*delay_ns = wait;
	return 0;
}

int proc__state(pid_t pid, char *state, int *cpu)
{
	char buf[1024], *p;
	int err = read_proc(pid, "stat", buf, sizeof(buf)), i;

	if (err)
		return err;
	/* The command name (field 2) may hold spaces and parentheses: start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -EINVAL;
	*state = p[2];
	/* Field 39, processor: 36 fields after the state (field 3). */
	for (i = 0, p += 2; i < 36 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, "%d", cpu) != 1)
		return -EINVAL;
	return 0;
}
