// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "file.h"
#include "guestlog.h"
#include "initramfs.h"
#include "interrupt.h"
#include "log.h"
#include "text.h"
#include "verdict.h"
#include "vm.h"

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void vm_result__free(struct vm_result *r)
{
	size_t i;

	for (i = 0; i < r->ntl; i++)
		free(r->tl[i].stage);
	free(r->tl);
	free(r->console_tail);
	r->tl = NULL;
	r->ntl = 0;
	r->console_tail = NULL;
}

/* The live part: serve the channel until QEMU exits or the budget runs out. */
struct live {
	const struct vm_run_opts *o;
	struct vm_result *r;
	struct channel_reader rd;
	double start, sysrdy;	/* host monotonic seconds; sysrdy < 0 until seen */
	bool mw_sent, timed_out, interrupted;
	const char *flooded;	/* the console file that passed CONSOLE_MAX */
	double next_size_check;
};

/* A console file may grow this big; past it the guest is stopped. */
#define CONSOLE_MAX ((off_t)1 << 30)

/* True when a console file passed CONSOLE_MAX (QEMU writes them, uncapped). */
static bool console_flooded(struct live *l)
{
	const char *files[] = { l->r->com1, l->r->com2 };
	struct stat st;
	size_t i;

	for (i = 0; i < 2; i++) {
		if (!stat(files[i], &st) && st.st_size > CONSOLE_MAX) {
			l->flooded = files[i];
			return true;
		}
	}
	return false;
}

static void on_frame(struct live *l)
{
	while (channel_reader__next(&l->rd) > 0) {
		switch (l->rd.type) {
		case CH_EVENT:
			if (guestlog__tl_add(l->r, (const char *)l->rd.data, l->rd.dlen))
				break;
			log_info("[%5.1fs] %s", mono_now() - l->start, l->r->tl[l->r->ntl - 1].stage);
			if (!strcmp(l->r->tl[l->r->ntl - 1].stage, "sys_rdy"))
				l->sysrdy = mono_now();
			break;
		case CH_ACK: {
			/* Guest bytes reach a terminal at -vv: control characters made visible. */
			struct strbuf sb = { 0 };

			if (!text__sanitize(&sb, (const char *)l->rd.data, l->rd.dlen > 300 ? 300 : l->rd.dlen))
				log_debug("guest: %s", sb.buf ? sb.buf : "");
			strbuf__free(&sb);
			break;
		}
		case CH_AGENT:
			if (l->o->agent_frame)
				l->o->agent_frame(l->o->ctx, l->rd.data, l->rd.dlen);
			break;
		default:
			break;
		}
	}
}

/* A boot stuck before init needs no scheduler or workload budget. */
static long boot_timeout(const struct vm_run_opts *o)
{
	return o->boot_timeout_s > 0 ? o->boot_timeout_s : o->accel == QEMU_ACCEL_KVM ? 30 : 60;
}

static void live_loop(struct live *l, struct qemu *vm, double budget_s)
{
	const struct scn_map_write *mw = &l->o->scn->map_write;
	double deadline = l->start + budget_s;
	double boot_deadline = l->start + boot_timeout(l->o);
	int chan = vm->chan_fd;
	double closed = -1;	/* when QEMU closed the channel */

	while (!qemu__poll_exit(vm)) {
		struct pollfd p = { .fd = chan, .events = POLLIN };
		double now = mono_now();

		if (now > deadline || (!l->r->ntl && now > boot_deadline)) {
			l->timed_out = true;
			qemu__kill(vm, 2000);
			break;
		}
		if (now >= l->next_size_check) {
			l->next_size_check = now + 1;
			if (console_flooded(l)) {
				l->timed_out = true;
				qemu__kill(vm, 300);
				/* What QEMU wrote in its last moments goes too. */
				if (truncate(l->flooded, CONSOLE_MAX))
					warning("%s: %s", l->flooded, strerror(errno));
				break;
			}
		}
		if (interrupt__pending()) {
			/* The tool is told to stop: the VM goes within the second. */
			l->interrupted = true;
			qemu__kill(vm, 300);
			break;
		}
		if (mw->set && !l->mw_sent && l->sysrdy >= 0 && now >= l->sysrdy + mw->after_ms / 1000.0) {
			char cmd[128];
			int n = snprintf(cmd, sizeof(cmd), "map_write %s %ld %d %llu", mw->map, mw->offset, mw->size,
					 (unsigned long long)mw->value);

			l->mw_sent = true;
			log_info("[%5.1fs] sending bpf_map_write: %s", now - l->start, cmd + 10);
			if (chan >= 0 && channel__send(chan, CH_CMD, cmd, n))
				warning("bpf_map_write: channel write failed");
		}
		if (chan < 0) {
			/*
			 * QEMU closed the channel as it exits: it is gone within
			 * milliseconds, and the result waits for that (for a
			 * second; then it is stuck, the deadline's).
			 */
			usleep(closed >= 0 && now - closed < 1 ? 2000 : 50000);
			continue;
		}
		int wait_ms = 50;

		/* Wake up for the map write on time, not up to 50 ms late. */
		if (mw->set && !l->mw_sent && l->sysrdy >= 0) {
			double due = l->sysrdy + mw->after_ms / 1000.0 - now;

			if (due * 1000 < wait_ms)
				wait_ms = due > 0 ? (int)(due * 1000) + 1 : 0;
		}
		if (poll(&p, 1, wait_ms) <= 0)
			continue;
		ssize_t n = channel_reader__fill(&l->rd, chan);

		if (n > 0)
			on_frame(l);
		else if (n == 0 || n != -EAGAIN) {
			chan = -1;	/* QEMU closed its end; wait for it to exit */
			closed = mono_now();
		}
	}
	/* Whatever the guest sent just before the end. */
	while (vm->chan_fd >= 0 && channel_reader__fill(&l->rd, vm->chan_fd) > 0)
		on_frame(l);
}

