// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

static const char *const decoder_names[] = {
	[DEC_HEX] = "hex",
	[DEC_PID] = "pid",
	[DEC_CPUMASK] = "cpumask",
	[DEC_DSQ_ID] = "dsq_id",
	[DEC_ENQ_FLAGS] = "enq_flags",
	[DEC_SCX_FLAGS] = "scx_flags",
	[DEC_EXIT_KIND] = "exit_kind",
	[DEC_SIGNED] = "signed",
	[DEC_UNSIGNED] = "unsigned",
	[DEC_BOOL] = "bool",
	[DEC_STRING] = "string",
	[DEC_ERRNO] = "errno",
	[DEC_PTR] = "ptr",
};

enum decoder decoder__parse(const char *name)
{
	size_t i;

	if (!name)
		return DEC_HEX;
	for (i = 0; i < sizeof(decoder_names) / sizeof(decoder_names[0]); i++)
		if (!strcmp(name, decoder_names[i]))
			return (enum decoder)i;
	return DEC_HEX;
}

const char *decoder__name(enum decoder d)
{
	if ((size_t)d < sizeof(decoder_names) / sizeof(decoder_names[0]))
		return decoder_names[d];
	return "hex";
}

int decode__u64(const json_t *v, uint64_t *out)
{
	const char *s;
	char *end;

	if (json_is_integer(v)) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	if (!json_is_string(v))
		return -EINVAL;
	s = json_string_value(v);
	if (!*s || strlen(s) != json_string_length(v))
		return -EINVAL;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!s[2] || s[2] == '-' || s[2] == '+' || s[2] == ' ')
			return -EINVAL;
		*out = strtoull(s + 2, &end, 16);
	} else if (s[0] == '-') {
		*out = (uint64_t)strtoll(s, &end, 10);
	} else if (s[0] >= '0' && s[0] <= '9') {
		*out = strtoull(s, &end, 10);
	} else {
		return -EINVAL;
	}
	if (*end || errno)
		return -EINVAL;
	return 0;
}

static uint64_t size_mask(unsigned size)
{
	if (size == 0 || size >= 8)
		return ~0ULL;
	return (1ULL << (size * 8)) - 1;
}

