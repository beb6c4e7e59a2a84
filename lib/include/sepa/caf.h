/*
 * caf.h - the rules of the yearly activity declaration to the CAF (caisse
 * d'allocations familiales), which funds the leisure centres per hour
 * (docs/product.md, The CAF declaration): a service's CAF activity, a
 * child's age and age band on a day, the hours a quantity counts for
 * ("1 journée = 10 heures"), and the period of a day in the school
 * calendar of a holiday zone (school weeks, Wednesdays, holidays).
 */
#ifndef SEPA_CAF_H
#define SEPA_CAF_H

#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"

/** What a service is declared as; NONE is not declared (the canteen). */
enum sepa_caf_activity {
	SEPA_CAF_NONE = 0,
	SEPA_CAF_PERISCOLAIRE = 1, /**< accueil de loisirs périscolaire */
	SEPA_CAF_EXTRASCOLAIRE = 2, /**< accueil de loisirs extrascolaire */
	SEPA_CAF_ADOLESCENT = 3, /**< accueil adolescent */
	SEPA_CAF_SEJOUR = 4 /**< séjours (1 journée = 10 heures) */
};
#define SEPA_CAF_NACTIVITIES 5

/**
 * Parse an activity as a tariffs file writes it: "périscolaire",
 * "extrascolaire", "accueil adolescent", "séjour" or "none" ("aucune"),
 * in any case, with or without accents, '_' or '-' for spaces. "" is not
 * an activity (SEPA_EINVAL, like any other unknown word).
 */
int sepa_caf_activity_parse(
    enum sepa_caf_activity *out, const char *s, sepa_error *err);

/** The stored code: "none", "periscolaire", "extrascolaire", "adolescent",
 * "sejour" (static; NULL out of range). */
const char *sepa_caf_activity_code(enum sepa_caf_activity a);

/** The activity from its stored code; SEPA_EINVAL for another text. */
int sepa_caf_activity_from_code(enum sepa_caf_activity *out, const char *code);

/** The French label ("Accueil de loisirs extrascolaire"; static). */
const char *sepa_caf_activity_label(enum sepa_caf_activity a);

/**
 * A person's age in whole years on day `on`: the birthdays passed. A child
 * born on 29 February has its birthday on 1 March in other years. -1 when
 * `on` is before `birth`.
 */
int sepa_age_on(sepa_date birth, sepa_date on);

/** Most age bands (SEPA_CAF_MAX_BANDS - 1 limits). */
#define SEPA_CAF_MAX_BANDS 8
/** Limits of age bands, ascending (caf.age_bands): {6} is under 6 and
 * 6 and over; {6, 12} adds 6 to 11. */
typedef struct sepa_caf_bands {
	int limits[SEPA_CAF_MAX_BANDS - 1];
	size_t nlimits;
} sepa_caf_bands;

#define SEPA_CAF_BANDS_INIT \
	{ \
		{6}, 1 \
	}

/** 1 to 7 limits, each 1 to 25 and above the one before. */
int sepa_caf_bands_check(const sepa_caf_bands *b, sepa_error *err);

/**
 * The band of an age: 0 .. nlimits (the limits at or below it), or
 * nlimits + 1, the band "âge inconnu", for an age below 0 (no birth date,
 * or a day before the birth).
 */
size_t sepa_caf_band(const sepa_caf_bands *b, int age);

/** Number of bands, "âge inconnu" included: nlimits + 2. */
size_t sepa_caf_band_count(const sepa_caf_bands *b);

/** The band's French label into buf: "moins de 6 ans", "de 6 à 11 ans",
 * "12 ans et plus", "âge inconnu". Returns buf ("" out of range). */
char *sepa_caf_band_label(
    char *buf, size_t size, const sepa_caf_bands *b, size_t band);

/** Largest caf.hours_per_day. */
#define SEPA_CAF_MAX_HOURS_PER_DAY 24

/**
 * The hours (thousandths) a quantity of a service's unit counts for: for
 * "hour" the hours, rounded per `rounding` (the billing's rounding, for
 * the hours invoiced; SEPA_HOURS_NONE for the hours as recorded); for
 * "day" the days times hours_per_day (1 journée = 10 heures), never
 * rounded. Another unit ("meal", "slot") has no hours: SEPA_EINVAL.
 * SEPA_ERANGE when hours_per_day is not 1..24 or the product overflows.
 */
int sepa_caf_hours(int64_t *out, const char *unit, int64_t quantity_milli,
    int hours_per_day, enum sepa_hour_rounding rounding, sepa_error *err);

/** The CAF periods of a year. */
enum sepa_caf_period {
	SEPA_CAF_SCHOOL_WEEK = 0, /**< school days but Wednesday */
	SEPA_CAF_WEDNESDAY = 1, /**< Wednesdays outside the holidays */
	SEPA_CAF_HOLIDAYS = 2 /**< every day of the school holidays */
};
#define SEPA_CAF_NPERIODS 3

/** "semaines scolaires", "mercredis", "vacances scolaires" (static). */
const char *sepa_caf_period_label(enum sepa_caf_period p);

/** One school holiday of one zone: every day from first to last. */
typedef struct sepa_holiday {
	char zone; /**< 'A', 'B' or 'C' */
	char name[64]; /**< "Vacances d'hiver" */
	sepa_date first, last;
	long first_day, last_day; /**< sepa_date_to_days of both */
} sepa_holiday;

