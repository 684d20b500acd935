/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The initramfs of a test VM: ktstr-init as /init, busybox's applets, the
 * scheduler (with its shared libraries), the kernel config, extra files such
 * as a probe agent, and the plan ktstr-init runs (lib/plan.h).
 */
#ifndef KTSTR_INITRAMFS_H
#define KTSTR_INITRAMFS_H

#include <stddef.h>

#include "vm.h"

/* Write the image for o at path. 0 or -errno with err set (the caller removes path). */
int initramfs__build(const struct vm_run_opts *o, const char *path, char *err, size_t errlen);

#endif
