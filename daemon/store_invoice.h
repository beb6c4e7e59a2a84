/*
 * store_invoice.h - invoicing (store_invoice.c): a consumption month
 * billed, and its invoices read back for the notices.
 */
#ifndef SEPAD_STORE_INVOICE_H
#define SEPAD_STORE_INVOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"

struct db;
struct invoice_preview;

/* What `invoice run` needs beside the database. */
struct invoice_run_opts {
	sepa_month month; /* the CONSUMPTION month billed (M-1) */
	sepa_date today; /* business date: issue date and notice date */
	sepa_rules rules; /* due_day, prenotification_days */
	enum sepa_hour_rounding rounding; /* billing.hour_rounding */
	bool represent_unpaid; /* rejections.represent_on_next_invoice */
	/*
	 * Not NULL: a dry run (sepactl invoice run --dry-run). The month is
	 * computed exactly as a real run, its figures read into *preview in
	 * the same transaction (store_invoice_preview.h), then everything is
	 * rolled back: no invoice, no event, nothing stored.
	 */
	struct invoice_preview *preview;
};

struct invoice_run_result {
	bool already; /* the month was invoiced before: nothing changed */
	int64_t invoices; /* the month's invoices (issued now or before) */
	int64_t without_mandate; /* of which payable by other means */
	int64_t total_cents;
	int64_t lines; /* consumption and regularisation lines created */
	int64_t regularisations;
	int64_t reminders;
	int64_t consumption_lines; /* input lines billed */
	sepa_date due; /* the due date of the month's invoices */
};

/*
 * Bill month o->month (consumption month; collected in the next month),
 * in one transaction: one invoice per family with something to bill,
 * numbered F<YYYY-MM>-<NNNNNN> in family_ref order, due on
 * sepa_rule_due_date(next month, o->today), with the family's mandate
 * active on the due date (NULL: payable by other means). Records the
 * 'invoice' cycle step (month = the consumption month) and an
 * "invoice.run" event. A month invoiced before is left as it is
 * (r->already, with its figures). SEPA_EINVAL: the month is not over on
 * o->today, or a consumption line has no tariff (the message names the
 * service, bracket, date, family, file and line); nothing is changed.
 */
int store_invoice_run(struct db *db, int64_t creditor_id,
    const struct invoice_run_opts *o, struct invoice_run_result *r,
    sepa_error *err);

enum invoice_line_kind {
	INVOICE_LINE_CONSUMPTION = 0,
	INVOICE_LINE_REGULARISATION = 1,
	INVOICE_LINE_REMINDER = 2,
	INVOICE_LINE_CREDIT = 3 /* a credit of an earlier invoice (033) */
};

struct invoice_doc_line {
	enum invoice_line_kind kind;
	char child[128]; /* child's name ("" for a reminder) */
	char service[64]; /* service code */
	char
	    label[128]; /* its name for families (migration 040), or the code */
	char unit[8]; /* meal, slot, hour */
	sepa_month consumed_month;
	int64_t quantity_milli;
	int64_t unit_price_cents;
	int64_t amount_cents;
	/* reminder: the unpaid invoice; credit: the invoice it comes from */
	char reminded_number[40];
	sepa_month reminded_month;
};

/* One invoice as the notices need it (strings owned by the reader). */
struct invoice_doc {
	int64_t id;
	const char *number;
	sepa_month month;
	sepa_date issued_on;
	sepa_date due_on;
	int64_t total_cents;
	int64_t paid_cents; /* payments by other means */
	char state[16];
	const char *family_ref, *payer, *street, *building, *postcode, *town,
	    *country, *email;
	bool has_mandate;
	const char *rum; /* "" without mandate */
	const char *iban; /* account debited on the due date, or "" */
	/* What its first stored notice states (migration 034), when it has
	 * one: the debit's date, account ("": payable by other means) and
	 * mandate, as the family was told (notice_as_sent). */
	bool has_sent;
	sepa_date sent_due_on;
	const char *sent_iban, *sent_rum;
	size_t nlines;
	struct invoice_doc_line *lines;
	char *strings; /* storage of the strings above */
};

/*
 * Call fn for each invoice of `month` in number order, in one read-only
 * snapshot, streamed (memory holds one invoice). fn's non-zero return
 * stops the walk and is returned.
 */
int store_invoice_each(struct db *db, int64_t creditor_id, sepa_month month,
    bool unnoticed,
    int (*fn)(const struct invoice_doc *doc, void *arg, sepa_error *err),
    void *arg, sepa_error *err);
/* The same for the invoices of `month` that have a corrected notice
 * (notices.version 1 and up) only. */
int store_invoice_each_corrected(struct db *db, int64_t creditor_id,
    sepa_month month,
    int (*fn)(const struct invoice_doc *doc, void *arg, sepa_error *err),
    void *arg, sepa_error *err);

#endif /* SEPAD_STORE_INVOICE_H */
