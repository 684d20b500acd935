// SPDX-License-Identifier: GPL-2.0
/*
 * What PID 1 sets up and tears down around the run: the filesystems and
 * links schedulers expect, the sched_ext trace events, the serial port the
 * scheduler writes to, the kernel's dump copied to the console, power off.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

#include "init.h"
#include "scx.h"

#define TRACEFS "/sys/kernel/tracing"
#define COM2 "/dev/ttyS1"
#define DUMP_START_MARK "===== ktstr: sched_ext_dump begin =====\n"
#define DUMP_END_MARK "===== ktstr: sched_ext_dump end =====\n"

void system__power_off(void)
{
	tl("poweroff");
	sync();
	reboot(RB_POWER_OFF);
	/* reboot() only returns on error; PID 1 must not exit. */
	for (;;)
		pause();
}

void system__mount(void)
{
	static const struct { const char *src, *dst, *type; } m[] = {
		{ "proc", "/proc", "proc" },
		{ "sysfs", "/sys", "sysfs" },
		{ "devtmpfs", "/dev", "devtmpfs" },
		{ "tmpfs", "/tmp", "tmpfs" },
		{ "cgroup2", "/sys/fs/cgroup", "cgroup2" },
		{ "tracefs", TRACEFS, "tracefs" },
		{ "debugfs", "/sys/kernel/debug", "debugfs" },
		{ "bpf", "/sys/fs/bpf", "bpf" },
		{ "tmpfs", "/run", "tmpfs" },
	};
	struct utsname u;
	char cfg[400];
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		mkdir(m[i].dst, 0755);
		if (mount(m[i].src, m[i].dst, m[i].type, 0, NULL) && errno != EBUSY)
			tl("mount %s on %s failed: %s", m[i].type, m[i].dst, strerror(errno));
	}
	/*
	 * What schedulers built for a full system expect: /var/run (scx's
	 * Rust schedulers keep state in /var/run/scx) and the kernel config
	 * libbpf reads for __kconfig externs, /boot/config-$(uname -r).
	 */
	mkdir("/var", 0755);
	if (symlink("/run", "/var/run") && errno != EEXIST)
		tl("cannot link /var/run: %s", strerror(errno));
	mkdir("/run/scx", 0755);
	if (!access(KTSTR_GUEST_KCONFIG, R_OK) && !uname(&u)) {
		mkdir("/boot", 0755);
		snprintf(cfg, sizeof(cfg), "/boot/config-%s", u.release);
		if (symlink(KTSTR_GUEST_KCONFIG, cfg) && errno != EEXIST)
			tl("cannot link %s: %s", cfg, strerror(errno));
	}
}

int system__open_com2(void)
{
	struct termios t;
	int fd = open(COM2, O_WRONLY | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	/* Raw: bytes reach com2.log as the scheduler wrote them. */
	if (!tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

void system__put(int fd, const char *s)
{
	if (fd >= 0 && write(fd, s, strlen(s)) < 0) {
		/* nothing better to do: the port is gone */
	}
}

void system__enable_tracing(void)
{
	static const char *const ev[] = { SCX_DUMP_TP, SCX_EXIT_TP };
	char path[256];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), TRACEFS "/events/" SCX_TP_SYSTEM "/%s/enable", ev[i]);
		if (sysfs__write(path, "1"))
			tl("trace event %s unavailable: %s", ev[i], strerror(errno));
	}
}

/* Copy the sched_ext_dump events (the kernel's debug dump) to the console. */
void system__copy_dump(void)
{
	char line[4096];
	int lines = 0;
	FILE *f = fopen(TRACEFS "/trace", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || (!strstr(line, SCX_DUMP_TP ":") && !strstr(line, SCX_EXIT_TP ":")))
			continue;
		if (!lines++)
			system__put(STDOUT_FILENO, DUMP_START_MARK);
		system__put(STDOUT_FILENO, line);
	}
	fclose(f);
	if (lines) {
		system__put(STDOUT_FILENO, DUMP_END_MARK);
		tl("sched_ext_dump copied: %d lines", lines);
	}
}
