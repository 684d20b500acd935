// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-btfres: turn a function list (ktstr-stackx output) into probe
 * targets: signatures from vmlinux and program BTF, struct fields resolved
 * to offsets, bridge kprobes for struct_ops callbacks, source locations.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include <elf.h>	/* lib/elf.h, then the system's */

#include "btfres.h"
#include "file.h"
#include "json.h"
#include "kernel.h"
#include "log.h"
#include "usage.h"

static const char help[] =
	"Usage: ktstr-btfres [OPTION]... [FILE]\n"
	"Resolve the functions listed in FILE (JSON lines from ktstr-stackx; stdin when\n"
	"absent or -) to probe targets: parameters, struct field offsets, decoders,\n"
	"bridge kprobes and source locations, one JSON line each.\n"
	"\n"
	"  -k, --kernel K        guest kernel: cache folder, build tree, vmlinux, bzImage or\n"
	"                        version name (default $KTSTR_KERNEL, $KTSTR_KERNEL_DIR,\n"
	"                        ../kernel beside this program, the newest cached one);\n"
	"                        its DWARF gives sources\n"
	"      --vmlinux FILE    the vmlinux whose BTF to use (instead of --kernel)\n"
	"      --dwarf FILE      DWARF vmlinux for kernel source locations\n"
	"      --no-source       no kernel source locations (skip DWARF)\n"
	"  -b, --bpf-obj FILE    scheduler BPF object (BTF + line info); repeatable\n"
	"  -a, --all-callbacks   also emit every struct_ops callback of the objects\n"
	"  -O, --ops             also emit a template ops.OP for every sched_ext_ops\n"
	"                        callback no object covers: the probe agent binds it\n"
	"                        to the program implementing OP in the loaded scheduler\n"
	"  -m, --max-fields N    fields per function, curated first (default 16)\n"
	"      --srcidx FILE     source index cache (default: beside the DWARF file)\n"
	"  -o, --output FILE     write here (atomically) instead of stdout\n"
	"  -v, --verbose         progress on stderr (-vv: libbpf messages too)\n"
	"  -h, --help            show this help\n"
	"  -V, --version         show the version\n"
	"\n"
	"Exit status: 0 done (unresolvable names become error records), 2 bad input or\n"
	"arguments, corrupt BTF or object, 3 kernel, vmlinux or object missing.\n";

enum { OPT_VMLINUX = 256, OPT_DWARF, OPT_NO_SOURCE, OPT_SRCIDX, OPT_HELP, OPT_VERSION };

static const struct option longopts[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "vmlinux", required_argument, NULL, OPT_VMLINUX },
	{ "dwarf", required_argument, NULL, OPT_DWARF },
	{ "no-source", no_argument, NULL, OPT_NO_SOURCE },
	{ "bpf-obj", required_argument, NULL, 'b' },
	{ "all-callbacks", no_argument, NULL, 'a' },
	{ "ops", no_argument, NULL, 'O' },
	{ "max-fields", required_argument, NULL, 'm' },
	{ "srcidx", required_argument, NULL, OPT_SRCIDX },
	{ "output", required_argument, NULL, 'o' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ 0 }
};

static int verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf explains its failures verbosely; ours is one line. */
	if (verbose < 2)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

struct input {
	json_t **recs;
	size_t n;
};

static int read_input(const char *path, struct input *in)
{
	struct jsonl_reader jr;
	json_t *rec;
	int ret;

	ret = jsonl_reader__open(&jr, path);
	if (ret) {
		error("%s: %s", path ? path : "<stdin>", strerror(-ret));
		return usage__exit_code(ret);
	}
	while ((ret = jsonl_reader__next(&jr, &rec)) > 0) {
		const char *name = json__str(rec, "name", NULL);
		json_t **n;

		if (!name || !*name) {
			error("%s:%lu: record has no \"name\" string", jr.lr.name, jr.lr.lineno);
			json_decref(rec);
			ret = -EINVAL;
			break;
		}
		n = realloc(in->recs, (in->n + 1) * sizeof(*n));
		if (!n) {
			json_decref(rec);
			ret = -ENOMEM;
			break;
		}
		in->recs = n;
		in->recs[in->n++] = rec;
	}
	if (ret < 0 && jr.msg[0])
		error("%s", jr.msg);
	jsonl_reader__close(&jr);
	return ret < 0 ? KT_EXIT_USAGE : 0;
}

