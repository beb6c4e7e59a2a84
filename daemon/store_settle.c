/*
 * store_settle.c - a debit the bank neither confirmed nor rejected nor
 * returned is presumed settled once its return window has passed (due
 * date + returns.settle_after_business_days TARGET2 days,
 * sepa_rule_presumed_settled). The rule is decided in C for each due date
 * of the collections still 'sent' (a month has a handful of them), and
 * applied to all their collections in one statement.
 *
 * What settling does is what a bank confirmation does in
 * store_returns.c: the collection 'settled', its invoice 'paid', the
 * invoices it carried the reminder of 'paid' with it (migration 015).
 * Each presumed settlement is recorded in presumed_settlements (migration
 * 032), so that the report tells it from a confirmed one and a later bank
 * credit can still confirm it.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/money.h"
#include "sepa/rules.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_event.h"
#include "store_settle.h"

/* The statements, in the order they run; $1 is always the creditor. */

/* Bank files are imported one at a time under this lock
 * (store_returns_begin): a presumption waits for an import under way,
 * and sees what it did. */
static const char settle_lock_sql[] =
    "LOCK TABLE return_effects IN SHARE ROW EXCLUSIVE MODE";

/* $2 today: the due dates of the collections still waiting. */
static const char settle_due_dates_sql[] =
    "SELECT DISTINCT due_on::text FROM collections WHERE creditor_id = $1"
    " AND state = 'sent' AND due_on < $2::date ORDER BY 1";

/* $2 today, $3 the due dates accepted: the collections settled. */
static const char settle_collections_sql[] =
    "CREATE TEMP TABLE settle_done ON COMMIT DROP AS"
    " WITH u AS (UPDATE collections SET state = 'settled',"
    " state_since = $2 WHERE creditor_id = $1 AND state = 'sent'"
    " AND due_on = ANY($3::date[])"
    " RETURNING id, invoice_id, amount_cents) SELECT * FROM u";

/* $2 today, $3 the setting. */
static const char settle_record_sql[] =
    "INSERT INTO presumed_settlements (creditor_id, collection_id,"
    " settled_on, after_days) SELECT $1, id, $2, $3 FROM settle_done";

/* $2 today: the invoices, as a bank confirmation makes them. */
static const char settle_invoices_sql[] =
    "WITH p AS (UPDATE invoices i SET state = 'paid', state_since = $2"
    " FROM settle_done s WHERE i.creditor_id = $1 AND i.id = s.invoice_id"
    " AND i.state IN ('issued', 'collecting') RETURNING 1),"
    /* the invoices reminded on them were debited with them */
    " r AS (UPDATE invoices r SET state = 'paid', state_since = $2"
    " FROM settle_done s JOIN invoice_lines l ON l.creditor_id = $1"
    " AND l.invoice_id = s.invoice_id AND l.kind = 'reminder'"
    " WHERE r.creditor_id = $1 AND r.id = l.reminded_invoice_id"
    " AND r.state = 'reminded' RETURNING 1)"
    " SELECT (SELECT count(*) FROM p) + (SELECT count(*) FROM r)";

static const char settle_sum_sql[] =
    "SELECT count(*), coalesce(sum(amount_cents), 0) FROM settle_done";

/*
 * The due dates whose collections are presumed settled today, as an
 * array literal ("{2026-10-15,2026-11-16}"); NULL when there is none.
 */
static int
settle_due_dates(struct db *db, const char *const *p, const sepa_rules *rules,
    sepa_date today, char **dates, sepa_error *err)
{
	PGresult *res = NULL;
	size_t len = 0;
	int rc;

	*dates = NULL;
	if ((rc = db_query(db, &res, "read the due dates of the debits sent",
	         settle_due_dates_sql, 2, p, err)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(res); i++) {
		sepa_date due;

		if ((rc = sepa_date_parse(&due, PQgetvalue(res, i, 0), err)) !=
		    0)
			break;
		if (!sepa_rule_presumed_settled(rules, due, today))
			continue;
		*dates = xreallocarray(*dates, len + SEPA_DATE_BUFSZ + 2, 1);
		len += (size_t)snprintf(*dates + len, SEPA_DATE_BUFSZ + 2,
		    "%c%s", len == 0 ? '{' : ',', PQgetvalue(res, i, 0));
	}
	db_result_free(res);
	if (rc == 0 && *dates != NULL) {
		*dates = xreallocarray(*dates, len + 2, 1);
		memcpy(*dates + len, "}", 2);
	}
	return rc;
}

/* The collections.settled event. */
static int
settle_log(struct db *db, int64_t creditor_id, const sepa_rules *rules,
    sepa_date today, const struct settle_result *r, sepa_error *err)
{
	struct event ev = {0};
	struct i18n_msg say;

	i18n_msg(&say,
	    N_("%s collections presumed settled (%s): neither confirmed, "
	       "rejected nor returned %s TARGET2 business days after their due "
	       "date; %s invoices paid"),
	    "nenn", r->collections, r->cents, (int64_t)rules->settle_after_days,
	    r->invoices);
	ev.kind = "collections.settled";
	ev.say = &say;
	ev.business_date = today;
	ev.has_count = true;
	ev.count = r->collections;
	ev.has_amount = true;
	ev.amount_cents = r->cents;
	return store_event_add(db, creditor_id, &ev, err);
}

/* Settle the collections of `dates`, their invoices; fill *r. */
static int
settle_apply(struct db *db, const char *cred, const char *day,
    const char *dates, const sepa_rules *rules, struct settle_result *r,
    sepa_error *err)
{
	char after[24];
	PGresult *res = NULL;
	int rc;

	snprintf(after, sizeof(after), "%d", rules->settle_after_days);
	if ((rc = db_exec(db, "settle the collections", settle_collections_sql,
	         3, (const char *const[]){cred, day, dates}, err)) != 0 ||
	    (rc = db_exec(db, "record the presumed settlements",
	         settle_record_sql, 3, (const char *const[]){cred, day, after},
	         err)) != 0 ||
	    (rc = db_query_int64(db, &r->invoices, "mark the invoices paid",
	         settle_invoices_sql, 2, (const char *const[]){cred, day},
	         err)) != 0 ||
	    (rc = db_query(db, &res, "count the settlements", settle_sum_sql, 0,
	         NULL, err)) != 0)
		return rc;
	r->collections = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	r->cents = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	db_result_free(res);
	return 0;
}

int
store_settle_presume(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, sepa_date today, struct settle_result *r,
    sepa_error *err)
{
	char cred[24], day[SEPA_DATE_BUFSZ], *dates = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(day, today);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	if ((rc = db_exec(db, "wait for the bank files", settle_lock_sql, 0,
	         NULL, err)) != 0 ||
	    (rc = settle_due_dates(db, (const char *const[]){cred, day}, rules,
	         today, &dates, err)) != 0 ||
	    dates == NULL)
		goto cleanup;
	if ((rc = settle_apply(db, cred, day, dates, rules, r, err)) != 0 ||
	    r->collections == 0 ||
	    (rc = settle_log(db, creditor_id, rules, today, r, err)) != 0)
		goto cleanup;
	rc = db_commit(db, err);
cleanup:
	if (rc != 0 || dates == NULL || r->collections == 0)
		db_rollback(db);
	if (rc != 0)
		memset(r, 0, sizeof(*r));
	free(dates);
	return rc;
}
