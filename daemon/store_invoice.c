/*
 * store_invoice.c - the monthly invoice run (set-based, one transaction)
 * and the streamed reading of a month's invoices for the notices.
 *
 * The run prices every consumption line of the batches not billed yet up
 * to the end of the billed month (migration 008: a batch is a file's
 * lines of one month, billed whole): each line at the tariff of its
 * family's bracket valid on its date, hour services summed and rounded
 * per child, service and day first (with the hours of that day billed
 * before, for late lines). Lines of the billed month become 'consumption'
 * lines, older ones 'regularisation' lines; both are grouped per child,
 * service, month and unit price, so a tariff change inside the month
 * splits a line. Unpaid earlier invoices not reminded yet (a debit that
 * came back, or an invoice never debited and unpaid after its due date:
 * contract art. 6, migration 032) add a 'reminder' line for what they owe
 * on their own (invoice_dues, migration 015) and move to 'reminded'. Everything happens in temporary tables and INSERT
 * ... SELECT: no round trip per family or line.
 *
 * store_invoice_run is a sequence of phases, one function each; their
 * statements are the inv_*_sql constants, in the order they run.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_event.h"
#include "store_invoice.h"
#include "store_invoice_preview.h"

/* The lines of the batches in inv_batch (alias bt), as c; $1 the creditor. */
#define INV_BATCH_LINES \
	"FROM inv_batch bt JOIN consumption_lines c ON c.creditor_id = $1 " \
	"AND c.source_file_id = bt.source_file_id " \
	"AND c.consumed_on >= bt.month " \
	"AND c.consumed_on < (bt.month + interval '1 month')::date "

/* The tariff t of inv_tariff in force for line c of family f. */
#define INV_TARIFF_OF_LINE \
	"t.service_id = c.service_id AND t.bracket = f.bracket " \
	"AND c.consumed_on >= t.valid_from " \
	"AND (t.valid_to IS NULL OR c.consumed_on < t.valid_to) "

/*
 * The statements of the run, in the order it runs them. $1 is always the
 * creditor; the other parameters are named above each one.
 */

/* Memory for the hashes and sorts of this batch (this transaction only):
 * the default 4 MB splits them into batches on disk. */
static const char inv_work_mem_sql[] = "SET LOCAL work_mem = '256MB'";

/* One run at a time per creditor; payments wait for us too. */
static const char inv_lock_creditor_sql[] =
    "SELECT id FROM creditors WHERE id = $1 FOR UPDATE";

/* $2 the month. */
static const char inv_count_invoices_sql[] =
    "SELECT count(*) FROM invoices WHERE creditor_id = $1 "
    "AND month = $2";

/* $2 the month: the step of the cycle month that bills it. */
static const char inv_count_steps_sql[] =
    "SELECT count(*) FROM cycle_steps WHERE "
    "creditor_id = $1 AND step = 'invoice' AND "
    "month = ($2::date + interval '1 month')::date";

/* $2 the month: what a run before issued. */
static const char inv_read_issued_sql[] =
    "SELECT count(*) FILTER (WHERE mandate_id IS NULL), "
    "coalesce(sum(total_cents), 0), "
    "coalesce(min(due_on)::text, '') FROM invoices "
    "WHERE creditor_id = $1 AND month = $2";

/* Tariff periods: from valid_from to the next one (exclusive). */
static const char inv_tariffs_sql[] =
    "CREATE TEMP TABLE inv_tariff ON COMMIT DROP AS "
    "SELECT service_id, bracket, price_cents, valid_from, "
    "  lead(valid_from) OVER (PARTITION BY service_id, bracket "
    "    ORDER BY valid_from) AS valid_to "
    "FROM tariffs WHERE creditor_id = $1";

/* $2 the month after the billed one: the batches not billed yet up to
 * the end of the month (lines of one file in one month: billed together,
 * see migration 008). */
static const char inv_batches_sql[] =
    "CREATE TEMP TABLE inv_batch ON COMMIT DROP AS "
    "SELECT source_file_id, month, lines FROM consumption_batches "
    "WHERE creditor_id = $1 AND billed_month IS NULL "
    "  AND month < $2";

static const char inv_analyze_batches_sql[] = "ANALYZE inv_batch, inv_tariff";

/* $2 the month: the first earlier month with lines and no invoicing. */
static const char inv_months_sql[] =
    "SELECT to_char(x.month, 'YYYY-MM'), sum(x.lines) FROM inv_batch x "
    "WHERE x.month < $2::date AND NOT EXISTS (SELECT 1 FROM "
    "cycle_steps c WHERE c.creditor_id = $1 AND c.step = 'invoice' "
    "AND c.month = (x.month + interval '1 month')::date) "
    "GROUP BY x.month ORDER BY x.month "
    "LIMIT 1";

/*
 * $2 the month, $3 hours rounded up. Late hours of a day already billed
 * (a regularisation): the day is rounded once in all, so they add
 * up(before + late) - up(before) (sepad_hours_up, migration 008). Only
 * batches of months invoiced before are looked at: empty in a month's
 * first run.
 */
static const char inv_hours_billed_sql[] =
    "CREATE TEMP TABLE inv_before ON COMMIT DROP AS "
    "WITH d AS MATERIALIZED (SELECT DISTINCT c.child_id, "
    "    c.service_id, c.consumed_on " INV_BATCH_LINES
    "  JOIN services s ON s.creditor_id = $1 "
    "    AND s.id = c.service_id AND s.unit = 'hour' "
    "  WHERE bt.month < $2 AND $3::boolean) "
    "SELECT c.child_id, c.service_id, c.consumed_on, "
    "  sum(c.quantity_milli)::bigint AS q "
    "FROM d JOIN consumption_lines c ON c.creditor_id = $1 "
    "  AND c.child_id = d.child_id "
    "  AND c.service_id = d.service_id "
    "  AND c.consumed_on = d.consumed_on "
    "JOIN consumption_batches b ON b.creditor_id = $1 "
    "  AND b.source_file_id = c.source_file_id "
    "  AND b.month = date_trunc('month', c.consumed_on)::date "
    "  AND b.billed_month IS NOT NULL "
    /* the days' range, for the BRIN index on consumed_on */
    "WHERE c.consumed_on BETWEEN (SELECT min(consumed_on) FROM d) "
    "  AND (SELECT max(consumed_on) FROM d) "
    "GROUP BY c.child_id, c.service_id, c.consumed_on";

