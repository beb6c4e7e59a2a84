/*
 * store_mail.c - notice_mails (migration 041): a notice is recorded as
 * 'sending' before it goes to the relay, then 'sent' or 'failed'; one
 * left 'sending' by an interrupted run becomes 'unknown' for a person.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "db.h"
#include "db_internal.h"
#include "i18n.h"
#include "store_mail.h"

/* The advisory lock of a sending run: (this number, the creditor). */
#define MAIL_LOCK "41041"

/* $1 creditor, $2 today, $3 the event's msgid: the interrupted ones,
 * each with its event. */
static const char mail_stale_sql[] =
    "WITH u AS (UPDATE notice_mails n SET state = 'unknown',"
    " finished_at = now(), error = 'interrupted while sending'"
    " WHERE n.creditor_id = $1 AND n.state = 'sending'"
    " RETURNING n.invoice_id, n.email),"
    " ev AS (INSERT INTO events (creditor_id, business_date, kind, month,"
    " family_id, invoice_id, needs_attention, message, msgid, msg_args)"
    " SELECT $1, $2, 'notice.mail_unknown', i.month, i.family_id, i.id,"
    " true, sepad_message($3, x.args), $3, x.args"
    " FROM u JOIN invoices i ON i.creditor_id = $1 AND i.id = u.invoice_id"
    " CROSS JOIN LATERAL (SELECT ARRAY['t:' || i.number, 't:' || u.email]"
    " AS args) x RETURNING 1) SELECT count(*) FROM ev";

/* $1 creditor, $2 invoice, $3 e-mail: "claimed", or the state it has. */
static const char mail_claim_sql[] =
    "WITH c AS (INSERT INTO notice_mails (creditor_id, invoice_id, email,"
    " state) VALUES ($1, $2, $3, 'sending') ON CONFLICT DO NOTHING"
    " RETURNING state) SELECT 'claimed' FROM c UNION ALL SELECT state"
    " FROM notice_mails WHERE creditor_id = $1 AND invoice_id = $2"
    " AND NOT EXISTS (SELECT 1 FROM c)";

/* $1 creditor, $2 invoice, $3 state, $4 error, $5 today, $6 the
 * event's msgid. */
static const char mail_finish_sql[] =
    "WITH u AS (UPDATE notice_mails SET state = $3, finished_at = now(),"
    " error = nullif($4, '') WHERE creditor_id = $1 AND invoice_id = $2"
    " AND state = 'sending' RETURNING invoice_id, email)"
    " INSERT INTO events (creditor_id, business_date, kind, month,"
    " family_id, invoice_id, needs_attention, message, msgid, msg_args)"
    " SELECT $1, $5, 'notice.mail_failed', i.month, i.family_id, i.id, true,"
    " sepad_message($6, x.args), $6, x.args FROM u JOIN invoices i"
    " ON i.creditor_id = $1 AND i.id = u.invoice_id CROSS JOIN LATERAL"
    " (SELECT ARRAY['t:' || i.number, 't:' || u.email,"
    " 't:' || coalesce($4::text, '')] AS args) x WHERE $3 = 'failed'";

int
store_mail_begin(struct db *db, int64_t creditor_id, sepa_date today,
    int64_t *unknown, sepa_error *err)
{
	char cred[24], day[SEPA_DATE_BUFSZ];
	int64_t got = 0;
	int rc;

	*unknown = 0;
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(day, today);
	if ((rc = db_query_int64(db, &got, "take the sending lock",
	         "SELECT pg_try_advisory_lock(" MAIL_LOCK ", $1::integer)::int",
	         1, (const char *const[]){cred}, err)) != 0)
		return rc;
	if (got != 1)
		return sepa_error_set(
		    err, SEPA_ESTATE, "another run is sending the notices");
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0 ||
	    (rc = db_query_int64(db, unknown, "flag the interrupted e-mails",
	         mail_stale_sql, 3,
	         (const char *const[]){cred, day,
	             N_("notice %s: its e-mail to %s was interrupted and may or "
	                "may not have been sent; check the relay's log, it is "
	                "not sent again")},
	         err)) != 0 ||
	    (rc = db_commit(db, err)) != 0) {
		db_rollback(db);
		store_mail_end(db, creditor_id);
	}
	return rc;
}

void
store_mail_end(struct db *db, int64_t creditor_id)
{
	sepa_error ignored = SEPA_ERROR_INIT;
	char cred[24];

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	db_exec(db, "release the sending lock",
	    "SELECT pg_advisory_unlock(" MAIL_LOCK ", $1::integer)", 1,
	    (const char *const[]){cred}, &ignored);
}

int
store_mail_claim(struct db *db, int64_t creditor_id, int64_t invoice_id,
    const char *email, int *claimed, char state[16], sepa_error *err)
{
	char cred[24], inv[24];
	PGresult *res = NULL;
	int rc;

	*claimed = 0;
	state[0] = '\0';
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	snprintf(inv, sizeof(inv), "%" PRId64, invoice_id);
	if ((rc = db_query(db, &res, "record the e-mail", mail_claim_sql, 3,
	         (const char *const[]){cred, inv, email}, err)) != 0)
		return rc;
	if (PQntuples(res) == 1) {
		snprintf(state, 16, "%s", PQgetvalue(res, 0, 0));
		*claimed = strcmp(state, "claimed") == 0;
	}
	db_result_free(res);
	return 0;
}

int
store_mail_finish(struct db *db, int64_t creditor_id, int64_t invoice_id,
    const char *state, const char *error, sepa_date today, sepa_error *err)
{
	char cred[24], inv[24], day[SEPA_DATE_BUFSZ];

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	snprintf(inv, sizeof(inv), "%" PRId64, invoice_id);
	sepa_date_iso(day, today);
	return db_exec(db, "record the e-mail's outcome", mail_finish_sql, 6,
	    (const char *const[]){cred, inv, state, error, day,
	        N_("notice %s: the relay refused its e-mail to %s: %s")},
	    err);
}

int
store_mail_release(
    struct db *db, int64_t creditor_id, int64_t invoice_id, sepa_error *err)
{
	char cred[24], inv[24];

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	snprintf(inv, sizeof(inv), "%" PRId64, invoice_id);
	return db_exec(db, "withdraw the e-mail",
	    "DELETE FROM notice_mails WHERE creditor_id = $1 AND invoice_id"
	    " = $2 AND state = 'sending'",
	    2, (const char *const[]){cred, inv}, err);
}
