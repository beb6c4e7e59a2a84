/*
 * csvout.c - CSV output (RFC 4180): a field holding the separator, a
 * double quote, a CR or an LF is quoted, its quotes doubled.
 */
#include <stdio.h>
#include <string.h>

#include "csvout.h"

void
csvout_field_sep(FILE *fp, const char *s, char sep, const char *eol, bool last)
{
	char special[] = {sep, '"', '\r', '\n', '\0'};

	if (s == NULL)
		s = "";
	if (strpbrk(s, special) == NULL) {
		fputs(s, fp);
	} else {
		fputc('"', fp);
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
csvout_field(FILE *fp, const char *s, bool last)
{
	csvout_field_sep(fp, s, ',', "\r\n", last);
}
