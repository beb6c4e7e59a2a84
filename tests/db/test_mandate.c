/*
 * test_mandate.c - store_mandate.c: the account and amendment of a
 * collection month, FRST/RCUR, account changes, termination letters, the
 * lifecycle sweep, and the configuration's rules.
 */
#include "mandatefx.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"
#include "config.h"
#include "db.h"
#include "store_creditor.h"
#include "store_mandate.h"

/* History of one mandate: accounts, then collections on them. */
struct hist_account {
	const char *iban;
	const char *from;
};
struct hist_collection {
	const char *month; /* collection month, "2026-09-01" */
	int account; /* index in accounts */
	const char *batch_state;
	const char *state;
};

#define MAXH 4
static const struct {
	const char *name;
	struct hist_account acc[MAXH];
	struct hist_collection col[MAXH];
	const char *month; /* asked */
	int want_rc;
	const char *want_iban;
	const char *want_last; /* last debited */
	enum sepa_amendment want_amend;
	enum sepa_seq want_seq;
} account_cases[] = {
    {"never collected", {{FX_IBAN_A, "2025-09-01"}}, {{0}}, "2026-10", 0,
        FX_IBAN_A, "", SEPA_AMEND_NONE, SEPA_SEQ_FRST},
    {"collected before on the same account", {{FX_IBAN_A, "2025-09-01"}},
        {{"2026-09-01", 0, "released", "settled"}}, "2026-10", 0, FX_IBAN_A,
        FX_IBAN_A, SEPA_AMEND_NONE, SEPA_SEQ_RCUR},
    {"new account at the same bank",
        {{FX_IBAN_A, "2025-09-01"}, {FX_IBAN_B, "2026-10-01"}},
        {{"2026-09-01", 0, "released", "sent"}}, "2026-10", 0, FX_IBAN_B,
        FX_IBAN_A, SEPA_AMEND_SAME_BANK, SEPA_SEQ_RCUR},
    {"new account at another bank",
        {{FX_IBAN_A, "2025-09-01"}, {FX_IBAN_C, "2026-10-01"}},
        {{"2026-09-01", 0, "released", "settled"}}, "2026-10", 0, FX_IBAN_C,
        FX_IBAN_A, SEPA_AMEND_OTHER_BANK, SEPA_SEQ_RCUR},
    {"the amendment is carried once",
        {{FX_IBAN_A, "2025-09-01"}, {FX_IBAN_C, "2026-10-01"}},
        {{"2026-09-01", 0, "released", "settled"},
            {"2026-10-01", 1, "released", "sent"}},
        "2026-11", 0, FX_IBAN_C, FX_IBAN_C, SEPA_AMEND_NONE, SEPA_SEQ_RCUR},
    {"a carrier fixed in a prepared batch counts",
        {{FX_IBAN_A, "2025-09-01"}, {FX_IBAN_C, "2026-10-01"}},
        {{"2026-09-01", 0, "released", "settled"},
            {"2026-10-01", 1, "prepared", "pending"}},
        "2026-11", 0, FX_IBAN_C, FX_IBAN_C, SEPA_AMEND_NONE, SEPA_SEQ_RCUR},
    {"a rejected carrier: the next one carries it again",
        {{FX_IBAN_A, "2025-09-01"}, {FX_IBAN_C, "2026-10-01"}},
        {{"2026-09-01", 0, "released", "settled"},
            {"2026-10-01", 1, "released", "rejected"}},
        "2026-11", 0, FX_IBAN_C, FX_IBAN_A, SEPA_AMEND_OTHER_BANK,
        SEPA_SEQ_RCUR},
    {"a cancelled carrier: the next one carries it again",
        {{FX_IBAN_A, "2025-09-01"}, {FX_IBAN_B, "2026-10-01"}},
        {{"2026-09-01", 0, "released", "returned"},
            {"2026-10-01", 1, "rejected", "cancelled"}},
        "2026-11", 0, FX_IBAN_B, FX_IBAN_A, SEPA_AMEND_SAME_BANK,
        SEPA_SEQ_RCUR},
    {"two changes before a collection: refers to the account debited",
        {{FX_IBAN_A, "2025-09-01"}, {FX_IBAN_B, "2026-10-01"},
            {FX_IBAN_C, "2026-11-01"}},
        {{"2026-09-01", 0, "released", "settled"}}, "2026-11", 0, FX_IBAN_C,
        FX_IBAN_A, SEPA_AMEND_OTHER_BANK, SEPA_SEQ_RCUR},
    {"a change applies from its month, not before",
        {{FX_IBAN_A, "2025-09-01"}, {FX_IBAN_C, "2026-10-01"}},
        {{"2026-08-01", 0, "released", "settled"}}, "2026-09", 0, FX_IBAN_A,
        FX_IBAN_A, SEPA_AMEND_NONE, SEPA_SEQ_RCUR},
    {"the month's own collection is not history",
        {{FX_IBAN_A, "2025-09-01"}, {FX_IBAN_C, "2026-10-01"}},
        {{"2026-09-01", 0, "released", "settled"},
            {"2026-10-01", 1, "prepared", "pending"}},
        "2026-10", 0, FX_IBAN_C, FX_IBAN_A, SEPA_AMEND_OTHER_BANK,
        SEPA_SEQ_RCUR},
    {"only rejected before: FRST again, no amendment",
        {{FX_IBAN_A, "2025-09-01"}, {FX_IBAN_C, "2026-10-01"}},
        {{"2026-09-01", 0, "released", "rejected"}}, "2026-10", 0, FX_IBAN_C,
        "", SEPA_AMEND_NONE, SEPA_SEQ_FRST},
    {"a returned collection was used", {{FX_IBAN_A, "2025-09-01"}},
        {{"2026-09-01", 0, "released", "returned"}}, "2026-10", 0, FX_IBAN_A,
        FX_IBAN_A, SEPA_AMEND_NONE, SEPA_SEQ_RCUR},
    {"a refunded collection was used", {{FX_IBAN_A, "2025-09-01"}},
        {{"2026-09-01", 0, "released", "refunded"}}, "2026-10", 0, FX_IBAN_A,
        FX_IBAN_A, SEPA_AMEND_NONE, SEPA_SEQ_RCUR},
    {"no account yet for that month", {{FX_IBAN_A, "2025-09-01"}}, {{0}},
        "2025-08", SEPA_ENOTFOUND, "", "", SEPA_AMEND_NONE, SEPA_SEQ_FRST},
};

