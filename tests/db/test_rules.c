/*
 * test_rules.c - the contract rules that are SQL functions (migrations 008
 * and 016) give the answers of their twins in lib/rules.c on the same
 * inputs: every day of six years for the school year, every count and
 * limit for the rejects rule, every quantity around the hour for the
 * rounding.
 */
#include <libpq-fe.h>
#include <string.h>

#include "dbtest.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"
#include "db_internal.h"

static PGresult *
rules_query(struct db *db, const char *sql)
{
	sepa_error err = SEPA_ERROR_INIT;
	PGresult *res = NULL;

	if (db_query(db, &res, "run a test query", sql, 0, NULL, &err) != 0)
		cr_assert_fail("%s", err.msg);
	return res;
}

static long long
rules_ll(PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* The school year turns on 1 September, in SQL as in C. */
Test(rules_sql, school_year_is_sepa_school_year)
{
	static const struct {
		const char *day;
		int year;
	} edges[] = {
	    {"2026-08-31", 2025},
	    {"2026-09-01", 2026},
	    {"2026-12-31", 2026},
	    {"2027-01-01", 2026},
	    {"2024-02-29", 2023},
	    {"2025-09-01", 2025},
	    {"2025-08-31", 2024},
	};
	char name[64], sql[128];
	struct db *db = dbtest_open(name, "sepad");
	PGresult *res;
	int n;

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		sepa_date d;

		cr_assert_eq(sepa_date_parse(&d, edges[i].day, &err), 0);
		cr_expect_eq(sepa_rule_reject_school_year(d), edges[i].year,
		    "%s", edges[i].day);
		snprintf(sql, sizeof(sql), "SELECT sepad_school_year('%s')",
		    edges[i].day);
		cr_expect_eq(
		    dbtest_int(db, sql), edges[i].year, "%s", edges[i].day);
	}
	res = rules_query(db,
	    "SELECT d::date::text, sepad_school_year(d::date)"
	    " FROM generate_series('2023-01-01'::date, '2028-12-31', '1 day') d");
	n = PQntuples(res);
	cr_assert_eq(n, 6 * 365 + 2);
	for (int i = 0; i < n; i++) {
		sepa_error err = SEPA_ERROR_INIT;
		sepa_date d;

		cr_assert_eq(
		    sepa_date_parse(&d, PQgetvalue(res, i, 0), &err), 0);
		cr_assert_eq(rules_ll(res, i, 1),
		    sepa_rule_reject_school_year(d), "%s",
		    PQgetvalue(res, i, 0));
	}
	db_result_free(res);
	cr_expect_eq(
	    dbtest_int(
	        db, "SELECT count(*) WHERE sepad_school_year(NULL) IS NULL"),
	    1);
	db_close(db);
	dbtest_drop(name);
}

/* Every limit the configuration accepts, every count up to past it. */
Test(rules_sql, rejects_terminate_is_sepa_rule_rejects_terminate)
{
	sepa_rules r = SEPA_RULES_INIT;
	sepa_error err = SEPA_ERROR_INIT;
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	PGresult *res;
	int n;

	res = rules_query(db,
	    "SELECT m, c, sepad_rejects_terminate(c, m::integer)"
	    " FROM generate_series(1, 12) m, generate_series(0, 14) c");
	n = PQntuples(res);
	cr_assert_eq(n, 12 * 15);
	for (int i = 0; i < n; i++) {
		int max = (int)rules_ll(res, i, 0),
		    counted = (int)rules_ll(res, i, 1);

		r.max_rejects_per_school_year = max;
		cr_assert_eq(sepa_rules_check(&r, &err), 0, "%s", err.msg);
		cr_assert_eq(PQgetvalue(res, i, 2)[0] == 't',
		    sepa_rule_rejects_terminate(&r, counted) != 0,
		    "%d counted, at most %d", counted, max);
	}
	db_result_free(res);
	db_close(db);
	dbtest_drop(name);
}

/* Migration 008's rounding is SEPA_HOURS_UP, corrections included. */
Test(rules_sql, hours_up_is_sepa_rule_round_hours)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	PGresult *res;
	int n;

	res = rules_query(db,
	    "SELECT q, sepad_hours_up(q) FROM (SELECT generate_series(-5000,"
	    " 5000)::bigint UNION ALL VALUES (-1000000001), (999999999999),"
	    " (1000000000000), (1000000000001)) x(q)");
	n = PQntuples(res);
	cr_assert_eq(n, 10001 + 4);
	for (int i = 0; i < n; i++) {
		int64_t q = rules_ll(res, i, 0);

		cr_assert_eq(rules_ll(res, i, 1),
		    sepa_rule_round_hours(SEPA_HOURS_UP, q), "%lld",
		    (long long)q);
	}
	db_result_free(res);
	db_close(db);
	dbtest_drop(name);
}

/*
 * Migration 032's overdue test is sepa_rule_unpaid_after: every due date
 * of a year across a month end, a leap day and a year end, every grace
 * the configuration accepts around the edges, every day around them.
 */
Test(rules_sql, unpaid_after_is_sepa_rule_unpaid_after)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	PGresult *res;
	int n;

	res = rules_query(db,
	    "SELECT d::date::text, g, o::date::text, sepad_unpaid_after("
	    "d::date, g, o::date) FROM generate_series('2027-12-20'::date, "
	    "'2028-03-05', '1 day') d, (VALUES (0), (1), (14), (365)) v(g), "
	    "generate_series(-2, 2) k, LATERAL (SELECT d::date + g + k AS o) x");
	n = PQntuples(res);
	cr_assert_eq(n, 77 * 4 * 5);
	for (int i = 0; i < n; i++) {
		sepa_error err = SEPA_ERROR_INIT;
		sepa_date due, on;
		int grace = (int)rules_ll(res, i, 1);

		cr_assert_eq(
		    sepa_date_parse(&due, PQgetvalue(res, i, 0), &err), 0);
		cr_assert_eq(
		    sepa_date_parse(&on, PQgetvalue(res, i, 2), &err), 0);
		cr_assert_eq(PQgetvalue(res, i, 3)[0] == 't',
		    sepa_rule_unpaid_after(due, grace, on) != 0,
		    "due %s, grace %d, on %s", PQgetvalue(res, i, 0), grace,
		    PQgetvalue(res, i, 2));
	}
	db_result_free(res);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT count(*) WHERE sepad_unpaid_after(NULL, 0, "
	                 "'2026-01-01') IS NULL"),
	    1);
	db_close(db);
	dbtest_drop(name);
}
