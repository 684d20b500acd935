/* SPDX-License-Identifier: GPL-2.0 */
/* JSON-lines in and out through jansson: one record per line. */
#ifndef KTSTR_JSON_H
#define KTSTR_JSON_H

#include <stdio.h>
#include <jansson.h>

#include "text.h"

struct jsonl_reader {
	struct linereader lr;
	char msg[512];		/* "file:line: what" after an error */
};

/* path NULL or "-" reads stdin. Returns 0 or -errno. */
int jsonl_reader__open(struct jsonl_reader *r, const char *path);
/*
 * 1: *out holds the next record (caller json_decref()s it); 0: end of input;
 * -EINVAL: a malformed or over-long line, r->msg names file and line.
 * Blank lines are skipped.
 */
int jsonl_reader__next(struct jsonl_reader *r, json_t **out);
void jsonl_reader__close(struct jsonl_reader *r);

/* Significant digits of reals enough for guest seconds and milliseconds, without float noise. */
#define JSONL_DIGITS_SHORT 10

/* One compact line plus "\n", reals exact (17 digits: 2.0539999999999998). Returns 0 or -EIO. */
int jsonl__write(FILE *f, const json_t *rec);
/* The same with reals to digits significant digits (1 to 31; 0: exact). */
int jsonl__write_digits(FILE *f, const json_t *rec, int digits);

/* Typed getters that tolerate absence: the default when missing or mistyped. */
const char *json__str(const json_t *obj, const char *key, const char *def);
long long json__int(const json_t *obj, const char *key, long long def);
int json__bool(const json_t *obj, const char *key, int def);

#endif
