/*
 * store_import.h - the CSV imports (store_import.c): families,
 * mandates, tariffs and consumption, checked and loaded whole or not at
 * all.
 */
#ifndef SEPAD_STORE_IMPORT_H
#define SEPAD_STORE_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"

struct db;

/* The CSV files `sepactl import` takes (docs/product.md, Inputs). */
enum import_kind {
	IMPORT_FAMILIES = 0,
	IMPORT_MANDATES = 1,
	IMPORT_TARIFFS = 2,
	IMPORT_CONSUMPTION = 3,
	IMPORT_CHILDREN = 4
};

/* A birth date more than this many years before the day it is checked
 * against (the day of attendance, or the business date) is refused. */
#define IMPORT_MAX_AGE 25

/*
 * state_reason of a mandate ended for too many rejects in a school year
 * (store_returns.c): a code, the same whatever
 * rejections.max_per_school_year, that store_import.c looks for. The
 * texts for people name the configured limit (sepa_rule_rejects_name).
 */
#define STORE_REASON_TWO_REJECTS "two rejects"

/* Problems kept for the report; the rest are only counted. */
#define IMPORT_MAX_ISSUES 100

/* One problem of one row: column "" when it concerns the whole row. */
struct import_issue {
	long line; /* physical line of the file */
	char column[32];
	char value[96]; /* as written, clipped */
	char reason[400];
};

/*
 * The outcome of store_import_file. `already`: the same bytes were
 * imported before as file #file_id on already_on, and nothing was done.
 * Otherwise file_id is the new imported_files row (0 when refused).
 * rows_inserted / rows_updated count the rows of the kind's table
 * (families or children inserted and updated; mandates, tariffs or
 * consumption lines inserted; for tariffs, rows_updated counts the
 * services whose CAF activity the file changed, for consumption the
 * children whose birth date it gave); `created` counts what was created
 * on the side: mandate accounts, services, children. bad_rows counts refused rows, issues_total
 * every problem found, of which the first IMPORT_MAX_ISSUES are in issues
 * (C checks in file order, then the database checks by line).
 */
struct import_result {
	int already;
	char already_on[SEPA_DATE_BUFSZ];
	int64_t file_id;
	int64_t rows_total;
	int64_t rows_inserted;
	int64_t rows_updated;
	int64_t created;
	int64_t bad_rows;
	int64_t issues_total;
	size_t nissues;
	struct import_issue issues[IMPORT_MAX_ISSUES];
};

/* "families", "mandates", ... (static); NULL for an unknown kind. */
const char *store_import_kind_name(enum import_kind kind);
/* The kind named `name`; SEPA_EINVAL when there is none. */
int store_import_kind_parse(enum import_kind *out, const char *name);
/*
 * Import the CSV file `path` of `kind` for the creditor, in one
 * transaction: 0 when imported (or already imported: res->already), with
 * the counts in *res; SEPA_EINVAL when refused: either bad rows
 * (res->bad_rows > 0, the problems in res->issues) or a problem of the
 * whole file (err says which: empty, missing column, no data row);
 * SEPA_EIO for an unreadable file or a database failure. When refused
 * the database is left exactly as it was. `encoding` is enum
 * sepa_csv_encoding; `today` is the business date (a mandate signed
 * after it is refused); a new mandate of a family whose mandate ended for
 * too many rejects waits for sepa_rule_new_mandate_from, and the reason
 * names `rules`' limit. A mandate's first account applies from the month
 * of signed_on and is received on signed_on. *res is large: allocate it
 * on the heap.
 */
int store_import_file(struct db *db, int64_t creditor_id, enum import_kind kind,
    const char *path, int encoding, const sepa_rules *rules, sepa_date today,
    struct import_result *res, sepa_error *err);

#endif /* SEPAD_STORE_IMPORT_H */
