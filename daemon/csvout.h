/*
 * csvout.h - CSV fields for the files sepad writes (csvout.c).
 *
 * The CSV files are opened by people in spreadsheets (the mail merge of
 * the notices, the recovery export, the lists of sepactl), and their text
 * comes from outside: names and addresses from the families' files, ids
 * and free text from bank files. A text field that starts with '=', '+',
 * '-', '@', a tab or a CR would be run as a formula
 * (=HYPERLINK("http://...")): it is written with a leading ' (OWASP's
 * advice), which the spreadsheet shows and the reader understands. The
 * numbers sepad formats itself (amounts, which may be negative, counts)
 * go through csvout_number and stay numbers.
 */
#ifndef SEPAD_CSVOUT_H
#define SEPAD_CSVOUT_H

#include <stdbool.h>
#include <stdio.h>

/* One text field (quoted when needed, a formula neutralised), then "," or,
 * last, CRLF. NULL is "". */
void csvout_field(FILE *fp, const char *s, bool last);
/* The same with another separator and line end (';' and "\n" for mail merge). */
void csvout_field_sep(
    FILE *fp, const char *s, char sep, const char *eol, bool last);
/* A number formatted by sepad ("-12.50", "15,80 €", "42"): never prefixed. */
void csvout_number(FILE *fp, const char *s, bool last);
void csvout_number_sep(
    FILE *fp, const char *s, char sep, const char *eol, bool last);

#endif /* SEPAD_CSVOUT_H */
