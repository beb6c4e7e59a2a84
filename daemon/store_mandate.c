/*
 * store_mandate.c - the lifecycle of mandates in the database: which
 * account a collection month debits and which amendment it declares,
 * FRST or RCUR, account changes, the family's termination letter, the
 * sweep that ends mandates (letter, 36 months unused), and what
 * `sepactl mandate show|list` print. The contract's date logic lives in
 * lib/rules.c; this file only feeds it the facts kept in the tables.
 *
 * Definitions used throughout (see store_mandate.h for the callers' view):
 *   - a collection month M is "closed" when a batch of M exists in state
 *     'prepared' or 'released' (a prepared batch's content is fixed and is
 *     written byte for byte, so it cannot change any more); the first open
 *     month is the month after the last closed one;
 *   - a collection "reached the debtor's bank" when it belongs to an
 *     earlier collection month and is in any state but 'rejected' (refused
 *     before settlement) and 'cancelled' (file refused or withdrawn):
 *     pending (fixed in a prepared batch), sent, settled, returned and
 *     refunded all count. The same set decides FRST/RCUR (it is "used")
 *     and the last debited account (the amendment refers to it).
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/rules.h"
#include "config.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_event.h"
#include "store_mandate.h"

/*
 * The last use of mandate m, for the lapse: the due date of its last
 * collection that was presented (any state but cancelled), the last debit
 * made by the software sepad replaced (last_collected_on, imported,
 * migration 035), or the signature date, whichever is latest.
 */
#define MANDATE_LAST_USE \
	"greatest(m.signed_on, m.last_collected_on, (SELECT max(c.due_on) " \
	"FROM collections c WHERE c.creditor_id = m.creditor_id " \
	"AND c.mandate_id = m.id AND c.state <> 'cancelled'))"

/*
 * Mandate $2 of creditor $1, when the software sepad replaced presented
 * it (imported sequence RCUR, migration 035): the account it debited, the
 * mandate's first; else NULL.
 */
#define MANDATE_PRESENTED_IBAN \
	"(SELECT a0.iban FROM mandates m0 JOIN mandate_accounts a0 " \
	"ON a0.creditor_id = m0.creditor_id AND a0.mandate_id = m0.id " \
	"WHERE m0.creditor_id = $1 AND m0.id = $2 AND m0.presented_before " \
	"ORDER BY a0.applies_from, a0.id LIMIT 1)"

/* States of a collection that did not reach the debtor's bank. */
#define MANDATE_NOT_REACHED "('rejected', 'cancelled')"

static void
mandate_i64(char *buf, size_t size, int64_t v)
{
	snprintf(buf, size, "%" PRId64, v);
}

static const char *
mandate_month_first(char *buf, sepa_month m)
{
	sepa_date d = {m.year, m.month, 1};

	return sepa_date_iso(buf, d);
}

/* A "YYYY-MM-DD" column (selected with to_char) into *out. */
static int
mandate_get_date(
    PGresult *res, int row, int col, sepa_date *out, sepa_error *err)
{
	if (PQgetisnull(res, row, col)) {
		*out = (sepa_date){0, 0, 0};
		return 0;
	}
	return sepa_date_parse(out, PQgetvalue(res, row, col), err);
}

