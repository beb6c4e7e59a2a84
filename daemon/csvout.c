/*
 * csvout.c - CSV output (RFC 4180): a field holding the separator, a
 * double quote, a CR or an LF is quoted, its quotes doubled. Text fields
 * that a spreadsheet would take for a formula are neutralised.
 */
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
