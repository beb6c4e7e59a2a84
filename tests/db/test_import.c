/*
 * test_import.c - store_import.c: the five kinds of CSV files taken in
 * whole, refused whole with every bad row reported (and the database left
 * exactly as it was), the same file twice, updates of families, the
 * rule on new mandates after two rejects, and what the CAF declaration
 * needs (services per day and their CAF activity, birth dates, the
 * children file).
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "sepa/csv.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"
#include "db_internal.h"
#include "store_creditor.h"
#include "store_import.h"

#define DATA SEPAD_SRCDIR "/tests/data/import/"

static const sepa_date today = {2025, 11, 20};

struct fixture {
	char name[64];
	struct db *db;
	int64_t creditor;
	struct import_result *res;
	sepa_rules rules;
};

static void
fx_open(struct fixture *fx)
{
	sepa_error err = SEPA_ERROR_INIT;

	fx->db = dbtest_open(fx->name, "sepad");
	cr_assert_eq(store_creditor_ensure(fx->db, "FR72ZZZ123456", "Commune",
	                 &fx->creditor, &err),
	    0, "%s", err.msg);
	fx->res = calloc(1, sizeof(*fx->res));
	cr_assert_not_null(fx->res);
	fx->rules = (sepa_rules)SEPA_RULES_INIT;
}

static void
fx_close(struct fixture *fx)
{
	free(fx->res);
	db_close(fx->db);
	dbtest_drop(fx->name);
}

static int
fx_import(struct fixture *fx, enum import_kind kind, const char *file,
    int encoding, sepa_date day, sepa_error *err)
{
	return store_import_file(fx->db, fx->creditor, kind, file, encoding,
	    &fx->rules, day, fx->res, err);
}

/* Import a file that must be taken in. */
static void
fx_ok(struct fixture *fx, enum import_kind kind, const char *file)
{
	sepa_error err = SEPA_ERROR_INIT;
	int rc = fx_import(fx, kind, file, SEPA_CSV_UTF8, today, &err);

	cr_assert_eq(rc, 0, "%s: %s (%s)", file, err.msg,
	    fx->res->nissues ? fx->res->issues[0].reason : "");
	cr_assert_eq(fx->res->already, 0, "%s", file);
	cr_assert_gt(fx->res->file_id, 0);
}

/* The four good files, in the order a commune sends them. */
static void
fx_load(struct fixture *fx)
{
	fx_ok(fx, IMPORT_FAMILIES, DATA "families_ok.csv");
	fx_ok(fx, IMPORT_TARIFFS, DATA "tariffs_ok.csv");
	fx_ok(fx, IMPORT_MANDATES, DATA "mandates_ok.csv");
	fx_ok(fx, IMPORT_CONSUMPTION, DATA "consumption_ok.csv");
}

static int64_t
q(struct fixture *fx, const char *sql)
{
	return dbtest_int(fx->db, sql);
}

Test(import, good_files_are_stored_with_their_values)
{
	struct fixture fx;

	fx_open(&fx);
	fx_ok(&fx, IMPORT_FAMILIES, DATA "families_ok.csv");
	cr_assert_eq(fx.res->rows_total, 3);
	cr_assert_eq(fx.res->rows_inserted, 3);
	cr_assert_eq(fx.res->rows_updated, 0);
	/* Original UTF-8 spelling, quoted separator, newline in a field. */
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM families WHERE family_ref = "
	                 "'F001' AND payer_name = 'Zoé Lefèvre-Dupré' AND "
	                 "street = '12 rue de l''Église' AND email = "
	                 "'zoe@example.fr' AND source_line = 2"),
	    1);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM families WHERE family_ref = "
	                 "'F002' AND payer_name = 'Martin; Jean' AND street = "
	                 "E'Bât. B\\n3 allée des Pins' AND country = 'FR' AND "
	                 "email IS NULL AND town = 'Lyon'"),
	    1);

	fx_ok(&fx, IMPORT_TARIFFS, DATA "tariffs_ok.csv");
	cr_assert_eq(fx.res->rows_inserted, 6);
	cr_assert_eq(fx.res->created, 3); /* services */
	cr_assert_eq(q(&fx,
	                 "SELECT sum(price_cents) FROM tariffs t JOIN services "
	                 "s ON s.id = t.service_id WHERE s.code = 'canteen'"),
	    320 + 410);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM services WHERE code = "
	                 "'afterschool' AND unit = 'hour'"),
	    1);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM tariffs WHERE valid_from = "
	                 "'2025-09-01'"),
	    6);

	fx_ok(&fx, IMPORT_MANDATES, DATA "mandates_ok.csv");
	cr_assert_eq(fx.res->rows_inserted, 2);
	cr_assert_eq(fx.res->created, 2); /* accounts */
	cr_assert_eq(
	    q(&fx,
	        "SELECT count(*) FROM mandates m JOIN mandate_accounts "
	        "a ON a.mandate_id = m.id WHERE m.rum = 'RUM-F001-1' "
	        "AND m.signed_on = '2025-09-15' AND a.iban = "
	        "'FR7620041010050500013002675' AND a.bic = "
	        "'PSSTFRPPXXX' AND a.applies_from = '2025-09-01' AND "
	        "a.received_on = '2025-09-15' AND m.state = "
	        "'active'"),
	    1);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM mandate_accounts WHERE bic IS "
	                 "NULL AND applies_from = '2025-10-01'"),
	    1);

	fx_ok(&fx, IMPORT_CONSUMPTION, DATA "consumption_ok.csv");
	cr_assert_eq(fx.res->rows_inserted, 5);
	cr_assert_eq(fx.res->created, 3); /* children */
	cr_assert_eq(q(&fx,
	                 "SELECT quantity_milli FROM consumption_lines c JOIN "
	                 "services s ON s.id = c.service_id WHERE s.code = "
	                 "'afterschool' AND c.consumed_on = '2025-10-02'"),
	    1500);
	cr_assert_eq(q(&fx,
	                 "SELECT quantity_milli FROM consumption_lines WHERE "
	                 "consumed_on = '2025-10-03'"),
	    1500);
	cr_assert_eq(q(&fx,
	                 "SELECT quantity_milli FROM consumption_lines WHERE "
	                 "consumed_on = '2025-10-08'"),
	    -1000);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM children WHERE name = "
	                 "E'Inès\\nMarie' AND child_ref = 'C2'"),
	    1);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM consumption_lines WHERE "
	                 "source_file_id > 0 AND source_line > 1"),
	    5);
	/* one unbilled batch per month of the file, with its line count */
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM consumption_batches b WHERE "
	                 "billed_month IS NULL AND lines = (SELECT count(*) "
	                 "FROM consumption_lines c WHERE c.source_file_id = "
	                 "b.source_file_id AND date_trunc('month', "
	                 "c.consumed_on) = b.month)"),
	    q(&fx,
	        "SELECT count(DISTINCT (source_file_id, date_trunc('month', "
	        "consumed_on))) FROM consumption_lines"));
	/* Staging is emptied in the same transaction; files are marked. */
	cr_assert_eq(q(&fx,
	                 "SELECT (SELECT count(*) FROM staging_families) + "
	                 "(SELECT count(*) FROM staging_mandates) + (SELECT "
	                 "count(*) FROM staging_tariffs) + (SELECT count(*) "
	                 "FROM staging_consumption)"),
	    0);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM imported_files WHERE status = "
	                 "'imported' AND finished_at IS NOT NULL"),
	    4);
	cr_assert_eq(q(&fx,
	                 "SELECT rows_total * 10 + rows_inserted FROM "
	                 "imported_files WHERE kind = 'consumption'"),
	    55);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'file.imported'"),
	    4);
	fx_close(&fx);
}

