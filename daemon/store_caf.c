/*
 * store_caf.c - what the yearly activity declaration to the CAF reads:
 * the days of attendance of the year at the services declared to the CAF
 * (services.caf_activity, migration 030), per child, service and day,
 * with the quantity recorded and the quantity already invoiced (the lines
 * of billed batches, migration 008), streamed through a cursor; then the
 * quantities the invoice lines billed for that consumption, to check the
 * declared hours against the invoices.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/caf.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "store_caf.h"

/*
 * The days: $1 creditor, $2 first day, $3 the day after the last. Lines
 * are grouped per child, service and day first (a late line of a day
 * joins the others), then named.
 */
static const char caf_days_sql[] =
    "DECLARE caf_cur NO SCROLL CURSOR FOR "
    "SELECT d.child_id, d.day::text, s.code, s.unit, s.caf_activity, "
    "  coalesce(h.birth_date::text, ''), f.family_ref, h.child_ref, h.name, "
    "  d.recorded, d.billed, d.unbilled "
    "FROM (SELECT c.child_id, c.service_id, c.consumed_on AS day, "
    "    sum(c.quantity_milli)::bigint AS recorded, "
    "    coalesce(sum(c.quantity_milli) FILTER (WHERE b.billed_month "
    "      IS NOT NULL), 0)::bigint AS billed, "
    "    count(*) FILTER (WHERE b.billed_month IS NULL) AS unbilled "
    "  FROM consumption_lines c "
    "  JOIN consumption_batches b ON b.creditor_id = $1 "
    "    AND b.source_file_id = c.source_file_id "
    "    AND b.month = date_trunc('month', c.consumed_on)::date "
    "  WHERE c.creditor_id = $1 AND c.consumed_on >= $2::date "
    "    AND c.consumed_on < $3::date "
    "    AND c.service_id IN (SELECT id FROM services "
    "      WHERE creditor_id = $1 AND caf_activity <> 'none') "
    "  GROUP BY 1, 2, 3) d "
    "JOIN services s ON s.creditor_id = $1 AND s.id = d.service_id "
    "JOIN children h ON h.creditor_id = $1 AND h.id = d.child_id "
    "JOIN families f ON f.creditor_id = $1 AND f.id = h.family_id "
    "ORDER BY d.child_id, d.day, s.code";

/* What the invoices billed for the same services and months. */
static const char caf_invoiced_sql[] =
    "SELECT coalesce(sum(l.quantity_milli) FILTER (WHERE s.unit = 'hour'), "
    "  0)::bigint, "
    "coalesce(sum(l.quantity_milli) FILTER (WHERE s.unit = 'day'), "
    "  0)::bigint "
    "FROM invoice_lines l JOIN services s ON s.creditor_id = $1 "
    "  AND s.id = l.service_id AND s.caf_activity <> 'none' "
    "WHERE l.creditor_id = $1 AND l.kind IN ('consumption', "
    "  'regularisation') AND l.consumed_month >= $2::date "
    "  AND l.consumed_month < $3::date";

enum {
	D_CHILD,
	D_DAY,
	D_SERVICE,
	D_UNIT,
	D_ACTIVITY,
	D_BIRTH,
	D_FAMILY,
	D_REF,
	D_NAME,
	D_RECORDED,
	D_BILLED,
	D_UNBILLED
};

/* Row i of the cursor as a day; SEPA_ESTATE for a value we never store. */
static int
caf_row(struct caf_day *d, PGresult *res, int i, sepa_error *err)
{
	memset(d, 0, sizeof(*d));
	d->child_id = strtoll(PQgetvalue(res, i, D_CHILD), NULL, 10);
	if (sepa_date_parse(&d->day, PQgetvalue(res, i, D_DAY), err) != 0 ||
	    sepa_caf_activity_from_code(
	        &d->activity, PQgetvalue(res, i, D_ACTIVITY)) != 0)
		return sepa_error_set(err, SEPA_ESTATE,
		    "unexpected day or CAF activity in the database: %s %s",
		    PQgetvalue(res, i, D_DAY), PQgetvalue(res, i, D_ACTIVITY));
	d->service = PQgetvalue(res, i, D_SERVICE);
	d->unit = PQgetvalue(res, i, D_UNIT);
	if (PQgetvalue(res, i, D_BIRTH)[0] != '\0') {
		if (sepa_date_parse(
		        &d->birth, PQgetvalue(res, i, D_BIRTH), err) != 0)
			return SEPA_ESTATE;
		d->has_birth = true;
	}
	d->family_ref = PQgetvalue(res, i, D_FAMILY);
	d->child_ref = PQgetvalue(res, i, D_REF);
	d->child_name = PQgetvalue(res, i, D_NAME);
	d->recorded_milli = strtoll(PQgetvalue(res, i, D_RECORDED), NULL, 10);
	d->billed_milli = strtoll(PQgetvalue(res, i, D_BILLED), NULL, 10);
	d->unbilled_lines = strtoll(PQgetvalue(res, i, D_UNBILLED), NULL, 10);
	return 0;
}

/* The caller's callback, for db_fetch_each. */
struct caf_each {
	int (*fn)(const struct caf_day *d, void *arg, sepa_error *err);
	void *arg;
};

/* Row r of res as a day, to the caller's callback. */
static int
caf_row_at(void *arg, PGresult *res, int r, sepa_error *err)
{
	const struct caf_each *each = arg;
	struct caf_day d;
	int rc;

	if ((rc = caf_row(&d, res, r, err)) != 0)
		return rc;
	return each->fn(&d, each->arg, err);
}

int
store_caf_year(struct db *db, int64_t creditor_id, int year,
    int (*fn)(const struct caf_day *d, void *arg, sepa_error *err), void *arg,
    struct caf_invoiced *inv, sepa_error *err)
{
	char cred[24], from[SEPA_DATE_BUFSZ], to[SEPA_DATE_BUFSZ];
	const char *p[3] = {cred, from, to};
	struct caf_each each = {fn, arg};
	PGresult *res = NULL;
	int rc;

	memset(inv, 0, sizeof(*inv));
	if (year < 1900 || year > 9998)
		return sepa_error_set(
		    err, SEPA_EINVAL, "year %d is out of range", year);
	snprintf(cred, sizeof(cred), "%lld", (long long)creditor_id);
	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-01-01", year + 1);
	if ((rc = db_begin(db, DB_SNAPSHOT, err)) != 0)
		return rc;
	if ((rc = db_exec(db, "size the grouping",
	         "SET LOCAL work_mem = '128MB'", 0, NULL, err)) != 0 ||
	    (rc = db_exec(db, "plan for every row",
	         "SET LOCAL cursor_tuple_fraction = 1", 0, NULL, err)) != 0 ||
	    (rc = db_exec(db, "open the days of the year", caf_days_sql, 3, p,
	         err)) != 0)
		goto cleanup;
	if ((rc = db_fetch_each(db, "read the days of the year",
	         "FETCH 5000 FROM caf_cur", caf_row_at, NULL, &each, err)) != 0)
		goto cleanup;
	if ((rc = db_query(db, &res, "read what the invoices billed",
	         caf_invoiced_sql, 3, p, err)) != 0)
		goto cleanup;
	inv->hour_milli = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	inv->day_milli = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	rc = db_commit(db, err);
cleanup:
	db_result_free(res);
	if (rc != 0)
		db_rollback(db);
	return rc;
}
