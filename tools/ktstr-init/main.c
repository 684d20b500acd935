// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-init: PID 1 of a ktstr test VM. Sets the system up (system.c),
 * starts the probe agent (if any) and the scheduler, waits for sched_ext to
 * be enabled, writes sys_rdy, runs the plan's steps (work.c), obeys the
 * host's commands on the channel (host.c), watches the scheduler, copies
 * the sched_ext dump to the console and powers off. It must never exit:
 * PID 1 exiting panics the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "log.h"
#include "scx.h"
#include "init.h"
#include "usage.h"

#define SCHED_START_MARK "===== ktstr: scheduler output begin =====\n"
#define SCHED_END_MARK "===== ktstr: scheduler output end =====\n"

static const char usage_text[] =
	"Usage: ktstr-init [--help] [--version]\n"
	"The init (PID 1) of a ktstr test VM; it reads " PLAN_PATH ".\n"
	"See ktstr-init(1). Started by ktstr-boot, not by hand.\n";

struct state {
	struct plan plan;
	int chan_fd;		/* -1 without a channel */
	struct channel_reader chan;
	int sig_fd;
	int com2_fd;
	pid_t sched_pid, agent_pid;
	int agent_out;		/* the agent's stdout, -1 once closed */
	char agent_buf[4096];
	size_t agent_len;
	bool agent_ready;
	bool chan_eof;		/* the host end closed: stop polling for commands */
	bool attached;		/* sched_ext was seen enabled */
	bool sched_dead;	/* the scheduler process is gone */
	bool stopping;		/* teardown asked the scheduler to stop */
	char sched_status[96];	/* how the scheduler process ended */
	bool scx_lost;		/* sched_ext left "enabled" */
	struct step_run *step;
};

static pid_t start_proc(char *const argv[], int out_fd, int err_fd)
{
	pid_t pid = proc__fork();

	if (pid)
		return pid;
	if (out_fd >= 0)
		dup2(out_fd, STDOUT_FILENO);
	if (err_fd >= 0)
		dup2(err_fd, STDERR_FILENO);
	setsid();
	execv(argv[0], argv);
	error("exec %s: %s", argv[0], strerror(errno));
	_exit(127);
}

static void describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "status 0x%x", status);
}

static void reap(struct state *s)
{
	struct signalfd_siginfo si;
	char how[96];
	int status;
	pid_t pid;

	while (read(s->sig_fd, &si, sizeof(si)) == sizeof(si))
		;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == s->sched_pid) {
			s->sched_dead = true;
			s->sched_pid = 0;
			describe_status(status, how, sizeof(how));
			snprintf(s->sched_status, sizeof(s->sched_status), "%s", how);
			if (s->stopping)
				tl("scheduler stopped: %s", how);
			else
				tl("scheduler died: %s", how);
		} else if (pid == s->agent_pid) {
			s->agent_pid = 0;
			describe_status(status, how, sizeof(how));
			tl("agent exited: %s", how);
		} else {
			step__reaped(s->step, pid, status);
		}
	}
}

/* Whether sched_ext is enabled; st gets the state, or why it could not be read. */
static bool scx_enabled(char *st, size_t len)
{
	int err = scx__read_state(st, len);

	if (err)	/* st was left unwritten: say why rather than print stack bytes */
		snprintf(st, len, "unreadable (%s)", strerror(-err));
	return !err && !strcmp(st, "enabled");
}

static void check_scx(struct state *s)
{
	char st[64];

	if (!s->plan.scheduler || !s->attached || s->scx_lost || s->stopping)
		return;
	if (!scx_enabled(st, sizeof(st))) {
		s->scx_lost = true;
		tl("sched_ext state left enabled: %s", st);
	}
}


/*
 * The agent's stdout: lines until its ready line (shown on the console),
 * then a byte stream forwarded to the host as CH_AGENT frames.
 */
static void drain_agent(struct state *s)
{
	ssize_t n;
	char *nl;

	if (s->agent_ready) {
		char buf[65536];

		n = read(s->agent_out, buf, sizeof(buf));
		if (n > 0 && s->chan_fd >= 0)
			channel__send(s->chan_fd, CH_AGENT, buf, n);
	} else {
		n = read(s->agent_out, s->agent_buf + s->agent_len, sizeof(s->agent_buf) - 1 - s->agent_len);
	}
	if (n <= 0) {
		if (n == 0 || errno != EAGAIN) {
			close(s->agent_out);
			s->agent_out = -1;
		}
		return;
	}
	if (s->agent_ready)
		return;
	s->agent_len += n;
	s->agent_buf[s->agent_len] = '\0';
	while (!s->agent_ready &&
	       ((nl = strchr(s->agent_buf, '\n')) || s->agent_len == sizeof(s->agent_buf) - 1)) {
		if (!nl)
			nl = s->agent_buf + s->agent_len - 1;
		*nl = '\0';
		if (!strncmp(s->agent_buf, PLAN_AGENT_READY, strlen(PLAN_AGENT_READY))) {
			s->agent_ready = true;
			tl("agent ready");
		} else if (s->agent_buf[0]) {
			dprintf(STDOUT_FILENO, "agent: %s\n", s->agent_buf);
		}
		s->agent_len -= nl + 1 - s->agent_buf;
		memmove(s->agent_buf, nl + 1, s->agent_len + 1);
	}
	/* Bytes after the ready line already belong to the stream. */
	if (s->agent_ready && s->agent_len && s->chan_fd >= 0)
		channel__send(s->chan_fd, CH_AGENT, s->agent_buf, s->agent_len);
	if (s->agent_ready)
		s->agent_len = 0;
}

