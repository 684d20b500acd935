// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <elf.h>	/* lib/elf.h, then the system's */

#include "channel.h"
#include "file.h"
#include "kernel.h"
#include "interrupt.h"
#include "qemu.h"

/* The command line measured to work (platform facts): oops and panic end QEMU. */
/*
 * init=/init as well: when /init cannot run the kernel then panics ("Requested
 * init failed") instead of falling back to /bin/sh (busybox) and hanging.
 */
#define VM_APPEND "console=ttyS0 quiet loglevel=5 panic=-1 oops=panic nokaslr rdinit=/init init=/init"
/*
 * What a test VM never needs, measured under TCG: the IO-APIC timer check
 * (slow, and it panics the boot now and then on a loaded host: "IO-APIC +
 * timer doesn't work!"), the TSC watchdog (it times out reading remote
 * CPUs and could move the guest onto the HPET, an MMIO exit per clock
 * read), CPU bug mitigations (retpolines and return thunks on every call,
 * the BPF JIT's included; the schedulers under test do not depend on them),
 * the kernel's built-in X.509 certificates (0.59 s, the slowest initcall;
 * they only verify module signatures, and the guest loads no modules) and
 * the crypto self-tests: together ~0.9 s less to /init (2.2-2.6 s instead of
 * 2.9-3.9 s, three boots each, interleaved).
 */
#define VM_APPEND_FAST                                                                        \
	"no_timer_check tsc=reliable mitigations=off initcall_blacklist=load_system_certificate_list " \
	"cryptomgr.notests"
/* The guest sees the channel at this fd number in QEMU's process. */
#define CHAN_GUEST_FD 3

/* ---- accelerator ---- */

int qemu__parse_accel(const char *s, enum qemu_accel *a)
{
	if (!strcmp(s, "auto"))
		*a = QEMU_ACCEL_AUTO;
	else if (!strcmp(s, "kvm"))
		*a = QEMU_ACCEL_KVM;
	else if (!strcmp(s, "tcg"))
		*a = QEMU_ACCEL_TCG;
	else
		return -EINVAL;
	return 0;
}

const char *qemu__accel_name(enum qemu_accel a)
{
	return a == QEMU_ACCEL_KVM ? "kvm" : a == QEMU_ACCEL_TCG ? "tcg" : "auto";
}

static bool cpu_has_virt(void)
{
	char *buf = NULL;
	size_t len;
	bool yes = false;

	if (file__read_all("/proc/cpuinfo", 64u << 20, &buf, &len))
		return false;
	yes = strstr(buf, " vmx") || strstr(buf, " svm");
	free(buf);
	return yes;
}

int qemu__pick_accel(enum qemu_accel want, enum qemu_accel *got, char *err, size_t errlen)
{
	int fd;

	if (want == QEMU_ACCEL_TCG) {
		*got = QEMU_ACCEL_TCG;
		return 0;
	}
	/* /dev/kvm can exist and open while the CPU lacks (nested) virtualization. */
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "/dev/kvm: %s", strerror(errno));
	} else {
		close(fd);
		if (cpu_has_virt()) {
			*got = QEMU_ACCEL_KVM;
			return 0;
		}
		snprintf(err, errlen, "/proc/cpuinfo has neither vmx nor svm");
	}
	if (want == QEMU_ACCEL_KVM)
		return -ENODEV;
	*got = QEMU_ACCEL_TCG;
	return 0;
}

/* ---- the image ---- */

/*
 * Which files make up the kernel is lib/kernel's business (the same rules as
 * ktstr-btfres and ktstr-probe); here only which one QEMU boots.
 */
int qemu__find_kernel(const char *arg, struct qemu_kernel *k, char *err, size_t errlen)
{
	struct kernel_paths kp;
	const char *img = NULL;
	struct stat st;
	int ret;

	memset(k, 0, sizeof(*k));
	ret = kernel__resolve(arg, NULL, &kp, err, errlen);
	if (ret == -EINVAL && arg && !stat(arg, &st) && S_ISREG(st.st_mode)) {
		/* A file that is neither ELF nor bzImage: QEMU may know it (and says why if not). */
		if (strlen(arg) >= sizeof(k->image)) {
			snprintf(err, errlen, "%s: path too long", arg);
			return -ENAMETOOLONG;
		}
		memcpy(k->image, arg, strlen(arg) + 1);
		return 0;
	}
	if (ret)
		return ret;
	if (kp.vmlinux && elf__has_pvh_note(kp.vmlinux)) {
		img = kp.vmlinux;
		k->pvh = true;
	} else if (kp.bzimage) {
		img = kp.bzimage;
	}
	if (!img) {
		snprintf(err, errlen, "%s: holds neither a bootable vmlinux (PVH) nor a bzImage",
			 kp.dir ? kp.dir : kp.vmlinux);
		ret = -ENOENT;
	} else if (strlen(img) >= sizeof(k->image)) {
		snprintf(err, errlen, "%s: path too long", img);
		ret = -ENAMETOOLONG;
	} else {
		memcpy(k->image, img, strlen(img) + 1);
		snprintf(k->version, sizeof(k->version), "%s", kp.version ? kp.version : "");
		snprintf(k->config, sizeof(k->config), "%s", kp.config ? kp.config : "");
		snprintf(k->dir, sizeof(k->dir), "%s", kp.dir ? kp.dir : "");
	}
	kernel_paths__free(&kp);
	return ret;
}

