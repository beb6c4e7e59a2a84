/*
 * test_returns.c - reconciliation of bank returns in the store
 * (store_returns_import) and the recovery export, on the fixture of
 * tests/data/returns/fixture.sql.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dbtest.h"
#include "returnsfix.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"
#include "config.h"
#include "csvout.h"
#include "db.h"
#include "store_recovery.h"
#include "store_returns.h"

/* The built-in defaults: AM05 creditor-side, AC04 dead, two rejects. */
static struct returns_policy policy;
static struct sepad_config cfg;

static void
load_policy(void)
{
	struct config_errors errs;

	if (policy.max_per_school_year != 0)
		return;
	cr_assert_eq(config_load(&cfg, NULL, "/tmp", &errs), 0);
	policy.creditor_side_codes = &cfg.creditor_side_codes;
	policy.dead_account_codes = &cfg.dead_account_codes;
	policy.max_per_school_year = cfg.max_rejects_per_school_year;
	cr_assert(config_strlist_has(&cfg.creditor_side_codes, "AM05"));
	cr_assert(config_strlist_has(&cfg.dead_account_codes, "AC04"));
	cr_assert_eq(policy.max_per_school_year, 2);
}

static const sepa_date today = {2025, 12, 1};

static struct db *
open_fixture(char *name)
{
	struct db *db = dbtest_open(name, "sepad");

	load_policy();
	retfix_load(db);
	return db;
}

static int64_t
creditor(struct db *db)
{
	return dbtest_int(db, "SELECT id FROM creditors");
}

static int
import(struct db *db, const char *path, struct returns_result *res,
    sepa_error *err)
{
	return store_returns_import(
	    db, creditor(db), path, &policy, today, res, err);
}

static void
import_ok(struct db *db, const char *path, struct returns_result *res)
{
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(import(db, path, res, &err), 0, "%s", err.msg);
}

/* md5 of everything the import may touch. */
static int64_t
snapshot(struct db *db)
{
	return dbtest_int(db,
	    "SELECT ('x' || substr(md5(concat_ws('|',"
	    " (SELECT string_agg(concat_ws(',', id, state, state_since,"
	    " reason_code), ';' ORDER BY id) FROM collections),"
	    " (SELECT string_agg(concat_ws(',', id, state, state_since,"
	    " unpaid_reason), ';' ORDER BY id) FROM invoices),"
	    " (SELECT string_agg(concat_ws(',', id, state, state_reason), ';'"
	    " ORDER BY id) FROM mandates),"
	    " (SELECT string_agg(concat_ws(',', id, state), ';' ORDER BY id)"
	    " FROM batches),"
	    " (SELECT count(*) FROM return_records),"
	    " (SELECT count(*) FROM return_effects),"
	    " (SELECT count(*) FROM return_quarantine),"
	    " (SELECT count(*) FROM imported_files),"
	    " (SELECT count(*) FROM events))), 1, 15))::bit(60)::bigint");
}

static int64_t
q(struct db *db, const char *sql)
{
	return dbtest_int(db, sql);
}

Test(returns, school_year_in_sql_matches_the_rule)
{
	static const sepa_date days[] = {{2025, 8, 31}, {2025, 9, 1},
	    {2026, 1, 15}, {2026, 8, 31}, {2024, 2, 29}};
	char name[64], sql[256], d[SEPA_DATE_BUFSZ];
	struct db *db = dbtest_open(name, "sepad");

	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT sepad_school_year('%s')",
		    sepa_date_iso(d, days[i]));
		cr_expect_eq(
		    q(db, sql), sepa_rule_reject_school_year(days[i]), "%s", d);
	}
	db_close(db);
	dbtest_drop(name);
}

