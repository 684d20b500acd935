// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-stackx: the functions of a scheduler crash trace, as JSON lines.
 * COM2 (the scheduler's log) is read first; COM1 (the kernel console) is
 * read only when COM2 yields no function. See ktstr-stackx(1).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "stackx.h"
#include "log.h"
#include "usage.h"

static const char help[] =
"Usage: ktstr-stackx [--com2 FILE] [--com1 FILE] [FILE...]\n"
"Print the functions of a sched_ext crash trace as JSON lines:\n"
"  {\"name\":...,\"raw\":...,\"bpf\":true|false,\"source\":\"com2\"|\"com1\"}\n"
"in stack order, each once, generic functions left out.\n"
"\n"
"  --com2 FILE    the scheduler's log (serial port 2); read first\n"
"  --com1 FILE    the kernel console (serial port 1); read only when COM2\n"
"                 yields no function\n"
"  FILE           more console text, read as COM1 after --com1; with no\n"
"                 input at all, standard input is read as COM1\n"
"                 (\"-\" is standard input anywhere)\n"
"  -h, --help     this text\n"
"  -V, --version  the version\n"
"\n"
"Exit status: 0 ok (also when no function is found: empty output and a\n"
"note on stderr), 2 usage error or unreadable input (missing file),\n"
"3 standard output could not be written.\n";

enum { SRC_COM2, SRC_COM1, SRC_N };

struct source {
	const char *label;
	const char **files;
	size_t n;
	struct fnlist tiers[TIER_N];
};

static int source__push(struct source *s, const char *path)
{
	const char **v = realloc(s->files, (s->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	v[s->n++] = path;
	s->files = v;
	return 0;
}

static void source__free(struct source *s)
{
	int t;

	for (t = 0; t < TIER_N; t++)
		fnlist__free(&s->tiers[t]);
	free(s->files);
	s->files = NULL;
}

/* Every input must open before anything is read: a missing file is bad input. */
static int check_inputs(struct source *src)
{
	size_t i;
	int s, fd;

	for (s = 0; s < SRC_N; s++) {
		for (i = 0; i < src[s].n; i++) {
			if (!strcmp(src[s].files[i], "-"))
				continue;
			fd = open(src[s].files[i], O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				error("%s: %s", src[s].files[i], strerror(errno));
				return -errno;
			}
			close(fd);
		}
	}
	return 0;
}

/* The first tier of the source that holds a function, or NULL. */
static const struct fnlist *source__pick(const struct source *s)
{
	int t;

	for (t = 0; t < TIER_N; t++)
		if (s->tiers[t].kept)
			return &s->tiers[t];
	return NULL;
}

static int print_list(const struct fnlist *l, const char *label)
{
	json_t *rec;
	size_t i;
	int err = 0;

	for (i = 0; i < l->names.n && !err; i++) {
		if (l->v[i].generic)
			continue;
		rec = json_pack("{s:s, s:s, s:b, s:s}", "name", strtab__str(&l->names, i, NULL),
				"raw", l->raws.buf + l->v[i].raw, "bpf", l->v[i].bpf,
				"source", label);
		if (!rec)
			return -ENOMEM;
		err = jsonl__write(stdout, rec);
		json_decref(rec);
	}
	return err;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "com2", required_argument, NULL, '2' },
		{ "com1", required_argument, NULL, '1' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct source src[SRC_N] = {
		[SRC_COM2] = { .label = "com2" },
		[SRC_COM1] = { .label = "com1" },
	};
	const struct fnlist *found = NULL;
	const char *label = NULL;
	int c, s, ret = KT_EXIT_OK, err = 0;
	size_t i;

	usage__set_prog(argv[0]);
	opterr = 0;	/* our own messages, with the short program name */
	while ((c = getopt_long(argc, argv, ":hV", opts, NULL)) != -1) {
		switch (c) {
		case '2':
			err = source__push(&src[SRC_COM2], optarg);
			break;
		case '1':
			err = source__push(&src[SRC_COM1], optarg);
			break;
		case 'h':
			usage__help(help);
		case 'V':
			usage__version();
		default:
			usage__bad_option(c, argv, "a FILE");
		}
		if (err)
			goto oom;
	}
	for (; optind < argc && !err; optind++)
		err = source__push(&src[SRC_COM1], argv[optind]);
	if (!err && !src[SRC_COM2].n && !src[SRC_COM1].n)
		err = source__push(&src[SRC_COM1], "-");
	if (err)
		goto oom;

	if (check_inputs(src)) {
		ret = KT_EXIT_USAGE;
		goto cleanup;
	}
	/* COM2 first; COM1 is not even read when COM2 yields a function. */
	for (s = 0; s < SRC_N && !found; s++) {
		for (i = 0; i < src[s].n; i++) {
			const char *path = src[s].files[i];

			err = scan__file(path, src[s].tiers);
			if (err == -ENOMEM)
				goto oom;
			if (err) {
				error("%s: %s", strcmp(path, "-") ? path : "<stdin>", strerror(-err));
				ret = usage__exit_code(err);
				goto cleanup;
			}
		}
		found = source__pick(&src[s]);
		label = src[s].label;
	}
	if (!found) {
		log_note("no stack function found");
		goto cleanup;
	}
	err = print_list(found, label);
	if (err == -ENOMEM)
		goto oom;
	if (err)
		ret = usage__output_error(NULL, err);
	else
		ret = usage__flush_stdout();
	goto cleanup;
oom:
	error("out of memory");
	ret = KT_EXIT_ENV;
cleanup:
	for (s = 0; s < SRC_N; s++)
		source__free(&src[s]);
	return ret;
}
