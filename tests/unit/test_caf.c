/*
 * test_caf.c - the rules of the CAF declaration: activities, ages and age
 * bands on a day, hours of hour and day units, the CAF period of a day in
 * a holiday calendar, and the shipped calendar conf/vacances-scolaires.csv.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sepa/caf.h"

#define CALENDAR SEPAD_SRCDIR "/conf/vacances-scolaires.csv"

static sepa_date
D(const char *s)
{
	sepa_date d;
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(sepa_date_parse(&d, s, &err), 0, "%s: %s", s, err.msg);
	return d;
}

Test(caf, activities_parse_as_a_tariffs_file_writes_them)
{
	static const struct {
		const char *in;
		int want; /* -1: refused */
	} cases[] = {
	    {"périscolaire", SEPA_CAF_PERISCOLAIRE},
	    {"PERISCOLAIRE", SEPA_CAF_PERISCOLAIRE},
	    {"Périscolaire", SEPA_CAF_PERISCOLAIRE},
	    {"extrascolaire", SEPA_CAF_EXTRASCOLAIRE},
	    {"accueil adolescent", SEPA_CAF_ADOLESCENT},
	    {"accueil_adolescent", SEPA_CAF_ADOLESCENT},
	    {"Accueil-Adolescent", SEPA_CAF_ADOLESCENT},
	    {"séjour", SEPA_CAF_SEJOUR},
	    {"SÉJOUR", SEPA_CAF_SEJOUR},
	    {"sejours", SEPA_CAF_SEJOUR},
	    {"none", SEPA_CAF_NONE},
	    {"aucune", SEPA_CAF_NONE},
	    {"", -1},
	    {"cantine", -1},
	    {"péri scolaire", -1},
	    {"extrascolaire extrascolaire extrascolaire extra", -1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		enum sepa_caf_activity a = SEPA_CAF_NONE;
		int rc = sepa_caf_activity_parse(&a, cases[i].in, &err);

		if (cases[i].want < 0) {
			cr_expect_eq(rc, SEPA_EINVAL, "%s", cases[i].in);
			cr_expect(strstr(err.msg,
			              "périscolaire, extrascolaire") != NULL,
			    "%s", err.msg);
		} else {
			cr_expect_eq(rc, 0, "%s: %s", cases[i].in, err.msg);
			cr_expect_eq((int)a, cases[i].want, "%s", cases[i].in);
		}
	}
}

Test(caf, activity_codes_and_labels_round_trip)
{
	for (int i = 0; i < SEPA_CAF_NACTIVITIES; i++) {
		enum sepa_caf_activity a;

		cr_assert_not_null(sepa_caf_activity_code(i));
		cr_assert_eq(
		    sepa_caf_activity_from_code(&a, sepa_caf_activity_code(i)),
		    0);
		cr_expect_eq((int)a, i);
		cr_expect_gt(strlen(sepa_caf_activity_label(i)), 5);
	}
	cr_expect_null(sepa_caf_activity_code(SEPA_CAF_NACTIVITIES));
	cr_expect_str_eq(sepa_caf_activity_label(SEPA_CAF_EXTRASCOLAIRE),
	    "Accueil de loisirs extrascolaire");
	cr_expect_eq(
	    sepa_caf_activity_from_code(&(enum sepa_caf_activity){0}, "séjour"),
	    SEPA_EINVAL);
}