Test(returns, two_rejects_in_one_school_year_terminate)
{
	struct retfix_tx a = {"E2E-F1-202510", "AM04", 1000, "RUM-F1"};
	struct retfix_tx b = {"E2E-F1-202511", "MS02", 1000, NULL};
	struct returns_result res;
	char name[64], *p;
	struct db *db = open_fixture(name);

	p = retfix_tmp("a");
	retfix_pain002(p, "ST-1", "MSG-202510", "PMT-202510", NULL, &a, 1);
	import_ok(db, p, &res);
	unlink(p);
	cr_expect_eq(res.records, 1); /* no GrpSts: no group record */
	cr_expect_eq(res.applied, 1);
	cr_expect_eq(res.terminated, 0);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM collections WHERE end_to_end_id"
	                 " = 'E2E-F1-202510' AND state = 'rejected' AND"
	                 " reason_code = 'AM04'"),
	    1);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM invoices WHERE number ="
	                 " 'F1-202510' AND state = 'unpaid' AND unpaid_reason"
	                 " LIKE 'rejected AM04 (%'"),
	    1);
	p = retfix_tmp("b");
	retfix_pain002(p, "ST-2", "MSG-202511", "PMT-202511", NULL, &b, 1);
	import_ok(db, p, &res);
	unlink(p);
	cr_expect_eq(res.terminated, 1);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM mandates WHERE rum = 'RUM-F1'"
	                 " AND state = 'terminated' AND state_reason ="
	                 " 'two rejects' AND state_since = '2025-12-01'"),
	    1);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'mandate.terminated' AND needs_attention"),
	    1);
	cr_expect_eq(
	    q(db, "SELECT count(*) FROM mandates WHERE state = 'active'"), 2);
	db_close(db);
	dbtest_drop(name);
}

/* Import a pain.002 (status report `st`) rejecting the collection of
 * tx, of the batch of `month` (YYYYMM), under `pol`. */
static void
import_reject(struct db *db, const struct returns_policy *pol, const char *st,
    const char *month, struct retfix_tx *tx, struct returns_result *res)
{
	sepa_error err = SEPA_ERROR_INIT;
	char msg[32], pmt[32], *p;

	snprintf(msg, sizeof(msg), "MSG-%s", month);
	snprintf(pmt, sizeof(pmt), "PMT-%s", month);
	p = retfix_tmp(st);
	retfix_pain002(p, st, msg, pmt, NULL, tx, 1);
	cr_assert_eq(
	    store_returns_import(db, creditor(db), p, pol, today, res, &err), 0,
	    "%s", err.msg);
	unlink(p);
}

/*
 * The limit is rejections.max_per_school_year, and the event names it:
 * at 3, two rejects leave the mandate; at 1, the first one ends it.
 */
Test(returns, the_limit_is_the_configured_number)
{
	struct retfix_tx a = {"E2E-F1-202510", "AM04", 1000, "RUM-F1"};
	struct retfix_tx b = {"E2E-F1-202511", "MS02", 1000, NULL};
	struct returns_policy pol = policy;
	struct returns_result res;
	char name[64];
	struct db *db = open_fixture(name);

	pol.max_per_school_year = 3;
	import_reject(db, &pol, "ST-1", "202510", &a, &res);
	import_reject(db, &pol, "ST-2", "202511", &b, &res);
	cr_expect_eq(res.terminated, 0);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM mandates WHERE rum = 'RUM-F1'"
	                 " AND state = 'active'"),
	    1);
	db_close(db);
	dbtest_drop(name);

	db = open_fixture(name);
	pol.max_per_school_year = 1;
	import_reject(db, &pol, "ST-1", "202510", &a, &res);
	cr_expect_eq(res.terminated, 1);
	/* the state_reason is a code, the same whatever the limit */
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM mandates WHERE rum = 'RUM-F1'"
	                 " AND state = 'terminated' AND state_reason ="
	                 " 'two rejects'"),
	    1);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'mandate.terminated' AND message = 'mandate RUM-F1"
	                 " terminated: one reject (1 counted in school year"
	                 " 2025-2026); no further collection'"),
	    1);
	db_close(db);
	dbtest_drop(name);
}

