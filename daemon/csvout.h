/*
 * csvout.h - CSV fields for the files sepad writes (csvout.c).
 */
#ifndef SEPAD_CSVOUT_H
#define SEPAD_CSVOUT_H

#include <stdbool.h>
#include <stdio.h>

/* Write one CSV field (quoted when needed), then "," or, last, CRLF. */
void csvout_field(FILE *fp, const char *s, bool last);
/* The same with another separator and line end (';' and "\n" for mail merge). */
void csvout_field_sep(
    FILE *fp, const char *s, char sep, const char *eol, bool last);

#endif /* SEPAD_CSVOUT_H */