static void
mandate_copy(char *dst, size_t size, PGresult *res, int row, int col)
{
	snprintf(dst, size, "%s",
	    PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

int
store_mandate_account_for(struct db *db, int64_t creditor_id,
    int64_t mandate_id, sepa_month collection_month,
    struct mandate_account *out, sepa_error *err)
{
	char cred[24], man[24], mon[SEPA_DATE_BUFSZ];
	const char *params[3];
	PGresult *res = NULL;
	sepa_date from;
	int rc;

	memset(out, 0, sizeof(*out));
	mandate_i64(cred, sizeof(cred), creditor_id);
	mandate_i64(man, sizeof(man), mandate_id);
	params[0] = cred;
	params[1] = man;
	params[2] = mandate_month_first(mon, collection_month);
	rc = db_query(db, &res, "find the account of a mandate",
	    "SELECT a.id, a.iban, a.bic, "
	    "to_char(a.applies_from, 'YYYY-MM-DD'), "
	    "coalesce((SELECT c.iban FROM collections c "
	    "JOIN batches b ON b.creditor_id = c.creditor_id "
	    "AND b.id = c.batch_id "
	    "WHERE c.creditor_id = $1 AND c.mandate_id = $2 "
	    "AND b.collection_month < $3 "
	    "AND c.state NOT IN " MANDATE_NOT_REACHED " "
	    "ORDER BY b.collection_month DESC, c.due_on DESC, c.id DESC "
	    "LIMIT 1), "
	    /* or the account the software sepad replaced debited (035) */
	    MANDATE_PRESENTED_IBAN ") "
	    "FROM mandate_accounts a "
	    "WHERE a.creditor_id = $1 AND a.mandate_id = $2 "
	    "AND a.applies_from <= $3 "
	    "ORDER BY a.applies_from DESC, a.id DESC LIMIT 1",
	    3, params, err);
	if (rc != 0)
		goto cleanup;
	if (PQntuples(res) != 1) {
		char m[SEPA_MONTH_BUFSZ];

		rc = sepa_error_set(err, SEPA_ENOTFOUND,
		    "mandate %" PRId64 " has no account for the %s collection",
		    mandate_id, sepa_month_iso(m, collection_month));
		goto cleanup;
	}
	out->account_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	mandate_copy(out->iban, sizeof(out->iban), res, 0, 1);
	mandate_copy(out->bic, sizeof(out->bic), res, 0, 2);
	if ((rc = mandate_get_date(res, 0, 3, &from, err)) != 0)
		goto cleanup;
	out->applies_from = sepa_month_of(from);
	mandate_copy(
	    out->last_debited_iban, sizeof(out->last_debited_iban), res, 0, 4);
	out->amendment = sepa_rule_amendment(out->last_debited_iban, out->iban);
cleanup:
	db_result_free(res);
	return rc;
}

int
store_mandate_sequence(struct db *db, int64_t creditor_id, int64_t mandate_id,
    sepa_month collection_month, const sepa_rules *rules, enum sepa_seq *seq,
    sepa_error *err)
{
	char cred[24], man[24], mon[SEPA_DATE_BUFSZ];
	const char *params[3];
	int64_t used;
	int rc;

	mandate_i64(cred, sizeof(cred), creditor_id);
	mandate_i64(man, sizeof(man), mandate_id);
	params[0] = cred;
	params[1] = man;
	params[2] = mandate_month_first(mon, collection_month);
	rc = db_query_int64(db, &used, "find the sequence type of a mandate",
	    "SELECT count(*) FROM (SELECT 1 FROM mandates m "
	    "WHERE m.creditor_id = $1 AND m.id = $2 AND m.presented_before "
	    "UNION ALL SELECT 1 FROM collections c "
	    "JOIN batches b ON b.creditor_id = c.creditor_id "
	    "AND b.id = c.batch_id "
	    "WHERE c.creditor_id = $1 AND c.mandate_id = $2 "
	    "AND b.collection_month < $3 "
	    "AND c.state NOT IN " MANDATE_NOT_REACHED " LIMIT 1) x",
	    3, params, err);
	if (rc != 0)
		return rc;
	*seq = sepa_rule_sequence(rules, used > 0);
	return 0;
}

int
store_mandate_amendment_carried(struct db *db, int64_t creditor_id,
    int64_t account_id, int64_t collection_id, sepa_error *err)
{
	char cred[24], acc[24], col[24];
	const char *params[3] = {cred, acc, col};
	int64_t n;
	int rc;

	mandate_i64(cred, sizeof(cred), creditor_id);
	mandate_i64(acc, sizeof(acc), account_id);
	mandate_i64(col, sizeof(col), collection_id);
	rc = db_query_int64(db, &n,
	    "record the collection carrying an amendment",
	    "WITH u AS (UPDATE mandate_accounts SET amendment_required = true, "
	    "amended_by_collection = $3 "
	    "WHERE creditor_id = $1 AND id = $2 "
	    "AND (amended_by_collection IS NULL "
	    "OR amended_by_collection = $3 "
	    "OR EXISTS (SELECT 1 FROM collections c WHERE c.creditor_id = $1 "
	    "AND c.id = amended_by_collection "
	    "AND c.state IN " MANDATE_NOT_REACHED ")) RETURNING 1) "
	    "SELECT count(*) FROM u",
	    3, params, err);
	if (rc == 0 && n != 1)
		rc = sepa_error_set(err, SEPA_ESTATE,
		    "account %" PRId64 " is unknown or its amendment was "
		    "already carried by another collection",
		    account_id);
	return rc;
}

/* ------------------------------------------------- shared by commands */

/* What the commands need of a mandate, locked for the transaction. */
struct mandate_row {
	int64_t id;
	int64_t family_id;
	char rum[64];
	char state[16];
	char reason[128]; /* as stored, in English */
	char said[128]; /* in the reader's language */
	sepa_date since;
	sepa_date ends_on; /* year 0: none */
};

/*
 * Find the mandate of `rum` (case-insensitive, as the unique index) and
 * lock it FOR UPDATE in the caller's transaction. SEPA_ENOTFOUND names the
 * RUM.
 */
static int
mandate_lock(struct db *db, int64_t creditor_id, const char *rum,
    struct mandate_row *m, sepa_error *err)
{
	char cred[24];
	const char *params[2] = {cred, rum};
	PGresult *res = NULL;
	char *said;
	int rc;

	memset(m, 0, sizeof(*m));
	mandate_i64(cred, sizeof(cred), creditor_id);
	rc = db_query(db, &res, "find the mandate",
	    "SELECT id, family_id, rum, state, coalesce(state_reason, ''), "
	    "to_char(state_since, 'YYYY-MM-DD'), "
	    "to_char(ends_on, 'YYYY-MM-DD'), reason_msgid, NULL, reason_args "
	    "FROM mandates "
	    "WHERE creditor_id = $1 AND upper(rum) = upper($2) FOR UPDATE",
	    2, params, err);
	if (rc != 0)
		goto cleanup;
	if (PQntuples(res) != 1) {
		rc = sepa_error_set(
		    err, SEPA_ENOTFOUND, "no mandate with RUM \"%s\"", rum);
		goto cleanup;
	}
	m->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	m->family_id = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	mandate_copy(m->rum, sizeof(m->rum), res, 0, 2);
	mandate_copy(m->state, sizeof(m->state), res, 0, 3);
	mandate_copy(m->reason, sizeof(m->reason), res, 0, 4);
	said = db_message_at(res, 0, 4, 7);
	snprintf(m->said, sizeof(m->said), "%s", said);
	free(said);
	if ((rc = mandate_get_date(res, 0, 5, &m->since, err)) != 0)
		goto cleanup;
	rc = mandate_get_date(res, 0, 6, &m->ends_on, err);
cleanup:
	db_result_free(res);
	return rc;
}

/* SEPA_ESTATE for a mandate that has ended (terminated or lapsed). */
static int
mandate_refuse_ended(
    const struct mandate_row *m, const char *what, sepa_error *err)
{
	char since[SEPA_DATE_BUFSZ];

	if (strcmp(m->state, "terminated") != 0 &&
	    strcmp(m->state, "lapsed") != 0)
		return 0;
	return sepa_error_set(err, SEPA_ESTATE,
	    "mandate %s is %s (%s) since %s: %s", m->rum,
	    i18n_state(I18N_MANDATE, m->state), m->said,
	    i18n_date(since, m->since), _(what));
}

/* SEPA_EINVAL for a letter received after the business date (dates in
 * the reader's form). */
static int
mandate_refuse_future(sepa_date received, sepa_date today, sepa_error *err)
{
	char recv[SEPA_DATE_BUFSZ], tod[SEPA_DATE_BUFSZ];

	if (sepa_date_cmp(received, today) <= 0)
		return 0;
	return sepa_error_set(err, SEPA_EINVAL,
	    "received date %s is after the business date %s",
	    i18n_date(recv, received), i18n_date(tod, today));
}

/*
 * The first collection month not closed yet (no batch prepared or
 * released for it nor after it); `floor` when no month is closed.
 */
static int
mandate_first_open(struct db *db, int64_t creditor_id, sepa_month floor,
    sepa_month *out, sepa_error *err)
{
	char cred[24], fl[SEPA_DATE_BUFSZ];
	const char *params[2] = {cred, fl};
	PGresult *pr = NULL;
	sepa_date d;
	int rc;

	mandate_i64(cred, sizeof(cred), creditor_id);
	mandate_month_first(fl, floor);
	rc = db_query(db, &pr, "find the first open collection month",
	    "SELECT to_char(coalesce(max(collection_month) + "
	    "interval '1 month', $2::date), 'YYYY-MM-DD') FROM batches "
	    "WHERE creditor_id = $1 AND purpose = 'collect' AND state IN "
	    "('prepared', 'placing', 'released')",
	    2, params, err);
	if (rc == 0)
		rc = mandate_get_date(pr, 0, 0, &d, err);
	if (rc == 0)
		*out = sepa_month_of(d);
	db_result_free(pr);
	return rc;
}

static int
mandate_event(struct db *db, int64_t creditor_id, const struct mandate_row *m,
    const char *kind, sepa_date today, sepa_month month, const char *msg,
    const struct i18n_msg *say, sepa_error *err)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.message = msg;
	ev.say = say;
	ev.business_date = today;
	ev.month = month;
	ev.family_id = m->family_id;
	ev.mandate_id = m->id;
	return store_event_add(db, creditor_id, &ev, err);
}

/* ----------------------------------------------------- account change */

/* $1 creditor: held FOR SHARE (see mandate_change_begin). */
static const char mandate_lock_creditor_sql[] =
    "SELECT count(*) FROM (SELECT 1 FROM creditors WHERE id = $1 "
    "FOR SHARE) x";

/* $1 creditor, $2 mandate: the account that would be debited from now. */
static const char mandate_latest_account_sql[] =
    "SELECT iban, to_char(applies_from, 'YYYY-MM') "
    "FROM mandate_accounts WHERE creditor_id = $1 AND mandate_id = $2 "
    "ORDER BY applies_from DESC, id DESC LIMIT 1";

/*
 * $1 creditor, $2 mandate, $3 first day of the month the change applies
 * from: last one wins, a change received earlier that applies from the
 * same month or later and was never debited gives way.
 */
static const char mandate_replace_pending_sql[] =
    "WITH d AS (DELETE FROM mandate_accounts a "
    "WHERE a.creditor_id = $1 AND a.mandate_id = $2 "
    "AND a.applies_from >= $3 AND NOT EXISTS (SELECT 1 FROM "
    "collections c WHERE c.creditor_id = a.creditor_id "
    "AND c.account_id = a.id) RETURNING 1) SELECT count(*) FROM d";

/*
 * $1 creditor, $2 mandate, $3 IBAN, $4 BIC or NULL, $5 applies from,
 * $6 received: an amendment is required unless it is the first account.
 */
static const char mandate_insert_account_sql[] =
    "INSERT INTO mandate_accounts (creditor_id, mandate_id, iban, bic, "
    "applies_from, received_on, amendment_required) "
    "SELECT $1, $2, $3, $4, $5, $6, EXISTS (SELECT 1 FROM "
    "mandate_accounts WHERE creditor_id = $1 AND mandate_id = $2) "
    "RETURNING id";

/* $1 creditor, $2 mandate, $3 today. */
static const char mandate_reactivate_sql[] =
    "UPDATE mandates SET state = 'active', state_reason = NULL, "
    "reason_msgid = NULL, reason_args = NULL, "
    "state_since = $3, updated_at = now() "
    "WHERE creditor_id = $1 AND id = $2";

/* What can be refused before the database: the IBAN, the dates. */
static int
mandate_change_check(
    const struct mandate_change *chg, sepa_date today, sepa_error *err)
{
	char recv[SEPA_DATE_BUFSZ], sent[SEPA_DATE_BUFSZ], tod[SEPA_DATE_BUFSZ];
	char mask[SEPA_IBAN_MASK_BUFSZ], cc[3];
	int rc;

	if ((rc = sepa_iban_validate(chg->iban, err)) != 0)
		return rc;
	cc[0] = chg->iban[0];
	cc[1] = chg->iban[1];
	cc[2] = '\0';
	if (!sepa_iban_is_sepa_country(cc))
		return sepa_error_set(err, SEPA_EINVAL,
		    "IBAN %s: country %s is not in the SEPA scheme, it cannot "
		    "be debited",
		    sepa_iban_mask(mask, chg->iban), cc);
	sepa_date_iso(recv, chg->received);
	sepa_date_iso(sent, chg->sent);
	sepa_date_iso(tod, today);
	if (sepa_date_cmp(chg->sent, chg->received) > 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "sent date %s is after the received date %s",
		    i18n_date(sent, chg->sent), i18n_date(recv, chg->received));
	return mandate_refuse_future(chg->received, today, err);
}

/*
 * Begin the transaction and lock: the creditor row, shared (a collection
 * run that records a batch holds it FOR UPDATE, so the first open month
 * read next cannot close under us, nor a batch read the accounts before
 * we commit), then the mandate, which must not have ended.
 */
static int
mandate_change_begin(struct db *db, int64_t creditor_id, const char *rum,
    const char *refused, struct mandate_row *m, sepa_error *err)
{
	char cred[24];
	int64_t n;
	int rc;

	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	mandate_i64(cred, sizeof(cred), creditor_id);
	if ((rc = db_query_int64(db, &n, "lock the creditor",
	         mandate_lock_creditor_sql, 1, (const char *const[]){cred},
	         err)) != 0 ||
	    (rc = mandate_lock(db, creditor_id, rum, m, err)) != 0)
		return rc;
	return mandate_refuse_ended(m, refused, err);
}

/* SEPA_EINVAL when the new IBAN is the account debited from now on. */
static int
mandate_refuse_same_account(struct db *db, const char *cred, const char *man,
    const struct mandate_row *m, const char *iban, sepa_error *err)
{
	char mask[SEPA_IBAN_MASK_BUFSZ];
	PGresult *r = NULL;
	int rc;

	if ((rc = db_query(db, &r, "read the mandate's accounts",
	         mandate_latest_account_sql, 2,
	         (const char *const[]){cred, man}, err)) != 0)
		return rc;
	if (PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), iban) == 0)
		rc = sepa_error_set(err, SEPA_EINVAL,
		    "mandate %s: IBAN %s is already its account (from the %s "
		    "collection)",
		    m->rum, sepa_iban_mask(mask, iban), PQgetvalue(r, 0, 1));
	db_result_free(r);
	return rc;
}