static const char inv_analyze_hours_sql[] = "ANALYZE inv_before";

/*
 * The planner cannot see how many lines the batches hold (the join on
 * file and month range looks selective) and would fetch each line's
 * family by index, two million times: the grouping is planned with hash
 * joins only.
 */
static const char inv_nestloop_off_sql[] = "SET LOCAL enable_nestloop = off";
static const char inv_nestloop_on_sql[] = "SET LOCAL enable_nestloop = on";

/*
 * $2 hours rounded up. The lines of the unbilled batches, each priced at
 * the tariff of its family's bracket on its date, summed per child,
 * service, month and unit price; hours first per day and rounded ($2
 * true). n counts the consumption lines of each group; a group without a
 * tariff (price NULL) is refused. Nothing of the 2 million lines of a big
 * commune is written: only the grouped lines are.
 */
static const char inv_group_sql[] =
    "CREATE TEMP TABLE inv_line ON COMMIT DROP AS "
    "SELECT family_id, child_id, service_id, cmonth, price_cents, "
    "  q, n, CASE WHEN q * price_cents < 0 "
    "    THEN -((-(q * price_cents) + 500) / 1000) "
    "    ELSE (q * price_cents + 500) / 1000 END AS amount "
    "FROM (SELECT family_id, child_id, service_id, cmonth, "
    "    price_cents, sum(qd)::bigint AS q, sum(n)::bigint AS n "
    "  FROM (SELECT d0.family_id, d0.child_id, d0.service_id, "
    "      d0.cmonth, d0.price_cents, d0.n, "
    "      CASE WHEN d0.day IS NOT NULL "
    "        THEN sepad_hours_up(coalesce(b.q, 0) + d0.s) "
    "          - sepad_hours_up(coalesce(b.q, 0)) "
    "        ELSE d0.s END AS qd "
    /* per day for the hours rounded, per month for the rest */
    "    FROM (SELECT c.family_id, c.child_id, c.service_id, "
    "        bt.month AS cmonth, t.price_cents, CASE WHEN "
    "        s.unit = 'hour' AND $2::boolean THEN c.consumed_on "
    "        END AS day, sum(c.quantity_milli)::bigint AS s, "
    "        count(*) AS n "
    "      " INV_BATCH_LINES "      JOIN services s ON s.creditor_id = $1 "
    "        AND s.id = c.service_id "
    "      JOIN families f ON f.creditor_id = $1 "
    "        AND f.id = c.family_id "
    "      LEFT JOIN inv_tariff t ON " INV_TARIFF_OF_LINE
    "      GROUP BY 1, 2, 3, 4, 5, 6) d0 "
    "    LEFT JOIN inv_before b ON b.child_id = d0.child_id "
    "      AND b.service_id = d0.service_id "
    "      AND b.consumed_on = d0.day) d "
    "  GROUP BY family_id, child_id, service_id, cmonth, "
    "    price_cents) g";

static const char inv_count_untariffed_sql[] =
    "SELECT coalesce(sum(n), 0) FROM inv_line "
    "WHERE price_cents IS NULL";

/* The first consumption line without a tariff. */
static const char inv_find_untariffed_sql[] =
    "SELECT s.code, f.bracket, c.consumed_on::text, f.family_ref, "
    "  coalesce(i.file_name, ''), c.source_line " INV_BATCH_LINES
    "JOIN services s ON s.id = c.service_id "
    "JOIN families f ON f.id = c.family_id "
    "LEFT JOIN imported_files i ON i.id = c.source_file_id "
    "WHERE NOT EXISTS (SELECT 1 FROM inv_tariff t "
    "  WHERE " INV_TARIFF_OF_LINE ") "
    "ORDER BY c.consumed_on, f.family_ref, c.source_line LIMIT 1";

static const char inv_count_lines_sql[] =
    "SELECT coalesce(sum(n), 0) FROM inv_line";
static const char inv_count_batch_lines_sql[] =
    "SELECT coalesce(sum(lines), 0) FROM inv_batch";

/* A line that comes to nothing (a correction cancelling a day, late
 * minutes inside an hour already billed) is left out. */
static const char inv_drop_empty_sql[] = "DELETE FROM inv_line WHERE q = 0";

/*
 * The earlier invoices i ($2 the month) a run reminds, $3 when unpaid
 * invoices are reminded, $4 the business date (contract art. 6, migration
 * 032): those whose debit came back, and those never debited that are
 * still unpaid after their due date (payable by other means, left out of
 * a file, a mandate suspended): sepad_unpaid_after, grace 0.
 */
#define INV_UNPAID \
	"i.creditor_id = $1 AND i.month < $2 AND $3::boolean " \
	"AND (i.state = 'unpaid' OR (i.state = 'issued' AND " \
	"  sepad_unpaid_after(coalesce(i.collect_due_on, i.due_on), 0, " \
	"  $4::date))) "

/* Locked against a payment recorded meanwhile. */
static const char inv_lock_unpaid_sql[] =
    "SELECT 1 FROM invoices i WHERE " INV_UNPAID "FOR UPDATE";

/* Those not reminded yet. */
static const char inv_reminders_sql[] =
    "CREATE TEMP TABLE inv_rem ON COMMIT DROP AS "
    "SELECT i.id AS reminded_id, i.family_id, i.number, "
    /* its own debt: not the reminders it carried (015) */
    "  d.due_cents AS amount "
    "FROM invoices i JOIN invoice_dues d "
    "  ON d.creditor_id = i.creditor_id AND d.invoice_id = i.id "
    "WHERE " INV_UNPAID "  AND NOT EXISTS (SELECT 1 FROM invoice_lines l "
    "    WHERE l.creditor_id = i.creditor_id AND l.kind = "
    "    'reminder' AND l.reminded_invoice_id = i.id)";

static const char inv_drop_settled_sql[] =
    "DELETE FROM inv_rem WHERE amount <= 0";
