// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>	/* isfinite (a macro: no libm) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"
#include "duration.h"
#include "scenario.h"
#include <yaml.h>	/* lib/yaml.h, then libyaml's */

/* Limits keep a typo from asking QEMU for 4096 CPUs or a week-long hold. */
#define MAX_CPUS 64
#define MAX_WORKERS 256
#define MAX_WATCHDOG_MS (30L * 1000)	/* the kernel caps ops.timeout_ms at 30 s */

void scenario__free(struct scenario *s)
{
	size_t i, j;

	if (!s)
		return;
	for (i = 0; i < s->nsteps; i++) {
		for (j = 0; j < s->steps[i].ncgroups; j++) {
			free(s->steps[i].cgroups[j].name);
			free(s->steps[i].cgroups[j].cpuset);
		}
		free(s->steps[i].cgroups);
		free(s->steps[i].offline);
	}
	free(s->steps);
	if (s->sched_args)
		for (i = 0; s->sched_args[i]; i++)
			free(s->sched_args[i]);
	free(s->sched_args);
	free(s->map_write.map);
	free(s->path);
	free(s->name);
	free(s->scheduler);
	free(s);
}

long scenario__total_hold_ms(const struct scenario *s)
{
	long t = 0;
	size_t i;

	for (i = 0; i < s->nsteps; i++)
		t += s->steps[i].hold_ms;
	return t;
}

/* Parsing context: every error is "path:line: message". */
struct pctx {
	const char *path;
	char *err;
	size_t errlen;
};

static int bad(struct pctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int bad(struct pctx *c, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->err && c->errlen) {
		n = snprintf(c->err, c->errlen, "%s:%d: ", c->path, line);
		if (n >= 0 && (size_t)n < c->errlen) {
			va_start(ap, fmt);
			vsnprintf(c->err + n, c->errlen - n, fmt, ap);
			va_end(ap);
		}
	}
	return -EINVAL;
}

static int want_scalar(struct pctx *c, const struct ynode *n, const char *field, const char *what)
{
	if (n->type != YNODE_SCALAR)
		return bad(c, n->line, "%s: expected %s, got %s", field, what, ynode__type_name(n));
	return 0;
}

static int get_string(struct pctx *c, const struct ynode *n, const char *field, char **out)
{
	int err = want_scalar(c, n, field, "a string");

	if (err)
		return err;
	if (!*n->scalar || (n->plain && (!strcmp(n->scalar, "~") || !strcmp(n->scalar, "null"))))
		return bad(c, n->line, "%s: must not be empty", field);
	free(*out);
	*out = strdup(n->scalar);
	return *out ? 0 : -ENOMEM;
}

static int get_int(struct pctx *c, const struct ynode *n, const char *field, long long lo, long long hi,
		   long long *out)
{
	char *end;
	long long v;
	int err = want_scalar(c, n, field, "an integer");

	if (err)
		return err;
	errno = 0;
	v = strtoll(n->scalar, &end, 0);
	if (errno || end == n->scalar || *end || isspace((unsigned char)n->scalar[0]))
		return bad(c, n->line, "%s: '%s' is not an integer", field, n->scalar);
	if (v < lo || v > hi)
		return bad(c, n->line, "%s: %lld is out of range [%lld, %lld]", field, v, lo, hi);
	*out = v;
	return 0;
}

static int get_bool(struct pctx *c, const struct ynode *n, const char *field, bool *out)
{
	int err = want_scalar(c, n, field, "true or false");

	if (err)
		return err;
	if (!strcmp(n->scalar, "true") || !strcmp(n->scalar, "yes"))
		*out = true;
	else if (!strcmp(n->scalar, "false") || !strcmp(n->scalar, "no"))
		*out = false;
	else
		return bad(c, n->line, "%s: '%s' is not true or false", field, n->scalar);
	return 0;
}