/* The new account, from res->applies_from, replacing a pending change. */
static int
mandate_record_account(struct db *db, const char *cred, const char *man,
    const struct mandate_row *m, const struct mandate_change *chg,
    struct mandate_change_result *res, sepa_error *err)
{
	char from[SEPA_DATE_BUFSZ], recv[SEPA_DATE_BUFSZ],
	    mon[SEPA_MONTH_BUFSZ];
	int64_t n;
	int rc;

	mandate_month_first(from, res->applies_from);
	sepa_date_iso(recv, chg->received);
	if ((rc = db_query_int64(db, &n, "replace a pending account change",
	         mandate_replace_pending_sql, 3,
	         (const char *const[]){cred, man, from}, err)) != 0)
		return rc;
	res->replaced = n > 0;
	rc = db_query_int64(db, &res->account_id, "record the new account",
	    mandate_insert_account_sql, 6,
	    (const char *const[]){cred, man, chg->iban,
	        chg->bic != NULL && chg->bic[0] != '\0' ? chg->bic : NULL, from,
	        recv},
	    err);
	if (rc != 0 && db_last_fail(db) == DB_FAIL_UNIQUE)
		rc = sepa_error_set(err, SEPA_ESTATE,
		    "mandate %s: the %s collection already uses another "
		    "account",
		    m->rum, sepa_month_iso(mon, res->applies_from));
	return rc;
}

/*
 * How a change's month is said: the change alone (`rum` NULL: when->why)
 * or the 'mandate.account_changed' event (mandate `rum`, new account
 * `mask`, `replaced` a change not yet debited). In time, after the
 * cut-off day, or its month already with the bank.
 */
static void
mandate_change_say(struct i18n_msg *say, const struct mandate_change_when *w,
    sepa_date sent, const char *rum, const char *mask, bool replaced)
{
	const char *repl =
	    replaced ? N_(", replacing a change not yet debited") : "";
	int64_t cut = w->cutoff_day;
	sepa_month before = sepa_month_add(w->applies_from, -1);

	if (rum == NULL && w->month_closed)
		i18n_msg(say,
		    N_("sent on %s, but the %s collection is already with the "
		       "bank: applies from the %s collection"),
		    "dMM", sent, before, w->applies_from);
	else if (rum == NULL)
		i18n_msg(say,
		    w->after_cutoff
		        ? N_("sent on %s, after the %s: applies from the %s "
		             "collection")
		        : N_("sent on %s, by the %s: applies from the %s "
		             "collection"),
		    "doM", sent, cut, w->applies_from);
	else if (w->month_closed)
		i18n_msg(say,
		    N_("mandate %s: new account %s%s (sent on %s, but the %s "
		       "collection is already with the bank: applies from the "
		       "%s collection)"),
		    "ttgdMM", rum, mask, repl, sent, before, w->applies_from);
	else
		i18n_msg(say,
		    w->after_cutoff
		        ? N_("mandate %s: new account %s%s (sent on %s, after "
		             "the %s: applies from the %s collection)")
		        : N_("mandate %s: new account %s%s (sent on %s, by the "
		             "%s: applies from the %s collection)"),
		    "ttgdoM", rum, mask, repl, sent, cut, w->applies_from);
}

/* A stored message as the reader reads it, into buf. */
static void
mandate_say_text(char *buf, size_t size, const struct i18n_msg *say)
{
	char *text = i18n_render(say->msgid, say->plural,
	    (const char *const *)say->args, say->nargs, 1);

	snprintf(buf, size, "%s", text);
	free(text);
}

