/*
 * store_report.c - the figures of one month for `sepactl report`, read
 * in one read-only snapshot so that they agree with each other:
 *
 * - the debits presented: the collections due in the month (by due
 *   date) that reached the bank, settled (confirmed by the bank or
 *   presumed), cancelled (a file or block refused whole), and those that
 *   came back rejected, returned or refunded, by reason and family;
 * - payments by other means, by the date paid;
 * - the invoices issued in the month (by issue date): their reminders,
 *   the credits they used, the credits the negative ones granted, and
 *   what they billed per service (consumption and regularisations);
 * - credits listed for refund, invoices exported for recovery, and
 *   mandate suspensions, ends and lapses, by their business date;
 * - the balance of every billed month up to this one (invoice_balance).
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
/* A date of the month $2 (its first day). */
#define REPORT_IN_MONTH(col) \
	" " col " >= $2::date AND " col " < ($2::date + interval '1 month')"
/* The lines of kind k of the invoices issued in the month. */
#define REPORT_LINES(k) \
	" FROM invoice_lines l JOIN invoices i ON i.creditor_id = $1" \
	" AND i.id = l.invoice_id WHERE l.creditor_id = $1 AND l.kind = " k \
	" AND" REPORT_IN_MONTH("i.issued_on")

/* $1 creditor, $2 first day of the month. */
static const char report_totals[] =
    "WITH c AS (SELECT c.* FROM collections c WHERE c.creditor_id = $1"
    " AND" REPORT_IN_MONTH(
        "c.due_on") " AND c.state NOT IN ('pending', 'cancelled'))"
                    " SELECT"
                    " (SELECT count(*) FROM c), (SELECT coalesce(sum(amount_cents), 0) FROM c),"
                    " (SELECT count(*) FROM c WHERE state = 'settled'),"
                    " (SELECT coalesce(sum(amount_cents), 0) FROM c WHERE state = 'settled'),"
                    " (SELECT count(*) FROM collections WHERE creditor_id = $1"
                    " AND" REPORT_IN_MONTH(
                        "due_on") " AND state = 'cancelled'),"
                                  /* settled without a bank confirmation (migration 032) */
                                  " (SELECT count(*) FROM c WHERE state = 'settled' AND " REPORT_PRESUMED
                                  "),"
                                  " (SELECT coalesce(sum(amount_cents), 0) FROM c WHERE state = 'settled'"
                                  " AND " REPORT_PRESUMED "),"
                                  " (SELECT count(*) FROM recovery_export_invoices x"
                                  " JOIN recovery_exports e ON e.creditor_id = $1 AND e.id = x.export_id"
                                  " WHERE x.creditor_id = $1 AND" REPORT_IN_MONTH(
                                      "e.business_date") "),"
                                                         " (SELECT coalesce(sum(x.due_cents), 0) FROM recovery_export_invoices x"
                                                         " JOIN recovery_exports e ON e.creditor_id = $1 AND e.id = x.export_id"
                                                         " WHERE x.creditor_id = $1 AND" REPORT_IN_MONTH("e.business_date") "),"
                                                                                                                            " (SELECT count(*)" REPORT_LINES(
                                                                                                                                "'reminder'") "),"
                                                                                                                                              " (SELECT coalesce(sum(l.amount_cents), 0)" REPORT_LINES("'reminder'") "),"
                                                                                                                                                                                                                     " (SELECT count(*)" REPORT_LINES("'credit'") "),"
                                                                                                                                                                                                                                                                  " (SELECT coalesce(-sum(l.amount_cents), 0)" REPORT_LINES("'credit'") "),"
                                                                                                                                                                                                                                                                                                                                        " (SELECT count(*) FROM invoices WHERE creditor_id = $1"
                                                                                                                                                                                                                                                                                                                                        " AND total_cents < 0 AND" REPORT_IN_MONTH(
                                                                                                                                                                                                                                                                                                                                            "issued_on") "),"
                                                                                                                                                                                                                                                                                                                                                         " (SELECT coalesce(-sum(total_cents), 0) FROM invoices"
                                                                                                                                                                                                                                                                                                                                                         " WHERE creditor_id = $1 AND total_cents < 0"
                                                                                                                                                                                                                                                                                                                                                         " AND" REPORT_IN_MONTH(
                                                                                                                                                                                                                                                                                                                                                             "issued_on") "),"
                                                                                                                                                                                                                                                                                                                                                                          " (SELECT count(*) FROM credit_refunds WHERE creditor_id = $1"
                                                                                                                                                                                                                                                                                                                                                                          " AND" REPORT_IN_MONTH(
                                                                                                                                                                                                                                                                                                                                                                              "listed_on") "),"
                                                                                                                                                                                                                                                                                                                                                                                           " (SELECT coalesce(sum(amount_cents), 0) FROM credit_refunds"
                                                                                                                                                                                                                                                                                                                                                                                           " WHERE creditor_id = $1 AND" REPORT_IN_MONTH("listed_on") "),"
                                                                                                                                                                                                                                                                                                                                                                                                                                                      " (SELECT count(*) FROM invoices WHERE creditor_id = $1"
                                                                                                                                                                                                                                                                                                                                                                                                                                                      " AND" REPORT_IN_MONTH(
                                                                                                                                                                                                                                                                                                                                                                                                                                                          "issued_on") "),"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                       " (SELECT coalesce(sum(total_cents), 0) FROM invoices"
                                                                                                                                                                                                                                                                                                                                                                                                                                                                       " WHERE creditor_id = $1 AND" REPORT_IN_MONTH(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                           "issued_on") ")";