Test(returns, rejects_across_school_years_do_not_add_up)
{
	struct retfix_tx a = {"E2E-F2-202506", "AM04", 2000, NULL};
	struct retfix_tx b = {"E2E-F2-202510", "AM04", 2000, NULL};
	struct returns_result res;
	char name[64], *p;
	struct db *db = open_fixture(name);

	p = retfix_tmp("a");
	retfix_pain002(p, "ST-1", "MSG-202506", "PMT-202506", NULL, &a, 1);
	import_ok(db, p, &res);
	retfix_pain002(p, "ST-2", "MSG-202510", "PMT-202510", NULL, &b, 1);
	import_ok(db, p, &res);
	unlink(p);
	cr_expect_eq(res.applied, 1);
	cr_expect_eq(res.terminated, 0);
	cr_expect_eq(
	    q(db, "SELECT count(*) FROM return_effects WHERE counted"), 2);
	cr_expect_eq(
	    q(db, "SELECT count(*) FROM mandates WHERE state = 'active'"), 3);
	db_close(db);
	dbtest_drop(name);
}

Test(returns, creditor_side_code_does_not_count)
{
	struct retfix_tx a = {"E2E-F3-202510", "AM05", 3000, NULL};
	struct retfix_tx b = {"E2E-F3-202511", "AM04", 3000, NULL};
	struct returns_result res;
	char name[64], *p;
	struct db *db = open_fixture(name);

	p = retfix_tmp("a");
	retfix_pain002(p, "ST-1", "MSG-202510", "PMT-202510", NULL, &a, 1);
	import_ok(db, p, &res);
	retfix_pain002(p, "ST-2", "MSG-202511", "PMT-202511", NULL, &b, 1);
	import_ok(db, p, &res);
	unlink(p);
	cr_expect_eq(res.terminated, 0);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM return_effects WHERE NOT"
	                 " counted AND reason_code = 'AM05'"),
	    1);
	cr_expect_eq(
	    q(db, "SELECT count(*) FROM mandates WHERE state = 'active'"), 3);
	db_close(db);
	dbtest_drop(name);
}

Test(returns, dead_account_suspends)
{
	struct retfix_tx a = {"E2E-F2-202510", "AC04", 2000, NULL};
	struct returns_result res;
	char name[64], *p;
	struct db *db = open_fixture(name);

	p = retfix_tmp("a");
	retfix_camt054(p, "N-1", &a, 1);
	import_ok(db, p, &res);
	unlink(p);
	cr_expect_eq(res.suspended, 1);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM mandates WHERE rum = 'RUM-F2'"
	                 " AND state = 'suspended' AND state_reason ="
	                 " 'dead account AC04'"),
	    1);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM collections WHERE state ="
	                 " 'returned'"),
	    1);
	db_close(db);
	dbtest_drop(name);
}

Test(returns, refund_after_settlement)
{
	struct retfix_tx ok = {"E2E-F1-202510", NULL, 1000, NULL};
	struct retfix_tx md06 = {"E2E-F1-202510", "MD06", 1000, "RUM-F1"};
	struct returns_result res;
	char name[64], *p;
	struct db *db = open_fixture(name);

	p = retfix_tmp("a");
	retfix_camt054(p, "N-1", &ok, 1);
	import_ok(db, p, &res);
	cr_expect_eq(res.applied, 1);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM collections c JOIN invoices i"
	                 " ON i.id = c.invoice_id WHERE c.state = 'settled'"
	                 " AND i.state = 'paid'"),
	    1);
	retfix_camt054(p, "N-2", &md06, 1);
	import_ok(db, p, &res);
	unlink(p);
	cr_expect_eq(res.applied, 1);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM collections c JOIN invoices i"
	                 " ON i.id = c.invoice_id WHERE c.state = 'refunded'"
	                 " AND c.reason_code = 'MD06' AND i.state = 'unpaid'"),
	    1);
	db_close(db);
	dbtest_drop(name);
}

