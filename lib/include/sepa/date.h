/*
 * date.h - civil dates (no time zone arithmetic), months, Easter, TARGET2
 * business days and French school years.
 */
#ifndef SEPA_DATE_H
#define SEPA_DATE_H

#include "sepa/error.h"

/**
 * A civil date in the proleptic Gregorian calendar, years 1..9999.
 * Functions returning a date clamp results outside that range to
 * 0001-01-01 or 9999-12-31; their date arguments must be valid.
 */
typedef struct sepa_date {
	int year;
	int month; /* 1..12 */
	int day; /* 1..31 */
} sepa_date;

/** A calendar month. */
typedef struct sepa_month {
	int year;
	int month; /* 1..12 */
} sepa_month;

/** "YYYY-MM-DD" plus NUL. */
#define SEPA_DATE_BUFSZ 11
/** "YYYY-MM" plus NUL. */
#define SEPA_MONTH_BUFSZ 8

/** 1 when y-m-d is a real date. */
int sepa_date_valid(int year, int month, int day);

/**
 * Parse "YYYY-MM-DD" or "DD/MM/YYYY" (also "D/M/YYYY"); surrounding
 * spaces allowed. Errors say which part is wrong ("day 31 does not exist
 * in April 2026").
 */
int sepa_date_parse(sepa_date *out, const char *s, sepa_error *err);

/** "YYYY-MM-DD". Returns buf. */
char *sepa_date_iso(char *buf, sepa_date d);

/** "DD/MM/YYYY". Returns buf. */
char *sepa_date_fr(char *buf, sepa_date d);

/** The French name of month 1..12 ("janvier", "août"; static), or NULL. */
const char *sepa_month_name_fr(int month);

/** Days since 1970-01-01 (negative before). */
long sepa_date_to_days(sepa_date d);

/** The date n days after 1970-01-01. */
sepa_date sepa_date_from_days(long days);

/** <0, 0, >0 like strcmp. */
int sepa_date_cmp(sepa_date a, sepa_date b);

/** ISO weekday: 1 = Monday ... 7 = Sunday. */
int sepa_date_weekday(sepa_date d);

/** d + n days (n may be negative). */
sepa_date sepa_date_add_days(sepa_date d, long n);

/**
 * d + n months, the day clamped to the end of the target month
 * (2026-01-31 + 1 month = 2026-02-28).
 */
sepa_date sepa_date_add_months(sepa_date d, int n);

/** Number of days in a month. */
int sepa_days_in_month(int year, int month);

/** Easter Sunday of a Gregorian year. */
sepa_date sepa_easter(int year);

/**
 * 1 when TARGET2 settles on d: not Saturday or Sunday, 1 January, Good
 * Friday, Easter Monday, 1 May, 25 or 26 December.
 */
int sepa_target2_is_business_day(sepa_date d);

/** d itself when a TARGET2 business day, else the next one. */
sepa_date sepa_target2_roll(sepa_date d);

/**
 * The n-th TARGET2 business day after d (n >= 0; n < 0 goes back).
 * n == 0 returns d unchanged, even on a closing day.
 */
sepa_date sepa_target2_add(sepa_date d, int n);

/**
 * The school year a date falls in, named by the year it starts:
 * 2025-09-01 .. 2026-08-31 -> 2025.
 */
int sepa_school_year(sepa_date d);

/** First (1 September) and last (31 August) day of a school year. */
sepa_date sepa_school_year_start(int school_year);
sepa_date sepa_school_year_end(int school_year);

/** Parse "YYYY-MM". */
int sepa_month_parse(sepa_month *out, const char *s, sepa_error *err);

/** "YYYY-MM". Returns buf. */
char *sepa_month_iso(char *buf, sepa_month m);

/** The month containing d. */
sepa_month sepa_month_of(sepa_date d);

/** m + n months (n may be negative). */
sepa_month sepa_month_add(sepa_month m, int n);

/** <0, 0, >0 like strcmp. */
int sepa_month_cmp(sepa_month a, sepa_month b);

/** Day `day` of month m, clamped to 1 .. the month's last day. */
sepa_date sepa_month_day(sepa_month m, int day);

/**
 * The month whose consumption is collected in month m (m - 1): the
 * contract's "prélèvement le 15 octobre pour les consommations du mois
 * de septembre".
 */
sepa_month sepa_month_billed_by(sepa_month collection_month);

#endif /* SEPA_DATE_H */