/** A school holiday calendar, in order of zone and first day. */
typedef struct sepa_holidays {
	sepa_holiday *items;
	size_t count, cap;
} sepa_holidays;

#define SEPA_HOLIDAYS_INIT \
	{ \
		NULL, 0, 0 \
	}

/**
 * Add a holiday. Refused: a zone other than A, B or C, an empty name (or
 * one over 63 bytes), last before first, a holiday overlapping another of
 * the zone.
 */
int sepa_holidays_add(sepa_holidays *h, char zone, const char *name,
    sepa_date first, sepa_date last, sepa_error *err);

/**
 * Read a calendar (conf/vacances-scolaires.csv): a CSV file with the
 * columns zone, name, first_day, last_day (the first and last day off,
 * both included); `name` goes into the errors with the line. Every zone
 * must have holidays less than SEPA_HOLIDAYS_MAX_GAP days apart (a school
 * year missing in the middle is refused). On failure *h is left empty.
 */
int sepa_holidays_read(
    sepa_holidays *h, int fd, const char *name, sepa_error *err);

/** Most days between two holidays of a zone (the longest school period
 * is about ten weeks). */
#define SEPA_HOLIDAYS_MAX_GAP 84

void sepa_holidays_free(sepa_holidays *h);

/**
 * The days the calendar knows for a zone: from the first day of its first
 * holiday to the last day of its last. SEPA_ENOTFOUND when the zone has
 * none.
 */
int sepa_holidays_span(
    const sepa_holidays *h, char zone, sepa_date *from, sepa_date *to);

/**
 * The CAF period of day d in the zone: a day of a holiday is
 * SEPA_CAF_HOLIDAYS (*in, when not NULL, points at it), any other
 * Wednesday SEPA_CAF_WEDNESDAY, any other day SEPA_CAF_SCHOOL_WEEK.
 * SEPA_ERANGE when d is outside the zone's span (the calendar cannot
 * tell).
 */
int sepa_caf_period_of(
    const sepa_holidays *h, char zone, sepa_date d, const sepa_holiday **in);

/* ------------------------------------------------------------ tally */

/** What the declaration is made from (sepad.conf: caf.*). */
typedef struct sepa_caf_params {
	const sepa_holidays *calendar; /**< the school holidays */
	char zone; /**< the commune's zone: 'A', 'B' or 'C' */
	int hours_per_day; /**< caf.hours_per_day (10) */
	enum sepa_hour_rounding rounding; /**< billing.hour_rounding */
	sepa_caf_bands bands; /**< caf.age_bands */
} sepa_caf_params;

/** One cell of the declaration: hours in thousandths and children. */
typedef struct sepa_caf_cell {
	int64_t recorded_milli; /**< heures réalisées, as recorded */
	int64_t billed_milli; /**< heures facturées, after rounding */
	int64_t children; /**< distinct children with hours in the cell */
	int64_t last_child; /* the child last counted (internal) */
} sepa_caf_cell;

/** "All" along a dimension of sepa_caf_tally_cell. */
#define SEPA_CAF_ALL (-1)

/**
 * A year's figures per activity, month, period and age band, each also
 * summed over every value of the other dimensions ("all"). Large: the
 * caller allocates it (calloc) and calls sepa_caf_tally_init.
 */
typedef struct sepa_caf_tally {
	sepa_caf_params p;
	sepa_caf_cell cells[SEPA_CAF_NACTIVITIES + 1][13][SEPA_CAF_NPERIODS + 1]
	                   [SEPA_CAF_MAX_BANDS + 2];
} sepa_caf_tally;

/** Start an empty tally; the parameters are checked (bands, hours per
 * day, a zone the calendar has). */
int sepa_caf_tally_init(
    sepa_caf_tally *t, const sepa_caf_params *p, sepa_error *err);

/**
 * Count one child's day at one service: `recorded_milli` the quantity of
 * the day as recorded (every line), `billed_milli` the quantity of the
 * lines already invoiced, in the service's unit (hour or day). The hours
 * réalisées are the recorded quantity in hours (days times hours per
 * day); the hours facturées are the invoiced quantity rounded as the
 * invoice run rounds it (sepa_caf_hours). The day goes into the period
 * of the calendar and the band of the child's age on that day (birth NULL:
 * "âge inconnu"). A child is counted once per cell: the days of one child
 * must come one after another (sorted by child). SEPA_ERANGE when the
 * calendar does not cover the day, SEPA_EINVAL for a unit without hours
 * or the activity NONE; nothing is counted then.
 */
int sepa_caf_tally_day(sepa_caf_tally *t, int64_t child_id,
    enum sepa_caf_activity a, const char *unit, sepa_date day,
    const sepa_date *birth, int64_t recorded_milli, int64_t billed_milli,
    sepa_error *err);

/**
 * A cell: activity (or SEPA_CAF_ALL), month 1..12 (or SEPA_CAF_ALL),
 * period (or SEPA_CAF_ALL), band 0 .. nlimits + 1 (or SEPA_CAF_ALL).
 * NULL when an index is out of range.
 */
const sepa_caf_cell *sepa_caf_tally_cell(
    const sepa_caf_tally *t, int activity, int month, int period, int band);

#endif /* SEPA_CAF_H */
