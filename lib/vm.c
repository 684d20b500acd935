// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "cpio.h"
#include "file.h"
#include "kernel.h"
#include "log.h"
#include "scx.h"
#include "text.h"
#include "vm.h"

/* The command line measured to work (platform facts): oops and panic end QEMU. */
/*
 * init=/init as well: when /init cannot run the kernel then panics ("Requested
 * init failed") instead of falling back to /bin/sh (busybox) and hanging.
 */
#define VM_APPEND "console=ttyS0 quiet loglevel=5 panic=-1 oops=panic nokaslr rdinit=/init init=/init"
/* The guest sees the channel at this fd number in QEMU's process. */
#define CHAN_GUEST_FD 3
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* ---- accelerator ---- */

int vm__parse_accel(const char *s, enum vm_accel *a)
{
	if (!strcmp(s, "auto"))
		*a = VM_ACCEL_AUTO;
	else if (!strcmp(s, "kvm"))
		*a = VM_ACCEL_KVM;
	else if (!strcmp(s, "tcg"))
		*a = VM_ACCEL_TCG;
	else
		return -EINVAL;
	return 0;
}

const char *vm__accel_name(enum vm_accel a)
{
	return a == VM_ACCEL_KVM ? "kvm" : a == VM_ACCEL_TCG ? "tcg" : "auto";
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

int vm__pick_accel(enum vm_accel want, enum vm_accel *got, char *why, size_t len)
{
	int fd;

	if (want == VM_ACCEL_TCG) {
		*got = VM_ACCEL_TCG;
		return 0;
	}
	/* /dev/kvm can exist and open while the CPU lacks (nested) virtualization. */
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "/dev/kvm: %s", strerror(errno));
	} else {
		close(fd);
		if (cpu_has_virt()) {
			*got = VM_ACCEL_KVM;
			return 0;
		}
		snprintf(why, len, "/proc/cpuinfo has neither vmx nor svm");
	}
	if (want == VM_ACCEL_KVM)
		return -ENODEV;
	*got = VM_ACCEL_TCG;
	return 0;
}

/* ---- kernel ---- */

/* Does the ELF at path carry the PVH entry note QEMU needs to boot it? */
static bool elf_has_pvh(const char *path)
{
	bool found = false;
	size_t nph = 0, i;
	Elf *e = NULL;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getphdrnum(e, &nph))
		goto cleanup;
	for (i = 0; i < nph && !found; i++) {
		GElf_Phdr ph;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getphdr(e, i, &ph) || ph.p_type != PT_NOTE)
			continue;
		d = elf_getdata_rawchunk(e, ph.p_offset, ph.p_filesz, ELF_T_NHDR);
		if (!d)
			continue;
		while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY && nh.n_namesz == 4 &&
			    !memcmp((char *)d->d_buf + noff, "Xen", 4)) {
				found = true;
				break;
			}
		}
	}
cleanup:
	if (e)
		elf_end(e);
	close(fd);
	return found;
}

/*
 * Which files make up the kernel is lib/kernel's business (the same rules as
 * ktstr-btfres and ktstr-probe); here only which one QEMU boots.
 */
