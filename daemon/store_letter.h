/*
 * store_letter.h - the rejects a bank file recorded, read back for the
 * families' reject letters (store_letter.c).
 */
#ifndef SEPAD_STORE_LETTER_H
#define SEPAD_STORE_LETTER_H

#include <stdbool.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;

/*
 * One reject, return or refund of a collection, as recorded: the
 * collection's own copy of the payer and account (as they were when it
 * was sent), the invoice, and what the same bank file did to the
 * mandate. Strings owned by the reader, valid during the callback.
 */
struct reject_doc {
	int64_t effect_id;
	const char *end_to_end_id, *invoice_number, *rum, *iban;
	const char *payer, *street, *building, *postcode, *town, *country;
	const char *new_state; /* rejected, returned, refunded */
	const char *reason_code; /* ISO or the bank's own, "" if none */
	bool reason_proprietary;
	bool counted; /* toward the rejects of the school year */
	int school_year; /* of the collection's due date */
	sepa_month month; /* the invoice's (consumption) month */
	sepa_date due_on, applied_on;
	int64_t amount_cents; /* the collection */
	int64_t reminded_cents; /* of which reminders of earlier invoices */
	bool terminated; /* the file ended the mandate (two rejects) */
	int rejects; /* the counted rejects that ended it */
	bool suspended; /* the file suspended it (dead account) */
};

/*
 * Call fn for each reject, return or refund recorded from bank file
 * `file_id` (whatever the record that applied it: the import or, later,
 * a quarantine apply), in end-to-end id order, in one read-only
 * snapshot. fn's non-zero return stops the walk and is returned.
 */
int store_letter_each(struct db *db, int64_t creditor_id, int64_t file_id,
    int (*fn)(const struct reject_doc *r, void *arg, sepa_error *err),
    void *arg, sepa_error *err);

#endif /* SEPAD_STORE_LETTER_H */
