/*
 * store_invoice_preview.c - the figures `sepactl invoice run --dry-run`
 * prints, read from the invoices the run has just computed in its own
 * transaction (store_invoice_run with opts.preview rolls it back after).
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "log.h"
#include "store_invoice_preview.h"

/*
 * $1 creditor, $2 the month: families billed for consumption, reminder
 * lines and their sum, invoices owing the family (negative total) and
 * their sum, and whether the month before was invoiced.
 */
static const char preview_counts_sql[] =
    "SELECT (SELECT count(DISTINCT i.family_id) FROM invoices i"
    "  JOIN invoice_lines l ON l.creditor_id = i.creditor_id"
    "  AND l.invoice_id = i.id WHERE i.creditor_id = $1"
    "  AND i.month = $2::date AND l.kind <> 'reminder'),"
    " (SELECT count(*) FROM invoices i JOIN invoice_lines l"
    "  ON l.creditor_id = i.creditor_id AND l.invoice_id = i.id"
    "  WHERE i.creditor_id = $1 AND i.month = $2::date"
    "  AND l.kind = 'reminder'),"
    " (SELECT coalesce(sum(l.amount_cents), 0) FROM invoices i"
    "  JOIN invoice_lines l ON l.creditor_id = i.creditor_id"
    "  AND l.invoice_id = i.id WHERE i.creditor_id = $1"
    "  AND i.month = $2::date AND l.kind = 'reminder'),"
    " (SELECT count(*) FROM invoices WHERE creditor_id = $1"
    "  AND month = $2::date AND total_cents < 0),"
    " (SELECT coalesce(sum(total_cents), 0) FROM invoices"
    "  WHERE creditor_id = $1 AND month = $2::date AND total_cents < 0),"
    " EXISTS (SELECT 1 FROM invoices WHERE creditor_id = $1"
    "  AND month = ($2::date - interval '1 month')::date)";

/* The lines of one month's invoices per service (not the reminders). */
#define PREVIEW_PER_SERVICE(month) \
	"SELECT l.service_id, sum(l.quantity_milli)::bigint AS q," \
	" sum(l.amount_cents)::bigint AS a FROM invoices i" \
	" JOIN invoice_lines l ON l.creditor_id = i.creditor_id" \
	" AND l.invoice_id = i.id WHERE i.creditor_id = $1" \
	" AND i.month = " month " AND l.kind <> 'reminder' GROUP BY 1"

/* $1 creditor, $2 the month: per service, this month and the one before. */
static const char preview_services_sql[] = "WITH cur AS (" PREVIEW_PER_SERVICE(
    "$2::date") "),"
                " prev AS (" PREVIEW_PER_SERVICE(
                    "($2::date - interval '1 month')::date") ")"
                                                             " SELECT s.code, s.unit, coalesce(cur.q, 0), coalesce(cur.a, 0),"
                                                             " coalesce(prev.a, 0) FROM cur FULL JOIN prev USING (service_id)"
                                                             " JOIN services s ON s.creditor_id = $1"
                                                             " AND s.id = coalesce(cur.service_id, prev.service_id)"
                                                             " ORDER BY s.code";

/* $1 creditor, $2 the month: per bracket of the families. */
static const char preview_brackets_sql[] =
    "SELECT f.bracket, count(*), sum(i.total_cents)::bigint"
    " FROM invoices i JOIN families f ON f.creditor_id = i.creditor_id"
    " AND f.id = i.family_id WHERE i.creditor_id = $1"
    " AND i.month = $2::date GROUP BY f.bracket ORDER BY f.bracket";

/* $1 creditor, $2 the month, $3 how many: the largest invoices. */
static const char preview_largest_sql[] =
    "SELECT i.number, f.family_ref, f.payer_name, i.total_cents"
    " FROM invoices i JOIN families f ON f.creditor_id = i.creditor_id"
    " AND f.id = i.family_id WHERE i.creditor_id = $1"
    " AND i.month = $2::date ORDER BY i.total_cents DESC, i.number"
    " LIMIT $3::int";

