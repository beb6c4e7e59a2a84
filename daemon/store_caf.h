/*
 * store_caf.h - what the yearly activity declaration to the CAF reads
 * (store_caf.c): each child's days at the services declared to the CAF,
 * and the hours the invoices billed for them.
 */
#ifndef SEPAD_STORE_CAF_H
#define SEPAD_STORE_CAF_H

#include <stdbool.h>
#include <stdint.h>

#include "sepa/caf.h"
#include "sepa/date.h"
#include "sepa/error.h"

struct db;

/* One child's day at one service (strings borrowed for the callback). */
struct caf_day {
	int64_t child_id;
	sepa_date day;
	const char *service; /* its code */
	const char *unit; /* "hour" or "day" */
	enum sepa_caf_activity activity; /* never SEPA_CAF_NONE */
	bool has_birth;
	sepa_date birth;
	const char *family_ref, *child_ref, *child_name;
	int64_t recorded_milli; /* the quantity of every line of the day */
	int64_t billed_milli; /* of the lines of batches already invoiced */
	int64_t unbilled_lines; /* lines of the day not invoiced yet */
};

/* What the invoices billed for the CAF services' consumption of the year
 * (consumption and regularisation lines, by consumed month). */
struct caf_invoiced {
	int64_t hour_milli; /* quantities of hour services: hours */
	int64_t day_milli; /* quantities of day services: days */
};

/*
 * Read the days of `year` (1 January to 31 December, by day of
 * attendance) of every service whose caf_activity is not none, in order
 * of child, day and service, calling fn for each (a non-zero return stops
 * the reading and is returned); then what the invoices billed for them,
 * into *inv. One read-only snapshot: the days and the invoices agree.
 */
int store_caf_year(struct db *db, int64_t creditor_id, int year,
    int (*fn)(const struct caf_day *d, void *arg, sepa_error *err), void *arg,
    struct caf_invoiced *inv, sepa_error *err);

#endif /* SEPAD_STORE_CAF_H */
