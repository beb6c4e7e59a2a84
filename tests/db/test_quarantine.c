/*
 * test_quarantine.c - the quarantine of bank records (store_quarantine.c):
 * list, apply a record to a collection with the import's rules, dismiss;
 * every refusal leaves the store as it was. On the fixture of
 * tests/data/returns/fixture.sql.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dbtest.h"
#include "returnsfix.h"
#include "snapshot.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "config.h"
#include "db.h"
#include "store_quarantine.h"
#include "store_returns.h"

static struct returns_policy policy;
static struct sepad_config cfg;
static const sepa_date today = {2025, 12, 1};

static struct db *
open_fixture(char *name)
{
	struct config_errors errs;
	struct db *db = dbtest_open(name, "sepad");

	if (policy.max_per_school_year == 0) {
		cr_assert_eq(config_load(&cfg, NULL, "/tmp", &errs), 0);
		policy.creditor_side_codes = &cfg.creditor_side_codes;
		policy.dead_account_codes = &cfg.dead_account_codes;
		policy.max_per_school_year = cfg.max_rejects_per_school_year;
	}
	retfix_load(db);
	return db;
}

static int64_t
cred(struct db *db)
{
	return dbtest_int(db, "SELECT id FROM creditors");
}

/* What a dismissal must leave alone. */
#define QT_MONEY \
	SNAPSHOT_TABLE("collections", "x.id") \
	", " SNAPSHOT_TABLE("invoices", "x.id") ", " SNAPSHOT_TABLE( \
	    "mandates", "x.id") ", " SNAPSHOT_TABLE("return_effects", "x.id")
/* ... and the rest apply may change. */
#define QT_ALL \
	QT_MONEY ", " SNAPSHOT_TABLE("batches", "x.id") ", " SNAPSHOT_TABLE( \
	    "return_records", "x.id") ", " SNAPSHOT_TABLE("return_quarantine", \
	    "x.id") ", " SNAPSHOT_TABLE("events", "x.id")
#define QT_MD5(tables) \
	"SELECT ('x' || substr(md5(concat_ws('|', " tables \
	")), 1, 16))::bit(64)::bigint"

static int64_t
state(struct db *db)
{
	return dbtest_int(db, QT_MD5(QT_ALL));
}

static int64_t
money_state(struct db *db)
{
	return dbtest_int(db, QT_MD5(QT_MONEY));
}

/* Import a file the test wrote; the number of records quarantined. */
static int64_t
import(struct db *db, const char *path)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct returns_result res;

	cr_assert_eq(store_returns_import(
	                 db, cred(db), path, &policy, today, &res, &err),
	    0, "%s", err.msg);
	unlink(path);
	return res.quarantined;
}

/* A pain.002 rejecting one transaction of MSG-202510 / PMT-202510. */
static void
reject(struct db *db, const char *own, struct retfix_tx tx)
{
	char *p = retfix_tmp(own);

	retfix_pain002(p, own, "MSG-202510", "PMT-202510", NULL, &tx, 1);
	import(db, p);
}

/* The id of the last quarantine row. */
static int64_t
last_q(struct db *db)
{
	return dbtest_int(db, "SELECT max(id) FROM return_quarantine");
}

/* Quarantine one camt.054 entry; its quarantine id. */
static int64_t
quarantine_camt(struct db *db, struct retfix_tx tx)
{
	char *p = retfix_tmp("q");

	retfix_camt054(p, "N-Q", &tx, 1);
	cr_assert_eq(import(db, p), 1);
	return last_q(db);
}

static int
apply(struct db *db, int64_t id, const char *e2e, const char *force,
    struct quarantine_applied *out, sepa_error *err)
{
	return store_quarantine_apply(
	    db, cred(db), id, e2e, force, NULL, &policy, today, out, err);
}

static void
apply_ok(struct db *db, int64_t id, const char *e2e, const char *force,
    struct quarantine_applied *out)
{
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(apply(db, id, e2e, force, out, &err), 0, "%s", err.msg);
}