Test(import, the_same_file_twice_changes_nothing)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct fixture fx;
	int64_t before, first;

	fx_open(&fx);
	fx_load(&fx);
	before = snapshot_take(fx.db);
	first =
	    q(&fx, "SELECT id FROM imported_files WHERE kind = 'consumption'");
	cr_assert_eq(fx_import(&fx, IMPORT_CONSUMPTION,
	                 DATA "consumption_ok.csv", SEPA_CSV_UTF8, today, &err),
	    0, "%s", err.msg);
	cr_assert_eq(fx.res->already, 1);
	cr_assert_eq(fx.res->file_id, first);
	cr_assert_eq(strlen(fx.res->already_on), 10);
	cr_assert_eq(snapshot_take(fx.db), before);
	/* Same bytes as another kind are another file. */
	cr_assert_eq(fx_import(&fx, IMPORT_FAMILIES, DATA "consumption_ok.csv",
	                 SEPA_CSV_UTF8, today, &err),
	    SEPA_EINVAL);
	cr_assert_eq(fx.res->already, 0);
	cr_assert_eq(snapshot_take(fx.db), before);
	fx_close(&fx);
}

Test(import, families_are_updated_by_reference)
{
	struct fixture fx;

	fx_open(&fx);
	fx_load(&fx);
	fx_ok(&fx, IMPORT_FAMILIES, DATA "families_update.csv");
	cr_assert_eq(fx.res->rows_total, 3);
	cr_assert_eq(fx.res->rows_inserted, 1);
	cr_assert_eq(fx.res->rows_updated, 1);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM families WHERE family_ref = "
	                 "'F001' AND bracket = 'B' AND street LIKE '14 %'"),
	    1);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM families WHERE payer_name = "
	                 "'Léa Nguyễn'"),
	    1);
	/* Mandates and consumption still point at the same family. */
	cr_assert_eq(q(&fx, "SELECT count(*) FROM families"), 4);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM mandates m JOIN families f ON "
	                 "f.id = m.family_id WHERE f.family_ref = 'F001'"),
	    1);
	fx_close(&fx);
}

Test(import, windows_1252)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct fixture fx;

	fx_open(&fx);
	cr_assert_eq(fx_import(&fx, IMPORT_FAMILIES, DATA "families_cp1252.csv",
	                 SEPA_CSV_CP1252, today, &err),
	    0, "%s", err.msg);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM families WHERE payer_name = "
	                 "'Hélène Côté' AND street = '5 rue du Château'"),
	    1);
	fx_close(&fx);
}