Test(mandate, account_amendment_and_sequence_of_a_month)
{
	for (size_t i = 0; i < sizeof(account_cases) / sizeof(account_cases[0]);
	     i++) {
		sepa_error err = SEPA_ERROR_INIT;
		sepa_rules rules = SEPA_RULES_INIT;
		struct mandate_account acc;
		struct mandatefx f;
		int64_t man, accs[MAXH] = {0};
		enum sepa_seq seq = SEPA_SEQ_OOFF;
		char name[64];
		int rc;

		fx_init(&f, dbtest_open(name, "sepad"));
		man = fx_mandate(&f, "RUM-1", "2025-08-20");
		for (int j = 0; j < MAXH && account_cases[i].acc[j].iban; j++)
			accs[j] =
			    fx_account(&f, man, account_cases[i].acc[j].iban,
			        account_cases[i].acc[j].from);
		for (int j = 0; j < MAXH && account_cases[i].col[j].month;
		     j++) {
			const struct hist_collection *c =
			    &account_cases[i].col[j];
			int64_t b = fx_batch(&f, c->month, c->batch_state);

			fx_collection(
			    &f, b, man, accs[c->account], c->month, c->state);
		}
		rc = store_mandate_account_for(f.db, f.cred, man,
		    fx_month(account_cases[i].month), &acc, &err);
		cr_expect_eq(rc, account_cases[i].want_rc, "%s: %d %s",
		    account_cases[i].name, rc, err.msg);
		if (rc == 0) {
			cr_expect_str_eq(acc.iban, account_cases[i].want_iban,
			    "%s", account_cases[i].name);
			cr_expect_str_eq(acc.last_debited_iban,
			    account_cases[i].want_last, "%s",
			    account_cases[i].name);
			cr_expect_eq(acc.amendment, account_cases[i].want_amend,
			    "%s: amendment %d", account_cases[i].name,
			    acc.amendment);
			cr_expect_eq(acc.bic[0], '\0');
		} else {
			cr_expect(strstr(err.msg,
			              "has no account for the 2025-08 "
			              "collection") != NULL,
			    "%s", err.msg);
		}
		cr_expect_eq(
		    store_mandate_sequence(f.db, f.cred, man,
		        fx_month(account_cases[i].month), &rules, &seq, &err),
		    0, "%s", err.msg);
		cr_expect_eq(seq, account_cases[i].want_seq, "%s: seq %d",
		    account_cases[i].name, seq);
		rules.first_is_frst = 0;
		cr_expect_eq(
		    store_mandate_sequence(f.db, f.cred, man,
		        fx_month(account_cases[i].month), &rules, &seq, &err),
		    0);
		cr_expect_eq(seq, SEPA_SEQ_RCUR, "%s", account_cases[i].name);
		db_close(f.db);
		dbtest_drop(name);
	}
}

/* Another creditor's history never leaks into a mandate's. */
Test(mandate, account_for_stays_within_the_creditor)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct mandate_account acc;
	struct mandatefx f;
	char name[64];
	int64_t man, other;

	fx_init(&f, dbtest_open(name, "sepad"));
	man = fx_mandate(&f, "RUM-1", "2025-08-20");
	fx_account(&f, man, FX_IBAN_A, "2025-09-01");
	cr_assert_eq(
	    store_creditor_ensure(f.db, "FR11ZZZ654321", "Other", &other, &err),
	    0, "%s", err.msg);
	cr_assert_eq(store_mandate_account_for(
	                 f.db, other, man, fx_month("2026-10"), &acc, &err),
	    SEPA_ENOTFOUND);
	db_close(f.db);
	dbtest_drop(name);
}