/* The debits that came back: $1 creditor, $2 first day of the month. */
#define REPORT_UNPAID \
	" WHERE c.creditor_id = $1 AND" REPORT_IN_MONTH( \
	    "c.due_on") " AND c.state IN ('rejected', 'returned', 'refunded')"

static const char report_reasons[] =
    "SELECT c.state, coalesce(c.reason_code, ''), count(*),"
    " sum(c.amount_cents) FROM collections c" REPORT_UNPAID
    " GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2";

static const char report_families[] =
    "SELECT c.state, coalesce(c.reason_code, ''), f.family_ref, f.payer_name,"
    " i.number, c.amount_cents FROM collections c"
    " JOIN invoices i ON i.creditor_id = $1 AND i.id = c.invoice_id"
    " JOIN families f ON f.creditor_id = $1 AND f.id = i.family_id" REPORT_UNPAID
    " ORDER BY f.family_ref, i.number, c.id";

static const char report_methods[] =
    "SELECT method, count(*), sum(amount_cents) FROM payments"
    " WHERE creditor_id = $1 AND" REPORT_IN_MONTH(
        "paid_on") " GROUP BY method ORDER BY 3 DESC, 1";

/* The newest state of the mandate, when it is still the one recorded. */
static const char report_mandates[] =
    "SELECT substr(v.kind, 9), f.family_ref, f.payer_name, m.rum,"
    " CASE WHEN m.state = substr(v.kind, 9) THEN"
    " coalesce(m.state_reason, '') ELSE '' END, v.business_date::text"
    " FROM events v"
    " JOIN mandates m ON m.creditor_id = $1 AND m.id = v.mandate_id"
    " JOIN families f ON f.creditor_id = $1 AND f.id = m.family_id"
    " WHERE v.creditor_id = $1 AND v.kind IN ('mandate.suspended',"
    " 'mandate.terminated', 'mandate.lapsed')"
    " AND" REPORT_IN_MONTH(
        "v.business_date") " ORDER BY CASE v.kind WHEN 'mandate.suspended' THEN 1"
                           " WHEN 'mandate.terminated' THEN 2 ELSE 3 END, v.business_date,"
                           " f.family_ref, v.id";

static const char report_services[] =
    "SELECT s.code, s.label, count(*), sum(l.amount_cents)"
    " FROM invoice_lines l JOIN invoices i ON i.creditor_id = $1"
    " AND i.id = l.invoice_id"
    " JOIN services s ON s.creditor_id = $1 AND s.id = l.service_id"
    " WHERE l.creditor_id = $1 AND l.kind IN ('consumption',"
    " 'regularisation') AND" REPORT_IN_MONTH(
        "i.issued_on") " GROUP BY s.code, s.label ORDER BY s.code";

/* One query's rows into an array of `size`-byte items, by `fill`. */
typedef void (*report_fill_fn)(void *item, PGresult *res, int row);

