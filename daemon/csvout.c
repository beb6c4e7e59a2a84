/*
 * csvout.c - CSV output (RFC 4180): a field holding a comma, a double
 * quote, a CR or an LF is quoted, its quotes doubled.
 */
#include <stdio.h>
#include <string.h>

#include "sepad.h"

void
csvout_field(FILE *fp, const char *s, bool last)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL) {
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
	fputs(last ? "\r\n" : ",", fp);
}
