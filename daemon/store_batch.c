/*
 * store_batch.c - the operator's cancellation of a recorded part that was
 * never released (migration 036, docs/design/collect-once.md).
 *
 * What is recorded never changes: a prepared part is written byte for
 * byte from its rows, whatever happened to its families since. When one
 * of its debits can no longer be made right, the part is cancelled whole
 * instead: nothing of it is ever written, and its invoices go back to be
 * collected in a new part. A released part is the bank's: never.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_batch.h"
#include "store_collect.h"
#include "store_event.h"

/* $1 creditor, $2 MsgId: the part, its month, state, file, release. */
static const char batch_find_sql[] =
    "SELECT id, to_char(collection_month, 'YYYY-MM-DD'), state, file_name,"
    " coalesce(to_char(released_at, 'YYYY-MM-DD'), ''),"
    " coalesce(state_reason, ''), purpose FROM batches"
    " WHERE creditor_id = $1 AND msg_id = $2";

/* $1 creditor: what a recording holds; payments wait for it too. */
static const char batch_lock_creditor_sql[] =
    "SELECT count(*) FROM (SELECT 1 FROM creditors WHERE id = $1"
    " FOR UPDATE) x";

/* $1 creditor, $2 batch: its state, locked. */
static const char batch_lock_sql[] =
    "SELECT state FROM batches WHERE creditor_id = $1 AND id = $2"
    " FOR UPDATE";

/*
 * $1 creditor, $2 batch, $3 today: its collections cancelled, their
 * invoices back to be collected, the amendments they carried to be
 * carried again; how many, their sum, the invoices moved.
 */
static const char batch_cancel_rows_sql[] =
    "WITH c AS (UPDATE collections SET state = 'cancelled',"
    " state_since = $3 WHERE creditor_id = $1 AND batch_id = $2"
    " AND state = 'pending' RETURNING id, invoice_id, amount_cents),"
    " i AS (UPDATE invoices v SET state = 'issued', state_since = $3"
    " FROM c WHERE v.creditor_id = $1 AND v.id = c.invoice_id"
    " AND v.state = 'collecting' RETURNING 1),"
    " a AS (UPDATE mandate_accounts m SET amended_by_collection = NULL"
    " FROM c WHERE m.creditor_id = $1 AND m.amended_by_collection = c.id"
    " RETURNING 1)"
    " SELECT (SELECT count(*) FROM c), (SELECT coalesce(sum(amount_cents),"
    " 0) FROM c), (SELECT count(*) FROM i), (SELECT count(*) FROM a)";

/* $1 creditor, $2 batch, $3 why. */
static const char batch_mark_cancelled_sql[] =
    "UPDATE batches SET state = 'cancelled', state_reason = $3"
    " WHERE creditor_id = $1 AND id = $2 AND state = 'prepared'";

/* The part as found before any lock. */
struct batch_row {
	char id[24];
	sepa_month month;
	char state[16];
	char file[128];
	char released[SEPA_DATE_BUFSZ];
	char reason[256];
	int recovery; /* a recovery flow (043), not a part of a month */
};

static int
batch_find(struct db *db, const char *cred, const char *msg_id,
    struct batch_row *b, sepa_error *err)
{
	PGresult *res = NULL;
	sepa_date d;
	int rc;

	if ((rc = db_query(db, &res, "find the part", batch_find_sql, 2,
	         (const char *const[]){cred, msg_id}, err)) != 0)
		return rc;
	if (PQntuples(res) != 1) {
		rc = sepa_error_set(err, SEPA_ENOTFOUND,
		    "no part of a month has MsgId \"%s\"", msg_id);
		goto cleanup;
	}
	snprintf(b->id, sizeof(b->id), "%s", PQgetvalue(res, 0, 0));
	if ((rc = sepa_date_parse(&d, PQgetvalue(res, 0, 1), err)) != 0)
		goto cleanup;
	b->month = sepa_month_of(d);
	snprintf(b->state, sizeof(b->state), "%s", PQgetvalue(res, 0, 2));
	snprintf(b->file, sizeof(b->file), "%s", PQgetvalue(res, 0, 3));
	snprintf(b->released, sizeof(b->released), "%s", PQgetvalue(res, 0, 4));
	snprintf(b->reason, sizeof(b->reason), "%s", PQgetvalue(res, 0, 5));
	b->recovery = strcmp(PQgetvalue(res, 0, 6), "recovery") == 0;
cleanup:
	db_result_free(res);
	return rc;
}