Test(mandate, amendment_carried_once)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct mandatefx f;
	char name[64];
	int64_t man, a, c, b1, b2, col1, col2, col3;

	fx_init(&f, dbtest_open(name, "sepad"));
	man = fx_mandate(&f, "RUM-1", "2025-08-20");
	a = fx_account(&f, man, FX_IBAN_A, "2025-09-01");
	c = fx_account(&f, man, FX_IBAN_C, "2026-10-01");
	(void)a;
	b1 = fx_batch(&f, "2026-10-01", "released");
	col1 = fx_collection(&f, b1, man, c, "2026-10-01", "cancelled");
	cr_assert_eq(
	    store_mandate_amendment_carried(f.db, f.cred, c, col1, &err), 0,
	    "%s", err.msg);
	/* the cancelled carrier is replaced by the live one */
	b2 = fx_batch(&f, "2026-10-01", "released");
	col2 = fx_collection(&f, b2, man, c, "2026-10-01", "sent");
	cr_assert_eq(
	    store_mandate_amendment_carried(f.db, f.cred, c, col2, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(
	    store_mandate_amendment_carried(f.db, f.cred, c, col2, &err), 0);
	col3 = fx_collection(&f, b2, man, c, "2026-11-01", "sent");
	cr_assert_eq(
	    store_mandate_amendment_carried(f.db, f.cred, c, col3, &err),
	    SEPA_ESTATE);
	cr_assert(strstr(err.msg, "already carried by another collection"),
	    "%s", err.msg);
	cr_assert_eq(dbtest_int(f.db,
	                 "SELECT count(*) FROM mandate_accounts WHERE "
	                 "amendment_required AND amended_by_collection IS NOT "
	                 "NULL"),
	    1);
	db_close(f.db);
	dbtest_drop(name);
}

/* config_rules: the contract's parameters from sepad.conf. */
static const struct {
	const char *text;
	const char *err; /* NULL: loads */
	int month, day, lead;
} rules_cases[] = {
    {"", NULL, 6, 30, 2},
    {"mandates: { letter_deadline = \"05-31\"; };\n"
     "collection: { bank_lead_days = 5; };\n",
        NULL, 5, 31, 5},
    {"mandates: { letter_deadline = \"08-31\"; };\n", NULL, 8, 31, 2},
    {"mandates: { letter_deadline = \"6-30\"; };\n",
        ":1: key \"mandates.letter_deadline\": \"6-30\" is not a day MM-DD "
        "between 01-01 and 08-31",
        0, 0, 0},
    {"mandates: { letter_deadline = \"09-01\"; };\n",
        ":1: key \"mandates.letter_deadline\": \"09-01\" is not a day MM-DD "
        "between 01-01 and 08-31",
        0, 0, 0},
    {"mandates: { letter_deadline = \"02-29\"; };\n",
        "\"02-29\" is not a day MM-DD", 0, 0, 0},
    {"mandates: { letter_deadline = \"06-31\"; };\n",
        "\"06-31\" is not a day MM-DD", 0, 0, 0},
    {"mandates: { letter_deadline = 630; };\n",
        ":1: key \"mandates.letter_deadline\": expected a string, found an "
        "integer",
        0, 0, 0},
    {"collection: { bank_lead_days = 0; };\n",
        ":1: key \"collection.bank_lead_days\": 0 is out of range 1..10", 0, 0,
        0},
};

Test(mandate, config_rules_from_the_configuration)
{
	for (size_t i = 0; i < sizeof(rules_cases) / sizeof(rules_cases[0]);
	     i++) {
		char path[64], line[1024];
		struct sepad_config cfg;
		struct config_errors errs;
		sepa_error err = SEPA_ERROR_INIT;
		sepa_rules r;
		FILE *fp;
		int fd, rc;

		snprintf(path, sizeof(path), "/tmp/sepad-rules-XXXXXX");
		fd = mkstemp(path);
		cr_assert_geq(fd, 0);
		fp = fdopen(fd, "w");
		fputs(rules_cases[i].text, fp);
		fclose(fp);
		rc = config_load(&cfg, path, "/srv", &errs);
		unlink(path);
		if (rules_cases[i].err != NULL) {
			cr_expect_eq(rc, SEPA_EINVAL, "case %zu", i);
			cr_expect_eq(errs.count, 1, "case %zu", i);
			sepa_error_format(&errs.list[0], line, sizeof(line));
			cr_expect(strstr(line, rules_cases[i].err) != NULL,
			    "case %zu: %s", i, line);
			config_free(&cfg);
			continue;
		}
		cr_assert_eq(rc, 0, "case %zu: %s", i, errs.list[0].msg);
		cr_assert_eq(config_rules(&cfg, &r, &err), 0, "%s", err.msg);
		cr_expect_eq(r.letter_deadline_month, rules_cases[i].month);
		cr_expect_eq(r.letter_deadline_day, rules_cases[i].day);
		cr_expect_eq(r.bank_lead_days, rules_cases[i].lead);
		cr_expect_eq(r.account_change_cutoff_day, 5);
		cr_expect_eq(r.lapse_months, 36);
		cr_expect_eq(r.max_rejects_per_school_year, 2);
		cr_expect_eq(r.first_is_frst, 1);
		cr_expect_eq(r.due_day, 15);
		cr_expect_eq(r.prenotification_days, 14);
		config_free(&cfg);
	}
}

/* The documented example gives the contract's defaults. */
Test(mandate, config_rules_of_the_example)
{
	struct sepad_config cfg;
	struct config_errors errs;
	sepa_error err = SEPA_ERROR_INIT;
	sepa_rules r, def = SEPA_RULES_INIT;

	cr_assert_eq(config_load(&cfg, SEPAD_SRCDIR "/conf/sepad.conf.example",
	                 NULL, &errs),
	    0, "%s", errs.list[0].msg);
	cr_assert_eq(config_rules(&cfg, &r, &err), 0, "%s", err.msg);
	cr_expect_eq(memcmp(&r, &def, sizeof(r)), 0);
	config_free(&cfg);
}

/* ------------------------------------------------------ account change */

static sepa_date
fx_date(const char *s)
{
	sepa_date d;
	sepa_error err = SEPA_ERROR_INIT;

	if (sepa_date_parse(&d, s, &err) != 0)
		cr_assert_fail("%s", err.msg);
	return d;
}

/* Everything a refused command must leave as it was. */
static int64_t
fx_checksum(struct mandatefx *f)
{
	return dbtest_int(f->db,
	    "SELECT (SELECT count(*) FROM mandate_accounts) * 1000000 + "
	    "(SELECT count(*) FROM events) * 1000 + "
	    "(SELECT abs(hashtext(string_agg(m::text, '|' ORDER BY id))) % 1000 "
	    "FROM mandates m)");
}

static const struct {
	const char *name;
	const char *closed_month; /* a batch of this month, or NULL */
	const char *batch_state;
	const char *sent, *received;
	const char *want_month;
	const char *want_why;
} change_cases[] = {
    {"sent on the 5th", NULL, NULL, "2026-10-05", "2026-10-05", "2026-10",
        "sent on 2026-10-05, by the 5th: applies from the 2026-10 "
        "collection"},
    {"sent on the 6th", NULL, NULL, "2026-10-06", "2026-10-06", "2026-11",
        "sent on 2026-10-06, after the 5th: applies from the 2026-11 "
        "collection"},
    {"sent on the 3rd, received on the 8th", NULL, NULL, "2026-10-03",
        "2026-10-08", "2026-10",
        "sent on 2026-10-03, by the 5th: applies from the 2026-10 "
        "collection"},
    {"the month's batch was released", "2026-10-01", "released", "2026-10-03",
        "2026-10-04", "2026-11",
        "sent on 2026-10-03, but the 2026-10 collection is already with "
        "the bank: applies from the 2026-11 collection"},
    {"the month's batch is prepared", "2026-10-01", "prepared", "2026-10-03",
        "2026-10-04", "2026-11",
        "sent on 2026-10-03, but the 2026-10 collection is already with "
        "the bank: applies from the 2026-11 collection"},
    {"a refused batch does not close the month", "2026-10-01", "rejected",
        "2026-10-03", "2026-10-04", "2026-10",
        "sent on 2026-10-03, by the 5th: applies from the 2026-10 "
        "collection"},
    {"an earlier month's release does not matter", "2026-09-01", "released",
        "2026-10-05", "2026-10-05", "2026-10",
        "sent on 2026-10-05, by the 5th: applies from the 2026-10 "
        "collection"},
};

Test(mandate, change_account_month)
{
	for (size_t i = 0; i < sizeof(change_cases) / sizeof(change_cases[0]);
	     i++) {
		sepa_error err = SEPA_ERROR_INIT;
		sepa_rules rules = SEPA_RULES_INIT;
		struct mandate_change chg = {"rum-1", FX_IBAN_C, "AGRIFRPP",
		    fx_date(change_cases[i].received),
		    fx_date(change_cases[i].sent)};
		struct mandate_change_result res;
		struct mandate_account acc;
		struct mandatefx f;
		char name[64], mon[SEPA_MONTH_BUFSZ];
		int64_t man;

		fx_init(&f, dbtest_open(name, "sepad"));
		man = fx_mandate(&f, "RUM-1", "2025-08-20");
		fx_account(&f, man, FX_IBAN_A, "2025-09-01");
		if (change_cases[i].closed_month != NULL)
			fx_batch(&f, change_cases[i].closed_month,
			    change_cases[i].batch_state);
		cr_assert_eq(store_mandate_change_account(f.db, f.cred, &rules,
		                 &chg, fx_date("2026-10-10"), &res, &err),
		    0, "%s: %s", change_cases[i].name, err.msg);
		cr_expect_str_eq(sepa_month_iso(mon, res.applies_from),
		    change_cases[i].want_month, "%s", change_cases[i].name);
		cr_expect_str_eq(res.why, change_cases[i].want_why, "%s",
		    change_cases[i].name);
		cr_expect_str_eq(res.rum, "RUM-1");
		cr_expect_not(res.replaced);
		cr_expect_not(res.reactivated);
		/* the month before still debits A, the month itself C */
		cr_assert_eq(
		    store_mandate_account_for(f.db, f.cred, man,
		        sepa_month_add(res.applies_from, -1), &acc, &err),
		    0);
		cr_expect_str_eq(acc.iban, FX_IBAN_A);
		cr_assert_eq(store_mandate_account_for(f.db, f.cred, man,
		                 res.applies_from, &acc, &err),
		    0);
		cr_expect_str_eq(acc.iban, FX_IBAN_C);
		cr_expect_str_eq(acc.bic, "AGRIFRPP");
		cr_expect_eq(acc.account_id, res.account_id);
		cr_expect_eq(
		    dbtest_int(f.db,
		        "SELECT count(*) FROM mandate_accounts WHERE "
		        "amendment_required AND received_on = "
		        "received_on AND amended_by_collection IS NULL"),
		    1);
		cr_expect_eq(
		    dbtest_int(f.db,
		        "SELECT count(*) FROM events WHERE kind = "
		        "'mandate.account_changed' AND mandate_id IS NOT "
		        "NULL AND family_id IS NOT NULL AND message LIKE "
		        "'mandate RUM-1: new account FR76****1155 (sent "
		        "on %'"),
		    1, "%s", change_cases[i].name);
		db_close(f.db);
		dbtest_drop(name);
	}
}

/* Two changes before a collection: the later one wins. */
Test(mandate, change_account_last_one_wins)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_rules rules = SEPA_RULES_INIT;
	struct mandate_change_result res;
	struct mandate_account acc;
	struct mandatefx f;
	char name[64];
	int64_t man, a;

	fx_init(&f, dbtest_open(name, "sepad"));
	man = fx_mandate(&f, "RUM-1", "2025-08-20");
	a = fx_account(&f, man, FX_IBAN_A, "2025-09-01");
	fx_collection(&f, fx_batch(&f, "2026-10-01", "released"), man, a,
	    "2026-10-01", "settled");
	/* B for November, then C for November: C replaces B */
	cr_assert_eq(store_mandate_change_account(f.db, f.cred, &rules,
	                 &(struct mandate_change){"RUM-1", FX_IBAN_B, NULL,
	                     fx_date("2026-10-06"), fx_date("2026-10-06")},
	                 fx_date("2026-10-20"), &res, &err),
	    0, "%s", err.msg);
	cr_assert_eq(store_mandate_change_account(f.db, f.cred, &rules,
	                 &(struct mandate_change){"RUM-1", FX_IBAN_C, NULL,
	                     fx_date("2026-10-20"), fx_date("2026-10-19")},
	                 fx_date("2026-10-20"), &res, &err),
	    0, "%s", err.msg);
	cr_expect(res.replaced);
	cr_expect_eq(dbtest_int(f.db,
	                 "SELECT count(*) FROM mandate_accounts WHERE "
	                 "applies_from = '2026-11-01'"),
	    1);
	cr_assert_eq(store_mandate_account_for(
	                 f.db, f.cred, man, fx_month("2026-11"), &acc, &err),
	    0);
	cr_expect_str_eq(acc.iban, FX_IBAN_C);
	cr_expect_str_eq(acc.last_debited_iban, FX_IBAN_A);
	cr_expect_eq(acc.amendment, SEPA_AMEND_OTHER_BANK);
	/* back to a same-bank account: the amendment follows */
	cr_assert_eq(store_mandate_change_account(f.db, f.cred, &rules,
	                 &(struct mandate_change){"RUM-1", FX_IBAN_B, NULL,
	                     fx_date("2026-10-21"), fx_date("2026-10-21")},
	                 fx_date("2026-10-21"), &res, &err),
	    0, "%s", err.msg);
	cr_assert_eq(store_mandate_account_for(
	                 f.db, f.cred, man, fx_month("2026-11"), &acc, &err),
	    0);
	cr_expect_str_eq(acc.iban, FX_IBAN_B);
	cr_expect_eq(acc.amendment, SEPA_AMEND_SAME_BANK);
	cr_expect_str_eq(acc.last_debited_iban, FX_IBAN_A);
	/* a change that applies earlier removes a later one not debited */
	cr_assert_eq(store_mandate_change_account(f.db, f.cred, &rules,
	                 &(struct mandate_change){"RUM-1", FX_IBAN_D, NULL,
	                     fx_date("2026-10-22"), fx_date("2026-10-02")},
	                 fx_date("2026-10-22"), &res, &err),
	    0, "%s", err.msg);
	cr_expect_eq(res.applies_from.month, 11); /* October is released */
	cr_expect_eq(
	    dbtest_int(f.db, "SELECT count(*) FROM mandate_accounts"), 2);
	cr_expect_eq(dbtest_int(f.db,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'mandate.account_changed'"),
	    4);
	db_close(f.db);
	dbtest_drop(name);
}

Test(mandate, change_account_reactivates_a_suspended_mandate)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_rules rules = SEPA_RULES_INIT;
	struct mandate_change_result res;
	struct mandatefx f;
	char name[64];
	int64_t man;

	fx_init(&f, dbtest_open(name, "sepad"));
	man = fx_mandate(&f, "RUM-1", "2025-08-20");
	fx_account(&f, man, FX_IBAN_A, "2025-09-01");
	dbtest_int(f.db,
	    "WITH u AS (UPDATE mandates SET state = 'suspended', state_reason "
	    "= 'dead account AC04', state_since = '2026-09-20' RETURNING 1) "
	    "SELECT count(*) FROM u");
	cr_assert_eq(store_mandate_change_account(f.db, f.cred, &rules,
	                 &(struct mandate_change){"RUM-1", FX_IBAN_C, NULL,
	                     fx_date("2026-10-02"), fx_date("2026-10-01")},
	                 fx_date("2026-10-02"), &res, &err),
	    0, "%s", err.msg);
	cr_expect(res.reactivated);
	cr_expect_eq(dbtest_int(f.db,
	                 "SELECT count(*) FROM mandates WHERE state = 'active' "
	                 "AND state_reason IS NULL AND state_since = "
	                 "'2026-10-02'"),
	    1);
	cr_expect_eq(dbtest_int(f.db,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'mandate.reactivated' AND message = 'mandate RUM-1 "
	                 "active again on new bank details (was suspended: "
	                 "dead account AC04)'"),
	    1);
	db_close(f.db);
	dbtest_drop(name);
}

