// SPDX-License-Identifier: GPL-2.0
/*
 * The stage timeline: "[   3.412345] ktstr-init: STAGE" on the console
 * (COM1, next to the kernel's own lines and in the same clock) and the same
 * "3.412345 STAGE" as a CH_EVENT frame for the host, which acts on it live.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "init.h"

static int chan_fd = -1;

void tl__set_channel(int fd)
{
	chan_fd = fd;
}

double tl__now(void)
{
	struct timespec ts;

	/* CLOCK_BOOTTIME counts from boot like the kernel's printk stamps. */
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void tl(const char *fmt, ...)
{
	char msg[1024], line[1200];
	double t = tl__now();
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One write per line so kernel messages do not split it. */
	n = snprintf(line, sizeof(line), "[%5lu.%06lu] ktstr-init: %s\n", (unsigned long)t,
		     (unsigned long)((t - (unsigned long)t) * 1e6), msg);
	if (n > 0 && write(STDOUT_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) < 0) {
		/* The console is gone; the channel still carries the event. */
	}
	if (chan_fd >= 0) {
		n = snprintf(line, sizeof(line), "%.6f %s", t, msg);
		channel__send(chan_fd, CH_EVENT, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	}
}
