// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpio.h"
#include "initramfs.h"
#include "plan.h"
#include "scx.h"

/* A dynamically linked scheduler's libraries, its LD_LIBRARY_PATH in the guest. */
#define SCHED_LIBDIR "/ktstr/lib"

/* Everything the guest needs, in one newc archive. */
int initramfs__build(const struct vm_run_opts *o, const char *path, char *err, size_t errlen)
{
	static const char *const applets[] = { "sh", "cat", "ls", "ps", "dmesg", "mount", "sleep" };
	char *plan = NULL, *sched_guest = NULL;
	size_t plan_len = 0, i;
	struct plan_extra x = { 0 };
	struct cpio c;
	FILE *pf, *f;
	int ret = 0;

	f = fopen(path, "we");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	cpio__init(&c, f);
	cpio__add_dir(&c, "dev", 0755);
	/* The kernel opens /dev/console for PID 1 before anything is mounted. */
	cpio__add_node(&c, "dev/console", S_IFCHR | 0600, 5, 1);
	cpio__add_node(&c, "dev/null", S_IFCHR | 0666, 1, 3);
	cpio__add_dir(&c, "proc", 0755);
	cpio__add_dir(&c, "sys", 0755);
	cpio__add_dir(&c, "tmp", 01777);
	ret = cpio__add_binary(&c, "init", o->init_path, NULL);
	if (ret) {
		snprintf(err, errlen, "%s: cannot add to the initramfs: %s", o->init_path, strerror(-ret));
		goto cleanup;
	}
	if (o->busybox) {
		ret = cpio__add_binary(&c, "bin/busybox", o->busybox, NULL);
		if (ret) {
			snprintf(err, errlen, "%s: cannot add to the initramfs: %s", o->busybox, strerror(-ret));
			goto cleanup;
		}
		for (i = 0; i < sizeof(applets) / sizeof(applets[0]); i++) {
			char p[64];

			snprintf(p, sizeof(p), "bin/%s", applets[i]);
			cpio__add_symlink(&c, p, "busybox");
		}
	}
	if (o->sched_path) {
		const char *base = strrchr(o->sched_path, '/');

		if (asprintf(&sched_guest, "/ktstr/sched/%s", base ? base + 1 : o->sched_path) < 0) {
			ret = -ENOMEM;
			goto cleanup;
		}
		ret = cpio__add_binary(&c, sched_guest, o->sched_path, SCHED_LIBDIR);
		if (ret < 0) {
			snprintf(err, errlen, "%s: cannot add to the initramfs: %s", o->sched_path,
				 ret == -ENOEXEC ? "ldd names a library it cannot find" : strerror(-ret));
			goto cleanup;
		}
		if (ret)
			x.sched_libpath = SCHED_LIBDIR;
		ret = 0;
	}
	/*
	 * libbpf resolves a scheduler's __kconfig externs from
	 * /boot/config-$(uname -r); ktstr-init links that name to this copy.
	 */
	if (o->kernel.config[0]) {
		ret = cpio__add_file(&c, KTSTR_GUEST_KCONFIG, o->kernel.config, 0644);
		if (ret) {
			snprintf(err, errlen, "%s: cannot add to the initramfs: %s", o->kernel.config, strerror(-ret));
			goto cleanup;
		}
	}
	for (i = 0; i < o->nfiles; i++) {
		ret = o->files[i].with_libs ? cpio__add_binary(&c, o->files[i].guest, o->files[i].host, NULL)
					    : cpio__add_file(&c, o->files[i].guest, o->files[i].host, 0);
		if (ret) {
			snprintf(err, errlen, "%s: cannot add to the initramfs: %s", o->files[i].host, strerror(-ret));
			goto cleanup;
		}
	}
	pf = open_memstream(&plan, &plan_len);
	if (!pf) {
		ret = -ENOMEM;
		goto cleanup;
	}
	x.sched_args = o->sched_args;
	x.agent = o->agent;
	x.agent_args = o->agent_args;
	x.attach_timeout_ms = o->scn->attach_timeout_ms;
	/* The probe agent attaches its probes while the guest loads as much. */
	x.agent_ready_ms = o->scn->attach_timeout_ms;
	ret = plan__write(o->scn, sched_guest, &x, pf);
	fclose(pf);
	if (ret)
		goto cleanup;
	cpio__add_data(&c, PLAN_PATH, plan, plan_len, 0644);
	ret = cpio__finish(&c);
	if (ret)
		snprintf(err, errlen, "%s: write failed: %s", path, strerror(-ret));
cleanup:
	cpio__free(&c);
	if (fclose(f) && !ret) {
		ret = -EIO;
		snprintf(err, errlen, "%s: write failed", path);
	}
	free(plan);
	free(sched_guest);
	return ret;
}
