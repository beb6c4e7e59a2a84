/*
 * test_invoice.c - store_invoice_run, store_invoice_each and the notices:
 * brackets, a tariff change inside the month, hour rounding,
 * regularisation, reminders, mandates on the due date, due dates, late
 * runs, idempotence, refusals that change nothing, notice text and CSV.
 */
#include <string.h>
#include <sys/stat.h>

#include "invoice_seed.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"
#include "db_internal.h"
#include "notice.h"
#include "store_invoice.h"

static int64_t
cred_id(struct db *db)
{
	return dbtest_int(db, "SELECT id FROM creditors");
}

static struct invoice_run_opts
opts(int y, int m, sepa_date today)
{
	struct invoice_run_opts o;

	memset(&o, 0, sizeof(o));
	o.month = (sepa_month){y, m};
	o.today = today;
	o.rules = (sepa_rules)SEPA_RULES_INIT;
	o.rounding = SEPA_HOURS_UP;
	o.represent_unpaid = true;
	return o;
}

static void
run_ok(struct db *db, struct invoice_run_opts *o, struct invoice_run_result *r)
{
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(
	    store_invoice_run(db, cred_id(db), o, r, &err), 0, "%s", err.msg);
}

/* Expected lines of an invoice: (line_no, kind, child_ref, service,
 * month, quantity, price, amount). */
struct want_line {
	const char *number;
	int line_no;
	const char *kind;
	const char *child;
	const char *service;
	const char *month;
	int64_t qty;
	int64_t price;
	int64_t amount;
};

static void
check_lines(struct db *db, const struct want_line *w, size_t n)
{
	sepa_error err = SEPA_ERROR_INIT;
	int64_t got;

	for (size_t i = 0; i < n; i++) {
		char ln[16], q[24], p[24], a[24];
		const char *params[9] = {w[i].number, ln, w[i].kind, w[i].child,
		    w[i].service, w[i].month, q, p, a};

		snprintf(ln, sizeof(ln), "%d", w[i].line_no);
		snprintf(q, sizeof(q), "%lld", (long long)w[i].qty);
		snprintf(p, sizeof(p), "%lld", (long long)w[i].price);
		snprintf(a, sizeof(a), "%lld", (long long)w[i].amount);
		cr_assert_eq(
		    db_query_int64(db, &got, "find the line",
		        "SELECT count(*) FROM invoice_lines l "
		        "JOIN invoices i ON i.id = l.invoice_id "
		        "JOIN children c ON c.id = l.child_id "
		        "JOIN services s ON s.id = l.service_id "
		        "WHERE i.number = $1 AND l.line_no = $2::int "
		        "AND l.kind = $3 AND c.child_ref = $4 "
		        "AND s.code = $5 AND l.consumed_month = $6::date "
		        "AND l.quantity_milli = $7::bigint "
		        "AND l.unit_price_cents = $8::bigint "
		        "AND l.amount_cents = $9::bigint",
		        9, params, &err),
		    0, "%s", err.msg);
		cr_expect_eq(got, 1,
		    "line %s/%d: %s %s %s %s %lld x %lld = %lld not found",
		    w[i].number, w[i].line_no, w[i].kind, w[i].child,
		    w[i].service, w[i].month, (long long)w[i].qty,
		    (long long)w[i].price, (long long)w[i].amount);
	}
}

/*
 * What the debits' settlement does to the invoices of `month` still
 * issued: paid. The next run reminds every invoice unpaid after its due
 * date (contract art. 6, migration 032); a test of something else first
 * settles the ones it does not mean to leave unpaid.
 */
static void
settle_month(struct db *db, const char *month)
{
	sepa_error err = SEPA_ERROR_INIT;
	char sql[160];

	snprintf(sql, sizeof(sql),
	    "UPDATE invoices SET state = 'paid' WHERE month = '%s' AND state = "
	    "'issued'",
	    month);
	cr_assert_eq(db_exec(db, "settle the month", sql, 0, NULL, &err), 0,
	    "%s", err.msg);
}

