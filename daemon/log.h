/*
 * log.h - messages and allocation (log.c): stderr or the journal's
 * stream, fatal exits, allocation that cannot fail.
 */
#ifndef SEPAD_LOG_H
#define SEPAD_LOG_H

#include <stddef.h>

/*
 * Messages go to stderr: with a "<N>" syslog priority prefix when stderr is
 * the journal (JOURNAL_STREAM names it), as "PROGNAME: message" otherwise.
 * A valid IBAN in a message is masked (FR76****0189).
 * `verbose` > 0 enables log_debug. fatal() and fatalx() exit with
 * `fatal_status`.
 */
void log_init(const char *progname, int verbose, int fatal_status);
int log_verbose(void);
/* Seconds on the monotonic clock, to time steps in debug messages. */
double log_clock(void);
/* log_warn appends ": strerror(errno)"; the others print the message as is.
 * All but log_debug translate fmt (gettext, i18n.h): pass a literal. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* Allocation that cannot fail: fatal() on exhaustion. Free with free(). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
int xasprintf(char **out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* SEPAD_LOG_H */
