/*
 * ctl.c - what every sepactl command shares: the database connection
 * (the private cluster started on demand), the failure report, and the
 * ids the operator types.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "ctl.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "pgcluster.h"

int
ctl_conninfo(struct ctl *ctl, char *out, size_t size, sepa_error *err)
{
	if (ctl->cfg.db_conninfo[0] != '\0') {
		snprintf(out, size, "%s", ctl->cfg.db_conninfo);
		return 0;
	}
	if (pgcluster_ensure(ctl->cfg.db_data_dir, 0, out, size, err) != 0) {
		sepa_error_prefix(err, "could not start the private database");
		return SEPA_EIO;
	}
	return 0;
}

sepa_date
ctl_business_date(void)
{
	const char *env = getenv("SEPAD_TODAY");
	sepa_date d;
	struct tm tm;
	time_t now;

	if (env != NULL && env[0] != '\0' &&
	    sepa_date_parse(&d, env, NULL) == 0)
		return d;
	now = time(NULL);
	localtime_r(&now, &tm);
	d.year = tm.tm_year + 1900;
	d.month = tm.tm_mon + 1;
	d.day = tm.tm_mday;
	return d;
}

int
ctl_db_open(struct ctl *ctl, struct db **out, sepa_error *err)
{
	char conninfo[1024];
	int private = ctl->cfg.db_conninfo[0] == '\0';

	*out = NULL;
	if (ctl->db != NULL) {
		*out = ctl->db;
		return 0;
	}
	if (ctl_conninfo(ctl, conninfo, sizeof(conninfo), err) != 0)
		return SEPA_EIO;
	if (db_connect(&ctl->db, conninfo, err) != 0 && private) {
		/* A stale socket after a crash: let the script check. */
		log_debug("%s; starting the private cluster", err->msg);
		if (pgcluster_ensure(ctl->cfg.db_data_dir, 1, conninfo,
		        sizeof(conninfo), err) != 0) {
			sepa_error_prefix(
			    err, "could not start the private database");
			return SEPA_EIO;
		}
		db_connect(&ctl->db, conninfo, err);
	}
	if (ctl->db == NULL)
		return SEPA_EIO;
	*out = ctl->db;
	return 0;
}

int
ctl_db_another(struct ctl *ctl, struct db **out, sepa_error *err)
{
	struct db *first;
	int rc;

	/* The first one makes sure the private cluster runs. */
	if ((rc = ctl_db_open(ctl, &first, err)) != 0)
		return rc;
	ctl->db = NULL;
	rc = ctl_db_open(ctl, out, err);
	ctl->db = first;
	return rc;
}

int
ctl_db(struct ctl *ctl, struct db **out)
{
	sepa_error err = SEPA_ERROR_INIT;

	if (ctl_db_open(ctl, out, &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not open the database");
	return CTL_OK;
}

/* The calling thread's report (ctl_report_set). */
static _Thread_local const struct ctl_report *ctl_thread_report;

int
ctl_fail(int status, const sepa_error *err, const char *fmt, ...)
{
	char head[512], line[SEPA_ERROR_MSG_MAX + SEPA_ERROR_WHERE_MAX + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), _(fmt), ap);
	va_end(ap);
	if (err != NULL && (err->msg[0] != '\0' || err->code != 0)) {
		sepa_error_format(err, line, sizeof(line));
		log_warnx("%s: %s", head, line);
	} else {
		line[0] = '\0';
		log_warnx("%s", head);
	}
	if (ctl_thread_report != NULL && ctl_thread_report->fail != NULL) {
		char *msg;

		xasprintf(
		    &msg, "%s%s%s", head, line[0] != '\0' ? ": " : "", line);
		ctl_thread_report->fail(ctl_thread_report->arg, msg);
		free(msg);
	}
	return status;
}

void
ctl_report_set(const struct ctl_report *report)
{
	ctl_thread_report = report;
}

void
ctl_progress(const char *what, int64_t done, int64_t total)
{
	if (ctl_thread_report != NULL && ctl_thread_report->progress != NULL)
		ctl_thread_report->progress(
		    ctl_thread_report->arg, what, done, total);
}

int
ctl_parse_id(const char *s, int64_t *id)
{
	char *end;

	errno = 0;
	*id = strtoll(s, &end, 10);
	return s[0] >= '0' && s[0] <= '9' && *end == '\0' && errno == 0 &&
	        *id > 0
	    ? 0
	    : -1;
}