Test(returns, group_reject_of_a_whole_file)
{
	struct returns_result res;
	char name[64], *p;
	struct db *db = open_fixture(name);

	p = retfix_tmp("g");
	retfix_pain002(p, "ST-G", "MSG-202510", NULL, "AM10", NULL, 0);
	import_ok(db, p, &res);
	unlink(p);
	cr_expect_eq(res.records, 1);
	cr_expect_eq(res.applied, 1);
	cr_expect_eq(res.collections, 3);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM batches WHERE msg_id ="
	                 " 'MSG-202510' AND state = 'rejected'"),
	    1);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM collections WHERE state ="
	                 " 'cancelled' AND pmt_inf_id = 'PMT-202510'"),
	    3);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM invoices WHERE state = 'issued'"
	                 " AND number LIKE '%-202510'"),
	    3);
	cr_expect_eq(
	    q(db, "SELECT count(*) FROM return_effects WHERE counted"), 0);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'batch.rejected' AND needs_attention"),
	    1);
	db_close(db);
	dbtest_drop(name);
}

Test(returns, same_return_in_pain002_and_camt054_counts_once)
{
	struct retfix_tx a = {"E2E-F1-202510", "AM04", 1000, NULL};
	struct returns_result res;
	char name[64], *p;
	struct db *db = open_fixture(name);

	p = retfix_tmp("a");
	retfix_pain002(p, "ST-1", "MSG-202510", "PMT-202510", NULL, &a, 1);
	import_ok(db, p, &res);
	retfix_camt054(p, "N-1", &a, 1);
	import_ok(db, p, &res);
	cr_expect_eq(res.records, 1);
	cr_expect_eq(res.applied, 0);
	cr_expect_eq(res.duplicates, 1);
	cr_expect_eq(res.terminated, 0);
	cr_expect_eq(q(db, "SELECT count(*) FROM return_effects"), 1);
	cr_expect_eq(q(db, "SELECT count(*) FROM return_records"), 2);
	/* The same bytes again: nothing at all. */
	{
		int64_t before = snapshot(db);

		import_ok(db, p, &res);
		cr_expect(res.already);
		cr_expect_eq(snapshot(db), before);
	}
	unlink(p);
	db_close(db);
	dbtest_drop(name);
}

Test(returns, unmatched_and_inconsistent_records_are_quarantined)
{
	static const struct {
		struct retfix_tx tx;
		const char *reason;
	} cases[] = {
	    {{"NOSUCH-1", "AM04", 1000, NULL},
	        "no collection has the EndToEndId 'NOSUCH-1'"},
	    {{"E2E-F1-202510", "AM04", 1001, NULL},
	        "amount 10.01 is not 10.00, the amount of EndToEndId "
	        "'E2E-F1-202510'"},
	    {{"E2E-F2-202510", "AM04", 2000, "RUM-F1"},
	        "mandate 'RUM-F1' is not 'RUM-F2', the mandate of EndToEndId "
	        "'E2E-F2-202510'"},
	};
	struct returns_result res;
	char name[64], *p, sql[512];
	struct db *db = open_fixture(name);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = retfix_tmp("q");
		retfix_camt054(p, cases[i].tx.e2e, &cases[i].tx, 1);
		import_ok(db, p, &res);
		unlink(p);
		cr_expect_eq(res.quarantined, 1, "case %zu", i);
		cr_expect_eq(res.applied, 0, "case %zu", i);
		snprintf(sql, sizeof(sql),
		    "SELECT count(*) FROM return_quarantine q JOIN"
		    " return_records r ON r.id = q.record_id WHERE"
		    " r.outcome = 'quarantined' AND q.reason = $$%s$$",
		    cases[i].reason);
		cr_expect_eq(q(db, sql), 1, "case %zu: %s", i, cases[i].reason);
	}
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM collections WHERE state <>"
	                 " 'sent'"),
	    0);
	/* The pain.002 checks the original MsgId too. */
	{
		struct retfix_tx a = {"E2E-F1-202510", "AM04", 1000, NULL};

		p = retfix_tmp("m");
		retfix_pain002(
		    p, "ST-9", "MSG-202511", "PMT-202510", NULL, &a, 1);
		import_ok(db, p, &res);
		unlink(p);
		cr_expect_eq(res.quarantined, 1);
		cr_expect_eq(
		    q(db,
		        "SELECT count(*) FROM return_quarantine WHERE"
		        " reason LIKE 'original MsgId ''MSG-202511'' is"
		        " not ''MSG-202510''%'"),
		    1);
	}
	db_close(db);
	dbtest_drop(name);
}