static int
report_rows(struct db *db, const char *what, const char *sql,
    const char *const p[2], void **items, size_t *n, size_t size,
    report_fill_fn fill, sepa_error *err)
{
	PGresult *res = NULL;
	int rc;

	if ((rc = db_query(db, &res, what, sql, 2, p, err)) != 0)
		return rc;
	*n = (size_t)PQntuples(res);
	*items = xcalloc(*n + 1, size);
	for (size_t i = 0; i < *n; i++)
		fill((char *)*items + i * size, res, (int)i);
	db_result_free(res);
	return 0;
}

static void
report_fill_reason(void *item, PGresult *res, int row)
{
	struct report_reason *r = item;

	db_text(r->state, sizeof(r->state), res, row, 0);
	db_text(r->code, sizeof(r->code), res, row, 1);
	r->count = db_int(res, row, 2);
	r->cents = db_int(res, row, 3);
}

static void
report_fill_unpaid(void *item, PGresult *res, int row)
{
	struct report_unpaid *u = item;

	db_text(u->state, sizeof(u->state), res, row, 0);
	db_text(u->code, sizeof(u->code), res, row, 1);
	u->family_ref = xstrdup(PQgetvalue(res, row, 2));
	u->payer = xstrdup(PQgetvalue(res, row, 3));
	u->invoice = xstrdup(PQgetvalue(res, row, 4));
	u->cents = db_int(res, row, 5);
}

static void
report_fill_method(void *item, PGresult *res, int row)
{
	struct report_method *m = item;

	db_text(m->method, sizeof(m->method), res, row, 0);
	m->sum.count = db_int(res, row, 1);
	m->sum.cents = db_int(res, row, 2);
}

static void
report_fill_mandate(void *item, PGresult *res, int row)
{
	struct report_mandate *m = item;

	db_text(m->kind, sizeof(m->kind), res, row, 0);
	m->family_ref = xstrdup(PQgetvalue(res, row, 1));
	m->payer = xstrdup(PQgetvalue(res, row, 2));
	m->rum = xstrdup(PQgetvalue(res, row, 3));
	m->reason = xstrdup(PQgetvalue(res, row, 4));
	if (sepa_date_parse(&m->on, PQgetvalue(res, row, 5), NULL) != 0)
		m->on = (sepa_date){0, 0, 0};
}

static void
report_fill_service(void *item, PGresult *res, int row)
{
	struct report_service *s = item;

	s->code = xstrdup(PQgetvalue(res, row, 0));
	s->label = xstrdup(PQgetvalue(res, row, 1));
	s->lines = db_int(res, row, 2);
	s->cents = db_int(res, row, 3);
}

static int
report_read_totals(
    struct db *db, const char *const p[2], struct report *out, sepa_error *err)
{
	int64_t *v[] = {&out->presented, &out->presented_cents, &out->settled,
	    &out->settled_cents, &out->cancelled, &out->presumed,
	    &out->presumed_cents, &out->recovery, &out->recovery_cents,
	    &out->reminders.count, &out->reminders.cents,
	    &out->credits_used.count, &out->credits_used.cents,
	    &out->credits_granted.count, &out->credits_granted.cents,
	    &out->refunds.count, &out->refunds.cents, &out->invoices.count,
	    &out->invoices.cents};
	PGresult *res = NULL;
	int rc;

	if ((rc = db_query(db, &res, "read the month's totals", report_totals,
	         2, p, err)) != 0)
		return rc;
	for (int i = 0; i < (int)(sizeof(v) / sizeof(v[0])); i++)
		*v[i] = db_int(res, 0, i);
	db_result_free(res);
	return 0;
}

/* A row of the balance (store_ledger_balance) added to the report. */
static void
report_balance_row(void *arg, const char *const *cols)
{
	struct report *r = arg;
	struct report_balance *b;

	r->balance =
	    xreallocarray(r->balance, r->nbalance + 1, sizeof(*r->balance));
	b = &r->balance[r->nbalance++];
	memset(b, 0, sizeof(*b));
	snprintf(b->month, sizeof(b->month), "%s", cols[LB_MONTH]);
	for (int c = LB_INVOICES; c < LB_NCOLS; c++) {
		b->v[c] = strtoll(cols[c], NULL, 10);
		r->total.v[c] += b->v[c];
	}
}