static const struct {
	const char *rum, *iban, *sent, *received;
	int rc;
	const char *msg;
} change_refusals[] = {
    {"RUM-1", FX_IBAN_A, "2026-10-02", "2026-10-02", SEPA_EINVAL,
        "mandate RUM-1: IBAN FR76****0189 is already its account (from the "
        "2025-09 collection)"},
    {"NOPE", FX_IBAN_C, "2026-10-02", "2026-10-02", SEPA_ENOTFOUND,
        "no mandate with RUM \"NOPE\""},
    {"RUM-1", "FR7630006000011234567890188", "2026-10-02", "2026-10-02",
        SEPA_EINVAL, "check digits"},
    {"RUM-1", "TN5910006035183598478831", "2026-10-02", "2026-10-02",
        SEPA_EINVAL,
        "IBAN TN59****8831: country TN is not in the SEPA scheme, it cannot "
        "be debited"},
    {"RUM-1", FX_IBAN_C, "2026-10-03", "2026-10-02", SEPA_EINVAL,
        "sent date 2026-10-03 is after the received date 2026-10-02"},
    {"RUM-1", FX_IBAN_C, "2026-10-02", "2026-10-11", SEPA_EINVAL,
        "received date 2026-10-11 is after the business date 2026-10-10"},
    {"RUM-2", FX_IBAN_C, "2026-10-02", "2026-10-02", SEPA_ESTATE,
        "mandate RUM-2 is terminated (family letter) since 2026-09-01: its "
        "bank details cannot change; a new mandate is needed"},
};

