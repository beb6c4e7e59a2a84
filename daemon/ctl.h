/*
 * ctl.h - what every sepactl command gets (ctl.c): the exit statuses,
 * struct ctl, the database it opens and the error report.
 */
#ifndef SEPAD_CTL_H
#define SEPAD_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "config.h"

struct db;

/* Exit status of sepactl (docs/product.md, Operator interface). */
enum ctl_status {
	CTL_OK = 0,
	CTL_REFUSED = 1, /* the input was refused */
	CTL_USAGE = 2, /* bad command line */
	CTL_INTERNAL = 3 /* internal or database error */
};

/* What every command gets. */
struct ctl {
	const char *progname;
	const char *config_path; /* NULL: built-in defaults */
	struct sepad_config cfg;
	sepa_date today; /* --today, SEPAD_TODAY, else the local date */
	struct db *db; /* opened by ctl_db() */
};

/* sepactl.c helpers, for the commands (in libsepad.a: ctl.c). */
int ctl_db(struct ctl *ctl, struct db **out);
/* The same without a message: *err says why (sepad retries quietly). */
int ctl_db_open(struct ctl *ctl, struct db **out, sepa_error *err);
/* Another connection to the same database (the caller closes it with
 * db_close), for work beside a long read on the first. */
int ctl_db_another(struct ctl *ctl, struct db **out, sepa_error *err);
/* The libpq connection string of the configured database, the private
 * cluster started when it is the one (for connections of its own). */
int ctl_conninfo(struct ctl *ctl, char *out, size_t size, sepa_error *err);
/* The business date: SEPAD_TODAY (tests, replays), else the local date. */
sepa_date ctl_business_date(void);
/* A record or event id typed by the operator: a positive decimal number
 * (0), else -1. */
int ctl_parse_id(const char *s, int64_t *id);
/* Report a failure: fmt (translated here, i18n.h), then err's message
 * when there is one; returns status. */
int ctl_fail(int status, const sepa_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * What a thread running a step for someone else (the console's worker,
 * web_month.c) hears of it besides the journal: the message of each
 * ctl_fail, and how far the step is (`what` names the phase or the file;
 * total 0 when unknown). Set for the calling thread only; NULL, the
 * default, reports nothing.
 */
struct ctl_report {
	void (*fail)(void *arg, const char *msg);
	void (*progress)(
	    void *arg, const char *what, int64_t done, int64_t total);
	void *arg;
};
void ctl_report_set(const struct ctl_report *report);
/* Said by the steps as they go: to the thread's report, if any. */
void ctl_progress(const char *what, int64_t done, int64_t total);

#endif /* SEPAD_CTL_H */