/*
 * Wait up to ms, serving the channel, reaping children and watching
 * sched_ext. Returns early when stop() says so.
 */
static void serve(struct state *s, long ms, bool (*stop)(struct state *))
{
	double end = tl__now() + ms / 1000.0;

	for (;;) {
		struct pollfd p[3];
		int np = 0, wait_ms;
		double left = end - tl__now();

		check_scx(s);
		if ((stop && stop(s)) || left <= 0)
			return;
		p[np++] = (struct pollfd){ .fd = s->sig_fd, .events = POLLIN };
		if (s->chan_fd >= 0 && !s->chan_eof)
			p[np++] = (struct pollfd){ .fd = s->chan_fd, .events = POLLIN };
		if (s->agent_out >= 0)
			p[np++] = (struct pollfd){ .fd = s->agent_out, .events = POLLIN };
		/* sched_ext state has no event to wait on: look every 50 ms. */
		wait_ms = left * 1000 < 50 ? (int)(left * 1000) + 1 : 50;
		if (poll(p, np, wait_ms) <= 0)
			continue;
		for (int i = 0; i < np; i++) {
			if (!p[i].revents)
				continue;
			if (p[i].fd == s->sig_fd) {
				reap(s);
			} else if (p[i].fd == s->chan_fd) {
				/* Host end closed: a virtio port would report HUP forever. */
				if (!host__serve(s->chan_fd, &s->chan))
					s->chan_eof = true;
			} else if (p[i].fd == s->agent_out) {
				drain_agent(s);
			}
		}
	}
}

static bool sched_trouble(struct state *s)
{
	return s->plan.scheduler && (s->sched_dead || s->scx_lost);
}

static bool sched_attached_or_dead(struct state *s)
{
	char st[64];

	if (s->sched_dead)
		return true;
	return scx_enabled(st, sizeof(st));
}

static bool agent_ready_or_dead(struct state *s)
{
	return s->agent_ready || !s->agent_pid;
}

static bool agent_attached_or_dead(struct state *s)
{
	return access(PLAN_AGENT_ATTACHING, F_OK) || !s->agent_pid || sched_trouble(s);
}

/* The agent closed its stream (or exited): everything it had to say is here. */
static bool agent_stream_closed(struct state *s)
{
	return s->agent_out < 0;
}

/* The agent exited and its stream is drained. */
static bool agent_done(struct state *s)
{
	return !s->agent_pid && s->agent_out < 0;
}

static bool sched_gone(struct state *s)
{
	return !s->sched_pid;
}

static int start_agent(struct state *s)
{
	int pfd[2];

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	s->agent_pid = start_proc(s->plan.agent_argv, pfd[1], -1);
	close(pfd[1]);
	s->agent_out = pfd[0];
	fcntl(s->agent_out, F_SETFL, O_NONBLOCK);
	tl("agent started: pid %d %s", s->agent_pid, s->plan.agent);
	serve(s, s->plan.agent_ready_ms, agent_ready_or_dead);
	return s->agent_ready ? 0 : -ETIMEDOUT;
}

/* Returns 0 when sched_ext is enabled; otherwise logs SCHEDULER_NOT_ATTACHED. */
static int start_scheduler(struct state *s)
{
	char st[64], wd[32];

	if (access(SCX_STATE_PATH, F_OK)) {
		tl("SCHEDULER_NOT_ATTACHED: kernel has no sched_ext (%s missing)", SCX_STATE_PATH);
		return -ENOENT;
	}
	snprintf(wd, sizeof(wd), "%ld", s->plan.watchdog_ms);
	/* Read by schedulers that honour it (scx-ktstr); harmless for others. */
	setenv("KTSTR_WATCHDOG_MS", wd, 1);
	system__put(s->com2_fd, SCHED_START_MARK);
	/*
	 * The guest has no ld.so.cache and the binary's $ORIGIN moved: its
	 * libraries are found where ldd found them on the host. Only the
	 * scheduler gets this search path, not the workload's processes.
	 */
	if (s->plan.sched_libpath)
		setenv("LD_LIBRARY_PATH", s->plan.sched_libpath, 1);
	s->sched_pid = start_proc(s->plan.sched_argv, s->com2_fd, s->com2_fd);
	unsetenv("LD_LIBRARY_PATH");
	tl("scheduler started: pid %d %s", s->sched_pid, s->plan.scheduler);
	serve(s, s->plan.attach_timeout_ms, sched_attached_or_dead);
	if (s->sched_dead) {
		tl("SCHEDULER_NOT_ATTACHED: scheduler exited (%s) before sched_ext was enabled", s->sched_status);
		return -ESRCH;
	}
	if (!scx_enabled(st, sizeof(st))) {
		tl("SCHEDULER_NOT_ATTACHED: sched_ext state '%s' after %ld ms", st, s->plan.attach_timeout_ms);
		return -ETIMEDOUT;
	}
	s->attached = true;
	tl("scheduler attached");
	return 0;
}