/*
 * $2 the month: the credits the new invoices use (migration 033). A
 * family whose own lines come to more than nothing gets one 'credit' line
 * per earlier invoice with credit left (invoice_credits), oldest first,
 * for at most what its own lines come to: never its reminders (an earlier
 * debt, collected as such), never below zero; what is left is carried on.
 */
static const char inv_credits_sql[] =
    "CREATE TEMP TABLE inv_cred ON COMMIT DROP AS "
    "WITH own AS (SELECT family_id, sum(amount)::bigint AS own "
    "  FROM inv_line GROUP BY family_id HAVING sum(amount) > 0), "
    "src AS (SELECT k.family_id, k.invoice_id AS credited_id, i.number, "
    "  k.remaining_cents AS remaining, coalesce(sum(k.remaining_cents) "
    "    OVER (PARTITION BY k.family_id ORDER BY k.month, k.invoice_id "
    "    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before "
    "  FROM invoice_credits k JOIN invoices i "
    "    ON i.creditor_id = $1 AND i.id = k.invoice_id "
    "  WHERE k.creditor_id = $1 AND k.month < $2 AND i.state = 'issued' "
    "  AND k.remaining_cents > 0 "
    "  AND k.family_id IN (SELECT family_id FROM own)) "
    "SELECT s.family_id, s.credited_id, s.number, "
    "  -least(s.remaining, o.own - s.before)::bigint AS amount "
    "FROM src s JOIN own o ON o.family_id = s.family_id "
    "WHERE o.own > s.before";

static const char inv_analyze_lines_sql[] =
    "ANALYZE inv_line, inv_rem, inv_cred";

/*
 * $2 the month, $3 the due date, $4 the collection month. The invoices,
 * numbered by family reference, with the family's mandate active on the
 * due date.
 */
static const char inv_number_sql[] =
    "CREATE TEMP TABLE inv_head ON COMMIT DROP AS "
    "SELECT nextval(pg_get_serial_sequence('invoices', 'id')) "
    "  AS invoice_id, t.family_id, 'F' || to_char($2::date, "
    "  'YYYY-MM') || '-' || lpad(t.n::text, "
    "  greatest(6, length(t.n::text)), '0') AS number, "
    "  m.id AS mandate_id, t.total "
    "FROM (SELECT x.family_id, sum(x.amount)::bigint AS total, "
    "    row_number() OVER (ORDER BY f.family_ref) AS n "
    "  FROM (SELECT family_id, amount FROM inv_line UNION ALL "
    "    SELECT family_id, amount FROM inv_rem UNION ALL "
    "    SELECT family_id, amount FROM inv_cred) x "
    "  JOIN families f ON f.creditor_id = $1 "
    "    AND f.id = x.family_id "
    "  GROUP BY x.family_id, f.family_ref) t "
    "LEFT JOIN LATERAL (SELECT m.id FROM mandates m "
    "  WHERE m.creditor_id = $1 AND m.family_id = t.family_id "
    "  AND m.state = 'active' AND m.signed_on <= $3 "
    "  AND (m.ends_on IS NULL OR m.ends_on >= $3) "
    "  AND EXISTS (SELECT 1 FROM mandate_accounts a "
    "    WHERE a.creditor_id = $1 AND a.mandate_id = m.id "
    "    AND a.applies_from <= $4) "
    "  ORDER BY m.signed_on DESC, m.id DESC LIMIT 1) m ON true";

static const char inv_analyze_heads_sql[] = "ANALYZE inv_head";

/* $2 the month, $3 the business date, $4 the due date. */
static const char inv_insert_invoices_sql[] =
    "INSERT INTO invoices (id, creditor_id, family_id, month, "
    "  number, issued_on, due_on, mandate_id, total_cents, state, "
    "  state_since) OVERRIDING SYSTEM VALUE "
    "SELECT invoice_id, $1, family_id, $2, number, $3, $4, "
    "  mandate_id, total, 'issued', $3 FROM inv_head";

/* $2 the month: consumption, then regularisations, then reminders, then
 * credits. */
static const char inv_insert_lines_sql[] =
    "INSERT INTO invoice_lines (creditor_id, invoice_id, "
    "  line_no, kind, child_id, service_id, consumed_month, "
    "  quantity_milli, unit_price_cents, amount_cents, "
    "  reminded_invoice_id, credited_invoice_id, label) "
    "SELECT $1, h.invoice_id, "
    "  row_number() OVER (PARTITION BY h.invoice_id "
    "    ORDER BY x.ord, x.cmonth, ch.child_ref, s.code, "
    "    x.price_cents, x.reminded_id, x.credited_id), "
    "  x.kind, x.child_id, x.service_id, x.cmonth, x.q, "
    "  x.price_cents, x.amount, x.reminded_id, x.credited_id, x.label "
    "FROM (SELECT family_id, CASE WHEN cmonth = $2 "
    "      THEN 'consumption' ELSE 'regularisation' END AS kind, "
    "    CASE WHEN cmonth = $2 THEN 1 ELSE 2 END AS ord, "
    "    child_id, service_id, cmonth, q, price_cents, amount, "
    "    NULL::bigint AS reminded_id, NULL::bigint AS credited_id, "
    "    '' AS label FROM inv_line "
    "  UNION ALL SELECT family_id, 'reminder', 3, NULL, "
    "    NULL, NULL, NULL, NULL, amount, reminded_id, NULL, number "
    "    FROM inv_rem "
    "  UNION ALL SELECT family_id, 'credit', 4, NULL, "
    "    NULL, NULL, NULL, NULL, amount, NULL, credited_id, number "
    "    FROM inv_cred) x "
    "JOIN inv_head h ON h.family_id = x.family_id "
    "LEFT JOIN children ch ON ch.creditor_id = $1 "
    "  AND ch.id = x.child_id "
    "LEFT JOIN services s ON s.creditor_id = $1 "
    "  AND s.id = x.service_id";

/* $2 the month, $3 the business date. */
static const char inv_mark_batches_sql[] =
    "UPDATE consumption_batches b SET billed_month = $2, "
    "  billed_on = $3 "
    "FROM inv_batch x WHERE b.creditor_id = $1 "
    "  AND b.source_file_id = x.source_file_id "
    "  AND b.month = x.month AND b.billed_month IS NULL";

