/*
 * csvout.c - CSV output (RFC 4180): a field holding the separator, a
 * double quote, a CR or an LF is quoted, its quotes doubled. Text fields
 * that a spreadsheet would take for a formula are neutralised. And the
 * dialect of French Excel (csvout_fr_*).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csvout.h"

/* The first characters that make a spreadsheet read a cell as a formula. */
static const char csvout_formula_start[] = "=+-@\t\r";

static void
csvout_write(
    FILE *fp, const char *s, char sep, const char *eol, bool last, bool text)
{
	char special[] = {sep, '"', '\r', '\n', '\0'};
	const char *prefix =
	    text && s[0] != '\0' && strchr(csvout_formula_start, s[0]) != NULL
	    ? "'"
	    : "";

	if (strpbrk(s, special) == NULL) {
		fputs(prefix, fp);
		fputs(s, fp);
	} else {
		fputc('"', fp);
		fputs(prefix, fp);
		for (; *s != '\0'; s++) {
			if (*s == '"')
				fputc('"', fp);
			fputc(*s, fp);
		}
		fputc('"', fp);
	}
	if (last)
		fputs(eol, fp);
	else
		fputc(sep, fp);
}

void
csvout_field_sep(FILE *fp, const char *s, char sep, const char *eol, bool last)
{
	csvout_write(fp, s != NULL ? s : "", sep, eol, last, true);
}

void
csvout_field(FILE *fp, const char *s, bool last)
{
	csvout_field_sep(fp, s, ',', "\r\n", last);
}

void
csvout_number_sep(FILE *fp, const char *s, char sep, const char *eol, bool last)
{
	csvout_write(fp, s != NULL ? s : "", sep, eol, last, false);
}

void
csvout_number(FILE *fp, const char *s, bool last)
{
	csvout_number_sep(fp, s, ',', "\r\n", last);
}

void
csvout_fr_begin(FILE *fp)
{
	fputs("\xEF\xBB\xBF", fp);
}

/* 1 for "-"? digits [ "," digits ]: a number, not a formula. */
static int
csvout_is_number(const char *s)
{
	size_t i = s[0] == '-' ? 1 : 0, digits = 0;

	while (s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (digits == 0)
		return 0;
	if (s[i] == ',') {
		i++;
		digits = 0;
		while (s[i] >= '0' && s[i] <= '9')
			i++, digits++;
		if (digits == 0)
			return 0;
	}
	return s[i] == '\0';
}

void
csvout_fr_field(FILE *fp, const char *s, bool last)
{
	if (s == NULL)
		s = "";
	/* A plain number ("-1,5") stays a number; any other text is text. */
	csvout_write(fp, s, ';', "\r\n", last, !csvout_is_number(s));
}

char *
csvout_fr_milli(char *buf, size_t size, int64_t milli)
{
	uint64_t a =
	    milli < 0 ? (uint64_t)0 - (uint64_t)milli : (uint64_t)milli;
	unsigned frac = (unsigned)(a % 1000);
	int digits = 3;

	while (digits > 0 && frac % 10 == 0 && frac != 0) {
		frac /= 10;
		digits--;
	}
	if (frac == 0)
		snprintf(buf, size, "%s%llu", milli < 0 ? "-" : "",
		    (unsigned long long)(a / 1000));
	else
		snprintf(buf, size, "%s%llu,%0*u", milli < 0 ? "-" : "",
		    (unsigned long long)(a / 1000), digits, frac);
	return buf;
}