Test(invoice, september_lines_brackets_tariff_change_and_rounding)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	struct invoice_run_opts o = opts(2026, 9, (sepa_date){2026, 10, 1});
	struct invoice_run_result r;
	static const struct want_line want[] = {
	    {"F2026-09-000001", 1, "consumption", "E1", "ALSH", "2026-09-01",
	        6000, 150, 900},
	    {"F2026-09-000001", 2, "consumption", "E1", "CANTINE", "2026-09-01",
	        3000, 100, 300},
	    {"F2026-09-000001", 3, "consumption", "E1", "CANTINE", "2026-09-01",
	        2000, 110, 220},
	    {"F2026-09-000001", 4, "consumption", "E2", "GARDERIE_SOIR",
	        "2026-09-01", 2000, 80, 160},
	    {"F2026-09-000002", 1, "consumption", "E1", "ALSH", "2026-09-01",
	        1000, 200, 200},
	    {"F2026-09-000002", 2, "consumption", "E1", "CANTINE", "2026-09-01",
	        1000, 250, 250},
	    {"F2026-09-000002", 3, "consumption", "E1", "CANTINE", "2026-09-01",
	        1000, 300, 300},
	};

	seed_commune(db);
	seed_september(db);
	run_ok(db, &o, &r);
	cr_assert(!r.already);
	cr_assert_eq(r.invoices, 2);
	cr_assert_eq(r.without_mandate, 1);
	cr_assert_eq(r.lines, 7);
	cr_assert_eq(r.regularisations, 0);
	cr_assert_eq(r.reminders, 0);
	cr_assert_eq(r.consumption_lines, 15);
	cr_assert_eq(r.total_cents, 1580 + 750);
	cr_assert_eq(sepa_date_cmp(r.due, (sepa_date){2026, 10, 15}), 0);
	check_lines(db, want, sizeof(want) / sizeof(want[0]));
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM invoice_lines"), 7);
	/* header: totals, mandate, dates, state */
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM invoices i JOIN families f ON "
	                 "f.id = i.family_id WHERE (f.family_ref, i.number, "
	                 "i.total_cents, i.mandate_id IS NOT NULL) IN "
	                 "(('FAM1', 'F2026-09-000001', 1580, true), "
	                 "('FAM2', 'F2026-09-000002', 750, false)) AND "
	                 "i.month = '2026-09-01' AND i.issued_on = "
	                 "'2026-10-01' AND i.due_on = '2026-10-15' AND "
	                 "i.state = 'issued'"),
	    2);
	/* FAM3's October line is left for October: its batch is unbilled,
	 * September's is billed by this run */
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM consumption_batches WHERE "
	                 "billed_month IS NULL AND month = '2026-10-01' AND "
	                 "lines = 1"),
	    1);
	cr_assert_eq(
	    dbtest_int(db,
	        "SELECT count(*) FROM consumption_batches WHERE "
	        "billed_month = '2026-09-01' AND billed_on = "
	        "'2026-10-01' AND month = '2026-09-01' AND lines = 15"),
	    1);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM cycle_steps WHERE step = "
	                 "'invoice' AND month = '2026-10-01'"),
	    1);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'invoice.run' AND count = 2 AND amount_cents = 2330"),
	    1);
	/* every billed consumption line has the line of its child, service
	 * and month on its family's invoice */
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM consumption_lines c JOIN "
	                 "consumption_batches b ON b.source_file_id = "
	                 "c.source_file_id AND b.month = date_trunc('month', "
	                 "c.consumed_on) AND b.billed_month IS NOT NULL WHERE "
	                 "NOT EXISTS (SELECT 1 FROM invoices i JOIN "
	                 "invoice_lines l ON l.invoice_id = i.id WHERE "
	                 "i.family_id = c.family_id AND i.month = "
	                 "b.billed_month AND l.child_id = c.child_id AND "
	                 "l.service_id = c.service_id AND l.consumed_month = "
	                 "b.month)"),
	    0);
	db_close(db);
	dbtest_drop(name);
}

Test(invoice, rounding_none_bills_hours_as_recorded)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	struct invoice_run_opts o = opts(2026, 9, (sepa_date){2026, 10, 1});
	struct invoice_run_result r;
	static const struct want_line want[] = {
	    /* 1,5 + 0,75 + 2,5 = 4,75 h x 1,50 = 7,125 -> 7,13 */
	    {"F2026-09-000001", 1, "consumption", "E1", "ALSH", "2026-09-01",
	        4750, 150, 713},
	    {"F2026-09-000002", 1, "consumption", "E1", "ALSH", "2026-09-01",
	        333, 200, 67},
	};

	seed_commune(db);
	seed_september(db);
	o.rounding = SEPA_HOURS_NONE;
	run_ok(db, &o, &r);
	check_lines(db, want, sizeof(want) / sizeof(want[0]));
	db_close(db);
	dbtest_drop(name);
}