static void stop_scheduler(struct state *s)
{
	if (!s->plan.scheduler)
		return;
	/* After an error exit the loader prints the dump and exits on its own. */
	if (s->sched_pid && s->scx_lost)
		serve(s, 5000, sched_gone);
	if (s->sched_pid) {
		s->stopping = true;
		kill(s->sched_pid, SIGINT);
		serve(s, 5000, sched_gone);
	}
	if (s->sched_pid) {
		tl("scheduler ignored SIGINT: killing it");
		kill(s->sched_pid, SIGKILL);
		serve(s, 2000, sched_gone);
	}
	system__put(s->com2_fd, SCHED_END_MARK);
}

/* The agent flushes what it captured and exits; its stream drains here. */
static void stop_agent(struct state *s)
{
	if (!s->agent_pid && s->agent_out < 0)
		return;
	if (s->agent_pid)
		kill(s->agent_pid, SIGINT);
	serve(s, 10000, agent_stream_closed);
	/* Its stream complete, an agent may still be releasing probes: not for long. */
	serve(s, 1000, agent_done);
	if (s->agent_pid)
		kill(s->agent_pid, SIGKILL);
}

static void run(struct state *s)
{
	char err[512];
	uint64_t sysrdy_ns;
	int i;

	if (plan__load(&s->plan, PLAN_PATH, err, sizeof(err))) {
		tl("bad plan: %s", err);
		return;
	}
	tl("plan: %s, %d steps, scheduler %s", s->plan.name, s->plan.nsteps,
	   s->plan.scheduler ? s->plan.scheduler : "eevdf");
	if (cgroups__setup())
		tl("cgroup controllers unavailable: %s", strerror(errno));
	system__enable_tracing();
	if (s->plan.agent && start_agent(s)) {
		tl("AGENT_NOT_READY: %s", s->agent_pid ? "timed out" : "agent exited");
		return;
	}
	if (s->plan.scheduler && start_scheduler(s)) {
		stop_scheduler(s);
		/* A scheduler that failed while enabling: what the probes saw of it counts most. */
		stop_agent(s);
		return;
	}
	if (s->agent_pid && !access(PLAN_AGENT_ATTACHING, F_OK)) {
		serve(s, s->plan.agent_ready_ms, agent_attached_or_dead);
		tl(access(PLAN_AGENT_ATTACHING, F_OK) ? "agent attached" : "agent still attaching: going on");
	}
	/* Workers report times from here, in their own clock (CLOCK_MONOTONIC). */
	sysrdy_ns = mono_ns();
	tl("sys_rdy");
	tl("workload started");
	for (i = 0; i < s->plan.nsteps && !sched_trouble(s); i++) {
		const struct plan_step *st = &s->plan.steps[i];

		if (step__start(st, s->plan.cpus, sysrdy_ns, &s->step))
			tl("step %d: some workers could not start", i + 1);
		tl("step %d started: %d cgroups, hold %ld ms", i + 1, st->ncgroups, st->hold_ms);
		/* After the workers started: those in a cpuset of these CPUs are forced out of it. */
		step__hotplug(st, i + 1, false);
		serve(s, st->hold_ms, sched_trouble);
		step__stop(s->step, i + 1);
		s->step = NULL;
		step__hotplug(st, i + 1, true);
	}
	if (sched_trouble(s))
		tl("workload aborted: scheduler failed");
	else
		tl("workload done");
	tl("teardown");
	stop_scheduler(s);
	stop_agent(s);
}

int main(int argc, char **argv)
{
	struct state s = { .chan_fd = -1, .com2_fd = -1, .agent_out = -1 };
	sigset_t mask;

	/* argv[0] is /init: messages name the tool. */
	usage__set_prog("ktstr-init");
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("ktstr-init %s\n", KTSTR_VERSION);
		return 0;
	}
	if (argc > 1 || getpid() != 1) {
		fputs(usage_text, argc > 1 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc > 1 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	system__mount();
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s.sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	s.chan_fd = host__open(CHANNEL_PORT_NAME);
	/* The channel first, so the host sees every stage from the first one. */
	if (s.chan_fd >= 0)
		tl__set_channel(s.chan_fd);
	tl("init started");
	if (s.chan_fd < 0)
		tl("no host channel (%s): running without host commands", CHANNEL_PORT_NAME);
	s.com2_fd = system__open_com2();
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
	run(&s);
	system__copy_dump();
	system__power_off();
	return 0;
}
