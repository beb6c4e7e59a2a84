/*
 * store_consumption.c - whether a month's consumption has been imported,
 * for the cycle that bills a month once it is in (sepa_rule_billing,
 * billing.wait_for_consumption), and the events that say it has not.
 */
#include <inttypes.h>
#include <stdio.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "store_consumption.h"
#include "store_event.h"

/* $1 creditor, $2 the month's first day: a file with lines of it. */
static const char consumption_received_sql[] =
    "SELECT count(*) FROM (SELECT 1 FROM consumption_batches"
    " WHERE creditor_id = $1 AND month = $2::date LIMIT 1) x";

/* $1 creditor, $2 kind, $3 the month's first day: said already. */
static const char consumption_said_sql[] =
    "SELECT count(*) FROM events WHERE creditor_id = $1 AND kind = $2"
    " AND month = $3::date";

int
store_consumption_received(struct db *db, int64_t creditor_id, sepa_month month,
    int *received, sepa_error *err)
{
	char cred[24], mon[SEPA_DATE_BUFSZ];
	int64_t n;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(mon, sepa_month_day(month, 1));
	rc = db_query_int64(db, &n, "look for the month's consumption",
	    consumption_received_sql, 2, (const char *const[]){cred, mon}, err);
	*received = rc == 0 && n > 0;
	return rc;
}

int
store_consumption_event(struct db *db, int64_t creditor_id, const char *kind,
    sepa_month month, sepa_date today, const struct i18n_msg *say, bool *added,
    sepa_error *err)
{
	char cred[24], mon[SEPA_DATE_BUFSZ];
	struct event ev = {0};
	int64_t n;
	int rc;

	*added = false;
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(mon, sepa_month_day(month, 1));
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	if ((rc = db_query_int64(db, &n, "look for the event",
	         consumption_said_sql, 3,
	         (const char *const[]){cred, kind, mon}, err)) != 0 ||
	    n > 0)
		goto done;
	ev.kind = kind;
	ev.say = say;
	ev.business_date = today;
	ev.month = month;
	ev.needs_attention = true;
	if ((rc = store_event_add(db, creditor_id, &ev, err)) != 0)
		goto done;
	*added = true;
done:
	if (rc == 0)
		rc = db_commit(db, err);
	if (rc != 0)
		db_rollback(db);
	return rc;
}
