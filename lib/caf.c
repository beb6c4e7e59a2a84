/*
 * caf.c - the rules of the yearly activity declaration to the CAF (see
 * caf.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/caf.h"
#include "sepa/csv.h"

static const struct {
	const char *code;
	const char *label;
} caf_activities[SEPA_CAF_NACTIVITIES] = {
    [SEPA_CAF_NONE] = {"none", "Non déclarée à la Caf"},
    [SEPA_CAF_PERISCOLAIRE] = {"periscolaire",
        "Accueil de loisirs périscolaire"},
    [SEPA_CAF_EXTRASCOLAIRE] = {"extrascolaire",
        "Accueil de loisirs extrascolaire"},
    [SEPA_CAF_ADOLESCENT] = {"adolescent", "Accueil adolescent"},
    [SEPA_CAF_SEJOUR] = {"sejour", "Séjours"},
};

/* The words a tariffs file may write, once folded by caf_fold. */
static const struct {
	const char *word;
	enum sepa_caf_activity a;
} caf_words[] = {
    {"none", SEPA_CAF_NONE},
    {"aucune", SEPA_CAF_NONE},
    {"aucun", SEPA_CAF_NONE},
    {"periscolaire", SEPA_CAF_PERISCOLAIRE},
    {"accueil_periscolaire", SEPA_CAF_PERISCOLAIRE},
    {"extrascolaire", SEPA_CAF_EXTRASCOLAIRE},
    {"accueil_extrascolaire", SEPA_CAF_EXTRASCOLAIRE},
    {"adolescent", SEPA_CAF_ADOLESCENT},
    {"accueil_adolescent", SEPA_CAF_ADOLESCENT},
    {"accueil_adolescents", SEPA_CAF_ADOLESCENT},
    {"sejour", SEPA_CAF_SEJOUR},
    {"sejours", SEPA_CAF_SEJOUR},
};

/*
 * Lower-case ASCII, é É è È ê Ê as e, space and '-' as '_', into out;
 * 0 when it fits, -1 when s is too long to be an activity.
 */
static int
caf_fold(char *out, size_t size, const char *s)
{
	size_t j = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0';
	     p++) {
		char c = (char)*p;

		if (p[0] == 0xC3 &&
		    (p[1] == 0xA9 || p[1] == 0x89 || p[1] == 0xA8 ||
		        p[1] == 0x88 || p[1] == 0xAA || p[1] == 0x8A)) {
			c = 'e';
			p++;
		} else if (c >= 'A' && c <= 'Z') {
			c = (char)(c - 'A' + 'a');
		} else if (c == ' ' || c == '-') {
			c = '_';
		}
		if (j + 1 >= size)
			return -1;
		out[j++] = c;
	}
	out[j] = '\0';
	return 0;
}

int
sepa_caf_activity_parse(
    enum sepa_caf_activity *out, const char *s, sepa_error *err)
{
	char w[40];

	if (s != NULL && caf_fold(w, sizeof(w), s) == 0)
		for (size_t i = 0; i < sizeof(caf_words) / sizeof(caf_words[0]);
		     i++)
			if (strcmp(w, caf_words[i].word) == 0) {
				*out = caf_words[i].a;
				return 0;
			}
	return sepa_error_set(err, SEPA_EINVAL,
	    "not a CAF activity: périscolaire, extrascolaire, accueil "
	    "adolescent, séjour or none");
}

const char *
sepa_caf_activity_code(enum sepa_caf_activity a)
{
	return (unsigned)a < SEPA_CAF_NACTIVITIES ? caf_activities[a].code
	                                          : NULL;
}

int
sepa_caf_activity_from_code(enum sepa_caf_activity *out, const char *code)
{
	for (int i = 0; i < SEPA_CAF_NACTIVITIES; i++)
		if (strcmp(code, caf_activities[i].code) == 0) {
			*out = (enum sepa_caf_activity)i;
			return 0;
		}
	return SEPA_EINVAL;
}

