/*
 * correction_pdf.h - the corrected notices (avis rectificatifs) in PDF
 * (correction_pdf.c): one file per corrected notice, the month's in one
 * file for printing, and each one with its invoice, for the e-mail.
 */
#ifndef SEPAD_CORRECTION_PDF_H
#define SEPAD_CORRECTION_PDF_H

#include <cairo.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;
struct doc;
struct doc_sender;
struct invoice_doc;

/*
 * A corrected notice as stored (notices.version 1 and up, migration 034)
 * and what the notice before it stated (the avis d'échéance, or the
 * previous corrected notice).
 */
struct correction {
	int64_t invoice_id;
	int version;
	char *number, *content, *iban, *rum, *email;
	int64_t amount_cents;
	sepa_date due_on, written_on, first_written;
	/* the notice it replaces */
	int64_t old_amount;
	sepa_date old_due, old_written;
	char *old_iban;
};

/*
 * Call fn for each corrected notice of billed month `month`, in invoice
 * number then version order, with its invoice as the corrected notice
 * states it: the amount to debit (what remains after the payments it
 * counted), the date, the account and the mandate as stored; the lines
 * and the family's address as the invoice has them now, as the notices
 * do. fn's non-zero return stops the walk and is returned.
 */
int correction_each(struct db *db, int64_t creditor_id, sepa_month month,
    int (*fn)(const struct correction *c, const struct invoice_doc *doc,
        void *arg, sepa_error *err),
    void *arg, sepa_error *err);

/* Draw one corrected notice on cr (a PDF's context); returns its pages. */
int correction_pdf_draw(struct doc *d, cairo_t *cr, const struct correction *c,
    const struct invoice_doc *doc);

/* Its file name, NUMBER-Rn.pdf, and its PDF title (into buf). */
char *correction_pdf_name(char *buf, size_t size, const struct correction *c);
char *correction_pdf_title(char *buf, size_t size, const struct correction *c);

/* What changed, in French: "le compte prélevé et la date du
 * prélèvement". */
char *correction_what(char *buf, size_t size, const struct correction *c);

/*
 * Write the corrected notices of billed month `month` as PDF under
 * outbox: notices/pdf/corrections-YYYY-MM/NUMBER-Rn.pdf, the set
 * appearing whole, and notices/pdf/corrections-YYYY-MM.pdf with all of
 * them for printing (atomic file); nothing when the month has none. The
 * same corrected notices give the same bytes. *count: their number.
 */
int correction_pdf_write_month(struct db *db, int64_t creditor_id,
    const struct doc_sender *sender, sepa_month month, const char *outbox,
    int64_t *count, sepa_error *err);
/* The month's set and its file for printing (each NULL or freed by the
 * caller). */
void correction_pdf_paths(
    const char *outbox, sepa_month month, char **dir, char **all);

#endif /* SEPAD_CORRECTION_PDF_H */
