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
#include <stddef.h>
#include <stdint.h>
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

/*
 * The CSV of French Excel ("CSV UTF-8 (délimité par des points-virgules)"):
 * csvout_fr_begin writes the UTF-8 byte-order mark that makes Excel read
 * UTF-8; csvout_fr_field writes one field, ';' after it or, last, CRLF,
 * quoted when it holds ';', '"', CR or LF. A field starting with = + - @,
 * tab or CR, which a spreadsheet would take for a formula, is written
 * after a "'" (so it stays text), unless it is a plain number as
 * csvout_fr_milli writes them ("-1,5"). Numbers take the decimal comma
 * (csvout_fr_milli) and dates DD/MM/YYYY (sepa_date_fr): the callers
 * format them.
 */
void csvout_fr_begin(FILE *fp);
void csvout_fr_field(FILE *fp, const char *s, bool last);
/* A quantity in thousandths with a decimal comma, no thousands separator,
 * no trailing zeros: 18250 "18,25", 19000 "19", -500 "-0,5". Returns buf
 * (24 bytes are enough). */
char *csvout_fr_milli(char *buf, size_t size, int64_t milli);

#endif /* SEPAD_CSVOUT_H */