/* Fresh statistics for the notices and the next steps, which read what
 * was just written (ANALYZE samples: it does not scan). */
static const char inv_analyze_invoices_sql[] =
    "ANALYZE invoices, invoice_lines, consumption_batches";

/* $2 the business date. */
static const char inv_mark_reminded_sql[] =
    "UPDATE invoices i SET state = 'reminded', state_since = $2 "
    "FROM inv_rem x WHERE i.creditor_id = $1 "
    "AND i.id = x.reminded_id";

/*
 * $2 the month, $3 the business date (migration 033): an invoice whose
 * total comes to nothing is paid as issued (its credit covered it), and
 * so are the invoices it reminds; a negative one (a credit) pays the
 * reminders it carries; a credit used up is closed.
 */
static const char inv_mark_credits_sql[] =
    "WITH z AS (UPDATE invoices i SET state = 'paid', state_since = $3 "
    "  WHERE i.creditor_id = $1 AND i.month = $2 AND i.total_cents = 0 "
    "  AND i.state = 'issued' RETURNING 1), "
    "r AS (UPDATE invoices r SET state = 'paid', state_since = $3 "
    "  FROM invoice_lines l JOIN invoices n ON n.creditor_id = $1 "
    "  AND n.id = l.invoice_id WHERE l.creditor_id = $1 "
    "  AND l.kind = 'reminder' AND n.month = $2 AND n.total_cents <= 0 "
    "  AND r.creditor_id = $1 AND r.id = l.reminded_invoice_id "
    "  AND r.state = 'reminded' RETURNING 1), "
    "u AS (UPDATE invoices c SET state = 'paid', state_since = $3 "
    "  FROM inv_cred x JOIN invoice_credits k ON k.creditor_id = $1 "
    "  AND k.invoice_id = x.credited_id WHERE c.creditor_id = $1 "
    "  AND c.id = x.credited_id AND c.state = 'issued' "
    "  AND k.remaining_cents <= 0 RETURNING 1) "
    "SELECT (SELECT count(*) FROM z) + (SELECT count(*) FROM r) "
    "  + (SELECT count(*) FROM u)";

/* $2 the month, $3 the business date: the step of the cycle month that
 * bills this one (migration 011). */
static const char inv_record_step_sql[] =
    "INSERT INTO cycle_steps (creditor_id, step, month, done_on) "
    "VALUES ($1, 'invoice', ($2::date + interval '1 month')::date, "
    "$3) ON CONFLICT DO NOTHING";

/* $2 the month. */
static const char inv_sum_up_sql[] =
    "SELECT (SELECT count(*) FROM invoices WHERE creditor_id = $1 "
    "  AND month = $2), "
    "(SELECT count(*) FROM invoices WHERE creditor_id = $1 "
    "  AND month = $2 AND mandate_id IS NULL), "
    "(SELECT coalesce(sum(total_cents), 0) FROM invoices "
    "  WHERE creditor_id = $1 AND month = $2), "
    "(SELECT count(*) FROM inv_line), "
    "(SELECT count(*) FROM inv_line WHERE cmonth <> $2), "
    "(SELECT count(*) FROM inv_rem)";

/* A run: what it was asked, what it found, and its parameters as text. */
struct inv_run {
	const struct invoice_run_opts *o;
	struct invoice_run_result *r;
	int64_t creditor_id;
	char cred[24];
	char month[SEPA_DATE_BUFSZ]; /* the billed month, "YYYY-MM-01" */
	char next[SEPA_DATE_BUFSZ]; /* the month after: the collection's */
	char today[SEPA_DATE_BUFSZ];
	char due[SEPA_DATE_BUFSZ];
	char monthname[SEPA_MONTH_BUFSZ]; /* "YYYY-MM" */
	const char *hours_up; /* "true": hours rounded up per day */
	const char *represent; /* "true": unpaid invoices are reminded */
};

/* The first day of month m, "YYYY-MM-01". */
static void
inv_month_date(char *buf, sepa_month m)
{
	snprintf(buf, SEPA_DATE_BUFSZ, "%04d-%02d-01", m.year, m.month);
}

/*
 * Before the transaction: the rules hold, the month is over, and the due
 * date of its invoices is known.
 */
static int
inv_run_init(struct inv_run *run, int64_t creditor_id,
    const struct invoice_run_opts *o, struct invoice_run_result *r,
    sepa_error *err)
{
	sepa_month cmonth = sepa_month_add(o->month, 1);
	char day[SEPA_DATE_BUFSZ];
	int rc;

	memset(run, 0, sizeof(*run));
	run->o = o;
	run->r = r;
	run->creditor_id = creditor_id;
	snprintf(run->cred, sizeof(run->cred), "%lld", (long long)creditor_id);
	inv_month_date(run->month, o->month);
	inv_month_date(run->next, cmonth);
	sepa_date_iso(run->today, o->today);
	sepa_month_iso(run->monthname, o->month);
	run->hours_up = o->rounding == SEPA_HOURS_UP ? "true" : "false";
	run->represent = o->represent_unpaid ? "true" : "false";
	if ((rc = sepa_rules_check(&o->rules, err)) != 0)
		return rc;
	/* The month must be over before it is billed. */
	if (sepa_month_cmp(o->month, sepa_month_of(o->today)) >= 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "cannot invoice %s before it ends (business date %s)",
		    run->monthname, i18n_date(day, o->today));
	r->due = sepa_rule_due_date(&o->rules, cmonth, o->today);
	sepa_date_iso(run->due, r->due);
	return 0;
}

/* A month invoiced before: its figures, and nothing changes. */
static int
inv_read_issued(struct db *db, const struct inv_run *run, sepa_error *err)
{
	struct invoice_run_result *r = run->r;
	PGresult *res = NULL;
	int rc;

	r->already = true;
	if ((rc = db_query(db, &res, "read the month's invoices",
	         inv_read_issued_sql, 2,
	         (const char *const[]){run->cred, run->month}, err)) != 0)
		return rc;
	r->without_mandate = atoll(PQgetvalue(res, 0, 0));
	r->total_cents = atoll(PQgetvalue(res, 0, 1));
	if (PQgetvalue(res, 0, 2)[0] != '\0')
		sepa_date_parse(&r->due, PQgetvalue(res, 0, 2), err);
	db_result_free(res);
	return 0;
}

