/*
 * test_mandate.c - `sepactl mandate ...` end to end: the binary against a
 * database of the test cluster, history inserted with SQL.
 */
#include <stdarg.h>

#include "../db/mandatefx.h"
#include "ctlrun.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"
#include "db.h"
#include "store_mandate.h"

struct it {
	struct mandatefx f;
	char name[64];
	char conf[64];
	int64_t m1, a1;
};

/*
 * A database with RUM-1 (account A since 2025-09, collected in 2026-09,
 * settled) and RUM-2 (account B, never collected), and a configuration
 * pointing at it.
 */
static void
it_open(struct it *t)
{
	char conninfo[DBTEST_CONNINFO_MAX], text[2048];
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;
	int64_t m2;

	dbtest_create(conninfo, t->name, "sepad");
	if (db_connect(&db, conninfo, &err) != 0)
		cr_assert_fail("%s", err.msg);
	fx_init(&t->f, db);
	t->m1 = fx_mandate(&t->f, "RUM-1", "2025-08-20");
	t->a1 = fx_account(&t->f, t->m1, FX_IBAN_A, "2025-09-01");
	fx_collection(&t->f, fx_batch(&t->f, "2026-09-01", "released"), t->m1,
	    t->a1, "2026-09-01", "settled");
	m2 = fx_mandate(&t->f, "RUM-2", "2026-08-25");
	fx_account(&t->f, m2, FX_IBAN_B, "2026-09-01");
	snprintf(text, sizeof(text),
	    "database: { conninfo = \"%s\"; };\n"
	    "creditor: { name = \"Commune\"; ics = \"%s\"; };\n",
	    conninfo, FX_ICS);
	ctlrun_conf(t->conf, sizeof(t->conf), text);
}

static void
it_close(struct it *t)
{
	db_close(t->f.db);
	unlink(t->conf);
	dbtest_drop(t->name);
}

static void it_run(struct it *t, struct ctlrun *r, const char *today,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* sepactl -c CONF --today TODAY mandate ARGS */
static void
it_run(struct it *t, struct ctlrun *r, const char *today, const char *fmt, ...)
{
	char args[1024], line[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "-c %s --today %s mandate %s", t->conf,
	    today, args);
	ctlrun(r, line);
}

/* Everything a refused command must leave as it was. */
static int64_t
it_checksum(struct it *t)
{
	return dbtest_int(t->f.db,
	    "SELECT (SELECT count(*) FROM mandate_accounts) * 1000000 + "
	    "(SELECT count(*) FROM events) * 1000 + "
	    "(SELECT abs(hashtext(string_agg(m::text, '|' ORDER BY id))) % 1000 "
	    "FROM mandates m)");
}

static const struct {
	const char *today, *args;
	const char *out;
} change_cases[] = {
    {"2026-10-05", "--received 2026-10-05",
        "mandate RUM-1: new account FR76****1155: sent on 2026-10-05, by the "
        "5th: applies from the 2026-10 collection\n"},
    {"2026-10-06", "--received 2026-10-06",
        "mandate RUM-1: new account FR76****1155: sent on 2026-10-06, after "
        "the 5th: applies from the 2026-11 collection\n"},
    {"2026-10-09", "--received 2026-10-08 --sent 2026-10-05",
        "mandate RUM-1: new account FR76****1155: sent on 2026-10-05, by the "
        "5th: applies from the 2026-10 collection\n"},
    {"2026-10-09", "--sent 2026-10-06 --received 2026-10-08",
        "mandate RUM-1: new account FR76****1155: sent on 2026-10-06, after "
        "the 5th: applies from the 2026-11 collection\n"},
};

Test(mandate_it, change_account_on_the_5th_and_the_6th)
{
	for (size_t i = 0; i < sizeof(change_cases) / sizeof(change_cases[0]);
	     i++) {
		struct ctlrun r;
		struct it t;

		it_open(&t);
		it_run(&t, &r, change_cases[i].today,
		    "change-account rum-1 --iban '%s' %s",
		    "fr76 3000 4000 0211 1111 1111 155", change_cases[i].args);
		cr_expect_eq(r.status, 0, "case %zu: %s", i, r.err);
		cr_expect_str_eq(r.out, change_cases[i].out, "case %zu", i);
		cr_expect_str_eq(r.err, "");
		it_close(&t);
	}
}

Test(mandate_it, change_after_the_months_file_was_released)
{
	struct ctlrun r;
	struct it t;

	it_open(&t);
	fx_batch(&t.f, "2026-10-01", "released");
	it_run(&t, &r, "2026-10-04",
	    "change-account RUM-1 --iban %s --bic AGRIFRPP --received "
	    "2026-10-04",
	    FX_IBAN_C);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
	    "mandate RUM-1: new account FR76****1155: sent on 2026-10-04, but "
	    "the 2026-10 collection is already with the bank: applies from the "
	    "2026-11 collection\n");
	it_run(&t, &r, "2026-10-04", "show RUM-1");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out,
	              "accounts:\n"
	              "  from 2025-09: FR76****0189, BIC -, received "
	              "2025-09-01\n"
	              "  from 2026-11: FR76****1155, BIC AGRIFRPP, received "
	              "2026-10-04, amendment pending\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out,
	              "next collection: 2026-11, RCUR, FR76****1155, amendment "
	              "other bank (SMNDA)\n") != NULL,
	    "%s", r.out);
	/* another change for December: November's account is never used */
	it_run(&t, &r, "2026-11-20",
	    "change-account RUM-1 --iban %s --received 2026-11-20", FX_IBAN_D);
	cr_assert_eq(r.status, 0, "%s", r.err);
	it_run(&t, &r, "2026-11-20", "show RUM-1");
	cr_expect(strstr(r.out,
	              "  from 2026-11: FR76****1155, BIC AGRIFRPP, received "
	              "2026-10-04, never debited\n"
	              "  from 2026-12: FR76****2286, BIC -, received "
	              "2026-11-20, amendment pending\n") != NULL,
	    "%s", r.out);
	it_close(&t);
}

