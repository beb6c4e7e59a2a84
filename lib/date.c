/*
 * date.c - civil dates in the proleptic Gregorian calendar (years
 * 1..9999), months, Easter, TARGET2 business days and school years.
 *
 * Day counts use the exact era-based conversion (400-year eras of 146097
 * days, years starting on 1 March so that the leap day comes last).
 * Functions returning a date cannot report errors: results that would
 * fall outside 0001-01-01 .. 9999-12-31 are clamped to those bounds.
 * Dates given to them are expected to be valid (sepa_date_valid).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "sepa/date.h"
#include "internal.h"

/* Days from 1970-01-01 to 0001-01-01 and to 9999-12-31. */
#define DATE_DAYS_MIN (-719162L)
#define DATE_DAYS_MAX 2932896L

static int date_is_leap(int year);
static int date_is_space(int c);
static int date_trim(const char **start, const char **end, const char *s);
static int date_digits(const char *p, const char *end, int min, int max,
    int *value, const char **next);
static int date_check(int year, int month, int day, sepa_error *err);
static sepa_date date_make(int year, int month, int day);

static const char *const date_month_names[] = {LM_("January"), LM_("February"),
    LM_("March"), LM_("April"), LM_("May"), LM_("June"), LM_("July"),
    LM_("August"), LM_("September"), LM_("October"), LM_("November"),
    LM_("December")};

static int
date_is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int
sepa_days_in_month(int year, int month)
{
	static const int days[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && date_is_leap(year))
		return 29;
	return days[month - 1];
}

int
sepa_date_valid(int year, int month, int day)
{
	return year >= 1 && year <= 9999 && month >= 1 && month <= 12 &&
	    day >= 1 && day <= sepa_days_in_month(year, month);
}

static sepa_date
date_make(int year, int month, int day)
{
	sepa_date d;

	d.year = year;
	d.month = month;
	d.day = day;
	return d;
}

static int
date_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trim spaces around s into [*start, *end); 0 when nothing is left. */
static int
date_trim(const char **start, const char **end, const char *s)
{
	const char *p = s, *e = s + strlen(s);

	while (p < e && date_is_space((unsigned char)*p))
		p++;
	while (e > p && date_is_space((unsigned char)e[-1]))
		e--;
	*start = p;
	*end = e;
	return p < e;
}

/* Read min..max decimal digits at p; -1 when there are fewer than min. */
static int
date_digits(const char *p, const char *end, int min, int max, int *value,
    const char **next)
{
	int n = 0, v = 0;

	while (p < end && n < max && *p >= '0' && *p <= '9') {
		v = v * 10 + (*p - '0');
		p++;
		n++;
	}
	if (n < min)
		return -1;
	*value = v;
	*next = p;
	return 0;
}

/* The range checks shared by the date parsers, with their messages. */
static int
date_check(int year, int month, int day, sepa_error *err)
{
	if (year < 1)
		return sepa_error_set(err, SEPA_EINVAL,
		    "year %04d out of range 0001..9999", year);
	if (month < 1 || month > 12)
		return sepa_error_set(
		    err, SEPA_EINVAL, "month %d out of range", month);
	if (day < 1 || day > 31)
		return sepa_error_set(
		    err, SEPA_EINVAL, "day %d out of range", day);
	if (day > sepa_days_in_month(year, month))
		return sepa_error_set(err, SEPA_EINVAL,
		    "day %d does not exist in %s %d", day,
		    L_(date_month_names[month - 1]), year);
	return 0;
}

