// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

int strbuf__grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	char *p;

	if (need <= sb->cap)
		return 0;
	if (need < sb->cap * 2)
		need = sb->cap * 2;
	if (need < 64)
		need = 64;
	p = realloc(sb->buf, need);
	if (!p)
		return -ENOMEM;
	sb->buf = p;
	sb->cap = need;
	return 0;
}

int strbuf__add(struct strbuf *sb, const void *data, size_t len)
{
	if (strbuf__grow(sb, len))
		return -ENOMEM;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf__addstr(struct strbuf *sb, const char *s)
{
	return strbuf__add(sb, s, strlen(s));
}

int strbuf__addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || strbuf__grow(sb, n))
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, n + 1, fmt, ap);
	va_end(ap);
	sb->len += n;
	return 0;
}

void strbuf__reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void strbuf__free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

#define READ_CHUNK (256 * 1024)

int linereader__open(struct linereader *r, const char *path, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max ? max : 64 * 1024;
	if (!path || !strcmp(path, "-")) {
		r->fd = STDIN_FILENO;
		r->name = "<stdin>";
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0)
			return -errno;
		r->own_fd = true;
		r->name = path;
	}
	r->cap = r->max + READ_CHUNK;
	r->buf = malloc(r->cap);
	if (!r->buf) {
		linereader__close(r);
		return -ENOMEM;
	}
	return 0;
}

/* Read more input after the unconsumed bytes. 0 at EOF, >0 bytes, <0 error. */
static ssize_t fill(struct linereader *r)
{
	ssize_t n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	do {
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		r->eof = true;
	r->end += n;
	return n;
}

int linereader__next(struct linereader *r)
{
	char *nl;
	ssize_t n;

	/* Drop the rest of a line that was cut at max bytes. */
	while (r->skipping) {
		nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl) {
			r->start = nl + 1 - r->buf;
			r->skipping = false;
			break;
		}
		r->start = r->end;
		if (r->eof)
			return 0;
		n = fill(r);
		if (n < 0)
			return n;
		if (n == 0) {
			r->skipping = false;
			return 0;
		}
	}

	for (;;) {
		size_t avail = r->end - r->start;

		nl = memchr(r->buf + r->start, '\n', avail);
		if (nl || (r->eof && avail) || avail >= r->max)
			break;
		if (r->eof)
			return 0;
		n = fill(r);
		if (n < 0)
			return n;
	}

	r->lineno++;
	r->truncated = false;
	r->unended = false;
	r->line = r->buf + r->start;
	if (nl && (size_t)(nl - r->line) <= r->max) {
		r->len = nl - r->line;
		r->start = nl + 1 - r->buf;
	} else if (!nl && r->end - r->start < r->max) {
		/* Last line without a newline. */
		r->len = r->end - r->start;
		r->start = r->end;
		r->unended = true;
	} else {
		/* Keep max bytes in a side buffer: the main one gets reused while skipping. */
		if (!r->cut) {
			r->cut = malloc(r->max);
			if (!r->cut)
				return -ENOMEM;
		}
		memcpy(r->cut, r->line, r->max);
		r->line = r->cut;
		r->len = r->max;
		r->truncated = true;
		r->start += r->max;
		r->skipping = true;
	}
	if (r->len && r->line[r->len - 1] == '\r' && !r->truncated)
		r->len--;
	return 1;
}

void linereader__close(struct linereader *r)
{
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->cut);
	r->buf = r->cut = NULL;
	r->fd = -1;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int text__sanitize(struct strbuf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, len;
	uint32_t cp;
	int err = 0;

	if (strbuf__grow(out, n))
		return -ENOMEM;
	while (i < n) {
		/* Fast path: printable ASCII is copied in runs. */
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			run++;
			i++;
			continue;
		}
		if (run) {
			err = strbuf__add(out, s + i - run, run);
			run = 0;
			if (err)
				return err;
		}
		len = utf8_len(s + i, n - i, &cp);
		if (len == 0) {
			err = strbuf__add(out, "\xef\xbf\xbd", 3);
			len = 1;
		} else if (cp == '\t') {
			err = strbuf__add(out, "\t", 1);
		} else if (cp < 0x20 || cp == 0x7f) {
			err = strbuf__addf(out, "\\x%02x", cp);
		} else if (cp >= 0x80 && cp < 0xa0) {
			err = strbuf__addf(out, "\\u%04x", cp);
		} else {
			err = strbuf__add(out, s + i, len);
		}
		if (err)
			return err;
		i += len;
	}
	if (run)
		err = strbuf__add(out, s + i - run, run);
	return err;
}