/* Files that cannot be read: refused, the store exactly as before. */
Test(returns, hostile_files_leave_the_store_unchanged)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
	    {"<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM "
	     "\"file:///etc/passwd\">]><Document xmlns=\"urn:iso:std:iso:"
	     "20022:tech:xsd:pain.002.001.03\">&x;</Document>",
	        "DOCTYPE not allowed"},
	    {"<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaa\"><!ENTITY "
	     "b \"&a;&a;&a;&a;\">]><Document>&b;</Document>",
	        "DOCTYPE not allowed"},
	    {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\">"
	     "<CstmrPmtStsRpt><GrpHdr><MsgId>X</MsgId>",
	        ""},
	    {"<Document xmlns=\"urn:example:other\"><Foo/></Document>",
	        "not a bank return file"},
	};
	struct retfix_tx a = {"E2E-F1-202510", "AM04", 1000, NULL};
	struct returns_result res;
	sepa_error err = SEPA_ERROR_INIT;
	char name[64], *p;
	struct db *db = open_fixture(name);
	int64_t before;

	p = retfix_tmp("ok");
	retfix_pain002(p, "ST-1", "MSG-202510", "PMT-202510", NULL, &a, 1);
	import_ok(db, p, &res);
	unlink(p);
	before = snapshot(db);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *fp;

		p = retfix_tmp("bad");
		fp = fopen(p, "w");
		fputs(cases[i].text, fp);
		fclose(fp);
		cr_expect_neq(import(db, p, &res, &err), 0, "case %zu", i);
		cr_expect(strstr(err.msg, cases[i].msg) != NULL, "case %zu: %s",
		    i, err.msg);
		cr_expect_eq(snapshot(db), before, "case %zu", i);
		unlink(p);
	}
	/* A good file cut after its first record (delivered before the
	 * reader fails), and a text node over the 64 KiB limit. */
	{
		struct retfix_tx two[] = {{"E2E-F2-202510", "AM04", 2000, NULL},
		    {"E2E-F3-202510", "AM04", 3000, NULL}};
		char cmd[512];
		FILE *fp;

		p = retfix_tmp("cut");
		retfix_pain002(
		    p, "ST-C", "MSG-202510", "PMT-202510", NULL, two, 2);
		snprintf(cmd, sizeof(cmd),
		    "grep -n E2E-F3 %s >/dev/null && sed -i '/E2E-F3/,$d' %s",
		    p, p);
		cr_assert_eq(system(cmd), 0);
		cr_expect_eq(import(db, p, &res, &err), SEPA_EXML);
		cr_expect_eq(snapshot(db), before);
		unlink(p);

		p = retfix_tmp("big");
		fp = fopen(p, "w");
		fputs("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:"
		      "pain.002.001.03\"><CstmrPmtStsRpt><GrpHdr><MsgId>",
		    fp);
		for (int i = 0; i < 70000; i++)
			fputc('x', fp);
		fputs("</MsgId></GrpHdr></CstmrPmtStsRpt></Document>", fp);
		fclose(fp);
		cr_expect_eq(
		    import(db, p, &res, &err), SEPA_ELIMIT, "%s", err.msg);
		cr_expect_eq(snapshot(db), before);
		unlink(p);
	}
	/* An intraday camt.052 is read but not reconciled. */
	cr_expect_eq(
	    import(db,
	        SEPAD_SRCDIR "/tests/data/bank/camt052/"
	                     "de_gls_camt.052.001.02_sct_return_ac01.xml",
	        &res, &err),
	    SEPA_EINVAL);
	cr_expect(strstr(err.msg,
	              "de_gls_camt.052.001.02_sct_return_ac01.xml is a "
	              "camt.052, an intraday report: its entries may still be "
	              "pending and can change before the day ends, so it is "
	              "not reconciled; import the end-of-day camt.053 "
	              "statement or the camt.054 notification that books them "
	              "(sepactl inspect shows what it says)") != NULL,
	    "%s", err.msg);
	cr_expect_eq(snapshot(db), before);
	/* A truncated file, and a deep one. */
	{
		FILE *fp;

		p = retfix_tmp("deep");
		fp = fopen(p, "w");
		fputs("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:"
		      "pain.002.001.03\"><CstmrPmtStsRpt>",
		    fp);
		for (int i = 0; i < 200; i++)
			fputs("<a>", fp);
		fclose(fp);
		cr_expect_neq(import(db, p, &res, &err), 0);
		cr_expect_eq(snapshot(db), before);
		unlink(p);
	}
	db_close(db);
	dbtest_drop(name);
}