/* Two changes before a collection; same bank vs other bank. */
Test(mandate_it, two_changes_last_one_wins)
{
	struct ctlrun r;
	struct it t;

	it_open(&t);
	it_run(&t, &r, "2026-10-07",
	    "change-account RUM-1 --iban %s --received 2026-10-07", FX_IBAN_C);
	cr_assert_eq(r.status, 0, "%s", r.err);
	it_run(&t, &r, "2026-10-07", "show RUM-1");
	cr_expect(strstr(r.out,
	              "next collection: 2026-10, RCUR, FR76****0189, amendment "
	              "none\n") != NULL,
	    "%s", r.out);
	it_run(&t, &r, "2026-10-20",
	    "change-account RUM-1 --iban %s --received 2026-10-20", FX_IBAN_B);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
	    "mandate RUM-1: new account FR76****0173: sent on 2026-10-20, after "
	    "the 5th: applies from the 2026-11 collection\n"
	    "mandate RUM-1: a change not yet debited was replaced (the last one "
	    "wins)\n");
	/* October's file is made: November is next, on B, same bank as A */
	fx_batch(&t.f, "2026-10-01", "released");
	it_run(&t, &r, "2026-10-21", "show RUM-1");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out,
	              "next collection: 2026-11, RCUR, FR76****0173, amendment "
	              "same bank (OrgnlDbtrAcct = the old IBAN)\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "FR76****1155") == NULL, "%s", r.out);
	it_close(&t);
}

static const struct {
	const char *args;
	int status;
	const char *err;
} refusals[] = {
    {"change-account RUM-1 --iban FR7630006000011234567890188 --received "
     "2026-10-02",
        1,
        "sepactl: could not change the account of mandate RUM-1: IBAN "
        "FR76****0188: check digits do not match\n"},
    {"change-account RUM-1 --iban " FX_IBAN_C
     " --bic NOTABIC --received 2026-10-02",
        1, "sepactl: could not change the account of mandate RUM-1: "},
    {"change-account RUM-1 --iban " FX_IBAN_A " --received 2026-10-02", 1,
        "sepactl: could not change the account of mandate RUM-1: mandate "
        "RUM-1: IBAN FR76****0189 is already its account (from the 2025-09 "
        "collection)\n"},
    {"change-account NOPE --iban " FX_IBAN_C " --received 2026-10-02", 1,
        "sepactl: could not change the account of mandate NOPE: no mandate "
        "with RUM \"NOPE\"\n"},
    {"change-account RUM-1 --iban " FX_IBAN_C " --received 2026-10-11", 1,
        "received date 2026-10-11 is after the business date 2026-10-10\n"},
    {"change-account RUM-1 --iban " FX_IBAN_C " --received 2026-10-31x", 2,
        "sepactl: --received \"2026-10-31x\": "},
    {"change-account RUM-1 --received 2026-10-02", 2,
        "sepactl: mandate change-account needs a RUM, --iban and "
        "--received\n"},
    {"show NOPE", 1,
        "sepactl: could not show mandate NOPE: no mandate with RUM "
        "\"NOPE\"\n"},
    {"show", 2, "sepactl: mandate show needs one RUM\n"},
    {"terminate NOPE --received 2026-10-02", 1,
        "sepactl: could not terminate mandate NOPE: no mandate with RUM "
        "\"NOPE\"\n"},
    {"terminate RUM-1", 2,
        "sepactl: mandate terminate needs a RUM and --received\n"},
    {"list --status gone", 2,
        "sepactl: --status \"gone\" is not one of active, suspended, "
        "terminated, lapsed\n"},
    {"frobnicate", 2,
        "sepactl: unknown mandate command \"frobnicate\" (see sepactl "
        "mandate --help)\n"},
    {"", 2,
        "sepactl: mandate needs show, list, change-account, change-rum or "
        "terminate\n"},
};

