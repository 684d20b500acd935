// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "scx.h"

/* enum scx_exit_kind (include/linux/sched/ext.h, kernel/sched/ext), 7.x. */
static const struct {
	long kind;
	const char *name;
} kinds[] = {
	{ 0, "SCX_EXIT_NONE" },		{ 1, "SCX_EXIT_DONE" },
	{ 64, "SCX_EXIT_UNREG" },	{ 65, "SCX_EXIT_UNREG_BPF" },
	{ 66, "SCX_EXIT_UNREG_KERN" },	{ 67, "SCX_EXIT_SYSRQ" },
	{ 68, "SCX_EXIT_PARENT" },	{ 69, "SCX_EXIT_PARENT_KILL" },
	{ 1024, "SCX_EXIT_ERROR" },	{ 1025, "SCX_EXIT_ERROR_BPF" },
	{ 1026, "SCX_EXIT_ERROR_STALL" }, { 1027, "SCX_EXIT_ERROR_REENQ" },
	{ 1028, "SCX_EXIT_ERROR_RESCUE" },
};

const char *scx__exit_kind_name(long kind)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return kinds[i].name;
	return NULL;
}

bool scx__exit_is_error(long kind, const char *reason)
{
	/* scx_exit_reason() of kernel/sched/ext.c for the error kinds. */
	static const char *const errors[] = { "runtime error", "scx_bpf_error", "runnable task stall" };
	size_t i;

	if (kind >= 0)
		return kind >= SCX_EXIT_KIND_ERROR;
	for (i = 0; reason && i < sizeof(errors) / sizeof(errors[0]); i++)
		if (!strcmp(reason, errors[i]))
			return true;
	return false;
}

int scx__read_state(char *buf, size_t size)
{
	FILE *f = fopen(SCX_STATE_PATH, "re");
	int err = 0;

	buf[0] = '\0';
	if (!f)
		return -errno;
	if (fgets(buf, size, f))
		buf[strcspn(buf, "\n")] = '\0';
	else if (ferror(f))
		err = -EIO;
	if (err)
		buf[0] = '\0';
	fclose(f);
	return err;
}

bool scx__enabled(void)
{
	char st[32];

	return !scx__read_state(st, sizeof(st)) && !strcmp(st, "enabled");
}

bool scx__has_exit_tp(const struct btf *btf)
{
	return btf && btf__find_by_name_kind(btf, SCX_EXIT_TP_BTF, BTF_KIND_TYPEDEF) > 0;
}
