/*
 * csvout.c - the writer of the CSV files for people (csvout.h): RFC 4180
 * quoting in the dialect of the [export] group, text fields that a
 * spreadsheet would take for a formula neutralised, numbers and dates in
 * the dialect's shape.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "csvout.h"

const struct csvout_dialect csvout_french_excel = {
    ';', ',', true, true, CSVOUT_DATE_FR};

struct csvout_dialect
csvout_dialect_of(const struct sepad_config *cfg)
{
	static const char seps[] = {';', ',', '\t'};
	struct csvout_dialect d = csvout_french_excel;

	if (cfg->export_separator >= 0 && cfg->export_separator < 3)
		d.sep = seps[cfg->export_separator];
	d.decimal = cfg->export_decimal == CONFIG_DECIMAL_POINT ? '.' : ',';
	d.bom = cfg->export_bom;
	d.crlf = cfg->export_line_end == CONFIG_EOL_CRLF;
	d.dates = cfg->export_dates == CONFIG_DATES_ISO ? CSVOUT_DATE_ISO
	                                                : CSVOUT_DATE_FR;
	return d;
}

/* The first characters that make a spreadsheet read a cell as a formula. */
static const char csvout_formula_start[] = "=+-@\t\r";

/* The separator before any field but the first of its row. */
static void
csvout_next(struct csvout *w)
{
	if (w->col++ > 0)
		fputc(w->d.sep, w->fp);
}

void
csvout_text(struct csvout *w, const char *s)
{
	char special[] = {w->d.sep, '"', '\r', '\n', '\0'};
	const char *prefix;

	if (s == NULL)
		s = "";
	prefix = s[0] != '\0' && strchr(csvout_formula_start, s[0]) != NULL
	    ? "'"
	    : "";
	csvout_next(w);
	if (strpbrk(s, special) == NULL) {
		fputs(prefix, w->fp);
		fputs(s, w->fp);
		return;
	}
	fputc('"', w->fp);
	fputs(prefix, w->fp);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', w->fp);
		fputc(*s, w->fp);
	}
	fputc('"', w->fp);
}

/* A number of `scale` units (100 or 1000) with `keep` decimals at least
 * (trailing zeros beyond them dropped). */
static void
csvout_fixed(struct csvout *w, int64_t v, unsigned scale, int keep)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	unsigned frac = (unsigned)(a % scale);
	int digits = scale == 100 ? 2 : 3;

	while (digits > keep && frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	csvout_next(w);
	fprintf(w->fp, "%s%" PRIu64, v < 0 ? "-" : "", a / scale);
	if (digits > 0)
		fprintf(w->fp, "%c%0*u", w->d.decimal, digits, frac);
}

void
csvout_cents(struct csvout *w, int64_t cents)
{
	csvout_fixed(w, cents, 100, 2);
}

void
csvout_milli(struct csvout *w, int64_t milli)
{
	csvout_fixed(w, milli, 1000, 0);
}

void
csvout_int(struct csvout *w, int64_t n)
{
	csvout_next(w);
	fprintf(w->fp, "%" PRId64, n);
}

void
csvout_date(struct csvout *w, sepa_date d)
{
	char buf[SEPA_DATE_BUFSZ];

	csvout_next(w);
	if (d.year == 0)
		return;
	fputs(w->d.dates == CSVOUT_DATE_ISO ? sepa_date_iso(buf, d)
	                                    : sepa_date_fr(buf, d),
	    w->fp);
}

void
csvout_date_iso(struct csvout *w, const char *iso)
{
	sepa_date d = {0, 0, 0};
	sepa_error err = SEPA_ERROR_INIT;

	if (iso == NULL || iso[0] == '\0')
		csvout_date(w, d);
	else if (strlen(iso) == 10 && sepa_date_parse(&d, iso, &err) == 0)
		csvout_date(w, d);
	else
		csvout_text(w, iso);
}

void
csvout_month(struct csvout *w, const char *ym)
{
	char buf[32];
	int month = ym != NULL && strlen(ym) == 7 ? atoi(ym + 5) : 0;
	const char *name = sepa_month_name_fr(month);

	if (name == NULL) {
		csvout_text(w, ym);
		return;
	}
	snprintf(buf, sizeof(buf), "%s %.4s", name, ym);
	csvout_text(w, buf);
}

void
csvout_bool(struct csvout *w, bool yes)
{
	csvout_next(w);
	fputs(yes ? "oui" : "non", w->fp);
}

void
csvout_end(struct csvout *w)
{
	fputs(w->d.crlf ? "\r\n" : "\n", w->fp);
	w->col = 0;
}

void
csvout_attach(struct csvout *w, FILE *fp, const struct csvout_dialect *d)
{
	w->fp = fp;
	w->d = *d;
	w->col = 0;
}

void
csvout_begin(struct csvout *w, FILE *fp, const struct csvout_dialect *d,
    const char *const *heads, size_t n)
{
	csvout_attach(w, fp, d);
	if (d->bom)
		fputs("\xEF\xBB\xBF", fp);
	for (size_t i = 0; i < n; i++)
		csvout_text(w, heads[i]);
	csvout_end(w);
}
