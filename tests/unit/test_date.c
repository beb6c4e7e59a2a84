/*
 * test_date.c - civil dates, months, Easter, TARGET2 days, school years.
 */
#include <criterion/criterion.h>
#include <limits.h>

#include "sepa/date.h"

static sepa_date
D(int y, int m, int d)
{
	sepa_date r = {y, m, d};

	return r;
}

static sepa_month
M(int y, int m)
{
	sepa_month r = {y, m};

	return r;
}

#define cr_assert_date(got, want) \
	do { \
		char g_[SEPA_DATE_BUFSZ], w_[SEPA_DATE_BUFSZ]; \
		sepa_date_iso(g_, (got)); \
		sepa_date_iso(w_, (want)); \
		cr_assert_str_eq(g_, w_); \
	} while (0)

struct date_ok {
	const char *in;
	sepa_date want;
};

static const struct date_ok date_good[] = {
    {"2026-04-03", {2026, 4, 3}},
    {"03/04/2026", {2026, 4, 3}},
    {"20/10/2026", {2026, 10, 20}},
    {"3/4/2026", {2026, 4, 3}},
    {"3/04/2026", {2026, 4, 3}},
    {"  2026-04-03\t", {2026, 4, 3}},
    {" 31/12/2025 \r\n", {2025, 12, 31}},
    {"2024-02-29", {2024, 2, 29}},
    {"29/02/2000", {2000, 2, 29}},
    {"0001-01-01", {1, 1, 1}},
    {"9999-12-31", {9999, 12, 31}},
};

struct date_bad {
	const char *in;
	const char *msg;
};

static const struct date_bad date_errors[] = {
    {"", "empty date"},
    {"   ", "empty date"},
    {"2026-04-31", "day 31 does not exist in April 2026"},
    {"31/04/2026", "day 31 does not exist in April 2026"},
    {"2025-02-29", "day 29 does not exist in February 2025"},
    {"29/02/1900", "day 29 does not exist in February 1900"},
    {"2026-13-01", "month 13 out of range"},
    {"01/00/2026", "month 0 out of range"},
    {"2026-01-00", "day 0 out of range"},
    {"32/01/2026", "day 32 out of range"},
    {"0000-01-01", "year 0000 out of range 0001..9999"},
    {"2026-4-3", "expected YYYY-MM-DD or DD/MM/YYYY"},
    {"2026-04-03x", "expected YYYY-MM-DD or DD/MM/YYYY"},
    {"2026/04/03", "expected YYYY-MM-DD or DD/MM/YYYY"},
    {"03-04-2026", "expected YYYY-MM-DD or DD/MM/YYYY"},
    {"03/04/26", "expected YYYY-MM-DD or DD/MM/YYYY"},
    {"03/04/20261", "expected YYYY-MM-DD or DD/MM/YYYY"},
    {"003/04/2026", "expected YYYY-MM-DD or DD/MM/YYYY"},
    {"3/4", "expected YYYY-MM-DD or DD/MM/YYYY"},
    {"3/", "expected YYYY-MM-DD or DD/MM/YYYY"},
    {"3", "expected YYYY-MM-DD or DD/MM/YYYY"},
    {"2026-04-03 12:00", "expected YYYY-MM-DD or DD/MM/YYYY"},
    {"2026 04 03", "expected YYYY-MM-DD or DD/MM/YYYY"},
    {"+026-04-03", "expected YYYY-MM-DD or DD/MM/YYYY"},
    {"today", "expected YYYY-MM-DD or DD/MM/YYYY"},
};