/* SEPA_ESTATE unless the part may be cancelled: prepared, no file. */
static int
batch_refuse(const struct batch_row *b, const char *msg_id, const char *outbox,
    sepa_error *err)
{
	char mon[SEPA_MONTH_BUFSZ], on[I18N_DATE_TEXT_BUFSZ], *path = NULL;
	struct stat st;
	int there;

	sepa_month_iso(mon, b->month);
	if (b->recovery)
		return sepa_error_set(err, SEPA_ESTATE,
		    "%s (%s) is a recovery flow, not a part of a collection "
		    "month: its invoices are recorded as sent to recovery; run "
		    "sepactl recovery export to finish it",
		    msg_id, b->file);
	if (strcmp(b->state, "released") == 0)
		return sepa_error_set(err, SEPA_ESTATE,
		    "part %s (%s) was released on %s: a released part can "
		    "never be cancelled; the bank's answer (pain.002) settles "
		    "its debits",
		    msg_id, b->file, i18n_date_text(on, b->released));
	if (strcmp(b->state, "rejected") == 0)
		return sepa_error_set(err, SEPA_ESTATE,
		    "part %s (%s) was refused whole by the bank (%s): its "
		    "invoices are collected again by sepactl collect --month %s",
		    msg_id, b->file, b->reason, mon);
	if (strcmp(b->state, "cancelled") == 0)
		return sepa_error_set(err, SEPA_ESTATE,
		    "part %s (%s) is cancelled already (%s)", msg_id, b->file,
		    b->reason);
	if (strcmp(b->state, "prepared") != 0)
		return sepa_error_set(err, SEPA_ESTATE,
		    "part %s (%s) is %s: its file may be in the outbox; run "
		    "sepactl collect --month %s to finish it",
		    msg_id, b->file, i18n_state(I18N_BATCH, b->state), mon);
	xasprintf(&path, "%s/%s", outbox, b->file);
	there = stat(path, &st) == 0;
	free(path);
	if (there)
		return sepa_error_set(err, SEPA_ESTATE,
		    "part %s: its file %s stands in the outbox %s: if it was "
		    "not handed over, remove it and cancel again; if it was, "
		    "run sepactl collect --month %s to release it",
		    msg_id, b->file, outbox, mon);
	return 0;
}

/* In the caller's transaction: lock, check again, cancel, log. */
static int
batch_cancel_locked(struct db *db, int64_t creditor_id, const char *cred,
    const char *msg_id, const char *why, sepa_date today, struct batch_row *b,
    struct batch_cancel_result *res, sepa_error *err)
{
	char day[SEPA_DATE_BUFSZ];
	const char *params[3] = {cred, b->id, sepa_date_iso(day, today)};
	struct event ev = {0};
	struct i18n_msg say;
	PGresult *q = NULL;
	int64_t one;
	int rc;

	if ((rc = db_query_int64(db, &one, "lock the creditor",
	         batch_lock_creditor_sql, 1, params, err)) != 0 ||
	    (rc = db_query(
	         db, &q, "lock the part", batch_lock_sql, 2, params, err)) != 0)
		return rc;
	snprintf(b->state, sizeof(b->state), "%s", PQgetvalue(q, 0, 0));
	db_result_free(q);
	q = NULL;
	if (strcmp(b->state, "prepared") != 0)
		return sepa_error_set(err, SEPA_ESTATE,
		    "part %s became %s meanwhile; nothing cancelled", msg_id,
		    b->state);
	if ((rc = db_query(db, &q, "cancel the part's collections",
	         batch_cancel_rows_sql, 3, params, err)) != 0)
		return rc;
	res->collections = strtoll(PQgetvalue(q, 0, 0), NULL, 10);
	res->amount_cents = strtoll(PQgetvalue(q, 0, 1), NULL, 10);
	res->invoices = strtoll(PQgetvalue(q, 0, 2), NULL, 10);
	db_result_free(q);
	params[2] = why;
	if ((rc = db_exec(db, "cancel the part", batch_mark_cancelled_sql, 3,
	         params, err)) != 0)
		return rc;
	i18n_msg(&say,
	    N_("part %s (%s) cancelled before its release: %s collections, "
	       "%s EUR; %s invoices to be collected again: %s"),
	    "ttnmnt", msg_id, b->file, res->collections, res->amount_cents,
	    res->invoices, why);
	ev.kind = "batch.cancelled";
	ev.say = &say;
	ev.business_date = today;
	ev.month = b->month;
	ev.batch_id = strtoll(b->id, NULL, 10);
	ev.has_count = true;
	ev.count = res->collections;
	ev.has_amount = true;
	ev.amount_cents = res->amount_cents;
	return store_event_add(db, creditor_id, &ev, err);
}

int
store_batch_cancel(struct db *db, int64_t creditor_id, const char *msg_id,
    const char *why, const char *outbox, sepa_date today,
    struct batch_cancel_result *res, sepa_error *err)
{
	sepa_error ignored = SEPA_ERROR_INIT;
	struct batch_row b;
	char cred[24];
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&b, 0, sizeof(b));
	if (why == NULL || why[strspn(why, " \t")] == '\0')
		return sepa_error_set(err, SEPA_EINVAL,
		    "a cancellation needs its reason (--why TEXT)");
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	if ((rc = batch_find(db, cred, msg_id, &b, err)) != 0)
		return rc;
	/* No writer of the month may place it while we look. */
	if ((rc = store_collect_month_lock(db, creditor_id, b.month, 1, err)) !=
	    0)
		return rc;
	if ((rc = batch_refuse(&b, msg_id, outbox, err)) != 0 ||
	    (rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		goto unlock;
	if ((rc = batch_cancel_locked(db, creditor_id, cred, msg_id, why, today,
	         &b, res, err)) != 0 ||
	    (rc = db_commit(db, err)) != 0)
		db_rollback(db);
unlock:
	store_collect_month_lock(db, creditor_id, b.month, 0, &ignored);
	if (rc == 0) {
		snprintf(res->file_name, sizeof(res->file_name), "%s", b.file);
		res->month = b.month;
	}
	return rc;
}