static bool emitted(struct btfres *r, const char *name)
{
	return json_object_get(r->emitted, name) != NULL;
}

static int emit(struct btfres *r, FILE *f, json_t *rec)
{
	const char *name = json__str(rec, "name", NULL);
	int ret;

	if (name && !json_object_get(rec, "error"))
		json_object_set_new(r->emitted, name, json_true());
	ret = jsonl__write(f, rec);
	json_decref(rec);
	return ret;
}

/* A callback and, right after it, its bridge kprobe. */
static int emit_bpf(struct btfres *r, FILE *f, json_t *rec, const char *op)
{
	const char *bridge = NULL, *name = json__str(rec, "name", "");
	json_t *brec = NULL;
	int task, ret;

	if (op) {
		json_object_set_new(r->ops_done, op, json_true());
		bridge = bridge__pick(r, op, &task);
		if (!bridge) {
			char msg[160];

			/* Only ops the bridge table knows can miss their caller. */
			if (bridge__known(op)) {
				json_t *notes = json_object_get(rec, "notes");

				if (!notes) {
					notes = json_array();
					json_object_set_new(rec, "notes", notes);
				}
				snprintf(msg, sizeof(msg), "no kernel caller of ops.%s in this BTF", op);
				json_array_append_new(notes, json_string(msg));
			}
		} else if (!emitted(r, bridge) && strcmp(bridge, name)) {
			target__kernel(r, bridge, name, &brec);
		}
	}
	ret = emit(r, f, rec);
	if (!ret && brec)
		ret = emit(r, f, brec);
	else
		json_decref(brec);
	return ret;
}

static int resolve_one(struct btfres *r, FILE *f, const char *name, bool bpf)
{
	json_t *rec = NULL;
	const char *op = NULL;
	char base[256];
	int ret;

	if (bpf) {
		ret = target__bpf(r, name, &rec, &op);
		if (ret && btfx__find(&r->vm, name, BTF_KIND_FUNC)) {
			json_decref(rec);
			ret = target__kernel(r, name, NULL, &rec);
		}
	} else {
		ret = target__kernel(r, name, NULL, &rec);
		if (ret && r->nobjs) {
			json_t *alt = NULL;

			if (!target__bpf(r, name, &alt, &op)) {
				json_decref(rec);
				rec = alt;
				ret = 0;
			} else {
				json_decref(alt);
			}
		}
		/*
		 * foo.cold is the cold part of foo: probe foo. Other clones
		 * (foo.isra.0, foo.constprop.0) have their own ABI and often no
		 * foo symbol at all: they stay "not in BTF".
		 */
		if (ret && strstr(name, ".cold") && strstr(name, ".cold") == strchr(name, '.') &&
		    strchr(name, '.') - name < (long)sizeof(base)) {
			json_t *alt = NULL;

			snprintf(base, sizeof(base), "%.*s", (int)(strchr(name, '.') - name), name);
			if (emitted(r, base)) {
				json_decref(rec);
				return 0;	/* already probed under its own name */
			}
			if (!target__kernel(r, base, NULL, &alt)) {
				json_t *notes = json_object_get(alt, "notes");
				char msg[300];

				if (!notes) {
					notes = json_array();
					json_object_set_new(alt, "notes", notes);
				}
				snprintf(msg, sizeof(msg), "%s is the cold part of %s", name, base);
				json_array_append_new(notes, json_string(msg));
				json_decref(rec);
				rec = alt;
				ret = 0;
			} else {
				json_decref(alt);
			}
		}
	}
	if (!ret && emitted(r, json__str(rec, "name", ""))) {
		json_decref(rec);
		return 0;
	}
	return emit_bpf(r, f, rec, ret ? NULL : op);
}