Test(invoice, rerun_changes_nothing)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	struct invoice_run_opts o = opts(2026, 9, (sepa_date){2026, 10, 1});
	struct invoice_run_result r;
	int64_t before;

	seed_commune(db);
	seed_september(db);
	run_ok(db, &o, &r);
	/* the same day, a later day, with new consumption meanwhile */
	seed_conso(db, "FAM2", "E1", "CANTINE", "2026-09-30", "1000");
	before = seed_fingerprint(db);
	o.today = (sepa_date){2026, 10, 3};
	run_ok(db, &o, &r);
	cr_assert(r.already);
	cr_assert_eq(r.invoices, 2);
	cr_assert_eq(r.total_cents, 2330);
	cr_assert_eq(sepa_date_cmp(r.due, (sepa_date){2026, 10, 15}), 0);
	cr_assert_eq(seed_fingerprint(db), before);
	db_close(db);
	dbtest_drop(name);
}

Test(invoice, october_regularisation_reminder_and_mandate_end)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	sepa_error err = SEPA_ERROR_INIT;
	struct invoice_run_opts o = opts(2026, 9, (sepa_date){2026, 10, 1});
	struct invoice_run_result r;
	static const struct want_line want[] = {
	    {"F2026-10-000001", 1, "consumption", "E1", "CANTINE", "2026-10-01",
	        1000, 110, 110},
	    {"F2026-10-000001", 2, "regularisation", "E1", "CANTINE",
	        "2026-09-01", 1000, 110, 110},
	    {"F2026-10-000002", 1, "consumption", "E1", "CANTINE", "2026-10-01",
	        1000, 110, 110},
	};

	seed_commune(db);
	seed_september(db);
	run_ok(db, &o, &r);
	/* late September line, October line; September of FAM1 unpaid with
	 * 5,00 paid by cheque */
	seed_conso(db, "FAM1", "E1", "CANTINE", "2026-09-30", "1000");
	seed_conso(db, "FAM1", "E1", "CANTINE", "2026-10-01", "1000");
	cr_assert_eq(db_exec_script(db, "unpaid",
	                 "UPDATE invoices SET state = 'unpaid' WHERE number = "
	                 "'F2026-09-000001';"
	                 "INSERT INTO payments (creditor_id, invoice_id, "
	                 "amount_cents, paid_on, method) SELECT creditor_id, "
	                 "id, 500, '2026-10-20', 'cheque' FROM invoices WHERE "
	                 "number = 'F2026-09-000001';",
	                 &err),
	    0, "%s", err.msg);
	settle_month(db, "2026-09-01");
	o = opts(2026, 10, (sepa_date){2026, 11, 2});
	run_ok(db, &o, &r);
	cr_assert_eq(r.invoices, 2);
	cr_assert_eq(r.regularisations, 1);
	cr_assert_eq(r.reminders, 1);
	/* 15 November 2026 is a Sunday */
	cr_assert_eq(sepa_date_cmp(r.due, (sepa_date){2026, 11, 16}), 0);
	check_lines(db, want, sizeof(want) / sizeof(want[0]));
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM invoice_lines l JOIN invoices i "
	                 "ON i.id = l.invoice_id JOIN invoices r ON r.id = "
	                 "l.reminded_invoice_id WHERE i.number = "
	                 "'F2026-10-000001' AND l.line_no = 3 AND l.kind = "
	                 "'reminder' AND l.amount_cents = 1080 AND r.number = "
	                 "'F2026-09-000001' AND l.label = 'F2026-09-000001'"),
	    1);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT total_cents FROM invoices WHERE number = "
	                 "'F2026-10-000001'"),
	    110 + 110 + 1080);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM invoices WHERE number = "
	                 "'F2026-09-000001' AND state = 'reminded' AND "
	                 "state_since = '2026-11-02'"),
	    1);
	/* FAM1's mandate is active on the due date; FAM3's ends before it */
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM invoices WHERE month = "
	                 "'2026-10-01' AND ((number = 'F2026-10-000001' AND "
	                 "mandate_id IS NOT NULL) OR (number = "
	                 "'F2026-10-000002' AND mandate_id IS NULL))"),
	    2);
	/* reminded once: a later run does not remind it again */
	o = opts(2026, 11, (sepa_date){2026, 12, 1});
	cr_assert_eq(db_exec(db, "unpaid again",
	                 "UPDATE invoices SET state = 'unpaid' WHERE number = "
	                 "'F2026-09-000001'",
	                 0, NULL, &err),
	    0);
	settle_month(db, "2026-10-01");
	run_ok(db, &o, &r);
	cr_assert_eq(r.reminders, 0);
	cr_assert_eq(r.invoices, 0);
	db_close(db);
	dbtest_drop(name);
}

