// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guestlog.h"
#include "scx.h"
#include "text.h"

/* ---- the timeline ---- */

void guestlog__tl_clear(struct vm_result *r)
{
	size_t i;

	for (i = 0; i < r->ntl; i++)
		free(r->tl[i].stage);
	r->ntl = 0;
}

/* "SECONDS STAGE" (a channel event or the tail of a console line). */
int guestlog__tl_add(struct vm_result *r, const char *s, size_t len)
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
		strbuf__free(&clean);
		return -ENOMEM;
	}
	free(txt);
	/* A guest flooding the channel must not eat the host's memory. */
	if (r->ntl >= 10000) {
		strbuf__free(&clean);
		return -E2BIG;
	}
	nt = realloc(r->tl, (r->ntl + 1) * sizeof(*nt));
	if (!nt) {
		strbuf__free(&clean);
		return -ENOMEM;
	}
	r->tl = nt;
	r->tl[r->ntl].t = t;
	r->tl[r->ntl].stage = clean.buf;
	r->ntl++;
	return 0;
}

const struct vm_tl *guestlog__tl_find_until(const struct vm_result *r, const char *prefix, size_t from,
					   const struct vm_tl *until)
{
	size_t i, end = until ? (size_t)(until - r->tl) : r->ntl;

	for (i = from; i < end; i++)
		if (!strncmp(r->tl[i].stage, prefix, strlen(prefix)))
			return &r->tl[i];
	return NULL;
}

const struct vm_tl *guestlog__tl_find(const struct vm_result *r, const char *prefix, size_t from)
{
	return guestlog__tl_find_until(r, prefix, from, NULL);
}

/* ---- the console ---- */

/* Replace the NUL bytes of a log read whole with spaces. */
void guestlog__nul_to_space(char *buf, size_t len)
{
	size_t i;

	for (i = 0; buf && i < len; i++)
		if (!buf[i])
			buf[i] = ' ';
}

/* Last n lines of buf, each sanitized, joined by newlines. */
char *guestlog__tail(const char *buf, size_t len, int n)
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
void guestlog__tl_from_console(struct vm_result *r, const char *com1)
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
		guestlog__tl_add(r, buf, strlen(buf));
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
		strbuf__free(&sb);
		return;
	}
	cut = sb.len < len ? sb.len : len - 1;
	while (cut > 0 && cut < sb.len && ((unsigned char)sb.buf[cut] & 0xc0) == 0x80)
		cut--;
	memcpy(dst, sb.buf, cut);
	dst[cut] = '\0';
	strbuf__free(&sb);
}

/* The same for a buffer already holding guest text (the verdict's reason). */
void guestlog__clean_in_place(char *buf, size_t len)
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

	while ((k = strstr(p, SCX_EXIT_TP ": "))) {
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

void guestlog__read_exit(struct vm_result *r, const char *com1, const char *com2)
{
	long kind;

	if (!exit_from_loader(r, com2))
		exit_from_console(r, com1);
	if ((kind = exit_kind_from_trace(com1)) >= 0)
		exit_set_kind(r, kind);
	if (!r->have_exit)
		verifier_summary(com2, r->load_error, sizeof(r->load_error));
}