/*
 * when->why and its facts: the month sepa_rule_account_change_month gives
 * for the sending date alone (its floor, the sending month, never binds),
 * and whether the first open month moved it later.
 */
static void
mandate_change_why(const sepa_rules *rules, sepa_date sent_on,
    struct mandate_change_when *when)
{
	sepa_month sent_month = sepa_month_of(sent_on);
	sepa_month by_date =
	    sepa_rule_account_change_month(rules, sent_on, sent_month);
	struct i18n_msg say;

	when->cutoff_day = rules->account_change_cutoff_day;
	when->after_cutoff = sepa_month_cmp(by_date, sent_month) > 0;
	when->month_closed = sepa_month_cmp(when->applies_from, by_date) != 0;
	mandate_change_say(&say, when, sent_on, NULL, NULL, false);
	mandate_say_text(when->why, sizeof(when->why), &say);
}

/* The month a change sent on `sent` applies from, and why. */
static int
mandate_change_month(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, sepa_date sent, struct mandate_change_when *when,
    sepa_error *err)
{
	sepa_month open;
	int rc;

	memset(when, 0, sizeof(*when));
	if ((rc = mandate_first_open(
	         db, creditor_id, sepa_month_of(sent), &open, err)) != 0)
		return rc;
	when->first_open = open;
	when->applies_from = sepa_rule_account_change_month(rules, sent, open);
	mandate_change_why(rules, sent, when);
	return 0;
}

/* New bank details make a suspended mandate active again. */
static int
mandate_reactivate(struct db *db, int64_t creditor_id,
    const struct mandate_row *m, sepa_date today,
    struct mandate_change_result *res, sepa_error *err)
{
	char cred[24], man[24], tod[SEPA_DATE_BUFSZ];
	struct i18n_msg say;
	int rc;

	if (strcmp(m->state, "suspended") != 0)
		return 0;
	mandate_i64(cred, sizeof(cred), creditor_id);
	mandate_i64(man, sizeof(man), m->id);
	sepa_date_iso(tod, today);
	if ((rc = db_exec(db, "reactivate the mandate", mandate_reactivate_sql,
	         3, (const char *const[]){cred, man, tod}, err)) != 0)
		return rc;
	res->reactivated = true;
	i18n_msg(&say,
	    N_("mandate %s active again on new bank details (was suspended: "
	       "%s)"),
	    "tt", m->rum, m->reason);
	return mandate_event(db, creditor_id, m, "mandate.reactivated", today,
	    (sepa_month){0, 0}, NULL, &say, err);
}

/*
 * What a change checks in its transaction (begun here; the caller ends
 * it): the creditor and the mandate locked, the mandate not ended, the
 * month it applies from, the account not the one in force.
 */
static int
mandate_change_prepare(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, const struct mandate_change *chg,
    struct mandate_row *m, struct mandate_change_when *when, sepa_error *err)
{
	char cred[24], man[24];
	int rc;

	if ((rc = mandate_change_begin(db, creditor_id, chg->rum,
	         N_("its bank details cannot change; a new mandate is needed"),
	         m, err)) != 0 ||
	    (rc = mandate_change_month(
	         db, creditor_id, rules, chg->sent, when, err)) != 0)
		return rc;
	mandate_i64(cred, sizeof(cred), creditor_id);
	mandate_i64(man, sizeof(man), m->id);
	return mandate_refuse_same_account(db, cred, man, m, chg->iban, err);
}

int
store_mandate_change_preview(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, const struct mandate_change *chg, sepa_date today,
    struct mandate_change_when *when, sepa_error *err)
{
	struct mandate_row m;
	int rc;

	memset(when, 0, sizeof(*when));
	if ((rc = mandate_change_check(chg, today, err)) != 0)
		return rc;
	rc = mandate_change_prepare(db, creditor_id, rules, chg, &m, when, err);
	db_rollback(db);
	return rc;
}

int
store_mandate_change_account(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, const struct mandate_change *chg, sepa_date today,
    struct mandate_change_result *res, sepa_error *err)
{
	char cred[24], man[24], mask[SEPA_IBAN_MASK_BUFSZ];
	struct mandate_row m;
	struct i18n_msg say;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = mandate_change_check(chg, today, err)) != 0)
		return rc;
	if ((rc = mandate_change_prepare(
	         db, creditor_id, rules, chg, &m, &res->when, err)) != 0)
		goto cleanup;
	res->mandate_id = m.id;
	snprintf(res->rum, sizeof(res->rum), "%s", m.rum);
	mandate_i64(cred, sizeof(cred), creditor_id);
	mandate_i64(man, sizeof(man), m.id);
	res->applies_from = res->when.applies_from;
	if ((rc = mandate_record_account(db, cred, man, &m, chg, res, err)) !=
	    0)
		goto cleanup;
	snprintf(res->why, sizeof(res->why), "%s", res->when.why);
	mandate_change_say(&say, &res->when, chg->sent, m.rum,
	    sepa_iban_mask(mask, chg->iban), res->replaced);
	if ((rc = mandate_event(db, creditor_id, &m, "mandate.account_changed",
	         today, res->applies_from, NULL, &say, err)) != 0 ||
	    (rc = mandate_reactivate(db, creditor_id, &m, today, res, err)) !=
	        0)
		goto cleanup;
	rc = db_commit(db, err);
cleanup:
	if (rc != 0)
		db_rollback(db);
	return rc;
}

/* --------------------------------------------------------- RUM change */

/*
 * $1 creditor, $2 RUM: a mandate that has it, or had it (a RUM given up
 * is never taken again), as "RUM of mandate X" text; none: no row.
 */
static const char mandate_rum_taken_sql[] =
    "SELECT rum, '' FROM mandates WHERE creditor_id = "
    "$1 AND upper(rum) = upper($2) UNION ALL SELECT "
    "m.rum, c.received_on::text FROM mandate_rum_changes c "
    "JOIN mandates m ON m.creditor_id = c.creditor_id AND m.id = "
    "c.mandate_id WHERE c.creditor_id = $1 AND upper(c.old_rum) = "
    "upper($2) LIMIT 1";

/* $1 creditor, $2 mandate, $3 old RUM, $4 new RUM, $5 received. */
static const char mandate_rum_change_sql[] =
    "WITH c AS (INSERT INTO mandate_rum_changes (creditor_id, mandate_id, "
    "old_rum, new_rum, received_on) VALUES ($1, $2, $3, $4, $5) RETURNING "
    "1) UPDATE mandates SET rum = $4, updated_at = now() WHERE "
    "creditor_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM c)";

/*
 * $1 creditor, $2 mandate: whether the debtor's bank knows the mandate
 * (a collection that reached it, or presented by the software sepad
 * replaced): then the next debit declares the old RUM.
 */
static const char mandate_presented_sql[] =
    "SELECT count(*) FROM (SELECT 1 FROM mandates WHERE creditor_id = $1 "
    "AND id = $2 AND presented_before UNION ALL SELECT 1 FROM collections "
    "WHERE creditor_id = $1 AND mandate_id = $2 AND state NOT IN " MANDATE_NOT_REACHED
    " LIMIT 1) x";

