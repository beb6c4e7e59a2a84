/*
 * store_mail.c - notice_mails (migrations 041, 052): a notice or a
 * corrected notice is recorded as 'sending' before it goes to the relay,
 * then 'sent' or 'failed'; one left 'sending' by an interrupted run
 * becomes 'unknown' for a person.
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

/*
 * The event's msgid of row u (of invoice i): the notice's ($A) or the
 * corrected notice's ($B), which names it NUMBER-Rn.
 */
#define MAIL_MSGID(a, b) "CASE WHEN u.version = 0 THEN " a " ELSE " b " END"
#define MAIL_DOC \
	"CASE WHEN u.version = 0 THEN i.number ELSE i.number || '-R' ||" \
	" u.version END"

/* $1 creditor, $2 today, $3 and $4 the event's msgids (a notice's, a
 * corrected notice's): the interrupted ones, each with its event. */
static const char mail_stale_sql[] =
    "WITH u AS (UPDATE notice_mails n SET state = 'unknown',"
    " finished_at = now(), error = 'interrupted while sending'"
    " WHERE n.creditor_id = $1 AND n.state = 'sending'"
    " RETURNING n.invoice_id, n.version, n.email),"
    " ev AS (INSERT INTO events (creditor_id, business_date, kind, month,"
    " family_id, invoice_id, needs_attention, message, msgid, msg_args)"
    " SELECT $1, $2, 'notice.mail_unknown', i.month, i.family_id, i.id,"
    " true, sepad_message(x.msgid, x.args), x.msgid, x.args"
    " FROM u JOIN invoices i ON i.creditor_id = $1 AND i.id = u.invoice_id"
    " CROSS JOIN LATERAL (SELECT " MAIL_MSGID(
        "$3", "$4") " AS msgid,"
                    " ARRAY['t:' || " MAIL_DOC ", 't:' || u.email] AS args) x"
                    " RETURNING 1) SELECT count(*) FROM ev";

/* $1 creditor, $2 invoice, $3 version, $4 e-mail: "claimed", or the
 * state it has. */
static const char mail_claim_sql[] =
    "WITH c AS (INSERT INTO notice_mails (creditor_id, invoice_id, version,"
    " email, state) VALUES ($1, $2, $3, $4, 'sending') ON CONFLICT DO"
    " NOTHING RETURNING state) SELECT 'claimed' FROM c UNION ALL SELECT"
    " state FROM notice_mails WHERE creditor_id = $1 AND invoice_id = $2"
    " AND version = $3 AND NOT EXISTS (SELECT 1 FROM c)";

/* $1 creditor, $2 invoice, $3 version, $4 state, $5 error, $6 today,
 * $7 and $8 the event's msgids (a notice's, a corrected notice's). */
static const char mail_finish_sql[] =
    "WITH u AS (UPDATE notice_mails SET state = $4, finished_at = now(),"
    " error = nullif($5, '') WHERE creditor_id = $1 AND invoice_id = $2"
    " AND version = $3 AND state = 'sending'"
    " RETURNING invoice_id, version, email)"
    " INSERT INTO events (creditor_id, business_date, kind, month,"
    " family_id, invoice_id, needs_attention, message, msgid, msg_args)"
    " SELECT $1, $6, 'notice.mail_failed', i.month, i.family_id, i.id, true,"
    " sepad_message(x.msgid, x.args), x.msgid, x.args FROM u JOIN invoices i"
    " ON i.creditor_id = $1 AND i.id = u.invoice_id CROSS JOIN LATERAL"
    " (SELECT " MAIL_MSGID("$7",
        "$8") " AS msgid,"
              " ARRAY['t:' || " MAIL_DOC ", 't:' || u.email,"
              " 't:' || coalesce($5::text, '')] AS args) x WHERE $4 = 'failed'";

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
	         mail_stale_sql, 4,
	         (const char *const[]){cred, day,
	             N_("notice %s: its e-mail to %s was interrupted and may or "
	                "may not have been sent; check the relay's log, it is "
	                "not sent again"),
	             N_("corrected notice %s: its e-mail to %s was interrupted "
	                "and may or may not have been sent; check the relay's "
	                "log, it is not sent again")},
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

/* The key of a row of notice_mails as parameters. */
struct mail_key {
	char cred[24], inv[24], ver[16];
};

static void
mail_key(struct mail_key *k, int64_t creditor_id, const struct mail_doc *m)
{
	snprintf(k->cred, sizeof(k->cred), "%" PRId64, creditor_id);
	snprintf(k->inv, sizeof(k->inv), "%" PRId64, m->invoice_id);
	snprintf(k->ver, sizeof(k->ver), "%d", m->version);
}

int
store_mail_claim(struct db *db, int64_t creditor_id, const struct mail_doc *m,
    const char *email, int *claimed, char state[16], sepa_error *err)
{
	struct mail_key k;
	PGresult *res = NULL;
	int rc;

	*claimed = 0;
	state[0] = '\0';
	mail_key(&k, creditor_id, m);
	if ((rc = db_query(db, &res, "record the e-mail", mail_claim_sql, 4,
	         (const char *const[]){k.cred, k.inv, k.ver, email}, err)) != 0)
		return rc;
	if (PQntuples(res) == 1) {
		snprintf(state, 16, "%s", PQgetvalue(res, 0, 0));
		*claimed = strcmp(state, "claimed") == 0;
	}
	db_result_free(res);
	return 0;
}

int
store_mail_finish(struct db *db, int64_t creditor_id, const struct mail_doc *m,
    const char *state, const char *error, sepa_date today, sepa_error *err)
{
	char day[SEPA_DATE_BUFSZ];
	struct mail_key k;

	mail_key(&k, creditor_id, m);
	sepa_date_iso(day, today);
	return db_exec(db, "record the e-mail's outcome", mail_finish_sql, 8,
	    (const char *const[]){k.cred, k.inv, k.ver, state, error, day,
	        N_("notice %s: the relay refused its e-mail to %s: %s"),
	        N_("corrected notice %s: the relay refused its e-mail to %s: "
	           "%s")},
	    err);
}

int
store_mail_release(struct db *db, int64_t creditor_id, const struct mail_doc *m,
    sepa_error *err)
{
	struct mail_key k;

	mail_key(&k, creditor_id, m);
	return db_exec(db, "withdraw the e-mail",
	    "DELETE FROM notice_mails WHERE creditor_id = $1 AND invoice_id"
	    " = $2 AND version = $3 AND state = 'sending'",
	    3, (const char *const[]){k.cred, k.inv, k.ver}, err);
}
