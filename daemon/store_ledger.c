/*
 * store_ledger.c - what a finance officer reads to answer a family on the
 * phone, and the balance the treasury's comptable checks: a family's
 * invoices with their history and what became of each euro they billed
 * (invoice_balance, migration 033), one invoice with its lines, the list
 * of families, and the balance of each billed month. Reads only, in one
 * read-only snapshot per call. Amounts in the history's text are
 * written by sepad_eur (migration 033).
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "i18n.h"
#include "store_ledger.h"

/* $1 creditor, $2 family reference. */
static const char ledger_family_sql[] =
    "SELECT id, family_ref, payer_name, street, building, postcode, town,"
    " country, coalesce(email, ''), bracket FROM families"
    " WHERE creditor_id = $1 AND family_ref = $2";

/* $1 creditor, $2 family id: newest first. */
static const char ledger_mandates_sql[] =
    "SELECT m.rum, m.state, coalesce(m.state_reason, '') AS said,"
    " coalesce(m.state_since::text, ''), coalesce(m.ends_on::text, ''),"
    " m.signed_on::text, coalesce((SELECT a.iban FROM mandate_accounts a"
    " WHERE a.creditor_id = $1 AND a.mandate_id = m.id"
    " ORDER BY a.applies_from DESC LIMIT 1), ''),"
    " m.reason_msgid, NULL::text, m.reason_args"
    " FROM mandates m WHERE m.creditor_id = $1 AND m.family_id = $2"
    " ORDER BY m.signed_on DESC, m.id DESC";

/*
 * The invoices of family $2 (0: any) or the invoice $3 (0: any). The
 * family is named to the balance too: the planner cannot carry
 * i.family_id into the view, and without it computed the balance of
 * every invoice of the creditor (7.3 s for 100,000, against 5 ms).
 */
static const char ledger_invoices_sql[] =
    "SELECT i.id, i.number, to_char(i.month, 'YYYY-MM'), i.issued_on::text,"
    " coalesce(i.collect_due_on, i.due_on)::text, i.state,"
    " i.state_since::text, i.total_cents, b.billed, b.debit, b.other,"
    " b.credits, b.refunded, b.carried, b.unpaid, b.recovery, b.collecting,"
    " b.difference, coalesce(m.rum, ''), coalesce(i.unpaid_reason, ''),"
    " f.family_ref, f.payer_name"
    " FROM invoices i"
    " JOIN invoice_balance b ON b.creditor_id = $1 AND b.invoice_id = i.id"
    " JOIN families f ON f.creditor_id = $1 AND f.id = i.family_id"
    " LEFT JOIN mandates m ON m.creditor_id = $1 AND m.id = i.mandate_id"
    " WHERE i.creditor_id = $1 AND ($2::bigint = 0 OR i.family_id = $2)"
    " AND ($2::bigint = 0 OR b.family_id = $2)"
    " AND ($3::bigint = 0 OR i.id = $3) ORDER BY i.month, i.number";

/*
 * The history of the same invoices: issued, credits deducted and used,
 * each debit and what the bank said of it (or that it was presumed
 * settled), reminders, payments by other means, recovery, refunds.
 */
