/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Untrusted text: guest consoles and logs. A line reader that survives NUL
 * bytes, CRLF, endless lines and a missing final newline, and a sanitizer
 * that makes the text safe to print on a terminal.
 */
#ifndef KTSTR_TEXT_H
#define KTSTR_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len, cap;
};

int strbuf__grow(struct strbuf *sb, size_t extra);
int strbuf__add(struct strbuf *sb, const void *data, size_t len);
int strbuf__addstr(struct strbuf *sb, const char *s);
int strbuf__addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf__reset(struct strbuf *sb);
void strbuf__free(struct strbuf *sb);

struct linereader {
	int fd;
	bool own_fd, eof, skipping;
	const char *name;	/* for messages: the path, or "<stdin>" */
	unsigned long lineno;	/* 1-based number of the line last returned */
	size_t max;		/* bytes kept of one line; the rest is dropped */
	char *buf;
	size_t cap, start, end;
	char *cut;		/* holds a line longer than max */
	/* The current line: not NUL-terminated, may contain NUL bytes. */
	const char *line;
	size_t len;
	bool truncated;		/* the line was longer than max */
	bool unended;		/* the input's last line, with no newline: maybe cut off */
};

/* path NULL or "-" reads stdin. max 0 means 64 KiB. Returns 0 or -errno. */
int linereader__open(struct linereader *r, const char *path, size_t max);
/* 1: a line is in r->line/r->len; 0: end of input; <0: -errno. A trailing
 * "\r" is removed. */
int linereader__next(struct linereader *r);
void linereader__close(struct linereader *r);

/*
 * Append s[0..n) to out, safe for a terminal: C0/C1 control characters and
 * DEL become visible escapes (\x1b, \u009b), invalid UTF-8 becomes U+FFFD,
 * tabs are kept. Returns 0 or -ENOMEM.
 */
int text__sanitize(struct strbuf *out, const char *s, size_t n);

#endif
