/*
 * test_batches.c - migration 008: consumption billed by batch. A database
 * of migration 007 with lines already linked to invoice lines converts to
 * batches (billed or not); one it cannot convert is refused whole; and the
 * rows consumption relies on can no longer be deleted.
 */
#include <string.h>

#include "invoice_seed.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"
#include "db_internal.h"
#include "store_invoice.h"
#include "store_schema.h"

static void
dir_add_all(const char *dir)
{
	char cmd[2048];

	snprintf(
	    cmd, sizeof(cmd), "cp '%s'/*.sql '%s'", store_schema_dir(), dir);
	cr_assert_eq(system(cmd), 0);
}

/* The commune, one September invoice of FAM1 with one line, and three
 * consumption lines of one file: two September lines billed by that line
 * (or only the first when `partly`), one October line not billed. */
static void
seed_007(struct db *db, bool partly)
{
	sepa_error err = SEPA_ERROR_INIT;

	seed_commune(db);
	cr_assert_eq(
	    db_exec_script(db, "seed the invoice",
	        "INSERT INTO invoices (creditor_id, family_id, month, number, "
	        "  issued_on, due_on, total_cents, state_since) "
	        "SELECT creditor_id, id, '2026-09-01', 'F2026-09-000001', "
	        "  '2026-10-02', '2026-10-15', 200, '2026-10-02' "
	        "FROM families WHERE family_ref = 'FAM1';"
	        "INSERT INTO invoice_lines (creditor_id, invoice_id, line_no, "
	        "  kind, child_id, service_id, consumed_month, quantity_milli, "
	        "  unit_price_cents, amount_cents) "
	        "SELECT i.creditor_id, i.id, 1, 'consumption', c.id, s.id, "
	        "  '2026-09-01', 2000, 100, 200 FROM invoices i "
	        "JOIN children c ON c.family_id = i.family_id "
	        "  AND c.child_ref = 'E1' "
	        "JOIN services s ON s.code = 'CANTINE';"
	        "INSERT INTO consumption_lines (creditor_id, family_id, "
	        "  child_id, service_id, consumed_on, quantity_milli, "
	        "  source_file_id, source_line, invoice_line_id) "
	        "SELECT l.creditor_id, i.family_id, l.child_id, l.service_id, "
	        "  v.d::date, 1000, f.id, v.n, CASE WHEN v.billed "
	        "  THEN l.id END "
	        "FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id "
	        "JOIN imported_files f ON true "
	        "JOIN (VALUES (2, '2026-09-01', true), (3, '2026-09-02', true), "
	        "  (4, '2026-10-01', false)) v(n, d, billed) ON true;",
	        &err),
	    0, "%s", err.msg);
	if (partly)
		cr_assert_eq(
		    db_exec(db, "unbill a line",
		        "UPDATE consumption_lines SET invoice_line_id = "
		        "NULL WHERE source_line = 3",
		        0, NULL, &err),
		    0, "%s", err.msg);
}

Test(batches, migration_converts_billed_and_unbilled_lines)
{
	sepa_error err = SEPA_ERROR_INIT;
	int applied = -1, version = -1;
	char dir[512], name[64];
	struct db *db = dbtest_open(name, "template0");

	dbtest_migrations(dir, sizeof(dir), "convert", 7);
	cr_assert_eq(store_schema_migrate(db, dir, &applied, &version, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(version, 7);
	seed_007(db, false);
	dir_add_all(dir);
	cr_assert_eq(store_schema_migrate(db, dir, &applied, &version, &err), 0,
	    "%s", err.msg);
	cr_assert_geq(version, 8);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM consumption_batches WHERE "
	                 "(month, lines, billed_month, billed_on) IN "
	                 "(('2026-09-01', 2, '2026-09-01', '2026-10-02'))"),
	    1);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM consumption_batches WHERE "
	                 "month = '2026-10-01' AND lines = 1 AND billed_month "
	                 "IS NULL AND billed_on IS NULL"),
	    1);
	cr_assert_eq(
	    dbtest_int(db, "SELECT count(*) FROM consumption_batches"), 2);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM information_schema.columns "
	                 "WHERE table_name = 'consumption_lines' AND "
	                 "column_name = 'invoice_line_id'"),
	    0);
	/* the October line is billed by the October run, September stays */
	{
		struct invoice_run_opts o;
		struct invoice_run_result r;

		memset(&o, 0, sizeof(o));
		o.month = (sepa_month){2026, 10};
		o.today = (sepa_date){2026, 11, 2};
		o.rounding = SEPA_HOURS_UP;
		o.represent_unpaid = true;
		o.rules = (sepa_rules)SEPA_RULES_INIT;
		cr_assert_eq(
		    store_invoice_run(db, 1, &o, &r, &err), 0, "%s", err.msg);
		cr_assert_eq(r.consumption_lines, 1);
		cr_assert_eq(r.regularisations, 0);
	}
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM consumption_batches WHERE "
	                 "billed_month IS NULL"),
	    0);
	dbtest_rmdir(dir);
	db_close(db);
	dbtest_drop(name);
}