Test(mandate, change_account_refusals_leave_the_database_unchanged)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_rules rules = SEPA_RULES_INIT;
	struct mandate_change_result res;
	struct mandatefx f;
	char name[64];
	int64_t man, before;

	fx_init(&f, dbtest_open(name, "sepad"));
	man = fx_mandate(&f, "RUM-1", "2025-08-20");
	fx_account(&f, man, FX_IBAN_A, "2025-09-01");
	man = fx_mandate(&f, "RUM-2", "2025-08-20");
	fx_account(&f, man, FX_IBAN_B, "2025-09-01");
	dbtest_int(f.db,
	    "WITH u AS (UPDATE mandates SET state = 'terminated', state_reason "
	    "= 'family letter', state_since = '2026-09-01' WHERE rum = 'RUM-2' "
	    "RETURNING 1) SELECT count(*) FROM u");
	before = fx_checksum(&f);
	for (size_t i = 0;
	     i < sizeof(change_refusals) / sizeof(change_refusals[0]); i++) {
		struct mandate_change chg = {change_refusals[i].rum,
		    change_refusals[i].iban, NULL,
		    fx_date(change_refusals[i].received),
		    fx_date(change_refusals[i].sent)};

		cr_expect_eq(store_mandate_change_account(f.db, f.cred, &rules,
		                 &chg, fx_date("2026-10-10"), &res, &err),
		    change_refusals[i].rc, "case %zu: %s", i, err.msg);
		cr_expect(strstr(err.msg, change_refusals[i].msg) != NULL,
		    "case %zu: %s", i, err.msg);
		cr_expect_eq(fx_checksum(&f), before, "case %zu", i);
	}
	db_close(f.db);
	dbtest_drop(name);
}