static const char ledger_history_sql[] =
    "WITH inv AS (SELECT * FROM invoices i WHERE i.creditor_id = $1"
    " AND ($2::bigint = 0 OR i.family_id = $2)"
    " AND ($3::bigint = 0 OR i.id = $3))"
    " SELECT number, at::text, kind, a1, a2, a3, a4, a5, a6, code FROM ("
    " SELECT i.number, i.issued_on AS at, 1 AS ord, 0::bigint AS k,"
    " CASE WHEN m.rum IS NULL THEN 'issued_other' ELSE 'issued_debit' END"
    " AS kind, sepad_eur(i.total_cents) AS a1, i.due_on::text AS a2,"
    " m.rum AS a3, NULL AS a4, NULL AS a5, NULL AS a6, '' AS code"
    " FROM inv i LEFT JOIN mandates m ON m.creditor_id = $1"
    " AND m.id = i.mandate_id"
    " UNION ALL SELECT i.number, i.issued_on, 2, l.id, 'credit', l.label,"
    " sepad_eur(-l.amount_cents), NULL, NULL, NULL, NULL, ''"
    " FROM inv i JOIN invoice_lines l ON l.creditor_id = $1"
    " AND l.invoice_id = i.id AND l.kind = 'credit'"
    " UNION ALL SELECT i.number, i.issued_on, 3, l.id, 'carries', l.label,"
    " sepad_eur(l.amount_cents), NULL, NULL, NULL, NULL, ''"
    " FROM inv i JOIN invoice_lines l ON l.creditor_id = $1"
    " AND l.invoice_id = i.id AND l.kind = 'reminder'"
    /* the business date the file was released (its event) */
    " UNION ALL SELECT i.number, coalesce((SELECT min(v.business_date)"
    " FROM events v WHERE v.creditor_id = $1 AND v.kind = 'batch.released'"
    " AND v.batch_id = b.id), b.created_at::date), 4, c.id,"
    " 'debit_' || c.state, c.end_to_end_id, sepad_eur(c.amount_cents),"
    " c.due_on::text, b.file_name, c.seq_type, c.state,"
    " CASE WHEN c.state IN ('rejected', 'returned',"
    " 'refunded') THEN coalesce(c.reason_code, '') ELSE '' END"
    " FROM inv i JOIN collections c ON c.creditor_id = $1"
    " AND c.invoice_id = i.id JOIN batches b ON b.creditor_id = $1"
    " AND b.id = c.batch_id"
    " UNION ALL SELECT i.number, e.applied_on, 5, e.id,"
    " 'bank_' || e.new_state, c.end_to_end_id, e.new_state, NULL, NULL,"
    " NULL, NULL, e.reason_code"
    " FROM inv i JOIN collections c ON c.creditor_id = $1"
    " AND c.invoice_id = i.id JOIN return_effects e ON e.creditor_id = $1"
    " AND e.collection_id = c.id"
    " UNION ALL SELECT i.number, p.settled_on, 5, p.collection_id,"
    " 'presumed', c.end_to_end_id, p.after_days::text, NULL, NULL, NULL,"
    " NULL, ''"
    " FROM inv i JOIN collections c ON c.creditor_id = $1"
    " AND c.invoice_id = i.id JOIN presumed_settlements p"
    " ON p.creditor_id = $1 AND p.collection_id = c.id"
    " UNION ALL SELECT i.number, n.issued_on, 6, l.id, 'reminded', n.number,"
    " sepad_eur(l.amount_cents), NULL, NULL, NULL, NULL,"
    " '' FROM inv i JOIN invoice_lines l ON l.creditor_id = $1"
    " AND l.kind = 'reminder' AND l.reminded_invoice_id = i.id"
    " JOIN invoices n ON n.creditor_id = $1 AND n.id = l.invoice_id"
    " UNION ALL SELECT i.number, n.issued_on, 6, l.id, 'credit_used',"
    " n.number, sepad_eur(-l.amount_cents), NULL, NULL, NULL, NULL, ''"
    " FROM inv i JOIN invoice_lines l ON l.creditor_id = $1"
    " AND l.kind = 'credit' AND l.credited_invoice_id = i.id"
    " JOIN invoices n ON n.creditor_id = $1 AND n.id = l.invoice_id"
    " UNION ALL SELECT i.number, y.paid_on, 7, y.id,"
    " CASE WHEN coalesce(y.reference, '') = '' THEN 'paid_other'"
    " ELSE 'paid_other_ref' END, y.method, sepad_eur(y.amount_cents),"
    " y.reference, NULL, NULL, NULL, ''"
    " FROM inv i JOIN payments y ON y.creditor_id = $1"
    " AND y.invoice_id = i.id"
    " UNION ALL SELECT i.number, e.business_date, 8, e.id, 'recovery',"
    " sepad_eur(x.due_cents), e.file_name, NULL, NULL, NULL, NULL, ''"
    " FROM inv i JOIN recovery_export_invoices x ON x.creditor_id = $1"
    " AND x.invoice_id = i.id JOIN recovery_exports e"
    " ON e.creditor_id = $1 AND e.id = x.export_id"
    " UNION ALL SELECT i.number, r.listed_on, 8, 0, 'refund',"
    " sepad_eur(r.amount_cents), r.file_name, NULL, NULL, NULL, NULL, ''"
    " FROM inv i JOIN credit_refunds r ON r.creditor_id = $1"
    " AND r.invoice_id = i.id"
    " UNION ALL SELECT i.number, i.state_since, 9, 0, 'now_' || i.state,"
    " i.state, NULL, NULL, NULL, NULL, NULL, ''"
    " FROM inv i) h ORDER BY number, at, ord, k";