static int get_duration(struct pctx *c, const struct ynode *n, const char *field, long lo, long hi, long *out)
{
	int err = want_scalar(c, n, field, "a duration like 2s or 500ms");

	if (err)
		return err;
	if (duration__parse(n->scalar, out))
		return bad(c, n->line, "%s: '%s' is not a duration (like 2s, 500ms, 1.5s, 1m)", field, n->scalar);
	if (*out < lo || *out > hi)
		return bad(c, n->line, "%s: %s is out of range [%ldms, %lds]", field, n->scalar, lo, hi / 1000);
	return 0;
}

static bool valid_word(const char *s, const char *extra)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_' &&
		    !(extra && strchr(extra, *s)))
			return false;
	return true;
}

static int check_keys(struct pctx *c, const struct ynode *map, const char *what, const char *const *known)
{
	size_t i;
	int k;

	for (i = 0; i < map->n; i++) {
		for (k = 0; known[k]; k++)
			if (!strcmp(map->keys[i], known[k]))
				break;
		if (!known[k])
			return bad(c, map->key_lines[i], "%s: unknown field '%s'", what, map->keys[i]);
	}
	return 0;
}

static int parse_cgroup(struct pctx *c, const struct ynode *n, int ncpus, struct scn_cgroup *cg)
{
	static const char *const known[] = { "name", "work_type", "workers", "cpuset", NULL };
	const struct ynode *v;
	long long ll;
	int err, wt;

	cg->line = n->line;
	cg->workers = 1;
	cg->work_type = WT_CPU_SPIN;
	if (n->type != YNODE_MAP)
		return bad(c, n->line, "cgroups: each entry must be a mapping {name, work_type, workers, cpuset}");
	err = check_keys(c, n, "cgroup", known);
	if (err)
		return err;
	v = ynode__get(n, "name");
	if (!v)
		return bad(c, n->line, "cgroup: missing required field 'name'");
	err = get_string(c, v, "cgroup name", &cg->name);
	if (err)
		return err;
	if (!valid_word(cg->name, "-") || strlen(cg->name) > 64)
		return bad(c, v->line, "cgroup name: '%s' must match [a-z0-9_-]+ (at most 64 characters)", cg->name);
	v = ynode__get(n, "work_type");
	if (v) {
		err = want_scalar(c, v, "work_type", "a work type name");
		if (err)
			return err;
		wt = work_type__parse(v->scalar);
		if (wt < 0)
			return bad(c, v->line,
				   "work_type: unknown work type '%s' (known: CpuSpin, YieldHeavy, Mixed, IoSync, Bursty, "
				   "PipeIo, FutexPingPong, ForkExit, NiceSweep, AffinityChurn)", v->scalar);
		cg->work_type = wt;
	}
	v = ynode__get(n, "workers");
	if (v) {
		err = get_int(c, v, "workers", 1, MAX_WORKERS, &ll);
		if (err)
			return err;
		cg->workers = (int)ll;
	}
	if (work_type__paired(cg->work_type) && cg->workers % 2)
		return bad(c, v ? v->line : n->line, "workers: %s runs workers in pairs; %d is odd",
			   work_type__name(cg->work_type), cg->workers);
	v = ynode__get(n, "cpuset");
	if (v) {
		err = get_string(c, v, "cpuset", &cg->cpuset);
		if (err)
			return err;
		err = cpulist__check(cg->cpuset, ncpus);
		if (err == -ERANGE)
			return bad(c, v->line, "cpuset: '%s' names CPUs beyond the topology's %d", cg->cpuset, ncpus);
		if (err)
			return bad(c, v->line, "cpuset: '%s' is not a CPU list like 0-1,3", cg->cpuset);
	}
	return 0;
}

