// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the events of ktstr-probe. A run may record a million calls; only
 * the causal task's few are shown, and that task is known only once the
 * trigger record is read (usually last). So each call is kept as a small
 * index entry pointing at its line in a memory map of the input, and the
 * lines of the calls shown are parsed a second time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "stitch.h"

#define EVENT_MAX_LINE (16u << 20)

/* A pipe cannot be mapped: copy it to an unlinked temporary file first. */
static int spool(int in, int *out)
{
	const char *dir = getenv("TMPDIR");
	char path[4096], buf[1 << 16];
	ssize_t n, w, off;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/ktstr-stitch.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	unlink(path);
	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				err = -errno;
			break;
		}
		for (off = 0; off < n; off += w) {
			w = write(fd, buf + off, n - off);
			if (w < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				err = -errno;
				break;
			}
		}
		if (err)
			break;
	}
	if (err) {
		close(fd);
		return err;
	}
	*out = fd;
	return 0;
}

static int map_input(struct events *ev, const char *path)
{
	struct stat st;
	int fd, err = 0;
	bool own = false;

	if (!path || !strcmp(path, "-")) {
		fd = STDIN_FILENO;
		ev->name = "<stdin>";
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		own = true;
		ev->name = path;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = spool(fd, &ev->spool_fd);
		if (err)
			goto out;
		if (own)
			close(fd);
		own = false;
		fd = ev->spool_fd;
		if (fstat(fd, &st)) {
			err = -errno;
			goto out;
		}
	}
	ev->size = st.st_size;
	if (ev->size) {
		ev->map = mmap(NULL, ev->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (ev->map == MAP_FAILED) {
			ev->map = NULL;
			err = -errno;
			goto out;
		}
		madvise(ev->map, ev->size, MADV_SEQUENTIAL);
	}
out:
	if (own)
		close(fd);
	return err;
}

static size_t str_hash(const char *s)
{
	size_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int func_rehash(struct events *ev, size_t cap)
{
	size_t *t = calloc(cap, sizeof(*t)), i;

	if (!t)
		return -ENOMEM;
	for (i = 0; i < ev->nfuncs; i++) {
		size_t h = str_hash(ev->funcs[i].name) & (cap - 1);

		while (t[h])
			h = (h + 1) & (cap - 1);
		t[h] = i + 1;
	}
	free(ev->fhash);
	ev->fhash = t;
	ev->fhash_cap = cap;
	return 0;
}

/* The index of function name, added on first sight. -ENOMEM on failure. */
static long func_intern(struct events *ev, const char *name, const struct targets *tg)
{
	size_t h;
	struct func *f;

	if (ev->nfuncs * 2 >= ev->fhash_cap && func_rehash(ev, ev->fhash_cap ? ev->fhash_cap * 2 : 64))
		return -ENOMEM;
	h = str_hash(name) & (ev->fhash_cap - 1);
	while (ev->fhash[h]) {
		if (!strcmp(ev->funcs[ev->fhash[h] - 1].name, name))
			return (long)ev->fhash[h] - 1;
		h = (h + 1) & (ev->fhash_cap - 1);
	}
	f = realloc(ev->funcs, (ev->nfuncs + 1) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	ev->funcs = f;
	f[ev->nfuncs].name = strdup(name);
	if (!f[ev->nfuncs].name)
		return -ENOMEM;
	f[ev->nfuncs].tgt = targets__find(tg, name);
	f[ev->nfuncs].source = NULL;
	{
		/* A program the agent bound to a template (ops.OP): described by that target. */
		const json_t *pr = json_object_get(ev->progs, name);

		if (pr && !f[ev->nfuncs].tgt)
			f[ev->nfuncs].tgt = targets__find(tg, json__str(pr, "target", ""));
		if (pr)
			f[ev->nfuncs].source = json__str(pr, "source", NULL);
	}
	ev->fhash[h] = ev->nfuncs + 1;
	return (long)ev->nfuncs++;
}

static uint64_t get_u64(const json_t *rec, const char *key, uint64_t def)
{
	uint64_t v;

	return decode__u64(json_object_get(rec, key), &v) ? def : v;
}

/* A CPU number, -1 when absent or out of range. */
static int32_t get_cpu(const json_t *rec)
{
	long long cpu = json__int(rec, "cpu", -1);

	return cpu >= 0 && cpu <= 65535 ? (int32_t)cpu : -1;
}

static char *dup_str(const json_t *rec, const char *key)
{
	const json_t *v = json_object_get(rec, key);

	return json_is_string(v) ? strndup(json_string_value(v), json_string_length(v)) : NULL;
}

static int add_hit(struct events *ev, const json_t *rec, size_t off, size_t len,
		   unsigned long lineno, const struct targets *tg, char *msg, size_t msgsz)
{
	const char *name = json__str(rec, "func", NULL);
	const json_t *task;
	struct call *c;
	long fi;

	if (!name || !*name) {
		snprintf(msg, msgsz, "%s:%lu: hit record without \"func\"", ev->name, lineno);
		return -EINVAL;
	}
	fi = func_intern(ev, name, tg);
	if (fi < 0)
		return (int)fi;
	if (ev->n == ev->cap) {
		size_t cap = ev->cap ? ev->cap * 2 : 1024;

		c = realloc(ev->calls, cap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		ev->calls = c;
		ev->cap = cap;
	}
	c = &ev->calls[ev->n++];
	memset(c, 0, sizeof(*c));
	c->func = (uint32_t)fi;
	c->off = off;
	c->len = (uint32_t)len;
	c->lineno = (uint32_t)lineno;
	c->cpu = get_cpu(rec);
	c->pid = (int32_t)json__int(rec, "pid", -1);
	c->has_entry = json_object_get(rec, "ts_entry") != NULL;
	c->has_exit = json_object_get(rec, "ts_exit") != NULL;
	c->ts_exit = get_u64(rec, "ts_exit", 0);
	c->ts = get_u64(rec, "ts_entry", c->ts_exit);
	c->cur = get_u64(rec, "task_ptr", get_u64(rec, "current", 0));
	/* The task argument: explicit, else the targets' task_param into args. */
	task = json_object_get(rec, "task");
	if (task) {
		c->has_task = true;
	} else if (ev->funcs[fi].tgt && ev->funcs[fi].tgt->task_param >= 0) {
		c->has_task = true;
		task = json_array_get(json_object_get(rec, "args"),
				      (size_t)ev->funcs[fi].tgt->task_param);
	}
	if (c->has_task && decode__u64(task, &c->task))
		c->task = 0;	/* unreadable or NULL: matches no task */
	return 0;
}

static int add_trigger(struct events *ev, const json_t *rec)
{
	struct trigger *t = &ev->trig;
	uint64_t ts = 0;
	bool ts_ok = !decode__u64(json_object_get(rec, "ts"), &ts);

	ev->ntriggers++;
	/*
	 * One-shot per scheduler: should there be several, the first exit
	 * counts (by time when both have one, else in input order).
	 */
	if (t->found && !(ts_ok && t->ts_ok && ts < t->ts))
		return 0;
	free(t->current_comm);
	free(t->inflight_func);
	free(t->inflight_comm);
	free(t->msg);
	memset(t, 0, sizeof(*t));
	t->found = true;
	t->ts_ok = ts_ok;
	t->ts = ts;
	t->cpu = get_cpu(rec);
	t->kind_ok = !decode__u64(json_object_get(rec, "exit_kind"), &t->kind);
	t->current = get_u64(rec, "current", 0);
	t->current_pid = json__int(rec, "current_pid", -1);
	t->current_comm = dup_str(rec, "current_comm");
	t->inflight_func = dup_str(rec, "inflight_func");
	t->inflight_task = get_u64(rec, "inflight_task", 0);
	t->inflight_pid = json__int(rec, "inflight_pid", -1);
	t->inflight_comm = dup_str(rec, "inflight_comm");
	t->msg = dup_str(rec, "msg");
	return 0;
}

static void add_meta(struct events *ev, const json_t *rec)
{
	struct meta *m = &ev->meta;
	const json_t *v;

	m->seen = true;
	m->nr_cpus = json__int(rec, "nr_cpus", m->nr_cpus);
	m->drops = json__int(rec, "drops", m->drops);
	v = json_object_get(rec, "trigger_available");
	if (json_is_boolean(v))
		m->trigger_available = json_is_true(v);
	if (json_is_string(json_object_get(rec, "error"))) {
		free(m->error);
		m->error = dup_str(rec, "error");
	}
}

int events__read(struct events *ev, const char *path, const struct targets *tg,
		 char *msg, size_t msgsz)
{
	size_t pos = 0, len, next;
	unsigned long lineno = 0;
	json_error_t jerr;
	const char *line, *nl;
	json_t *rec;
	int err = 0;

	memset(ev, 0, sizeof(*ev));
	ev->spool_fd = -1;
	ev->meta.trigger_available = -1;
	ev->progs = json_object();
	msg[0] = '\0';
	err = map_input(ev, path);
	if (err) {
		snprintf(msg, msgsz, "%s: %s", path ? path : "<stdin>", strerror(-err));
		return err;
	}
	while (pos < ev->size) {
		line = ev->map + pos;
		nl = memchr(line, '\n', ev->size - pos);
		len = nl ? (size_t)(nl - line) : ev->size - pos;
		next = pos + len + 1;
		lineno++;
		if (len && line[len - 1] == '\r')
			len--;
		while (len && (*line == ' ' || *line == '\t')) {
			line++;
			len--;
		}
		if (!len) {
			pos = next;
			continue;
		}
		if (len > EVENT_MAX_LINE) {
			snprintf(msg, msgsz, "%s:%lu: line longer than %u bytes", ev->name, lineno,
				 EVENT_MAX_LINE);
			return -EINVAL;
		}
		rec = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
		if (!rec) {
			snprintf(msg, msgsz, "%s:%lu: invalid JSON: %s (column %d)", ev->name, lineno,
				 jerr.text, jerr.column);
			return -EINVAL;
		}
		if (!json_is_object(rec)) {
			json_decref(rec);
			snprintf(msg, msgsz, "%s:%lu: record is not a JSON object", ev->name, lineno);
			return -EINVAL;
		}
		{
			const char *type = json__str(rec, "type", "");

			/* Unknown record types are skipped: newer probes may add some. */
			if (!strcmp(type, "hit"))
				err = add_hit(ev, rec, line - ev->map, len, lineno, tg, msg, msgsz);
			else if (!strcmp(type, "trigger"))
				err = add_trigger(ev, rec);
			else if (!strcmp(type, "meta"))
				add_meta(ev, rec);
			else if (!strcmp(type, "prog") && json_is_string(json_object_get(rec, "func")))
				json_object_set(ev->progs, json__str(rec, "func", ""), rec);
		}
		json_decref(rec);
		if (err) {
			if (!msg[0])
				snprintf(msg, msgsz, "%s", strerror(-err));
			return err;
		}
		pos = next;
	}
	return 0;
}

json_t *events__record(const struct events *ev, const struct call *c)
{
	return json_loadb(ev->map + c->off, c->len, JSON_ALLOW_NUL, NULL);
}

void events__free(struct events *ev)
{
	size_t i;

	if (ev->map)
		munmap(ev->map, ev->size);
	if (ev->spool_fd >= 0)
		close(ev->spool_fd);
	for (i = 0; i < ev->nfuncs; i++)
		free(ev->funcs[i].name);
	free(ev->funcs);
	free(ev->fhash);
	free(ev->calls);
	free(ev->trig.current_comm);
	free(ev->trig.inflight_func);
	free(ev->trig.inflight_comm);
	free(ev->trig.msg);
	free(ev->meta.error);
	json_decref(ev->progs);
	memset(ev, 0, sizeof(*ev));
	ev->spool_fd = -1;
}