/* Refused files: the first problem reported and the count of bad rows. */
static const struct {
	enum import_kind kind;
	const char *file;
	int rc;
	int64_t bad_rows;
	long line;
	const char *column;
	const char *value;
	const char *reason;
} refused[] = {
    {IMPORT_MANDATES, "bad_missing_column.csv", SEPA_EINVAL, 0, 1, NULL, NULL,
        "missing column \"iban\"; found: rum, family_ref, bic, signed_on"},
    {IMPORT_CONSUMPTION, "bad_date.csv", SEPA_EINVAL, 2, 2, "date",
        "31/04/2025", "day 31 does not exist in April 2025"},
    {IMPORT_TARIFFS, "bad_amount.csv", SEPA_EINVAL, 3, 2, "price", "3,205",
        "3 decimals, at most 2 allowed"},
    {IMPORT_CONSUMPTION, "bad_unknown_family.csv", SEPA_EINVAL, 1, 3,
        "family_ref", "F999", "unknown family"},
    {IMPORT_CONSUMPTION, "bad_unknown_service.csv", SEPA_EINVAL, 1, 2,
        "service", "swimming", "unknown service (import its tariffs first)"},
    {IMPORT_CONSUMPTION, "bad_duplicate_row.csv", SEPA_EINVAL, 1, 4, "date",
        "2025-10-07",
        "same child, service and date already on line 2 of the file"},
    {IMPORT_FAMILIES, "bad_invalid_utf8.csv", SEPA_EINVAL, 1, 2, "", "",
        "invalid UTF-8 byte 0xe9"},
    {IMPORT_FAMILIES, "bad_empty.csv", SEPA_EINVAL, 0, 0, NULL, NULL,
        "the file is empty: no header line"},
    {IMPORT_FAMILIES, "bad_long_line.csv", SEPA_EINVAL, 1, 2, "", "",
        "record longer than 65536 bytes"},
    {IMPORT_MANDATES, "bad_rum_other_iban.csv", SEPA_EINVAL, 1, 2, "iban",
        "FR76****7893",
        "mandate RUM-F001-1 is registered with another account "
        "(FR76****2675); to change the account run sepactl mandate "
        "change-account RUM-F001-1 --iban NEW-IBAN --received DATE"},
    {IMPORT_MANDATES, "bad_iban.csv", SEPA_EINVAL, 2, 2, "iban", "FR76****0188",
        "check digits do not match"},
    {IMPORT_MANDATES, "bad_iban.csv", SEPA_EINVAL, 2, 3, "bic", "NOTABIC",
        "length 7, a BIC has 8 or 11 characters"},
    {IMPORT_CONSUMPTION, "families_ok.csv", SEPA_EINVAL, 0, 1, NULL, NULL,
        "missing columns \"child_ref\", \"child_name\""},
};

Test(import, bad_files_are_refused_whole_and_change_nothing)
{
	sepa_error err;
	struct fixture fx;
	int64_t before;

	fx_open(&fx);
	fx_load(&fx);
	before = snapshot_take(fx.db);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char path[512];
		int rc, found = 0;

		sepa_error_clear(&err);
		snprintf(path, sizeof(path), DATA "%s", refused[i].file);
		rc = fx_import(
		    &fx, refused[i].kind, path, SEPA_CSV_UTF8, today, &err);
		cr_expect_eq(rc, refused[i].rc, "%s: %d %s", path, rc, err.msg);
		cr_expect_eq(fx.res->bad_rows, refused[i].bad_rows, "%s: %ld",
		    path, (long)fx.res->bad_rows);
		cr_expect_eq(fx.res->file_id, 0, "%s", path);
		cr_expect_eq(snapshot_take(fx.db), before,
		    "%s changed the database", path);
		if (refused[i].column == NULL) {
			cr_expect(strstr(err.msg, refused[i].reason) != NULL,
			    "%s: %s", path, err.msg);
			cr_expect_eq(err.line, refused[i].line, "%s: %ld", path,
			    err.line);
			continue;
		}
		for (size_t k = 0; k < fx.res->nissues; k++) {
			const struct import_issue *is = &fx.res->issues[k];

			if (is->line == refused[i].line &&
			    strcmp(is->column, refused[i].column) == 0 &&
			    strcmp(is->value, refused[i].value) == 0 &&
			    strncmp(is->reason, refused[i].reason,
			        strlen(refused[i].reason)) == 0)
				found = 1;
		}
		cr_expect(found, "%s: no \"%s\" on line %ld; first: %ld %s %s",
		    path, refused[i].reason, refused[i].line,
		    fx.res->nissues ? fx.res->issues[0].line : 0L,
		    fx.res->nissues ? fx.res->issues[0].column : "",
		    fx.res->nissues ? fx.res->issues[0].reason : "");
	}
	fx_close(&fx);
}

Test(import, every_bad_row_is_counted_and_the_list_is_capped)
{
	sepa_error err = SEPA_ERROR_INIT;
	char path[] = "/tmp/import-many-XXXXXX";
	struct fixture fx;
	int64_t before;
	FILE *fp;
	int fd;

	fx_open(&fx);
	fx_load(&fx);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	fputs("family_ref;child_ref;child_name;service;date;quantity\n", fp);
	/* 150 bad dates, 150 unknown families, 10 good rows. */
	for (int i = 0; i < 150; i++)
		fprintf(fp, "F001;C1;Léo;canteen;2025-10-%02d;x\n", 1 + i % 28);
	for (int i = 0; i < 150; i++)
		fprintf(fp, "G%03d;C1;Max;canteen;2025-10-06;1\n", i);
	for (int i = 0; i < 10; i++)
		fprintf(fp, "F002;C1;Tom;canteen;2025-11-%02d;1\n", 1 + i);
	fclose(fp);
	before = snapshot_take(fx.db);
	cr_assert_eq(fx_import(&fx, IMPORT_CONSUMPTION, path, SEPA_CSV_UTF8,
	                 today, &err),
	    SEPA_EINVAL);
	cr_assert_eq(fx.res->rows_total, 310);
	cr_assert_eq(fx.res->bad_rows, 300);
	cr_assert_eq(fx.res->issues_total, 300);
	cr_assert_eq(fx.res->nissues, IMPORT_MAX_ISSUES);
	cr_assert_eq(fx.res->issues[0].line, 2);
	cr_assert_str_eq(fx.res->issues[0].column, "quantity");
	cr_assert_eq(snapshot_take(fx.db), before);
	unlink(path);
	fx_close(&fx);
}

