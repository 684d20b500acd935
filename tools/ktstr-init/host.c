// SPDX-License-Identifier: GPL-2.0
/*
 * The host's channel: the virtio-serial port named CHANNEL_PORT_NAME, and
 * the commands the host sends on it (man/ktstr-init.1), each answered with
 * a CH_ACK frame.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"
#include "init.h"

/* The virtio-serial port named CHANNEL_PORT_NAME, found through sysfs. */
int host__open(const char *want)
{
	char path[300], name[64];
	struct dirent *de;
	DIR *d = opendir("/sys/class/virtio-ports");
	int fd = -1;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name", de->d_name);
		if (sysfs__read(path, name, sizeof(name)) || strcmp(name, want))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
		break;
	}
	closedir(d);
	if (fd >= 0) {
		/* Reads stay non-blocking (poll drives them); writes must not drop bytes. */
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	}
	return fd;
}

static void handle_cmd(int fd, const char *cmd, size_t len)
{
	char buf[512], suffix[64], msg[400], ack[600];
	long offset;
	int size, n;
	unsigned long long value;

	snprintf(buf, sizeof(buf), "%.*s", (int)len, cmd);
	if (sscanf(buf, "map_write %63s %ld %d %llu", suffix, &offset, &size, &value) == 4) {
		int err = map_write(suffix, offset, size, value, msg, sizeof(msg));

		n = snprintf(ack, sizeof(ack), "map_write %s: %s", err ? "failed" : "ok", msg);
		tl("bpf_map_write %s: %s", err ? "failed" : "acked", msg);
	} else if (!strcmp(buf, "ping")) {
		n = snprintf(ack, sizeof(ack), "pong");
	} else {
		n = snprintf(ack, sizeof(ack), "unknown command: %.200s", buf);
		tl("unknown host command: %.200s", buf);
	}
	if (fd >= 0)
		channel__send(fd, CH_ACK, ack, (size_t)n < sizeof(ack) ? (size_t)n : sizeof(ack) - 1);
}

bool host__serve(int fd, struct channel_reader *rd)
{
	ssize_t n = channel_reader__fill(rd, fd);

	if (n == 0 || (n < 0 && n != -EAGAIN))
		return false;
	while (channel_reader__next(rd) > 0)
		if (rd->type == CH_CMD)
			handle_cmd(fd, (const char *)rd->data, rd->dlen);
	return true;
}