/*
 * Size the transaction, lock the creditor, and look for the month's
 * invoices or its recorded step: either means the month was invoiced
 * (r->already, with its figures).
 */
static int
inv_lock_month(struct db *db, struct inv_run *run, sepa_error *err)
{
	const char *const p[] = {run->cred, run->month};
	int64_t n;
	int rc;

	if ((rc = db_exec(db, "size the run's memory", inv_work_mem_sql, 0,
	         NULL, err)) != 0 ||
	    (rc = db_query_int64(db, &n, "lock the creditor",
	         inv_lock_creditor_sql, 1, p, err)) != 0 ||
	    (rc = db_query_int64(db, &n, "count the month's invoices",
	         inv_count_invoices_sql, 2, p, err)) != 0)
		return rc;
	run->r->invoices = n;
	if (n == 0 &&
	    (rc = db_query_int64(db, &n, "read the cycle steps",
	         inv_count_steps_sql, 2, p, err)) != 0)
		return rc;
	if (run->r->invoices > 0 || n > 0)
		return inv_read_issued(db, run, err);
	return 0;
}

/*
 * Lines of an earlier month that was never invoiced would otherwise be
 * billed as regularisations, and that month's own run would find nothing:
 * refuse, naming the first such month.
 */
static int
inv_check_months(struct db *db, const struct inv_run *run, sepa_error *err)
{
	PGresult *res = NULL;
	int rc;

	rc = db_query(db, &res, "look for months not invoiced", inv_months_sql,
	    2, (const char *const[]){run->cred, run->month}, err);
	if (rc != 0)
		return rc;
	if (PQntuples(res) == 1)
		rc = sepa_error_set(err, SEPA_EINVAL,
		    ngettext("%s has %s consumption line and was never "
		             "invoiced: run invoice run --month %s first",
		        "%s has %s consumption lines and was never invoiced: "
		        "run invoice run --month %s first",
		        strtoul(PQgetvalue(res, 0, 1), NULL, 10)),
		    PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
		    PQgetvalue(res, 0, 0));
	db_result_free(res);
	return rc;
}

/*
 * The tariff periods (inv_tariff) and the batches to bill (inv_batch),
 * none of an earlier month left un-invoiced.
 */
static int
inv_collect_batches(struct db *db, const struct inv_run *run, sepa_error *err)
{
	int rc;

	if ((rc = db_exec(db, "collect the tariff periods", inv_tariffs_sql, 1,
	         (const char *const[]){run->cred}, err)) != 0 ||
	    (rc = db_exec(db, "collect the unbilled batches", inv_batches_sql,
	         2, (const char *const[]){run->cred, run->next}, err)) != 0 ||
	    (rc = db_exec(db, "analyze the batches", inv_analyze_batches_sql, 0,
	         NULL, err)) != 0)
		return rc;
	return inv_check_months(db, run, err);
}

/* The hours of the days already billed that late lines add to (inv_before). */
static int
inv_collect_hours_billed(
    struct db *db, const struct inv_run *run, sepa_error *err)
{
	int rc;

	if ((rc = db_exec(db, "collect the hours already billed",
	         inv_hours_billed_sql, 3,
	         (const char *const[]){run->cred, run->month, run->hours_up},
	         err)) != 0)
		return rc;
	return db_exec(db, "analyze the hours already billed",
	    inv_analyze_hours_sql, 0, NULL, err);
}

/*
 * Refuse the run when a line has no tariff (a group of inv_line without a
 * price): say which and where, from the first such consumption line.
 */
static int
inv_check_tariffs(struct db *db, const struct inv_run *run, sepa_error *err)
{
	char on[I18N_DATE_TEXT_BUFSZ];
	PGresult *res = NULL;
	int64_t n;
	int rc;

	if ((rc = db_query_int64(db, &n,
	         "look for consumption without a tariff",
	         inv_count_untariffed_sql, 0, NULL, err)) != 0 ||
	    n == 0)
		return rc;
	if (run->o->preview != NULL)
		run->o->preview->untariffed = n;
	rc = db_query(db, &res, "find the consumption without a tariff",
	    inv_find_untariffed_sql, 1, (const char *const[]){run->cred}, err);
	if (rc != 0)
		return rc;
	if (PQntuples(res) == 1) {
		rc = sepa_error_set(err, SEPA_EINVAL,
		    "no tariff for service %s, bracket %s on %s (family %s, "
		    "%s line %s)%s",
		    PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
		    i18n_date_text(on, PQgetvalue(res, 0, 2)),
		    PQgetvalue(res, 0, 3),
		    PQgetvalue(res, 0, 4)[0] != '\0' ? PQgetvalue(res, 0, 4)
		                                     : "consumption file",
		    PQgetvalue(res, 0, 5),
		    n > 1 ? "; more consumption lines lack a tariff" : "");
		if (n > 1) {
			size_t len = strlen(err->msg);

			snprintf(err->msg + len, sizeof(err->msg) - len,
			    " (%lld in all)", (long long)n);
		}
	} else {
		rc = sepa_error_set(err, SEPA_ESTATE,
		    "%lld consumption lines have no tariff but none was found "
		    "again: the run is cancelled",
		    (long long)n);
	}
	db_result_free(res);
	return rc;
}

/* The consumption grouped into priced lines (inv_line), each with a tariff. */
static int
inv_group_lines(struct db *db, const struct inv_run *run, sepa_error *err)
{
	int rc;

	if ((rc = db_exec(db, "plan the grouping", inv_nestloop_off_sql, 0,
	         NULL, err)) != 0 ||
	    (rc = db_exec(db, "group the consumption into lines", inv_group_sql,
	         2, (const char *const[]){run->cred, run->hours_up}, err)) !=
	        0 ||
	    (rc = db_exec(db, "plan the next steps", inv_nestloop_on_sql, 0,
	         NULL, err)) != 0)
		return rc;
	return inv_check_tariffs(db, run, err);
}