/* What can be refused before the database: the new RUM, the date. */
static int
mandate_rum_check(const char *old_rum, const char *new_rum, sepa_date received,
    sepa_date today, sepa_error *err)
{
	int rc;

	if ((rc = sepa_id_validate(new_rum, "RUM", err)) != 0)
		return rc;
	if (strcasecmp(old_rum, new_rum) == 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "the new RUM %s is the old one (banks may compare RUMs "
		    "without regard to case)",
		    new_rum);
	return mandate_refuse_future(received, today, err);
}

int
store_mandate_change_rum(struct db *db, int64_t creditor_id,
    const char *old_rum, const char *new_rum, sepa_date received,
    sepa_date today, struct mandate_rum_result *res, sepa_error *err)
{
	char cred[24], man[24], recv[SEPA_DATE_BUFSZ];
	char until[I18N_DATE_TEXT_BUFSZ];
	struct mandate_row m;
	struct i18n_msg say;
	PGresult *r = NULL;
	int64_t presented;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = mandate_rum_check(old_rum, new_rum, received, today, err)) !=
	        0 ||
	    (rc = mandate_change_begin(db, creditor_id, old_rum,
	         N_("its RUM cannot change; a new mandate is needed"), &m,
	         err)) != 0)
		goto cleanup;
	mandate_i64(cred, sizeof(cred), creditor_id);
	mandate_i64(man, sizeof(man), m.id);
	if ((rc = db_query(db, &r, "look for the new RUM",
	         mandate_rum_taken_sql, 2, (const char *const[]){cred, new_rum},
	         err)) != 0)
		goto cleanup;
	if (PQntuples(r) > 0) {
		rc = PQgetvalue(r, 0, 1)[0] == '\0'
		    ? sepa_error_set(err, SEPA_EINVAL,
		          "RUM %s is the RUM of mandate %s", new_rum,
		          PQgetvalue(r, 0, 0))
		    : sepa_error_set(err, SEPA_EINVAL,
		          "RUM %s is the RUM mandate %s had until %s", new_rum,
		          PQgetvalue(r, 0, 0),
		          i18n_date_text(until, PQgetvalue(r, 0, 1)));
		goto cleanup;
	}
	sepa_date_iso(recv, received);
	if ((rc = db_exec(db, "change the RUM", mandate_rum_change_sql, 5,
	         (const char *const[]){cred, man, m.rum, new_rum, recv},
	         err)) != 0 ||
	    (rc = db_query_int64(db, &presented, "see if the bank knows it",
	         mandate_presented_sql, 2, (const char *const[]){cred, man},
	         err)) != 0)
		goto cleanup;
	res->presented = presented > 0;
	snprintf(res->old_rum, sizeof(res->old_rum), "%s", m.rum);
	snprintf(res->new_rum, sizeof(res->new_rum), "%s", new_rum);
	i18n_msg(&say,
	    res->presented
	        ? N_("mandate %s is now %s (received %s): its next debit "
	             "declares the old RUM (OrgnlMndtId), once")
	        : N_("mandate %s is now %s (received %s): never presented, "
	             "nothing to declare"),
	    "ttd", m.rum, new_rum, received);
	if ((rc = mandate_event(db, creditor_id, &m, "mandate.rum_changed",
	         today, (sepa_month){0, 0}, NULL, &say, err)) != 0)
		goto cleanup;
	rc = db_commit(db, err);
cleanup:
	db_result_free(r);
	if (rc != 0)
		db_rollback(db);
	return rc;
}

/* -------------------------------------------------------- termination */

/* The event of a termination: ended now or later, and why (res->why in
 * the reader's language). */
static void
mandate_end_say(struct i18n_msg *say, const sepa_rules *rules,
    const struct mandate_row *m, sepa_date received, bool immediate,
    const struct mandate_end_result *res)
{
	sepa_date deadline = {
	    0, rules->letter_deadline_month, rules->letter_deadline_day};
	bool before = res->in_time; /* as res->why */

	if (immediate)
		i18n_msg(say,
		    N_("mandate %s terminated (revoked with immediate effect, "
		       "received on %s)"),
		    "td", m->rum, received);
	else if (res->terminated_now)
		i18n_msg(say,
		    before ? N_("mandate %s terminated (letter received on %s, "
		                "before %s)")
		           : N_("mandate %s terminated (letter received on %s, "
		                "not before %s)"),
		    "tdy", m->rum, received, deadline);
	else
		i18n_msg(say,
		    before ? N_("mandate %s ends on %s (letter received on %s, "
		                "before %s)")
		           : N_("mandate %s ends on %s (letter received on %s, "
		                "not before %s)"),
		    "tddy", m->rum, res->ends_on, received, deadline);
}

/* The termination; `preview`: every step of it, then rolled back. */
static int
mandate_end(struct db *db, int64_t creditor_id, const sepa_rules *rules,
    const char *rum, sepa_date received, bool immediate, sepa_date today,
    bool preview, struct mandate_end_result *res, sepa_error *err)
{
	char cred[24], man[24], recv[SEPA_DATE_BUFSZ], tod[SEPA_DATE_BUFSZ];
	char end[SEPA_DATE_BUFSZ], since[SEPA_DATE_BUFSZ];
	struct mandate_row m;
	struct i18n_msg say;
	sepa_date ends;
	int rc;

	memset(res, 0, sizeof(*res));
	sepa_date_iso(recv, received);
	sepa_date_iso(tod, today);
	if ((rc = mandate_refuse_future(received, today, err)) != 0)
		return rc;
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	if ((rc = mandate_lock(db, creditor_id, rum, &m, err)) != 0)
		goto cleanup;
	if ((rc = mandate_refuse_ended(&m, N_("nothing to terminate"), err)) !=
	    0)
		goto cleanup;
	res->mandate_id = m.id;
	snprintf(res->rum, sizeof(res->rum), "%s", m.rum);
	ends = sepa_rule_letter_end(rules, received, immediate);
	res->received = received;
	res->deadline = sepa_rule_letter_deadline(rules, received);
	res->in_time = sepa_date_cmp(received, res->deadline) < 0;
	if (immediate)
		i18n_msg(&say,
		    N_("revoked with immediate effect, received on %s"), "d",
		    received);
	else
		i18n_msg(&say,
		    res->in_time ? N_("letter received on %s, before %s")
		                 : N_("letter received on %s, not before %s"),
		    "dy", received, res->deadline);
	mandate_say_text(res->why, sizeof(res->why), &say);
	/* A second letter never postpones an end already scheduled. */
	if (!immediate && m.ends_on.year != 0 &&
	    sepa_date_cmp(m.ends_on, ends) <= 0) {
		ends = m.ends_on;
		res->kept_earlier = true;
	}
	res->ends_on = ends;
	res->terminated_now = immediate || sepa_date_cmp(ends, today) < 0;
	sepa_date_iso(end, ends);
	mandate_i64(cred, sizeof(cred), creditor_id);
	mandate_i64(man, sizeof(man), m.id);
	if (res->terminated_now) {
		sepa_date s =
		    immediate ? received : sepa_date_add_days(ends, 1);

		const char *reason = immediate ? N_("revoked by the family")
		                               : N_("family letter");

		rc = db_exec(db, "terminate the mandate",
		    "UPDATE mandates SET state = 'terminated', state_reason = $3, "
		    "reason_msgid = $3, reason_args = '{}', "
		    "state_since = $4, ends_on = $5, updated_at = now() "
		    "WHERE creditor_id = $1 AND id = $2",
		    5,
		    (const char *const[]){
		        cred, man, reason, sepa_date_iso(since, s), end},
		    err);
	} else {
		rc = db_exec(db, "schedule the end of the mandate",
		    "UPDATE mandates SET ends_on = $3, updated_at = now() "
		    "WHERE creditor_id = $1 AND id = $2",
		    3, (const char *const[]){cred, man, end}, err);
	}
	if (rc != 0)
		goto cleanup;
	mandate_end_say(&say, rules, &m, received, immediate, res);
	if ((rc = mandate_event(db, creditor_id, &m,
	         res->terminated_now ? "mandate.terminated"
	                             : "mandate.end_scheduled",
	         today, (sepa_month){0, 0}, NULL, &say, err)) != 0)
		goto cleanup;
	if (preview)
		db_rollback(db);
	else
		rc = db_commit(db, err);
cleanup:
	if (rc != 0)
		db_rollback(db);
	return rc;
}