/* The sums the sections are read in (the rows are already there). */
static void
report_sums(struct report *r)
{
	for (size_t i = 0; i < r->nreasons; i++) {
		r->unpaid.count += r->reasons[i].count;
		r->unpaid.cents += r->reasons[i].cents;
	}
	for (size_t i = 0; i < r->nmethods; i++) {
		r->other.count += r->methods[i].sum.count;
		r->other.cents += r->methods[i].sum.cents;
	}
	for (size_t i = 0; i < r->nservices; i++) {
		r->service_total.count += r->services[i].lines;
		r->service_total.cents += r->services[i].cents;
	}
	for (size_t i = 0; i < r->nmandates; i++) {
		const char *k = r->mandates[i].kind;

		r->suspended += strcmp(k, "suspended") == 0;
		r->terminated += strcmp(k, "terminated") == 0;
		r->lapsed += strcmp(k, "lapsed") == 0;
	}
}

int
store_report_month(struct db *db, int64_t creditor_id, sepa_month month,
    struct report *out, sepa_error *err)
{
	char cred[24], first[SEPA_DATE_BUFSZ];
	const char *const p[2] = {cred, first};
	int rc;

	memset(out, 0, sizeof(*out));
	out->month = month;
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(first, sepa_month_day(month, 1));
	if ((rc = db_begin(db, DB_SNAPSHOT, err)) != 0)
		return rc;
	if ((rc = report_read_totals(db, p, out, err)) != 0 ||
	    (rc = report_rows(db, "read the unpaid collections", report_reasons,
	         p, (void **)&out->reasons, &out->nreasons,
	         sizeof(*out->reasons), report_fill_reason, err)) != 0 ||
	    (rc = report_rows(db, "read the families of the unpaid debits",
	         report_families, p, (void **)&out->families, &out->nfamilies,
	         sizeof(*out->families), report_fill_unpaid, err)) != 0 ||
	    (rc = report_rows(db, "read the payments", report_methods, p,
	         (void **)&out->methods, &out->nmethods, sizeof(*out->methods),
	         report_fill_method, err)) != 0 ||
	    (rc = report_rows(db, "read the mandates", report_mandates, p,
	         (void **)&out->mandates, &out->nmandates,
	         sizeof(*out->mandates), report_fill_mandate, err)) != 0 ||
	    (rc = report_rows(db, "read the services", report_services, p,
	         (void **)&out->services, &out->nservices,
	         sizeof(*out->services), report_fill_service, err)) != 0 ||
	    (rc = store_ledger_balance_rows(
	         db, creditor_id, month, report_balance_row, out, err)) != 0) {
		db_rollback(db);
		return rc;
	}
	report_sums(out);
	return db_commit(db, err);
}

static const char report_months_sql[] =
    "SELECT to_char(month, 'YYYY-MM') FROM cycle_steps"
    " WHERE creditor_id = $1 AND step = 'invoice' ORDER BY month DESC";

int
store_report_months(struct db *db, int64_t creditor_id, sepa_month **out,
    size_t *n, sepa_error *err)
{
	char cred[24];
	const char *const p[1] = {cred};
	PGresult *res = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	if ((rc = db_query(db, &res, "read the months billed",
	         report_months_sql, 1, p, err)) != 0)
		return rc;
	*out = xcalloc((size_t)PQntuples(res) + 1, sizeof(**out));
	for (int i = 0; i < PQntuples(res); i++)
		if (sepa_month_parse(
		        &(*out)[*n], PQgetvalue(res, i, 0), NULL) == 0)
			(*n)++;
	db_result_free(res);
	return 0;
}

void
store_report_free(struct report *r)
{
	for (size_t i = 0; i < r->nfamilies; i++) {
		free(r->families[i].family_ref);
		free(r->families[i].payer);
		free(r->families[i].invoice);
	}
	for (size_t i = 0; i < r->nmandates; i++) {
		free(r->mandates[i].family_ref);
		free(r->mandates[i].payer);
		free(r->mandates[i].rum);
		free(r->mandates[i].reason);
	}
	for (size_t i = 0; i < r->nservices; i++) {
		free(r->services[i].code);
		free(r->services[i].label);
	}
	free(r->reasons);
	free(r->families);
	free(r->methods);
	free(r->mandates);
	free(r->services);
	free(r->balance);
	memset(r, 0, sizeof(*r));
}