/*
 * The batches are billed by this month's invoices: each must have brought
 * exactly the lines it counted at import. Only then are the lines that
 * come to nothing dropped (their consumption lines count).
 */
static int
inv_check_batches(struct db *db, struct inv_run *run, sepa_error *err)
{
	int64_t billed, n;
	int rc;

	if ((rc = db_query_int64(db, &billed, "count the consumption",
	         inv_count_lines_sql, 0, NULL, err)) != 0 ||
	    (rc = db_query_int64(db, &n, "check the batches",
	         inv_count_batch_lines_sql, 0, NULL, err)) != 0)
		return rc;
	if (n != billed)
		return sepa_error_set(err, SEPA_ESTATE,
		    "the unbilled batches count %lld consumption lines but "
		    "%lld are stored: the run is cancelled",
		    (long long)n, (long long)billed);
	run->r->consumption_lines = billed;
	return db_exec(
	    db, "drop the empty lines", inv_drop_empty_sql, 0, NULL, err);
}

/*
 * Unpaid earlier invoices not reminded yet (INV_UNPAID), locked against a
 * payment recorded meanwhile, with what they owe on their own (inv_rem).
 */
static int
inv_collect_reminders(struct db *db, const struct inv_run *run, sepa_error *err)
{
	const char *const p[] = {
	    run->cred, run->month, run->represent, run->today};
	PGresult *res = NULL;
	int rc;

	if ((rc = db_query(db, &res, "lock the unpaid invoices",
	         inv_lock_unpaid_sql, 4, p, err)) != 0)
		return rc;
	db_result_free(res);
	if ((rc = db_exec(db, "collect the unpaid invoices", inv_reminders_sql,
	         4, p, err)) != 0 ||
	    (rc = db_exec(db, "drop the settled reminders",
	         inv_drop_settled_sql, 0, NULL, err)) != 0 ||
	    (rc = db_exec(db, "carry the credits", inv_credits_sql, 2,
	         (const char *const[]){run->cred, run->month}, err)) != 0)
		return rc;
	return db_exec(
	    db, "analyze the lines", inv_analyze_lines_sql, 0, NULL, err);
}

/* The invoices (inv_head), numbered, then stored with their lines. */
static int
inv_insert(struct db *db, const struct inv_run *run, sepa_error *err)
{
	const char *const p[] = {run->cred, run->month, run->today, run->due};
	int rc;

	if ((rc = db_exec(db, "number the invoices", inv_number_sql, 4,
	         (const char *const[]){
	             run->cred, run->month, run->due, run->next},
	         err)) != 0 ||
	    (rc = db_exec(db, "analyze the invoices", inv_analyze_heads_sql, 0,
	         NULL, err)) != 0 ||
	    (rc = db_exec(db, "create the invoices", inv_insert_invoices_sql, 4,
	         p, err)) != 0)
		return rc;
	return db_exec(
	    db, "create the invoice lines", inv_insert_lines_sql, 2, p, err);
}

/*
 * What was billed is marked: the batches billed by the month, the
 * reminded invoices 'reminded', the invoicing step recorded.
 */
static int
inv_mark_billed(struct db *db, const struct inv_run *run, sepa_error *err)
{
	const char *const p[] = {run->cred, run->month, run->today};
	int64_t closed;
	int rc;

	if ((rc = db_exec(db, "mark the consumption as billed",
	         inv_mark_batches_sql, 3, p, err)) != 0 ||
	    (rc = db_exec(db, "analyze the invoices", inv_analyze_invoices_sql,
	         0, NULL, err)) != 0 ||
	    (rc = db_exec(db, "mark the reminded invoices",
	         inv_mark_reminded_sql, 2,
	         (const char *const[]){run->cred, run->today}, err)) != 0 ||
	    (rc = db_query_int64(db, &closed, "close what the credits paid",
	         inv_mark_credits_sql, 3, p, err)) != 0)
		return rc;
	return db_exec(
	    db, "record the invoicing step", inv_record_step_sql, 3, p, err);
}

/* The run's figures, and its event. */
static int
inv_sum_up(struct db *db, const struct inv_run *run, sepa_error *err)
{
	struct invoice_run_result *r = run->r;
	struct event ev = {0};
	PGresult *res = NULL;
	struct i18n_msg say;
	int rc;

	if ((rc = db_query(db, &res, "sum up the run", inv_sum_up_sql, 2,
	         (const char *const[]){run->cred, run->month}, err)) != 0)
		return rc;
	r->invoices = atoll(PQgetvalue(res, 0, 0));
	r->without_mandate = atoll(PQgetvalue(res, 0, 1));
	r->total_cents = atoll(PQgetvalue(res, 0, 2));
	r->lines = atoll(PQgetvalue(res, 0, 3));
	r->regularisations = atoll(PQgetvalue(res, 0, 4));
	r->reminders = atoll(PQgetvalue(res, 0, 5));
	db_result_free(res);
	i18n_msg(&say, N_("%s invoices issued for %s, due on %s"), "ntD",
	    (int64_t)r->invoices, run->monthname, run->due);
	ev.kind = "invoice.run";
	ev.say = &say;
	ev.business_date = run->o->today;
	ev.month = run->o->month;
	ev.has_count = true;
	ev.count = r->invoices;
	ev.has_amount = true;
	ev.amount_cents = r->total_cents;
	return store_event_add(db, run->creditor_id, &ev, err);
}

int
store_invoice_run(struct db *db, int64_t creditor_id,
    const struct invoice_run_opts *o, struct invoice_run_result *r,
    sepa_error *err)
{
	struct inv_run run;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = inv_run_init(&run, creditor_id, o, r, err)) != 0 ||
	    (rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	if ((rc = inv_lock_month(db, &run, err)) != 0 || r->already)
		goto cleanup;
	if ((rc = inv_collect_batches(db, &run, err)) != 0 ||
	    (rc = inv_collect_hours_billed(db, &run, err)) != 0 ||
	    (rc = inv_group_lines(db, &run, err)) != 0 ||
	    (rc = inv_check_batches(db, &run, err)) != 0 ||
	    (rc = inv_collect_reminders(db, &run, err)) != 0 ||
	    (rc = inv_insert(db, &run, err)) != 0 ||
	    (rc = inv_mark_billed(db, &run, err)) != 0 ||
	    (rc = inv_sum_up(db, &run, err)) != 0)
		goto cleanup;
	if (o->preview == NULL)
		rc = db_commit(db, err);
cleanup:
	/* A dry run: the month as it stands, then everything rolled back. */
	if (rc == 0 && o->preview != NULL)
		rc = store_invoice_preview_read(
		    db, creditor_id, o->month, o->preview, err);
	if (rc != 0 || r->already || o->preview != NULL)
		db_rollback(db);
	if (rc != 0)
		memset(r, 0, sizeof(*r));
	return rc;
}

