/*
 * doc.h - the families' printed documents (doc.c): A4 pages drawn with
 * cairo and pango into PDF, with the commune's letterhead, the window
 * envelope's address block and the legal mentions; French amounts and
 * the sets of PDF files written into the outbox.
 */
#ifndef SEPAD_DOC_H
#define SEPAD_DOC_H

#include <cairo.h>
#include <stdint.h>
#include <stdio.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct sepad_config;

/* A document's text is French whatever the locale: the families are
 * French. DOC_FR (i18n.h) marks it, and xgettext leaves it out. */
#include "i18n.h"

/* A4 in points, and the margins every document keeps. */
#define DOC_PAGE_W 595.28
#define DOC_PAGE_H 841.89
#define DOC_MARGIN 48.0
#define DOC_TEXT_W (DOC_PAGE_W - 2 * DOC_MARGIN)

/* The commune as its documents show it (strings borrowed; "" when not
 * set). */
struct doc_sender {
	const char *name, *department, *building, *street, *postcode, *town;
	const char *ics, *phone, *email, *hours, *logo, *mayor, *appeal;
};

/* Fill s from the configuration (creditor.* and documents.*). */
void doc_sender_from_config(
    struct doc_sender *s, const struct sepad_config *cfg);

enum doc_style {
	DOC_NORMAL, /* 9 pt */
	DOC_BOLD, /* 9 pt bold */
	DOC_SMALL, /* 7 pt */
	DOC_SMALL_BOLD, /* 7 pt bold */
	DOC_HEAD, /* 11 pt bold: the commune's name, the boxes' titles */
	DOC_TITLE, /* 15 pt bold: the document's title */
	DOC_NSTYLES
};

enum doc_align { DOC_LEFT, DOC_RIGHT, DOC_CENTER };

/*
 * The fonts (DejaVu Sans, embedded in every PDF), one pango layout per
 * style, the sender and its logo. Made once for a whole set of
 * documents; doc_free(NULL) does nothing.
 */
struct doc;
/* SEPA_EIO: the logo (documents.logo) is not a readable PNG. */
int doc_new(struct doc **out, const struct doc_sender *s, sepa_error *err);
void doc_free(struct doc *d);
const struct doc_sender *doc_sender(const struct doc *d);

/*
 * The drawing functions below draw nothing when cr is NULL, and return
 * the same figures: a first pass without cairo counts the pages.
 *
 * Draw s at (x, y), its top-left corner, in a box w points wide (0: no
 * wrapping, and the alignment is relative to x: a right-aligned text ends
 * at x + w). Returns the height drawn.
 */
double doc_text(struct doc *d, cairo_t *cr, double x, double y, double w,
    enum doc_style st, enum doc_align al, const char *s);
/* The height s would take, without drawing it. */
double doc_text_height(
    struct doc *d, double w, enum doc_style st, const char *s);
/* A table cell: s on one line, cut with "…" when wider than w. */
void doc_cell(struct doc *d, cairo_t *cr, double x, double y, double w,
    enum doc_style st, enum doc_align al, const char *s);
/* A horizontal line from x0 to x1 at y, `width` points thick. */
void doc_rule(cairo_t *cr, double x0, double x1, double y, double width);
/* A filled light-grey rectangle (boxes, table headers). */
void doc_shade(cairo_t *cr, double x, double y, double w, double h);

/*
 * The top of a first page: the logo and the commune (name, department,
 * address, contact) on the left, the payer's address where a window
 * envelope shows it. Returns the y below both.
 */
double doc_letterhead(
    struct doc *d, cairo_t *cr, const char *const addr[], size_t naddr);
/* The logo and the commune alone (the letterhead's left part), for a
 * document that goes in no envelope; returns the y below it. The right
 * part of the page, from DOC_ADDR_X, is free. */
#define DOC_ADDR_X 318.0
double doc_sender_block(struct doc *d, cairo_t *cr);
/* A continuation page's top line ("NAME, TITLE (suite)"); returns y. */
double doc_continued(struct doc *d, cairo_t *cr, const char *title);
/* Page "n / total" at the foot of the page. */
void doc_page_number(struct doc *d, cairo_t *cr, int n, int total);
/*
 * The mentions every document ends with (questions, amicable appeal,
 * article L. 1617-5 of the CGCT, contract art. 8), above the foot of
 * the page; returns the y where they start. doc_legal_height: the
 * height they need.
 */
double doc_legal(struct doc *d, cairo_t *cr);
double doc_legal_height(struct doc *d);
/* The lines of a payer's postal address into addr (at most 5), from the
 * fields as the families import stores them. Returns the count; the
 * strings live in buf (size bytes). */
size_t doc_address(const char *addr[5], char *buf, size_t size,
    const char *payer, const char *building, const char *street,
    const char *postcode, const char *town, const char *country);

/* "1 234,56 €": a narrow no-break space between thousands and a
 * no-break space before the sign, so that an amount never breaks. */
#define DOC_MONEY_BUFSZ 40
char *doc_money(char *buf, int64_t cents);
/* "septembre 2026". */
char *doc_month_fr(char *buf, size_t size, sepa_month m);

/*
 * A PDF document written to fp (left open): title and date in its
 * metadata, so that the same content gives the same bytes.
 * doc_pdf_close finishes it and reports cairo's error, if any.
 */
struct doc_pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
};
int doc_pdf_open(struct doc_pdf *p, FILE *fp, const char *title, sepa_date date,
    sepa_error *err);
int doc_pdf_close(struct doc_pdf *p, sepa_error *err);

/*
 * A set of files written into a directory that appears whole: created
 * as DIR.tmp-PID beside it, synced, then renamed over DIR (the previous
 * set removed). doc_set_file creates NAME in it (mode 0640).
 */
struct doc_set {
	char *dir, *tmp, *old;
};
int doc_set_begin(struct doc_set *s, const char *dir, sepa_error *err);
FILE *doc_set_file(struct doc_set *s, const char *name, sepa_error *err);
int doc_set_commit(struct doc_set *s, sepa_error *err);
/* Remove what is left of an unfinished set; frees s. */
void doc_set_end(struct doc_set *s);

#endif /* SEPAD_DOC_H */
