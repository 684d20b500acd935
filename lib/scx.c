// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>

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