/* --------------------------------------------------------- termination */

static const struct {
	const char *received;
	bool immediate;
	const char *want_end;
	bool now;
	const char *state;
	const char *why;
} end_cases[] = {
    {"2026-06-29", false, "2026-08-31", false, "active",
        "letter received on 2026-06-29, before 30 June"},
    {"2026-06-30", false, "2027-08-31", false, "active",
        "letter received on 2026-06-30, not before 30 June"},
    {"2026-07-01", false, "2027-08-31", false, "active",
        "letter received on 2026-07-01, not before 30 June"},
    {"2026-07-01", true, "2026-07-01", true, "terminated",
        "revoked with immediate effect, received on 2026-07-01"},
    {"2025-05-02", false, "2025-08-31", true, "terminated",
        "letter received on 2025-05-02, before 30 June"},
};

Test(mandate, terminate_by_letter)
{
	for (size_t i = 0; i < sizeof(end_cases) / sizeof(end_cases[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		sepa_rules rules = SEPA_RULES_INIT;
		struct mandate_end_result res;
		struct mandatefx f;
		char name[64], end[SEPA_DATE_BUFSZ], sql[512];

		fx_init(&f, dbtest_open(name, "sepad"));
		fx_mandate(&f, "RUM-1", "2024-08-20");
		cr_assert_eq(
		    store_mandate_terminate(f.db, f.cred, &rules, "RUM-1",
		        fx_date(end_cases[i].received), end_cases[i].immediate,
		        fx_date("2026-07-02"), &res, &err),
		    0, "case %zu: %s", i, err.msg);
		cr_expect_str_eq(sepa_date_iso(end, res.ends_on),
		    end_cases[i].want_end, "case %zu", i);
		cr_expect_eq(
		    res.terminated_now, end_cases[i].now, "case %zu", i);
		cr_expect_str_eq(res.why, end_cases[i].why, "case %zu", i);
		snprintf(sql, sizeof(sql),
		    "SELECT count(*) FROM mandates WHERE state = '%s' AND "
		    "ends_on = '%s'",
		    end_cases[i].state, end_cases[i].want_end);
		cr_expect_eq(dbtest_int(f.db, sql), 1, "case %zu", i);
		cr_expect_eq(dbtest_int(f.db,
		                 "SELECT count(*) FROM events WHERE kind LIKE "
		                 "'mandate.%' AND mandate_id IS NOT NULL"),
		    1);
		db_close(f.db);
		dbtest_drop(name);
	}
}

Test(mandate, terminate_keeps_the_earlier_end_and_refuses_twice)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_rules rules = SEPA_RULES_INIT;
	struct mandate_end_result res;
	struct mandatefx f;
	char name[64];
	int64_t before;

	fx_init(&f, dbtest_open(name, "sepad"));
	fx_mandate(&f, "RUM-1", "2024-08-20");
	cr_assert_eq(store_mandate_terminate(f.db, f.cred, &rules, "RUM-1",
	                 fx_date("2026-06-29"), false, fx_date("2026-07-02"),
	                 &res, &err),
	    0);
	cr_assert_eq(store_mandate_terminate(f.db, f.cred, &rules, "RUM-1",
	                 fx_date("2026-07-01"), false, fx_date("2026-07-02"),
	                 &res, &err),
	    0);
	cr_expect(res.kept_earlier);
	cr_expect_eq(res.ends_on.year, 2026);
	cr_assert_eq(
	    store_mandate_terminate(f.db, f.cred, &rules, "RUM-1",
	        fx_date("2026-07-02"), true, fx_date("2026-07-02"), &res, &err),
	    0);
	before = fx_checksum(&f);
	cr_expect_eq(
	    store_mandate_terminate(f.db, f.cred, &rules, "RUM-1",
	        fx_date("2026-07-02"), true, fx_date("2026-07-02"), &res, &err),
	    SEPA_ESTATE);
	cr_expect_str_eq(err.msg,
	    "mandate RUM-1 is terminated (revoked by the family) since "
	    "2026-07-02: nothing to terminate");
	cr_expect_eq(
	    store_mandate_terminate(f.db, f.cred, &rules, "X",
	        fx_date("2026-07-02"), true, fx_date("2026-07-02"), &res, &err),
	    SEPA_ENOTFOUND);
	cr_expect_eq(
	    store_mandate_terminate(f.db, f.cred, &rules, "RUM-1",
	        fx_date("2026-07-03"), true, fx_date("2026-07-02"), &res, &err),
	    SEPA_EINVAL);
	cr_expect_eq(fx_checksum(&f), before);
	db_close(f.db);
	dbtest_drop(name);
}

/* --------------------------------------------------------------- sweep */

static void
fx_sweep(
    struct mandatefx *f, const char *today, int64_t terminated, int64_t lapsed)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_rules rules = SEPA_RULES_INIT;
	struct mandate_sweep_result res;

	cr_assert_eq(store_mandate_sweep(
	                 f->db, f->cred, &rules, fx_date(today), &res, &err),
	    0, "%s", err.msg);
	cr_expect_eq(res.terminated, terminated, "sweep on %s: %lld", today,
	    (long long)res.terminated);
	cr_expect_eq(res.lapsed, lapsed, "sweep on %s: %lld", today,
	    (long long)res.lapsed);
}

