/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A whole scenario in a test VM, for ktstr-boot and, with a probe agent, for
 * ktstr-probe: the initramfs (lib/initramfs.h), QEMU (lib/qemu.h) under a
 * hard timeout, the host's live commands on the channel while it runs, what
 * the guest said (lib/guestlog.h) and the verdict (lib/verdict.h).
 */
#ifndef KTSTR_VM_H
#define KTSTR_VM_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "checks.h"
#include "qemu.h"
#include "scenario.h"

struct vm_file {
	const char *host;	/* file on the host */
	const char *guest;	/* absolute path in the guest */
	bool with_libs;		/* also copy the shared libraries ldd names */
};

struct vm_run_opts {
	const struct scenario *scn;
	struct qemu_kernel kernel;
	enum qemu_accel accel;		/* picked already */
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
	/* Seconds to wait for the guest's first word; 0: 30 with KVM, 60 with TCG. */
	long boot_timeout_s;
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
	char agent_lost[PATH_MAX + 64];	/* "FILE: why" when the agent's stream could not be saved */
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
void vm_result__free(struct vm_result *r);

#endif