/* The columns of ledger_history_sql: an event's kind and its arguments. */
enum { LHQ_NUMBER, LHQ_DATE, LHQ_KIND, LHQ_A1, LHQ_CODE = LHQ_A1 + 6 };

/*
 * The history's sentences, by kind (ledger_history_sql), with the
 * arguments they take from a1...; an unknown kind (a state added later)
 * gets its fallback, "debit_" and "bank_" and "now_" with the state.
 */
static const struct {
	const char *kind;
	const char *fmt;
} ledger_history_fmt[] = {
    {"issued_debit", N_("issued: %s, due on %s, to be debited (RUM %s)")},
    {"issued_other", N_("issued: %s, due on %s, payable by other means")},
    {"credit", N_("credit of %s deducted: %s")},
    {"carries", N_("carries the reminder of %s: %s")},
    {"debit_pending",
        N_("debit %s of %s due on %s (%s, %s): recorded, file not "
           "released")},
    {"debit_sent",
        N_("debit %s of %s due on %s (%s, %s): sent, no answer from the "
           "bank yet")},
    {"debit_", N_("debit %s of %s due on %s (%s, %s): %s")},
    {"bank_settled", N_("the bank confirmed (credit booked) debit %s")},
    {"bank_cancelled", N_("the bank refused the file of debit %s")},
    {"bank_rejected", N_("the bank rejected debit %s")},
    {"bank_returned", N_("the bank returned debit %s")},
    {"bank_refunded", N_("the bank refunded debit %s")},
    {"bank_", N_("debit %s: %s by the bank")},
    {"presumed",
        N_("debit %s presumed settled: not returned %s TARGET2 days after "
           "its due date")},
    {"reminded", N_("reminded on %s: %s")},
    {"credit_used", N_("credit used by %s: %s")},
    {"paid_other", N_("paid by other means (%s): %s")},
    {"paid_other_ref", N_("paid by other means (%s, %s): %s")},
    {"recovery", N_("sent to recovery: %s (%s)")},
    {"refund", N_("credit listed for refund: %s (%s)")},
    {"now_paid", N_("now paid")},
    {"now_issued", N_("now issued: waiting for its collection or a payment")},
    {"now_collecting", N_("now collecting: in a file, waiting for the bank")},
    {"now_unpaid", N_("now unpaid: to be reminded on the next invoice")},
    {"now_reminded", N_("now reminded: reminded on a later invoice")},
    {"now_recovery", N_("now recovery: handed to the treasury")},
    {"now_cancelled", N_("now cancelled")},
    {"now_", N_("now %s")},
};

/* The sentence of one history row, in the operator's language. */
static void
ledger_history_what(char *buf, size_t size, PGresult *res, int r)
{
	const char *kind = PQgetvalue(res, r, LHQ_KIND), *fmt = "%s";
	const char *a[6];
	size_t n = sizeof(ledger_history_fmt) / sizeof(ledger_history_fmt[0]);

	char dates[6][I18N_DATE_TEXT_BUFSZ];

	/* a date among them in the operator's form */
	for (int i = 0; i < 6; i++)
		a[i] = i18n_date_text(dates[i], PQgetvalue(res, r, LHQ_A1 + i));
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(ledger_history_fmt[i].kind);

		/* the exact kind, or its family ("debit_") at the end */
		if (strcmp(kind, ledger_history_fmt[i].kind) == 0 ||
		    (ledger_history_fmt[i].kind[len - 1] == '_' &&
		        strncmp(kind, ledger_history_fmt[i].kind, len) == 0)) {
			fmt = _(ledger_history_fmt[i].fmt);
			break;
		}
	}
	/* the words the sentences take from the schema's codes */
	if (strncmp(kind, "debit_", 6) == 0)
		a[5] = i18n_state(I18N_COLLECTION, a[5]);
	else if (strncmp(kind, "bank_", 5) == 0 ||
	    strncmp(kind, "now_", 4) == 0)
		a[strncmp(kind, "bank_", 5) == 0 ? 1 : 0] =
		    i18n_state(kind[0] == 'b' ? I18N_COLLECTION : I18N_INVOICE,
		        a[kind[0] == 'b' ? 1 : 0]);
	else if (strncmp(kind, "paid_other", 10) == 0)
		a[0] = i18n_state(I18N_PAYMENT, a[0]);
		/* Every format of the table takes only strings, at most six (the
	 * rest are unused, which C allows); msgfmt --check holds each
	 * translation to its msgid's conversions. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(buf, size, fmt, a[0], a[1], a[2], a[3], a[4], a[5]);
#pragma GCC diagnostic pop
}

/* The history's rows to fn: number, date, sentence, reason code. */
static int
ledger_history(struct db *db, const char *const *p, ledger_row_fn fn, void *arg,
    sepa_error *err)
{
	PGresult *res = NULL;
	char what[1024];
	int rc;

	if (fn == NULL)
		return 0;
	if ((rc = db_query(db, &res, "read the history", ledger_history_sql, 3,
	         p, err)) != 0)
		return rc;
	for (int r = 0; r < PQntuples(res); r++) {
		const char *cols[LH_NCOLS];

		ledger_history_what(what, sizeof(what), res, r);
		cols[LH_NUMBER] = PQgetvalue(res, r, LHQ_NUMBER);
		cols[LH_DATE] = PQgetvalue(res, r, LHQ_DATE);
		cols[LH_WHAT] = what;
		cols[LH_CODE] = PQgetvalue(res, r, LHQ_CODE);
		fn(arg, cols);
	}
	db_result_free(res);
	return 0;
}

