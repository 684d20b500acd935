/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ktstr's static in-guest scheduler loaders share (scx-ktstr and its
 * variants, ktstr-bpf-loader): signals, timing, libbpf's messages, the
 * sched_ext state, and printing the exit record, so that every loader's
 * EXIT line reads the same to the host.
 */
#ifndef KTSTR_LOADER_H
#define KTSTR_LOADER_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

/* How often a loader looks at the exit record and the sched_ext state. */
#define LOADER__POLL_MS 50
/*
 * How long to wait for ops.exit's record once the kernel has disabled the
 * scheduler: ops.exit writes it while the kernel disables.
 */
#define LOADER__EXIT_GRACE_MS 2000

/*
 * SIGINT and SIGTERM only note the signal (loader__stop_signal()), so the
 * poll loop unloads the scheduler and still prints how it ended.
 */
void loader__catch_signals(void);
/* The signal caught since loader__catch_signals(), or 0. */
int loader__stop_signal(void);

/* CLOCK_MONOTONIC in seconds, for the load and attach times printed. */
double loader__now_s(void);
/* Sleep MS milliseconds; a signal cuts it short, for the loop to see. */
void loader__sleep_ms(long ms);

/*
 * The milliseconds ARG gives option OPT (0 to MAX). Anything else is a usage
 * error: usage__bad() says so and exits 2, as options are parsed before
 * there is anything to clean up.
 */
long loader__parse_ms(const char *opt, const char *arg, long max);

/* libbpf's messages on stderr; its debug ones only when VERBOSE. */
void loader__set_libbpf_print(bool verbose);

/*
 * 0 when the kernel has sched_ext (its state file is readable); else says so
 * on stderr and returns a negative errno.
 */
int loader__check_sched_ext(void);

/*
 * "SCX_EXIT_ERROR" for 1024: ktstr's table (lib/scx.c), then the running
 * kernel's enum scx_exit_kind in VMLINUX (NULL: the kernel's BTF is loaded
 * for it, only when the table lacks KIND), else "SCX_EXIT_UNKNOWN". BUF
 * holds a name found in the BTF.
 */
const char *loader__exit_kind_name(const struct btf *vmlinux, long kind, char *buf, size_t size);

/*
 * "EXIT: kind=NAME(KIND) reason=REASON msg=MSG", the line the host looks
 * for. REASON and MSG are read up to RMAX and MMAX bytes (NULL: empty) and
 * kept on the one line: control characters become spaces.
 */
void loader__print_exit_line(const char *kind_name, long kind, const char *reason, size_t rmax, const char *msg,
			     size_t mmax);
/* The kernel's debug dump (up to MAX bytes) verbatim, ending in a newline; nothing when empty. */
void loader__print_dump(const char *dump, size_t max);

#endif