Test(import, new_mandate_after_two_rejects_waits_for_the_next_school_year)
{
	sepa_error err = SEPA_ERROR_INIT;
	char path[] = "/tmp/import-rejects-XXXXXX";
	struct fixture fx;
	int64_t before;
	FILE *fp;
	int fd;

	fx_open(&fx);
	fx_load(&fx);
	cr_assert_eq(db_exec(fx.db, "end a mandate",
	                 "UPDATE mandates SET state = 'terminated', "
	                 "state_reason = '" STORE_REASON_TWO_REJECTS
	                 "', state_since = '2025-11-10' WHERE rum = "
	                 "'RUM-F001-1'",
	                 0, NULL, &err),
	    0, "%s", err.msg);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	fputs("rum;family_ref;iban;bic;signed_on\n"
	      "RUM-F001-2;F001;FR7610278060180001234567893;;2025-11-15\n",
	    fp);
	fclose(fp);
	before = snapshot_take(fx.db);
	cr_assert_eq(
	    fx_import(&fx, IMPORT_MANDATES, path, SEPA_CSV_UTF8, today, &err),
	    SEPA_EINVAL);
	cr_assert_eq(fx.res->bad_rows, 1);
	cr_assert_str_eq(fx.res->issues[0].reason,
	    "mandate RUM-F001-1 of this family ended on 2025-11-10 after two "
	    "rejects; a new mandate is accepted from 2026-09-01");
	cr_assert_str_eq(fx.res->issues[0].column, "family_ref");
	cr_assert_eq(snapshot_take(fx.db), before);
	/* The reason names the configured limit. */
	fx.rules.max_rejects_per_school_year = 3;
	cr_assert_eq(
	    fx_import(&fx, IMPORT_MANDATES, path, SEPA_CSV_UTF8, today, &err),
	    SEPA_EINVAL);
	cr_assert_str_eq(fx.res->issues[0].reason,
	    "mandate RUM-F001-1 of this family ended on 2025-11-10 after three "
	    "rejects; a new mandate is accepted from 2026-09-01");
	/* From 1 September of the next school year, it is taken. */
	cr_assert_eq(fx_import(&fx, IMPORT_MANDATES, path, SEPA_CSV_UTF8,
	                 (sepa_date){2026, 9, 1}, &err),
	    0, "%s %s", err.msg,
	    fx.res->nissues ? fx.res->issues[0].reason : "");
	cr_assert_eq(fx.res->rows_inserted, 1);
	unlink(path);
	fx_close(&fx);
}

Test(import, mandates_refused_against_existing_data)
{
	sepa_error err = SEPA_ERROR_INIT;
	char path[] = "/tmp/import-mand-XXXXXX";
	struct fixture fx;
	int64_t before;
	FILE *fp;
	int fd;

	fx_open(&fx);
	fx_load(&fx);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	fputs("rum;family_ref;iban;bic;signed_on\n"
	      /* same RUM, same IBAN: already known, fine */
	      "rum-f001-1;F001;FR7620041010050500013002675;;2025-09-15\n"
	      /* RUM of another family */
	      "RUM-F002-1;F003;FR7630002005500000123456783;;2025-10-03\n"
	      /* a second active mandate for F002 */
	      "RUM-F002-9;F002;FR7630004008230001001234513;;2025-10-03\n"
	      /* the same RUM twice in the file */
	      "RUM-F003-1;F003;FR7612345678900000000004238;;2025-10-03\n"
	      "RUM-F003-1;F003;FR7612345678900000000004238;;2025-10-03\n"
	      /* signed in the future */
	      "RUM-F003-3;F003;FR7612345678900000000004238;;2025-12-01\n",
	    fp);
	fclose(fp);
	before = snapshot_take(fx.db);
	cr_assert_eq(
	    fx_import(&fx, IMPORT_MANDATES, path, SEPA_CSV_UTF8, today, &err),
	    SEPA_EINVAL);
	cr_assert_eq(fx.res->bad_rows, 5, "%ld", (long)fx.res->bad_rows);
	cr_assert_eq(fx.res->nissues, 6);
	cr_assert_eq(fx.res->issues[0].line, 7);
	cr_assert_str_eq(
	    fx.res->issues[0].reason, "after the business date 2025-11-20");
	cr_assert_eq(fx.res->issues[1].line, 3);
	cr_assert_str_eq(
	    fx.res->issues[1].reason, "RUM belongs to family F002");
	cr_assert_eq(fx.res->issues[2].line, 4);
	cr_assert_str_eq(fx.res->issues[2].reason,
	    "family already has the active mandate RUM-F002-1");
	/* Two mandates for one family in the file (lines 3, 5, 6). */
	cr_assert_eq(fx.res->issues[3].line, 5);
	cr_assert_str_eq(fx.res->issues[3].reason,
	    "family has another mandate on line 3 of the file");
	cr_assert_eq(fx.res->issues[5].line, 6);
	cr_assert_str_eq(
	    fx.res->issues[5].reason, "RUM already on line 5 of the file");
	cr_assert_eq(snapshot_take(fx.db), before);
	unlink(path);
	fx_close(&fx);
}