/* $1 creditor, $2 invoice id. */
static const char ledger_lines_sql[] =
    "SELECT l.kind, coalesce(ch.name, ''), coalesce(s.code, ''),"
    " coalesce(to_char(l.consumed_month, 'YYYY-MM'), ''),"
    " coalesce(l.quantity_milli::text, ''),"
    " coalesce(l.unit_price_cents::text, ''), l.amount_cents, l.label"
    " FROM invoice_lines l"
    " LEFT JOIN children ch ON ch.creditor_id = $1 AND ch.id = l.child_id"
    " LEFT JOIN services s ON s.creditor_id = $1 AND s.id = l.service_id"
    " WHERE l.creditor_id = $1 AND l.invoice_id = $2 ORDER BY l.line_no";

/* $1 creditor, $2 the invoice number. */
static const char ledger_invoice_id_sql[] =
    "SELECT coalesce(min(id), 0) FROM invoices WHERE creditor_id = $1"
    " AND number = $2";

/* $1 creditor, $2 only those owing something. */
static const char ledger_families_sql[] =
    "SELECT f.family_ref, f.payer_name, coalesce((SELECT m.state"
    " FROM mandates m WHERE m.creditor_id = $1 AND m.family_id = f.id"
    " ORDER BY m.signed_on DESC, m.id DESC LIMIT 1), 'none'),"
    " count(b.invoice_id), coalesce(sum(b.unpaid + b.collecting), 0),"
    " coalesce(sum(b.collecting), 0), coalesce(sum(b.recovery), 0),"
    " coalesce(-sum(b.carried), 0)"
    " FROM families f LEFT JOIN invoice_balance b ON b.creditor_id = $1"
    " AND b.family_id = f.id WHERE f.creditor_id = $1"
    " GROUP BY f.id, f.family_ref, f.payer_name"
    " HAVING NOT $2::boolean OR sum(b.unpaid + b.collecting"
    " + b.recovery) > 0 ORDER BY f.family_ref";

/* $1 creditor, $2 the last month. */
static const char ledger_balance_sql[] =
    "SELECT to_char(month, 'YYYY-MM'), count(*), sum(billed), sum(debit),"
    " sum(other), sum(credits), sum(refunded), sum(carried), sum(unpaid),"
    " sum(recovery), sum(collecting), sum(difference)"
    " FROM invoice_balance WHERE creditor_id = $1 AND month <= $2::date"
    " GROUP BY month ORDER BY month";

/* Hand every row of res to fn. A column named "said" is a stored text
 * whose msgid, plural and arguments are the last three: fn gets it in
 * the reader's language (db_message_at). */
static void
ledger_rows(PGresult *res, ledger_row_fn fn, void *arg)
{
	const char *cols[32];
	int n = PQnfields(res), said = PQfnumber(res, "said");

	if (n > (int)(sizeof(cols) / sizeof(cols[0])))
		n = (int)(sizeof(cols) / sizeof(cols[0]));
	for (int r = 0; r < PQntuples(res); r++) {
		char *text = NULL;

		for (int c = 0; c < n; c++)
			cols[c] = PQgetvalue(res, r, c);
		if (said >= 0 && said < n - 3)
			cols[said] = text = db_message_at(res, r, said, n - 3);
		fn(arg, cols);
		free(text);
	}
}