const char *
sepa_caf_activity_label(enum sepa_caf_activity a)
{
	return (unsigned)a < SEPA_CAF_NACTIVITIES ? caf_activities[a].label
	                                          : NULL;
}

int
sepa_age_on(sepa_date birth, sepa_date on)
{
	int age;

	if (sepa_date_cmp(on, birth) < 0)
		return -1;
	age = on.year - birth.year;
	/* 29 February: in other years (2, 28) < (2, 29), so 1 March. */
	if (on.month < birth.month ||
	    (on.month == birth.month && on.day < birth.day))
		age--;
	return age;
}

int
sepa_caf_bands_check(const sepa_caf_bands *b, sepa_error *err)
{
	if (b->nlimits < 1 || b->nlimits > SEPA_CAF_MAX_BANDS - 1)
		return sepa_error_set(err, SEPA_ERANGE,
		    "%zu age limits: 1 to %d are allowed", b->nlimits,
		    SEPA_CAF_MAX_BANDS - 1);
	for (size_t i = 0; i < b->nlimits; i++) {
		if (b->limits[i] < 1 || b->limits[i] > 25)
			return sepa_error_set(err, SEPA_ERANGE,
			    "age limit %d is out of range 1..25", b->limits[i]);
		if (i > 0 && b->limits[i] <= b->limits[i - 1])
			return sepa_error_set(err, SEPA_ERANGE,
			    "age limit %d is not above %d", b->limits[i],
			    b->limits[i - 1]);
	}
	return 0;
}

size_t
sepa_caf_band(const sepa_caf_bands *b, int age)
{
	size_t band = 0;

	if (age < 0)
		return b->nlimits + 1;
	while (band < b->nlimits && age >= b->limits[band])
		band++;
	return band;
}

size_t
sepa_caf_band_count(const sepa_caf_bands *b)
{
	return b->nlimits + 2;
}

static const char *
caf_years(int n)
{
	return n > 1 ? "ans" : "an";
}

char *
sepa_caf_band_label(
    char *buf, size_t size, const sepa_caf_bands *b, size_t band)
{
	int lo, hi;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (band > b->nlimits + 1 || b->nlimits == 0)
		return buf;
	if (band == b->nlimits + 1) {
		snprintf(buf, size, "âge inconnu");
	} else if (band == 0) {
		snprintf(buf, size, "moins de %d %s", b->limits[0],
		    caf_years(b->limits[0]));
	} else if (band == b->nlimits) {
		lo = b->limits[band - 1];
		snprintf(buf, size, "%d %s et plus", lo, caf_years(lo));
	} else {
		lo = b->limits[band - 1];
		hi = b->limits[band] - 1;
		if (lo == hi)
			snprintf(buf, size, "%d %s", lo, caf_years(lo));
		else
			snprintf(
			    buf, size, "de %d à %d %s", lo, hi, caf_years(hi));
	}
	return buf;
}

int
sepa_caf_hours(int64_t *out, const char *unit, int64_t quantity_milli,
    int hours_per_day, enum sepa_hour_rounding rounding, sepa_error *err)
{
	if (hours_per_day < 1 || hours_per_day > SEPA_CAF_MAX_HOURS_PER_DAY)
		return sepa_error_set(err, SEPA_ERANGE,
		    "%d hours per day is out of range 1..%d", hours_per_day,
		    SEPA_CAF_MAX_HOURS_PER_DAY);
	if (strcmp(unit, "hour") == 0) {
		*out = sepa_rule_round_hours(rounding, quantity_milli);
		return 0;
	}
	if (strcmp(unit, "day") == 0) {
		if (quantity_milli > INT64_MAX / SEPA_CAF_MAX_HOURS_PER_DAY ||
		    quantity_milli < -(INT64_MAX / SEPA_CAF_MAX_HOURS_PER_DAY))
			return sepa_error_set(err, SEPA_ERANGE,
			    "%lld thousandths of a day is too many",
			    (long long)quantity_milli);
		*out = quantity_milli * hours_per_day;
		return 0;
	}
	return sepa_error_set(err, SEPA_EINVAL,
	    "a service billed per %s has no hours the CAF counts", unit);
}

