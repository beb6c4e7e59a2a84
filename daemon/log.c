/*
 * log.c - OpenBSD-style logging to stderr, with syslog priority prefixes
 * when stderr is the journal, and allocation helpers that cannot fail.
 * Every message has its IBANs masked (sepa_iban_mask_text). Messages but
 * log_debug's are translated here (i18n.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "sepa/iban.h"
#include "i18n.h"
#include "log.h"

/*
 * Process-wide settings, written once by log_init() before any other
 * call: the logging side of the daemon is the one place that may keep
 * them (lib never does).
 */
static const char *log_progname = "sepad";
static int log_level_verbose;
static int log_journal;
static int log_fatal_status = 1;

static void log_vwrite(int prio, const char *fmt, va_list ap, int with_errno)
    __attribute__((format(printf, 2, 0)));

/* 1 when stderr is the stream systemd named in JOURNAL_STREAM ("dev:ino"). */
static int
log_stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (env == NULL || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *progname, int verbose, int fatal_status)
{
	if (progname != NULL)
		log_progname = progname;
	log_level_verbose = verbose;
	log_fatal_status = fatal_status;
	log_journal = log_stderr_is_journal();
}

int
log_verbose(void)
{
	return log_level_verbose;
}

static void
log_vwrite(int prio, const char *fmt, va_list ap, int with_errno)
{
	int saved = errno;
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* Whatever the message quotes, never a whole IBAN (iban.h). */
	sepa_iban_mask_text(msg);
	/*
	 * Checked again each time: sepad points stderr at a file while it
	 * captures an import's messages, which must not get "<N>" prefixes.
	 */
	if (log_journal && log_stderr_is_journal())
		fprintf(stderr, "<%d>", prio);
	else
		fprintf(stderr, "%s: ", log_progname);
	if (with_errno)
		fprintf(stderr, "%s: %s\n", msg, strerror(saved));
	else
		fprintf(stderr, "%s\n", msg);
	fflush(stderr);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, _(fmt), ap, 1);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, _(fmt), ap, 0);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, _(fmt), ap, 0);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_level_verbose <= 0)
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, _(fmt), ap, 1);
	va_end(ap);
	exit(log_fatal_status);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, _(fmt), ap, 0);
	va_end(ap);
	exit(log_fatal_status);
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size == 0 ? 1 : size);

	if (p == NULL)
		fatal("could not allocate %zu bytes", size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		fatal("could not allocate %zu x %zu bytes", n, size);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size)
		fatalx("could not allocate %zu x %zu bytes: overflow", n, size);
	q = realloc(p, n * size == 0 ? 1 : n * size);
	if (q == NULL)
		fatal("could not allocate %zu x %zu bytes", n, size);
	return q;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatal("could not copy a string of %zu bytes", strlen(s));
	return p;
}

int
xasprintf(char **out, const char *fmt, ...)
{
	va_list ap, ap2;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("could not format a string");
	*out = xmalloc((size_t)n + 1);
	vsnprintf(*out, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return n;
}

double
log_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