/* Run sql with params and hand its rows to fn (fn NULL: skip it). */
static int
ledger_each(struct db *db, const char *what, const char *sql, int n,
    const char *const *p, ledger_row_fn fn, void *arg, sepa_error *err)
{
	PGresult *res = NULL;
	int rc;

	if (fn == NULL)
		return 0;
	if ((rc = db_query(db, &res, what, sql, n, p, err)) != 0)
		return rc;
	ledger_rows(res, fn, arg);
	db_result_free(res);
	return 0;
}

static int
ledger_begin(struct db *db, sepa_error *err)
{
	return db_begin(db, DB_SNAPSHOT, err);
}

/* Commit a read that went well, roll back one that did not. */
static int
ledger_end(struct db *db, int rc, sepa_error *err)
{
	if (rc == 0)
		return db_commit(db, err);
	db_rollback(db);
	return rc;
}

/* The invoices of family fid or invoice iid (0: any), then their
 * history. */
static int
ledger_invoices(struct db *db, const char *cred, const char *fid,
    const char *iid, ledger_row_fn invoice_fn, ledger_row_fn event_fn,
    void *arg, sepa_error *err)
{
	const char *const p[] = {cred, fid, iid};
	int rc;

	if ((rc = ledger_each(db, "read the invoices", ledger_invoices_sql, 3,
	         p, invoice_fn, arg, err)) != 0)
		return rc;
	return ledger_history(db, p, event_fn, arg, err);
}

int
store_ledger_family(struct db *db, int64_t creditor_id, const char *ref,
    ledger_row_fn fam_fn, ledger_row_fn mandate_fn, ledger_row_fn invoice_fn,
    ledger_row_fn event_fn, void *arg, sepa_error *err)
{
	char cred[24], fid[24];
	PGresult *res = NULL;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	if ((rc = ledger_begin(db, err)) != 0)
		return rc;
	if ((rc = db_query(db, &res, "read the family", ledger_family_sql, 2,
	         (const char *const[]){cred, ref}, err)) != 0)
		return ledger_end(db, rc, err);
	if (PQntuples(res) != 1) {
		db_result_free(res);
		return ledger_end(db,
		    sepa_error_set(err, SEPA_ENOTFOUND,
		        "no family has the reference \"%s\"", ref),
		    err);
	}
	snprintf(fid, sizeof(fid), "%s", PQgetvalue(res, 0, LF_ID));
	if (fam_fn != NULL)
		ledger_rows(res, fam_fn, arg);
	db_result_free(res);
	if ((rc = ledger_each(db, "read the mandates", ledger_mandates_sql, 2,
	         (const char *const[]){cred, fid}, mandate_fn, arg, err)) == 0)
		rc = ledger_invoices(
		    db, cred, fid, "0", invoice_fn, event_fn, arg, err);
	return ledger_end(db, rc, err);
}

int
store_ledger_invoice(struct db *db, int64_t creditor_id, const char *number,
    ledger_row_fn invoice_fn, ledger_row_fn line_fn, ledger_row_fn event_fn,
    void *arg, sepa_error *err)
{
	char cred[24], iid[24];
	int64_t id;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	if ((rc = ledger_begin(db, err)) != 0)
		return rc;
	if ((rc = db_query_int64(db, &id, "find the invoice",
	         ledger_invoice_id_sql, 2, (const char *const[]){cred, number},
	         err)) != 0)
		return ledger_end(db, rc, err);
	if (id == 0)
		return ledger_end(db,
		    sepa_error_set(err, SEPA_ENOTFOUND,
		        "no invoice has the number \"%s\"", number),
		    err);
	snprintf(iid, sizeof(iid), "%" PRId64, id);
	if ((rc = ledger_each(db, "read the invoice", ledger_invoices_sql, 3,
	         (const char *const[]){cred, "0", iid}, invoice_fn, arg,
	         err)) == 0 &&
	    (rc = ledger_each(db, "read the lines", ledger_lines_sql, 2,
	         (const char *const[]){cred, iid}, line_fn, arg, err)) == 0)
		rc = ledger_history(db, (const char *const[]){cred, "0", iid},
		    event_fn, arg, err);
	return ledger_end(db, rc, err);
}

int
store_ledger_families(struct db *db, int64_t creditor_id, bool unpaid_only,
    ledger_row_fn fn, void *arg, sepa_error *err)
{
	char cred[24];
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	if ((rc = ledger_begin(db, err)) != 0)
		return rc;
	rc = ledger_each(db, "read the families", ledger_families_sql, 2,
	    (const char *const[]){cred, unpaid_only ? "true" : "false"}, fn,
	    arg, err);
	return ledger_end(db, rc, err);
}