const char *
sepa_caf_period_label(enum sepa_caf_period p)
{
	switch (p) {
	case SEPA_CAF_SCHOOL_WEEK:
		return "semaines scolaires";
	case SEPA_CAF_WEDNESDAY:
		return "mercredis";
	case SEPA_CAF_HOLIDAYS:
		return "vacances scolaires";
	}
	return NULL;
}

/* ------------------------------------------------------ the calendar */

static int
caf_holiday_cmp(const sepa_holiday *a, const sepa_holiday *b)
{
	if (a->zone != b->zone)
		return a->zone < b->zone ? -1 : 1;
	return (a->first_day > b->first_day) - (a->first_day < b->first_day);
}

int
sepa_holidays_add(sepa_holidays *h, char zone, const char *name,
    sepa_date first, sepa_date last, sepa_error *err)
{
	sepa_holiday x;
	size_t at;

	if (zone != 'A' && zone != 'B' && zone != 'C')
		return sepa_error_set(
		    err, SEPA_EINVAL, "zone must be A, B or C");
	if (name == NULL || name[0] == '\0' || strlen(name) >= sizeof(x.name))
		return sepa_error_set(err, SEPA_EINVAL,
		    "the name must have 1 to %zu bytes", sizeof(x.name) - 1);
	if (sepa_date_cmp(last, first) < 0)
		return sepa_error_set(
		    err, SEPA_EINVAL, "the last day comes before the first");
	memset(&x, 0, sizeof(x));
	x.zone = zone;
	snprintf(x.name, sizeof(x.name), "%s", name);
	x.first = first;
	x.last = last;
	x.first_day = sepa_date_to_days(first);
	x.last_day = sepa_date_to_days(last);
	for (size_t i = 0; i < h->count; i++) {
		const sepa_holiday *o = &h->items[i];

		if (o->zone == zone && o->first_day <= x.last_day &&
		    x.first_day <= o->last_day) {
			char a[SEPA_DATE_BUFSZ], b[SEPA_DATE_BUFSZ];

			return sepa_error_set(err, SEPA_EINVAL,
			    "overlaps \"%s\" of zone %c (%s to %s)", o->name,
			    zone, sepa_date_iso(a, o->first),
			    sepa_date_iso(b, o->last));
		}
	}
	if (h->count == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 32;
		sepa_holiday *p = realloc(h->items, cap * sizeof(*p));

		if (p == NULL)
			return sepa_error_set(err, SEPA_ENOMEM,
			    "no memory for the holiday calendar");
		h->items = p;
		h->cap = cap;
	}
	/* Kept in order of zone and date. */
	at = h->count;
	while (at > 0 && caf_holiday_cmp(&h->items[at - 1], &x) > 0)
		at--;
	memmove(&h->items[at + 1], &h->items[at], (h->count - at) * sizeof(x));
	h->items[at] = x;
	h->count++;
	return 0;
}

void
sepa_holidays_free(sepa_holidays *h)
{
	free(h->items);
	h->items = NULL;
	h->count = h->cap = 0;
}

/* The gap between consecutive holidays of each zone. */
static int
caf_holidays_gaps(const sepa_holidays *h, const char *name, sepa_error *err)
{
	for (size_t i = 1; i < h->count; i++) {
		const sepa_holiday *a = &h->items[i - 1], *b = &h->items[i];
		char d1[SEPA_DATE_BUFSZ], d2[SEPA_DATE_BUFSZ];

		if (a->zone != b->zone ||
		    b->first_day - a->last_day - 1 <= SEPA_HOLIDAYS_MAX_GAP)
			continue;
		return sepa_error_setw(err, SEPA_EINVAL, name, 0,
		    "zone %c has no holidays from %s to %s (%ld days): a "
		    "school year is missing",
		    a->zone, sepa_date_iso(d1, a->last),
		    sepa_date_iso(d2, b->first),
		    b->first_day - a->last_day - 1);
	}
	return 0;
}

