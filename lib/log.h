/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every message a tool prints on stderr, one way: "prog: [tag: ]message",
 * one write per message so lines from parallel tools do not interleave.
 * Errors, warnings and notes always print; progress (info) and debug lines
 * by verbosity. Colour only after log__init() on a tty, NO_COLOR respected.
 */
#ifndef KTSTR_LOG_H
#define KTSTR_LOG_H

#include <stdarg.h>
#include <stdnoreturn.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_NOTE, LOG_INFO, LOG_DEBUG };

/* verbose: 0 = quiet unless a tty, 1 = info (-v), 2 = debug (-vv). */
void log__init(int verbose);
/* The same by verbose alone, never in colour: for tools whose stderr is a guest's serial port. */
void log__init_plain(int verbose);
void log__msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log__vmsg(enum log_level lvl, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
int log__enabled(enum log_level lvl);

/* "prog: message", "prog: warning: message"; die() then exits with code. */
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_note(...)  log__msg(LOG_NOTE, __VA_ARGS__)
#define log_info(...)  log__msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log__msg(LOG_DEBUG, __VA_ARGS__)

#endif