Test(batches, migration_refuses_a_batch_billed_in_part)
{
	sepa_error err = SEPA_ERROR_INIT;
	int applied = -1, version = -1;
	char dir[512], name[64];
	struct db *db = dbtest_open(name, "template0");

	dbtest_migrations(dir, sizeof(dir), "partly", 7);
	cr_assert_eq(store_schema_migrate(db, dir, &applied, &version, &err), 0,
	    "%s", err.msg);
	seed_007(db, true);
	dir_add_all(dir);
	cr_assert_eq(
	    store_schema_migrate(db, dir, &applied, &version, &err), SEPA_EIO);
	cr_assert(strstr(err.msg,
	              "could not apply migration 008_consumption_batches.sql: "
	              "consumption of file #1 for 2026-09 was billed in part "
	              "or by several invoice runs") != NULL,
	    "%s", err.msg);
	/* nothing of the run stays */
	cr_assert_eq(store_schema_version(db, &version, &err), 0);
	cr_assert_eq(version, 7);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM consumption_lines WHERE "
	                 "invoice_line_id IS NOT NULL"),
	    1);
	dbtest_rmdir(dir);
	db_close(db);
	dbtest_drop(name);
}

/* What consumption and invoices refer to is never deleted, and stored
 * consumption never changes: each refused with the table named. */
Test(batches, referenced_rows_are_kept)
{
	static const struct {
		const char *sql;
		const char *msg;
	} cases[] = {
	    {"DELETE FROM families WHERE family_ref = 'FAM2'",
	        "DELETE on families refused"},
	    {"DELETE FROM children", "DELETE on children refused"},
	    {"TRUNCATE services CASCADE", "TRUNCATE on services refused"},
	    {"DELETE FROM imported_files", "DELETE on imported_files refused"},
	    {"UPDATE consumption_lines SET quantity_milli = 2000",
	        "UPDATE on consumption_lines refused"},
	    {"DELETE FROM consumption_lines",
	        "DELETE on consumption_lines refused"},
	};
	char name[64];
	struct db *db = dbtest_open(name, "sepad");

	seed_commune(db);
	seed_september(db);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_neq(
		    db_exec(db, "try", cases[i].sql, 0, NULL, &err), 0);
		cr_assert(strstr(err.msg, cases[i].msg) != NULL, "%s: %s",
		    cases[i].sql, err.msg);
		cr_assert(strstr(err.msg, "kept for good") != NULL);
	}
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM families"), 3);
	cr_assert_eq(
	    dbtest_int(db, "SELECT count(*) FROM consumption_lines"), 16);
	db_close(db);
	dbtest_drop(name);
}

/* A batch that counts more lines than are stored (a line lost, a batch
 * written by hand) cancels the run, and nothing of it stays. */
Test(batches, a_batch_that_miscounts_cancels_the_run)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct invoice_run_opts o;
	struct invoice_run_result r;
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	int64_t before;

	seed_commune(db);
	seed_september(db);
	cr_assert_eq(db_exec(db, "miscount",
	                 "UPDATE consumption_batches SET lines = lines + 2 "
	                 "WHERE month = '2026-09-01'",
	                 0, NULL, &err),
	    0, "%s", err.msg);
	before = seed_fingerprint(db);
	memset(&o, 0, sizeof(o));
	o.month = (sepa_month){2026, 9};
	o.today = (sepa_date){2026, 10, 1};
	o.rules = (sepa_rules)SEPA_RULES_INIT;
	cr_assert_eq(store_invoice_run(db, 1, &o, &r, &err), SEPA_ESTATE);
	cr_assert_str_eq(err.msg,
	    "the unbilled batches count 17 consumption lines but 15 are "
	    "stored: the run is cancelled");
	cr_assert_eq(seed_fingerprint(db), before);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM invoices"), 0);
	db_close(db);
	dbtest_drop(name);
}