int
sepa_holidays_read(sepa_holidays *h, int fd, const char *name, sepa_error *err)
{
	static const char *const names[] = {
	    "zone", "name", "first_day", "last_day"};
	sepa_csv_opts opts = SEPA_CSV_OPTS_INIT;
	sepa_csv_column cols[4];
	sepa_csv *r = NULL;
	sepa_csv_row row;
	int rc;

	opts.name = name;
	if ((rc = sepa_csv_open_fd(&r, fd, &opts, err)) != 0)
		return rc;
	for (size_t k = 0; k < 4; k++) {
		cols[k].name = names[k];
		cols[k].required = 1;
		cols[k].index = -1;
	}
	if ((rc = sepa_csv_map(r, cols, 4, err)) != 0)
		goto cleanup;
	while ((rc = sepa_csv_next(r, &row, err)) == 1) {
		const char *f[4];
		sepa_date first, last;

		for (size_t k = 0; k < 4; k++)
			f[k] = row.fields[cols[k].index];
		if (strlen(f[0]) != 1) {
			rc = sepa_error_setw(err, SEPA_EINVAL, name, row.line,
			    "zone \"%s\": must be A, B or C", f[0]);
			goto cleanup;
		}
		if ((rc = sepa_date_parse(&first, f[2], err)) != 0 ||
		    (rc = sepa_date_parse(&last, f[3], err)) != 0 ||
		    (rc = sepa_holidays_add(
		         h, f[0][0], f[1], first, last, err)) != 0) {
			char msg[SEPA_ERROR_MSG_MAX];

			snprintf(msg, sizeof(msg), "%s", err->msg);
			rc = sepa_error_setw(err, rc, name, row.line,
			    "%s (%s): %s", f[1], f[0], msg);
			goto cleanup;
		}
	}
	if (rc == 0)
		rc = caf_holidays_gaps(h, name, err);
cleanup:
	sepa_csv_free(r);
	if (rc != 0)
		sepa_holidays_free(h);
	return rc;
}

int
sepa_holidays_span(
    const sepa_holidays *h, char zone, sepa_date *from, sepa_date *to)
{
	const sepa_holiday *a = NULL, *b = NULL;

	for (size_t i = 0; i < h->count; i++)
		if (h->items[i].zone == zone) {
			if (a == NULL)
				a = &h->items[i];
			b = &h->items[i];
		}
	if (a == NULL)
		return SEPA_ENOTFOUND;
	*from = a->first;
	*to = b->last;
	return 0;
}

int
sepa_caf_period_of(
    const sepa_holidays *h, char zone, sepa_date d, const sepa_holiday **in)
{
	long x = sepa_date_to_days(d);
	int seen = 0, after = 0;

	if (in != NULL)
		*in = NULL;
	for (size_t i = 0; i < h->count; i++) {
		const sepa_holiday *o = &h->items[i];

		if (o->zone != zone)
			continue;
		if (!seen && x < o->first_day)
			return SEPA_ERANGE;
		seen = 1;
		if (x >= o->first_day && x <= o->last_day) {
			if (in != NULL)
				*in = o;
			return SEPA_CAF_HOLIDAYS;
		}
		after = x > o->last_day;
	}
	if (!seen || after)
		return SEPA_ERANGE;
	return sepa_date_weekday(d) == 3 ? SEPA_CAF_WEDNESDAY
	                                 : SEPA_CAF_SCHOOL_WEEK;
}

/* ------------------------------------------------------------ tally */