/*
 * Late hours of a day already billed: the day is rounded once in all.
 * September billed FAM1's 2 September as 1:30 + 0:45 -> 3 h and the 9th as
 * 2,5 -> 3 h, FAM2's 23rd as 0:20 -> 1 h. Late lines: 0:30 more on the 2nd
 * (2:45, still 3 h: nothing), 1 h more on the 9th (3,5 -> 4 h: one hour),
 * 0:20 more on the 23rd (0:40, still 1 h: nothing, and no invoice for
 * FAM2).
 */
Test(invoice, late_hours_of_a_billed_day_are_rounded_with_it)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	struct invoice_run_opts o = opts(2026, 9, (sepa_date){2026, 10, 1});
	struct invoice_run_result r;
	static const struct want_line want[] = {
	    {"F2026-10-000001", 1, "regularisation", "E1", "ALSH", "2026-09-01",
	        1000, 150, 150},
	};

	seed_commune(db);
	seed_september(db);
	run_ok(db, &o, &r);
	seed_conso(db, "FAM1", "E1", "ALSH", "2026-09-02", "500");
	seed_conso(db, "FAM1", "E1", "ALSH", "2026-09-09", "1000");
	seed_conso(db, "FAM2", "E1", "ALSH", "2026-09-23", "333");
	settle_month(db, "2026-09-01");
	o = opts(2026, 10, (sepa_date){2026, 11, 2});
	run_ok(db, &o, &r);
	/* the three late lines and FAM3's October meal (1,10) */
	cr_assert_eq(r.consumption_lines, 4);
	cr_assert_eq(r.invoices, 2);
	cr_assert_eq(r.lines, 2);
	cr_assert_eq(r.regularisations, 1);
	cr_assert_eq(r.total_cents, 150 + 110);
	check_lines(db, want, sizeof(want) / sizeof(want[0]));
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM invoices i JOIN families f ON "
	                 "f.id = i.family_id WHERE f.family_ref = 'FAM2' AND "
	                 "i.month = '2026-10-01'"),
	    0);
	/* the late file's batch is billed, even where it added nothing */
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM consumption_batches WHERE "
	                 "month = '2026-09-01' AND lines = 3 AND billed_month "
	                 "= '2026-10-01'"),
	    1);
	/* without rounding, the late hours are billed as they are */
	db_close(db);
	dbtest_drop(name);
	db = dbtest_open(name, "sepad");
	seed_commune(db);
	seed_september(db);
	o = opts(2026, 9, (sepa_date){2026, 10, 1});
	o.rounding = SEPA_HOURS_NONE;
	run_ok(db, &o, &r);
	seed_conso(db, "FAM1", "E1", "ALSH", "2026-09-02", "500");
	settle_month(db, "2026-09-01");
	o = opts(2026, 10, (sepa_date){2026, 11, 2});
	o.rounding = SEPA_HOURS_NONE;
	run_ok(db, &o, &r);
	cr_assert_eq(r.total_cents, 75 + 110);
	db_close(db);
	dbtest_drop(name);
}

Test(invoice, reminders_off_leaves_unpaid_alone)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	sepa_error err = SEPA_ERROR_INIT;
	struct invoice_run_opts o = opts(2026, 9, (sepa_date){2026, 10, 1});
	struct invoice_run_result r;

	seed_commune(db);
	seed_september(db);
	run_ok(db, &o, &r);
	cr_assert_eq(db_exec(db, "unpaid",
	                 "UPDATE invoices SET state = 'unpaid' WHERE number = "
	                 "'F2026-09-000002'",
	                 0, NULL, &err),
	    0);
	o = opts(2026, 10, (sepa_date){2026, 11, 2});
	o.represent_unpaid = false;
	run_ok(db, &o, &r);
	cr_assert_eq(r.reminders, 0);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM invoices WHERE number = "
	                 "'F2026-09-000002' AND state = 'unpaid'"),
	    1);
	db_close(db);
	dbtest_drop(name);
}