Test(quarantine, apply_a_reject_leaves_the_invoice_unpaid)
{
	struct retfix_tx tx = {"E2E-F1-2025-10", "AM04", 1000, "RUM-F1"};
	struct quarantine_applied out;
	struct quarantine_row *rows;
	sepa_error err = SEPA_ERROR_INIT;
	char name[64], *p = retfix_tmp("a");
	struct db *db = open_fixture(name);
	size_t n;
	int64_t id;

	/* The bank mangled the EndToEndId: quarantined, nothing changed. */
	retfix_pain002(p, "ST-1", "MSG-202510", "PMT-202510", NULL, &tx, 1);
	cr_assert_eq(import(db, p), 1);
	id = last_q(db);
	cr_assert_eq(
	    store_quarantine_list(db, cred(db), false, &rows, &n, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(n, 1);
	cr_expect_eq(rows[0].id, id);
	cr_expect_str_eq(rows[0].kind, "reject");
	cr_expect_str_eq(rows[0].level, "transaction");
	cr_expect_str_eq(rows[0].end_to_end_id, "E2E-F1-2025-10");
	cr_expect_str_eq(rows[0].orig_msg_id, "MSG-202510");
	cr_expect_str_eq(rows[0].pmt_inf_id, "PMT-202510");
	cr_expect_str_eq(rows[0].mandate_ref, "RUM-F1");
	cr_expect(rows[0].has_amount);
	cr_expect_eq(rows[0].amount_cents, 1000);
	cr_expect_str_eq(rows[0].reason_code, "AM04");
	cr_expect_str_eq(
	    rows[0].why, "no collection has the EndToEndId 'E2E-F1-2025-10'");
	cr_expect_str_eq(rows[0].resolved_on, "");
	store_quarantine_rows_free(rows, n);

	apply_ok(db, id, "E2E-F1-202510", NULL, &out);
	cr_expect_str_eq(out.new_state, "rejected");
	cr_expect_str_eq(out.invoice, "F1-202510");
	cr_expect(out.counted);
	cr_expect_eq(out.terminated, 0);
	cr_expect_eq(out.suspended, 0);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT count(*) FROM collections c JOIN invoices i"
	                 " ON i.id = c.invoice_id WHERE c.end_to_end_id ="
	                 " 'E2E-F1-202510' AND c.state = 'rejected' AND"
	                 " c.reason_code = 'AM04' AND c.state_since ="
	                 " '2025-12-01' AND i.state = 'unpaid' AND"
	                 " i.unpaid_reason LIKE 'rejected AM04 (sepad-ret-%'"),
	    1);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT count(*) FROM return_effects WHERE counted"
	                 " AND family = 'unpaid' AND school_year = 2025"),
	    1);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT count(*) FROM return_quarantine q JOIN"
	                 " collections c ON c.id = q.collection_id WHERE"
	                 " q.resolved_on = '2025-12-01' AND q.resolution ="
	                 " 'applied to EndToEndId ''E2E-F1-202510'' (invoice"
	                 " F1-202510): rejected AM04' AND c.end_to_end_id ="
	                 " 'E2E-F1-202510'"),
	    1);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'returns.quarantine_applied' AND message LIKE"
	                 " 'quarantined record % (sepad-ret-%.xml line %)"
	                 " applied to EndToEndId ''E2E-F1-202510''%'"
	                 " AND collection_id IS NOT NULL"),
	    1);
	/* Open list empty; --all shows it resolved. */
	cr_assert_eq(
	    store_quarantine_list(db, cred(db), false, &rows, &n, &err), 0,
	    "%s", err.msg);
	cr_expect_eq(n, 0);
	store_quarantine_rows_free(rows, n);
	cr_assert_eq(store_quarantine_list(db, cred(db), true, &rows, &n, &err),
	    0, "%s", err.msg);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(rows[0].resolved_on, "2025-12-01");
	store_quarantine_rows_free(rows, n);
	db_close(db);
	dbtest_drop(name);
}

Test(quarantine, second_counted_reject_terminates_the_mandate)
{
	struct quarantine_applied out;
	char name[64];
	struct db *db = open_fixture(name);
	int64_t id;

	reject(db, "ST-1",
	    (struct retfix_tx){"E2E-F1-202510", "AM04", 1000, NULL});
	id = quarantine_camt(
	    db, (struct retfix_tx){"F1-NOV", "MS02", 1000, "RUM-F1"});
	{
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(store_quarantine_apply(db, cred(db), id,
		                 "E2E-F1-202511", NULL, "bank letter of 28/11",
		                 &policy, today, &out, &err),
		    0, "%s", err.msg);
	}
	cr_expect_str_eq(out.new_state, "returned");
	cr_expect(out.counted);
	cr_expect_eq(out.terminated, 1);
	cr_expect_eq(
	    dbtest_int(db,
	        "SELECT count(*) FROM return_quarantine WHERE"
	        " resolution = 'applied to EndToEndId"
	        " ''E2E-F1-202511'' (invoice F1-202511): returned MS02;"
	        " bank letter of 28/11'"),
	    1);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT count(*) FROM mandates WHERE rum = 'RUM-F1'"
	                 " AND state = 'terminated' AND state_reason ="
	                 " 'two rejects'"),
	    1);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'mandate.terminated' AND message LIKE"
	                 " 'mandate RUM-F1 terminated: two rejects (2 counted"
	                 " in school year 2025-2026)%'"),
	    1);
	db_close(db);
	dbtest_drop(name);
}