int vm__find_kernel(const char *arg, struct vm_kernel *k, char *err, size_t errlen)
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
	if (kp.vmlinux && elf_has_pvh(kp.vmlinux)) {
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

void vm__free_argv(char **argv)
{
	size_t i;

	for (i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
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

char **vm__argv(const struct vm_config *c, int chan_guest_fd)
{
	struct argv_b a = { 0 };
	const struct topology *t = &c->topo;
	int cpus = topology__cpus(t), node;
	char *com1 = qemu_escape(c->com1_path), *com2 = qemu_escape(c->com2_path);

	arg_add(&a, "qemu-system-x86_64");
	arg_add(&a, "-nodefaults");
	arg_add(&a, "-no-reboot");
	arg_add(&a, "-display");
	arg_add(&a, "none");
	arg_add(&a, "-monitor");
	arg_add(&a, "none");
	arg_add(&a, "-accel");
	/* Multi-threaded TCG: one host thread per vCPU. */
	arg_add(&a, "%s", c->accel == VM_ACCEL_KVM ? "kvm" : "tcg,thread=multi");
	/*
	 * TCG's default qemu64 is an AMD model that cannot describe SMT without
	 * topoext, which TCG lacks ("doesn't support hyperthreading"); an Intel
	 * vendor string gets threads from CPUID leaf 0xB instead.
	 */
	arg_add(&a, "-cpu");
	arg_add(&a, "%s", c->accel == VM_ACCEL_KVM ? "host" : "max,vendor=GenuineIntel");
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
	arg_add(&a, "%s", c->append ? c->append : VM_APPEND);
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
		vm__free_argv(a.v);
		return NULL;
	}
	return a.v;
}

int vm__start(const struct vm_config *c, struct vm *vm, char *err, size_t errlen)
{
	int sv[2] = { -1, -1 }, logfd = -1;
	char **argv;
	pid_t pid;

	memset(vm, 0, sizeof(*vm));
	vm->chan_fd = -1;
	if (c->channel && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -errno;
	}
	argv = vm__argv(c, CHAN_GUEST_FD);
	if (!argv) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (c->qemu_log)
		logfd = open(c->qemu_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		vm__free_argv(argv);
		goto fail;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

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
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	vm__free_argv(argv);
	if (logfd >= 0)
		close(logfd);
	vm->pid = pid;
	if (c->channel) {
		close(sv[1]);
		vm->chan_fd = sv[0];
		fcntl(vm->chan_fd, F_SETFL, O_NONBLOCK);
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

bool vm__poll_exit(struct vm *vm)
{
	int st;

	if (vm->exited)
		return true;
	if (waitpid(vm->pid, &st, WNOHANG) == vm->pid) {
		vm->status = st;
		vm->exited = true;
	}
	return vm->exited;
}

void vm__kill(struct vm *vm, int grace_ms)
{
	int i;

	if (vm__poll_exit(vm))
		return;
	kill(vm->pid, SIGTERM);
	for (i = 0; i < grace_ms / 20 && !vm__poll_exit(vm); i++)
		usleep(20000);
	if (!vm__poll_exit(vm)) {
		kill(vm->pid, SIGKILL);
		waitpid(vm->pid, &vm->status, 0);
		vm->exited = true;
	}
}

void vm__close(struct vm *vm)
{
	if (vm->chan_fd >= 0)
		close(vm->chan_fd);
	vm->chan_fd = -1;
}

/* ---- running a scenario ---- */

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void vm_result__release(struct vm_result *r)
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

static void tl_clear(struct vm_result *r)
{
	size_t i;

	for (i = 0; i < r->ntl; i++)
		free(r->tl[i].stage);
	r->ntl = 0;
}

/* "SECONDS STAGE" (a channel event or the tail of a console line). */
static int tl_add(struct vm_result *r, const char *s, size_t len)
{
	struct strbuf clean = { 0 };
	struct vm_tl *nt;
	char *end, *txt;
	double t;

	txt = strndup(s, len);
	if (!txt)
		return -ENOMEM;
	t = strtod(txt, &end);
	if (end == txt || *end != ' ') {
		free(txt);
		return -EINVAL;
	}
	/* Guest text is untrusted: keep it printable and valid UTF-8 for JSON. */
	if (text__sanitize(&clean, end + 1, strlen(end + 1)) || !clean.buf) {
		free(txt);
		strbuf__release(&clean);
		return -ENOMEM;
	}
	free(txt);
	/* A guest flooding the channel must not eat the host's memory. */
	if (r->ntl >= 10000) {
		strbuf__release(&clean);
		return -E2BIG;
	}
	nt = realloc(r->tl, (r->ntl + 1) * sizeof(*nt));
	if (!nt) {
		strbuf__release(&clean);
		return -ENOMEM;
	}
	r->tl = nt;
	r->tl[r->ntl].t = t;
	r->tl[r->ntl].stage = clean.buf;
	r->ntl++;
	return 0;
}

static const struct vm_tl *tl_find_until(const struct vm_result *r, const char *prefix, size_t from,
					 const struct vm_tl *until)
{
	size_t i, end = until ? (size_t)(until - r->tl) : r->ntl;

	for (i = from; i < end; i++)
		if (!strncmp(r->tl[i].stage, prefix, strlen(prefix)))
			return &r->tl[i];
	return NULL;
}

static const struct vm_tl *tl_find(const struct vm_result *r, const char *prefix, size_t from)
{
	return tl_find_until(r, prefix, from, NULL);
}

/* Build the initramfs at path. */
static int build_initramfs(const struct vm_run_opts *o, const char *path, char *err, size_t errlen)
{
	static const char *const applets[] = { "sh", "cat", "ls", "ps", "dmesg", "mount", "sleep" };
	char *plan = NULL, *sched_guest = NULL;
	size_t plan_len = 0, i;
	struct plan_extra x = { 0 };
	struct cpio c;
	FILE *pf, *f;
	int ret = 0;

	f = fopen(path, "we");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	cpio__init(&c, f);
	cpio__add_dir(&c, "dev", 0755);
	/* The kernel opens /dev/console for PID 1 before anything is mounted. */
	cpio__add_node(&c, "dev/console", S_IFCHR | 0600, 5, 1);
	cpio__add_node(&c, "dev/null", S_IFCHR | 0666, 1, 3);
	cpio__add_dir(&c, "proc", 0755);
	cpio__add_dir(&c, "sys", 0755);
	cpio__add_dir(&c, "tmp", 01777);
	ret = cpio__add_binary(&c, "init", o->init_path);
	if (ret) {
		snprintf(err, errlen, "%s: cannot add to the initramfs: %s", o->init_path, strerror(-ret));
		goto cleanup;
	}
	if (o->busybox) {
		ret = cpio__add_binary(&c, "bin/busybox", o->busybox);
		if (ret) {
			snprintf(err, errlen, "%s: cannot add to the initramfs: %s", o->busybox, strerror(-ret));
			goto cleanup;
		}
		for (i = 0; i < sizeof(applets) / sizeof(applets[0]); i++) {
			char p[64];

			snprintf(p, sizeof(p), "bin/%s", applets[i]);
			cpio__add_symlink(&c, p, "busybox");
		}
	}
	if (o->sched_path) {
		const char *base = strrchr(o->sched_path, '/');

		if (asprintf(&sched_guest, "/ktstr/sched/%s", base ? base + 1 : o->sched_path) < 0) {
			ret = -ENOMEM;
			goto cleanup;
		}
		ret = cpio__add_binary(&c, sched_guest, o->sched_path);
		if (ret) {
			snprintf(err, errlen, "%s: cannot add to the initramfs: %s", o->sched_path,
				 ret == -ENOEXEC ? "ldd names a library it cannot find" : strerror(-ret));
			goto cleanup;
		}
	}
	/*
	 * libbpf resolves a scheduler's __kconfig externs from
	 * /boot/config-$(uname -r); ktstr-init links that name to this copy.
	 */
	if (o->kernel.config[0]) {
		ret = cpio__add_file(&c, KTSTR_GUEST_KCONFIG, o->kernel.config, 0644);
		if (ret) {
			snprintf(err, errlen, "%s: cannot add to the initramfs: %s", o->kernel.config, strerror(-ret));
			goto cleanup;
		}
	}
	for (i = 0; i < o->nfiles; i++) {
		ret = o->files[i].with_libs ? cpio__add_binary(&c, o->files[i].guest, o->files[i].host)
					    : cpio__add_file(&c, o->files[i].guest, o->files[i].host, 0);
		if (ret) {
			snprintf(err, errlen, "%s: cannot add to the initramfs: %s", o->files[i].host, strerror(-ret));
			goto cleanup;
		}
	}
	pf = open_memstream(&plan, &plan_len);
	if (!pf) {
		ret = -ENOMEM;
		goto cleanup;
	}
	x.sched_args = o->sched_args;
	x.agent = o->agent;
	x.agent_args = o->agent_args;
	x.attach_timeout_ms = 30000;
	ret = scenario__write_plan(o->scn, sched_guest, &x, pf);
	fclose(pf);
	if (ret)
		goto cleanup;
	cpio__add_data(&c, "ktstr/plan", plan, plan_len, 0644);
	ret = cpio__finish(&c);
	if (ret)
		snprintf(err, errlen, "%s: write failed: %s", path, strerror(-ret));
cleanup:
	cpio__release(&c);
	if (fclose(f) && !ret) {
		ret = -EIO;
		snprintf(err, errlen, "%s: write failed", path);
	}
	free(plan);
	free(sched_guest);
	return ret;
}

/* The live part: serve the channel until QEMU exits or the budget runs out. */
struct live {
	const struct vm_run_opts *o;
	struct vm_result *r;
	struct channel_reader rd;
	double start, sysrdy;	/* host monotonic seconds; sysrdy < 0 until seen */
	bool mw_sent, timed_out;
};

static void on_frame(struct live *l)
{
	while (channel_reader__next(&l->rd) > 0) {
		switch (l->rd.type) {
		case CH_EVENT:
			if (tl_add(l->r, (const char *)l->rd.data, l->rd.dlen))
				break;
			log_info("[%5.1fs] %s", mono_now() - l->start, l->r->tl[l->r->ntl - 1].stage);
			if (!strcmp(l->r->tl[l->r->ntl - 1].stage, "sys_rdy"))
				l->sysrdy = mono_now();
			break;
		case CH_ACK:
			log_debug("guest: %.*s", (int)(l->rd.dlen > 300 ? 300 : l->rd.dlen), l->rd.data);
			break;
		case CH_AGENT:
			if (l->o->agent_frame)
				l->o->agent_frame(l->o->ctx, l->rd.data, l->rd.dlen);
			break;
		default:
			break;
		}
	}
}

static void live_loop(struct live *l, struct vm *vm, double budget_s)
{
	const struct scn_map_write *mw = &l->o->scn->map_write;
	double deadline = l->start + budget_s;
	/* A boot stuck before init needs no scheduler or workload budget. */
	double boot_deadline = l->start + (l->o->accel == VM_ACCEL_KVM ? 30 : 60);
	int chan = vm->chan_fd;

	while (!vm__poll_exit(vm)) {
		struct pollfd p = { .fd = chan, .events = POLLIN };
		double now = mono_now();

		if (now > deadline || (!l->r->ntl && now > boot_deadline)) {
			l->timed_out = true;
			vm__kill(vm, 2000);
			break;
		}
		if (mw->set && !l->mw_sent && l->sysrdy >= 0 && now >= l->sysrdy + mw->after_ms / 1000.0) {
			char cmd[128];
			int n = snprintf(cmd, sizeof(cmd), "map_write %s %ld %d %llu", mw->map, mw->offset, mw->size,
					 (unsigned long long)mw->value);

			l->mw_sent = true;
			log_info("[%5.1fs] sending bpf_map_write: %s", now - l->start, cmd + 10);
			if (chan >= 0 && channel__send(chan, CH_CMD, cmd, n))
				log_warn("bpf_map_write: channel write failed");
		}
		if (chan < 0) {
			usleep(50000);
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
		else if (n == 0 || n != -EAGAIN)
			chan = -1;	/* QEMU closed its end; wait for it to exit */
	}
	/* Whatever the guest sent just before the end. */
	while (vm->chan_fd >= 0 && channel_reader__fill(&l->rd, vm->chan_fd) > 0)
		on_frame(l);
}

/* Replace the NUL bytes of a log read whole with spaces. */
static void nul_to_space(char *buf, size_t len)
{
	size_t i;

	for (i = 0; buf && i < len; i++)
		if (!buf[i])
			buf[i] = ' ';
}

/* Last n lines of buf, each sanitized, joined by newlines. */
static char *tail_lines(const char *buf, size_t len, int n)
{
	struct strbuf sb = { 0 };
	size_t i = len, e;

	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	for (i = len; i > 0; i--) {
		if (buf[i - 1] == '\n' && --n == 0)
			break;
	}
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);

		e = nl ? (size_t)(nl - buf) : len;
		if (e > i && buf[e - 1] == '\r')
			text__sanitize(&sb, buf + i, e - i - 1);
		else
			text__sanitize(&sb, buf + i, e - i);
		if (e < len)
			strbuf__add(&sb, "\n", 1);
		i = e + 1;
	}
	return sb.buf ? sb.buf : strdup("");
}

/* Timeline from COM1 when the channel carried nothing (no virtio port). */
static void tl_from_console(struct vm_result *r, const char *com1)
{
	const char *p = com1, *m;

	while ((m = strstr(p, "] ktstr-init: "))) {
		const char *ls = m, *le = strchr(m, '\n');
		char buf[1200];
		double t;

		while (ls > com1 && ls[-1] != '[' && ls[-1] != '\n')
			ls--;
		if (!le)
			le = m + strlen(m);
		p = le;
		/* The serial console ends lines with CRLF: the CR is no part of the stage. */
		while (le > m + 14 && le[-1] == '\r')
			le--;
		t = strtod(ls, NULL);
		snprintf(buf, sizeof(buf), "%.6f %.*s", t, (int)(le - m - 14), m + 14);
		tl_add(r, buf, strlen(buf));
	}
}

/*
 * Guest text into a fixed buffer for the JSON line and the terminal:
 * sanitized, and cut on a character boundary (jansson refuses a string whose
 * last UTF-8 sequence snprintf cut in half, and the field would vanish).
 */
static void set_clean(char *dst, size_t len, const char *src, size_t n)
{
	struct strbuf sb = { 0 };
	size_t cut;

	/* Serial consoles end lines with CRLF: the CR is no part of the text. */
	while (n && src[n - 1] == '\r')
		n--;
	if (text__sanitize(&sb, src, n) || !sb.buf) {
		dst[0] = '\0';
		strbuf__release(&sb);
		return;
	}
	cut = sb.len < len ? sb.len : len - 1;
	while (cut > 0 && cut < sb.len && ((unsigned char)sb.buf[cut] & 0xc0) == 0x80)
		cut--;
	memcpy(dst, sb.buf, cut);
	dst[cut] = '\0';
	strbuf__release(&sb);
}

/* The same for a buffer already holding guest text (the verdict's reason). */
static void clean_in_place(char *buf, size_t len)
{
	char *dup = strdup(buf);

	if (dup)
		set_clean(buf, len, dup, strlen(dup));
	free(dup);
}

/* "EXIT: kind=SCX_EXIT_ERROR_BPF(1025) reason=... msg=..." from the loader (COM2). */
static bool exit_from_loader(struct vm_result *r, const char *com2)
{
	const char *p = com2, *last = NULL, *k, *e;
	char line[2048], *reason, *msg, *paren;

	while ((k = strstr(p, "EXIT: kind="))) {
		last = k;
		p = k + 1;
	}
	if (!last)
		return false;
	e = strchr(last, '\n');
	last += 11;
	snprintf(line, sizeof(line), "%.*s", (int)(e ? e - last : (long)strlen(last)), last);
	if (line[0] && line[strlen(line) - 1] == '\r')
		line[strlen(line) - 1] = '\0';
	reason = strstr(line, " reason=");
	msg = strstr(line, " msg=");
	if (msg)
		*msg = '\0', msg += 5;
	if (reason)
		*reason = '\0', reason += 8;
	paren = strchr(line, '(');
	r->exit_code = -1;
	if (paren) {
		*paren = '\0';
		r->exit_code = atoi(paren + 1);
	}
	set_clean(r->exit_kind, sizeof(r->exit_kind), line, strlen(line));
	set_clean(r->exit_reason, sizeof(r->exit_reason), reason ? reason : "", reason ? strlen(reason) : 0);
	set_clean(r->exit_msg, sizeof(r->exit_msg), msg ? msg : "", msg ? strlen(msg) : 0);
	r->have_exit = true;
	return true;
}

/* The kernel's own two lines, for schedulers that print no EXIT line. */
static void exit_from_console(struct vm_result *r, const char *com1)
{
	const char *first = strstr(com1, "sched_ext: BPF scheduler \""), *d, *open, *close, *nl, *next;

	if (!first || !(d = strstr(first, "\" disabled (")))
		return;
	open = d + 11;
	close = strchr(open, ')');
	nl = strchr(open, '\n');
	if (!close || (nl && close > nl))
		return;
	set_clean(r->exit_reason, sizeof(r->exit_reason), open + 1, close - open - 1);
	/* The kind is the kernel's number (exit_kind_from_trace), never guessed from this text. */
	r->exit_code = -1;
	snprintf(r->exit_kind, sizeof(r->exit_kind), "unknown");
	/*
	 * The message is the next console line, after "sched_ext: " and the
	 * scheduler's name, which the first line quotes ("sched_ext: simple:
	 * non-existent DSQ 0x29").
	 */
	if (nl && (next = strstr(nl + 1, "sched_ext: "))) {
		const char *ne = strchr(next, '\n'), *name = first + strlen("sched_ext: BPF scheduler \"");
		size_t nlen = d - name;

		next += 11;
		if (nlen && nlen < 128 && !strncmp(next, name, nlen) && next[nlen] == ':' && next[nlen + 1] == ' ')
			next += nlen + 2;
		if (!memchr(nl + 1, '\n', next - nl - 1) || next - nl < 40)
			set_clean(r->exit_msg, sizeof(r->exit_msg), next, ne ? (size_t)(ne - next) : strlen(next));
	}
	r->have_exit = true;
}

/*
 * The exit kind as the kernel numbered it: the last "sched_ext_exit: ...
 * kind N" trace line, which ktstr-init copies to the console. -1 if none.
 */
static long exit_kind_from_trace(const char *com1)
{
	const char *p = com1, *last = NULL, *k, *nl, *kind = NULL;
	char *end;
	long v;

	while ((k = strstr(p, "sched_ext_exit: "))) {
		last = k;
		p = k + 1;
	}
	if (!last)
		return -1;
	nl = strchr(last, '\n');
	for (p = last; (k = strstr(p, " kind ")) && (!nl || k < nl); p = k + 1)
		kind = k + 6;
	if (!kind)
		return -1;
	v = strtol(kind, &end, 10);
	if (end == kind || v < 0 || (*end && *end != '\n' && *end != '\r' && *end != ' '))
		return -1;
	return v;
}

static void exit_set_kind(struct vm_result *r, long kind)
{
	const char *name = scx__exit_kind_name(kind);

	r->exit_code = (int)kind;
	if (name)
		snprintf(r->exit_kind, sizeof(r->exit_kind), "%s", name);
	else
		snprintf(r->exit_kind, sizeof(r->exit_kind), "SCX_EXIT_%ld", kind);
	r->have_exit = true;
}

/*
 * Why a scheduler's BPF did not load, from libbpf's messages (COM2):
 * "verifier rejected PROG (FILE:LINE): FIRST LOG ERROR", or "" if no
 * program failed to load.
 */
static void verifier_summary(const char *com2, char *out, size_t len)
{
	const char *f = strstr(com2, "': BPF program load failed: "), *b, *e, *at, *l, *le, *end_at = NULL;
	char prog[128] = "", where[160] = "", why[256] = "";

	out[0] = '\0';
	if (!f)
		return;
	for (b = f; b > com2 && b[-1] != '\'' && b[-1] != '\n'; b--)
		;
	set_clean(prog, sizeof(prog), b, f - b);
	/*
	 * The error is the last line before the verifier's closing words
	 * ("Verification failed: ..." on 7.x, "processed N insns" before);
	 * lines ahead of it are instructions, source and notes ("func 'x' arg0
	 * has btf_id ..."). Without either, the first line that is none of those.
	 */
	e = strstr(f, "-- END PROG LOAD LOG --");
	b = strstr(f, "-- BEGIN PROG LOAD LOG --");
	if (b && (l = strstr(b, "\nVerification failed: ")) && (!e || l < e)) {
		end_at = l;
	} else if (b && (l = strstr(b, "\nprocessed ")) && (!e || l < e)) {
		end_at = l;
	}
	if (end_at) {
		for (le = end_at; le > b; le = l) {
			for (l = le; l > b && l[-1] != '\n'; l--)
				;
			if (l < le && !(le - l == 1 && *l == '\r')) {
				set_clean(why, sizeof(why), l, le - l);
				break;
			}
			l--;	/* the newline before an empty line */
		}
	}
	for (l = b ? strchr(b, '\n') : NULL; !why[0] && l && (!e || l < e); l = le) {
		l++;
		le = strchr(l, '\n');
		if (!le)
			break;
		if (*l == ';' || *l == '\n' || *l == '\r' || (*l >= '0' && *l <= '9') || *l == ' ' ||
		    !strncmp(l, "func", 4) || !strncmp(l, "libbpf:", 7))
			continue;
		set_clean(why, sizeof(why), l, le - l);
	}
	/* 7.x verifiers say where: "At:\n  prog @ file:line:col". */
	at = strstr(f, "\nAt:\n");
	if (at && (!e || at < e) && (at = strstr(at + 5, " @ ")) && (le = strchr(at, '\n')))
		set_clean(where, sizeof(where), at + 3, le - at - 3);
	if (!why[0]) {
		le = strchr(f, '\n');
		set_clean(why, sizeof(why), f + 28, le ? (size_t)(le - f - 28) : strlen(f + 28));
	}
	snprintf(out, len, "verifier rejected %s%s%s%s: %s", prog, where[0] ? " (" : "", where,
		 where[0] ? ")" : "", why);
}

/* The checks over the timeline's stages (lib/checks.c); the first that failed, or NULL. */
static const struct check *run_checks(const struct scenario *s, struct vm_result *r)
{
	const char **stages = calloc(r->ntl + 1, sizeof(*stages));
	size_t i;

	r->nchecks = 0;
	if (!stages)
		return NULL;
	for (i = 0; i < r->ntl; i++)
		stages[i] = r->tl[i].stage;
	if (checks__run(s, stages, r->ntl, r->checks, &r->nchecks))
		log_warn("checks: out of memory");
	free(stages);
	for (i = 0; i < r->nchecks; i++)
		if (!r->checks[i].ok)
			return &r->checks[i];
	return NULL;
}

static void judge(const struct vm_run_opts *o, struct vm_result *r, bool timed_out, bool panic)
{
	const struct scenario *s = o->scn;
	const struct vm_tl *sysrdy = tl_find(r, "sys_rdy", 0), *na = tl_find(r, "SCHEDULER_NOT_ATTACHED", 0);
	const struct vm_tl *trouble = NULL, *done = tl_find(r, "workload done", 0), *last;
	size_t from = sysrdy ? (size_t)(sysrdy - r->tl) : 0;
	const struct check *failed = NULL;

	r->reached_workload = sysrdy != NULL;
	if (sysrdy && o->sched_path) {
		/* Only before teardown: there ktstr-init stops the scheduler itself. */
		const struct vm_tl *td = tl_find(r, "teardown", from);
		const struct vm_tl *a = tl_find_until(r, "scheduler died", from, td);
		const struct vm_tl *b = tl_find_until(r, "sched_ext state left", from, td);

		trouble = a && b ? (a->t < b->t ? a : b) : a ? a : b;
	}
	last = r->ntl ? &r->tl[r->ntl - 1] : NULL;
	/* Measured only over a whole workload: an aborted one's numbers mean little. */
	if (sysrdy && done && !trouble)
		failed = run_checks(s, r);
	r->verdict = "fail";
	if (na && r->have_exit) {
		/* sched_ext disabled it: it attached, then failed before user space saw "enabled". */
		r->verdict = s->expect_err ? "pass" : "fail";
		snprintf(r->reason, sizeof(r->reason), "scheduler error during enable: %.400s%s",
			 r->exit_msg[0] ? r->exit_msg : r->exit_reason[0] ? r->exit_reason : r->exit_kind,
			 s->expect_err ? " (expected an error)" : "");
	} else if (na) {
		r->verdict = s->expect_err ? "pass" : "fail";
		snprintf(r->reason, sizeof(r->reason), "scheduler did not attach: %.400s%s",
			 r->load_error[0] ? r->load_error : na->stage + 24, s->expect_err ? " (expected an error)" : "");
	} else if (trouble) {
		if (s->expect_err) {
			r->verdict = "pass";
			snprintf(r->reason, sizeof(r->reason), "scheduler exited with an error as expected (%s, %.1fs into test)",
				 r->have_exit ? r->exit_kind : "no exit record", trouble->t - sysrdy->t);
		} else {
			snprintf(r->reason, sizeof(r->reason),
				 "scheduler process died unexpectedly during workload (%.1fs into test)",
				 trouble->t - sysrdy->t);
		}
	} else if (timed_out) {
		snprintf(r->reason, sizeof(r->reason), "VM timed out (last stage: %s)", last ? last->stage : "none");
	} else if (panic) {
		snprintf(r->reason, sizeof(r->reason), "kernel panic %s", sysrdy ? "during workload" : "before sys_rdy");
	} else if (!sysrdy) {
		snprintf(r->reason, sizeof(r->reason), "VM stopped before sys_rdy (last stage: %s)",
			 last ? last->stage : "none");
	} else if (!done || !tl_find(r, "poweroff", from)) {
		snprintf(r->reason, sizeof(r->reason), "VM stopped during the workload (last stage: %s)",
			 last ? last->stage : "none");
	} else if (s->expect_err) {
		snprintf(r->reason, sizeof(r->reason), "expected the scheduler to exit with an error, but it ran to the end");
	} else if (failed) {
		/* Not crashing is not passing. */
		snprintf(r->reason, sizeof(r->reason), "%s", failed->reason);
	} else {
		r->verdict = "pass";
		snprintf(r->reason, sizeof(r->reason), "workload completed");
	}
}

static long budget_ms(const struct vm_run_opts *o)
{
	/* Boot (TCG on a loaded 2-core host can be 3x the quiet 6 s), attach, holds, teardown. */
	long b = o->accel == VM_ACCEL_KVM ? 30000 : 60000;

	if (o->sched_path)
		b += 30000;
	if (o->agent)
		b += 30000;
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
	long kind;

	memset(r, 0, sizeof(*r));
	r->exit_code = -1;
	snprintf(r->com1, sizeof(r->com1), "%s/com1.log", o->out_dir);
	snprintf(r->com2, sizeof(r->com2), "%s/com2.log", o->out_dir);
	snprintf(initrd, sizeof(initrd), "%s/initramfs.cpio", o->out_dir);
	snprintf(qlog, sizeof(qlog), "%s/qemu.log", o->out_dir);
	ret = build_initramfs(o, initrd, err, errlen);
	if (ret) {
		unlink(initrd);
		return ret;
	}
	log_info("initramfs built (%.2fs); booting %s (%s, %s)", mono_now() - t0, o->kernel.image,
		 o->kernel.pvh ? "PVH" : "bzImage", vm__accel_name(o->accel));
	for (attempt = 1; attempt <= 2; attempt++) {
		struct vm_config c = {
			.kernel = o->kernel.image, .pvh = o->kernel.pvh, .initrd = initrd, .accel = o->accel,
			.topo = o->scn->topo, .memory_mb = o->scn->memory_mb, .com1_path = r->com1,
			.com2_path = r->com2, .qemu_log = qlog, .channel = true,
		};
		struct live l = { .o = o, .r = r, .start = mono_now(), .sysrdy = -1 };
		struct vm vm;
		bool panic, init_seen;

		tl_clear(r);
		free(com1);
		free(com2);
		com1 = com2 = NULL;
		r->attempts = attempt;
		ret = vm__start(&c, &vm, err, errlen);
		if (ret)
			break;
		live_loop(&l, &vm, budget_ms(o) / 1000.0);
		channel_reader__release(&l.rd);
		vm__close(&vm);
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
		nul_to_space(com1, len1);
		nul_to_space(com2, len2);
		if (!r->ntl)
			tl_from_console(r, com1);
		panic = strstr(com1, "Kernel panic - not syncing") != NULL;
		init_seen = tl_find(r, "init started", 0) != NULL;
		if (l.timed_out)
			r->vm_exit = "timeout";
		else if (panic)
			r->vm_exit = "kernel panic";
		else if (tl_find(r, "poweroff", 0))
			r->vm_exit = "poweroff";
		else if (!WIFEXITED(vm.status) || WEXITSTATUS(vm.status))
			r->vm_exit = "qemu error";
		else
			r->vm_exit = "reboot";
		if (!init_seen) {
			/* Died before our init ran: the VM, not the scheduler. Retry once. */
			char *q = NULL;

			free(r->console_tail);
			r->console_tail = tail_lines(com1, strlen(com1), 20);
			if (!strcmp(r->vm_exit, "qemu error") && !file__read_all(qlog, 1u << 20, &q, &len) && len) {
				free(r->console_tail);
				r->console_tail = tail_lines(q, len, 10);
			}
			free(q);
			log_warn("attempt %d: the VM died before ktstr-init ran (%s)%s", attempt, r->vm_exit,
				 attempt == 1 ? "; retrying" : "");
			if (attempt == 1) {
				keep_attempt(r->com1, 1);
				keep_attempt(r->com2, 1);
				continue;
			}
			r->env_error = true;
			r->verdict = "error";
			snprintf(r->reason, sizeof(r->reason), "VM died before init twice (%s)", r->vm_exit);
			break;
		}
		if (!exit_from_loader(r, com2))
			exit_from_console(r, com1);
		if ((kind = exit_kind_from_trace(com1)) >= 0)
			exit_set_kind(r, kind);
		if (!r->have_exit)
			verifier_summary(com2, r->load_error, sizeof(r->load_error));
		judge(o, r, l.timed_out, panic);
		/* It quotes timeline stages, which snprintf may have cut mid-character. */
		clean_in_place(r->reason, sizeof(r->reason));
		if (strcmp(r->verdict, "pass")) {
			free(r->console_tail);
			r->console_tail = tail_lines(com1, strlen(com1), 20);
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