/*
 * Contract art. 6 for an invoice never debited (migration 032): FAM2's
 * September invoice, still issued after its due date (payable by other
 * means, or left out of a file), is reminded on October's invoice for
 * what it owes on its own; FAM1's, collected, is not; an invoice whose
 * collection was deferred past the run is not reminded either.
 */
Test(invoice, issued_and_unpaid_after_its_due_date_is_reminded)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	sepa_error err = SEPA_ERROR_INIT;
	struct invoice_run_opts o = opts(2026, 9, (sepa_date){2026, 10, 1});
	struct invoice_run_result r;

	seed_commune(db);
	seed_september(db);
	run_ok(db, &o, &r);
	cr_assert_eq(
	    db_exec_script(db, "states",
	        "UPDATE invoices SET state = 'collecting' WHERE number "
	        "= 'F2026-09-000001';"
	        "INSERT INTO payments (creditor_id, invoice_id, "
	        "amount_cents, paid_on, method) SELECT creditor_id, "
	        "id, 100, '2026-10-20', 'cash' FROM invoices WHERE "
	        "number = 'F2026-09-000002';",
	        &err),
	    0, "%s", err.msg);
	o = opts(2026, 10, (sepa_date){2026, 11, 2});
	run_ok(db, &o, &r);
	cr_assert_eq(r.reminders, 1);
	cr_assert_eq(
	    dbtest_int(db,
	        "SELECT count(*) FROM invoice_lines l JOIN invoices i "
	        "ON i.id = l.invoice_id JOIN invoices p ON p.id = "
	        "l.reminded_invoice_id WHERE l.kind = 'reminder' AND "
	        "p.number = 'F2026-09-000002' AND p.state = 'reminded' "
	        "AND l.amount_cents = p.total_cents - 100"),
	    1);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM invoices WHERE number = "
	                 "'F2026-09-000001' AND state = 'collecting'"),
	    1);
	db_close(db);
	dbtest_drop(name);
}

/* A collection deferred past the run's date is not overdue yet. */
Test(invoice, deferred_collection_is_not_reminded_before_its_date)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	sepa_error err = SEPA_ERROR_INIT;
	struct invoice_run_opts o = opts(2026, 9, (sepa_date){2026, 10, 1});
	struct invoice_run_result r;

	seed_commune(db);
	seed_september(db);
	run_ok(db, &o, &r);
	cr_assert_eq(db_exec(db, "defer",
	                 "UPDATE invoices SET collect_due_on = '2026-11-16', "
	                 "state = CASE number WHEN 'F2026-09-000002' THEN "
	                 "'issued' ELSE 'paid' END WHERE month = '2026-09-01'",
	                 0, NULL, &err),
	    0, "%s", err.msg);
	o = opts(2026, 10, (sepa_date){2026, 11, 2});
	run_ok(db, &o, &r);
	cr_assert_eq(r.reminders, 0);
	db_close(db);
	dbtest_drop(name);
}

/* Due dates: month billed, business date of the run, expected due date. */
static const struct {
	sepa_month month;
	sepa_date today;
	sepa_date due;
	const char *why;
} due_cases[] = {
    {{2026, 9}, {2026, 10, 1}, {2026, 10, 15}, "plain Thursday"},
    {{2026, 9}, {2026, 10, 5}, {2026, 10, 19}, "late run: 14 days"},
    {{2026, 9}, {2026, 10, 2}, {2026, 10, 16}, "late run by one day"},
    {{2026, 10}, {2026, 11, 1}, {2026, 11, 16}, "Sunday 15 November"},
    {{2026, 7}, {2026, 8, 1}, {2026, 8, 17}, "15 August, a Saturday"},
    {{2022, 3}, {2022, 4, 1}, {2022, 4, 19},
        "Good Friday 15 April 2022, then Easter Monday"},
    {{2026, 11}, {2026, 12, 20}, {2027, 1, 4},
        "late run over Christmas and 1 January"},
};