Test(date, parses_iso_and_french)
{
	char iso[SEPA_DATE_BUFSZ];

	for (size_t i = 0; i < sizeof(date_good) / sizeof(date_good[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		sepa_date d = {0, 0, 0};

		cr_assert_eq(sepa_date_parse(&d, date_good[i].in, &err), 0,
		    "\"%s\": %s", date_good[i].in, err.msg);
		cr_assert_eq(sepa_date_cmp(d, date_good[i].want), 0,
		    "\"%s\": %s", date_good[i].in, sepa_date_iso(iso, d));
	}
}

Test(date, refuses_bad_dates_with_exact_message)
{
	for (size_t i = 0; i < sizeof(date_errors) / sizeof(date_errors[0]);
	     i++) {
		sepa_error err = SEPA_ERROR_INIT;
		sepa_date d = {7, 7, 7};

		cr_assert_eq(sepa_date_parse(&d, date_errors[i].in, &err),
		    SEPA_EINVAL, "\"%s\"", date_errors[i].in);
		cr_assert_str_eq(
		    err.msg, date_errors[i].msg, "\"%s\"", date_errors[i].in);
		cr_assert_eq(d.year, 7, "\"%s\": output written on error",
		    date_errors[i].in);
	}
	cr_assert_eq(sepa_date_parse(NULL, NULL, NULL), SEPA_EINVAL);
}

Test(date, formats_iso_and_french)
{
	char buf[SEPA_DATE_BUFSZ];

	cr_assert_str_eq(sepa_date_iso(buf, D(2026, 4, 3)), "2026-04-03");
	cr_assert_str_eq(sepa_date_fr(buf, D(2026, 4, 3)), "03/04/2026");
	cr_assert_str_eq(sepa_date_iso(buf, D(1, 1, 1)), "0001-01-01");
	cr_assert_str_eq(sepa_date_fr(buf, D(9999, 12, 31)), "31/12/9999");
}

Test(date, leap_years_and_month_lengths)
{
	static const struct {
		int y, m, days;
	} cases[] = {
	    {1900, 2, 28},
	    {2000, 2, 29},
	    {2024, 2, 29},
	    {2025, 2, 28},
	    {2100, 2, 28},
	    {2400, 2, 29},
	    {2026, 1, 31},
	    {2026, 4, 30},
	    {2026, 6, 30},
	    {2026, 9, 30},
	    {2026, 11, 30},
	    {2026, 12, 31},
	    {2026, 0, 0},
	    {2026, 13, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_eq(sepa_days_in_month(cases[i].y, cases[i].m),
		    cases[i].days, "%d-%02d", cases[i].y, cases[i].m);
	cr_assert(sepa_date_valid(2000, 2, 29));
	cr_assert(!sepa_date_valid(1900, 2, 29));
	cr_assert(sepa_date_valid(2024, 2, 29));
	cr_assert(!sepa_date_valid(0, 1, 1));
	cr_assert(!sepa_date_valid(10000, 1, 1));
	cr_assert(!sepa_date_valid(2026, 4, 31));
	cr_assert(!sepa_date_valid(2026, 1, 0));
}

Test(date, days_since_epoch_known_values)
{
	static const struct {
		sepa_date d;
		long days;
		int weekday;
	} cases[] = {
	    {{1970, 1, 1}, 0, 4},
	    {{1969, 12, 31}, -1, 3},
	    {{2000, 1, 1}, 10957, 6},
	    {{2000, 3, 1}, 11017, 3},
	    {{2026, 4, 3}, 20546, 5},
	    {{1, 1, 1}, -719162, 1},
	    {{9999, 12, 31}, 2932896, 5},
	    {{1900, 3, 1}, -25508, 4},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(sepa_date_to_days(cases[i].d), cases[i].days,
		    "case %zu: %ld", i, sepa_date_to_days(cases[i].d));
		cr_assert_date(sepa_date_from_days(cases[i].days), cases[i].d);
		cr_assert_eq(sepa_date_weekday(cases[i].d), cases[i].weekday,
		    "case %zu", i);
	}
}

/*
 * Every day from 0001-01-01 to 9999-12-31: from_days gives the successor
 * of the previous date (computed by hand), to_days inverts it, and the
 * weekday advances by one.
 */
Test(date, epoch_round_trip_over_the_whole_range)
{
	sepa_date prev = D(1, 1, 1), cur, next;
	long n, bad = 0, first_bad = 0;
	int wd = sepa_date_weekday(prev);

	for (n = -719162 + 1; n <= 2932896; n++) {
		cur = sepa_date_from_days(n);
		next = prev;
		if (++next.day > sepa_days_in_month(next.year, next.month)) {
			next.day = 1;
			if (++next.month > 12) {
				next.month = 1;
				next.year++;
			}
		}
		wd = wd % 7 + 1;
		if (sepa_date_cmp(cur, next) != 0 ||
		    sepa_date_to_days(cur) != n ||
		    sepa_date_weekday(cur) != wd) {
			if (bad++ == 0)
				first_bad = n;
		}
		prev = cur;
	}
	cr_assert_eq(
	    bad, 0, "%ld mismatches, first at day %ld", bad, first_bad);
	cr_assert_date(prev, D(9999, 12, 31));
}

Test(date, out_of_range_results_are_clamped)
{
	cr_assert_date(sepa_date_from_days(-10000000), D(1, 1, 1));
	cr_assert_date(sepa_date_from_days(10000000), D(9999, 12, 31));
	cr_assert_date(
	    sepa_date_add_days(D(2026, 1, 1), LONG_MAX), D(9999, 12, 31));
	cr_assert_date(sepa_date_add_days(D(2026, 1, 1), LONG_MIN), D(1, 1, 1));
	cr_assert_date(
	    sepa_date_add_months(D(9999, 12, 1), 1), D(9999, 12, 31));
	cr_assert_date(sepa_date_add_months(D(1, 1, 31), -1), D(1, 1, 1));
	cr_assert_date(
	    sepa_date_add_months(D(2026, 1, 1), INT_MIN), D(1, 1, 1));
	cr_assert_date(
	    sepa_date_add_months(D(2026, 1, 1), INT_MAX), D(9999, 12, 31));
}

Test(date, compare)
{
	cr_assert_lt(sepa_date_cmp(D(2025, 12, 31), D(2026, 1, 1)), 0);
	cr_assert_gt(sepa_date_cmp(D(2026, 2, 1), D(2026, 1, 31)), 0);
	cr_assert_lt(sepa_date_cmp(D(2026, 1, 30), D(2026, 1, 31)), 0);
	cr_assert_eq(sepa_date_cmp(D(2026, 1, 31), D(2026, 1, 31)), 0);
}

Test(date, add_days_and_months)
{
	static const struct {
		sepa_date from;
		long days;
		sepa_date want;
	} day_cases[] = {
	    {{2026, 12, 31}, 1, {2027, 1, 1}},
	    {{2027, 1, 1}, -1, {2026, 12, 31}},
	    {{2024, 2, 28}, 1, {2024, 2, 29}},
	    {{2025, 2, 28}, 1, {2025, 3, 1}},
	    {{2026, 4, 3}, 0, {2026, 4, 3}},
	    {{2026, 10, 1}, -14, {2026, 9, 17}},
	    {{2000, 1, 1}, 366, {2001, 1, 1}},
	};
	static const struct {
		sepa_date from;
		int months;
		sepa_date want;
	} month_cases[] = {
	    {{2026, 1, 31}, 1, {2026, 2, 28}},
	    {{2024, 1, 31}, 1, {2024, 2, 29}},
	    {{2026, 3, 31}, 1, {2026, 4, 30}},
	    {{2026, 3, 31}, -1, {2026, 2, 28}},
	    {{2026, 11, 15}, 2, {2027, 1, 15}},
	    {{2026, 1, 15}, -1, {2025, 12, 15}},
	    {{2026, 1, 15}, -13, {2024, 12, 15}},
	    {{2026, 12, 31}, 12, {2027, 12, 31}},
	    {{2024, 2, 29}, 12, {2025, 2, 28}},
	    {{2024, 2, 29}, 48, {2028, 2, 29}},
	    {{2026, 5, 10}, 0, {2026, 5, 10}},
	};

	for (size_t i = 0; i < sizeof(day_cases) / sizeof(day_cases[0]); i++)
		cr_assert_date(
		    sepa_date_add_days(day_cases[i].from, day_cases[i].days),
		    day_cases[i].want);
	for (size_t i = 0; i < sizeof(month_cases) / sizeof(month_cases[0]);
	     i++)
		cr_assert_date(sepa_date_add_months(
		                   month_cases[i].from, month_cases[i].months),
		    month_cases[i].want);
}

Test(date, easter_from_1900_to_2100)
{
	static const sepa_date cases[] = {
	    {1900, 4, 15},
	    {1901, 4, 7},
	    {1913, 3, 23},
	    {1943, 4, 25},
	    {1954, 4, 18},
	    {1961, 4, 2},
	    {1980, 4, 6},
	    {2000, 4, 23},
	    {2008, 3, 23},
	    {2011, 4, 24},
	    {2019, 4, 21},
	    {2024, 3, 31},
	    {2025, 4, 20},
	    {2026, 4, 5},
	    {2027, 3, 28},
	    {2028, 4, 16},
	    {2029, 4, 1},
	    {2030, 4, 21},
	    {2038, 4, 25},
	    {2049, 4, 18},
	    {2076, 4, 19},
	    {2095, 4, 24},
	    {2100, 3, 28},
	    /* earliest possible date, 22 March */
	    {1818, 3, 22},
	    {2285, 3, 22},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_date(sepa_easter(cases[i].year), cases[i]);
		cr_assert_eq(sepa_date_weekday(cases[i]), 7);
	}
	/* Always a Sunday between 22 March and 25 April. */
	for (int y = 1583; y <= 9999; y++) {
		sepa_date e = sepa_easter(y);

		cr_assert_eq(sepa_date_weekday(e), 7, "%d", y);
		cr_assert(sepa_date_cmp(e, D(y, 3, 22)) >= 0 &&
		        sepa_date_cmp(e, D(y, 4, 25)) <= 0,
		    "%d", y);
	}
}

/*
 * Every TARGET2 closing day of 2024..2030, weekends included: nothing
 * else on a weekday is closed.
 */
static const sepa_date target2_closed[] = {
    {2024, 1, 1},
    {2024, 3, 29},
    {2024, 4, 1},
    {2024, 5, 1},
    {2024, 12, 25},
    {2024, 12, 26},
    {2025, 1, 1},
    {2025, 4, 18},
    {2025, 4, 21},
    {2025, 5, 1},
    {2025, 12, 25},
    {2025, 12, 26},
    {2026, 1, 1},
    {2026, 4, 3},
    {2026, 4, 6},
    {2026, 5, 1},
    {2026, 12, 25},
    {2026, 12, 26},
    {2027, 1, 1},
    {2027, 3, 26},
    {2027, 3, 29},
    {2027, 5, 1},
    {2027, 12, 25},
    {2027, 12, 26},
    {2028, 1, 1},
    {2028, 4, 14},
    {2028, 4, 17},
    {2028, 5, 1},
    {2028, 12, 25},
    {2028, 12, 26},
    {2029, 1, 1},
    {2029, 3, 30},
    {2029, 4, 2},
    {2029, 5, 1},
    {2029, 12, 25},
    {2029, 12, 26},
    {2030, 1, 1},
    {2030, 4, 19},
    {2030, 4, 22},
    {2030, 5, 1},
    {2030, 12, 25},
    {2030, 12, 26},
};

Test(target2, closing_days_2024_to_2030)
{
	size_t n = sizeof(target2_closed) / sizeof(target2_closed[0]);
	sepa_date d;
	char iso[SEPA_DATE_BUFSZ];

	for (size_t i = 0; i < n; i++)
		cr_assert(!sepa_target2_is_business_day(target2_closed[i]),
		    "%s should be closed",
		    sepa_date_iso(iso, target2_closed[i]));
	for (d = D(2024, 1, 1); d.year <= 2030; d = sepa_date_add_days(d, 1)) {
		int listed = 0, weekend = sepa_date_weekday(d) >= 6;

		for (size_t i = 0; i < n; i++)
			if (sepa_date_cmp(d, target2_closed[i]) == 0)
				listed = 1;
		cr_assert_eq(sepa_target2_is_business_day(d),
		    !(listed || weekend), "%s", sepa_date_iso(iso, d));
	}
}

Test(target2, french_holidays_are_open)
{
	static const sepa_date open[] = {
	    {2026, 5, 8}, /* Victoire 1945, Friday */
	    {2026, 5, 14}, /* Ascension, Thursday */
	    {2026, 5, 25}, /* Whit Monday */
	    {2026, 7, 14}, /* Tuesday */
	    {2025, 8, 15}, /* Friday */
	    {2027, 11, 1}, /* Monday */
	    {2026, 11, 11}, /* Wednesday */
	    {2024, 12, 24}, {2024, 12, 31}, /* eves are open */
	    {2026, 4, 2}, /* Maundy Thursday */
	    {2026, 4, 7}, /* Easter Tuesday */
	};

	for (size_t i = 0; i < sizeof(open) / sizeof(open[0]); i++)
		cr_assert(sepa_target2_is_business_day(open[i]), "case %zu", i);
}

Test(target2, roll_forward)
{
	static const struct {
		sepa_date from, want;
	} cases[] = {
	    {{2026, 4, 3}, {2026, 4, 7}}, /* Good Friday .. Easter Monday */
	    {{2026, 4, 4}, {2026, 4, 7}},
	    {{2026, 4, 6}, {2026, 4, 7}},
	    {{2026, 4, 7}, {2026, 4, 7}},
	    {{2026, 12, 25}, {2026, 12, 28}}, /* Fri, Sat 26, Sun */
	    {{2027, 12, 25}, {2027, 12, 27}}, /* Sat, Sun 26, Mon open */
	    {{2027, 12, 31}, {2027, 12, 31}},
	    {{2028, 12, 30}, {2029, 1, 2}}, /* Sat, Sun, 1 Jan Mon */
	    {{2027, 5, 1}, {2027, 5, 3}},
	    {{2026, 5, 8}, {2026, 5, 8}},
	    {{2026, 8, 15}, {2026, 8, 17}},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_date(sepa_target2_roll(cases[i].from), cases[i].want);
}

Test(target2, add_business_days)
{
	static const struct {
		sepa_date from;
		int n;
		sepa_date want;
	} cases[] = {
	    {{2026, 4, 2}, 1, {2026, 4, 7}},
	    {{2026, 4, 7}, -1, {2026, 4, 2}},
	    {{2026, 4, 7}, -2, {2026, 4, 1}},
	    {{2026, 4, 15}, 5, {2026, 4, 22}},
	    {{2026, 4, 15}, -5, {2026, 4, 8}},
	    {{2026, 12, 24}, 1, {2026, 12, 28}},
	    {{2026, 12, 28}, -1, {2026, 12, 24}},
	    {{2026, 12, 31}, 1, {2027, 1, 4}},
	    {{2027, 1, 4}, -1, {2026, 12, 31}},
	    {{2026, 4, 4}, 1, {2026, 4, 7}}, /* from a closing day */
	    {{2026, 4, 4}, -1, {2026, 4, 2}},
	    {{2026, 4, 4}, 0, {2026, 4, 4}}, /* 0 leaves the date alone */
	    {{2026, 4, 15}, 0, {2026, 4, 15}},
	    {{2026, 1, 15}, 21, {2026, 2, 13}},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_date(
		    sepa_target2_add(cases[i].from, cases[i].n), cases[i].want);
}

Test(school, year_boundaries)
{
	static const struct {
		sepa_date d;
		int year;
	} cases[] = {
	    {{2026, 8, 31}, 2025},
	    {{2026, 9, 1}, 2026},
	    {{2025, 9, 1}, 2025},
	    {{2025, 8, 31}, 2024},
	    {{2026, 1, 1}, 2025},
	    {{2025, 12, 31}, 2025},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_eq(
		    sepa_school_year(cases[i].d), cases[i].year, "case %zu", i);
	cr_assert_date(sepa_school_year_start(2025), D(2025, 9, 1));
	cr_assert_date(sepa_school_year_end(2025), D(2026, 8, 31));
	cr_assert_eq(sepa_school_year(sepa_school_year_start(2030)), 2030);
	cr_assert_eq(sepa_school_year(sepa_school_year_end(2030)), 2030);
}

Test(month, parse_and_format)
{
	static const struct {
		const char *in;
		int rc;
		sepa_month want;
		const char *msg;
	} cases[] = {
	    {"2026-04", 0, {2026, 4}, NULL},
	    {" 2026-12 ", 0, {2026, 12}, NULL},
	    {"", SEPA_EINVAL, {0, 0}, "empty month"},
	    {"2026-13", SEPA_EINVAL, {0, 0}, "month 13 out of range"},
	    {"2026-00", SEPA_EINVAL, {0, 0}, "month 0 out of range"},
	    {"0000-01", SEPA_EINVAL, {0, 0},
	        "year 0000 out of range 0001..9999"},
	    {"2026-4", SEPA_EINVAL, {0, 0}, "expected YYYY-MM"},
	    {"2026-04-01", SEPA_EINVAL, {0, 0}, "expected YYYY-MM"},
	    {"04/2026", SEPA_EINVAL, {0, 0}, "expected YYYY-MM"},
	    {"2026x04", SEPA_EINVAL, {0, 0}, "expected YYYY-MM"},
	};
	char buf[SEPA_MONTH_BUFSZ];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		sepa_month m = {0, 0};
		int rc = sepa_month_parse(&m, cases[i].in, &err);

		cr_assert_eq(rc, cases[i].rc, "\"%s\"", cases[i].in);
		if (rc == 0)
			cr_assert_eq(sepa_month_cmp(m, cases[i].want), 0);
		else
			cr_assert_str_eq(err.msg, cases[i].msg);
	}
	cr_assert_str_eq(sepa_month_iso(buf, M(2026, 4)), "2026-04");
	cr_assert_str_eq(sepa_month_iso(buf, M(1, 12)), "0001-12");
}

Test(month, arithmetic_across_year_ends)
{
	static const struct {
		sepa_month from;
		int n;
		sepa_month want;
	} cases[] = {
	    {{2026, 12}, 1, {2027, 1}},
	    {{2027, 1}, -1, {2026, 12}},
	    {{2026, 1}, -12, {2025, 1}},
	    {{2026, 1}, -13, {2024, 12}},
	    {{2026, 11}, 14, {2028, 1}},
	    {{2026, 6}, 0, {2026, 6}},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_eq(
		    sepa_month_cmp(sepa_month_add(cases[i].from, cases[i].n),
		        cases[i].want),
		    0, "case %zu", i);
	cr_assert_eq(
	    sepa_month_cmp(sepa_month_billed_by(M(2026, 10)), M(2026, 9)), 0);
	cr_assert_eq(
	    sepa_month_cmp(sepa_month_billed_by(M(2027, 1)), M(2026, 12)), 0);
	cr_assert_lt(sepa_month_cmp(M(2025, 12), M(2026, 1)), 0);
	cr_assert_gt(sepa_month_cmp(M(2026, 2), M(2026, 1)), 0);
	cr_assert_eq(sepa_month_cmp(M(2026, 2), M(2026, 2)), 0);
	cr_assert_eq(
	    sepa_month_cmp(sepa_month_of(D(2026, 4, 30)), M(2026, 4)), 0);
}

Test(month, day_is_clamped)
{
	cr_assert_date(sepa_month_day(M(2026, 2), 31), D(2026, 2, 28));
	cr_assert_date(sepa_month_day(M(2024, 2), 30), D(2024, 2, 29));
	cr_assert_date(sepa_month_day(M(2026, 4), 31), D(2026, 4, 30));
	cr_assert_date(sepa_month_day(M(2026, 10), 15), D(2026, 10, 15));
	cr_assert_date(sepa_month_day(M(2026, 10), 0), D(2026, 10, 1));
}

Test(date, french_month_names)
{
	cr_expect_str_eq(sepa_month_name_fr(1), "janvier");
	cr_expect_str_eq(sepa_month_name_fr(2), "février");
	cr_expect_str_eq(sepa_month_name_fr(8), "août");
	cr_expect_str_eq(sepa_month_name_fr(12), "décembre");
	cr_expect_null(sepa_month_name_fr(0));
	cr_expect_null(sepa_month_name_fr(13));
}