Test(caf, age_counts_the_birthdays_passed)
{
	static const struct {
		const char *birth, *on;
		int age;
	} cases[] = {
	    {"2020-06-15", "2026-06-14", 5},
	    {"2020-06-15", "2026-06-15", 6},
	    {"2020-06-15", "2026-06-16", 6},
	    {"2020-06-15", "2020-06-15", 0},
	    {"2020-06-15", "2020-06-14", -1},
	    {"2019-12-31", "2026-01-01", 6},
	    {"2020-01-01", "2025-12-31", 5},
	    /* born on 29 February: the birthday is 1 March in other years */
	    {"2020-02-29", "2026-02-28", 5},
	    {"2020-02-29", "2026-03-01", 6},
	    {"2020-02-29", "2024-02-29", 4},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(sepa_age_on(D(cases[i].birth), D(cases[i].on)),
		    cases[i].age, "%s on %s", cases[i].birth, cases[i].on);
}

Test(caf, bands_and_their_labels)
{
	sepa_caf_bands def = SEPA_CAF_BANDS_INIT;
	sepa_caf_bands three = {{3, 6, 12}, 3}, one = {{1, 2}, 2};
	sepa_error err = SEPA_ERROR_INIT;
	char l[64];

	cr_assert_eq(sepa_caf_bands_check(&def, &err), 0, "%s", err.msg);
	cr_expect_eq(sepa_caf_band_count(&def), 3);
	cr_expect_eq(sepa_caf_band(&def, 0), 0);
	cr_expect_eq(sepa_caf_band(&def, 5), 0);
	cr_expect_eq(sepa_caf_band(&def, 6), 1);
	cr_expect_eq(sepa_caf_band(&def, 17), 1);
	cr_expect_eq(sepa_caf_band(&def, -1), 2);
	cr_expect_str_eq(
	    sepa_caf_band_label(l, sizeof(l), &def, 0), "moins de 6 ans");
	cr_expect_str_eq(
	    sepa_caf_band_label(l, sizeof(l), &def, 1), "6 ans et plus");
	cr_expect_str_eq(
	    sepa_caf_band_label(l, sizeof(l), &def, 2), "âge inconnu");
	cr_expect_str_eq(sepa_caf_band_label(l, sizeof(l), &def, 3), "");

	cr_assert_eq(sepa_caf_bands_check(&three, &err), 0, "%s", err.msg);
	cr_expect_eq(sepa_caf_band(&three, 2), 0);
	cr_expect_eq(sepa_caf_band(&three, 3), 1);
	cr_expect_eq(sepa_caf_band(&three, 11), 2);
	cr_expect_eq(sepa_caf_band(&three, 12), 3);
	cr_expect_str_eq(
	    sepa_caf_band_label(l, sizeof(l), &three, 1), "de 3 à 5 ans");
	cr_expect_str_eq(
	    sepa_caf_band_label(l, sizeof(l), &three, 2), "de 6 à 11 ans");
	cr_expect_str_eq(
	    sepa_caf_band_label(l, sizeof(l), &three, 3), "12 ans et plus");
	cr_expect_str_eq(
	    sepa_caf_band_label(l, sizeof(l), &one, 0), "moins de 1 an");
	cr_expect_str_eq(sepa_caf_band_label(l, sizeof(l), &one, 1), "1 an");
	cr_expect_str_eq(
	    sepa_caf_band_label(l, sizeof(l), &one, 2), "2 ans et plus");
}

Test(caf, bands_refused)
{
	static const struct {
		sepa_caf_bands b;
		const char *msg;
	} cases[] = {
	    {{{0}, 0}, "0 age limits: 1 to 7 are allowed"},
	    {{{6, 12}, 8}, "8 age limits: 1 to 7 are allowed"},
	    {{{0}, 1}, "age limit 0 is out of range 1..25"},
	    {{{26}, 1}, "age limit 26 is out of range 1..25"},
	    {{{6, 6}, 2}, "age limit 6 is not above 6"},
	    {{{12, 6}, 2}, "age limit 6 is not above 12"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;

		cr_expect_eq(sepa_caf_bands_check(&cases[i].b, &err),
		    SEPA_ERANGE, "%s", cases[i].msg);
		cr_expect_str_eq(err.msg, cases[i].msg);
	}
}

/* An age change in the year: the days after the birthday go to the next
 * band. */
Test(caf, a_birthday_moves_the_later_days_to_the_next_band)
{
	sepa_caf_bands def = SEPA_CAF_BANDS_INIT;
	sepa_date birth = D("2020-06-15");

	cr_expect_eq(
	    sepa_caf_band(&def, sepa_age_on(birth, D("2026-01-07"))), 0);
	cr_expect_eq(
	    sepa_caf_band(&def, sepa_age_on(birth, D("2026-06-14"))), 0);
	cr_expect_eq(
	    sepa_caf_band(&def, sepa_age_on(birth, D("2026-06-15"))), 1);
	cr_expect_eq(
	    sepa_caf_band(&def, sepa_age_on(birth, D("2026-12-30"))), 1);
}

Test(caf, hours_of_hour_and_day_units)
{
	static const struct {
		const char *unit;
		int64_t q;
		int hpd;
		enum sepa_hour_rounding r;
		int64_t want;
	} cases[] = {
	    {"hour", 1500, 10, SEPA_HOURS_NONE, 1500},
	    {"hour", 1500, 10, SEPA_HOURS_UP, 2000},
	    {"hour", 2000, 10, SEPA_HOURS_UP, 2000},
	    {"hour", -1500, 10, SEPA_HOURS_UP, -2000},
	    /* 1 journée = 10 heures, never rounded */
	    {"day", 1000, 10, SEPA_HOURS_UP, 10000},
	    {"day", 500, 10, SEPA_HOURS_UP, 5000},
	    {"day", 3000, 10, SEPA_HOURS_NONE, 30000},
	    {"day", 1000, 8, SEPA_HOURS_UP, 8000},
	    {"day", -1000, 10, SEPA_HOURS_UP, -10000},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		int64_t h = -42;

		cr_expect_eq(sepa_caf_hours(&h, cases[i].unit, cases[i].q,
		                 cases[i].hpd, cases[i].r, &err),
		    0, "%s", err.msg);
		cr_expect_eq(h, cases[i].want, "%s %lld", cases[i].unit,
		    (long long)cases[i].q);
	}
}

Test(caf, hours_refused)
{
	sepa_error err = SEPA_ERROR_INIT;
	int64_t h;

	cr_expect_eq(sepa_caf_hours(&h, "meal", 1000, 10, SEPA_HOURS_UP, &err),
	    SEPA_EINVAL);
	cr_expect_str_eq(
	    err.msg, "a service billed per meal has no hours the CAF counts");
	cr_expect_eq(sepa_caf_hours(&h, "slot", 1000, 10, SEPA_HOURS_UP, &err),
	    SEPA_EINVAL);
	cr_expect_eq(sepa_caf_hours(&h, "day", 1000, 0, SEPA_HOURS_UP, &err),
	    SEPA_ERANGE);
	cr_expect_eq(sepa_caf_hours(&h, "day", 1000, 25, SEPA_HOURS_UP, &err),
	    SEPA_ERANGE);
	cr_expect_eq(
	    sepa_caf_hours(&h, "day", INT64_MAX / 10, 10, SEPA_HOURS_UP, &err),
	    SEPA_ERANGE);
}

/* A small calendar built by hand. */
static void
small_calendar(sepa_holidays *h)
{
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(sepa_holidays_add(h, 'B', "Vacances de la Toussaint",
	                 D("2025-10-18"), D("2025-11-02"), &err),
	    0, "%s", err.msg);
	cr_assert_eq(sepa_holidays_add(h, 'B', "Vacances d'été",
	                 D("2025-07-05"), D("2025-08-31"), &err),
	    0, "%s", err.msg);
	cr_assert_eq(sepa_holidays_add(h, 'A', "Vacances d'été",
	                 D("2025-07-05"), D("2025-08-31"), &err),
	    0, "%s", err.msg);
}

Test(caf, the_period_of_a_day)
{
	static const struct {
		const char *day;
		char zone;
		int want;
		const char *holiday;
	} cases[] = {
	    {"2025-07-05", 'B', SEPA_CAF_HOLIDAYS, "Vacances d'été"},
	    {"2025-08-31", 'B', SEPA_CAF_HOLIDAYS, "Vacances d'été"},
	    /* Monday 1 September: school */
	    {"2025-09-01", 'B', SEPA_CAF_SCHOOL_WEEK, NULL},
	    {"2025-09-03", 'B', SEPA_CAF_WEDNESDAY, NULL},
	    /* Saturday and Sunday of a school week */
	    {"2025-09-06", 'B', SEPA_CAF_SCHOOL_WEEK, NULL},
	    {"2025-09-07", 'B', SEPA_CAF_SCHOOL_WEEK, NULL},
	    {"2025-10-17", 'B', SEPA_CAF_SCHOOL_WEEK, NULL},
	    {"2025-10-18", 'B', SEPA_CAF_HOLIDAYS, "Vacances de la Toussaint"},
	    /* a Wednesday of the holidays is a day of the holidays */
	    {"2025-10-22", 'B', SEPA_CAF_HOLIDAYS, "Vacances de la Toussaint"},
	    {"2025-11-02", 'B', SEPA_CAF_HOLIDAYS, "Vacances de la Toussaint"},
	    /* outside the span of the zone: the calendar cannot tell */
	    {"2025-07-04", 'B', SEPA_ERANGE, NULL},
	    {"2025-11-03", 'B', SEPA_ERANGE, NULL},
	    {"2025-09-03", 'A', SEPA_ERANGE, NULL},
	    {"2025-08-01", 'A', SEPA_CAF_HOLIDAYS, "Vacances d'été"},
	    {"2025-08-01", 'C', SEPA_ERANGE, NULL},
	};
	sepa_holidays h = SEPA_HOLIDAYS_INIT;
	sepa_date from, to;
	char a[SEPA_DATE_BUFSZ], b[SEPA_DATE_BUFSZ];

	small_calendar(&h);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const sepa_holiday *in = NULL;
		int p =
		    sepa_caf_period_of(&h, cases[i].zone, D(cases[i].day), &in);

		cr_expect_eq(p, cases[i].want, "%s %c: %d", cases[i].day,
		    cases[i].zone, p);
		if (cases[i].holiday != NULL) {
			cr_assert_not_null(in, "%s", cases[i].day);
			cr_expect_str_eq(in->name, cases[i].holiday);
		} else {
			cr_expect_null(in, "%s", cases[i].day);
		}
	}
	cr_assert_eq(sepa_holidays_span(&h, 'B', &from, &to), 0);
	cr_expect_str_eq(sepa_date_iso(a, from), "2025-07-05");
	cr_expect_str_eq(sepa_date_iso(b, to), "2025-11-02");
	cr_expect_eq(sepa_holidays_span(&h, 'C', &from, &to), SEPA_ENOTFOUND);
	cr_expect_str_eq(
	    sepa_caf_period_label(SEPA_CAF_WEDNESDAY), "mercredis");
	sepa_holidays_free(&h);
	sepa_holidays_free(&h);
}

Test(caf, holidays_refused)
{
	sepa_holidays h = SEPA_HOLIDAYS_INIT;
	sepa_error err = SEPA_ERROR_INIT;

	small_calendar(&h);
	cr_expect_eq(sepa_holidays_add(&h, 'D', "Vacances", D("2026-02-07"),
	                 D("2026-02-22"), &err),
	    SEPA_EINVAL);
	cr_expect_str_eq(err.msg, "zone must be A, B or C");
	cr_expect_eq(sepa_holidays_add(
	                 &h, 'B', "", D("2026-02-07"), D("2026-02-22"), &err),
	    SEPA_EINVAL);
	cr_expect_eq(sepa_holidays_add(&h, 'B', "Hiver", D("2026-02-22"),
	                 D("2026-02-07"), &err),
	    SEPA_EINVAL);
	cr_expect_str_eq(err.msg, "the last day comes before the first");
	cr_expect_eq(sepa_holidays_add(&h, 'B', "Pont", D("2025-11-01"),
	                 D("2025-11-11"), &err),
	    SEPA_EINVAL);
	cr_expect_str_eq(err.msg,
	    "overlaps \"Vacances de la Toussaint\" of zone B (2025-10-18 to "
	    "2025-11-02)");
	cr_expect_eq(h.count, 3);
	sepa_holidays_free(&h);
}

/* Write text to a temporary file and read it as a calendar. */
static int
read_text(sepa_holidays *h, const char *text, sepa_error *err)
{
	char path[] = "/tmp/test-caf-XXXXXX";
	int fd = mkstemp(path), rc;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	rc = sepa_holidays_read(h, fd, "cal.csv", err);
	close(fd);
	unlink(path);
	return rc;
}

Test(caf, calendar_files_refused_with_their_line)
{
	static const struct {
		const char *text;
		const char *msg;
		long line;
	} cases[] = {
	    {"zone;name;first_day\nB;x;2025-10-18\n", "missing column", 0},
	    {"zone;name;first_day;last_day\nB;Toussaint;2025-10-18;2025-11-02\n"
	     "BC;Noël;2025-12-20;2026-01-04\n",
	        "zone \"BC\": must be A, B or C", 3},
	    {"zone;name;first_day;last_day\nB;Toussaint;2025-10-18;2025-11-31\n",
	        "Toussaint (B): day 31 does not exist", 2},
	    {"zone;name;first_day;last_day\nB;Toussaint;2025-10-18;2025-11-02\n"
	     "B;Pont;2025-11-01;2025-11-02\n",
	        "Pont (B): overlaps \"Toussaint\"", 3},
	    /* a school year missing in the middle */
	    {"zone;name;first_day;last_day\nB;Toussaint;2024-10-19;2024-11-03\n"
	     "B;Toussaint;2025-10-18;2025-11-02\n",
	        "zone B has no holidays from 2024-11-03 to 2025-10-18 (348 "
	        "days): a school year is missing",
	        0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sepa_holidays h = SEPA_HOLIDAYS_INIT;
		sepa_error err = SEPA_ERROR_INIT;

		cr_expect_eq(read_text(&h, cases[i].text, &err), SEPA_EINVAL,
		    "%s", cases[i].text);
		cr_expect(strstr(err.msg, cases[i].msg) != NULL, "%s / %s",
		    err.msg, cases[i].msg);
		if (cases[i].line > 0)
			cr_expect_eq(err.line, cases[i].line, "%s", err.msg);
		cr_expect_str_eq(err.where, "cal.csv");
		cr_expect_eq(h.count, 0);
		cr_expect_null(h.items);
	}
}

/* The shipped calendar: every zone from the summer of 2024 to the summer
 * of 2027, and the days of 2026 in the right period. */
Test(caf, the_shipped_calendar_puts_each_day_in_its_period)
{
	static const struct {
		const char *day;
		char zone;
		int want;
	} cases[] = {
	    /* Christmas 2025 ends on Sunday 4 January 2026 */
	    {"2026-01-02", 'B', SEPA_CAF_HOLIDAYS},
	    {"2026-01-04", 'A', SEPA_CAF_HOLIDAYS},
	    {"2026-01-05", 'C', SEPA_CAF_SCHOOL_WEEK},
	    {"2026-01-07", 'B', SEPA_CAF_WEDNESDAY},
	    /* winter 2026: A from 7 February, B from 14, C from 21 */
	    {"2026-02-11", 'A', SEPA_CAF_HOLIDAYS},
	    {"2026-02-11", 'B', SEPA_CAF_WEDNESDAY},
	    {"2026-02-11", 'C', SEPA_CAF_WEDNESDAY},
	    {"2026-02-18", 'B', SEPA_CAF_HOLIDAYS},
	    {"2026-02-23", 'A', SEPA_CAF_SCHOOL_WEEK},
	    {"2026-02-23", 'B', SEPA_CAF_HOLIDAYS},
	    {"2026-03-02", 'B', SEPA_CAF_SCHOOL_WEEK},
	    {"2026-03-04", 'C', SEPA_CAF_HOLIDAYS},
	    {"2026-03-09", 'C', SEPA_CAF_SCHOOL_WEEK},
	    /* spring 2026: A 4-19 April, B 11-26, C 18 April - 3 May */
	    {"2026-04-08", 'A', SEPA_CAF_HOLIDAYS},
	    {"2026-04-08", 'B', SEPA_CAF_WEDNESDAY},
	    {"2026-04-27", 'B', SEPA_CAF_SCHOOL_WEEK},
	    {"2026-05-01", 'C', SEPA_CAF_HOLIDAYS},
	    {"2026-05-04", 'C', SEPA_CAF_SCHOOL_WEEK},
	    /* the Ascension bridge: Thursday 14 to Sunday 17 May */
	    {"2026-05-13", 'B', SEPA_CAF_WEDNESDAY},
	    {"2026-05-15", 'A', SEPA_CAF_HOLIDAYS},
	    {"2026-05-18", 'B', SEPA_CAF_SCHOOL_WEEK},
	    /* summer: from Saturday 4 July; school again on 1 September */
	    {"2026-07-03", 'B', SEPA_CAF_SCHOOL_WEEK},
	    {"2026-07-04", 'B', SEPA_CAF_HOLIDAYS},
	    {"2026-08-31", 'C', SEPA_CAF_HOLIDAYS},
	    {"2026-09-01", 'B', SEPA_CAF_SCHOOL_WEEK},
	    {"2026-09-02", 'B', SEPA_CAF_WEDNESDAY},
	    /* All Saints 17 October - 1 November, Christmas from 19 December */
	    {"2026-10-16", 'B', SEPA_CAF_SCHOOL_WEEK},
	    {"2026-10-21", 'B', SEPA_CAF_HOLIDAYS},
	    {"2026-11-04", 'B', SEPA_CAF_WEDNESDAY},
	    {"2026-12-18", 'B', SEPA_CAF_SCHOOL_WEEK},
	    {"2026-12-19", 'B', SEPA_CAF_HOLIDAYS},
	    {"2026-12-31", 'A', SEPA_CAF_HOLIDAYS},
	    /* 2025 too (the declaration due by 30 April 2026) */
	    {"2025-02-12", 'B', SEPA_CAF_HOLIDAYS},
	    {"2025-02-12", 'A', SEPA_CAF_WEDNESDAY},
	    {"2025-04-22", 'B', SEPA_CAF_SCHOOL_WEEK},
	    {"2025-04-21", 'B', SEPA_CAF_HOLIDAYS},
	    {"2025-05-30", 'C', SEPA_CAF_HOLIDAYS},
	    /* winter 2027: C from 6 February, A from 13, B from 20 */
	    {"2027-02-10", 'C', SEPA_CAF_HOLIDAYS},
	    {"2027-02-10", 'A', SEPA_CAF_WEDNESDAY},
	    {"2027-03-03", 'B', SEPA_CAF_HOLIDAYS},
	    {"2027-08-31", 'B', SEPA_CAF_HOLIDAYS},
	    /* beyond the file */
	    {"2027-09-01", 'B', SEPA_ERANGE},
	    {"2024-07-05", 'B', SEPA_ERANGE},
	};
	sepa_holidays h = SEPA_HOLIDAYS_INIT;
	sepa_error err = SEPA_ERROR_INIT;
	sepa_date from, to;
	char a[SEPA_DATE_BUFSZ];
	int fd = open(CALENDAR, O_RDONLY);

	cr_assert_geq(fd, 0, CALENDAR);
	cr_assert_eq(sepa_holidays_read(&h, fd, CALENDAR, &err), 0,
	    "%s:%ld: %s", err.where, err.line, err.msg);
	close(fd);
	for (char z = 'A'; z <= 'C'; z++) {
		cr_assert_eq(sepa_holidays_span(&h, z, &from, &to), 0);
		cr_expect_str_eq(sepa_date_iso(a, from), "2024-07-06");
		cr_expect_str_eq(sepa_date_iso(a, to), "2027-08-31");
	}
	for (size_t i = 0; i < h.count; i++) {
		int wd = sepa_date_weekday(h.items[i].first);

		/* a holiday starts on a Saturday, a bridge on its Thursday */
		cr_expect(wd == 6 ||
		        (wd == 4 &&
		            strstr(h.items[i].name, "Ascension") != NULL),
		    "%s %c", h.items[i].name, h.items[i].zone);
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(sepa_caf_period_of(
		                 &h, cases[i].zone, D(cases[i].day), NULL),
		    cases[i].want, "%s zone %c", cases[i].day, cases[i].zone);
	sepa_holidays_free(&h);
}

/* The tally over the shipped calendar, zone B, bands under 6 / 6 and over. */
static sepa_caf_tally *
tally_open(sepa_holidays *h)
{
	sepa_caf_params p = {h, 'B', 10, SEPA_HOURS_UP, SEPA_CAF_BANDS_INIT};
	sepa_caf_tally *t = calloc(1, sizeof(*t));
	sepa_error err = SEPA_ERROR_INIT;
	int fd = open(CALENDAR, O_RDONLY);

	cr_assert_not_null(t);
	cr_assert_geq(fd, 0);
	cr_assert_eq(
	    sepa_holidays_read(h, fd, CALENDAR, &err), 0, "%s", err.msg);
	close(fd);
	cr_assert_eq(sepa_caf_tally_init(t, &p, &err), 0, "%s", err.msg);
	return t;
}

static void
tally_day(sepa_caf_tally *t, int64_t child, enum sepa_caf_activity a,
    const char *unit, const char *day, const char *birth, int64_t rec,
    int64_t billed)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_date b;

	if (birth != NULL)
		b = D(birth);
	cr_assert_eq(sepa_caf_tally_day(t, child, a, unit, D(day),
	                 birth != NULL ? &b : NULL, rec, billed, &err),
	    0, "%s %s: %s", day, unit, err.msg);
}

static void
expect_cell(const sepa_caf_tally *t, int a, int m, int p, int b, int64_t rec,
    int64_t billed, int64_t children)
{
	const sepa_caf_cell *c = sepa_caf_tally_cell(t, a, m, p, b);

	cr_assert_not_null(c, "cell %d %d %d %d", a, m, p, b);
	cr_expect_eq(c->recorded_milli, rec, "cell %d %d %d %d: recorded %lld",
	    a, m, p, b, (long long)c->recorded_milli);
	cr_expect_eq(c->billed_milli, billed, "cell %d %d %d %d: billed %lld",
	    a, m, p, b, (long long)c->billed_milli);
	cr_expect_eq(c->children, children, "cell %d %d %d %d: children %lld",
	    a, m, p, b, (long long)c->children);
}

Test(caf, the_tally_of_a_year)
{
	const int ALL = SEPA_CAF_ALL;
	sepa_holidays h = SEPA_HOLIDAYS_INIT;
	sepa_caf_tally *t = tally_open(&h);

	/* Léo, born 15 June 2020: 5 until 14 June 2026, then 6 */
	tally_day(t, 1, SEPA_CAF_EXTRASCOLAIRE, "hour", "2026-02-18",
	    "2020-06-15", 1500, 1500);
	tally_day(t, 1, SEPA_CAF_PERISCOLAIRE, "hour", "2026-06-10",
	    "2020-06-15", 2500, 2500);
	tally_day(t, 1, SEPA_CAF_PERISCOLAIRE, "hour", "2026-06-17",
	    "2020-06-15", 3000, 3000);
	tally_day(t, 1, SEPA_CAF_EXTRASCOLAIRE, "day", "2026-07-06",
	    "2020-06-15", 1000, 1000);
	/* Inès, no birth date; her July day is not invoiced yet */
	tally_day(
	    t, 2, SEPA_CAF_EXTRASCOLAIRE, "day", "2026-07-07", NULL, 500, 0);
	tally_day(t, 2, SEPA_CAF_EXTRASCOLAIRE, "hour", "2026-07-07", NULL,
	    1000, 1000);
	/* Tom, 11 in 2026: a Tuesday of school, then a stay */
	tally_day(t, 3, SEPA_CAF_EXTRASCOLAIRE, "hour", "2026-03-03",
	    "2015-03-01", 750, 750);
	tally_day(t, 3, SEPA_CAF_SEJOUR, "day", "2026-07-15", "2015-03-01",
	    1000, 1000);
	tally_day(t, 3, SEPA_CAF_SEJOUR, "day", "2026-07-16", "2015-03-01",
	    1000, 1000);

	/* extrascolaire: hours as recorded, hours invoiced rounded up per
	 * day, a day counts 10 hours */
	expect_cell(t, SEPA_CAF_EXTRASCOLAIRE, ALL, ALL, ALL, 18250, 14000, 3);
	expect_cell(
	    t, SEPA_CAF_EXTRASCOLAIRE, 2, SEPA_CAF_HOLIDAYS, 0, 1500, 2000, 1);
	expect_cell(t, SEPA_CAF_EXTRASCOLAIRE, 3, SEPA_CAF_SCHOOL_WEEK, 1, 750,
	    1000, 1);
	expect_cell(t, SEPA_CAF_EXTRASCOLAIRE, 7, SEPA_CAF_HOLIDAYS, 1, 10000,
	    10000, 1);
	expect_cell(
	    t, SEPA_CAF_EXTRASCOLAIRE, 7, SEPA_CAF_HOLIDAYS, 2, 6000, 1000, 1);
	expect_cell(t, SEPA_CAF_EXTRASCOLAIRE, 7, ALL, ALL, 16000, 11000, 2);
	/* périscolaire: Wednesdays of school; the birthday moves the later
	 * Wednesday to "6 ans et plus" */
	expect_cell(
	    t, SEPA_CAF_PERISCOLAIRE, 6, SEPA_CAF_WEDNESDAY, 0, 2500, 3000, 1);
	expect_cell(
	    t, SEPA_CAF_PERISCOLAIRE, 6, SEPA_CAF_WEDNESDAY, 1, 3000, 3000, 1);
	expect_cell(t, SEPA_CAF_PERISCOLAIRE, ALL, SEPA_CAF_WEDNESDAY, ALL,
	    5500, 6000, 1);
	/* séjours: two days, 20 hours */
	expect_cell(t, SEPA_CAF_SEJOUR, ALL, ALL, 1, 20000, 20000, 1);
	/* every activity: each child once */
	expect_cell(t, ALL, ALL, ALL, ALL, 43750, 40000, 3);
	expect_cell(t, ALL, ALL, ALL, 0, 4000, 5000, 1);
	expect_cell(t, ALL, ALL, ALL, 1, 33750, 34000, 2);
	expect_cell(t, ALL, ALL, ALL, 2, 6000, 1000, 1);
	expect_cell(t, ALL, ALL, SEPA_CAF_HOLIDAYS, ALL, 37500, 33000, 3);
	expect_cell(t, ALL, 1, ALL, ALL, 0, 0, 0);
	cr_expect_null(sepa_caf_tally_cell(t, 0, 13, ALL, ALL));
	cr_expect_null(sepa_caf_tally_cell(t, ALL, ALL, ALL, 3));
	cr_expect_null(sepa_caf_tally_cell(t, ALL, ALL, 3, ALL));
	free(t);
	sepa_holidays_free(&h);
}

Test(caf, the_tally_refuses_what_it_cannot_place)
{
	sepa_holidays h = SEPA_HOLIDAYS_INIT;
	sepa_caf_tally *t = tally_open(&h);
	sepa_caf_params p = t->p;
	sepa_error err = SEPA_ERROR_INIT;

	cr_expect_eq(sepa_caf_tally_day(t, 1, SEPA_CAF_EXTRASCOLAIRE, "hour",
	                 D("2027-09-01"), NULL, 1000, 1000, &err),
	    SEPA_ERANGE);
	cr_expect_str_eq(err.msg,
	    "the school holiday calendar has no dates of zone B for "
	    "2027-09-01");
	cr_expect_eq(sepa_caf_tally_day(t, 1, SEPA_CAF_EXTRASCOLAIRE, "meal",
	                 D("2026-09-01"), NULL, 1000, 1000, &err),
	    SEPA_EINVAL);
	cr_expect_eq(sepa_caf_tally_day(t, 1, SEPA_CAF_NONE, "hour",
	                 D("2026-09-01"), NULL, 1000, 1000, &err),
	    SEPA_EINVAL);
	cr_expect_eq(sepa_caf_tally_cell(t, SEPA_CAF_ALL, SEPA_CAF_ALL,
	                 SEPA_CAF_ALL, SEPA_CAF_ALL)
	                 ->children,
	    0);
	p.zone = 'D';
	cr_expect_eq(sepa_caf_tally_init(t, &p, &err), SEPA_EINVAL);
	cr_expect_str_eq(
	    err.msg, "the school holiday calendar has no holidays for zone D");
	p.zone = 'B';
	p.hours_per_day = 0;
	cr_expect_eq(sepa_caf_tally_init(t, &p, &err), SEPA_ERANGE);
	free(t);
	sepa_holidays_free(&h);
}