static int parse_hold(struct pctx *c, const struct ynode *v, long duration_ms, long *out)
{
	char *end;
	double f;
	int err = want_scalar(c, v, "hold", "a duration like 8s or a fraction like 0.5");

	if (err)
		return err;
	errno = 0;
	f = strtod(v->scalar, &end);
	if (!errno && !*end && duration__plain_decimal(v->scalar + (v->scalar[0] == '-'), end)) {
		/* A bare number is a fraction of the scenario's duration. */
		if (!isfinite(f) || f < 0 || f > 1)
			return bad(c, v->line, "hold: fraction %s must be within [0, 1] (or give a duration like 8s)",
				   v->scalar);
		*out = (long)(f * duration_ms + 0.5);
		return 0;
	}
	return get_duration(c, v, "hold", 0, DURATION_MAX_MS, out);
}

static int parse_step(struct pctx *c, const struct ynode *n, const struct scenario *s, struct scn_step *st)
{
	static const char *const known[] = { "cgroups", "hold", "offline", NULL };
	const struct ynode *v;
	uint64_t mask;
	size_t i, j;
	int err;

	st->line = n->line;
	st->hold_ms = s->duration_ms;
	if (n->type != YNODE_MAP)
		return bad(c, n->line, "steps: each step must be a mapping {cgroups, hold, offline}");
	err = check_keys(c, n, "step", known);
	if (err)
		return err;
	v = ynode__get(n, "hold");
	if (v) {
		err = parse_hold(c, v, s->duration_ms, &st->hold_ms);
		if (err)
			return err;
	}
	v = ynode__get(n, "offline");
	if (v) {
		err = get_string(c, v, "offline", &st->offline);
		if (err)
			return err;
		err = cpulist__check(st->offline, topology__cpus(&s->topo));
		if (err == -ERANGE)
			return bad(c, v->line, "offline: '%s' names CPUs beyond the topology's %d", st->offline,
				   topology__cpus(&s->topo));
		if (err || cpulist__parse(st->offline, strlen(st->offline), &mask))
			return bad(c, v->line, "offline: '%s' is not a CPU list like 1-2,3", st->offline);
		/* x86 keeps its boot CPU: the kernel refuses to take CPU 0 down. */
		if (mask & 1)
			return bad(c, v->line, "offline: '%s' names CPU 0, which cannot go offline", st->offline);
	}
	v = ynode__get(n, "cgroups");
	if (!v)
		return 0;
	if (v->type != YNODE_SEQ)
		return bad(c, v->line, "cgroups: expected a list, got %s", ynode__type_name(v));
	st->cgroups = calloc(v->n ? v->n : 1, sizeof(*st->cgroups));
	if (!st->cgroups)
		return -ENOMEM;
	for (i = 0; i < v->n; i++) {
		err = parse_cgroup(c, v->items[i], topology__cpus(&s->topo), &st->cgroups[i]);
		st->ncgroups = i + 1;
		if (err)
			return err;
		for (j = 0; j < i; j++)
			if (!strcmp(st->cgroups[j].name, st->cgroups[i].name))
				return bad(c, v->items[i]->line, "cgroup name: '%s' appears twice in this step",
					   st->cgroups[i].name);
	}
	return 0;
}