/* The optional label of the tariffs (migration 040): a service's name on
 * the notices; a control character in it refuses the file. */
Test(import, tariff_labels)
{
	struct fixture fx;
	sepa_error err = SEPA_ERROR_INIT;
	char path[] = "/tmp/labels-XXXXXX";
	FILE *fp;
	int fd;

	fx_open(&fx);
	fx_ok(&fx, IMPORT_TARIFFS, DATA "tariffs_ok.csv");
	cr_assert_eq(
	    q(&fx, "SELECT count(*) FROM services WHERE label = ''"), 3);
	cr_assert_eq(fx_import(&fx, IMPORT_TARIFFS, DATA "tariffs_labels.csv",
	                 SEPA_CSV_UTF8, today, &err),
	    SEPA_EINVAL);
	cr_assert_eq(fx.res->nissues, 1);
	cr_assert_str_eq(fx.res->issues[0].column, "label");
	cr_assert_str_eq(fx.res->issues[0].reason, "holds a control character");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	fputs("service;bracket;unit;price;valid_from;label\n"
	      "canteen;A;meal;3,20;2025-09-01;Restauration scolaire\n"
	      "canteen;B;meal;4,10;2025-09-01;\n"
	      "afterschool;A;hour;1,50;2025-09-01;Accueil de loisirs\n",
	    fp);
	fclose(fp);
	fx_ok(&fx, IMPORT_TARIFFS, path);
	cr_assert_eq(
	    q(&fx,
	        "SELECT count(*) FROM services WHERE (code, label) IN "
	        "(('canteen', 'Restauration scolaire'), ('afterschool',"
	        " 'Accueil de loisirs'), ('leisure', ''))"),
	    3);
	unlink(path);
	fx_close(&fx);
}

/* ------------------------------------------- what the CAF declaration needs */

/*
 * Services per day and their CAF activity from the tariffs file, birth
 * dates from the consumption file (given once, never changed by it), the
 * children file (creates children, corrects names and birth dates).
 */
#define CAF SEPAD_SRCDIR "/tests/data/caf/"

static void
caf_load(struct fixture *fx)
{
	fx_ok(fx, IMPORT_FAMILIES, CAF "families.csv");
	fx_ok(fx, IMPORT_TARIFFS, CAF "tariffs.csv");
	fx_ok(fx, IMPORT_CONSUMPTION, CAF "consumption.csv");
}

/* A temporary file holding text; its name into path ("/tmp/...XXXXXX"). */
static void
caf_write(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *fp;

	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	cr_assert_not_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* A refused file: rc, nothing changed, and the issues listed. */
static void
caf_refused(struct fixture *fx, enum import_kind kind, const char *file,
    const struct import_issue *want, size_t nwant)
{
	sepa_error err = SEPA_ERROR_INIT;
	int64_t before = snapshot_take(fx->db);
	int rc = fx_import(fx, kind, file, SEPA_CSV_UTF8, today, &err);
	char all[8192] = "";

	for (size_t i = 0; i < fx->res->nissues; i++) {
		size_t len = strlen(all);

		snprintf(all + len, sizeof(all) - len, "%ld %s \"%s\": %s\n",
		    fx->res->issues[i].line, fx->res->issues[i].column,
		    fx->res->issues[i].value, fx->res->issues[i].reason);
	}
	cr_assert_eq(rc, SEPA_EINVAL, "%s: %s", file, err.msg);
	cr_expect_eq(
	    snapshot_take(fx->db), before, "%s changed the database", file);
	cr_expect_eq(fx->res->nissues, nwant, "%s", all);
	for (size_t i = 0; i < nwant && i < fx->res->nissues; i++) {
		const struct import_issue *is = &fx->res->issues[i];

		cr_expect_eq(is->line, want[i].line, "%s", all);
		cr_expect_str_eq(is->column, want[i].column, "%s", all);
		cr_expect_str_eq(is->value, want[i].value, "%s", all);
		cr_expect(strstr(is->reason, want[i].reason) == is->reason,
		    "%s / %s", is->reason, want[i].reason);
	}
}

Test(import_caf, services_per_day_and_their_activities)
{
	struct fixture fx;

	fx_open(&fx);
	fx_ok(&fx, IMPORT_FAMILIES, CAF "families.csv");
	fx_ok(&fx, IMPORT_TARIFFS, CAF "tariffs.csv");
	cr_expect_eq(fx.res->created, 5);
	cr_expect_eq(fx.res->rows_updated, 0);
	cr_expect_eq(q(&fx,
	                 "SELECT count(*) FROM services WHERE (code, unit, "
	                 "caf_activity) IN (('CANTINE', 'meal', 'none'), "
	                 "('ALSH', 'hour', 'extrascolaire'), ('MERCREDI', "
	                 "'hour', 'periscolaire'), ('JOURNEE', 'day', "
	                 "'extrascolaire'), ('SEJOUR', 'day', 'sejour'))"),
	    5);
	cr_expect_eq(q(&fx,
	                 "SELECT count(*) FROM tariffs t JOIN services s ON "
	                 "s.id = t.service_id WHERE s.code = 'JOURNEE' AND "
	                 "t.unit = 'day' AND t.price_cents IN (1200, 1500)"),
	    2);
	fx_close(&fx);
}

/* A later tariffs file may change a service's activity; one that leaves
 * the column out keeps it. */
Test(import_caf, a_later_tariffs_file_changes_the_activity)
{
	char path[] = "/tmp/caf-tariffs-XXXXXX";
	char path2[] = "/tmp/caf-tariffs-XXXXXX";
	struct fixture fx;

	fx_open(&fx);
	caf_load(&fx);
	caf_write(path,
	    "service;bracket;unit;price;valid_from;caf_activity\n"
	    "ALSH;A;hour;1,60;2026-09-01;périscolaire\n"
	    "ALSH;B;hour;2,10;2026-09-01;\n"
	    "SEJOUR;A;day;31;2026-09-01;\n");
	fx_ok(&fx, IMPORT_TARIFFS, path);
	cr_expect_eq(fx.res->rows_inserted, 3);
	cr_expect_eq(fx.res->rows_updated, 1);
	cr_expect_eq(fx.res->created, 0);
	cr_expect_eq(q(&fx,
	                 "SELECT count(*) FROM services WHERE (code, "
	                 "caf_activity) IN (('ALSH', 'periscolaire'), "
	                 "('SEJOUR', 'sejour'))"),
	    2);
	/* no caf_activity column at all */
	caf_write(path2,
	    "service,bracket,unit,price,valid_from\n"
	    "ALSH,A,hour,1.70,2027-01-01\n");
	fx_ok(&fx, IMPORT_TARIFFS, path2);
	cr_expect_eq(fx.res->rows_updated, 0);
	cr_expect_eq(q(&fx,
	                 "SELECT count(*) FROM services WHERE code = 'ALSH' "
	                 "AND caf_activity = 'periscolaire'"),
	    1);
	unlink(path);
	unlink(path2);
	fx_close(&fx);
}

Test(import_caf, birth_dates_from_the_consumption_file)
{
	struct fixture fx;

	fx_open(&fx);
	caf_load(&fx);
	cr_expect_eq(fx.res->created, 3);
	/* Léo and Tom born as the file says, with its line; Inès unknown */
	cr_expect_eq(q(&fx,
	                 "SELECT count(*) FROM children h JOIN families f ON "
	                 "f.id = h.family_id WHERE (f.family_ref, h.child_ref, "
	                 "h.birth_date, h.birth_source_line) IN (('F001', "
	                 "'C1', '2020-06-15', 2), ('F002', 'C1', '2015-03-01', "
	                 "9)) AND h.birth_source_file_id = (SELECT max(id) "
	                 "FROM imported_files)"),
	    2);
	cr_expect_eq(q(&fx,
	                 "SELECT count(*) FROM children WHERE child_ref = 'C2' "
	                 "AND birth_date IS NULL AND birth_source_line IS "
	                 "NULL"),
	    1);
	/* a later file gives Inès hers (and repeats the others') */
	{
		char path[] = "/tmp/caf-conso-XXXXXX";

		caf_write(path,
		    "family_ref;child_ref;child_name;service;date;quantity;"
		    "birth_date\n"
		    "F001;C2;Inès Lefèvre;ALSH;2026-07-08;2;2021-09-03\n"
		    "F001;C2;Inès Lefèvre;ALSH;2026-07-09;2;03/09/2021\n"
		    "F001;C1;Léo Lefèvre;ALSH;2026-07-08;2;2020-06-15\n");
		fx_ok(&fx, IMPORT_CONSUMPTION, path);
		unlink(path);
	}
	cr_expect_eq(fx.res->created, 0);
	cr_expect_eq(fx.res->rows_updated, 1);
	cr_expect_eq(q(&fx,
	                 "SELECT count(*) FROM children WHERE child_ref = 'C2' "
	                 "AND birth_date = '2021-09-03' AND birth_source_line "
	                 "= 2"),
	    1);
	fx_close(&fx);
}

Test(import_caf, the_children_file_creates_and_corrects)
{
	struct fixture fx;

	fx_open(&fx);
	caf_load(&fx);
	fx_ok(&fx, IMPORT_CHILDREN, CAF "children.csv");
	cr_expect_eq(fx.res->rows_total, 3);
	cr_expect_eq(fx.res->rows_inserted, 1);
	cr_expect_eq(fx.res->rows_updated, 1);
	cr_expect_eq(q(&fx,
	                 "SELECT count(*) FROM children h JOIN families f ON "
	                 "f.id = h.family_id WHERE (f.family_ref, h.child_ref, "
	                 "h.name, h.birth_date) IN (('F001', 'C2', 'Inès "
	                 "Lefèvre', '2021-09-03'), ('F002', 'C3', 'Lou "
	                 "Martin', '2023-01-10'), ('F002', 'C1', 'Tom "
	                 "Martin', '2015-03-01'))"),
	    3);
	/* Tom's empty birth date kept the one of the consumption file */
	cr_expect_eq(q(&fx,
	                 "SELECT count(*) FROM children WHERE name = 'Tom "
	                 "Martin' AND birth_source_line = 9"),
	    1);
	/* a correction */
	{
		char path[] = "/tmp/caf-children-XXXXXX";

		caf_write(path,
		    "child_ref,family_ref,child_name,birth_date\n"
		    "C1,F002,Tom Martin,2015-03-02\n"
		    "C1,F001,Léo Lefèvre,2020-06-15\n");
		fx_ok(&fx, IMPORT_CHILDREN, path);
		unlink(path);
	}
	cr_expect_eq(fx.res->rows_inserted, 0);
	cr_expect_eq(fx.res->rows_updated, 1);
	cr_expect_eq(q(&fx,
	                 "SELECT count(*) FROM children WHERE name = 'Tom "
	                 "Martin' AND birth_date = '2015-03-02' AND "
	                 "birth_source_line = 2"),
	    1);
	fx_close(&fx);
}

Test(import_caf, bad_birth_dates_are_refused_whole)
{
	static const struct import_issue want[] = {
	    {2, "birth_date", "31/02/2020", "day 31 does not exist"},
	    {3, "birth_date", "2026-02-20",
	        "after the day of attendance 2026-02-19"},
	    {4, "birth_date", "1990-01-01",
	        "25 years or more before the day of attendance 2026-03-03"},
	    {7, "date", "2026-13-05", "month 13"},
	    {7, "birth_date", "2027-01-01",
	        "after the business date 2025-11-20"},
	    /* against the file, then against what is stored */
	    {5, "birth_date", "2015-03-02",
	        "child C1 of family F002 was born on 2015-03-01 according to "
	        "consumption.csv line 9; a children file (sepactl import "
	        "children) corrects it"},
	    {6, "birth_date", "2015-03-01",
	        "child C1 of family F002 has birth date 2015-03-02 on line 5 "
	        "of the file"},
	};
	struct fixture fx;

	fx_open(&fx);
	caf_load(&fx);
	caf_refused(&fx, IMPORT_CONSUMPTION, CAF "bad_birth_dates.csv", want,
	    sizeof(want) / sizeof(want[0]));
	cr_expect_eq(fx.res->bad_rows, 6);
	fx_close(&fx);
}

Test(import_caf, bad_tariffs_are_refused_whole)
{
	static const struct import_issue want[] = {
	    {2, "caf_activity", "extrascolaire",
	        "a service billed per meal or slot has no hours to declare "
	        "to the CAF: caf_activity must be none"},
	    {3, "caf_activity", "garderie",
	        "not a CAF activity: périscolaire, extrascolaire, accueil "
	        "adolescent, séjour or none"},
	    {4, "unit", "night", "unit must be meal, slot, hour or day"},
	    {6, "caf_activity", "periscolaire",
	        "service JOURNEE has CAF activity extrascolaire on line 5 of "
	        "the file"},
	};
	struct fixture fx;

	fx_open(&fx);
	fx_ok(&fx, IMPORT_FAMILIES, CAF "families.csv");
	caf_refused(&fx, IMPORT_TARIFFS, CAF "bad_tariffs.csv", want,
	    sizeof(want) / sizeof(want[0]));
	fx_close(&fx);
}

Test(import_caf, bad_children_are_refused_whole)
{
	static const struct import_issue want[] = {
	    {5, "child_name", "", "is empty"},
	    {5, "birth_date", "2030-01-01",
	        "after the business date 2025-11-20"},
	    {2, "family_ref", "F009", "unknown family"},
	    {4, "child_ref", "C2",
	        "child C2 of family F001 already on line 3 of the file"},
	};
	struct fixture fx;

	fx_open(&fx);
	caf_load(&fx);
	caf_refused(&fx, IMPORT_CHILDREN, CAF "bad_children.csv", want,
	    sizeof(want) / sizeof(want[0]));
	fx_close(&fx);
}

/* ------------------------------------- history from the previous software */

Test(import, mandate_history_from_the_previous_software)
{
	sepa_error err = SEPA_ERROR_INIT;
	char path[] = "/tmp/import-hist-XXXXXX";
	char back[] = "/tmp/import-hist-back-XXXXXX";
	char bad[] = "/tmp/import-hist-bad-XXXXXX";
	char fwd[] = "/tmp/import-hist-fwd-XXXXXX";
	struct fixture fx;
	int64_t before;

	fx_open(&fx);
	fx_ok(&fx, IMPORT_FAMILIES, DATA "families_ok.csv");
	/* signed in 2021, debited by the old software until June */
	caf_write(path,
	    "rum;family_ref;iban;bic;signed_on;last_collected_on;sequence\n"
	    "RUM-OLD-1;F001;FR7620041010050500013002675;;2021-03-10;"
	    "2025-06-15;rcur\n"
	    "RUM-OLD-2;F002;FR7630002005500000123456783;;2025-10-03;;\n");
	fx_ok(&fx, IMPORT_MANDATES, path);
	cr_assert_eq(fx.res->rows_inserted, 2);
	cr_assert_eq(
	    q(&fx,
	        "SELECT count(*) FROM mandates WHERE rum = 'RUM-OLD-1' "
	        "AND last_collected_on = '2025-06-15' AND "
	        "presented_before"),
	    1);
	cr_assert_eq(
	    q(&fx,
	        "SELECT count(*) FROM mandates WHERE rum = 'RUM-OLD-2' "
	        "AND last_collected_on IS NULL AND NOT "
	        "presented_before"),
	    1);

	/* Bad history: before the signature, in the future, no sequence. */
	caf_write(bad,
	    "rum;family_ref;iban;bic;signed_on;last_collected_on;sequence\n"
	    "RUM-NEW-3;F003;FR7612345678900000000004238;;2025-10-03;"
	    "2025-10-02;RCUR\n"
	    "RUM-OLD-2;F002;FR7630002005500000123456783;;2025-10-03;"
	    "2025-11-21;\n"
	    "RUM-OLD-1;F001;FR7620041010050500013002675;;2021-03-10;;OOFF\n");
	before = snapshot_take(fx.db);
	cr_assert_eq(
	    fx_import(&fx, IMPORT_MANDATES, bad, SEPA_CSV_UTF8, today, &err),
	    SEPA_EINVAL);
	cr_assert_eq(fx.res->bad_rows, 3);
	cr_assert_eq(fx.res->issues[0].line, 2);
	cr_assert_str_eq(fx.res->issues[0].column, "last_collected_on");
	cr_assert_str_eq(
	    fx.res->issues[0].reason, "before the signature date 2025-10-03");
	cr_assert_eq(fx.res->issues[1].line, 3);
	cr_assert_str_eq(
	    fx.res->issues[1].reason, "after the business date 2025-11-20");
	cr_assert_eq(fx.res->issues[2].line, 4);
	cr_assert_str_eq(fx.res->issues[2].column, "sequence");
	cr_assert_str_eq(
	    fx.res->issues[2].reason, "sequence must be FRST or RCUR");
	cr_assert_eq(snapshot_take(fx.db), before);

	/* Imported again, the history may not go back ... */
	caf_write(back,
	    "rum;family_ref;iban;bic;signed_on;last_collected_on;sequence\n"
	    "RUM-OLD-1;F001;FR7620041010050500013002675;;2021-03-10;"
	    "2025-05-15;FRST\n");
	cr_assert_eq(
	    fx_import(&fx, IMPORT_MANDATES, back, SEPA_CSV_UTF8, today, &err),
	    SEPA_EINVAL);
	cr_assert_eq(fx.res->bad_rows, 1);
	cr_assert_eq(fx.res->nissues, 2);
	cr_assert_str_eq(fx.res->issues[0].reason,
	    "mandate RUM-OLD-1 was last collected on 2025-06-15 already: its "
	    "history only moves forward");
	cr_assert_str_eq(fx.res->issues[1].reason,
	    "mandate RUM-OLD-1 was presented already (RCUR): its history "
	    "only moves forward");
	cr_assert_eq(snapshot_take(fx.db), before);

	/* ... but forward it moves: a later debit, FRST to RCUR. */
	caf_write(fwd,
	    "rum;family_ref;iban;bic;signed_on;last_collected_on;sequence\n"
	    "RUM-OLD-1;F001;FR7620041010050500013002675;;2021-03-10;"
	    "2025-07-15;RCUR\n"
	    "RUM-OLD-2;F002;FR7630002005500000123456783;;2025-10-03;"
	    "2025-10-15;RCUR\n");
	fx_ok(&fx, IMPORT_MANDATES, fwd);
	cr_assert_eq(fx.res->rows_inserted, 0);
	cr_assert_eq(fx.res->rows_updated, 2);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM mandates WHERE presented_before "
	                 "AND last_collected_on IN ('2025-07-15', "
	                 "'2025-10-15')"),
	    2);
	unlink(path);
	unlink(back);
	unlink(bad);
	unlink(fwd);
	fx_close(&fx);
}

/* ------------------------------- texts no pain.008 could carry */

Test(import, families_whose_texts_no_file_can_carry_are_refused)
{
	sepa_error err = SEPA_ERROR_INIT;
	char bad[] = "/tmp/import-text-bad-XXXXXX";
	char good[] = "/tmp/import-text-good-XXXXXX";
	struct fixture fx;
	int64_t before;

	fx_open(&fx);
	caf_write(bad,
	    "family_ref;payer_name;street;postcode;city;country;email;"
	    "bracket\n"
	    "F1;Лев Толстой;1 rue A;99999;Paris;FR;;A\n"
	    "F2;李小龍;2 rue A;99999;Paris;FR;;A\n"
	    "F3;Jean Dupont;3 rue A;99999;☕;FR;;A\n"
	    "F4;Γιώργος Παπαδόπουλος;李;99999;Αθήνα;GR;;A\n");
	before = snapshot_take(fx.db);
	cr_assert_eq(
	    fx_import(&fx, IMPORT_FAMILIES, bad, SEPA_CSV_UTF8, today, &err),
	    SEPA_EINVAL);
	cr_assert_eq(fx.res->bad_rows, 2);
	cr_assert_eq(fx.res->nissues, 2);
	cr_assert_eq(fx.res->issues[0].line, 3);
	cr_assert_str_eq(fx.res->issues[0].column, "payer_name");
	cr_assert_str_eq(fx.res->issues[0].value, "李小龍");
	cr_assert_str_eq(fx.res->issues[0].reason,
	    "no pain.008 can carry it: Dbtr/Nm is empty once reduced to the "
	    "SEPA character set");
	cr_assert_eq(fx.res->issues[1].line, 4);
	cr_assert_str_eq(fx.res->issues[1].column, "city");
	cr_assert_eq(snapshot_take(fx.db), before);
	/* Cyrillic and Greek names pass, stored as written. */
	caf_write(good,
	    "family_ref;payer_name;street;postcode;city;country;email;"
	    "bracket\n"
	    "F1;Лев Толстой;1 rue A;99999;Paris;FR;;A\n"
	    "F4;Γιώργος Παπαδόπουλος;李;99999;Αθήνα;GR;;A\n");
	fx_ok(&fx, IMPORT_FAMILIES, good);
	cr_assert_eq(q(&fx,
	                 "SELECT count(*) FROM families WHERE payer_name IN "
	                 "('Лев Толстой', 'Γιώργος Παπαδόπουλος')"),
	    2);
	unlink(bad);
	unlink(good);
	fx_close(&fx);
}