int
store_mandate_terminate(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, const char *rum, sepa_date received,
    bool immediate, sepa_date today, struct mandate_end_result *res,
    sepa_error *err)
{
	return mandate_end(db, creditor_id, rules, rum, received, immediate,
	    today, false, res, err);
}

int
store_mandate_terminate_preview(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, const char *rum, sepa_date received,
    bool immediate, sepa_date today, struct mandate_end_result *res,
    sepa_error *err)
{
	return mandate_end(db, creditor_id, rules, rum, received, immediate,
	    today, true, res, err);
}

/* -------------------------------------------------------------- sweep */

int
store_mandate_sweep(struct db *db, int64_t creditor_id, const sepa_rules *rules,
    sepa_date today, struct mandate_sweep_result *res, sepa_error *err)
{
	char cred[24], tod[SEPA_DATE_BUFSZ], months[16];
	PGresult *r = NULL;
	char *ids = NULL;
	size_t len = 0, cap = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	mandate_i64(cred, sizeof(cred), creditor_id);
	sepa_date_iso(tod, today);
	/* the reasons and events are msgids with their arguments (051) */
	snprintf(months, sizeof(months), "%d", rules->lapse_months);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	/* ends_on is the last day a mandate may be collected. */
	rc = db_query_int64(db, &res->terminated, "end mandates after a letter",
	    "WITH t AS (UPDATE mandates SET state = 'terminated', "
	    "state_reason = $3, reason_msgid = $3, reason_args = '{}', "
	    "state_since = ends_on + 1, "
	    "updated_at = now() WHERE creditor_id = $1 "
	    "AND state IN ('active', 'suspended') AND ends_on < $2 "
	    "RETURNING id, family_id, rum, ends_on), "
	    "e AS (INSERT INTO events (creditor_id, business_date, kind, "
	    "family_id, mandate_id, message, msgid, msg_args) SELECT $1, $2, "
	    "'mandate.terminated', family_id, id, sepad_message($4, x.args), "
	    "$4, x.args FROM t CROSS JOIN LATERAL (SELECT ARRAY['t:' || rum, "
	    "'d:' || to_char(ends_on, 'YYYY-MM-DD')] AS args) x RETURNING 1) "
	    "SELECT count(*) FROM e",
	    4,
	    (const char *const[]){cred, tod, N_("family letter"),
	        N_("mandate %s terminated: family letter, last collectable "
	           "day %s")},
	    err);
	if (rc != 0)
		goto cleanup;

	/*
	 * Lapse: the last use is the due date of the last collection that
	 * was presented (any state but cancelled), the last debit imported
	 * from the software sepad replaced, else the signature. SQL
	 * only narrows the candidates (a week of slack); sepa_rule_lapsed
	 * decides.
	 */
	rc = db_query(db, &r, "find unused mandates",
	    "SELECT m.id, to_char(" MANDATE_LAST_USE ", 'YYYY-MM-DD') "
	    "FROM mandates m "
	    "WHERE m.creditor_id = $1 AND m.state IN ('active', 'suspended') "
	    "AND " MANDATE_LAST_USE " < "
	    "($2::date - make_interval(months => $3::int))::date + 7",
	    3, (const char *const[]){cred, tod, months}, err);
	if (rc != 0)
		goto cleanup;
	for (int i = 0; i < PQntuples(r); i++) {
		sepa_date last;
		const char *id = PQgetvalue(r, i, 0);
		size_t n = strlen(id);

		if ((rc = mandate_get_date(r, i, 1, &last, err)) != 0)
			goto cleanup;
		if (!sepa_rule_lapsed(rules, last, today))
			continue;
		if (len + n + 3 > cap) {
			cap = (cap + n + 3) * 2;
			ids = xreallocarray(ids, cap, 1);
		}
		ids[len] = len == 0 ? '{' : ',';
		len++;
		memcpy(ids + len, id, n);
		len += n;
		ids[len] = '\0';
	}
	if (len > 0) {
		ids[len++] = '}';
		ids[len] = '\0';
		rc = db_query_int64(db, &res->lapsed, "lapse unused mandates",
		    "WITH t AS (UPDATE mandates SET state = 'lapsed', "
		    "state_reason = sepad_message($5, ARRAY['n:' || $3]), "
		    "reason_msgid = $5, reason_args = ARRAY['n:' || $3], "
		    "state_since = $2, updated_at = now() "
		    "WHERE creditor_id = $1 AND id = ANY ($4::bigint[]) "
		    "RETURNING id, family_id, rum), "
		    "e AS (INSERT INTO events (creditor_id, business_date, kind, "
		    "family_id, mandate_id, message, msgid, msg_args) SELECT $1, "
		    "$2, 'mandate.lapsed', family_id, id, sepad_message($6, "
		    "x.args), $6, x.args FROM t CROSS JOIN LATERAL (SELECT "
		    "ARRAY['t:' || rum, 'n:' || $3] AS args) x RETURNING 1) "
		    "SELECT count(*) FROM e",
		    6,
		    (const char *const[]){cred, tod, months, ids,
		        N_("unused %s months"),
		        N_("mandate %s lapsed: unused %s months")},
		    err);
		if (rc != 0)
			goto cleanup;
	}
	rc = db_commit(db, err);
cleanup:
	free(ids);
	db_result_free(r);
	if (rc != 0)
		db_rollback(db);
	return rc;
}

/* ----------------------------------------------------------- show, list */

/* A text[] literal of reason codes (4 upper-case alphanumerics each). */
static char *
mandate_codes_array(const struct config_strlist *codes)
{
	size_t n = codes != NULL ? codes->count : 0;
	char *out = xmalloc(n * 6 + 3);
	size_t len = 0;

	out[len++] = '{';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			out[len++] = ',';
		memcpy(out + len, codes->items[i], strlen(codes->items[i]));
		len += strlen(codes->items[i]);
	}
	out[len++] = '}';
	out[len] = '\0';
	return out;
}

static int
mandate_show_accounts(struct db *db, const char *cred, const char *man,
    struct mandate_info *info, sepa_error *err)
{
	PGresult *r = NULL;
	int rc;