int
sepa_caf_tally_init(
    sepa_caf_tally *t, const sepa_caf_params *p, sepa_error *err)
{
	sepa_date from, to;
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = sepa_caf_bands_check(&p->bands, err)) != 0)
		return rc;
	if (p->hours_per_day < 1 ||
	    p->hours_per_day > SEPA_CAF_MAX_HOURS_PER_DAY)
		return sepa_error_set(err, SEPA_ERANGE,
		    "%d hours per day is out of range 1..%d", p->hours_per_day,
		    SEPA_CAF_MAX_HOURS_PER_DAY);
	if (p->calendar == NULL ||
	    sepa_holidays_span(p->calendar, p->zone, &from, &to) != 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "the school holiday calendar has no holidays for zone %c",
		    p->zone);
	t->p = *p;
	for (size_t a = 0; a < SEPA_CAF_NACTIVITIES + 1; a++)
		for (size_t m = 0; m < 13; m++)
			for (size_t q = 0; q < SEPA_CAF_NPERIODS + 1; q++)
				for (size_t b = 0; b < SEPA_CAF_MAX_BANDS + 2;
				     b++)
					t->cells[a][m][q][b].last_child = -1;
	return 0;
}

/* The index of a dimension's value, or of "all" (its last). */
static int
caf_index(int v, int n)
{
	if (v == SEPA_CAF_ALL)
		return n;
	return v >= 0 && v < n ? v : -1;
}

const sepa_caf_cell *
sepa_caf_tally_cell(
    const sepa_caf_tally *t, int activity, int month, int period, int band)
{
	int a = caf_index(activity, SEPA_CAF_NACTIVITIES);
	int m = caf_index(month == SEPA_CAF_ALL ? month : month - 1, 12);
	int q = caf_index(period, SEPA_CAF_NPERIODS);
	int b = caf_index(band, (int)sepa_caf_band_count(&t->p.bands));

	if (a < 0 || m < 0 || q < 0 || b < 0)
		return NULL;
	if (band == SEPA_CAF_ALL)
		b = SEPA_CAF_MAX_BANDS + 1;
	return &t->cells[a][m][q][b];
}

int
sepa_caf_tally_day(sepa_caf_tally *t, int64_t child_id,
    enum sepa_caf_activity a, const char *unit, sepa_date day,
    const sepa_date *birth, int64_t recorded_milli, int64_t billed_milli,
    sepa_error *err)
{
	int idx[4][2];
	int64_t rec, bil;
	int period, rc;
	char d[SEPA_DATE_BUFSZ];

	if (a == SEPA_CAF_NONE || (unsigned)a >= SEPA_CAF_NACTIVITIES)
		return sepa_error_set(err, SEPA_EINVAL,
		    "a service not declared to the CAF has no hours to count");
	if ((rc = sepa_caf_hours(&rec, unit, recorded_milli, t->p.hours_per_day,
	         SEPA_HOURS_NONE, err)) != 0 ||
	    (rc = sepa_caf_hours(&bil, unit, billed_milli, t->p.hours_per_day,
	         t->p.rounding, err)) != 0)
		return rc;
	period = sepa_caf_period_of(t->p.calendar, t->p.zone, day, NULL);
	if (period < 0)
		return sepa_error_set(err, SEPA_ERANGE,
		    "the school holiday calendar has no dates of zone %c for "
		    "%s",
		    t->p.zone, sepa_date_iso(d, day));
	idx[0][0] = (int)a;
	idx[0][1] = SEPA_CAF_NACTIVITIES;
	idx[1][0] = day.month - 1;
	idx[1][1] = 12;
	idx[2][0] = period;
	idx[2][1] = SEPA_CAF_NPERIODS;
	idx[3][0] = (int)sepa_caf_band(
	    &t->p.bands, birth != NULL ? sepa_age_on(*birth, day) : -1);
	idx[3][1] = SEPA_CAF_MAX_BANDS + 1;
	/* The cell itself and every sum it belongs to: 2^4 cells. */
	for (int k = 0; k < 16; k++) {
		sepa_caf_cell *c =
		    &t->cells[idx[0][k & 1]][idx[1][(k >> 1) & 1]]
		             [idx[2][(k >> 2) & 1]][idx[3][(k >> 3) & 1]];

		c->recorded_milli += rec;
		c->billed_milli += bil;
		if ((rec != 0 || bil != 0) && c->last_child != child_id) {
			c->children++;
			c->last_child = child_id;
		}
	}
	return 0;
}