/* ------------------------------------------------------------ reading */

/* Columns of the notice cursor. */
enum {
	C_ID,
	C_NUMBER,
	C_MONTH,
	C_ISSUED,
	C_DUE,
	C_TOTAL,
	C_STATE,
	C_REF,
	C_PAYER,
	C_STREET,
	C_BUILDING,
	C_POSTCODE,
	C_TOWN,
	C_COUNTRY,
	C_EMAIL,
	C_RUM,
	C_IBAN,
	C_LINE_KIND,
	C_CHILD,
	C_SERVICE,
	C_UNIT,
	C_CMONTH,
	C_QTY,
	C_PRICE,
	C_AMOUNT,
	C_REM_NUMBER,
	C_REM_MONTH,
	C_PAID,
	C_LABEL,
	C_SENT_DUE,
	C_SENT_IBAN,
	C_SENT_RUM
};

static int64_t
inv_int(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0
	                                  : atoll(PQgetvalue(res, row, col));
}

static void
inv_date(sepa_date *d, PGresult *res, int row, int col)
{
	const char *s = PQgetvalue(res, row, col);

	memset(d, 0, sizeof(*d));
	if (strlen(s) >= 10)
		*d = (sepa_date){atoi(s), atoi(s + 5), atoi(s + 8)};
}

static void
inv_month(sepa_month *m, PGresult *res, int row, int col)
{
	sepa_date d;

	inv_date(&d, res, row, col);
	*m = (sepa_month){d.year, d.month};
}

static void
inv_doc_reset(struct invoice_doc *doc)
{
	free(doc->lines);
	free(doc->strings);
	memset(doc, 0, sizeof(*doc));
}

/* Copy the invoice's header from a row; strings point into doc->strings. */
static void
inv_doc_header(struct invoice_doc *doc, PGresult *res, int row)
{
	static const int cols[] = {C_NUMBER, C_REF, C_PAYER, C_STREET,
	    C_BUILDING, C_POSTCODE, C_TOWN, C_COUNTRY, C_EMAIL, C_RUM, C_IBAN,
	    C_SENT_IBAN, C_SENT_RUM};
	const char **dst[] = {&doc->number, &doc->family_ref, &doc->payer,
	    &doc->street, &doc->building, &doc->postcode, &doc->town,
	    &doc->country, &doc->email, &doc->rum, &doc->iban, &doc->sent_iban,
	    &doc->sent_rum};
	size_t len = 0, off = 0;

	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		len += (size_t)PQgetlength(res, row, cols[i]) + 1;
	doc->strings = xmalloc(len);
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		size_t l = (size_t)PQgetlength(res, row, cols[i]);

		memcpy(doc->strings + off, PQgetvalue(res, row, cols[i]), l);
		doc->strings[off + l] = '\0';
		*dst[i] = doc->strings + off;
		off += l + 1;
	}
	doc->id = inv_int(res, row, C_ID);
	inv_month(&doc->month, res, row, C_MONTH);
	inv_date(&doc->issued_on, res, row, C_ISSUED);
	inv_date(&doc->due_on, res, row, C_DUE);
	doc->total_cents = inv_int(res, row, C_TOTAL);
	doc->paid_cents = inv_int(res, row, C_PAID);
	doc->has_mandate = !PQgetisnull(res, row, C_RUM);
	doc->has_sent = !PQgetisnull(res, row, C_SENT_DUE);
	inv_date(&doc->sent_due_on, res, row, C_SENT_DUE);
	snprintf(doc->state, sizeof(doc->state), "%s",
	    PQgetvalue(res, row, C_STATE));
}

static void
inv_doc_line(struct invoice_doc *doc, size_t *cap, PGresult *res, int row)
{
	struct invoice_doc_line *l;
	const char *kind = PQgetvalue(res, row, C_LINE_KIND);

	if (doc->nlines == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		doc->lines = xreallocarray(doc->lines, *cap, sizeof(*l));
	}
	l = &doc->lines[doc->nlines++];
	memset(l, 0, sizeof(*l));
	l->kind = strcmp(kind, "reminder") == 0   ? INVOICE_LINE_REMINDER
	    : strcmp(kind, "credit") == 0         ? INVOICE_LINE_CREDIT
	    : strcmp(kind, "regularisation") == 0 ? INVOICE_LINE_REGULARISATION
	                                          : INVOICE_LINE_CONSUMPTION;
	snprintf(
	    l->child, sizeof(l->child), "%s", PQgetvalue(res, row, C_CHILD));
	snprintf(l->service, sizeof(l->service), "%s",
	    PQgetvalue(res, row, C_SERVICE));
	snprintf(l->unit, sizeof(l->unit), "%s", PQgetvalue(res, row, C_UNIT));
	snprintf(
	    l->label, sizeof(l->label), "%s", PQgetvalue(res, row, C_LABEL));
	snprintf(l->reminded_number, sizeof(l->reminded_number), "%s",
	    PQgetvalue(res, row, C_REM_NUMBER));
	inv_month(&l->consumed_month, res, row, C_CMONTH);
	inv_month(&l->reminded_month, res, row, C_REM_MONTH);
	l->quantity_milli = inv_int(res, row, C_QTY);
	l->unit_price_cents = inv_int(res, row, C_PRICE);
	l->amount_cents = inv_int(res, row, C_AMOUNT);
}

/*
 * The invoice being read (a row per line, in invoice order): handed to fn
 * when the next one begins (store_invoice_each hands the last).
 */
struct inv_each {
	struct invoice_doc doc;
	size_t cap; /* of doc's lines */
	int (*fn)(const struct invoice_doc *doc, void *arg, sepa_error *err);
	void *arg;
};