Test(mandate, sweep_ends_scheduled_mandates_after_their_last_day)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_rules rules = SEPA_RULES_INIT;
	struct mandate_end_result res;
	struct mandatefx f;
	char name[64];

	fx_init(&f, dbtest_open(name, "sepad"));
	fx_mandate(&f, "RUM-1", "2025-08-20");
	fx_mandate(&f, "RUM-2", "2025-08-20");
	cr_assert_eq(store_mandate_terminate(f.db, f.cred, &rules, "RUM-1",
	                 fx_date("2026-06-10"), false, fx_date("2026-06-10"),
	                 &res, &err),
	    0);
	fx_sweep(&f, "2026-08-31", 0, 0);
	fx_sweep(&f, "2026-09-01", 1, 0);
	fx_sweep(&f, "2026-09-02", 0, 0);
	cr_expect_eq(
	    dbtest_int(f.db,
	        "SELECT count(*) FROM mandates WHERE rum = 'RUM-1' AND "
	        "state = 'terminated' AND state_reason = 'family "
	        "letter' AND state_since = '2026-09-01'"),
	    1);
	/* the change of school year does not end the other one */
	cr_expect_eq(
	    dbtest_int(f.db,
	        "SELECT count(*) FROM mandates WHERE rum = 'RUM-2' AND "
	        "state = 'active' AND ends_on IS NULL"),
	    1);
	cr_expect_eq(dbtest_int(f.db,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'mandate.terminated' AND business_date = "
	                 "'2026-09-01' AND message = 'mandate RUM-1 "
	                 "terminated: family letter, last collectable day "
	                 "2026-08-31'"),
	    1);
	db_close(f.db);
	dbtest_drop(name);
}

Test(mandate, sweep_lapses_mandates_unused_36_months)
{
	struct mandatefx f;
	char name[64];
	int64_t m1, m2, m3, a2, a3;

	fx_init(&f, dbtest_open(name, "sepad"));
	/* never collected: the signature date counts */
	m1 = fx_mandate(&f, "RUM-1", "2023-09-10");
	/* collected on 2023-10-15, then a collection cancelled later */
	m2 = fx_mandate(&f, "RUM-2", "2023-01-10");
	a2 = fx_account(&f, m2, FX_IBAN_A, "2023-01-01");
	fx_collection(&f, fx_batch(&f, "2023-10-01", "released"), m2, a2,
	    "2023-10-01", "settled");
	fx_collection(&f, fx_batch(&f, "2024-10-01", "released"), m2, a2,
	    "2024-10-01", "cancelled");
	/* collected every school year: renewed, never lapses */
	m3 = fx_mandate(&f, "RUM-3", "2023-01-10");
	a3 = fx_account(&f, m3, FX_IBAN_B, "2023-01-01");
	fx_collection(&f, fx_batch(&f, "2026-06-01", "released"), m3, a3,
	    "2026-06-01", "rejected");
	(void)m1;
	/* collections are due on the 15th (month + 14 days) */
	fx_sweep(&f, "2026-09-10", 0, 0);
	fx_sweep(&f, "2026-09-11", 0, 1);
	cr_expect_eq(
	    dbtest_int(f.db,
	        "SELECT count(*) FROM mandates WHERE rum = 'RUM-1' AND "
	        "state = 'lapsed' AND state_reason = 'unused 36 "
	        "months' AND state_since = '2026-09-11'"),
	    1);
	fx_sweep(&f, "2026-10-15", 0, 0);
	fx_sweep(&f, "2026-10-16", 0, 1);
	cr_expect_eq(dbtest_int(f.db,
	                 "SELECT count(*) FROM mandates WHERE state = "
	                 "'active'"),
	    1);
	cr_expect_eq(dbtest_int(f.db,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'mandate.lapsed' AND message LIKE 'mandate RUM-_ "
	                 "lapsed: unused 36 months'"),
	    2);
	db_close(f.db);
	dbtest_drop(name);
}

/* ---------------------------------------------------------- show, list */

struct list_acc {
	size_t n;
	char first[64], last[64];
	size_t with_iban;
	int stop_at; /* 0: never */
};

static int
list_cb(void *arg, const struct mandate_list_row *row)
{
	struct list_acc *a = arg;

	if (a->n == 0)
		snprintf(a->first, sizeof(a->first), "%s", row->rum);
	snprintf(a->last, sizeof(a->last), "%s", row->rum);
	a->with_iban += row->iban[0] != '\0';
	a->n++;
	return a->stop_at != 0 && (int)a->n == a->stop_at ? SEPA_ELIMIT : 0;
}