Test(mandate_it, refusals_leave_the_database_unchanged)
{
	struct ctlrun r;
	struct it t;
	int64_t before;

	it_open(&t);
	before = it_checksum(&t);
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		it_run(&t, &r, "2026-10-10", "%s", refusals[i].args);
		cr_expect_eq(r.status, refusals[i].status, "%s: %d %s",
		    refusals[i].args, r.status, r.err);
		cr_expect(strstr(r.err, refusals[i].err) != NULL, "%s: %s",
		    refusals[i].args, r.err);
		cr_expect_str_eq(r.out, "", "%s", refusals[i].args);
		cr_expect_eq(it_checksum(&t), before, "%s", refusals[i].args);
	}
	it_close(&t);
}

static const struct {
	const char *received;
	const char *flags;
	const char *out;
	const char *state;
} letters[] = {
    {"2026-06-29", "",
        "mandate RUM-1 ends on 2026-08-31 (letter received on 2026-06-29, "
        "before 30 June); it is collected until then\n",
        "state: active\nends on: 2026-08-31 (last day it may be "
        "collected)\nlast used: 2026-09-15"},
    {"2026-06-30", "",
        "mandate RUM-1 ends on 2027-08-31 (letter received on 2026-06-30, "
        "not before 30 June); it is collected until then\n",
        "state: active\nends on: 2027-08-31"},
    {"2026-07-01", "",
        "mandate RUM-1 ends on 2027-08-31 (letter received on 2026-07-01, "
        "not before 30 June); it is collected until then\n",
        "state: active\nends on: 2027-08-31"},
    {"2026-07-01", "--immediate",
        "mandate RUM-1 terminated, last day 2026-07-01 (revoked with "
        "immediate effect, received on 2026-07-01)\n",
        "state: terminated (revoked by the family) since 2026-07-01\n"
        "ends on: 2026-07-01 (last day it may be collected)\n"
        "accounts:\n"},
};

Test(mandate_it, termination_letters)
{
	for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]); i++) {
		struct ctlrun r;
		struct it t;

		it_open(&t);
		it_run(&t, &r, "2026-07-02", "terminate RUM-1 --received %s %s",
		    letters[i].received, letters[i].flags);
		cr_expect_eq(r.status, 0, "case %zu: %s", i, r.err);
		cr_expect_str_eq(r.out, letters[i].out, "case %zu", i);
		it_run(&t, &r, "2026-07-02", "show RUM-1");
		cr_expect(strstr(r.out, letters[i].state) != NULL,
		    "case %zu: %s", i, r.out);
		/* the school year changes: still the same mandate */
		if (letters[i].flags[0] == '\0') {
			it_run(&t, &r, "2026-09-02", "show RUM-1");
			cr_expect(strstr(r.out, "state: active\n") != NULL,
			    "case %zu: %s", i, r.out);
			cr_expect(strstr(r.out,
			              "rejects counted in school "
			              "year 2026-2027: 0 of 2\n") != NULL,
			    "%s", r.out);
		}
		it_close(&t);
	}
}