/* ---- QEMU ---- */

struct argv_b {
	char **v;
	size_t n, cap;
	bool oom;
};

static void arg_add(struct argv_b *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void arg_add(struct argv_b *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->oom)
		return;
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		char **nv = realloc(a->v, cap * sizeof(*nv));

		if (!nv) {
			a->oom = true;
			return;
		}
		a->v = nv;
		a->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		a->oom = true;
		s = NULL;
	}
	va_end(ap);
	if (s) {
		a->v[a->n++] = s;
		a->v[a->n] = NULL;
	}
}

void qemu__free_argv(char **argv)
{
	size_t i;

	for (i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/*
 * The guest's loops_per_jiffy: its TSC is the host's (TCG reads the host's
 * TSC; KVM passes it through), so host MHz * 1e6 / CONFIG_HZ. Preset, the
 * secondary CPUs skip calibrating their delay loop, which under TCG fails
 * ("calibrate_delay_direct() failed to get a good estimate") and takes the
 * slow path. 0 when either number is unknown: the guest calibrates.
 */
long qemu__lpj(const char *config)
{
	char line[256];
	double mhz = 0;
	long hz = 0;
	FILE *f;

	if (!config || !*config || !(f = fopen(config, "re")))
		return 0;
	while (fgets(line, sizeof(line), f) && !hz)
		if (sscanf(line, "CONFIG_HZ=%ld", &hz) != 1)
			hz = 0;
	fclose(f);
	if (!(f = fopen("/proc/cpuinfo", "re")))
		return 0;
	while (fgets(line, sizeof(line), f) && mhz <= 0)
		if (sscanf(line, "cpu MHz : %lf", &mhz) != 1)
			mhz = 0;
	fclose(f);
	if (hz < 100 || hz > 10000 || mhz < 100 || mhz > 20000)
		return 0;
	return (long)(mhz * 1e6 / hz);
}

/* QEMU's chardev option values escape commas by doubling them. */
static char *qemu_escape(const char *s)
{
	size_t n = strlen(s), i, j = 0;
	char *o = malloc(2 * n + 1);

	if (!o)
		return NULL;
	for (i = 0; i < n; i++) {
		o[j++] = s[i];
		if (s[i] == ',')
			o[j++] = ',';
	}
	o[j] = '\0';
	return o;
}

char **qemu__argv(const struct qemu_config *c, int chan_guest_fd)
{
	struct argv_b a = { 0 };
	const struct topology *t = &c->topo;
	int cpus = topology__cpus(t), node;
	char *com1 = qemu_escape(c->com1_path), *com2 = qemu_escape(c->com2_path);
	const char *icount;

	arg_add(&a, "qemu-system-x86_64");
	arg_add(&a, "-nodefaults");
	arg_add(&a, "-no-reboot");
	arg_add(&a, "-display");
	arg_add(&a, "none");
	arg_add(&a, "-monitor");
	arg_add(&a, "none");
	arg_add(&a, "-accel");
	/* Multi-threaded TCG: one host thread per vCPU. */
	/*
	 * KTSTR_ICOUNT (benchmarks): guest time counts guest instructions, on
	 * one host thread, so a rate measured in the guest does not move with
	 * the host's load.
	 */
	icount = c->accel == QEMU_ACCEL_KVM ? NULL : getenv("KTSTR_ICOUNT");
	arg_add(&a, "%s", c->accel == QEMU_ACCEL_KVM ? "kvm" : icount && *icount ? "tcg,thread=single" : "tcg,thread=multi");
	if (icount && *icount) {
		arg_add(&a, "-icount");
		arg_add(&a, "%s", icount);
	}
	/*
	 * TCG's default qemu64 is an AMD model that cannot describe SMT without
	 * topoext, which TCG lacks ("doesn't support hyperthreading"); an Intel
	 * vendor string gets threads from CPUID leaf 0xB instead.
	 */
	arg_add(&a, "-cpu");
	arg_add(&a, "%s", c->accel == QEMU_ACCEL_KVM ? "host" : "max,vendor=GenuineIntel");
	arg_add(&a, "-m");
	arg_add(&a, "%ld", c->memory_mb);
	/* An LLC is a socket: QEMU gives each socket its own L3. */
	arg_add(&a, "-smp");
	arg_add(&a, "cpus=%d,sockets=%d,cores=%d,threads=%d", cpus, t->llcs, t->cores, t->threads);
	if (t->nodes > 1) {
		int per = cpus / t->nodes;
		long mem = c->memory_mb / t->nodes;

		for (node = 0; node < t->nodes; node++) {
			long m = node == t->nodes - 1 ? c->memory_mb - mem * (t->nodes - 1) : mem;

			arg_add(&a, "-object");
			arg_add(&a, "memory-backend-ram,id=mem%d,size=%ldM", node, m);
			arg_add(&a, "-numa");
			arg_add(&a, "node,nodeid=%d,cpus=%d-%d,memdev=mem%d", node, node * per, node * per + per - 1,
				node);
		}
	}
	arg_add(&a, "-kernel");
	arg_add(&a, "%s", c->kernel);
	arg_add(&a, "-initrd");
	arg_add(&a, "%s", c->initrd);
	arg_add(&a, "-append");
	if (c->append)
		arg_add(&a, "%s", c->append);
	else if (c->lpj > 0)
		arg_add(&a, "%s %s lpj=%ld", VM_APPEND, VM_APPEND_FAST, c->lpj);
	else
		arg_add(&a, "%s %s", VM_APPEND, VM_APPEND_FAST);
	arg_add(&a, "-chardev");
	arg_add(&a, "file,id=com1,path=%s", com1 ? com1 : "");
	arg_add(&a, "-serial");
	arg_add(&a, "chardev:com1");
	arg_add(&a, "-chardev");
	arg_add(&a, "file,id=com2,path=%s", com2 ? com2 : "");
	arg_add(&a, "-serial");
	arg_add(&a, "chardev:com2");
	if (c->channel) {
		arg_add(&a, "-device");
		arg_add(&a, "virtio-serial-pci,id=vser0");
		arg_add(&a, "-chardev");
		arg_add(&a, "socket,id=ktch,fd=%d", chan_guest_fd);
		arg_add(&a, "-device");
		arg_add(&a, "virtserialport,bus=vser0.0,chardev=ktch,name=%s", CHANNEL_PORT_NAME);
	}
	free(com1);
	free(com2);
	if (a.oom) {
		qemu__free_argv(a.v);
		return NULL;
	}
	return a.v;
}

int qemu__start(const struct qemu_config *c, struct qemu *q, char *err, size_t errlen)
{
	int sv[2] = { -1, -1 }, logfd = -1;
	char **argv;
	pid_t pid, parent;

	memset(q, 0, sizeof(*q));
	q->chan_fd = -1;
	if (c->channel && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -errno;
	}
	argv = qemu__argv(c, CHAN_GUEST_FD);
	if (!argv) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (c->qemu_log)
		logfd = open(c->qemu_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		qemu__free_argv(argv);
		goto fail;
	}
	if (!pid) {
		int null;

		/* No VM outlives its tool, however the tool ends (SIGKILL too). */
		if (interrupt__child_setup(parent))
			_exit(127);
		null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		if (logfd >= 0)
			dup2(logfd, 2);
		if (c->channel) {
			/* dup2 clears close-on-exec; same fd number needs an explicit clear. */
			if (sv[1] == CHAN_GUEST_FD)
				fcntl(sv[1], F_SETFD, 0);
			else
				dup2(sv[1], CHAN_GUEST_FD);
		}
		execvp(argv[0], argv);
		/* Into qemu.log as QEMU's own words would be, not one of ours (lib/log.h). */
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	qemu__free_argv(argv);
	if (logfd >= 0)
		close(logfd);
	q->pid = pid;
	if (c->channel) {
		close(sv[1]);
		q->chan_fd = sv[0];
		fcntl(q->chan_fd, F_SETFL, O_NONBLOCK);
	}
	return 0;
fail:
	if (sv[0] >= 0) {
		close(sv[0]);
		close(sv[1]);
	}
	if (logfd >= 0)
		close(logfd);
	return -ENOMEM;
}

bool qemu__poll_exit(struct qemu *q)
{
	int st;

	if (q->exited)
		return true;
	if (waitpid(q->pid, &st, WNOHANG) == q->pid) {
		q->status = st;
		q->exited = true;
	}
	return q->exited;
}

void qemu__kill(struct qemu *q, int grace_ms)
{
	int i;

	if (qemu__poll_exit(q))
		return;
	kill(q->pid, SIGTERM);
	for (i = 0; i < grace_ms / 20 && !qemu__poll_exit(q); i++)
		usleep(20000);
	if (!qemu__poll_exit(q)) {
		kill(q->pid, SIGKILL);
		waitpid(q->pid, &q->status, 0);
		q->exited = true;
	}
}

void qemu__close(struct qemu *q)
{
	if (q->chan_fd >= 0)
		close(q->chan_fd);
	q->chan_fd = -1;
}