Test(invoice, due_dates_holidays_and_late_runs)
{
	for (size_t i = 0; i < sizeof(due_cases) / sizeof(due_cases[0]); i++) {
		char name[64], m[SEPA_DATE_BUFSZ], d[SEPA_DATE_BUFSZ];
		struct db *db = dbtest_open(name, "sepad");
		struct invoice_run_opts o = opts(due_cases[i].month.year,
		    due_cases[i].month.month, due_cases[i].today);
		struct invoice_run_result r;
		int64_t n;
		sepa_error err = SEPA_ERROR_INIT;

		seed_commune(db);
		snprintf(m, sizeof(m), "%04d-%02d-10", due_cases[i].month.year,
		    due_cases[i].month.month);
		seed_conso(db, "FAM1", "E1", "CANTINE", m, "1000");
		run_ok(db, &o, &r);
		cr_expect_eq(sepa_date_cmp(r.due, due_cases[i].due), 0,
		    "%s: due %04d-%02d-%02d", due_cases[i].why, r.due.year,
		    r.due.month, r.due.day);
		sepa_date_iso(d, due_cases[i].due);
		cr_assert_eq(db_query_int64(db, &n, "due",
		                 "SELECT count(*) FROM invoices WHERE due_on = "
		                 "$1::date",
		                 1, (const char *const[]){d}, &err),
		    0, "%s", err.msg);
		cr_expect_eq(n, 1, "%s", due_cases[i].why);
		db_close(db);
		dbtest_drop(name);
	}
}

Test(invoice, refusals_change_nothing)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	sepa_error err = SEPA_ERROR_INIT;
	struct invoice_run_opts o;
	struct invoice_run_result r;
	int64_t before;

	seed_commune(db);
	seed_september(db);
	before = seed_fingerprint(db);
	/* the month is not over */
	o = opts(2026, 9, (sepa_date){2026, 9, 30});
	cr_assert_eq(
	    store_invoice_run(db, cred_id(db), &o, &r, &err), SEPA_EINVAL);
	cr_assert_str_eq(err.msg,
	    "cannot invoice 2026-09 before it ends (business date "
	    "2026-09-30)");
	/* a line without tariff: GARDERIE_SOIR has none before 2026 */
	seed_conso(db, "FAM2", "E1", "GARDERIE_SOIR", "2025-12-18", "1000");
	seed_conso(db, "FAM1", "E2", "GARDERIE_SOIR", "2025-12-19", "1000");
	before = seed_fingerprint(db);
	o = opts(2026, 9, (sepa_date){2026, 10, 1});
	cr_assert_eq(
	    store_invoice_run(db, cred_id(db), &o, &r, &err), SEPA_EINVAL);
	cr_assert_str_eq(err.msg,
	    "2025-12 has 2 consumption lines and was never invoiced: run "
	    "invoice run --month 2025-12 first");
	cr_assert_eq(seed_fingerprint(db), before);
	/* invoicing December first: no tariff for those lines */
	o = opts(2025, 12, (sepa_date){2026, 10, 1});
	cr_assert_eq(
	    store_invoice_run(db, cred_id(db), &o, &r, &err), SEPA_EINVAL);
	cr_assert_str_eq(err.msg,
	    "no tariff for service GARDERIE_SOIR, bracket T2 on 2025-12-18 "
	    "(family FAM2, conso.csv line 17); more consumption lines lack a "
	    "tariff (2 in all)");
	cr_assert_eq(seed_fingerprint(db), before);
	o = opts(2026, 9, (sepa_date){2026, 10, 1});
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM invoices"), 0);
	/* bad rules */
	o.rules.due_day = 0;
	cr_assert_eq(
	    store_invoice_run(db, cred_id(db), &o, &r, &err), SEPA_ERANGE);
	cr_assert_str_eq(err.msg, "due day 0 is out of range 1..28");
	cr_assert_eq(seed_fingerprint(db), before);
	db_close(db);
	dbtest_drop(name);
}

Test(invoice, nothing_to_bill_no_invoice)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	struct invoice_run_opts o = opts(2026, 8, (sepa_date){2026, 9, 1});
	struct invoice_run_result r;

	seed_commune(db);
	run_ok(db, &o, &r);
	cr_assert_eq(r.invoices, 0);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM invoices"), 0);
	/* recorded as done: a second run says so */
	run_ok(db, &o, &r);
	cr_assert(r.already);
	db_close(db);
	dbtest_drop(name);
}

/* ------------------------------------------------------------ notices */