Test(mandate_it, show_and_list)
{
	struct ctlrun r;
	struct it t;
	int64_t b;

	it_open(&t);
	/* a rejected (AM04, counted) and a creditor-side (AM05) reject */
	b = fx_batch(&t.f, "2026-10-01", "released");
	fx_collection(&t.f, b, t.m1, t.a1, "2026-10-01", "rejected");
	b = fx_batch(&t.f, "2026-11-01", "released");
	fx_collection(&t.f, b, t.m1, t.a1, "2026-11-01", "rejected");
	dbtest_int(t.f.db,
	    "WITH u AS (UPDATE collections SET reason_code = CASE WHEN due_on "
	    "= '2026-10-15' THEN 'AM04' ELSE 'AM05' END WHERE state = "
	    "'rejected' RETURNING 1) SELECT count(*) FROM u");
	it_run(&t, &r, "2026-11-20", "show rum-1");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
	    "mandate: RUM-1\n"
	    "family: F1, Marie Dupont\n"
	    "signed on: 2025-08-20\n"
	    "state: active\n"
	    "last used: 2026-11-15 (lapses after 2029-11-15 unless "
	    "collected)\n"
	    "accounts:\n"
	    "  from 2025-09: FR76****0189, BIC -, received 2025-09-01\n"
	    "last collection: 2026-11, due 2026-11-15, RCUR 1,00 €, "
	    "FR76****0189, rejected AM05\n"
	    "next collection: 2026-12, RCUR, FR76****0189, amendment none\n"
	    "rejects counted in school year 2026-2027: 1 of 2\n");
	it_run(&t, &r, "2026-11-20", "show RUM-2");
	cr_expect(strstr(r.out,
	              "last used: 2026-08-25 (lapses after 2029-08-25 unless "
	              "collected)\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out,
	              "last collection: none\n"
	              "next collection: 2026-12, FRST, FR76****0173, "
	              "amendment none\n") != NULL,
	    "%s", r.out);

	it_run(&t, &r, "2026-11-20",
	    "terminate RUM-2 --received 2026-11-20 --immediate");
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* a long accented payer name: cut and padded by characters */
	dbtest_int(t.f.db,
	    "WITH u AS (UPDATE families SET payer_name = 'Hélène-Élodie "
	    "Dupont-Lefèvre-Marchand' RETURNING 1) SELECT count(*) FROM u");
	it_run(&t, &r, "2026-11-20", "list");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "RUM-1 ") != NULL && strstr(r.out, "RUM-2 "),
	    "%s", r.out);
	cr_expect(strstr(r.out,
	              "\nRUM-1                F1           Hélène-Élodie "
	              "Dupont-Lef active     ") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "\n2 mandates\n") != NULL, "%s", r.out);
	it_run(&t, &r, "2026-11-20", "show RUM-2");
	cr_expect(strstr(r.out, "next collection: none (mandate terminated)\n"),
	    "%s", r.out);
	it_run(&t, &r, "2026-11-20", "list --status terminated --csv");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
	    "\xEF\xBB\xBFRUM;Famille;Payeur;État;Motif;Depuis le;"
	    "Prend fin le;Signé le;Compte\r\n"
	    "RUM-2;F1;Hélène-Élodie Dupont-Lefèvre-Marchand;terminated;"
	    "revoked by the family;"
	    "20/11/2026;20/11/2026;25/08/2026;FR76****0173\r\n");
	it_run(&t, &r, "2026-11-20", "list --status lapsed");
	cr_expect(strstr(r.out, "\n0 mandates\n") != NULL, "%s", r.out);
	it_close(&t);
}

/* RUM-1 suspended on 2026-09-20 for a dead account (AC04). */
static void
it_suspend(struct it *t)
{
	dbtest_int(t->f.db,
	    "WITH u AS (UPDATE mandates SET state = 'suspended', state_reason "
	    "= 'dead account AC04', state_since = '2026-09-20' WHERE rum = "
	    "'RUM-1' RETURNING 1) SELECT count(*) FROM u");
}

/* A suspended mandate (dead account) is active again on new details. */
Test(mandate_it, new_details_reactivate_a_suspended_mandate)
{
	struct ctlrun r;
	struct it t;

	it_open(&t);
	it_suspend(&t);
	it_run(&t, &r, "2026-10-02",
	    "change-account RUM-1 --iban %s --received 2026-10-02", FX_IBAN_D);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(
	    strstr(r.out, "mandate RUM-1: active again (it was suspended)\n") !=
	        NULL,
	    "%s", r.out);
	it_run(&t, &r, "2026-10-02", "show RUM-1");
	cr_expect(strstr(r.out, "state: active since 2026-10-02\n") != NULL,
	    "%s", r.out);
	it_close(&t);
}

/*
 * A suspended mandate is not collected: `show` says so and why, and
 * announces no sequence type or account until new bank details arrive.
 */
