// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "worktype.h"

static const char *const wt_names[WT__COUNT] = {
	[WT_CPU_SPIN] = "CpuSpin",
	[WT_YIELD_HEAVY] = "YieldHeavy",
	[WT_MIXED] = "Mixed",
	[WT_IO_SYNC] = "IoSync",
	[WT_BURSTY] = "Bursty",
	[WT_PIPE_IO] = "PipeIo",
	[WT_FUTEX_PING_PONG] = "FutexPingPong",
	[WT_FORK_EXIT] = "ForkExit",
	[WT_NICE_SWEEP] = "NiceSweep",
	[WT_AFFINITY_CHURN] = "AffinityChurn",
};

const char *work_type__name(enum work_type wt)
{
	return (unsigned)wt < WT__COUNT ? wt_names[wt] : NULL;
}

int work_type__parse(const char *s)
{
	int i;

	for (i = 0; i < WT__COUNT; i++)
		if (!strcmp(s, wt_names[i]))
			return i;
	return -1;
}

bool work_type__paired(enum work_type wt)
{
	return wt == WT_PIPE_IO || wt == WT_FUTEX_PING_PONG;
}
