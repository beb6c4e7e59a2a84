/*
 * notice_pdf.h - the avis d'échéance in PDF (notice_pdf.c): one file per
 * family and the month's notices in one file for printing.
 */
#ifndef SEPAD_NOTICE_PDF_H
#define SEPAD_NOTICE_PDF_H

#include <cairo.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;
struct doc;
struct doc_sender;
struct invoice_doc;

/*
 * Draw the notice of one invoice on cr (a PDF's context), one page or
 * more, each ended with cairo_show_page. Returns the number of pages.
 */
int notice_pdf_draw(struct doc *d, cairo_t *cr, const struct invoice_doc *doc);
/*
 * What another document made of a notice (the corrected notice,
 * correction_pdf.c) changes in it: the title, the date beside the
 * invoice's number, and a block drawn under the references: block draws
 * it at y (nothing when cr is NULL, as the doc_* functions do) and
 * returns its height.
 */
struct notice_pdf_look {
	const char *title;
	sepa_date date;
	double (*block)(struct doc *d, cairo_t *cr, double y, const void *arg);
	const void *arg;
};
/* notice_pdf_draw with a look (NULL: the avis d'échéance). */
int notice_pdf_draw_as(struct doc *d, cairo_t *cr,
    const struct invoice_doc *doc, const struct notice_pdf_look *look);

/*
 * Write the PDF notices of `month` (the consumption month) under outbox:
 * notices/pdf/YYYY-MM/NUMBER.pdf, the set appearing whole (doc_set), and
 * notices/pdf/notices-YYYY-MM.pdf with all of them in number order, for
 * printing (atomic file). The same invoices give the same bytes.
 * *count gets the number of notices. SEPA_EIO: a file could not be
 * written, or the logo read.
 *
 * The notices are drawn NOTICE_PDF_CHUNK at a time (the environment's
 * SEPAD_PDF_CHUNK, a number from 1, instead: the tests cross chunks with
 * a few families), so that memory does not grow with the month.
 */
#define NOTICE_PDF_CHUNK 1000
int notice_pdf_write_month(struct db *db, int64_t creditor_id,
    const struct doc_sender *sender, sepa_month month, const char *outbox,
    int64_t *count, sepa_error *err);

/*
 * *out: doc (a shallow copy) with the account, mandate and due date its
 * first stored notice states (migration 034), so that a PDF says what
 * its text notice said whatever changed since; doc as it is when it has
 * none.
 */
void notice_as_sent(const struct invoice_doc *doc, struct invoice_doc *out);

/* Where notice_pdf_write_month puts the notice of invoice `number` of
 * `month`, and the month's file (caller frees). */
char *notice_pdf_path(const char *outbox, sepa_month month, const char *number);
char *notice_pdf_month_path(const char *outbox, sepa_month month);

#endif /* SEPAD_NOTICE_PDF_H */
