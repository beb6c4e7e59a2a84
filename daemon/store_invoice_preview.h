/*
 * store_invoice_preview.h - what `sepactl invoice run --dry-run` shows
 * (store_invoice_preview.c): a month's invoicing computed exactly as the
 * real run (store_invoice_run with opts.preview), read in its own
 * transaction, which is then rolled back.
 */
#ifndef SEPAD_STORE_INVOICE_PREVIEW_H
#define SEPAD_STORE_INVOICE_PREVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;

/* Per service: the month's lines, and the month before's for comparison. */
struct invoice_preview_service {
	char code[64];
	char unit[8];
	int64_t quantity_milli; /* consumption and regularisation lines */
	int64_t amount_cents;
	int64_t prev_amount_cents; /* the previous month's invoices */
};

/* Per tariff bracket (the family's): its invoices and their sum. */
struct invoice_preview_bracket {
	char bracket[64];
	int64_t invoices;
	int64_t amount_cents;
};

/* One of the largest invoices. */
struct invoice_preview_invoice {
	char number[32];
	char family_ref[64];
	char payer[128];
	int64_t total_cents;
};

#define INVOICE_PREVIEW_LARGEST 10

/* Free with store_invoice_preview_free. */
struct invoice_preview {
	int64_t untariffed; /* consumption lines without a tariff */
	int64_t families; /* families billed for consumption */
	int64_t reminders; /* reminder lines, and their sum */
	int64_t reminder_cents;
	int64_t credits; /* invoices whose total is negative, and their sum */
	int64_t credit_cents;
	bool has_previous; /* the month before was invoiced */
	size_t nservices;
	struct invoice_preview_service *services;
	size_t nbrackets;
	struct invoice_preview_bracket *brackets;
	size_t nlargest;
	struct invoice_preview_invoice largest[INVOICE_PREVIEW_LARGEST];
};

/*
 * Read the figures of `month`'s invoices (consumption month) as they
 * stand in the caller's transaction: the run's own, not committed yet.
 */
int store_invoice_preview_read(struct db *db, int64_t creditor_id,
    sepa_month month, struct invoice_preview *p, sepa_error *err);
void store_invoice_preview_free(struct invoice_preview *p);

#endif /* SEPAD_STORE_INVOICE_PREVIEW_H */