static int parse_map_write(struct pctx *c, const struct ynode *n, struct scn_map_write *mw)
{
	static const char *const known[] = { "map", "offset", "value", "after", "size", NULL };
	const struct ynode *v;
	long long ll;
	int err;

	if (n->type != YNODE_MAP)
		return bad(c, n->line, "bpf_map_write: expected a mapping {map, offset, value, after}, got %s",
			   ynode__type_name(n));
	err = check_keys(c, n, "bpf_map_write", known);
	if (err)
		return err;
	mw->set = true;
	mw->size = 4;
	mw->after_ms = 2000;
	v = ynode__get(n, "map");
	if (!v)
		return bad(c, n->line, "bpf_map_write: missing required field 'map'");
	err = get_string(c, v, "bpf_map_write.map", &mw->map);
	if (err)
		return err;
	if (strlen(mw->map) > 15 || strpbrk(mw->map, " \t\n/"))
		return bad(c, v->line, "bpf_map_write.map: '%s' is not a map name suffix (at most 15 characters)",
			   mw->map);
	v = ynode__get(n, "offset");
	if (v) {
		err = get_int(c, v, "bpf_map_write.offset", 0, 1 << 24, &ll);
		if (err)
			return err;
		mw->offset = (long)ll;
	}
	v = ynode__get(n, "size");
	if (v) {
		err = get_int(c, v, "bpf_map_write.size", 1, 8, &ll);
		if (err)
			return err;
		if (ll != 1 && ll != 2 && ll != 4 && ll != 8)
			return bad(c, v->line, "bpf_map_write.size: must be 1, 2, 4 or 8");
		mw->size = (int)ll;
	}
	v = ynode__get(n, "value");
	if (!v)
		return bad(c, n->line, "bpf_map_write: missing required field 'value'");
	err = get_int(c, v, "bpf_map_write.value", INT64_MIN, INT64_MAX, &ll);
	if (err)
		return err;
	/* A value the write would cut (300 in one byte) is a typo, not a crash knob. */
	if (mw->size < 8 && (ll < -(1LL << (8 * mw->size - 1)) || ll >= 1LL << (8 * mw->size)))
		return bad(c, v->line, "bpf_map_write.value: %lld does not fit in %d byte%s", ll, mw->size,
			   mw->size > 1 ? "s" : "");
	mw->value = (uint64_t)ll;
	v = ynode__get(n, "after");
	if (v) {
		err = get_duration(c, v, "bpf_map_write.after", 0, DURATION_MAX_MS, &mw->after_ms);
		if (err)
			return err;
	}
	return 0;
}

/* A checks limit: an integer in [lo, hi] of unit, or off. */
static int get_limit(struct pctx *c, const struct ynode *n, const char *field, const char *unit, long long lo,
		     long long hi, long long *out)
{
	int err = want_scalar(c, n, field, "an integer or off");

	if (err)
		return err;
	if (!strcmp(n->scalar, "off")) {
		*out = SCN_CHECK_OFF;
		return 0;
	}
	/* "2s" for gap_ms, "15%" for fairness_pct: say what is wanted. */
	if (!*n->scalar || strspn(n->scalar, "0123456789") != strlen(n->scalar))
		return bad(c, n->line, "%s: '%s' is not an integer (%s) or off", field, n->scalar, unit);
	return get_int(c, n, field, lo, hi, out);
}

static int parse_checks(struct pctx *c, const struct ynode *n, struct scn_checks *ck)
{
	static const char *const known[] = { "starvation", "gap_ms", "fairness_pct", "cpuset", NULL };
	const struct ynode *v;
	long long ll;
	int err;

	if (n->type == YNODE_SCALAR && !strcmp(n->scalar, "off")) {
		*ck = (struct scn_checks){ .gap_ms = SCN_CHECK_OFF, .fairness_pct = SCN_CHECK_OFF };
		return 0;
	}
	if (n->type == YNODE_SCALAR)
		return bad(c, n->line, "checks: '%s' is neither off nor a mapping {starvation, gap_ms, fairness_pct, "
			   "cpuset}", n->scalar);
	if (n->type != YNODE_MAP)
		return bad(c, n->line, "checks: expected off or a mapping {starvation, gap_ms, fairness_pct, cpuset}, "
			   "got %s", ynode__type_name(n));
	err = check_keys(c, n, "checks", known);
	if (err)
		return err;
	v = ynode__get(n, "starvation");
	if (v && (err = get_bool(c, v, "checks.starvation", &ck->starvation)))
		return err;
	v = ynode__get(n, "cpuset");
	if (v && (err = get_bool(c, v, "checks.cpuset", &ck->cpuset)))
		return err;
	v = ynode__get(n, "gap_ms");
	if (v) {
		err = get_limit(c, v, "checks.gap_ms", "milliseconds", 1, DURATION_MAX_MS, &ll);
		if (err)
			return err;
		ck->gap_ms = (long)ll;
	}
	v = ynode__get(n, "fairness_pct");
	if (v) {
		err = get_limit(c, v, "checks.fairness_pct", "percent", 0, 100, &ll);
		if (err)
			return err;
		ck->fairness_pct = (int)ll;
	}
	return 0;
}

