// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "frame.h"
#include "scx.h"

/*
 * The generic functions: they sit in every trace (entry code, locking, the
 * exit and stack dump machinery itself), so probing them says nothing about
 * the scheduler. ktstr-stackx(1) documents this table; keep both in step.
 * Functions that call into the BPF scheduler (scx_exit_task, balance_one,
 * task_tick_scx, scx_bpf_error_bstr, ...) must NOT match.
 */
const struct frame_generic frame__generic_table[] = {
	{ "schedule", "scheduler entry" },
	{ "__schedule", "scheduler entry" },
	{ "schedule_idle", "scheduler entry" },
	{ "preempt_schedule*", "scheduler entry" },
	{ "_raw_spin_*", "spinlock" },
	{ "do_syscall_64", "syscall and entry code" },
	{ "x64_sys_call", "syscall and entry code" },
	{ "entry_*", "syscall and entry code" },
	{ "asm_*", "syscall and entry code" },
	{ "exc_*", "syscall and entry code" },
	{ "__x64_sys_*", "syscall and entry code" },
	{ "__do_sys_*", "syscall and entry code" },
	{ "__sys_bpf", "syscall and entry code" },
	{ "*sysvec_*", "syscall and entry code" },
	{ "ret_from_fork*", "syscall and entry code" },
	/* A write to a pipe waking a worker: the first frames of a real chain, telling nothing. */
	{ "ksys_*", "syscall and entry code" },
	{ "vfs_read", "syscall and entry code" },
	{ "vfs_write", "syscall and entry code" },
	{ "kthread", "kernel thread and workqueue entry" },
	{ "worker_thread", "kernel thread and workqueue entry" },
	{ "process_one_work", "kernel thread and workqueue entry" },
	/* An idle CPU's interrupt stack ends here (a stall seen from its tick); boot code is notrace. */
	{ "pv_native_safe_halt", "idle loop and boot entry" },
	{ "default_idle", "idle loop and boot entry" },
	{ "default_idle_call", "idle loop and boot entry" },
	{ "arch_cpu_idle*", "idle loop and boot entry" },
	{ "cpuidle_idle_call", "idle loop and boot entry" },
	{ "do_idle", "idle loop and boot entry" },
	{ "cpu_startup_entry", "idle loop and boot entry" },
	{ "start_secondary", "idle loop and boot entry" },
	{ "common_startup_64", "idle loop and boot entry" },
	{ "rest_init", "idle loop and boot entry" },
	{ "start_kernel", "idle loop and boot entry" },
	{ "x86_64_start_*", "idle loop and boot entry" },
	{ "scx_vexit", "sched_ext exit machinery" },
	{ "scx_exit", "sched_ext exit machinery" },
	{ "__scx_exit", "sched_ext exit machinery" },
	{ "scx_exit_bstr", "sched_ext exit machinery" },
	{ "scx_exit_reason", "sched_ext exit machinery" },
	{ "scx_bpf_exit_bstr", "sched_ext exit machinery" },
	{ "scx_dump_state", "sched_ext exit machinery" },
	{ "scx_dump_task", "sched_ext exit machinery" },
	{ "scx_dump_cpu", "sched_ext exit machinery" },
	{ "scx_error_irq*", "sched_ext exit machinery" },
	{ "__bpf_prog_enter*", "BPF trampoline" },
	{ "__bpf_prog_exit*", "BPF trampoline" },
	{ "bpf_trampoline_*", "BPF trampoline" },
	{ "bpf__*", "BPF trampoline" },	/* struct_ops: bpf__sched_ext_ops_enqueue */
	{ "dump_stack*", "stack dump helper" },
	{ "stack_trace_*", "stack dump helper" },
	{ "show_stack", "stack dump helper" },
	{ "panic", "oops and warning report" },
	{ "vpanic", "oops and warning report" },
	{ "__warn", "oops and warning report" },
	{ "report_bug*", "oops and warning report" },
	{ "handle_bug", "oops and warning report" },
	{ "__die*", "oops and warning report" },
	{ "die", "oops and warning report" },
	{ "oops_end", "oops and warning report" },
	{ "page_fault_oops", "oops and warning report" },
	{ NULL, NULL },
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_xdigit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* p at "[": past "[  12.345678]" or NULL. */
static const char *skip_timestamp(const char *p, const char *end)
{
	const char *d;

	p++;
	while (p < end && *p == ' ')
		p++;
	for (d = p; p < end && is_digit(*p); p++)
		;
	if (p == d || p >= end || *p != '.')
		return NULL;
	for (d = ++p; p < end && is_digit(*p); p++)
		;
	if (p == d || p >= end || *p != ']')
		return NULL;
	return p + 1;
}

/* p at "[": past "[    T1]" / "[    C0]" (CONFIG_PRINTK_CALLER) or NULL. */
static const char *skip_caller(const char *p, const char *end)
{
	const char *d;

	p++;
	while (p < end && *p == ' ')
		p++;
	if (p >= end || (*p != 'T' && *p != 'C'))
		return NULL;
	for (d = ++p; p < end && is_digit(*p); p++)
		;
	if (p == d || p >= end || *p != ']')
		return NULL;
	return p + 1;
}

const char *frame__message(const char *s, size_t n, size_t *out_n, enum frame_chan *chan)
{
	static const char tp[] = SCX_DUMP_TP ":";
	const char *p = s, *end = s + n, *q;
	enum frame_chan c = FRAME_CHAN_PLAIN;

	if (p < end && *p == '<') {
		for (q = p + 1; q < end && is_digit(*q); q++)
			;
		if (q > p + 1 && q < end && *q == '>')
			p = q + 1;
	}
	if (p < end && *p == '[' && (q = skip_timestamp(p, end))) {
		c = FRAME_CHAN_KERNEL;
		p = q;
		if (p < end && *p == '[' && (q = skip_caller(p, end)))
			p = q;
		if (p < end && *p == ' ')
			p++;
	}
	/*
	 * The tracepoint name ends in ':': visit the few colons of the line
	 * (memchr is much faster than memmem over every console line).
	 */
	q = end - p >= (ptrdiff_t)sizeof(tp) - 1 ? p + sizeof(tp) - 2 : end;
	for (; q < end && (q = memchr(q, ':', end - q)); q++) {
		if (!memcmp(q - (sizeof(tp) - 2), tp, sizeof(tp) - 2)) {
			c = FRAME_CHAN_DUMP;
			p = q + 1;
			if (p < end && *p == ' ')
				p++;
			break;
		}
	}
	*out_n = end - p;
	if (chan)
		*chan = c;
	return p;
}

/* p at "0x": past "0x" and 1-16 hex digits, or NULL. */
static const char *skip_hex(const char *p, const char *end)
{
	const char *d;

	if (end - p < 3 || p[0] != '0' || p[1] != 'x')
		return NULL;
	for (d = p += 2; p < end && is_xdigit(*p); p++)
		;
	if (p == d || p - d > 16)
		return NULL;
	return p;
}

bool frame__bpf_name(const char *sym, size_t n, const char **name, size_t *name_len)
{
	static const char pfx[] = "bpf_prog_";
	const size_t plen = sizeof(pfx) - 1, tag = 16;
	size_t i;

	if (n < plen + tag || memcmp(sym, pfx, plen))
		return false;
	for (i = plen; i < plen + tag; i++)
		if (!is_xdigit(sym[i]))
			return false;
	if (n == plen + tag) {
		*name = sym;
		*name_len = n;
		return true;
	}
	if (sym[plen + tag] != '_' || n == plen + tag + 1)
		return false;
	*name = sym + plen + tag + 1;
	*name_len = n - plen - tag - 1;
	return true;
}

bool frame__parse(const char *s, size_t n, struct frame *f)
{
	const char *p = s, *end = s + n, *sym;

	while (p < end && is_blank(*p))
		p++;
	/* Old kernels: "[<ffffffff8104e5b1>] ? func+0x1/0x2". */
	if (end - p > 4 && p[0] == '[' && p[1] == '<') {
		const char *q = p + 2;

		while (q < end && is_xdigit(*q))
			q++;
		if (end - q < 2 || q[0] != '>' || q[1] != ']')
			return false;
		p = q + 2;
		while (p < end && is_blank(*p))
			p++;
	}
	f->unreliable = false;
	if (end - p >= 2 && p[0] == '?' && p[1] == ' ') {
		f->unreliable = true;
		p += 2;
	}
	sym = p;
	if (p >= end || is_digit(*p) || !is_ident(*p))
		return false;
	while (p < end && (is_ident(*p) || *p == '.'))
		p++;
	if (p - sym > FRAME_SYM_MAX || end - p < 1 || *p != '+')
		return false;
	f->sym = sym;
	f->sym_len = p - sym;
	p = skip_hex(p + 1, end);
	if (!p || p >= end || *p != '/')
		return false;
	p = skip_hex(p + 1, end);
	if (!p)
		return false;
	while (p < end && is_blank(*p))
		p++;
	if (p < end && *p == '[') {
		/* "[module]" or "[module buildid]": plain characters only. */
		for (p++; p < end && (is_ident(*p) || *p == '.' || *p == '-' || *p == ' '); p++)
			;
		if (p >= end || *p != ']')
			return false;
		p++;
		while (p < end && is_blank(*p))
			p++;
	}
	if (p != end)
		return false;
	f->bpf = frame__bpf_name(f->sym, f->sym_len, &f->name, &f->name_len);
	if (!f->bpf) {
		f->name = f->sym;
		f->name_len = f->sym_len;
	}
	return true;
}

static bool match(const char *pat, const char *name, size_t n)
{
	size_t plen = strlen(pat);

	if (pat[0] == '*' && plen > 1 && pat[plen - 1] == '*') {
		/* "*infix*" */
		return plen - 2 <= n && memmem(name, n, pat + 1, plen - 2);
	}
	if (pat[plen - 1] == '*')
		return plen - 1 <= n && !memcmp(name, pat, plen - 1);
	return plen == n && !memcmp(name, pat, n);
}

const char *frame__generic(const char *name, size_t n)
{
	const struct frame_generic *g;
	const char *dot = memchr(name, '.', n);

	if (dot)
		n = dot - name;
	for (g = frame__generic_table; g->pattern; g++)
		if (match(g->pattern, name, n))
			return g->category;
	return NULL;
}
