/*
 * import_row.h - one row of a CSV import checked without the database
 * (import_row.c): the columns of each kind, the problems of a row, the
 * COPY text of a good one. store_import.c reads the file and runs the
 * checks that need the database; the fuzzer runs these alone.
 */
#ifndef SEPAD_IMPORT_ROW_H
#define SEPAD_IMPORT_ROW_H

#include <stddef.h>

#include "sepa/csv.h"
#include "sepa/date.h"
#include "store_import.h"

#define IMPORT_ROW_MAX_COLS 8

/* A kind's name and columns, in the order of its staging table. */
struct import_row_kind {
	const char *name;
	size_t ncols;
	struct {
		const char *name;
		int required;
	} cols[IMPORT_ROW_MAX_COLS];
};

/* The kind's definition (static); NULL for an unknown kind. */
const struct import_row_kind *import_row_kind(enum import_kind kind);

/* Lines of COPY text (tab-separated, escaped), grown as needed. */
struct import_row_copy {
	char *buf;
	size_t len, cap;
};
/* Append n bytes as they are. */
void import_row_copy_raw(struct import_row_copy *c, const char *s, size_t n);
/* Append one field, after a tab unless it is the first: escaped; NULL is
 * \N. */
void import_row_copy_field(struct import_row_copy *c, const char *s);

/*
 * Record one problem in res (counted always, kept while there is room):
 * the line, the column ("" or NULL for the whole row), the value as
 * written and why, each clipped; IBANs masked (the value of the iban
 * column whatever it holds, any valid IBAN in the others and the reason).
 */
void import_row_issue(struct import_result *res, long line, const char *column,
    const char *value, const char *reason);

/*
 * Check the fields of one data row of `kind`, whose columns `cols` maps
 * (sepa_csv_map on the kind's columns, in its order): 0 when it is good
 * and its fields were appended to c (converted: dates ISO, amounts in
 * cents, quantities in thousandths); -1 when it is bad, its problems in
 * res (res->bad_rows is the caller's). `today` is the business date (a
 * mandate signed after it is refused).
 */
int import_row_check(enum import_kind kind, const sepa_csv_row *row,
    const sepa_csv_column *cols, sepa_date today, struct import_result *res,
    struct import_row_copy *c);

#endif /* SEPAD_IMPORT_ROW_H */