int
sepa_date_parse(sepa_date *out, const char *s, sepa_error *err)
{
	const char *p, *end;
	int y, m, d, rc;

	if (s == NULL || !date_trim(&p, &end, s))
		return sepa_error_set(err, SEPA_EINVAL, "empty date");
	if (end - p >= 5 && p[4] == '-') {
		/* YYYY-MM-DD, exactly. */
		if (end - p != 10 || date_digits(p, end, 4, 4, &y, &p) < 0 ||
		    *p++ != '-' || date_digits(p, end, 2, 2, &m, &p) < 0 ||
		    *p++ != '-' || date_digits(p, end, 2, 2, &d, &p) < 0)
			goto shape;
	} else {
		/* D/M/YYYY, day and month on 1 or 2 digits. */
		if (date_digits(p, end, 1, 2, &d, &p) < 0 || p == end ||
		    *p++ != '/' || date_digits(p, end, 1, 2, &m, &p) < 0 ||
		    p == end || *p++ != '/' ||
		    date_digits(p, end, 4, 4, &y, &p) < 0 || p != end)
			goto shape;
	}
	if ((rc = date_check(y, m, d, err)) < 0)
		return rc;
	*out = date_make(y, m, d);
	return 0;
shape:
	return sepa_error_set(
	    err, SEPA_EINVAL, "expected YYYY-MM-DD or DD/MM/YYYY");
}

char *
sepa_date_iso(char *buf, sepa_date d)
{
	snprintf(
	    buf, SEPA_DATE_BUFSZ, "%04d-%02d-%02d", d.year, d.month, d.day);
	return buf;
}

char *
sepa_date_fr(char *buf, sepa_date d)
{
	snprintf(
	    buf, SEPA_DATE_BUFSZ, "%02d/%02d/%04d", d.day, d.month, d.year);
	return buf;
}

const char *
sepa_month_name_fr(int month)
{
	static const char *const names[12] = {"janvier", "février", "mars",
	    "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
	    "novembre", "décembre"};

	return month >= 1 && month <= 12 ? names[month - 1] : NULL;
}

/*
 * Shift the year to start on 1 March; then a 400-year era is 146097 days
 * and the day of the era follows from the year and day of the year.
 */