static int
preview_services(struct db *db, const char *const *params,
    struct invoice_preview *p, sepa_error *err)
{
	PGresult *res = NULL;
	int rc;

	if ((rc = db_query(db, &res, "sum up the services",
	         preview_services_sql, 2, params, err)) != 0)
		return rc;
	p->nservices = (size_t)PQntuples(res);
	p->services = xcalloc(p->nservices + 1, sizeof(*p->services));
	for (size_t i = 0; i < p->nservices; i++) {
		struct invoice_preview_service *s = &p->services[i];

		db_text(s->code, sizeof(s->code), res, (int)i, 0);
		db_text(s->unit, sizeof(s->unit), res, (int)i, 1);
		s->quantity_milli = db_int(res, (int)i, 2);
		s->amount_cents = db_int(res, (int)i, 3);
		s->prev_amount_cents = db_int(res, (int)i, 4);
	}
	db_result_free(res);
	return 0;
}

static int
preview_brackets(struct db *db, const char *const *params,
    struct invoice_preview *p, sepa_error *err)
{
	PGresult *res = NULL;
	int rc;

	if ((rc = db_query(db, &res, "sum up the brackets",
	         preview_brackets_sql, 2, params, err)) != 0)
		return rc;
	p->nbrackets = (size_t)PQntuples(res);
	p->brackets = xcalloc(p->nbrackets + 1, sizeof(*p->brackets));
	for (size_t i = 0; i < p->nbrackets; i++) {
		struct invoice_preview_bracket *b = &p->brackets[i];

		db_text(b->bracket, sizeof(b->bracket), res, (int)i, 0);
		b->invoices = db_int(res, (int)i, 1);
		b->amount_cents = db_int(res, (int)i, 2);
	}
	db_result_free(res);
	return 0;
}

static int
preview_largest(struct db *db, const char *const *params,
    struct invoice_preview *p, sepa_error *err)
{
	char n[16];
	const char *q[3] = {params[0], params[1], n};
	PGresult *res = NULL;
	int rc;

	snprintf(n, sizeof(n), "%d", INVOICE_PREVIEW_LARGEST);
	if ((rc = db_query(db, &res, "find the largest invoices",
	         preview_largest_sql, 3, q, err)) != 0)
		return rc;
	p->nlargest = (size_t)PQntuples(res);
	for (size_t i = 0; i < p->nlargest; i++) {
		struct invoice_preview_invoice *v = &p->largest[i];

		db_text(v->number, sizeof(v->number), res, (int)i, 0);
		db_text(v->family_ref, sizeof(v->family_ref), res, (int)i, 1);
		db_text(v->payer, sizeof(v->payer), res, (int)i, 2);
		v->total_cents = db_int(res, (int)i, 3);
	}
	db_result_free(res);
	return 0;
}

int
store_invoice_preview_read(struct db *db, int64_t creditor_id, sepa_month month,
    struct invoice_preview *p, sepa_error *err)
{
	char cred[24], mon[SEPA_DATE_BUFSZ];
	const char *params[2] = {cred, mon};
	PGresult *res = NULL;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(mon, sepa_month_day(month, 1));
	if ((rc = db_query(db, &res, "count the month's figures",
	         preview_counts_sql, 2, params, err)) != 0)
		return rc;
	p->families = db_int(res, 0, 0);
	p->reminders = db_int(res, 0, 1);
	p->reminder_cents = db_int(res, 0, 2);
	p->credits = db_int(res, 0, 3);
	p->credit_cents = db_int(res, 0, 4);
	p->has_previous = PQgetvalue(res, 0, 5)[0] == 't';
	db_result_free(res);
	if ((rc = preview_services(db, params, p, err)) != 0 ||
	    (rc = preview_brackets(db, params, p, err)) != 0)
		return rc;
	return preview_largest(db, params, p, err);
}

void
store_invoice_preview_free(struct invoice_preview *p)
{
	if (p == NULL)
		return;
	free(p->services);
	free(p->brackets);
	p->services = NULL;
	p->brackets = NULL;
	p->nservices = p->nbrackets = 0;
}