Test(mandate_it, suspended_mandate_has_no_next_collection)
{
	struct ctlrun r;
	struct it t;

	it_open(&t);
	it_suspend(&t);
	it_run(&t, &r, "2026-10-02", "show RUM-1");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out,
	              "state: suspended (dead account AC04) since "
	              "2026-09-20\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out,
	              "next collection: none (mandate suspended: dead account "
	              "AC04; new bank details are needed)\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "next collection: 2026") == NULL, "%s", r.out);
	/* new bank details: active again, and collected */
	it_run(&t, &r, "2026-10-02",
	    "change-account RUM-1 --iban %s --received 2026-10-02", FX_IBAN_D);
	cr_assert_eq(r.status, 0, "%s", r.err);
	it_run(&t, &r, "2026-10-02", "show RUM-1");
	cr_expect(strstr(r.out,
	              "next collection: 2026-10, RCUR, FR76****2286, "
	              "amendment ") != NULL,
	    "%s", r.out);
	it_close(&t);
}

/*
 * A mandate whose end (a family's letter) comes before the next
 * collection month is not collected in it; one that ends later is.
 */
Test(mandate_it, no_next_collection_after_the_mandates_end)
{
	struct ctlrun r;
	struct it t;

	it_open(&t);
	/* 2026-09 is released: 2026-10 is the next month */
	it_run(&t, &r, "2026-07-02", "terminate RUM-1 --received 2026-06-29");
	cr_assert_eq(r.status, 0, "%s", r.err);
	it_run(&t, &r, "2026-07-02", "show RUM-1");
	cr_expect(strstr(r.out,
	              "next collection: none (mandate ends on 2026-08-31, "
	              "before the 2026-10 collection)\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "next collection: 2026") == NULL, "%s", r.out);
	it_close(&t);

	it_open(&t);
	it_run(&t, &r, "2026-07-02", "terminate RUM-1 --received 2026-07-01");
	cr_assert_eq(r.status, 0, "%s", r.err);
	it_run(&t, &r, "2026-07-02", "show RUM-1");
	cr_expect(
	    strstr(r.out,
	        "ends on: 2027-08-31 (last day it may be collected)\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out,
	              "next collection: 2026-10, RCUR, FR76****0189, "
	              "amendment none\n") != NULL,
	    "%s", r.out);
	it_close(&t);
}

/*
 * The 36-month lapse as the operator sees it; the cycle's sweep
 * (store_mandate_sweep, tested in tests/db) then lapses the mandate.
 */
Test(mandate_it, lapse_date_and_lapsed_mandate)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_rules rules = SEPA_RULES_INIT;
	struct mandate_sweep_result res;
	struct ctlrun r;
	struct it t;
	int64_t m;

	it_open(&t);
	m = fx_mandate(&t.f, "OLD-1", "2023-09-10");
	fx_account(&t.f, m, FX_IBAN_C, "2023-09-01");
	it_run(&t, &r, "2026-09-10", "show OLD-1");
	cr_expect(strstr(r.out,
	              "state: active\nlast used: 2023-09-10 (lapses after "
	              "2026-09-10 unless collected)\n") != NULL,
	    "%s", r.out);
	cr_assert_eq(store_mandate_sweep(t.f.db, t.f.cred, &rules,
	                 (sepa_date){2026, 9, 11}, &res, &err),
	    0, "%s", err.msg);
	cr_expect_eq(res.lapsed, 1);
	it_run(&t, &r, "2026-09-11", "show OLD-1");
	cr_expect(
	    strstr(r.out,
	        "state: lapsed (unused 36 months) since 2026-09-11\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "next collection: none (mandate lapsed)\n"),
	    "%s", r.out);
	it_run(&t, &r, "2026-09-11",
	    "change-account OLD-1 --iban %s --received 2026-09-11", FX_IBAN_D);
	cr_expect_eq(r.status, 1);
	cr_expect_str_eq(r.err,
	    "sepactl: could not change the account of mandate OLD-1: mandate "
	    "OLD-1 is lapsed (unused 36 months) since 2026-09-11: its bank "
	    "details cannot change; a new mandate is needed\n");
	it_run(&t, &r, "2026-09-11", "list --status lapsed --csv");
	cr_expect(strstr(r.out,
	              "\nOLD-1;F1;Marie Dupont;lapsed;unused 36 "
	              "months;11/09/2026;;10/09/2023;FR76****1155\r\n"),
	    "%s", r.out);
	it_close(&t);
}