long
sepa_date_to_days(sepa_date d)
{
	long y = d.year - (d.month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400; /* 0..399 */
	long mp = (d.month + 9) % 12; /* March = 0 */
	long doy = (153 * mp + 2) / 5 + d.day - 1; /* 0..365 */
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */

	return era * 146097 + doe - 719468; /* 719468: 0000-03-01 to epoch */
}

sepa_date
sepa_date_from_days(long days)
{
	long z, era, doe, yoe, y, doy, mp, dd, mm;

	if (days < DATE_DAYS_MIN)
		days = DATE_DAYS_MIN;
	if (days > DATE_DAYS_MAX)
		days = DATE_DAYS_MAX;
	z = days + 719468;
	era = z / 146097; /* z > 0 in the clamped range */
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	dd = doy - (153 * mp + 2) / 5 + 1;
	mm = mp < 10 ? mp + 3 : mp - 9;
	return date_make((int)(y + (mm <= 2)), (int)mm, (int)dd);
}

int
sepa_date_cmp(sepa_date a, sepa_date b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	if (a.day != b.day)
		return a.day < b.day ? -1 : 1;
	return 0;
}

int
sepa_date_weekday(sepa_date d)
{
	long r = sepa_date_to_days(d) % 7; /* 0 = Thursday */

	if (r < 0)
		r += 7;
	return (int)((r + 3) % 7) + 1;
}

sepa_date
sepa_date_add_days(sepa_date d, long n)
{
	long days = sepa_date_to_days(d);

	/* Saturate instead of overflowing; from_days clamps the rest. */
	if (__builtin_add_overflow(days, n, &days))
		days = n < 0 ? LONG_MIN : LONG_MAX;
	return sepa_date_from_days(days);
}

sepa_date
sepa_date_add_months(sepa_date d, int n)
{
	long idx = (long)d.year * 12 + (d.month - 1) + n;
	int y, m, dim;

	if (idx < 12)
		return date_make(1, 1, 1);
	if (idx > 9999L * 12 + 11)
		return date_make(9999, 12, 31);
	y = (int)(idx / 12);
	m = (int)(idx % 12) + 1;
	dim = sepa_days_in_month(y, m);
	return date_make(y, m, d.day > dim ? dim : d.day);
}

/* Anonymous Gregorian computus (Meeus/Jones/Butcher). */
sepa_date
sepa_easter(int year)
{
	int a = year % 19;
	int b = year / 100, c = year % 100;
	int dd = b / 4, e = b % 4;
	int f = (b + 8) / 25;
	int g = (b - f + 1) / 3;
	int h = (19 * a + b - dd - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;

	return date_make(year, month, day);
}

int
sepa_target2_is_business_day(sepa_date d)
{
	long days, easter;

	if (sepa_date_weekday(d) >= 6)
		return 0;
	if ((d.month == 1 && d.day == 1) || (d.month == 5 && d.day == 1) ||
	    (d.month == 12 && (d.day == 25 || d.day == 26)))
		return 0;
	/* Good Friday and Easter Monday lie in March or April. */
	if (d.month == 3 || d.month == 4) {
		days = sepa_date_to_days(d);
		easter = sepa_date_to_days(sepa_easter(d.year));
		if (days == easter - 2 || days == easter + 1)
			return 0;
	}
	return 1;
}

sepa_date
sepa_target2_roll(sepa_date d)
{
	while (!sepa_target2_is_business_day(d) &&
	    sepa_date_cmp(d, date_make(9999, 12, 31)) < 0)
		d = sepa_date_add_days(d, 1);
	return d;
}

/*
 * Step one calendar day at a time in the direction of n, counting the
 * business days met; n == 0 returns d unchanged, even on a closing day
 * (use sepa_target2_roll for that).
 */
sepa_date
sepa_target2_add(sepa_date d, int n)
{
	int step = n < 0 ? -1 : 1;
	long left = n < 0 ? -(long)n : n;
	sepa_date prev;

	while (left > 0) {
		prev = d;
		d = sepa_date_add_days(d, step);
		if (sepa_date_cmp(prev, d) == 0)
			break; /* clamped at a calendar bound */
		if (sepa_target2_is_business_day(d))
			left--;
	}
	return d;
}

int
sepa_school_year(sepa_date d)
{
	return d.month >= 9 ? d.year : d.year - 1;
}

sepa_date
sepa_school_year_start(int school_year)
{
	return date_make(school_year, 9, 1);
}

sepa_date
sepa_school_year_end(int school_year)
{
	return date_make(school_year + 1, 8, 31);
}

int
sepa_month_parse(sepa_month *out, const char *s, sepa_error *err)
{
	const char *p, *end;
	int y, m;

	if (s == NULL || !date_trim(&p, &end, s))
		return sepa_error_set(err, SEPA_EINVAL, "empty month");
	if (end - p != 7 || date_digits(p, end, 4, 4, &y, &p) < 0 ||
	    *p++ != '-' || date_digits(p, end, 2, 2, &m, &p) < 0)
		return sepa_error_set(err, SEPA_EINVAL, "expected YYYY-MM");
	if (y < 1)
		return sepa_error_set(
		    err, SEPA_EINVAL, "year %04d out of range 0001..9999", y);
	if (m < 1 || m > 12)
		return sepa_error_set(
		    err, SEPA_EINVAL, "month %d out of range", m);
	out->year = y;
	out->month = m;
	return 0;
}

char *
sepa_month_iso(char *buf, sepa_month m)
{
	snprintf(buf, SEPA_MONTH_BUFSZ, "%04d-%02d", m.year, m.month);
	return buf;
}

sepa_month
sepa_month_of(sepa_date d)
{
	sepa_month m;

	m.year = d.year;
	m.month = d.month;
	return m;
}

sepa_month
sepa_month_add(sepa_month m, int n)
{
	sepa_date d = sepa_date_add_months(date_make(m.year, m.month, 1), n);

	return sepa_month_of(d);
}

int
sepa_month_cmp(sepa_month a, sepa_month b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	return 0;
}

sepa_date
sepa_month_day(sepa_month m, int day)
{
	int dim = sepa_days_in_month(m.year, m.month);

	if (day < 1)
		day = 1;
	return date_make(m.year, m.month, day > dim ? dim : day);
}

sepa_month
sepa_month_billed_by(sepa_month collection_month)
{
	return sepa_month_add(collection_month, -1);
}