static int parse_scheduler(struct pctx *c, const struct ynode *root, struct scenario *s)
{
	const struct ynode *v = ynode__get(root, "scheduler");
	size_t i;
	int err;

	if (v) {
		err = get_string(c, v, "scheduler", &s->scheduler);
		if (err)
			return err;
		if (strpbrk(s->scheduler, " \t\n"))
			return bad(c, v->line, "scheduler: '%s' must be eevdf, a scheduler name or a path",
				   s->scheduler);
	}
	v = ynode__get(root, "scheduler_args");
	if (!v)
		return 0;
	if (v->type != YNODE_SEQ)
		return bad(c, v->line, "scheduler_args: expected a list of strings, got %s", ynode__type_name(v));
	s->sched_args = calloc(v->n + 1, sizeof(*s->sched_args));
	if (!s->sched_args)
		return -ENOMEM;
	for (i = 0; i < v->n; i++) {
		err = want_scalar(c, v->items[i], "scheduler_args", "a string");
		if (err)
			return err;
		if (strchr(v->items[i]->scalar, '\n'))
			return bad(c, v->items[i]->line, "scheduler_args: arguments cannot contain newlines");
		s->sched_args[i] = strdup(v->items[i]->scalar);
		if (!s->sched_args[i])
			return -ENOMEM;
	}
	return 0;
}