Test(returns, recovery_exported_once)
{
	struct retfix_tx a = {"E2E-F1-202510", "AM04", 1000, NULL};
	struct returns_result res;
	sepa_error err = SEPA_ERROR_INIT;
	char name[64], *p, *path = NULL, dir[64], cmd[1024];
	struct db *db = open_fixture(name);
	int64_t count, total;

	snprintf(dir, sizeof(dir), "/tmp/sepad-outbox-%ld", (long)getpid());
	snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir %s", dir, dir);
	cr_assert_eq(system(cmd), 0);
	/* Unpaid, represented on the next invoice, mandate active: not yet. */
	p = retfix_tmp("a");
	retfix_pain002(p, "ST-1", "MSG-202510", "PMT-202510", NULL, &a, 1);
	import_ok(db, p, &res);
	unlink(p);
	cr_assert_eq(
	    store_recovery_export(db, creditor(db), dir, &csvout_french_excel,
	        true, 0, today, &path, &count, &total, &err),
	    0, "%s", err.msg);
	cr_expect_null(path);
	/* Represent off: due at once; exported once. */
	cr_assert_eq(
	    store_recovery_export(db, creditor(db), dir, &csvout_french_excel,
	        false, 0, today, &path, &count, &total, &err),
	    0, "%s", err.msg);
	cr_assert_not_null(path);
	cr_expect_eq(count, 1);
	cr_expect_eq(total, 1000);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM invoices WHERE state ="
	                 " 'recovery' AND number = 'F1-202510'"),
	    1);
	snprintf(cmd, sizeof(cmd),
	    "cd %s && sha256sum -c --quiet $(basename %s).sha256 && "
	    "grep -q '^F1-202510;septembre 2025;.*;\"Payeur, \"\"1\"\"\";"
	    ".*;10,00;.*AM04: provision insuffisante' %s",
	    dir, path, path);
	cr_expect_eq(system(cmd), 0, "%s", cmd);
	free(path);
	cr_assert_eq(
	    store_recovery_export(db, creditor(db), dir, &csvout_french_excel,
	        false, 0, today, &path, &count, &total, &err),
	    0, "%s", err.msg);
	cr_expect_null(path);
	cr_expect_eq(q(db, "SELECT count(*) FROM recovery_export_invoices"), 1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
	db_close(db);
	dbtest_drop(name);
}

/* Represented on the next invoice: due only once the invoice that carried
 * the reminder is itself unpaid. */