/* Row `row` of res, for db_fetch_each: a line of the invoice being read. */
static int
inv_each_row(void *arg, PGresult *res, int row, sepa_error *err)
{
	struct inv_each *e = arg;
	int rc;

	if (e->doc.id != inv_int(res, row, C_ID)) {
		if (e->doc.id != 0 && (rc = e->fn(&e->doc, e->arg, err)) != 0)
			return rc;
		inv_doc_reset(&e->doc);
		e->cap = 0;
		inv_doc_header(&e->doc, res, row);
	}
	inv_doc_line(&e->doc, &e->cap, res, row);
	return 0;
}

/* The invoices of the month that store_invoice_each reads: "all",
 * "unnoticed" (no notice stored) or "corrected" (a corrected notice). */
static int
inv_read(struct db *db, int64_t creditor_id, sepa_month month,
    const char *which,
    int (*fn)(const struct invoice_doc *doc, void *arg, sepa_error *err),
    void *arg, sepa_error *err)
{
	char cred[24], m[SEPA_DATE_BUFSZ];
	const char *p[3] = {cred, m, which};
	struct inv_each each;
	int rc;

	memset(&each, 0, sizeof(each));
	each.fn = fn;
	each.arg = arg;
	snprintf(cred, sizeof(cred), "%lld", (long long)creditor_id);
	inv_month_date(m, month);
	/* A read-only snapshot, streamed through a cursor. */
	if ((rc = db_begin(db, DB_SNAPSHOT, err)) != 0)
		return rc;
	/* The month's lines sorted in memory (about 400,000 for 100,000
	 * families), not in temporary files. */
	if ((rc = db_exec(db, "size the sort", "SET LOCAL work_mem = '128MB'",
	         0, NULL, err)) != 0 ||
	    (rc = db_exec(db, "plan for every row",
	         "SET LOCAL cursor_tuple_fraction = 1", 0, NULL, err)) != 0)
		goto cleanup;
	/* IBAN and payments once per invoice, not per line. */
	if ((rc = db_exec(db, "open the invoices",
	         "DECLARE inv_cur NO SCROLL CURSOR FOR "
	         "SELECT i.id, i.number, i.month, i.issued_on, i.due_on, "
	         "  i.total_cents, i.state, f.family_ref, f.payer_name, "
	         "  f.street, f.building, f.postcode, f.town, f.country, "
	         "  coalesce(f.email, ''), m.rum, i.iban, "
	         "  l.kind, coalesce(ch.name, ''), coalesce(s.code, ''), "
	         "  coalesce(s.unit, ''), l.consumed_month, l.quantity_milli, "
	         "  l.unit_price_cents, l.amount_cents, "
	         "  coalesce(r.number, ''), r.month, i.paid, "
	         "  coalesce(nullif(s.label, ''), s.code, ''), "
	         "  sn.due_on, sn.iban, sn.rum "
	         "FROM (SELECT i.*, "
	         "    (SELECT a.iban FROM mandate_accounts a "
	         "      WHERE a.creditor_id = i.creditor_id "
	         "      AND a.mandate_id = i.mandate_id "
	         "      AND a.applies_from <= (i.month + interval '1 month') "
	         "      ORDER BY a.applies_from DESC LIMIT 1) AS iban, "
	         "    (SELECT coalesce(sum(amount_cents), 0) FROM payments y "
	         "      WHERE y.creditor_id = i.creditor_id "
	         "      AND y.invoice_id = i.id) AS paid "
	         "  FROM invoices i WHERE i.creditor_id = $1 "
	         "  AND i.month = $2 AND ($3 = 'all' OR ($3 = 'unnoticed' "
	         "  AND NOT EXISTS (SELECT 1 FROM notices n WHERE "
	         "  n.creditor_id = $1 AND n.invoice_id = i.id "
	         "  AND n.version = 0)) OR ($3 = 'corrected' AND EXISTS "
	         "  (SELECT 1 FROM notices n WHERE n.creditor_id = $1 "
	         "  AND n.invoice_id = i.id AND n.version > 0)))) i "
	         "JOIN families f ON f.creditor_id = i.creditor_id "
	         "  AND f.id = i.family_id "
	         "LEFT JOIN mandates m ON m.creditor_id = i.creditor_id "
	         "  AND m.id = i.mandate_id "
	         "LEFT JOIN notices sn ON sn.creditor_id = i.creditor_id "
	         "  AND sn.invoice_id = i.id AND sn.version = 0 "
	         "JOIN invoice_lines l ON l.creditor_id = i.creditor_id "
	         "  AND l.invoice_id = i.id "
	         "LEFT JOIN children ch ON ch.id = l.child_id "
	         "LEFT JOIN services s ON s.id = l.service_id "
	         "LEFT JOIN invoices r ON r.id = "
	         "  coalesce(l.reminded_invoice_id, l.credited_invoice_id) "
	         "ORDER BY i.number, l.line_no",
	         3, p, err)) != 0)
		goto cleanup;
	if ((rc = db_fetch_each(db, "read the invoices",
	         "FETCH 2000 FROM inv_cur", inv_each_row, NULL, &each, err)) !=
	        0 ||
	    (each.doc.id != 0 && (rc = fn(&each.doc, arg, err)) != 0))
		goto cleanup;
	rc = db_commit(db, err);
cleanup:
	inv_doc_reset(&each.doc);
	if (rc != 0)
		db_rollback(db);
	return rc;
}

int
store_invoice_each(struct db *db, int64_t creditor_id, sepa_month month,
    bool unnoticed,
    int (*fn)(const struct invoice_doc *doc, void *arg, sepa_error *err),
    void *arg, sepa_error *err)
{
	return inv_read(db, creditor_id, month, unnoticed ? "unnoticed" : "all",
	    fn, arg, err);
}

int
store_invoice_each_corrected(struct db *db, int64_t creditor_id,
    sepa_month month,
    int (*fn)(const struct invoice_doc *doc, void *arg, sepa_error *err),
    void *arg, sepa_error *err)
{
	return inv_read(db, creditor_id, month, "corrected", fn, arg, err);
}