static long budget_ms(const struct vm_run_opts *o)
{
	/* Boot (TCG on a loaded 2-core host can be 3x the quiet 6 s), attach, holds, teardown. */
	long b = o->accel == QEMU_ACCEL_KVM ? 30000 : 60000;

	if (o->sched_path)
		b += o->scn->attach_timeout_ms;
	if (o->agent)
		b += o->scn->attach_timeout_ms;
	return b + scenario__total_hold_ms(o->scn) + 3000 * (long)o->scn->nsteps + 20000;
}

static void keep_attempt(const char *path, int attempt)
{
	char to[PATH_MAX + 16];
	const char *dot = strrchr(path, '.');

	snprintf(to, sizeof(to), "%.*s.try%d%s", (int)(dot - path), path, attempt, dot);
	rename(path, to);
}

int vm__run_scenario(const struct vm_run_opts *o, struct vm_result *r, char *err, size_t errlen)
{
	char initrd[PATH_MAX], qlog[PATH_MAX];
	char *com1 = NULL, *com2 = NULL;
	double t0 = mono_now();
	int ret, attempt;
	size_t len, len1, len2;

	memset(r, 0, sizeof(*r));
	r->exit_code = -1;
	snprintf(r->com1, sizeof(r->com1), "%s/com1.log", o->out_dir);
	snprintf(r->com2, sizeof(r->com2), "%s/com2.log", o->out_dir);
	snprintf(initrd, sizeof(initrd), "%s/initramfs.cpio", o->out_dir);
	snprintf(qlog, sizeof(qlog), "%s/qemu.log", o->out_dir);
	ret = initramfs__build(o, initrd, err, errlen);
	if (ret) {
		unlink(initrd);
		return ret;
	}
	log_info("initramfs built (%.2fs); booting %s (%s, %s)", mono_now() - t0, o->kernel.image,
		 o->kernel.pvh ? "PVH" : "bzImage", qemu__accel_name(o->accel));
	for (attempt = 1; attempt <= 2; attempt++) {
		struct qemu_config c = {
			.kernel = o->kernel.image, .pvh = o->kernel.pvh, .initrd = initrd, .accel = o->accel,
			.topo = o->scn->topo, .memory_mb = o->scn->memory_mb, .com1_path = r->com1,
			.com2_path = r->com2, .qemu_log = qlog, .channel = true, .lpj = qemu__lpj(o->kernel.config),
		};
		struct live l = { .o = o, .r = r, .start = mono_now(), .sysrdy = -1 };
		struct qemu vm;
		bool panic, init_seen;

		if (interrupt__pending()) {
			snprintf(err, errlen, "interrupted by signal %d (%s)", interrupt__pending(),
				 strsignal(interrupt__pending()));
			ret = -EINTR;
			break;
		}
		guestlog__tl_clear(r);
		free(com1);
		free(com2);
		com1 = com2 = NULL;
		r->attempts = attempt;
		ret = qemu__start(&c, &vm, err, errlen);
		if (ret)
			break;
		live_loop(&l, &vm, budget_ms(o) / 1000.0);
		channel_reader__free(&l.rd);
		qemu__close(&vm);
		if (l.interrupted) {
			r->reached_workload = guestlog__tl_find(r, "sys_rdy", 0) != NULL;
			r->vm_exit = "interrupted";
			r->env_error = true;
			r->verdict = "error";
			snprintf(r->reason, sizeof(r->reason), "interrupted by signal %d (%s)", interrupt__pending(),
				 strsignal(interrupt__pending()));
			snprintf(err, errlen, "%s", r->reason);
			ret = -EINTR;
			break;
		}
		len1 = len2 = 0;
		if (file__read_all(r->com1, 256u << 20, &com1, &len1))
			com1 = strdup("");
		if (file__read_all(r->com2, 256u << 20, &com2, &len2))
			com2 = strdup("");
		if (!com1 || !com2) {
			ret = -ENOMEM;
			break;
		}
		/* Guest bytes: a NUL would hide everything after it from strstr. */
		guestlog__nul_to_space(com1, len1);
		guestlog__nul_to_space(com2, len2);
		if (!r->ntl)
			guestlog__tl_from_console(r, com1);
		panic = strstr(com1, "Kernel panic - not syncing") != NULL;
		init_seen = guestlog__tl_find(r, "init started", 0) != NULL;
		if (l.timed_out)
			r->vm_exit = "timeout";
		else if (panic)
			r->vm_exit = "kernel panic";
		else if (guestlog__tl_find(r, "poweroff", 0))
			r->vm_exit = "poweroff";
		else if (WIFSIGNALED(vm.status))
			r->vm_exit = "qemu killed";
		else if (!WIFEXITED(vm.status) || WEXITSTATUS(vm.status))
			r->vm_exit = "qemu error";
		else
			r->vm_exit = "reboot";
		if (!init_seen) {
			/* Died before our init ran: the VM, not the scheduler. Retry once. */
			char *q = NULL;

			free(r->console_tail);
			r->console_tail = guestlog__tail(com1, strlen(com1), 20);
			if (!strcmp(r->vm_exit, "qemu error") && !file__read_all(qlog, 1u << 20, &q, &len) && len) {
				free(r->console_tail);
				r->console_tail = guestlog__tail(q, len, 10);
			}
			free(q);
			warning("attempt %d: the VM died before ktstr-init ran (%s)%s", attempt, r->vm_exit,
				attempt == 1 ? "; retrying" : "");
			if (attempt == 1) {
				keep_attempt(r->com1, 1);
				keep_attempt(r->com2, 1);
				continue;
			}
			r->env_error = true;
			r->verdict = "error";
			if (l.timed_out)
				/* It hung: nothing on the channel, no power-off. */
				snprintf(r->reason, sizeof(r->reason),
					 "VM died before init twice (timeout: no word from the guest in %ld s)",
					 boot_timeout(o));
			else
				snprintf(r->reason, sizeof(r->reason), "VM died before init twice (%s)", r->vm_exit);
			break;
		}
		guestlog__read_exit(r, com1, com2);
		if (!strcmp(r->vm_exit, "qemu killed")) {
			/*
			 * Something outside killed QEMU (the OOM killer, a user): the
			 * host's failure, whatever the guest did so far.
			 */
			const struct vm_tl *last = r->ntl ? &r->tl[r->ntl - 1] : NULL;

			r->reached_workload = guestlog__tl_find(r, "sys_rdy", 0) != NULL;
			r->env_error = true;
			r->verdict = "error";
			snprintf(r->reason, sizeof(r->reason), "QEMU was killed by signal %d (%s) (last stage: %s)",
				 WTERMSIG(vm.status), strsignal(WTERMSIG(vm.status)), last ? last->stage : "none");
			guestlog__clean_in_place(r->reason, sizeof(r->reason));
			free(r->console_tail);
			r->console_tail = guestlog__tail(com1, strlen(com1), 20);
			break;
		}
		verdict__judge(o, r, l.timed_out, panic);
		if (l.flooded) {
			/* The guest's own doing (a scheduler printing in a loop): a verdict. */
			r->verdict = "fail";
			snprintf(r->reason, sizeof(r->reason), "the guest wrote over %lld MiB to %s: stopped",
				 (long long)(CONSOLE_MAX >> 20), strrchr(l.flooded, '/') ? strrchr(l.flooded, '/') + 1 : l.flooded);
		}
		if (strcmp(r->verdict, "pass")) {
			free(r->console_tail);
			r->console_tail = guestlog__tail(com1, strlen(com1), 20);
		}
		break;
	}
	r->duration_s = mono_now() - t0;
	free(com1);
	free(com2);
	if (!o->keep_initramfs)
		unlink(initrd);
	return ret;
}
