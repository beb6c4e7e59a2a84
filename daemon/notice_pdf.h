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
 */
int notice_pdf_write_month(struct db *db, int64_t creditor_id,
    const struct doc_sender *sender, sepa_month month, const char *outbox,
    int64_t *count, sepa_error *err);

/*
 * What the month's stored notices state (migration 034: the debit's
 * account, mandate and date, as the notice was first written), so that
 * a PDF says what its text notice said whatever changed since. Loaded
 * before the month's invoices are read; notice_frozen_free(NULL) does
 * nothing.
 */
struct notice_frozen;
int notice_frozen_load(struct notice_frozen **out, struct db *db,
    int64_t creditor_id, sepa_month month, sepa_error *err);
/*
 * *out: doc (a shallow copy) with the account, mandate and due date its
 * stored notice states; doc as it is when it has none. Invoices must
 * come in number order, as store_invoice_each gives them.
 */
void notice_frozen_apply(struct notice_frozen *f, const struct invoice_doc *doc,
    struct invoice_doc *out);
void notice_frozen_free(struct notice_frozen *f);

/* Where notice_pdf_write_month puts the notice of invoice `number` of
 * `month`, and the month's file (caller frees). */
char *notice_pdf_path(const char *outbox, sepa_month month, const char *number);
char *notice_pdf_month_path(const char *outbox, sepa_month month);

#endif /* SEPAD_NOTICE_PDF_H */
