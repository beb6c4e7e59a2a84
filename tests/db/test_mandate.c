/*
 * test_mandate.c - store_mandate.c: the account and amendment of a
 * collection month, FRST/RCUR, account changes, termination letters, the
 * lifecycle sweep, and the configuration's rules.
 */
#include "mandatefx.h"

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