static char *
slurp_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(fp, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Compare with tests/data/notices/NAME; SEPAD_GOLDEN_UPDATE=1 rewrites. */
static void
golden(const char *got_path, const char *name)
{
	char want_path[1024];
	char *got = slurp_file(got_path), *want;

	snprintf(want_path, sizeof(want_path), "%s/tests/data/notices/%s",
	    SEPAD_SRCDIR, name);
	if (getenv("SEPAD_GOLDEN_UPDATE") != NULL) {
		FILE *fp = fopen(want_path, "wb");

		cr_assert_not_null(fp);
		fputs(got, fp);
		fclose(fp);
	}
	want = slurp_file(want_path);
	cr_expect_str_eq(got, want, "%s differs from %s", got_path, want_path);
	free(got);
	free(want);
}

static const struct notice_creditor test_cred = {"Commune de Saint-Exemple",
    "FR72ZZZ123456", "Place de la Mairie", "1", "99999", "Saint-Exemple",
    {';', ',', true, true, CSVOUT_DATE_FR}};

Test(invoice, notices_text_and_csv)
{
	char name[64], dir[] = "/tmp/sepad-notices-XXXXXX", path[1024];
	struct db *db = dbtest_open(name, "sepad");
	sepa_error err = SEPA_ERROR_INIT;
	struct invoice_run_opts o = opts(2026, 9, (sepa_date){2026, 10, 1});
	struct invoice_run_result r;
	struct stat st;
	int64_t count;

	cr_assert_not_null(mkdtemp(dir));
	seed_commune(db);
	seed_september(db);
	run_ok(db, &o, &r);
	seed_conso(db, "FAM1", "E1", "CANTINE", "2026-09-30", "1000");
	seed_conso(db, "FAM1", "E1", "CANTINE", "2026-10-01", "1000");
	cr_assert_eq(db_exec(db, "unpaid",
	                 "UPDATE invoices SET state = 'unpaid' WHERE number = "
	                 "'F2026-09-000001'",
	                 0, NULL, &err),
	    0);
	settle_month(db, "2026-09-01");
	o = opts(2026, 10, (sepa_date){2026, 11, 2});
	run_ok(db, &o, &r);

	cr_assert_eq(notice_write_month(db, cred_id(db), &test_cred,
	                 (sepa_month){2026, 9}, dir, (sepa_date){2026, 11, 2},
	                 &count, &err),
	    0, "%s", err.msg);
	cr_assert_eq(count, 2);
	cr_assert_eq(notice_write_month(db, cred_id(db), &test_cred,
	                 (sepa_month){2026, 10}, dir, (sepa_date){2026, 11, 2},
	                 &count, &err),
	    0, "%s", err.msg);
	cr_assert_eq(count, 2);
	snprintf(
	    path, sizeof(path), "%s/notices/2026-09/F2026-09-000002.txt", dir);
	golden(path, "F2026-09-000002.txt");
	snprintf(
	    path, sizeof(path), "%s/notices/2026-10/F2026-10-000001.txt", dir);
	golden(path, "F2026-10-000001.txt");
	snprintf(
	    path, sizeof(path), "%s/notices/2026-10/F2026-10-000002.txt", dir);
	golden(path, "F2026-10-000002.txt");
	snprintf(path, sizeof(path), "%s/notices/notices-2026-09.csv", dir);
	golden(path, "notices-2026-09.csv");
	/* written again: same bytes, no temporary left behind */
	cr_assert_eq(notice_write_month(db, cred_id(db), &test_cred,
	                 (sepa_month){2026, 9}, dir, (sepa_date){2026, 11, 2},
	                 &count, &err),
	    0, "%s", err.msg);
	golden(path, "notices-2026-09.csv");
	snprintf(
	    path, sizeof(path), "%s/notices/2026-09/F2026-09-000002.txt", dir);
	golden(path, "F2026-09-000002.txt");
	{
		char cmd[1200];

		snprintf(cmd, sizeof(cmd),
		    "test $(ls -A %s/notices | wc -l) -eq 4", dir);
		cr_assert_eq(system(cmd), 0, "stray files in %s/notices", dir);
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		cr_assert_eq(system(cmd), 0);
	}
	/* an outbox that cannot be created */
	cr_assert_eq(notice_write_month(db, cred_id(db), &test_cred,
	                 (sepa_month){2026, 9}, "/proc/nonexistent",
	                 (sepa_date){2026, 11, 2}, &count, &err),
	    SEPA_EIO);
	cr_assert(strstr(err.msg,
	              "could not create the directory "
	              "/proc/nonexistent") != NULL,
	    "%s", err.msg);
	cr_assert_neq(stat("/proc/nonexistent", &st), 0);
	db_close(db);
	dbtest_drop(name);
}