Test(quarantine, creditor_side_code_is_not_counted)
{
	struct quarantine_applied out;
	char name[64];
	struct db *db = open_fixture(name);
	int64_t id;

	reject(db, "ST-1",
	    (struct retfix_tx){"E2E-F1-202510", "AM04", 1000, NULL});
	id = quarantine_camt(
	    db, (struct retfix_tx){"F1-NOV", "AM05", 1000, NULL});
	apply_ok(db, id, "E2E-F1-202511", NULL, &out);
	cr_expect_not(out.counted);
	cr_expect_eq(out.terminated, 0);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT count(*) FROM mandates WHERE state ="
	                 " 'active'"),
	    3);
	db_close(db);
	dbtest_drop(name);
}

Test(quarantine, dead_account_code_suspends)
{
	struct quarantine_applied out;
	char name[64];
	struct db *db = open_fixture(name);
	int64_t id;

	id = quarantine_camt(
	    db, (struct retfix_tx){"F2-OCT", "AC04", 2000, NULL});
	apply_ok(db, id, "E2E-F2-202510", NULL, &out);
	cr_expect_eq(out.suspended, 1);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT count(*) FROM mandates WHERE rum = 'RUM-F2'"
	                 " AND state = 'suspended' AND state_reason ="
	                 " 'dead account AC04'"),
	    1);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'mandate.suspended'"),
	    1);
	db_close(db);
	dbtest_drop(name);
}

/* Each refusal: its message, and the store exactly as before. */
Test(quarantine, refusals_leave_the_store_unchanged)
{
	struct quarantine_applied out;
	sepa_error err = SEPA_ERROR_INIT;
	char name[64], want[512], *p;
	char m_mandate[512], m_dup[512], m_group[512], m_rvsl[512];
	struct db *db = open_fixture(name);
	int64_t q_amount, q_mandate, q_confirm, q_group, q_rvsl, q_dup, before;

	/* F1's October collection rejected by a matching record. */
	reject(db, "ST-1",
	    (struct retfix_tx){"E2E-F1-202510", "AM04", 1000, NULL});
	q_amount = quarantine_camt(
	    db, (struct retfix_tx){"X-AMOUNT", "AM04", 1001, NULL});
	q_mandate = quarantine_camt(
	    db, (struct retfix_tx){"X-MANDATE", "AM04", 2000, "RUM-F1"});
	q_confirm = quarantine_camt(
	    db, (struct retfix_tx){"X-CONFIRM", NULL, 1000, NULL});
	q_dup = quarantine_camt(
	    db, (struct retfix_tx){"X-DUP", "MS02", 1000, NULL});
	p = retfix_tmp("g");
	retfix_pain002(p, "ST-G", "MSG-NONE", NULL, "AM10", NULL, 0);
	cr_assert_eq(import(db, p), 1);
	q_group = last_q(db);
	{
		sepa_error e = SEPA_ERROR_INIT;
		struct returns_result res;

		cr_assert_eq(store_returns_import(db, cred(db),
		                 SEPAD_SRCDIR "/tests/data/bank/camt054/"
		                              "ch_postfinance_camt.054.001.04_"
		                              "return_rvsl_ac01_2020.xml",
		                 &policy, today, &res, &e),
		    0, "%s", e.msg);
		cr_assert_eq(res.quarantined, 1);
		q_rvsl = last_q(db);
	}
	before = state(db);
	snprintf(m_mandate, sizeof(m_mandate),
	    "mandate 'RUM-F1' is not 'RUM-F2', the mandate of EndToEndId "
	    "'E2E-F2-202510'; once the bank has confirmed that record %lld is "
	    "this collection's, apply it with --force REASON",
	    (long long)q_mandate);
	snprintf(m_dup, sizeof(m_dup),
	    "the collection of EndToEndId 'E2E-F1-202510' is already rejected "
	    "(AM04) by bank record %lld: applying record %lld would count it "
	    "twice; dismiss it",
	    (long long)dbtest_int(db, "SELECT record_id FROM return_effects"),
	    (long long)q_dup);
	snprintf(m_group, sizeof(m_group),
	    "quarantined record %lld is a group-level reject: it stands for "
	    "several collections, and apply takes one transaction record; "
	    "settle it by hand, then dismiss it",
	    (long long)q_group);
	snprintf(m_rvsl, sizeof(m_rvsl),
	    "quarantined record %lld is a reversal: it undoes an earlier "
	    "booking and is not a return of the collection; settle it by hand, "
	    "then dismiss it",
	    (long long)q_rvsl);
	{
		const struct {
			int64_t id;
			const char *e2e;
			const char *force;
			int rc;
			const char *msg;
		} cases[] = {
		    {999999, "E2E-F1-202511", NULL, SEPA_ENOTFOUND,
		        "quarantined record 999999 does not exist (sepactl "
		        "quarantine list --all shows them)"},
		    {q_mandate, "NOPE", NULL, SEPA_ENOTFOUND,
		        "no collection has the EndToEndId 'NOPE'"},
		    {q_amount, "E2E-F1-202511", "the bank said so", SEPA_EINVAL,
		        "amount 10.01 is not 10.00, the amount of EndToEndId "
		        "'E2E-F1-202511': a record is never applied to a "
		        "collection of another amount, even with --force"},
		    {q_mandate, "E2E-F2-202510", NULL, SEPA_EINVAL, m_mandate},
		    {q_mandate, "E2E-F2-202510", "", SEPA_EINVAL,
		        "--force needs the reason, not an empty text"},
		    {q_confirm, "E2E-F1-202510", NULL, SEPA_ESTATE,
		        "the collection of EndToEndId 'E2E-F1-202510' is "
		        "rejected: a confirmation cannot apply to it"},
		    {q_dup, "E2E-F1-202510", NULL, SEPA_ESTATE, m_dup},
		    {q_group, "E2E-F1-202511", NULL, SEPA_ESTATE, m_group},
		    {q_rvsl, "E2E-F1-202511", NULL, SEPA_ESTATE, m_rvsl},
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			cr_expect_eq(apply(db, cases[i].id, cases[i].e2e,
			                 cases[i].force, &out, &err),
			    cases[i].rc, "case %zu: %s", i, err.msg);
			cr_expect_str_eq(err.msg, cases[i].msg, "case %zu", i);
			cr_expect_eq(state(db), before, "case %zu", i);
		}
	}
	/* Forced: the mandate contradiction is recorded with the reason. */
	apply_ok(db, q_mandate, "E2E-F2-202510", "the bank confirmed it", &out);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT count(*) FROM return_quarantine WHERE"
	                 " resolution = 'applied to EndToEndId"
	                 " ''E2E-F2-202510'' (invoice F2-202510): returned"
	                 " AM04; forced (mandate ''RUM-F1'' is not ''RUM-F2'',"
	                 " the mandate of EndToEndId ''E2E-F2-202510''): the"
	                 " bank confirmed it'"),
	    1);
	/* Resolved: refused the second time. */
	before = state(db);
	cr_expect_eq(apply(db, q_mandate, "E2E-F2-202510", "again", &out, &err),
	    SEPA_ESTATE);
	snprintf(want, sizeof(want),
	    "quarantined record %lld was already resolved on 2025-12-01: "
	    "applied to EndToEndId 'E2E-F2-202510'",
	    (long long)q_mandate);
	cr_expect(strncmp(err.msg, want, strlen(want)) == 0, "%s", err.msg);
	cr_expect_eq(state(db), before);
	db_close(db);
	dbtest_drop(name);
}

