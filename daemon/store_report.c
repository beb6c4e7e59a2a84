/*
 * store_report.c - the figures of one month for `sepactl report`:
 * collections presented and settled (confirmed by the bank or presumed),
 * unpaid ones by reason, mandates
 * suspended and terminated, invoices sent to recovery. The month of a
 * collection is the month of its due date; of a mandate change or an
 * export, the month of its business date.
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
#include "store_report.h"

/* Collection c was presumed settled and the bank has not confirmed it. */
#define REPORT_PRESUMED \
	"EXISTS (SELECT 1 FROM presumed_settlements p" \
	" WHERE p.creditor_id = c.creditor_id AND p.collection_id = c.id)" \
	" AND NOT EXISTS (SELECT 1 FROM return_effects e" \
	" WHERE e.creditor_id = c.creditor_id AND e.collection_id = c.id" \
	" AND e.family = 'settled')"

/* $1 creditor, $2 first day of the month. */
static const char report_totals[] =
    "SELECT"
    " (SELECT count(*) FROM collections WHERE creditor_id = $1"
    " AND date_trunc('month', due_on) = $2::date"
    " AND state NOT IN ('pending', 'cancelled')),"
    " (SELECT coalesce(sum(amount_cents), 0) FROM collections"
    " WHERE creditor_id = $1 AND date_trunc('month', due_on) = $2::date"
    " AND state NOT IN ('pending', 'cancelled')),"
    " (SELECT count(*) FROM collections WHERE creditor_id = $1"
    " AND date_trunc('month', due_on) = $2::date AND state = 'settled'),"
    " (SELECT coalesce(sum(amount_cents), 0) FROM collections"
    " WHERE creditor_id = $1 AND date_trunc('month', due_on) = $2::date"
    " AND state = 'settled'),"
    " (SELECT count(*) FROM collections WHERE creditor_id = $1"
    " AND date_trunc('month', due_on) = $2::date AND state = 'cancelled'),"
    /* settled without a bank confirmation (migration 032) */
    " (SELECT count(*) FROM collections c WHERE creditor_id = $1"
    " AND date_trunc('month', due_on) = $2::date AND state = 'settled'"
    " AND " REPORT_PRESUMED "),"
    " (SELECT coalesce(sum(amount_cents), 0) FROM collections c"
    " WHERE creditor_id = $1 AND date_trunc('month', due_on) = $2::date"
    " AND state = 'settled' AND " REPORT_PRESUMED "),"
    " (SELECT count(*) FROM events WHERE creditor_id = $1"
    " AND kind = 'mandate.suspended'"
    " AND date_trunc('month', business_date) = $2::date),"
    " (SELECT count(*) FROM events WHERE creditor_id = $1"
    " AND kind = 'mandate.terminated'"
    " AND date_trunc('month', business_date) = $2::date),"
    " (SELECT count(*) FROM recovery_export_invoices x"
    " JOIN recovery_exports e ON e.creditor_id = $1 AND e.id = x.export_id"
    " WHERE x.creditor_id = $1"
    " AND date_trunc('month', e.business_date) = $2::date),"
    " (SELECT coalesce(sum(x.due_cents), 0) FROM recovery_export_invoices x"
    " JOIN recovery_exports e ON e.creditor_id = $1 AND e.id = x.export_id"
    " WHERE x.creditor_id = $1"
    " AND date_trunc('month', e.business_date) = $2::date)";

static const char report_reasons[] =
    "SELECT c.state, coalesce(c.reason_code, ''), count(*),"
    " sum(c.amount_cents) FROM collections c WHERE c.creditor_id = $1"
    " AND date_trunc('month', c.due_on) = $2::date"
    " AND c.state IN ('rejected', 'returned', 'refunded')"
    " GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2";

int
store_report_month(struct db *db, int64_t creditor_id, sepa_month month,
    struct report *out, sepa_error *err)
{
	PGresult *res = NULL;
	char cred[24], first[SEPA_DATE_BUFSZ];
	int64_t *v[] = {&out->presented, &out->presented_cents, &out->settled,
	    &out->settled_cents, &out->cancelled, &out->presumed,
	    &out->presumed_cents, &out->suspended, &out->terminated,
	    &out->recovery, &out->recovery_cents};
	int rc;

	memset(out, 0, sizeof(*out));
	out->month = month;
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(first, sepa_month_day(month, 1));
	if ((rc = db_query(db, &res, "read the month's totals", report_totals,
	         2, (const char *const[]){cred, first}, err)) != 0)
		goto cleanup;
	for (int i = 0; i < (int)(sizeof(v) / sizeof(v[0])); i++)
		*v[i] = strtoll(PQgetvalue(res, 0, i), NULL, 10);
	db_result_free(res);
	res = NULL;
	if ((rc = db_query(db, &res, "read the unpaid collections",
	         report_reasons, 2, (const char *const[]){cred, first}, err)) !=
	    0)
		goto cleanup;
	out->nreasons = (size_t)PQntuples(res);
	out->reasons = xcalloc(out->nreasons + 1, sizeof(*out->reasons));
	for (size_t i = 0; i < out->nreasons; i++) {
		struct report_reason *r = &out->reasons[i];

		snprintf(r->state, sizeof(r->state), "%s",
		    PQgetvalue(res, (int)i, 0));
		snprintf(
		    r->code, sizeof(r->code), "%s", PQgetvalue(res, (int)i, 1));
		r->count = strtoll(PQgetvalue(res, (int)i, 2), NULL, 10);
		r->cents = strtoll(PQgetvalue(res, (int)i, 3), NULL, 10);
	}
cleanup:
	db_result_free(res);
	return rc;
}

void
store_report_free(struct report *r)
{
	free(r->reasons);
	r->reasons = NULL;
	r->nreasons = 0;
}
