/*
 * store_report.h - the figures of a month (store_report.c).
 */
#ifndef SEPAD_STORE_REPORT_H
#define SEPAD_STORE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;

/* Unpaid collections of one state and reason code in a month. */
struct report_reason {
	char state[16]; /* rejected, returned, refunded */
	char code[36]; /* "" when the bank gave none */
	int64_t count;
	int64_t cents;
};

/* The figures of one month (see store_report.c for what counts where). */
struct report {
	sepa_month month;
	int64_t presented, presented_cents; /* collections due, sent */
	int64_t settled, settled_cents;
	/* of which presumed: no answer from the bank (migration 032) */
	int64_t presumed, presumed_cents;
	int64_t cancelled; /* in files or blocks the bank refused whole */
	struct report_reason *reasons; /* owned; store_report_free() */
	size_t nreasons;
	int64_t suspended, terminated; /* mandates, by business date */
	int64_t recovery, recovery_cents; /* invoices exported */
};

int store_report_month(struct db *db, int64_t creditor_id, sepa_month month,
    struct report *out, sepa_error *err);
void store_report_free(struct report *r);

#endif /* SEPAD_STORE_REPORT_H */
