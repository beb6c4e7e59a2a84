/*
 * store_notice.h - the notices as they were written, and what changed
 * since (store_notice.c, migration 034).
 */
#ifndef SEPAD_STORE_NOTICE_H
#define SEPAD_STORE_NOTICE_H

#include <stdint.h>
#include <stdio.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;

/* One notice (version 0) or corrected notice (1 and up), as stored. */
struct notice_row {
	int64_t invoice_id;
	int version;
	const char *number; /* the invoice's (read only) */
	const char *file_name;
	const char *content;
	const char *sha256;
	int64_t amount_cents; /* what it states */
	sepa_date due_on;
	const char *iban; /* "" when payable by other means */
	const char *rum;
	const char *reason; /* "" for version 0 */
	/* read only (store_notice_each), for the line of the mail merge:
	 * the invoice's total, the notice it corrects, and the family's
	 * name, address and e-mail as they are now; the day it was written,
	 * and the day the notice it corrects was */
	int64_t total_cents;
	const char *first_file;
	sepa_date written_on, first_written;
	const char *family_ref, *payer, *street, *building, *postcode, *town,
	    *email;
};

/*
 * Add a notice to `stage`, a temporary file of rows for
 * store_notice_add (COPY's text format).
 */
int store_notice_stage(
    FILE *stage, const struct notice_row *r, sepa_error *err);

/*
 * Store the notices staged, in one transaction with a notices.written
 * event: a notice already stored (same invoice and version) is kept as
 * it was. *added: those stored now.
 */
int store_notice_add(struct db *db, int64_t creditor_id, sepa_date today,
    FILE *stage, int64_t *added, sepa_error *err);

/* Every notice stored for the invoices of billed month `month`, by
 * invoice number then version. */
int store_notice_each(struct db *db, int64_t creditor_id, sepa_month month,
    int (*fn)(const struct notice_row *r, void *arg, sepa_error *err),
    void *arg, sepa_error *err);

/* The same for the invoices that have a corrected notice only: each
 * one's notice and corrected notices (a month without any reads no
 * text). */
int store_notice_each_corrected(struct db *db, int64_t creditor_id,
    sepa_month month,
    int (*fn)(const struct notice_row *r, void *arg, sepa_error *err),
    void *arg, sepa_error *err);

/* A fact a notice states that is no longer true before the debit. */
struct notice_change {
	int64_t invoice_id;
	int version; /* of the corrected notice to write */
	const char *number;
	sepa_month month; /* billed */
	sepa_date issued_on;
	const char *first_file; /* the notice it corrects */
	sepa_date first_written;
	const char *family_ref, *payer, *street, *building, *postcode, *town,
	    *country, *email;
	int64_t old_amount, new_amount;
	sepa_date old_due, new_due;
	const char *old_iban, *new_iban; /* "" when none */
	const char *rum;
};

/*
 * The invoices of collection month `month` whose latest notice states an
 * amount, a date or an account that their debit (recorded or sent, not
 * answered yet) or its deferral to a later file no longer has.
 */
int store_notice_changes(struct db *db, int64_t creditor_id, sepa_month month,
    int (*fn)(const struct notice_change *c, void *arg, sepa_error *err),
    void *arg, sepa_error *err);

#endif /* SEPAD_STORE_NOTICE_H */
