/*
 * store_mandate.c - the lifecycle of mandates in the database: which
 * account a collection month debits and which amendment it declares,
 * FRST or RCUR, account changes, the family's termination letter, the
 * sweep that ends mandates (letter, 36 months unused), and what
 * `sepactl mandate show|list` print. The contract's date logic lives in
 * lib/rules.c; this file only feeds it the facts kept in the tables.
 *
 * Definitions used throughout (see sepad.h for the callers' view):
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

#include "sepad.h"

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
	struct pg_result *pr = NULL;
	PGresult *res;
	sepa_date from;
	int rc;

	memset(out, 0, sizeof(*out));
	mandate_i64(cred, sizeof(cred), creditor_id);
	mandate_i64(man, sizeof(man), mandate_id);
	params[0] = cred;
	params[1] = man;
	params[2] = mandate_month_first(mon, collection_month);
	rc = db_query(db, &pr, "find the account of a mandate",
	    "SELECT a.id, a.iban, a.bic, "
	    "to_char(a.applies_from, 'YYYY-MM-DD'), "
	    "(SELECT c.iban FROM collections c "
	    "JOIN batches b ON b.creditor_id = c.creditor_id "
	    "AND b.id = c.batch_id "
	    "WHERE c.creditor_id = $1 AND c.mandate_id = $2 "
	    "AND b.collection_month < $3 "
	    "AND c.state NOT IN " MANDATE_NOT_REACHED " "
	    "ORDER BY b.collection_month DESC, c.due_on DESC, c.id DESC "
	    "LIMIT 1) "
	    "FROM mandate_accounts a "
	    "WHERE a.creditor_id = $1 AND a.mandate_id = $2 "
	    "AND a.applies_from <= $3 "
	    "ORDER BY a.applies_from DESC, a.id DESC LIMIT 1",
	    3, params, err);
	if (rc != 0)
		goto cleanup;
	res = (PGresult *)pr;
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
	db_result_free(pr);
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
	    "SELECT count(*) FROM (SELECT 1 FROM collections c "
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
