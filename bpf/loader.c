// SPDX-License-Identifier: GPL-2.0
/*
 * What ktstr's static in-guest loaders share; see loader.h. Built like
 * lib/usage.c for them (bpf/build.mk): static, never sanitized.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "loader.h"
#include "scx.h"
#include "log.h"
#include "usage.h"

static volatile sig_atomic_t stop_signal;
static bool libbpf_verbose;

static void on_signal(int sig)
{
	stop_signal = sig;
}

void loader__catch_signals(void)
{
	/* signal() fails only for a bad signal number. */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
}

int loader__stop_signal(void)
{
	return stop_signal;
}

double loader__now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void loader__sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);	/* EINTR is fine: the loop checks loader__stop_signal() */
}

long loader__parse_ms(const char *opt, const char *arg, long max)
{
	long v;

	if (usage__parse_long(arg, 0, max, &v))
		usage__bad("%s: not a number of milliseconds: '%s'", opt, arg);
	return v;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !libbpf_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void loader__set_libbpf_print(bool verbose)
{
	libbpf_verbose = verbose;
	libbpf_set_print(libbpf_print);
}

int loader__check_sched_ext(void)
{
	int err;

	if (access(SCX_STATE_PATH, R_OK) == 0)
		return 0;
	err = -errno;
	error("%s: %s: the kernel has no sched_ext", SCX_STATE_PATH, strerror(-err));
	return err;
}

const char *loader__exit_kind_name(const struct btf *vmlinux, long kind, char *buf, size_t size)
{
	const char *name = scx__exit_kind_name(kind), *found = "SCX_EXIT_UNKNOWN";
	struct btf *own = NULL;
	int id;

	if (name)
		return name;
	/*
	 * A kind newer than the table: the kernel knows its name. Its BTF is
	 * parsed only then: that takes ~0.2 s under TCG, at every
	 * scheduler's exit if done unconditionally.
	 */
	if (!vmlinux)
		vmlinux = own = btf__load_vmlinux_btf();
	id = vmlinux ? btf__find_by_name_kind(vmlinux, "scx_exit_kind", BTF_KIND_ENUM) : -1;
	if (id > 0) {
		const struct btf_type *t = btf__type_by_id(vmlinux, id);
		const struct btf_enum *e = btf_enum(t);
		int i;

		for (i = 0; i < btf_vlen(t); i++, e++)
			if (e->val == kind) {
				snprintf(buf, size, "%s", btf__name_by_offset(vmlinux, e->name_off));
				found = buf;
				break;
			}
	}
	btf__free(own);
	return found;
}

/* A string of at most max bytes, as one line: control characters become spaces. */
static void put_line_str(const char *s, size_t max)
{
	size_t i, n = s ? strnlen(s, max) : 0;

	for (i = 0; i < n; i++)
		putchar((unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i]);
}

void loader__print_exit_line(const char *kind_name, long kind, const char *reason, size_t rmax, const char *msg,
			     size_t mmax)
{
	printf("EXIT: kind=%s(%ld) reason=", kind_name, kind);
	put_line_str(reason, rmax);
	printf(" msg=");
	put_line_str(msg, mmax);
	putchar('\n');
}

void loader__print_dump(const char *dump, size_t max)
{
	size_t n = dump ? strnlen(dump, max) : 0;

	if (!n)
		return;
	fwrite(dump, 1, n, stdout);
	if (dump[n - 1] != '\n')
		putchar('\n');
}
