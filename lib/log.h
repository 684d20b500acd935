/* SPDX-License-Identifier: GPL-2.0 */
/* Progress and diagnostics on stderr: colour only on a tty, NO_COLOR respected. */
#ifndef KTSTR_LOG_H
#define KTSTR_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* verbose: 0 = quiet unless a tty, 1 = info (-v), 2 = debug (-vv). */
void log__init(int verbose);
void log__msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int log__enabled(enum log_level lvl);

#define log_err(...)   log__msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log__msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log__msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log__msg(LOG_DEBUG, __VA_ARGS__)

#endif
