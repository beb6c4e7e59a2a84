/*
 * csvout.h - the one writer of the CSV files sepad writes for people
 * (csvout.c; docs/design/exports.md).
 *
 * Every CSV that the finance department opens (the mail merge of the
 * notices and their corrections, the recovery export, the refund list,
 * the lists of sepactl: families, mandates, quarantine, inspect, the CAF
 * declaration) is written through a `struct csvout` in one dialect, the
 * [export] group of sepad.conf: by default the CSV of French Excel
 * ("CSV UTF-8 (délimité par des points-virgules)"): a UTF-8 byte-order
 * mark, ';', CRLF, the decimal comma, dates DD/MM/YYYY.
 *
 * Each field says what it is. Text (csvout_text) comes from outside
 * (names, addresses, bank references): quoted when it holds the
 * separator, a double quote, CR or LF (RFC 4180), and, when it starts
 * with '=', '+', '-', '@', a tab or a CR, which a spreadsheet would run as
 * a formula (=HYPERLINK("http://...")), written after a "'" (OWASP's
 * advice), which the spreadsheet shows and the reader understands.
 * Numbers and dates are sepad's own (csvout_cents, _milli, _int,
 * _date): never prefixed, so that the spreadsheet reads them as numbers
 * and dates: an amount is "-1234,56", without thousands separator or
 * currency sign (the column's heading says "(€)").
 */
#ifndef SEPAD_CSVOUT_H
#define SEPAD_CSVOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sepa/date.h"

struct sepad_config;

enum csvout_dates { CSVOUT_DATE_FR = 0, CSVOUT_DATE_ISO = 1 };

/* The dialect: the [export] group of sepad.conf. */
struct csvout_dialect {
	char sep; /* ';', ',' or '\t' */
	char decimal; /* ',' or '.' */
	bool bom; /* a UTF-8 byte-order mark first */
	bool crlf; /* CRLF line ends, else LF */
	enum csvout_dates dates; /* DD/MM/YYYY or YYYY-MM-DD */
};

/* The default: French Excel. */
extern const struct csvout_dialect csvout_french_excel;

/* The dialect of the configuration's [export] group. */
struct csvout_dialect csvout_dialect_of(const struct sepad_config *cfg);

/* A CSV being written: the fields of the current row are counted. */
struct csvout {
	FILE *fp;
	struct csvout_dialect d;
	size_t col;
};

/*
 * Start a file on fp: its byte-order mark (when the dialect has one)
 * and the row of headings heads[0..n-1] (French: the table of each CSV).
 */
void csvout_begin(struct csvout *w, FILE *fp, const struct csvout_dialect *d,
    const char *const *heads, size_t n);
/* The same writer on another stream, without BOM or headings (a row
 * rendered apart, then copied into the file). */
void csvout_attach(struct csvout *w, FILE *fp, const struct csvout_dialect *d);

/* One field of text from outside; NULL is "". */
void csvout_text(struct csvout *w, const char *s);
/* An amount in cents: "-1234,56" (decimal mark of the dialect). */
void csvout_cents(struct csvout *w, int64_t cents);
/* A quantity in thousandths, no trailing zeros: 18250 "18,25", 19000
 * "19", -500 "-0,5". */
void csvout_milli(struct csvout *w, int64_t milli);
/* A whole number. */
void csvout_int(struct csvout *w, int64_t n);
/* A date; year 0 is "" (none). */
void csvout_date(struct csvout *w, sepa_date d);
/* A date as PostgreSQL writes it ("2026-10-15"; "" none); anything
 * else is written as text. */
void csvout_date_iso(struct csvout *w, const char *iso);
/* A month as PostgreSQL's to_char writes it ("2026-09"), in French:
 * "septembre 2026" (text: Excel would make a date of "09/2026"). */
void csvout_month(struct csvout *w, const char *ym);
/* A yes-or-no column: "oui" or "non". */
void csvout_bool(struct csvout *w, bool yes);
/* End the row. */
void csvout_end(struct csvout *w);

#endif /* SEPAD_CSVOUT_H */