/*
 * $1 creditor, $2 the text as typed, $3 the limit. A LIKE pattern of $2
 * with its wildcards escaped: the trigram indexes of 045 serve it. Each
 * hit carries its family's columns from the scan that found it, so that
 * the order (exact first, then likeness of the name) and the limit are
 * taken before anything else is read: a common part of a name matches
 * thousands of families, of which only the first $3 get their mandate.
 */
static const char ledger_search_sql[] =
    "WITH q AS (SELECT lower($2) AS t, '%' || replace(replace(replace("
    "lower($2), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' AS p), "
    "hit AS ("
    " SELECT f.id, 0 AS rank, 'ref' AS what, f.family_ref, f.payer_name,"
    " f.town FROM families f, q"
    " WHERE f.creditor_id = $1 AND lower(f.family_ref) = q.t"
    " UNION ALL SELECT f.id, 0, 'rum', f.family_ref, f.payer_name, f.town"
    " FROM mandates m JOIN families f ON f.creditor_id = $1"
    " AND f.id = m.family_id"
    " WHERE m.creditor_id = $1 AND upper(m.rum) = upper($2)"
    " UNION ALL SELECT f.id, 0, 'invoice', f.family_ref, f.payer_name,"
    " f.town FROM invoices i JOIN families f ON f.creditor_id = $1"
    " AND f.id = i.family_id WHERE i.creditor_id = $1 AND i.number = $2"
    " UNION ALL SELECT f.id, 1, 'ref', f.family_ref, f.payer_name, f.town"
    " FROM families f, q"
    " WHERE f.creditor_id = $1 AND lower(f.family_ref) LIKE q.p"
    " UNION ALL SELECT f.id, 2, 'name', f.family_ref, f.payer_name, f.town"
    " FROM families f, q"
    " WHERE f.creditor_id = $1 AND lower(f.payer_name) LIKE q.p), "
    "best AS (SELECT DISTINCT ON (id) * FROM hit ORDER BY id, rank), "
    "top AS (SELECT b.*, similarity(lower(b.payer_name), q.t) AS sim"
    " FROM best b, q ORDER BY b.rank, sim DESC, b.payer_name,"
    " b.family_ref LIMIT $3) "
    "SELECT t.family_ref, t.payer_name, t.town, coalesce(m.rum, ''),"
    " coalesce(m.state, ''), t.what FROM top t"
    " LEFT JOIN LATERAL (SELECT rum, state FROM mandates m"
    " WHERE m.creditor_id = $1 AND m.family_id = t.id"
    " ORDER BY m.signed_on DESC, m.id DESC LIMIT 1) m ON true"
    " ORDER BY t.rank, t.sim DESC, t.payer_name, t.family_ref";

int
store_ledger_search(struct db *db, int64_t creditor_id, const char *q,
    int limit, ledger_row_fn fn, void *arg, sepa_error *err)
{
	char cred[24], lim[16];
	size_t n = strlen(q);
	int rc;

	if (n < 2 || n > 64)
		return sepa_error_set(err, SEPA_EINVAL,
		    "a search needs 2 to 64 characters (it has %zu)", n);
	for (const char *p = q; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return sepa_error_set(err, SEPA_EINVAL,
			    "a search cannot hold a control character");
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	snprintf(lim, sizeof(lim), "%d", limit);
	if ((rc = ledger_begin(db, err)) != 0)
		return rc;
	rc = ledger_each(db, "search the families", ledger_search_sql, 3,
	    (const char *const[]){cred, q, lim}, fn, arg, err);
	return ledger_end(db, rc, err);
}

int
store_ledger_balance_rows(struct db *db, int64_t creditor_id, sepa_month upto,
    ledger_row_fn fn, void *arg, sepa_error *err)
{
	char cred[24], first[SEPA_DATE_BUFSZ];

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(first, sepa_month_day(upto, 1));
	return ledger_each(db, "read the balance", ledger_balance_sql, 2,
	    (const char *const[]){cred, first}, fn, arg, err);
}

int
store_ledger_balance(struct db *db, int64_t creditor_id, sepa_month upto,
    ledger_row_fn fn, void *arg, sepa_error *err)
{
	int rc;

	if ((rc = ledger_begin(db, err)) != 0)
		return rc;
	rc = store_ledger_balance_rows(db, creditor_id, upto, fn, arg, err);
	return ledger_end(db, rc, err);
}
