/*
 * store_letter.c - the rejects, returns and refunds a bank file recorded
 * (return_effects of its records), with the collection, the invoice and
 * what the file did to the mandate, for the reject letters.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "db.h"
#include "db_internal.h"
#include "log.h"
#include "store_letter.h"

/*
 * $1 creditor, $2 bank file. The payer and account are the collection's
 * own copy (as sent to the bank), so a letter written again is the same
 * letter. The mandate's fate is the events the same file logged for it.
 */
static const char letter_sql[] =
    "SELECT e.id, c.end_to_end_id, i.number, c.rum, c.iban,"
    " c.debtor_name, c.debtor_street, c.debtor_building,"
    " c.debtor_postcode, c.debtor_town, c.debtor_country,"
    " e.new_state, e.reason_code, r.reason_proprietary, e.counted,"
    " e.school_year, i.month, c.due_on, e.applied_on, c.amount_cents,"
    " (SELECT coalesce(sum(l.amount_cents), 0) FROM invoice_lines l"
    "  WHERE l.creditor_id = $1 AND l.invoice_id = i.id"
    "  AND l.kind = 'reminder'),"
    " (SELECT max(v.count) FROM events v WHERE v.creditor_id = $1"
    "  AND v.kind = 'mandate.terminated' AND v.file_id = r.file_id"
    "  AND v.mandate_id = c.mandate_id),"
    " EXISTS (SELECT 1 FROM events v WHERE v.creditor_id = $1"
    "  AND v.kind = 'mandate.suspended' AND v.file_id = r.file_id"
    "  AND v.mandate_id = c.mandate_id)"
    " FROM return_effects e"
    " JOIN return_records r ON r.creditor_id = $1 AND r.id = e.record_id"
    " JOIN collections c ON c.creditor_id = $1 AND c.id = e.collection_id"
    " JOIN invoices i ON i.creditor_id = $1 AND i.id = c.invoice_id"
    " WHERE e.creditor_id = $1 AND r.file_id = $2 AND e.family = 'unpaid'"
    " AND e.new_state IN ('rejected', 'returned', 'refunded')"
    " ORDER BY c.end_to_end_id";

enum {
	L_ID,
	L_E2E,
	L_NUMBER,
	L_RUM,
	L_IBAN,
	L_PAYER,
	L_STREET,
	L_BUILDING,
	L_POSTCODE,
	L_TOWN,
	L_COUNTRY,
	L_STATE,
	L_REASON,
	L_PROPRIETARY,
	L_COUNTED,
	L_YEAR,
	L_MONTH,
	L_DUE,
	L_APPLIED,
	L_AMOUNT,
	L_REMINDED,
	L_TERMINATED,
	L_SUSPENDED
};

static sepa_date
letter_date(PGresult *res, int row, int col)
{
	const char *s = PQgetvalue(res, row, col);
	sepa_date d = {0, 0, 0};

	if (strlen(s) >= 10)
		d = (sepa_date){atoi(s), atoi(s + 5), atoi(s + 8)};
	return d;
}

static void
letter_row(struct reject_doc *r, PGresult *res, int i)
{
	sepa_date m = letter_date(res, i, L_MONTH);

	memset(r, 0, sizeof(*r));
	r->effect_id = strtoll(PQgetvalue(res, i, L_ID), NULL, 10);
	r->end_to_end_id = PQgetvalue(res, i, L_E2E);
	r->invoice_number = PQgetvalue(res, i, L_NUMBER);
	r->rum = PQgetvalue(res, i, L_RUM);
	r->iban = PQgetvalue(res, i, L_IBAN);
	r->payer = PQgetvalue(res, i, L_PAYER);
	r->street = PQgetvalue(res, i, L_STREET);
	r->building = PQgetvalue(res, i, L_BUILDING);
	r->postcode = PQgetvalue(res, i, L_POSTCODE);
	r->town = PQgetvalue(res, i, L_TOWN);
	r->country = PQgetvalue(res, i, L_COUNTRY);
	r->new_state = PQgetvalue(res, i, L_STATE);
	r->reason_code = PQgetvalue(res, i, L_REASON);
	r->reason_proprietary = PQgetvalue(res, i, L_PROPRIETARY)[0] == 't';
	r->counted = PQgetvalue(res, i, L_COUNTED)[0] == 't';
	r->school_year = atoi(PQgetvalue(res, i, L_YEAR));
	r->month = (sepa_month){m.year, m.month};
	r->due_on = letter_date(res, i, L_DUE);
	r->applied_on = letter_date(res, i, L_APPLIED);
	r->amount_cents = strtoll(PQgetvalue(res, i, L_AMOUNT), NULL, 10);
	r->reminded_cents = strtoll(PQgetvalue(res, i, L_REMINDED), NULL, 10);
	r->terminated = !PQgetisnull(res, i, L_TERMINATED);
	r->rejects = r->terminated ? atoi(PQgetvalue(res, i, L_TERMINATED)) : 0;
	r->suspended = PQgetvalue(res, i, L_SUSPENDED)[0] == 't';
}

int
store_letter_each(struct db *db, int64_t creditor_id, int64_t file_id,
    int (*fn)(const struct reject_doc *r, void *arg, sepa_error *err),
    void *arg, sepa_error *err)
{
	char cred[24], fid[24];
	PGresult *res = NULL;
	struct reject_doc r;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	snprintf(fid, sizeof(fid), "%" PRId64, file_id);
	/* A file's rejects are a few per cent of its collections: one
	 * result holds them. */
	if ((rc = db_query(db, &res, "read the rejects of a bank file",
	         letter_sql, 2, (const char *const[]){cred, fid}, err)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
		letter_row(&r, res, i);
		rc = fn(&r, arg, err);
	}
	db_result_free(res);
	return rc;
}