Test(mandate, list_pages_through_every_mandate)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct list_acc acc;
	struct mandatefx f;
	char name[64];

	fx_init(&f, dbtest_open(name, "sepad"));
	/* 1,201 mandates (more than two pages), half with an account */
	dbtest_int(f.db,
	    "WITH m AS (INSERT INTO mandates (creditor_id, family_id, rum, "
	    "signed_on) SELECT c.id, f.id, 'R-' || lpad(g::text, 5, '0'), "
	    "'2025-08-01' FROM creditors c, families f, "
	    "generate_series(1, 1201) g RETURNING id, creditor_id, rum), "
	    "a AS (INSERT INTO mandate_accounts (creditor_id, mandate_id, iban, "
	    "applies_from, received_on) SELECT creditor_id, id, "
	    "'FR7630006000011234567890189', '2025-09-01', '2025-08-01' FROM m "
	    "WHERE right(rum, 1) IN ('0', '2', '4', '6', '8') RETURNING 1) "
	    "SELECT count(*) FROM a");
	dbtest_int(f.db,
	    "WITH u AS (UPDATE mandates SET state = 'lapsed', state_reason = "
	    "'unused 36 months', state_since = '2026-01-01' WHERE rum LIKE "
	    "'R-000__' RETURNING 1) SELECT count(*) FROM u");
	memset(&acc, 0, sizeof(acc));
	cr_assert_eq(store_mandate_list(f.db, f.cred, NULL,
	                 fx_date("2026-10-01"), list_cb, &acc, &err),
	    0, "%s", err.msg);
	cr_expect_eq(acc.n, 1201);
	cr_expect_str_eq(acc.first, "R-00001");
	cr_expect_str_eq(acc.last, "R-01201");
	cr_expect_eq(acc.with_iban, 600);
	memset(&acc, 0, sizeof(acc));
	cr_assert_eq(store_mandate_list(f.db, f.cred, "lapsed",
	                 fx_date("2026-10-01"), list_cb, &acc, &err),
	    0);
	cr_expect_eq(acc.n, 99);
	/* accounts applying later are not today's */
	memset(&acc, 0, sizeof(acc));
	cr_assert_eq(store_mandate_list(f.db, f.cred, NULL,
	                 fx_date("2025-08-31"), list_cb, &acc, &err),
	    0);
	cr_expect_eq(acc.with_iban, 0);
	/* the callback's error stops the listing */
	memset(&acc, 0, sizeof(acc));
	acc.stop_at = 3;
	cr_expect_eq(store_mandate_list(f.db, f.cred, NULL,
	                 fx_date("2026-10-01"), list_cb, &acc, &err),
	    SEPA_ELIMIT);
	cr_expect_eq(acc.n, 3);
	db_close(f.db);
	dbtest_drop(name);
}

Test(mandate, show_gathers_history_and_counts_rejects)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_rules rules = SEPA_RULES_INIT;
	char am05[] = "AM05", ff01[] = "FF01";
	struct config_strlist creditor_side = {(char *[]){am05, ff01}, 2};
	struct mandate_info info;
	struct mandatefx f;
	char name[64];
	int64_t man, a, c, col;

	fx_init(&f, dbtest_open(name, "sepad"));
	man = fx_mandate(&f, "RUM-1", "2025-08-20");
	a = fx_account(&f, man, FX_IBAN_A, "2025-09-01");
	c = fx_account(&f, man, FX_IBAN_C, "2026-11-01");
	/* last school year's reject does not count in this one */
	fx_collection(&f, fx_batch(&f, "2026-06-01", "released"), man, a,
	    "2026-06-01", "returned");
	fx_collection(&f, fx_batch(&f, "2026-09-01", "released"), man, a,
	    "2026-09-01", "refunded");
	fx_collection(&f, fx_batch(&f, "2026-10-01", "released"), man, a,
	    "2026-10-01", "rejected");
	col = fx_collection(&f, fx_batch(&f, "2026-11-01", "released"), man, c,
	    "2026-11-01", "rejected");
	dbtest_int(f.db,
	    "WITH u AS (UPDATE collections SET reason_code = CASE state WHEN "
	    "'refunded' THEN 'MD06' WHEN 'returned' THEN 'AM04' ELSE CASE WHEN "
	    "due_on < '2026-11-01' THEN NULL ELSE 'AM05' END END RETURNING 1) "
	    "SELECT count(*) FROM u");
	cr_assert_eq(
	    store_mandate_amendment_carried(f.db, f.cred, c, col, &err), 0);
	cr_assert_eq(store_mandate_show(f.db, f.cred, &rules, &creditor_side,
	                 "rum-1", fx_date("2026-11-20"), &info, &err),
	    0, "%s", err.msg);
	cr_expect_str_eq(info.rum, "RUM-1");
	cr_expect_str_eq(info.family_ref, "F1");
	cr_expect_str_eq(info.state, "active");
	cr_expect_eq(info.naccounts, 2);
	cr_expect_str_eq(info.accounts[1].iban, FX_IBAN_C);
	cr_expect_str_eq(info.accounts[1].carried_by, "E8");
	cr_expect_eq(info.accounts[1].carried_month.month, 11);
	cr_expect(info.has_last);
	cr_expect_str_eq(info.last_state, "rejected");
	cr_expect_str_eq(info.last_reason, "AM05");
	cr_expect_eq(info.next_month.month, 12);
	cr_expect_eq(info.next_seq, SEPA_SEQ_RCUR);
	cr_expect(info.has_next_account);
	/* the November carrier was rejected: December carries it again */
	cr_expect_eq(info.next_account.amendment, SEPA_AMEND_OTHER_BANK);
	cr_expect_eq(info.school_year, 2026);
	cr_expect_eq(info.rejects, 2); /* MD06 refund and the NULL reject */
	store_mandate_info_free(&info);
	cr_expect_eq(store_mandate_show(f.db, f.cred, &rules, &creditor_side,
	                 "nope", fx_date("2026-11-20"), &info, &err),
	    SEPA_ENOTFOUND);
	cr_expect_str_eq(err.msg, "no mandate with RUM \"nope\"");
	db_close(f.db);
	dbtest_drop(name);
}
