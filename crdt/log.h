/*
 * log.h - logging to stderr for the daemon and sessions (OpenSMTPD style).
 * log_warn appends strerror(errno); the others print as given.  Verbosity:
 * 0 warnings, 1 info (-v), 2 debug (-vv).  Lines start with "kith: ".
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_LOG_H
#define KITH_LOG_H

extern int log_verbose;

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif
