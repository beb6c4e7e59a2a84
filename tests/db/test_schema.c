/*
 * test_schema.c - store_schema.c: migrations apply in order, re-running is
 * a no-op, a failed migration leaves the database as it was; and the
 * constraints of the core model hold.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "dbtest.h"
#include "returnsfix.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "store_cycle.h"
#include "store_schema.h"

static void
put_file(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
	fputs(text, fp);
	fclose(fp);
}

Test(schema, migrations_apply_then_rerun_is_noop)
{
	sepa_error err = SEPA_ERROR_INIT;
	int applied = -1, version = -1;
	char name[64];
	struct db *db = dbtest_open(name, "template0");

	cr_assert_eq(
	    store_schema_version(db, &version, &err), 0, "%s", err.msg);
	cr_assert_eq(version, 0);
	cr_assert_eq(store_schema_migrate(
	                 db, store_schema_dir(), &applied, &version, &err),
	    0, "%s", err.msg);
	cr_assert_geq(applied, 1);
	cr_assert_geq(version, 1);
	cr_assert_eq(
	    dbtest_int(db, "SELECT count(*) FROM schema_version"), applied);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM invoices"), 0);
	cr_assert_eq(store_schema_migrate(
	                 db, store_schema_dir(), &applied, &version, &err),
	    0, "%s", err.msg);
	cr_assert_eq(applied, 0);
	/* Migration numbers are assigned per issue: gaps are allowed. */
	cr_assert_eq(
	    dbtest_int(db, "SELECT max(version) FROM schema_version"), version);
	db_close(db);
	dbtest_drop(name);
}

Test(schema, new_migration_applies_on_top)
{
	sepa_error err = SEPA_ERROR_INIT;
	int applied = -1, version = -1, before;
	char dir[512], name[64], src[1024];
	struct db *db = dbtest_open(name, "sepad");

	cr_assert_eq(store_schema_version(db, &before, &err), 0);
	cr_assert_geq(before, 1);
	dbtest_migrations(dir, sizeof(dir), "ontop", 0);
	snprintf(src, sizeof(src), "cp %s/*.sql '%s'", store_schema_dir(), dir);
	cr_assert_eq(system(src), 0);
	put_file(dir, "900_extra.sql",
	    "CREATE TABLE extra (id int);\nINSERT INTO extra VALUES (7);\n");
	cr_assert_eq(store_schema_migrate(db, dir, &applied, &version, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(applied, 1);
	cr_assert_eq(version, 900);
	cr_assert_eq(dbtest_int(db, "SELECT id FROM extra"), 7);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM schema_version WHERE "
	                 "version = 900 AND name = '900_extra.sql'"),
	    1);
	dbtest_rmdir(dir);
	db_close(db);
	dbtest_drop(name);
}

/*
 * A broken migration after good ones: nothing of the run stays, neither the
 * good ones before it nor its own first statements.
 */
Test(schema, broken_migration_rolls_everything_back)
{
	sepa_error err = SEPA_ERROR_INIT;
	int applied = -1, version = -1;
	char dir[512], name[64];
	struct db *db = dbtest_open(name, "template0");

	dbtest_migrations(dir, sizeof(dir), "broken", 0);
	put_file(dir, "001_one.sql", "CREATE TABLE one (id int);\n");
	put_file(dir, "002_two.sql",
	    "CREATE TABLE two (id int);\nINSERT INTO two VALUES (1);\n"
	    "INSERT INTO two VALUES ('not a number');\n");
	cr_assert_eq(
	    store_schema_migrate(db, dir, &applied, &version, &err), SEPA_EIO);
	cr_assert_str_eq(err.msg,
	    "could not apply migration 002_two.sql: invalid input syntax for "
	    "type integer: \"not a number\"");
	cr_assert_eq(applied, 0);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM pg_tables WHERE tablename IN "
	                 "('one', 'two', 'schema_version')"),
	    0);
	/* Fixed, it applies. */
	put_file(dir, "002_two.sql", "CREATE TABLE two (id int);\n");
	cr_assert_eq(store_schema_migrate(db, dir, &applied, &version, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(applied, 2);
	cr_assert_eq(version, 2);
	dbtest_rmdir(dir);
	db_close(db);
	dbtest_drop(name);
}

static const struct {
	const char *files[3];
	const char *msg; /* after "could not ... in DIR: " */
} bad_dirs[] = {
    {{"001_a.sql", "1_b.sql", NULL},
        "1_b.sql is not named NNN_name.sql (NNN from 001, name in a-z 0-9 _)"},
    {{"001_a.sql", "002-B.sql", NULL},
        "002-B.sql is not named NNN_name.sql (NNN from 001, name in a-z 0-9 _)"},
    {{"003_a.sql", "003_b.sql", NULL},
        "003_a.sql and 003_b.sql have the same number"},
};

Test(schema, bad_migration_directories_are_refused)
{
	sepa_error err = SEPA_ERROR_INIT;
	int applied, version;
	char dir[512], name[64], tag[16];
	struct db *db = dbtest_open(name, "template0");

	for (size_t i = 0; i < sizeof(bad_dirs) / sizeof(bad_dirs[0]); i++) {
		snprintf(tag, sizeof(tag), "bad%zu", i);
		dbtest_migrations(dir, sizeof(dir), tag, 0);
		for (int j = 0; bad_dirs[i].files[j] != NULL; j++)
			put_file(dir, bad_dirs[i].files[j], "SELECT 1;\n");
		cr_expect_eq(
		    store_schema_migrate(db, dir, &applied, &version, &err),
		    SEPA_EINVAL);
		cr_expect(strstr(err.msg, bad_dirs[i].msg) != NULL,
		    "got %s\nwant %s", err.msg, bad_dirs[i].msg);
		dbtest_rmdir(dir);
	}
	cr_assert_eq(
	    store_schema_migrate(db, "/nonexistent", &applied, &version, &err),
	    SEPA_EIO);
	cr_assert_str_eq(err.msg,
	    "could not read the migrations directory "
	    "/nonexistent: No such file or directory");
	db_close(db);
	dbtest_drop(name);
}

#define SCHEMA_COLL_COLS \
	"creditor_id, batch_id, invoice_id, mandate_id, account_id, " \
	"pmt_inf_id, end_to_end_id, seq_type, due_on, amount_cents, rum, " \
	"signed_on, debtor_name, iban, amendment, state_since"

/* A statement and how it must end: done (DB_FAIL_NONE), or refused so,
 * naming the constraint. */
struct schema_case {
	const char *sql;
	enum db_fail fail;
	const char *constraint;
};

static void
schema_run_cases(struct db *db, const struct schema_case *cases, size_t n)
{
	sepa_error err = SEPA_ERROR_INIT;

	for (size_t i = 0; i < n; i++) {
		int rc = db_exec(db, "run it", cases[i].sql, 0, NULL, &err);

		if (cases[i].fail == DB_FAIL_NONE) {
			cr_expect_eq(rc, 0, "%s: %s", cases[i].sql, err.msg);
			continue;
		}
		cr_expect_neq(rc, 0, "accepted: %s", cases[i].sql);
		cr_expect_eq(db_last_fail(db), cases[i].fail, "%s: %s",
		    cases[i].sql, err.msg);
		cr_expect(strstr(err.msg, cases[i].constraint) != NULL,
		    "%s: %s", cases[i].sql, err.msg);
	}
}

/* Statements against the core model, each expected to fail so. */
static const struct schema_case model_refusals[] = {
    {"INSERT INTO creditors (ics, name) VALUES ('FR72 ZZZ', 'x')",
        DB_FAIL_CHECK, "creditors_ics_check"},
    {"INSERT INTO creditors (ics, name) VALUES ('FR72ZZZ123456', 'again')",
        DB_FAIL_UNIQUE, "creditors_ics_key"},
    {"INSERT INTO mandates (creditor_id, family_id, rum, signed_on) "
     "VALUES (1, 1, 'rum-1', '2025-09-01')",
        DB_FAIL_UNIQUE, "mandates_rum"},
    {"INSERT INTO mandates (creditor_id, family_id, rum, signed_on) "
     "VALUES (1, 1, 'A//B', '2025-09-01')",
        DB_FAIL_CHECK, "mandates_rum_check"},
    {"INSERT INTO mandates (creditor_id, family_id, rum, signed_on) "
     "VALUES (2, 1, 'OTHER-1', '2025-09-01')",
        DB_FAIL_FOREIGN_KEY, "mandates_creditor_id_family_id_fkey"},
    {"UPDATE mandates SET state = 'terminated'", DB_FAIL_CHECK,
        "mandates_check"},
    {"INSERT INTO mandate_accounts (creditor_id, mandate_id, iban, "
     "applies_from, received_on) VALUES (1, 1, 'FR7630006000011234567890189', "
     "'2025-10-02', '2025-09-20')",
        DB_FAIL_CHECK, "mandate_accounts_applies_from_check"},
    {"INSERT INTO tariffs (creditor_id, service_id, unit, bracket, "
     "price_cents, valid_from) VALUES (1, 1, 'hour', 'A', 100, '2025-09-01')",
        DB_FAIL_FOREIGN_KEY, "tariffs_creditor_id_service_id_unit_fkey"},
    {"INSERT INTO payments (creditor_id, invoice_id, amount_cents, paid_on) "
     "VALUES (1, 1, 0, '2025-10-01')",
        DB_FAIL_CHECK, "payments_amount_cents_check"},
    {"INSERT INTO invoice_lines (creditor_id, invoice_id, line_no, kind, "
     "amount_cents) VALUES (1, 1, 1, 'consumption', 100)",
        DB_FAIL_CHECK, "invoice_lines_priced"},
    /* Migration 033: a credit line names its invoice and is negative. */
    {"INSERT INTO invoice_lines (creditor_id, invoice_id, line_no, kind, "
     "amount_cents) VALUES (1, 1, 1, 'credit', -100)",
        DB_FAIL_CHECK, "invoice_lines_credit_names_invoice"},
    {"INSERT INTO invoice_lines (creditor_id, invoice_id, line_no, kind, "
     "amount_cents, credited_invoice_id) VALUES (1, 1, 1, 'credit', 100, 1)",
        DB_FAIL_CHECK, "invoice_lines_credit_negative"},
    /* Migration 012: one FRST per mandate, one amendment per account. */
    {"INSERT INTO collections (" SCHEMA_COLL_COLS ") VALUES (1, 1, 2, 1, 1, "
     "'P-B001', 'E-2', 'FRST', '2025-11-17', 900, 'RUM-1', '2025-09-01', "
     "'Payer', 'FR7630006000011234567890189', 'none', '2025-11-06')",
        DB_FAIL_UNIQUE, "collections_one_frst_per_mandate"},
    {"INSERT INTO collections (" SCHEMA_COLL_COLS ") VALUES (1, 1, 2, 1, 1, "
     "'P-B002', 'E-2', 'RCUR', '2025-11-17', 900, 'RUM-1', '2025-09-01', "
     "'Payer', 'FR7630006000011234567890189', 'other_bank', '2025-11-06')",
        DB_FAIL_UNIQUE, "collections_one_amendment_per_account"},
    {"UPDATE invoices SET collect_due_on = due_on WHERE id = 1", DB_FAIL_CHECK,
        "invoices_collect_due_on_check"},
};

Test(schema, model_constraints_hold)
{
	sepa_error err = SEPA_ERROR_INIT;
	char name[64];
	struct db *db = dbtest_open(name, "sepad");

	cr_assert_eq(
	    db_exec_script(db, "seed",
	        "INSERT INTO creditors (ics, name) VALUES "
	        "('FR72ZZZ123456', 'Commune A'), ('FR46ZZZ005002', 'Commune B');"
	        "INSERT INTO families (creditor_id, family_ref, payer_name, town,"
	        " country, bracket) VALUES (1, 'F1', 'Payer', 'Town', 'FR', 'A');"
	        "INSERT INTO services (creditor_id, code, unit) VALUES "
	        "(1, 'cantine', 'meal');"
	        "INSERT INTO mandates (creditor_id, family_id, rum, signed_on) "
	        "VALUES (1, 1, 'RUM-1', '2025-09-01');"
	        "INSERT INTO invoices (creditor_id, family_id, month, number, "
	        "issued_on, due_on, total_cents, state_since) VALUES (1, 1, "
	        "'2025-09-01', '2025-09-0001', '2025-10-01', '2025-10-15', "
	        "1000, '2025-10-01'), (1, 1, '2025-10-01', '2025-10-0001', "
	        "'2025-11-02', '2025-11-17', 900, '2025-11-02');"
	        "INSERT INTO mandate_accounts (creditor_id, mandate_id, iban, "
	        "applies_from, received_on, amendment_required) VALUES (1, 1, "
	        "'FR7630006000011234567890189', '2025-10-01', '2025-09-20', "
	        "true);"
	        "INSERT INTO batches (creditor_id, collection_month, part, "
	        "msg_id, created_at, pain_version, file_name, nb_of_txs, "
	        "ctrl_sum_cents, cdtr_name, cdtr_iban, cdtr_ics) VALUES (1, "
	        "'2025-10-01', 1, 'M-1', now(), '001.08', 'f.xml', 1, 1000, "
	        "'Commune A', 'FR7630006000011234567890189', 'FR72ZZZ123456');"
	        "INSERT INTO collections (" SCHEMA_COLL_COLS
	        ") VALUES (1, 1, 1, "
	        "1, 1, 'P-B001', 'E-1', 'FRST', '2025-10-15', 1000, 'RUM-1', "
	        "'2025-09-01', 'Payer', 'FR7630006000011234567890189', "
	        "'other_bank', '2025-10-06');",
	        &err),
	    0, "%s", err.msg);
	schema_run_cases(db, model_refusals,
	    sizeof(model_refusals) / sizeof(model_refusals[0]));
	db_close(db);
	dbtest_drop(name);
}

/* What was applied is checked against the files before anything runs. */
Test(schema, applied_migrations_must_not_change)
{
	sepa_error err = SEPA_ERROR_INIT;
	int applied = -1, version = -1;
	char dir[512], name[64];
	struct db *db = dbtest_open(name, "template0");

	dbtest_migrations(dir, sizeof(dir), "changed", 0);
	put_file(dir, "001_one.sql", "CREATE TABLE one (id int);\n");
	put_file(dir, "003_three.sql", "CREATE TABLE three (id int);\n");
	cr_assert_eq(store_schema_migrate(db, dir, &applied, &version, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(version, 3);

	/* An edited migration. */
	put_file(dir, "001_one.sql", "CREATE TABLE one (id bigint);\n");
	put_file(dir, "004_four.sql", "CREATE TABLE four (id int);\n");
	cr_assert_eq(store_schema_migrate(db, dir, &applied, &version, &err),
	    SEPA_ESTATE);
	cr_assert(
	    strstr(err.msg,
	        "could not migrate: 001_one.sql was changed "
	        "after it was applied as 001_one.sql (sha256 ") == err.msg,
	    "%s", err.msg);
	put_file(dir, "001_one.sql", "CREATE TABLE one (id int);\n");

	/* A file slipped in below the current version. */
	put_file(dir, "002_two.sql", "CREATE TABLE two (id int);\n");
	cr_assert_eq(store_schema_migrate(db, dir, &applied, &version, &err),
	    SEPA_ESTATE);
	cr_assert_str_eq(err.msg,
	    "could not migrate: 002_two.sql is numbered below the schema "
	    "version 3 but was never applied");
	dbtest_rmdir(dir);

	/* The database is newer than the files. */
	dbtest_migrations(dir, sizeof(dir), "older", 0);
	put_file(dir, "001_one.sql", "CREATE TABLE one (id int);\n");
	cr_assert_eq(store_schema_migrate(db, dir, &applied, &version, &err),
	    SEPA_ESTATE);
	cr_assert(strstr(err.msg,
	              "could not migrate: the database schema is "
	              "at version 3, newer than the migrations in ") == err.msg,
	    "%s", err.msg);
	/* None of the refused runs changed anything. */
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM pg_tables WHERE "
	                 "tablename IN ('two', 'four')"),
	    0);
	cr_assert_eq(
	    dbtest_int(db, "SELECT max(version) FROM schema_version"), 3);
	dbtest_rmdir(dir);
	db_close(db);
	dbtest_drop(name);
}

static void
schema_status_line(void *arg, const char *section, const char *text)
{
	char *buf = arg;

	if (strcmp(section, "ran") == 0)
		snprintf(buf + strlen(buf), 1024 - strlen(buf), "%s\n", text);
}

/*
 * Migration 011: the 'invoice' rows of cycle_steps written by `invoice
 * run` (keyed on the billed month, with an "invoice.run" event) move to
 * the cycle month; the cycle's own rows (a "cycle.step" event) stay; one
 * row per cycle month remains; a row with neither stays as it was.
 */
Test(schema, cycle_steps_keyed_on_the_cycle_month)
{
	sepa_error err = SEPA_ERROR_INIT;
	int applied = -1, version = -1;
	char dir[512], cmd[2048], name[64], ran[1024] = "";
	struct db *db = dbtest_open(name, "template0");

	dbtest_migrations(dir, sizeof(dir), "cycle", 10);
	cr_assert_eq(store_schema_migrate(db, dir, &applied, &version, &err), 0,
	    "%s", err.msg);
	cr_assert_lt(version, 11);
	cr_assert_eq(
	    db_exec_script(db, "seed",
	        "INSERT INTO creditors (ics, name) VALUES "
	        "('FR72ZZZ123456', 'Commune A');"
	        /* The cycle of October ran invoice run for September. */
	        "INSERT INTO cycle_steps (creditor_id, step, month, done_on)"
	        " VALUES (1, 'invoice', '2026-09-01', '2026-10-01'),"
	        " (1, 'invoice', '2026-10-01', '2026-10-01');"
	        "INSERT INTO events (creditor_id, business_date, kind, month,"
	        " message) VALUES (1, '2026-10-01', 'invoice.run',"
	        " '2026-09-01', '30 invoices issued for 2026-09'),"
	        " (1, '2026-10-01', 'cycle.step', '2026-10-01',"
	        " 'cycle step invoice of 2026-10 done');"
	        /* October billed by hand on 2 November, then the cycle. */
	        "INSERT INTO cycle_steps (creditor_id, step, month, done_on)"
	        " VALUES (1, 'invoice', '2026-11-01', '2026-11-03');"
	        "UPDATE cycle_steps SET done_on = '2026-11-02' WHERE month ="
	        " '2026-10-01';"
	        "INSERT INTO events (creditor_id, business_date, kind, month,"
	        " message) VALUES (1, '2026-11-02', 'invoice.run',"
	        " '2026-10-01', '31 invoices issued for 2026-10'),"
	        " (1, '2026-11-03', 'cycle.step', '2026-11-01',"
	        " 'cycle step invoice of 2026-11 done');"
	        /* By hand, no event; and another step. */
	        "INSERT INTO cycle_steps (creditor_id, step, month, done_on)"
	        " VALUES (1, 'invoice', '2026-06-01', '2026-06-01'),"
	        " (1, 'collect', '2026-10-01', '2026-10-06');",
	        &err),
	    0, "%s", err.msg);
	snprintf(cmd, sizeof(cmd), "cp '%s'/schemas/sql/011_*.sql '%s'",
	    SEPAD_SRCDIR, dir);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(store_schema_migrate(db, dir, &applied, &version, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(version, 11);
	cr_assert_eq(
	    dbtest_int(db,
	        "SELECT count(*) FROM cycle_steps WHERE (step, month,"
	        " done_on) IN (('invoice', '2026-06-01', '2026-06-01'),"
	        " ('invoice', '2026-10-01', '2026-10-01'),"
	        " ('invoice', '2026-11-01', '2026-11-02'),"
	        " ('collect', '2026-10-01', '2026-10-06'))"),
	    4);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM cycle_steps"), 4);
	cr_assert_eq(
	    store_cycle_status(db, 1, 10, schema_status_line, ran, &err), 0,
	    "%s", err.msg);
	/* step, cycle month, day it ran (status words them: "invoice of
	 * 2026-11 (bills 2026-10) on 2026-11-02", tests/it/test_collect.c) */
	cr_assert_str_eq(ran,
	    "invoice 2026-11 2026-11-02\n"
	    "collect 2026-10 2026-10-06\n"
	    "invoice 2026-10 2026-10-01\n"
	    "invoice 2026-06 2026-06-01\n");
	dbtest_rmdir(dir);
	db_close(db);
	dbtest_drop(name);
}

/* A copy of the collection E2E-F1-202510 (fixture of the returns tests)
 * under another EndToEndId, for the same invoice. */
#define SCHEMA_SECOND_COLLECTION \
	"INSERT INTO collections (creditor_id, batch_id, invoice_id, " \
	"mandate_id, account_id, pmt_inf_id, end_to_end_id, seq_type, " \
	"due_on, amount_cents, rum, signed_on, debtor_name, iban, state, " \
	"state_since) SELECT creditor_id, batch_id, invoice_id, mandate_id, " \
	"account_id, pmt_inf_id, 'E2E-F1-202510-2', seq_type, due_on, " \
	"amount_cents, rum, signed_on, debtor_name, iban, 'pending', " \
	"state_since FROM collections WHERE end_to_end_id = 'E2E-F1-202510'"

/* The rules migration 013 rewrote for speed, in order: each statement
 * succeeds (DB_FAIL_NONE) or fails on the constraint named. */
static const struct schema_case speed_steps[] = {
    /* an invoice has at most one live collection */
    {SCHEMA_SECOND_COLLECTION, DB_FAIL_UNIQUE, "collections_one_live"},
    {"UPDATE collections SET state = 'cancelled' "
     "WHERE end_to_end_id = 'E2E-F1-202510'",
        DB_FAIL_NONE, NULL},
    {SCHEMA_SECOND_COLLECTION, DB_FAIL_NONE, NULL},
    {"UPDATE collections SET state = 'sent' "
     "WHERE end_to_end_id = 'E2E-F1-202510'",
        DB_FAIL_UNIQUE, "collections_one_live"},
    {"UPDATE collections SET state = 'cancelled' "
     "WHERE end_to_end_id = 'E2E-F1-202510-2'",
        DB_FAIL_NONE, NULL},
    {"UPDATE collections SET state = 'sent' "
     "WHERE end_to_end_id = 'E2E-F1-202510'",
        DB_FAIL_NONE, NULL},
    /* Max35Text of the SEPA character set */
    {"UPDATE collections SET end_to_end_id = '' "
     "WHERE end_to_end_id = 'E2E-F2-202510'",
        DB_FAIL_CHECK, "collections_end_to_end_id_check"},
    {"UPDATE collections SET end_to_end_id = repeat('A', 36) "
     "WHERE end_to_end_id = 'E2E-F2-202510'",
        DB_FAIL_CHECK, "collections_end_to_end_id_check"},
    {"UPDATE collections SET end_to_end_id = 'E2E_F2' "
     "WHERE end_to_end_id = 'E2E-F2-202510'",
        DB_FAIL_CHECK, "collections_end_to_end_id_check"},
    {"UPDATE collections SET end_to_end_id = 'E2E-F2-\u00c9' "
     "WHERE end_to_end_id = 'E2E-F2-202510'",
        DB_FAIL_CHECK, "collections_end_to_end_id_check"},
    {"UPDATE collections SET end_to_end_id = E'E2E-F2\\n' "
     "WHERE end_to_end_id = 'E2E-F2-202510'",
        DB_FAIL_CHECK, "collections_end_to_end_id_check"},
    {"UPDATE collections SET end_to_end_id = repeat('A', 35) "
     "WHERE end_to_end_id = 'E2E-F2-202510'",
        DB_FAIL_NONE, NULL},
    {"UPDATE collections SET end_to_end_id = 'az09/?:().,''+ -' "
     "WHERE end_to_end_id = 'E2E-F3-202510'",
        DB_FAIL_NONE, NULL},
    {"UPDATE collections SET pmt_inf_id = repeat('P', 36) "
     "WHERE end_to_end_id = 'E2E-F1-202511'",
        DB_FAIL_CHECK, "collections_pmt_inf_id_check"},
    {"UPDATE collections SET pmt_inf_id = 'PMT#1' "
     "WHERE end_to_end_id = 'E2E-F1-202511'",
        DB_FAIL_CHECK, "collections_pmt_inf_id_check"},
    {"UPDATE collections SET pmt_inf_id = '' "
     "WHERE end_to_end_id = 'E2E-F1-202511'",
        DB_FAIL_CHECK, "collections_pmt_inf_id_check"},
    /* the creditor of a stored record, effect or quarantine entry
     * exists: the composite keys prove it */
    {"INSERT INTO imported_files (creditor_id, kind, sha256, file_name, "
     "size_bytes) VALUES (1, 'camt054', repeat('0', 64), 'r.xml', 1)",
        DB_FAIL_NONE, NULL},
    {"INSERT INTO return_records (creditor_id, file_id, line, idx, kind, "
     "level, outcome) SELECT 99, id, 1, 0, 'info', 'group', 'stored' "
     "FROM imported_files",
        DB_FAIL_FOREIGN_KEY, "return_records_creditor_id_file_id_fkey"},
    {"INSERT INTO return_records (creditor_id, file_id, line, idx, kind, "
     "level, outcome) SELECT 1, id, 1, 0, 'info', 'group', 'stored' "
     "FROM imported_files",
        DB_FAIL_NONE, NULL},
    {"INSERT INTO return_effects (creditor_id, record_id, collection_id, "
     "family, new_state, counted, school_year, applied_on) SELECT 99, r.id, "
     "c.id, 'unpaid', 'rejected', true, 2025, '2025-11-02' "
     "FROM return_records r, collections c "
     "WHERE c.end_to_end_id = 'E2E-F1-202511'",
        DB_FAIL_FOREIGN_KEY, "return_effects_creditor_id_record_id_fkey"},
    {"INSERT INTO return_quarantine (creditor_id, record_id, reason) "
     "SELECT 99, id, 'test' FROM return_records",
        DB_FAIL_FOREIGN_KEY, "return_quarantine_creditor_id_record_id_fkey"},
    {"DELETE FROM creditors", DB_FAIL_FOREIGN_KEY, "_creditor_id_fkey"},
};

Test(schema, returns_speed_keeps_the_rules)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");

	retfix_load(db);
	schema_run_cases(
	    db, speed_steps, sizeof(speed_steps) / sizeof(speed_steps[0]));
	db_close(db);
	dbtest_drop(name);
}

/* What a returns import does to collections and invoices changes no
 * indexed column: PostgreSQL writes the new versions in place (HOT),
 * without an entry in every index (migration 013). */
Test(schema, state_changes_are_heap_only_updates)
{
	sepa_error err = SEPA_ERROR_INIT;
	char name[64];
	struct db *db = dbtest_open(name, "sepad");

	retfix_load(db);
	cr_assert_eq(db_exec(db, "begin", "BEGIN", 0, NULL, &err), 0);
	cr_assert_eq(db_exec(db, "reject",
	                 "UPDATE collections SET state = 'rejected', "
	                 "state_since = '2025-11-02', reason_code = 'AM04'",
	                 0, NULL, &err),
	    0, "%s", err.msg);
	cr_assert_eq(db_exec(db, "unpaid",
	                 "UPDATE invoices SET state = 'unpaid', "
	                 "state_since = '2025-11-02', unpaid_reason = "
	                 "'rejected AM04 (camt054.xml line 12)'",
	                 0, NULL, &err),
	    0, "%s", err.msg);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT n_tup_hot_upd FROM pg_stat_xact_user_tables "
	                 "WHERE relname = 'collections'"),
	    9);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT n_tup_hot_upd FROM pg_stat_xact_user_tables "
	                 "WHERE relname = 'invoices'"),
	    9);
	cr_assert_eq(db_exec(db, "rollback", "ROLLBACK", 0, NULL, &err), 0);
	db_close(db);
	dbtest_drop(name);
}