	rc = db_query(db, &r, "read the mandate's accounts",
	    "SELECT a.id, a.iban, a.bic, to_char(a.applies_from, 'YYYY-MM-DD'), "
	    "to_char(a.received_on, 'YYYY-MM-DD'), a.amendment_required, "
	    "c.end_to_end_id, to_char(b.collection_month, 'YYYY-MM-DD'), "
	    "EXISTS (SELECT 1 FROM collections u WHERE u.creditor_id = "
	    "a.creditor_id AND u.account_id = a.id AND u.state NOT IN " MANDATE_NOT_REACHED
	    ") "
	    "FROM mandate_accounts a "
	    "LEFT JOIN collections c ON c.creditor_id = a.creditor_id "
	    "AND c.id = a.amended_by_collection "
	    "LEFT JOIN batches b ON b.creditor_id = c.creditor_id "
	    "AND b.id = c.batch_id "
	    "WHERE a.creditor_id = $1 AND a.mandate_id = $2 "
	    "ORDER BY a.applies_from, a.id",
	    2, (const char *const[]){cred, man}, err);
	if (rc != 0)
		goto cleanup;
	info->naccounts = (size_t)PQntuples(r);
	info->accounts = xcalloc(
	    info->naccounts > 0 ? info->naccounts : 1, sizeof(*info->accounts));
	for (int i = 0; i < PQntuples(r); i++) {
		struct mandate_history *h = &info->accounts[i];
		sepa_date d;

		h->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
		mandate_copy(h->iban, sizeof(h->iban), r, i, 1);
		mandate_copy(h->bic, sizeof(h->bic), r, i, 2);
		if ((rc = mandate_get_date(r, i, 3, &d, err)) != 0)
			goto cleanup;
		h->applies_from = sepa_month_of(d);
		if ((rc = mandate_get_date(r, i, 4, &h->received_on, err)) != 0)
			goto cleanup;
		h->amendment_required = PQgetvalue(r, i, 5)[0] == 't';
		mandate_copy(h->carried_by, sizeof(h->carried_by), r, i, 6);
		if ((rc = mandate_get_date(r, i, 7, &d, err)) != 0)
			goto cleanup;
		h->carried_month = sepa_month_of(d);
		h->debited = PQgetvalue(r, i, 8)[0] == 't';
	}
cleanup:
	db_result_free(r);
	return rc;
}

/* $1 creditor, $2 RUM (any case). */
static const char mandate_show_sql[] =
    "SELECT m.id, m.rum, f.family_ref, f.payer_name, "
    "to_char(m.signed_on, 'YYYY-MM-DD'), m.state, "
    "coalesce(m.state_reason, ''), "
    "to_char(m.state_since, 'YYYY-MM-DD'), "
    "to_char(m.ends_on, 'YYYY-MM-DD'), "
    "to_char(" MANDATE_LAST_USE ", 'YYYY-MM-DD'), "
    "to_char(m.last_collected_on, 'YYYY-MM-DD'), m.presented_before, "
    "m.reason_msgid, NULL, m.reason_args "
    "FROM mandates m "
    "JOIN families f ON f.creditor_id = m.creditor_id "
    "AND f.id = m.family_id "
    "WHERE m.creditor_id = $1 AND upper(m.rum) = upper($2)";

/* $1 creditor, $2 mandate: its last collection, whatever its state. */
static const char mandate_last_collection_sql[] =
    "SELECT to_char(b.collection_month, 'YYYY-MM-DD'), "
    "to_char(c.due_on, 'YYYY-MM-DD'), c.state, c.iban, c.amount_cents, "
    "c.seq_type, coalesce(c.reason_code, '') "
    "FROM collections c JOIN batches b ON b.creditor_id = "
    "c.creditor_id AND b.id = c.batch_id "
    "WHERE c.creditor_id = $1 AND c.mandate_id = $2 "
    "ORDER BY b.collection_month DESC, c.id DESC LIMIT 1";

/*
 * $1 creditor, $2 mandate, $3 and $4 the first and last day of the school
 * year, $5 the codes that do not count.
 */
static const char mandate_rejects_sql[] =
    "SELECT count(*) FROM collections WHERE creditor_id = $1 "
    "AND mandate_id = $2 AND state IN ('rejected', 'returned', "
    "'refunded') AND due_on BETWEEN $3 AND $4 "
    "AND (reason_code IS NULL OR NOT reason_code = ANY ($5::text[]))";

/* The mandate's own row; SEPA_ENOTFOUND for an unknown RUM. */
static int
mandate_show_row(struct db *db, const char *cred, const sepa_rules *rules,
    const char *rum, struct mandate_info *info, sepa_error *err)
{
	PGresult *r = NULL;
	char *reason;
	int rc;

	if ((rc = db_query(db, &r, "read the mandate", mandate_show_sql, 2,
	         (const char *const[]){cred, rum}, err)) != 0)
		return rc;
	if (PQntuples(r) != 1) {
		rc = sepa_error_set(
		    err, SEPA_ENOTFOUND, "no mandate with RUM \"%s\"", rum);
		goto cleanup;
	}
	info->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	mandate_copy(info->rum, sizeof(info->rum), r, 0, 1);
	mandate_copy(info->family_ref, sizeof(info->family_ref), r, 0, 2);
	mandate_copy(info->payer_name, sizeof(info->payer_name), r, 0, 3);
	mandate_copy(info->state, sizeof(info->state), r, 0, 5);
	reason = db_message_at(r, 0, 6, 12); /* in the reader's language */
	snprintf(info->reason, sizeof(info->reason), "%s", reason);
	free(reason);
	if ((rc = mandate_get_date(r, 0, 4, &info->signed_on, err)) != 0 ||
	    (rc = mandate_get_date(r, 0, 7, &info->since, err)) != 0 ||
	    (rc = mandate_get_date(r, 0, 8, &info->ends_on, err)) != 0 ||
	    (rc = mandate_get_date(r, 0, 9, &info->last_use, err)) != 0 ||
	    (rc = mandate_get_date(r, 0, 10, &info->collected_before, err)) !=
	        0)
		goto cleanup;
	info->presented_before = PQgetvalue(r, 0, 11)[0] == 't';
	info->usable_until = sepa_rule_usable_until(rules, info->last_use);
cleanup:
	db_result_free(r);
	return rc;
}

/* The last collection, whatever its state (info->has_last). */
static int
mandate_show_last(struct db *db, const char *cred, const char *man,
    struct mandate_info *info, sepa_error *err)
{
	PGresult *r = NULL;
	sepa_date d;
	int rc;

	if ((rc = db_query(db, &r, "read the mandate's last collection",
	         mandate_last_collection_sql, 2,
	         (const char *const[]){cred, man}, err)) != 0)
		return rc;
	if (PQntuples(r) == 1) {
		info->has_last = true;
		if ((rc = mandate_get_date(r, 0, 0, &d, err)) != 0 ||
		    (rc = mandate_get_date(r, 0, 1, &info->last_due, err)) != 0)
			goto cleanup;
		info->last_month = sepa_month_of(d);
		mandate_copy(
		    info->last_state, sizeof(info->last_state), r, 0, 2);
		mandate_copy(info->last_iban, sizeof(info->last_iban), r, 0, 3);
		info->last_amount = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
		mandate_copy(info->last_seq, sizeof(info->last_seq), r, 0, 5);
		mandate_copy(
		    info->last_reason, sizeof(info->last_reason), r, 0, 6);
	}
cleanup:
	db_result_free(r);
	return rc;
}

/*
 * info->no_next: why the first open month will not collect the mandate,
 * or "" when it will. The collection run takes the invoices of active
 * mandates whose end, if any, is not before the due date
 * (store_collect_prepare); a month that starts after the end is never
 * collected.
 */
