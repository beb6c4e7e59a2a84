/*
 * report_pdf.h - the month's report for the finance department as an A4
 * PDF (report_pdf.c), drawn with the documents' code (doc.c).
 */
#ifndef SEPAD_REPORT_PDF_H
#define SEPAD_REPORT_PDF_H

#include <stdio.h>

#include "sepa/error.h"

struct doc_sender;
struct report_doc;

/* Write the report to fp (left open). SEPA_EIO: cairo could not write
 * it, or the logo (documents.logo) could not be read. */
int report_pdf(FILE *fp, const struct report_doc *d, const struct doc_sender *s,
    sepa_error *err);

#endif /* SEPAD_REPORT_PDF_H */