static bool starts_with(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

static const char *strip(const char *name, const char *prefix)
{
	return starts_with(name, prefix) && name[strlen(prefix)] ? name + strlen(prefix) : name;
}

/*
 * BTF signed enums (scx_ent_flags) may reach us sign-extended to 64 bits:
 * SCX_TASK_CURSOR = -2147483648 is the 32-bit flag 0x80000000.
 */
static uint64_t enum_value(const json_t *v, bool *ok)
{
	uint64_t x = 0;

	*ok = !decode__u64(v, &x);
	if ((x >> 31) == 0x1ffffffffULL)
		x &= 0xffffffffULL;
	return x;
}

static int name_cmp(const void *a, const void *b)
{
	const struct decode_name *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int field_cmp(const void *a, const void *b)
{
	const struct decode_field *x = a, *y = b;

	return x->mask < y->mask ? -1 : x->mask > y->mask;
}

static int names_push(struct decode_name **arr, size_t *n, uint64_t value, const char *name)
{
	struct decode_name *p = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (!p)
		return -ENOMEM;
	p[*n].value = value;
	p[*n].name = name;
	*arr = p;
	(*n)++;
	return 0;
}

/* Sort by value and drop later names of a value already named (aliases). */
static void names_sort_unique(struct decode_name *arr, size_t *n)
{
	size_t i, j = 0;

	if (!*n)
		return;
	qsort(arr, *n, sizeof(*arr), name_cmp);
	for (i = 1; i < *n; i++)
		if (arr[i].value != arr[j].value)
			arr[++j] = arr[i];
	*n = j + 1;
}

/* Names that describe the layout of the enum, not a value. */
static bool is_layout_name(const char *name)
{
	return starts_with(name, "__") || ends_with(name, "_MASK") || ends_with(name, "_SHIFT") ||
	       ends_with(name, "_BITS");
}

static int flagset_build(struct decode_flagset *fs, const json_t *en, const char *prefix)
{
	const char *key;
	json_t *val;
	size_t i;
	bool ok;
	int err;

	if (!json_is_object(en))
		return 0;
	fs->present = true;
	/* The multi-bit fields first (SCX_TASK_STATE_MASK, ...). */
	json_object_foreach((json_t *)en, key, val) {
		uint64_t v = enum_value(val, &ok);
		struct decode_field *p;

		if (!ok || !v || starts_with(key, "__") || !ends_with(key, "_MASK"))
			continue;
		p = realloc(fs->fields, (fs->nfields + 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		fs->fields = p;
		memset(&p[fs->nfields], 0, sizeof(*p));
		p[fs->nfields++].mask = v;
	}
	json_object_foreach((json_t *)en, key, val) {
		uint64_t v = enum_value(val, &ok);
		struct decode_field *f = NULL;

		if (!ok || !v || is_layout_name(key))
			continue;
		for (i = 0; i < fs->nfields; i++)
			if (!(v & ~fs->fields[i].mask)) {
				f = &fs->fields[i];
				break;
			}
		if (f)
			err = names_push(&f->vals, &f->nvals, v, strip(key, prefix));
		else if (!(v & (v - 1)))
			err = names_push(&fs->bits, &fs->nbits, v, strip(key, prefix));
		else
			continue;	/* a multi-bit value outside any field: not a flag */
		if (err)
			return err;
	}
	names_sort_unique(fs->bits, &fs->nbits);
	if (fs->nfields)
		qsort(fs->fields, fs->nfields, sizeof(*fs->fields), field_cmp);
	for (i = 0; i < fs->nfields; i++)
		names_sort_unique(fs->fields[i].vals, &fs->fields[i].nvals);
	return 0;
}

/* Exact built-in ids only; LOCAL_ON is a prefix, decoded with its CPU. */
static bool dsq_is_exact_id(const struct decode_tables *t, const char *key, uint64_t v)
{
	return (v & t->dsq_builtin) && !strstr(key, "FLAG") &&
	       !(t->dsq_local_on && (v & t->dsq_local_on));
}

/* The named values of an enum that keep() accepts (all when NULL), prefix stripped. */
static int names_build(struct decode_name **arr, size_t *n, const json_t *en, const char *prefix,
		       bool (*keep)(const struct decode_tables *t, const char *key, uint64_t v),
		       const struct decode_tables *t)
{
	const char *key;
	json_t *val;
	bool ok;
	int err;

	if (!json_is_object(en))
		return 0;
	json_object_foreach((json_t *)en, key, val) {
		uint64_t v = enum_value(val, &ok);

		if (!ok || is_layout_name(key) || (keep && !keep(t, key, v)))
			continue;
		err = names_push(arr, n, v, strip(key, prefix));
		if (err)
			return err;
	}
	names_sort_unique(*arr, n);
	return 0;
}

static int dsq_build(struct decode_tables *t, const json_t *en, char *err, size_t errlen)
{
	bool ok;
	int ret;

	if (!json_is_object(en))
		return 0;
	t->dsq_builtin = enum_value(json_object_get(en, "SCX_DSQ_FLAG_BUILTIN"), &ok);
	if (!ok || !t->dsq_builtin) {
		snprintf(err, errlen, "enum scx_dsq_id_flags lacks SCX_DSQ_FLAG_BUILTIN");
		return -EINVAL;
	}
	t->dsq_local_on = enum_value(json_object_get(en, "SCX_DSQ_FLAG_LOCAL_ON"), &ok);
	if (!ok)
		t->dsq_local_on = 0;
	t->dsq_cpu_mask = enum_value(json_object_get(en, "SCX_DSQ_LOCAL_CPU_MASK"), &ok);
	if (!ok)
		t->dsq_cpu_mask = 0xffffffffULL;
	ret = names_build(&t->dsq_names, &t->ndsq_names, en, "", dsq_is_exact_id, t);
	if (ret)
		return ret;
	t->have_dsq = true;
	return 0;
}

int decode_tables__init(struct decode_tables *t, json_t *enums, char *err, size_t errlen)
{
	int ret;

	memset(t, 0, sizeof(*t));
	if (errlen)
		err[0] = '\0';
	if (!enums)
		return 0;
	if (!json_is_object(enums)) {
		snprintf(err, errlen, "\"enums\" is not an object");
		return -EINVAL;
	}
	t->enums = json_incref(enums);
	ret = flagset_build(&t->enq, json_object_get(enums, "scx_enq_flags"), "SCX_ENQ_");
	if (!ret)
		ret = flagset_build(&t->ent, json_object_get(enums, "scx_ent_flags"), "SCX_TASK_");
	if (!ret)
		ret = dsq_build(t, json_object_get(enums, "scx_dsq_id_flags"), err, errlen);
	if (!ret)
		ret = names_build(&t->exit_kinds, &t->nexit_kinds,
				  json_object_get(enums, "scx_exit_kind"), "SCX_EXIT_", NULL, t);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (ret)
		decode_tables__free(t);
	return ret;
}

static void flagset_free(struct decode_flagset *fs)
{
	size_t i;

	for (i = 0; i < fs->nfields; i++)
		free(fs->fields[i].vals);
	free(fs->fields);
	free(fs->bits);
	memset(fs, 0, sizeof(*fs));
}

void decode_tables__free(struct decode_tables *t)
{
	flagset_free(&t->enq);
	flagset_free(&t->ent);
	free(t->dsq_names);
	free(t->exit_kinds);
	json_decref(t->enums);
	memset(t, 0, sizeof(*t));
}

static const char *names_find(const struct decode_name *arr, size_t n, uint64_t v)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (arr[mid].value == v)
			return arr[mid].name;
		if (arr[mid].value < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Word i of the mask with the bits at or above nbits cleared. */
static uint64_t mask_word(const uint64_t *words, size_t i, size_t nbits)
{
	if (i * 64 >= nbits)
		return 0;
	if (nbits - i * 64 >= 64)
		return words[i];
	return words[i] & (((uint64_t)1 << (nbits - i * 64)) - 1);
}

int decode__cpumask(struct strbuf *out, const uint64_t *words, size_t nwords, unsigned nr_cpus)
{
	size_t i, top = 0, nbits = nwords * 64;
	bool any = false, first = true;
	size_t bit, start;
	int err;

	if (nr_cpus && nr_cpus < nbits)
		nbits = nr_cpus;
	for (i = 0; i < nwords; i++)
		if (mask_word(words, i, nbits)) {
			top = i;
			any = true;
		}
	if (!any)
		return strbuf__addstr(out, "0x0(none)");
	err = strbuf__addf(out, "0x%" PRIx64, mask_word(words, top, nbits));
	for (i = top; !err && i-- > 0;)
		err = strbuf__addf(out, "%016" PRIx64, mask_word(words, i, nbits));
	if (!err)
		err = strbuf__addstr(out, "(");
	/* Ranges in one pass over the bits: linear in the mask size. */
	for (bit = 0; !err && bit < nbits;) {
		if (!(mask_word(words, bit / 64, nbits) >> (bit % 64) & 1)) {
			bit++;
			continue;
		}
		start = bit;
		while (bit < nbits && (mask_word(words, bit / 64, nbits) >> (bit % 64) & 1))
			bit++;
		if (bit - 1 == start)
			err = strbuf__addf(out, "%s%zu", first ? "" : ",", start);
		else
			err = strbuf__addf(out, "%s%zu-%zu", first ? "" : ",", start, bit - 1);
		first = false;
	}
	return err ? err : strbuf__addstr(out, ")");
}

int decode__dsq_id(struct strbuf *out, const struct decode_tables *t, uint64_t v)
{
	uint64_t lo = t->dsq_builtin | t->dsq_local_on;
	const char *name;

	if (!t->have_dsq)
		return strbuf__addf(out, "0x%" PRIx64, v);
	if (!(v & t->dsq_builtin))
		return strbuf__addf(out, "%" PRIu64, v);	/* a user DSQ */
	if (t->dsq_local_on && (v & lo) == lo)
		return strbuf__addf(out, "SCX_DSQ_LOCAL_ON|%" PRIu64, v & t->dsq_cpu_mask);
	name = names_find(t->dsq_names, t->ndsq_names, v);
	if (name)
		return strbuf__addstr(out, name);
	return strbuf__addf(out, "0x%" PRIx64, v);	/* a built-in id this kernel does not name */
}

int decode__flags(struct strbuf *out, const struct decode_flagset *fs, uint64_t v, unsigned size)
{
	const char *sep = "";
	size_t i;
	int err = 0;

	v &= size_mask(size);
	if (!fs->present)
		return strbuf__addf(out, "0x%" PRIx64, v);
	if (!v)
		return strbuf__addstr(out, "NONE");
	for (i = 0; !err && i < fs->nbits; i++) {
		if (!(v & fs->bits[i].value))
			continue;
		err = strbuf__addf(out, "%s%s", sep, fs->bits[i].name);
		sep = "|";
		v &= ~fs->bits[i].value;
	}
	for (i = 0; !err && i < fs->nfields; i++) {
		const struct decode_field *f = &fs->fields[i];
		uint64_t fv = v & f->mask;
		const char *name;

		if (!fv)
			continue;	/* the zero value of a field (SCX_TASK_NONE) is not shown */
		name = names_find(f->vals, f->nvals, fv);
		if (name)
			err = strbuf__addf(out, "%s%s", sep, name);
		else
			err = strbuf__addf(out, "%s0x%" PRIx64, sep, fv);
		sep = "|";
		v &= ~f->mask;
	}
	if (!err && v)
		err = strbuf__addf(out, "%s0x%" PRIx64, sep, v);
	return err;
}

int decode__exit_kind(struct strbuf *out, const struct decode_tables *t, uint64_t v)
{
	const char *name = names_find(t->exit_kinds, t->nexit_kinds, v);

	return name ? strbuf__addstr(out, name) : strbuf__addf(out, "%" PRIu64, v);
}

int decode__signed(struct strbuf *out, uint64_t v, unsigned size)
{
	int64_t s;

	switch (size) {
	case 1: s = (int8_t)v; break;
	case 2: s = (int16_t)v; break;
	case 4: s = (int32_t)v; break;
	default: s = (int64_t)v; break;
	}
	return strbuf__addf(out, "%" PRId64, s);
}

/* A value we cannot interpret: shown as the JSON text, made terminal-safe. */
static int decode_raw(struct strbuf *out, const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	int err;

	if (!s)
		return strbuf__addstr(out, "?");
	err = text__sanitize(out, s, strlen(s));
	free(s);
	return err;
}

#define CPUMASK_MAX_WORDS 1024	/* 65536 CPUs: far past any VM */

int decode__value(struct strbuf *out, const struct decode_tables *t, enum decoder d,
		  const json_t *v, unsigned size)
{
	uint64_t x, words[CPUMASK_MAX_WORDS];
	size_t i, n;

	if (!v || json_is_null(v))
		return strbuf__addstr(out, "?");	/* the probe could not read it */
	if (json_is_false(v))
		return strbuf__addstr(out, "NULL");	/* a pointer on the way was NULL */
	if (d == DEC_STRING && json_is_string(v))
		return text__sanitize(out, json_string_value(v), json_string_length(v));
	if (d == DEC_CPUMASK) {
		if (json_is_array(v)) {
			n = json_array_size(v);
			if (n == 0 || n > CPUMASK_MAX_WORDS)
				return decode_raw(out, v);
			for (i = 0; i < n; i++)
				if (decode__u64(json_array_get(v, i), &words[i]))
					return decode_raw(out, v);
		} else {
			if (decode__u64(v, &words[0]))
				return decode_raw(out, v);
			n = 1;
			if (size && size < 8)
				words[0] &= size_mask(size);
		}
		return decode__cpumask(out, words, n, t ? t->nr_cpus : 0);
	}
	if (decode__u64(v, &x))
		return decode_raw(out, v);
	switch (d) {
	case DEC_PID:
	case DEC_SIGNED:
		return decode__signed(out, x, size);
	case DEC_UNSIGNED:
		return strbuf__addf(out, "%" PRIu64, x & size_mask(size));
	case DEC_BOOL:
		return strbuf__addstr(out, (x & size_mask(size)) ? "true" : "false");
	case DEC_ERRNO: {
		/* Sign-extended from its size, as decode__signed reads it. */
		int64_t sv = size && size < 8 ? (int64_t)(x << (64 - 8 * size)) >> (64 - 8 * size) : (int64_t)x;
		const char *name = sv < 0 && sv >= -4095 ? strerrorname_np((int)-sv) : NULL;

		if (name)
			return strbuf__addf(out, "%" PRId64 " (%s)", sv, name);
		return decode__signed(out, x, size);
	}
	case DEC_PTR:
		if (!(x & size_mask(size)))
			return strbuf__addstr(out, "NULL");
		break;
	case DEC_DSQ_ID:
		if (t)
			return decode__dsq_id(out, t, x & size_mask(size));
		break;
	case DEC_ENQ_FLAGS:
		if (t)
			return decode__flags(out, &t->enq, x, size);
		break;
	case DEC_SCX_FLAGS:
		if (t)
			return decode__flags(out, &t->ent, x, size);
		break;
	case DEC_EXIT_KIND:
		if (t)
			return decode__exit_kind(out, t, x & size_mask(size));
		break;
	default:
		break;
	}
	return strbuf__addf(out, "0x%" PRIx64, x & size_mask(size));
}

bool decode__same(const json_t *a, const json_t *b)
{
	uint64_t x, y;

	if (!a || !b)
		return a == b;
	if (json_equal((json_t *)a, (json_t *)b))
		return true;
	if (!decode__u64(a, &x) && !decode__u64(b, &y))
		return x == y;
	return false;
}