static void
mandate_show_no_next(struct mandate_info *info)
{
	char end[SEPA_DATE_BUFSZ], mon[SEPA_MONTH_BUFSZ];

	info->no_next[0] = '\0';
	if (strcmp(info->state, "suspended") == 0 && info->reason[0] != '\0')
		snprintf(info->no_next, sizeof(info->no_next),
		    _("mandate suspended: %s; new bank details are needed"),
		    info->reason);
	else if (strcmp(info->state, "suspended") == 0)
		snprintf(info->no_next, sizeof(info->no_next), "%s",
		    _("mandate suspended; new bank details are needed"));
	else if (strcmp(info->state, "active") != 0)
		snprintf(info->no_next, sizeof(info->no_next), _("mandate %s"),
		    i18n_state(I18N_MANDATE, info->state));
	else if (info->ends_on.year != 0 &&
	    sepa_date_cmp(info->ends_on, sepa_month_day(info->next_month, 1)) <
	        0)
		snprintf(info->no_next, sizeof(info->no_next),
		    _("mandate ends on %s, before the %s collection"),
		    i18n_date(end, info->ends_on),
		    sepa_month_iso(mon, info->next_month));
}

/*
 * The next collection: the first open month, then, when the mandate will
 * be collected in it, its sequence type, account and amendment.
 */
static int
mandate_show_next(struct db *db, int64_t creditor_id, const sepa_rules *rules,
    sepa_date today, struct mandate_info *info, sepa_error *err)
{
	int rc;

	if ((rc = mandate_first_open(db, creditor_id, sepa_month_of(today),
	         &info->next_month, err)) != 0)
		return rc;
	mandate_show_no_next(info);
	if (info->no_next[0] != '\0')
		return 0;
	if ((rc = store_mandate_sequence(db, creditor_id, info->id,
	         info->next_month, rules, &info->next_seq, err)) != 0)
		return rc;
	rc = store_mandate_account_for(db, creditor_id, info->id,
	    info->next_month, &info->next_account, err);
	if (rc == SEPA_ENOTFOUND) {
		sepa_error_clear(err);
		return 0;
	}
	if (rc == 0)
		info->has_next_account = true;
	return rc;
}

/*
 * Rejects and returns counted in today's school year (the school year of
 * each collection's due date, sepa_rule_reject_school_year):
 * creditor-side codes do not count.
 */
static int
mandate_show_rejects(struct db *db, const char *cred, const char *man,
    const struct config_strlist *not_counted, sepa_date today,
    struct mandate_info *info, sepa_error *err)
{
	char from[SEPA_DATE_BUFSZ], to[SEPA_DATE_BUFSZ], *codes;
	int rc;

	info->school_year = sepa_rule_reject_school_year(today);
	sepa_date_iso(from, sepa_school_year_start(info->school_year));
	sepa_date_iso(to, sepa_school_year_end(info->school_year));
	codes = mandate_codes_array(not_counted);
	rc = db_query_int64(db, &info->rejects, "count the mandate's rejects",
	    mandate_rejects_sql, 5,
	    (const char *const[]){cred, man, from, to, codes}, err);
	free(codes);
	return rc;
}

int
store_mandate_show(struct db *db, int64_t creditor_id, const sepa_rules *rules,
    const struct config_strlist *not_counted, const char *rum, sepa_date today,
    struct mandate_info *info, sepa_error *err)
{
	char cred[24], man[24];
	int rc;

	memset(info, 0, sizeof(*info));
	mandate_i64(cred, sizeof(cred), creditor_id);
	if ((rc = mandate_show_row(db, cred, rules, rum, info, err)) != 0)
		return rc;
	mandate_i64(man, sizeof(man), info->id);
	if ((rc = mandate_show_accounts(db, cred, man, info, err)) != 0 ||
	    (rc = mandate_show_last(db, cred, man, info, err)) != 0 ||
	    (rc = mandate_show_next(
	         db, creditor_id, rules, today, info, err)) != 0 ||
	    (rc = mandate_show_rejects(
	         db, cred, man, not_counted, today, info, err)) != 0)
		store_mandate_info_free(info);
	return rc;
}

void
store_mandate_info_free(struct mandate_info *info)
{
	if (info == NULL)
		return;
	free(info->accounts);
	info->accounts = NULL;
	info->naccounts = 0;
}

/* Rows read per query by store_mandate_list (keyset pages). */
#define MANDATE_LIST_PAGE 500

int
store_mandate_list(struct db *db, int64_t creditor_id, const char *state,
    sepa_date today, int (*fn)(void *arg, const struct mandate_list_row *row),
    void *arg, sepa_error *err)
{
	char cred[24], mon[SEPA_DATE_BUFSZ], page[16], *after = NULL;
	char *reason = NULL;
	PGresult *r = NULL;
	int rc, n;

	mandate_i64(cred, sizeof(cred), creditor_id);
	mandate_month_first(mon, sepa_month_of(today));
	snprintf(page, sizeof(page), "%d", MANDATE_LIST_PAGE);
	/* Pages by RUM (the unique index), so memory stays flat. */
	do {
		rc = db_query(db, &r, "list the mandates",
		    "SELECT m.rum, f.family_ref, f.payer_name, m.state, "
		    "coalesce(m.state_reason, ''), "
		    "to_char(m.signed_on, 'YYYY-MM-DD'), "
		    "to_char(m.state_since, 'YYYY-MM-DD'), "
		    "to_char(m.ends_on, 'YYYY-MM-DD'), "
		    "(SELECT a.iban FROM mandate_accounts a "
		    "WHERE a.creditor_id = $1 AND a.mandate_id = m.id "
		    "AND a.applies_from <= $3 "
		    "ORDER BY a.applies_from DESC, a.id DESC LIMIT 1), "
		    "upper(m.rum), m.reason_msgid, NULL, m.reason_args "
		    "FROM mandates m JOIN families f "
		    "ON f.creditor_id = m.creditor_id AND f.id = m.family_id "
		    "WHERE m.creditor_id = $1 "
		    "AND ($2::text IS NULL OR m.state = $2) "
		    "AND ($4::text IS NULL OR upper(m.rum) > $4) "
		    "ORDER BY upper(m.rum) LIMIT $5::int",
		    5, (const char *const[]){cred, state, mon, after, page},
		    err);
		if (rc != 0)
			goto cleanup;
		n = PQntuples(r);
		for (int i = 0; i < n; i++) {
			struct mandate_list_row row;

			memset(&row, 0, sizeof(row));
			row.rum = PQgetvalue(r, i, 0);
			row.family_ref = PQgetvalue(r, i, 1);
			row.payer_name = PQgetvalue(r, i, 2);
			row.state = PQgetvalue(r, i, 3);
			row.reason = reason = db_message_at(r, i, 4, 10);
			row.reason_stored = PQgetvalue(r, i, 4);
			if ((rc = mandate_get_date(
			         r, i, 5, &row.signed_on, err)) != 0 ||
			    (rc = mandate_get_date(r, i, 6, &row.since, err)) !=
			        0 ||
			    (rc = mandate_get_date(
			         r, i, 7, &row.ends_on, err)) != 0)
				goto cleanup;
			row.iban = PQgetvalue(r, i, 8);
			rc = fn(arg, &row);
			free(reason);
			reason = NULL;
			if (rc != 0)
				goto cleanup;
		}
		free(after);
		after = n > 0 ? xstrdup(PQgetvalue(r, n - 1, 9)) : NULL;
		db_result_free(r);
		r = NULL;
	} while (n == MANDATE_LIST_PAGE);
cleanup:
	free(reason);
	free(after);
	db_result_free(r);
	return rc;
}
