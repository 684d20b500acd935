// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "json.h"

/* A record line may be long (a probe event with many fields) but bounded. */
#define JSONL_MAX_LINE (16u << 20)

int jsonl_reader__open(struct jsonl_reader *r, const char *path)
{
	r->msg[0] = '\0';
	return linereader__open(&r->lr, path, JSONL_MAX_LINE);
}

int jsonl_reader__next(struct jsonl_reader *r, json_t **out)
{
	json_error_t jerr;
	size_t i;
	int err;

	*out = NULL;
	for (;;) {
		err = linereader__next(&r->lr);
		if (err <= 0) {
			if (err < 0)
				snprintf(r->msg, sizeof(r->msg), "%s: %s", r->lr.name, strerror(-err));
			return err;
		}
		for (i = 0; i < r->lr.len; i++)
			if (r->lr.line[i] != ' ' && r->lr.line[i] != '\t')
				break;
		if (i < r->lr.len)
			break;
	}
	if (r->lr.truncated) {
		snprintf(r->msg, sizeof(r->msg), "%s:%lu: line longer than %u bytes",
			 r->lr.name, r->lr.lineno, JSONL_MAX_LINE);
		return -EINVAL;
	}
	*out = json_loadb(r->lr.line, r->lr.len, 0, &jerr);
	if (!*out) {
		snprintf(r->msg, sizeof(r->msg), "%s:%lu: invalid JSON: %s (column %d)",
			 r->lr.name, r->lr.lineno, jerr.text, jerr.column);
		return -EINVAL;
	}
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		snprintf(r->msg, sizeof(r->msg), "%s:%lu: record is not a JSON object",
			 r->lr.name, r->lr.lineno);
		return -EINVAL;
	}
	return 1;
}

void jsonl_reader__close(struct jsonl_reader *r)
{
	linereader__close(&r->lr);
}

int jsonl__write(FILE *f, const json_t *rec)
{
	return jsonl__write_digits(f, rec, 0);
}

int jsonl__write_digits(FILE *f, const json_t *rec, int digits)
{
	/* Precision 0 is jansson's own default: 17 digits, every double exact. */
	size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(digits), n;
	char buf[16 << 10];

	errno = 0;
	/*
	 * Into a buffer first, then one fwrite: json_dumpf writes every token
	 * through stdio on its own, a third of the time of a big events file.
	 */
	n = json_dumpb(rec, buf, sizeof(buf) - 1, flags);
	if (n && n < sizeof(buf)) {
		buf[n++] = '\n';
		if (fwrite(buf, 1, n, f) != n)
			return errno ? -errno : -EIO;	/* ENOSPC: a full disk */
		return 0;
	}
	if (json_dumpf(rec, f, flags) || fputc('\n', f) == EOF)
		return errno ? -errno : -EIO;
	return 0;
}

const char *json__str(const json_t *obj, const char *key, const char *def)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : def;
}

long long json__int(const json_t *obj, const char *key, long long def)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

int json__bool(const json_t *obj, const char *key, int def)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_boolean(v) ? json_is_true(v) : def;
}