/* ops.OP for an op no named callback covered. */
static int emit_template(struct btfres *r, const char *op, void *f)
{
	json_t *rec;

	if (json_object_get(r->ops_done, op) || target__op(r, op, &rec))
		return 0;
	return emit_bpf(r, f, rec, op);
}

static char *srcidx_path(const char *dwarf, const char *build_id)
{
	char *copy = strdup(dwarf), *dir, *s = NULL, *cache;

	if (!copy)
		return NULL;
	dir = dirname(copy);
	if (asprintf(&s, "%s/ktstr-srcidx", dir) < 0)
		s = NULL;
	if (s && access(s, F_OK) != 0 && access(dir, W_OK) != 0) {
		/* A read-only kernel folder: the user cache, keyed by build-id. */
		free(s);
		s = NULL;
		cache = kernel__cache_dir();
		if (cache && asprintf(&s, "%s/srcidx-%s", cache, build_id) < 0)
			s = NULL;
		if (cache)
			mkdir(cache, 0755);
		free(cache);
	}
	free(copy);
	return s;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Open the source index; failures only cost the sources (a warning). */
static void open_sources(struct btfres *r, const char *vmlinux, const char *dwarf, const char *cache)
{
	char bid[128] = "", vbid[128] = "", err[512] = "";
	char *path = NULL;
	bool rebuilt;
	double t0 = now();
	int ret;

	if (elf__build_id(dwarf, bid, sizeof(bid))) {
		warning("%s: no build-id; no source locations", dwarf);
		return;
	}
	if (!elf__build_id(vmlinux, vbid, sizeof(vbid)) && strcmp(bid, vbid)) {
		warning("%s and %s are different builds; no source locations", dwarf, vmlinux);
		return;
	}
	if (!cache)
		cache = path = srcidx_path(dwarf, bid);
	ret = srcidx__open(dwarf, bid, cache, &r->src, &rebuilt, err, sizeof(err));
	if (ret)
		warning("%s; no source locations", err);
	else if (rebuilt)
		log_info("source index of %s built in %.1f s (%zu functions)", dwarf, now() - t0,
			 srcidx__count(r->src));
	free(path);
}

int main(int argc, char **argv)
{
	struct btfres r = { .max_fields = 16 };
	const char *kspec = NULL, *vmlinux = NULL, *dwarf = NULL, *srcidx = NULL, *output = NULL;
	const char **objs = NULL;
	bool no_source = false, all = false, ops = false;
	struct kernel_paths kp = { 0 };
	struct input in = { 0 };
	struct outfile of = { 0 };
	json_t *seen = NULL;
	char err[1024];
	size_t i, nobjs = 0;
	int c, ret, code = KT_EXIT_OK;

	usage__set_prog(argv[0]);
	opterr = 0;	/* one message, with the short program name */
	while ((c = getopt_long(argc, argv, ":k:b:aOm:o:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': kspec = optarg; break;
		case OPT_VMLINUX: vmlinux = optarg; break;
		case OPT_DWARF: dwarf = optarg; break;
		case OPT_NO_SOURCE: no_source = true; break;
		case 'b': {
			const char **n = realloc(objs, (nobjs + 1) * sizeof(*n));

			if (!n)
				die(KT_EXIT_ENV, "out of memory");
			objs = n;
			objs[nobjs++] = optarg;
			break;
		}
		case 'a': all = true; break;
		case 'O': ops = true; break;
		case 'm': {
			long v;

			if (usage__parse_long(optarg, 0, 4096, &v))
				usage__bad("--max-fields: '%s' is not a number from 0 to 4096", optarg);
			r.max_fields = v;
			break;
		}
		case OPT_SRCIDX: srcidx = optarg; break;
		case 'o': output = optarg; break;
		case 'v': verbose++; break;
		case 'h':
		case OPT_HELP: usage__help(help);
		case 'V':
		case OPT_VERSION: usage__version();
		default: usage__bad_option(c, argv, "an argument");
		}
	}
	if (argc - optind > 1)
		usage__bad("at most one input file");
	if (kspec && vmlinux)
		usage__bad("--kernel and --vmlinux exclude each other");
	log__init(verbose);
	libbpf_set_print(libbpf_print);

	/* Input first: a malformed line fails before any work. */
	code = read_input(optind < argc ? argv[optind] : NULL, &in);
	if (code)
		goto cleanup;

	if (!vmlinux) {
		ret = kernel__resolve(kspec, argv[0], &kp, err, sizeof(err));
		if (ret) {
			error("%s", err);
			code = KT_EXIT_ENV;	/* no kernel, whatever the errno */
			goto cleanup;
		}
		vmlinux = kp.vmlinux;
		if (!dwarf)
			dwarf = kp.dwarf;
		r.kernel_version = kp.version;
	} else {
		/* The version file of a kernel cache folder, when beside it. */
		char *copy = strdup(vmlinux), *v = NULL;

		if (copy && asprintf(&v, "%s/version", dirname(copy)) >= 0) {
			char *buf = NULL;
			size_t len;

			if (!access(v, R_OK) && !file__read_all(v, 4096, &buf, &len)) {
				buf[strcspn(buf, "\r\n")] = '\0';
				kp.version = buf;
				r.kernel_version = buf;
			}
		}
		free(v);
		free(copy);
	}
	ret = btfx__open(&r.vm, vmlinux, false, err, sizeof(err));
	if (ret) {
		error("%s", err);
		code = usage__exit_code(ret);
		goto cleanup;
	}
	r.objs = calloc(nobjs ? nobjs : 1, sizeof(*r.objs));
	if (!r.objs)
		die(KT_EXIT_ENV, "out of memory");
	for (i = 0; i < nobjs; i++) {
		ret = bpfobj__open(&r.objs[i], objs[i], err, sizeof(err));
		if (ret) {
			error("%s", err);
			code = usage__exit_code(ret);
			goto cleanup;
		}
		r.nobjs++;
	}
	if (dwarf && !no_source)
		open_sources(&r, vmlinux, dwarf, srcidx);

	r.emitted = json_object();
	r.ops_done = json_object();
	ret = outfile__open(&of, output);
	if (ret) {
		code = usage__output_error(output, ret);
		goto cleanup;
	}
	{
		json_t *e = enums__record(&r);

		ret = jsonl__write(of.f, e);
		json_decref(e);
	}
	seen = json_object();
	for (i = 0; !ret && i < in.n; i++) {
		const char *name = json__str(in.recs[i], "name", "");

		/* Each input name once, resolved or not. */
		if (emitted(&r, name) || json_object_get(seen, name))
			continue;
		json_object_set_new(seen, name, json_true());
		ret = resolve_one(&r, of.f, name, json__bool(in.recs[i], "bpf", 0));
	}
	for (i = 0; all && !ret && i < r.nobjs; i++) {
		size_t k;

		for (k = 0; !ret && k < r.objs[i].nprogs; k++) {
			const struct bprog *p = &r.objs[i].progs[k];

			if (bprog__is_struct_ops(p) && !emitted(&r, p->name))
				ret = resolve_one(&r, of.f, p->name, true);
		}
	}
	if (ops && !ret)
		ret = target__each_op(&r, emit_template, of.f);
	if (ret == -ENOENT) {
		warning("no struct sched_ext_ops in %s: no op templates", vmlinux);
		ret = 0;
	}
	if (ret) {
		outfile__abort(&of);
		if (ret == -ENOMEM)
			error("out of memory");
		code = ret == -ENOMEM ? KT_EXIT_ENV : usage__output_error(output, ret);
		goto cleanup;
	}
	ret = outfile__commit(&of);
	if (ret)
		code = usage__output_error(output, ret);
cleanup:
	for (i = 0; i < in.n; i++)
		json_decref(in.recs[i]);
	free(in.recs);
	for (i = 0; i < r.nobjs; i++)
		bpfobj__close(&r.objs[i]);
	free(r.objs);
	free(objs);
	srcidx__free(r.src);
	btfx__close(&r.vm);
	json_decref(r.emitted);
	json_decref(r.ops_done);
	json_decref(seen);
	kernel_paths__free(&kp);
	return code;
}