static int parse_root(struct pctx *c, const struct ynode *root, struct scenario *s)
{
	static const char *const known[] = { "name", "scheduler", "scheduler_args", "topology", "memory_mb",
					     "duration", "watchdog_timeout", "attach_timeout", "auto_repro", "expect_err",
					     "bpf_map_write", "checks", "steps", NULL };
	const struct ynode *v;
	long long ll;
	size_t i;
	int err;

	if (!root)
		return bad(c, 1, "empty scenario (need at least 'name')");
	if (root->type != YNODE_MAP)
		return bad(c, root->line, "a scenario must be a mapping of fields, got %s", ynode__type_name(root));
	err = check_keys(c, root, "scenario", known);
	if (err)
		return err;

	v = ynode__get(root, "name");
	if (!v)
		return bad(c, root->line, "missing required field 'name'");
	err = get_string(c, v, "name", &s->name);
	if (err)
		return err;
	if (!valid_word(s->name, NULL) || strlen(s->name) > 128)
		return bad(c, v->line, "name: '%s' must match [a-z0-9_]+", s->name);

	err = parse_scheduler(c, root, s);
	if (err)
		return err;

	v = ynode__get(root, "topology");
	if (v) {
		err = want_scalar(c, v, "topology", "NnLlCcTt like 1n1l2c1t");
		if (err)
			return err;
		if (topology__parse(v->scalar, &s->topo))
			return bad(c, v->line, "topology: '%s' is not NnLlCcTt (nodes, LLCs, cores per LLC, "
				   "threads per core, e.g. 1n1l2c1t)", v->scalar);
		if (s->topo.llcs % s->topo.nodes)
			return bad(c, v->line, "topology: %d LLCs do not split evenly over %d NUMA nodes",
				   s->topo.llcs, s->topo.nodes);
		if (topology__cpus(&s->topo) > MAX_CPUS)
			return bad(c, v->line, "topology: %d CPUs is more than the %d supported",
				   topology__cpus(&s->topo), MAX_CPUS);
	}
	v = ynode__get(root, "memory_mb");
	if (v) {
		err = get_int(c, v, "memory_mb", 128, 65536, &ll);
		if (err)
			return err;
		s->memory_mb = (long)ll;
	}
	if (s->memory_mb / s->topo.nodes < 64)
		return bad(c, v ? v->line : root->line, "memory_mb: %ld MB is too little for %d NUMA nodes",
			   s->memory_mb, s->topo.nodes);
	v = ynode__get(root, "duration");
	if (v) {
		err = get_duration(c, v, "duration", 0, DURATION_MAX_MS, &s->duration_ms);
		if (err)
			return err;
	}
	v = ynode__get(root, "watchdog_timeout");
	if (v) {
		err = get_duration(c, v, "watchdog_timeout", 100, MAX_WATCHDOG_MS, &s->watchdog_ms);
		if (err)
			return err;
	}
	v = ynode__get(root, "attach_timeout");
	if (v) {
		err = get_duration(c, v, "attach_timeout", 1000, SCN_ATTACH_TIMEOUT_MAX_MS, &s->attach_timeout_ms);
		if (err)
			return err;
	}
	v = ynode__get(root, "auto_repro");
	if (v && (err = get_bool(c, v, "auto_repro", &s->auto_repro)))
		return err;
	v = ynode__get(root, "expect_err");
	if (v && (err = get_bool(c, v, "expect_err", &s->expect_err)))
		return err;
	v = ynode__get(root, "bpf_map_write");
	if (v && (err = parse_map_write(c, v, &s->map_write)))
		return err;
	if (s->map_write.set && !strcmp(s->scheduler, SCENARIO_EEVDF))
		return bad(c, v->line, "bpf_map_write: needs a BPF scheduler (scheduler is eevdf)");
	v = ynode__get(root, "checks");
	if (v && (err = parse_checks(c, v, &s->checks)))
		return err;

	v = ynode__get(root, "steps");
	if (v) {
		if (v->type != YNODE_SEQ)
			return bad(c, v->line, "steps: expected a list, got %s", ynode__type_name(v));
		s->steps = calloc(v->n ? v->n : 1, sizeof(*s->steps));
		if (!s->steps)
			return -ENOMEM;
		for (i = 0; i < v->n; i++) {
			err = parse_step(c, v->items[i], s, &s->steps[i]);
			s->nsteps = i + 1;
			if (err)
				return err;
		}
	}
	if (!s->nsteps) {
		/* No steps: hold for the duration with no workers of our own. */
		s->steps = calloc(1, sizeof(*s->steps));
		if (!s->steps)
			return -ENOMEM;
		s->nsteps = 1;
		s->steps[0].hold_ms = s->duration_ms;
		s->steps[0].line = root->line;
	}
	return 0;
}

int scenario__load(const char *path, struct scenario **out, char *err, size_t errlen)
{
	struct pctx c = { .path = path, .err = err, .errlen = errlen };
	struct ynode *root = NULL;
	struct scenario *s;
	int ret;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->path = strdup(path);
	s->scheduler = strdup(SCENARIO_EEVDF);
	s->topo = (struct topology){ 1, 1, 2, 1 };
	s->memory_mb = 2048;
	s->duration_ms = 2000;
	s->watchdog_ms = 4000;
	s->attach_timeout_ms = SCN_ATTACH_TIMEOUT_MS;
	s->auto_repro = true;
	s->checks = (struct scn_checks){ .starvation = true, .cpuset = true, .gap_ms = SCN_GAP_MS_DEFAULT,
					 .fairness_pct = SCN_FAIRNESS_PER_TYPE };
	if (!s->path || !s->scheduler) {
		ret = -ENOMEM;
		goto cleanup;
	}
	ret = yaml__load_file(path, &root, err, errlen);
	if (ret)
		goto cleanup;
	ret = parse_root(&c, root, s);
	if (ret == -ENOMEM && err && errlen)
		snprintf(err, errlen, "%s: out of memory", path);
cleanup:
	ynode__free(root);
	if (ret) {
		scenario__free(s);
		return ret;
	}
	*out = s;
	return 0;
}