Test(returns, recovery_after_the_reminder)
{
	struct retfix_tx a = {"E2E-F1-202510", "AM04", 1000, NULL};
	struct retfix_tx b = {"E2E-F1-202511", "AM05", 1000, NULL};
	struct returns_result res;
	sepa_error err = SEPA_ERROR_INIT;
	char name[64], *p, *path = NULL, dir[64], cmd[256];
	struct db *db = open_fixture(name);
	int64_t count, total;

	snprintf(dir, sizeof(dir), "/tmp/sepad-outbox-r-%ld", (long)getpid());
	snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir %s", dir, dir);
	cr_assert_eq(system(cmd), 0);
	p = retfix_tmp("a");
	retfix_pain002(p, "ST-1", "MSG-202510", "PMT-202510", NULL, &a, 1);
	import_ok(db, p, &res);
	/* What the invoicing does: a reminder line on the next invoice. */
	cr_assert_eq(q(db,
	                 "WITH l AS (INSERT INTO invoice_lines (creditor_id,"
	                 " invoice_id, line_no, kind, amount_cents,"
	                 " reminded_invoice_id, label) SELECT n.creditor_id,"
	                 " n.id, 1, 'reminder', o.total_cents, o.id, 'rappel'"
	                 " FROM invoices n, invoices o WHERE n.number ="
	                 " 'F1-202511' AND o.number = 'F1-202510' RETURNING"
	                 " reminded_invoice_id), u AS (UPDATE invoices SET"
	                 " state = 'reminded' WHERE id IN (SELECT"
	                 " reminded_invoice_id FROM l) RETURNING 1)"
	                 " SELECT count(*) FROM u"),
	    1);
	cr_assert_eq(
	    store_recovery_export(db, creditor(db), dir, &csvout_french_excel,
	        true, 0, today, &path, &count, &total, &err),
	    0, "%s", err.msg);
	cr_expect_null(path);
	/* The carrier is rejected (creditor-side: the mandate stays). */
	retfix_pain002(p, "ST-2", "MSG-202511", "PMT-202511", NULL, &b, 1);
	import_ok(db, p, &res);
	unlink(p);
	cr_expect_eq(res.terminated, 0);
	cr_assert_eq(
	    store_recovery_export(db, creditor(db), dir, &csvout_french_excel,
	        true, 0, today, &path, &count, &total, &err),
	    0, "%s", err.msg);
	cr_expect_not_null(path);
	cr_expect_eq(count, 1);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM recovery_export_invoices x JOIN"
	                 " invoices i ON i.id = x.invoice_id WHERE i.number ="
	                 " 'F1-202510' AND i.state = 'recovery'"),
	    1);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM invoices WHERE number ="
	                 " 'F1-202511' AND state = 'unpaid'"),
	    1);
	free(path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
	db_close(db);
	dbtest_drop(name);
}

/* Each record of a file is stored once, with the first outcome that
 * applies to it: quarantined, applied, duplicate, stored. */
Test(returns, each_record_stored_once_with_its_outcome)
{
	static const struct retfix_tx tx[] = {
	    {"E2E-F1-202510", "AM04", 1000, NULL}, /* applied */
	    {"E2E-F1-202510", "AM04", 1000, NULL}, /* duplicate of the first */
	    {"E2E-NONE", "AM04", 1000, NULL}, /* quarantined */
	    {"E2E-F2-202510", "MS02", 2000, NULL}, /* applied */
	};
	struct returns_result res;
	char name[64], *p;
	struct db *db = open_fixture(name);

	p = retfix_tmp("outcomes");
	retfix_camt054(p, "N-1", tx, sizeof(tx) / sizeof(tx[0]));
	import_ok(db, p, &res);
	unlink(p);
	cr_expect_eq(res.records, 4);
	cr_expect_eq(res.applied, 2);
	cr_expect_eq(res.duplicates, 1);
	cr_expect_eq(res.quarantined, 1);
	cr_expect_eq(q(db,
	                 "SELECT count(*) FROM return_records WHERE (idx, "
	                 "outcome) IN ((0, 'applied'), (1, 'duplicate'), "
	                 "(2, 'quarantined'), (3, 'applied'))"),
	    4);
	cr_expect_eq(q(db,
	                 "SELECT count(DISTINCT id) FROM return_records "
	                 "WHERE id IN (SELECT record_id FROM return_effects)"),
	    2);
	db_close(db);
	dbtest_drop(name);
}
