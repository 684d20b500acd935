/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test VMs: find the guest kernel, choose the accelerator, build QEMU's
 * command line (topology, memory, two serial ports to files, a virtio-serial
 * channel), run it under a hard timeout; and on top of that run a whole
 * scenario (initramfs with ktstr-init, live host commands, verdict) for
 * ktstr-boot and, with a probe agent, for ktstr-probe.
 */
#ifndef KTSTR_VM_H
#define KTSTR_VM_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "checks.h"
#include "scenario.h"

enum vm_accel { VM_ACCEL_AUTO, VM_ACCEL_KVM, VM_ACCEL_TCG };

/* "auto", "kvm", "tcg". Returns 0 or -EINVAL. */
int vm__parse_accel(const char *s, enum vm_accel *a);
const char *vm__accel_name(enum vm_accel a);
/*
 * AUTO becomes KVM only when /dev/kvm opens read-write and /proc/cpuinfo
 * has vmx or svm; else TCG. KVM asked for but unusable: -ENODEV and why.
 */
int vm__pick_accel(enum vm_accel want, enum vm_accel *got, char *why, size_t len);

struct vm_kernel {
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
int vm__find_kernel(const char *arg, struct vm_kernel *k, char *err, size_t errlen);

struct vm_config {
	const char *kernel;
	bool pvh;
	const char *initrd;
	const char *append;		/* kernel command line */
	enum vm_accel accel;		/* KVM or TCG, already picked */
	struct topology topo;
	long memory_mb;
	const char *com1_path, *com2_path;
	const char *qemu_log;		/* QEMU's own stderr, or NULL */
	bool channel;			/* a virtio-serial port CHANNEL_PORT_NAME */
};

struct vm {
	pid_t pid;
	int chan_fd;		/* host end of the channel, -1 without */
	int status;		/* QEMU's wait status once exited */
	bool exited;
};

/* Start QEMU (found on PATH as qemu-system-x86_64). Returns 0 or -errno. */
int vm__start(const struct vm_config *c, struct vm *vm, char *err, size_t errlen);
/* The argv vm__start would run (for -v), NULL-terminated; free with vm__free_argv. */
char **vm__argv(const struct vm_config *c, int chan_guest_fd);
void vm__free_argv(char **argv);
/* Reap QEMU if it has exited. Returns true once it has. */
bool vm__poll_exit(struct vm *vm);
/* SIGTERM, then SIGKILL after grace_ms; reaps. */
void vm__kill(struct vm *vm, int grace_ms);
void vm__close(struct vm *vm);

/* ---- running a scenario ---- */

struct vm_file {
	const char *host;	/* file on the host */
	const char *guest;	/* absolute path in the guest */
	bool with_libs;		/* also copy the shared libraries ldd names */
};

struct vm_run_opts {
	const struct scenario *scn;
	struct vm_kernel kernel;
	enum vm_accel accel;		/* picked already */
	const char *out_dir;		/* exists */
	const char *init_path;		/* host path of ktstr-init */
	const char *busybox;		/* host path, or NULL to leave it out */
	const char *sched_path;		/* host path; NULL for eevdf */
	char **sched_args;		/* extra leading arguments (e.g. --timeout-ms N) */
	const struct vm_file *files;	/* extra files, e.g. a probe agent */
	size_t nfiles;
	const char *agent;		/* guest path of an agent to start first, or NULL */
	char *const *agent_args;
	/* Called for every CH_AGENT frame. */
	void (*agent_frame)(void *ctx, const void *data, size_t len);
	void *ctx;
	bool keep_initramfs;
};

struct vm_tl {
	double t;		/* guest seconds since boot */
	char *stage;
};

struct vm_result {
	const char *verdict;		/* "pass", "fail", "error" */
	char reason[512];
	bool reached_workload;
	bool env_error;			/* the VM itself failed: exit 3 */
	struct vm_tl *tl;
	size_t ntl;
	bool have_exit;			/* a sched_ext exit was seen */
	char exit_kind[64];		/* "SCX_EXIT_ERROR_BPF" */
	int exit_code;			/* 1025, -1 unknown */
	char exit_reason[256];
	char exit_msg[512];
	char load_error[512];		/* the scheduler's BPF did not load: the verifier's summary, or "" */
	const char *vm_exit;		/* "poweroff", "timeout", "kernel panic", "qemu error", "reboot" */
	double duration_s;		/* wall time of the run, both attempts */
	int attempts;
	struct check checks[CHECK__COUNT];	/* evaluated when the workload ran to its end */
	size_t nchecks;
	char com1[PATH_MAX], com2[PATH_MAX];
	char *console_tail;		/* last COM1 lines when the VM failed, else NULL */
};

/* 0 (verdict in r) or -errno with err set (nothing booted or image build failed). */
int vm__run_scenario(const struct vm_run_opts *o, struct vm_result *r, char *err, size_t errlen);
void vm_result__release(struct vm_result *r);

#endif