Test(quarantine, dismiss_changes_nothing_else)
{
	sepa_error err = SEPA_ERROR_INIT;
	char name[64], want[256];
	struct db *db = open_fixture(name);
	int64_t id, before;

	id = quarantine_camt(
	    db, (struct retfix_tx){"NOT-OURS", "AM04", 4200, NULL});
	before = money_state(db);
	cr_expect_eq(
	    store_quarantine_dismiss(db, cred(db), id, "", today, &err),
	    SEPA_EINVAL);
	cr_expect_str_eq(
	    err.msg, "dismissing a record needs the reason (--why TEXT)");
	cr_assert_eq(store_quarantine_dismiss(db, cred(db), id,
	                 "not ours: another creditor's debit", today, &err),
	    0, "%s", err.msg);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT count(*) FROM return_quarantine WHERE"
	                 " resolved_on = '2025-12-01' AND resolution ="
	                 " 'dismissed: not ours: another creditor''s debit'"
	                 " AND collection_id IS NULL"),
	    1);
	cr_expect_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind ="
	                 " 'returns.quarantine_dismissed' AND message LIKE"
	                 " 'quarantined record % (sepad-ret-%.xml line %)"
	                 " dismissed: not ours: another creditor''s debit'"),
	    1);
	cr_expect_eq(money_state(db), before);
	cr_expect_eq(store_quarantine_dismiss(db, cred(db), id, "twice",
	                 (sepa_date){2025, 12, 2}, &err),
	    SEPA_ESTATE);
	snprintf(want, sizeof(want),
	    "quarantined record %lld was already resolved on 2025-12-01: "
	    "dismissed: not ours: another creditor's debit",
	    (long long)id);
	cr_expect_str_eq(err.msg, want);
	db_close(db);
	dbtest_drop(name);
}
