/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU for a test VM: choose the accelerator, pick the kernel image it boots,
 * build its command line (topology, memory, two serial ports to files, a
 * virtio-serial channel), start it, reap it, stop it.
 */
#ifndef KTSTR_QEMU_H
#define KTSTR_QEMU_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "topology.h"

enum qemu_accel { QEMU_ACCEL_AUTO, QEMU_ACCEL_KVM, QEMU_ACCEL_TCG };

/* "auto", "kvm", "tcg". Returns 0 or -EINVAL. */
int qemu__parse_accel(const char *s, enum qemu_accel *a);
const char *qemu__accel_name(enum qemu_accel a);
/*
 * AUTO becomes KVM only when /dev/kvm opens read-write and /proc/cpuinfo
 * has vmx or svm; else TCG, with why in err. KVM asked for but unusable: -ENODEV.
 */
int qemu__pick_accel(enum qemu_accel want, enum qemu_accel *got, char *err, size_t errlen);

struct qemu_kernel {
	char image[PATH_MAX];	/* what QEMU's -kernel gets */
	bool pvh;		/* image is an ELF vmlinux with a PVH entry note */
	char version[128];	/* from a "version" file beside it, or "" */
	char config[PATH_MAX];	/* the kernel's .config, or "": the guest's /boot/config-$(uname -r) */
	char dir[PATH_MAX];	/* the folder the kernel came from, or "" */
};
/*
 * arg: whatever kernel__resolve (lib/kernel.h) takes: a folder holding vmlinux
 * and/or bzImage (the layout `make kernel` links), a kernel build tree, one
 * image file, or a version in the kernel cache. NULL: $KTSTR_KERNEL,
 * $KTSTR_KERNEL_DIR, then ../kernel beside the running binary (build/kernel).
 * A vmlinux is preferred when it carries the PVH ELF note: QEMU boots it
 * directly, skipping decompression (a lone bzImage gets one extracted).
 */
int qemu__find_kernel(const char *arg, struct qemu_kernel *k, char *err, size_t errlen);

struct qemu_config {
	const char *kernel;
	bool pvh;
	const char *initrd;
	const char *append;		/* kernel command line, NULL: ktstr's */
	long lpj;			/* with ktstr's: loops_per_jiffy to preset, 0: none */
	enum qemu_accel accel;		/* KVM or TCG, already picked */
	struct topology topo;
	long memory_mb;
	const char *com1_path, *com2_path;
	const char *qemu_log;		/* QEMU's own stderr, or NULL */
	bool channel;			/* a virtio-serial port CHANNEL_PORT_NAME */
};

/* loops_per_jiffy for a guest of the kernel whose .config is at config, or 0. */
long qemu__lpj(const char *config);

struct qemu {
	pid_t pid;
	int chan_fd;		/* host end of the channel, -1 without */
	int status;		/* QEMU's wait status once exited */
	bool exited;
};

/* Start QEMU (found on PATH as qemu-system-x86_64). Returns 0 or -errno. */
int qemu__start(const struct qemu_config *c, struct qemu *q, char *err, size_t errlen);
/* The argv qemu__start would run (for -v), NULL-terminated; free with qemu__free_argv. */
char **qemu__argv(const struct qemu_config *c, int chan_guest_fd);
void qemu__free_argv(char **argv);
/* Reap QEMU if it has exited. Returns true once it has. */
bool qemu__poll_exit(struct qemu *q);
/* SIGTERM, then SIGKILL after grace_ms; reaps. */
void qemu__kill(struct qemu *q, int grace_ms);
void qemu__close(struct qemu *q);

#endif
