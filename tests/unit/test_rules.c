/*
 * test_rules.c - the direct-debit contract rules, case by case.
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "sepa/rules.h"

static sepa_date
D(const char *s)
{
	sepa_date d;
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(sepa_date_parse(&d, s, &err), 0, "%s: %s", s, err.msg);
	return d;
}

static sepa_month
M(const char *s)
{
	sepa_month m;
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(sepa_month_parse(&m, s, &err), 0, "%s: %s", s, err.msg);
	return m;
}

static void
assert_date(sepa_date got, const char *want, const char *ctx)
{
	char buf[SEPA_DATE_BUFSZ];

	cr_assert_str_eq(sepa_date_iso(buf, got), want, "%s", ctx);
}

Test(rules, defaults_are_valid)
{
	sepa_rules r = SEPA_RULES_INIT;
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(sepa_rules_check(&r, &err), 0, "%s", err.msg);
}

Test(rules, bad_parameters_are_named)
{
	static const struct {
		int field;
		int value;
		const char *msg;
	} cases[] = {
	    {0, 29, "account change cut-off day 29 is out of range 1..28"},
	    {0, 0, "account change cut-off day 0 is out of range 1..28"},
	    {1, 31,
	        "letter deadline 06-31 is not a day between January and "
	        "August"},
	    {2, 9,
	        "letter deadline 09-30 is not a day between January and "
	        "August"},
	    {3, 37, "lapse after 37 months is out of range 1..36"},
	    {4, 0, "0 rejects per school year is out of range 1..12"},
	    {5, 31, "due day 31 is out of range 1..28"},
	    {6, 0, "pre-notification of 0 days is out of range 1..60"},
	    {7, 11, "bank lead of 11 business days is out of range 1..10"},
	    {8, 31, "settlement after 31 business days is out of range 0..30"},
	    {9, -1, "recovery grace of -1 days is out of range 0..365"},
	    {10, 0, "credit refund after 0 months is out of range 1..36"},
	    {11, 29, "wait for consumption of 29 days is out of range 0..28"},
	    {11, -1, "wait for consumption of -1 days is out of range 0..28"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sepa_rules r = SEPA_RULES_INIT;
		sepa_error err = SEPA_ERROR_INIT;
		int *fields[] = {&r.account_change_cutoff_day,
		    &r.letter_deadline_day, &r.letter_deadline_month,
		    &r.lapse_months, &r.max_rejects_per_school_year, &r.due_day,
		    &r.prenotification_days, &r.bank_lead_days,
		    &r.settle_after_days, &r.recovery_grace_days,
		    &r.credit_refund_after_months, &r.consumption_wait_days};

		*fields[cases[i].field] = cases[i].value;
		cr_assert_eq(sepa_rules_check(&r, &err), SEPA_ERANGE);
		cr_assert_str_eq(err.msg, cases[i].msg);
	}
}

Test(rules, account_change_month_follows_the_sending_date)
{
	static const struct {
		const char *sent;
		const char *open; /* first month not yet released */
		const char *want;
	} cases[] = {
	    /* on or before the 5th: this month's collection */
	    {"2026-10-01", "2026-10", "2026-10"},
	    {"2026-10-05", "2026-10", "2026-10"},
	    /* after the 5th: from the next month */
	    {"2026-10-06", "2026-10", "2026-11"},
	    {"2026-10-31", "2026-10", "2026-11"},
	    {"2026-12-06", "2026-12", "2027-01"},
	    /* sent in time, but the month's file is already with the bank */
	    {"2026-10-05", "2026-11", "2026-11"},
	    /* sent long ago, registered late */
	    {"2026-08-20", "2026-10", "2026-10"},
	    /* sent before the open month: still the open month */
	    {"2026-09-30", "2026-10", "2026-10"},
	};
	sepa_rules r = SEPA_RULES_INIT;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[SEPA_MONTH_BUFSZ];
		sepa_month got = sepa_rule_account_change_month(
		    &r, D(cases[i].sent), M(cases[i].open));

		cr_assert_str_eq(sepa_month_iso(buf, got), cases[i].want,
		    "sent %s open %s", cases[i].sent, cases[i].open);
	}
}

Test(rules, account_change_cutoff_is_configurable)
{
	sepa_rules r = SEPA_RULES_INIT;
	char buf[SEPA_MONTH_BUFSZ];

	r.account_change_cutoff_day = 10;
	cr_assert_str_eq(sepa_month_iso(buf,
	                     sepa_rule_account_change_month(
	                         &r, D("2026-10-10"), M("2026-10"))),
	    "2026-10");
	cr_assert_str_eq(sepa_month_iso(buf,
	                     sepa_rule_account_change_month(
	                         &r, D("2026-10-11"), M("2026-10"))),
	    "2026-11");
}

Test(rules, amendment_kind)
{
	static const struct {
		const char *last;
		const char *now;
		enum sepa_amendment want;
	} cases[] = {
	    /* never debited: nothing to amend */
	    {NULL, "FR7630006000011234567890189", SEPA_AMEND_NONE},
	    {"", "FR7630006000011234567890189", SEPA_AMEND_NONE},
	    /* same account again (changed and changed back) */
	    {"FR7630006000011234567890189", "FR7630006000011234567890189",
	        SEPA_AMEND_NONE},
	    /* same bank (30006), other branch and account */
	    {"FR7630006000011234567890189", "FR7630006000020000000001010",
	        SEPA_AMEND_SAME_BANK},
	    /* other bank (20041 La Banque Postale) */
	    {"FR7630006000011234567890189", "FR1420041010050500013M02606",
	        SEPA_AMEND_OTHER_BANK},
	    /* other country */
	    {"FR7630006000011234567890189", "DE89370400440532013000",
	        SEPA_AMEND_OTHER_BANK},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_eq(sepa_rule_amendment(cases[i].last, cases[i].now),
		    cases[i].want, "case %zu", i);
}

Test(rules, sequence_type)
{
	sepa_rules r = SEPA_RULES_INIT;

	cr_assert_eq(sepa_rule_sequence(&r, 0), SEPA_SEQ_FRST);
	cr_assert_eq(sepa_rule_sequence(&r, 1), SEPA_SEQ_RCUR);
	r.first_is_frst = 0;
	cr_assert_eq(sepa_rule_sequence(&r, 0), SEPA_SEQ_RCUR);
	cr_assert_str_eq(sepa_seq_name(SEPA_SEQ_FRST), "FRST");
	cr_assert_str_eq(sepa_seq_name(SEPA_SEQ_RCUR), "RCUR");
	cr_assert_str_eq(sepa_seq_name(SEPA_SEQ_OOFF), "OOFF");
	cr_assert_str_eq(sepa_seq_name(SEPA_SEQ_FNAL), "FNAL");
}

Test(rules, due_dates)
{
	static const struct {
		const char *month;
		const char *notice;
		const char *want;
	} cases[] = {
	    /* 15 October 2026 is a Thursday: as is */
	    {"2026-10", "2026-10-01", "2026-10-15"},
	    /* 15 November 2026 is a Sunday: Monday 16 */
	    {"2026-11", "2026-11-01", "2026-11-16"},
	    /* 15 August 2026 (Assumption) is a Saturday: Monday 17 */
	    {"2026-08", "2026-08-01", "2026-08-17"},
	    /* notice late (catch-up on the 5th): 5 + 14 = 19 */
	    {"2026-10", "2026-10-05", "2026-10-19"},
	    /* notice on the 2nd: 16th is the 14th day; due the 16th */
	    {"2026-10", "2026-10-02", "2026-10-16"},
	    /* notice +14 lands on Good Friday 2027-03-26 -> Tuesday 30th */
	    {"2027-03", "2027-03-12", "2027-03-30"},
	    /* 15 May 2027 Saturday -> Monday 17 (Whit Monday is open) */
	    {"2027-05", "2027-05-01", "2027-05-17"},
	};
	sepa_rules r = SEPA_RULES_INIT;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_date(sepa_rule_due_date(
		                &r, M(cases[i].month), D(cases[i].notice)),
		    cases[i].want, cases[i].month);
}

Test(rules, hand_off_in_time)
{
	sepa_rules r = SEPA_RULES_INIT;

	/* due Thursday 15 Oct 2026: latest hand-off Tuesday 13 */
	cr_assert(sepa_rule_in_time(&r, D("2026-10-06"), D("2026-10-15")));
	cr_assert(sepa_rule_in_time(&r, D("2026-10-13"), D("2026-10-15")));
	cr_assert_not(sepa_rule_in_time(&r, D("2026-10-14"), D("2026-10-15")));
	/* due Tuesday 7 April 2026, after Easter: latest Wednesday 1 */
	cr_assert(sepa_rule_in_time(&r, D("2026-04-01"), D("2026-04-07")));
	cr_assert_not(sepa_rule_in_time(&r, D("2026-04-02"), D("2026-04-07")));
}

/*
 * A debit due on D is presumed settled once D + 5 TARGET2 business days
 * have passed without a return (docs/sepa.md): over a weekend, Easter and
 * Christmas.
 */
Test(rules, presumed_settlement_after_the_return_window)
{
	static const struct {
		const char *due, *settle, *today;
		int presumed;
	} cases[] = {
	    /* Thursday 15 October 2026: Thu + 5 business days = Thu 22 */
	    {"2026-10-15", "2026-10-22", "2026-10-22", 0},
	    {"2026-10-15", "2026-10-22", "2026-10-23", 1},
	    {"2026-10-15", "2026-10-22", "2026-10-14", 0},
	    /* Friday 27 March 2026: Good Friday 3 April, Easter Monday 6 */
	    {"2026-03-27", "2026-04-07", "2026-04-06", 0},
	    {"2026-03-27", "2026-04-07", "2026-04-08", 1},
	    /* Tuesday 22 December 2026: 25 and 26 December, 1 January */
	    {"2026-12-22", "2026-12-30", "2026-12-30", 0},
	    {"2026-12-22", "2026-12-30", "2026-12-31", 1},
	    {"2026-12-28", "2027-01-05", "2027-01-05", 0},
	    {"2026-12-28", "2027-01-05", "2027-01-06", 1},
	};
	sepa_rules r = SEPA_RULES_INIT;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		sepa_date due, today;

		cr_assert_eq(sepa_date_parse(&due, cases[i].due, &err), 0);
		cr_assert_eq(sepa_date_parse(&today, cases[i].today, &err), 0);
		assert_date(sepa_rule_settle_date(&r, due), cases[i].settle,
		    cases[i].due);
		cr_expect_eq(sepa_rule_presumed_settled(&r, due, today),
		    cases[i].presumed, "%s on %s", cases[i].due,
		    cases[i].today);
	}
	/* 0 days: the day after the due date */
	r.settle_after_days = 0;
	{
		sepa_date due = {2026, 10, 15};

		cr_expect(!sepa_rule_presumed_settled(&r, due, due));
		cr_expect(sepa_rule_presumed_settled(
		    &r, due, (sepa_date){2026, 10, 16}));
	}
}

/* A credit is refunded after 3 months without an invoice. */
Test(rules, credit_refund_after_months_without_an_invoice)
{
	sepa_rules r = SEPA_RULES_INIT;
	sepa_date last = {2026, 11, 2};

	cr_expect(
	    !sepa_rule_credit_refund_due(&r, last, (sepa_date){2027, 2, 1}));
	cr_expect(
	    !sepa_rule_credit_refund_due(&r, last, (sepa_date){2027, 2, 2}));
	cr_expect(
	    sepa_rule_credit_refund_due(&r, last, (sepa_date){2027, 2, 3}));
	r.credit_refund_after_months = 1;
	cr_expect(
	    sepa_rule_credit_refund_due(&r, last, (sepa_date){2026, 12, 3}));
	/* 31 January + 1 month is the end of February */
	cr_expect(!sepa_rule_credit_refund_due(
	    &r, (sepa_date){2027, 1, 31}, (sepa_date){2027, 2, 28}));
	cr_expect(sepa_rule_credit_refund_due(
	    &r, (sepa_date){2027, 1, 31}, (sepa_date){2027, 3, 1}));
}

Test(rules, family_letter_end_date)
{
	static const struct {
		const char *received;
		int immediate;
		const char *want;
	} cases[] = {
	    /* before 30 June: ends on 31 August of this school year */
	    {"2027-01-10", 0, "2027-08-31"},
	    {"2026-09-01", 0, "2027-08-31"},
	    {"2027-06-29", 0, "2027-08-31"},
	    /* "avant le 30 juin": a letter of 30 June is late */
	    {"2027-06-30", 0, "2028-08-31"},
	    {"2027-07-01", 0, "2028-08-31"},
	    {"2027-08-31", 0, "2028-08-31"},
	    /* immediate: the family revoked it at its bank */
	    {"2027-07-01", 1, "2027-07-01"},
	    {"2027-01-10", 1, "2027-01-10"},
	};
	sepa_rules r = SEPA_RULES_INIT;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_date(sepa_rule_letter_end(
		                &r, D(cases[i].received), cases[i].immediate),
		    cases[i].want, cases[i].received);
}

Test(rules, family_letter_deadline_configurable)
{
	sepa_rules r = SEPA_RULES_INIT;

	/* a commune that reads the deadline as "up to 30 June included" */
	r.letter_deadline_month = 7;
	r.letter_deadline_day = 1;
	assert_date(sepa_rule_letter_end(&r, D("2027-06-30"), 0), "2027-08-31",
	    "deadline 07-01");
	assert_date(sepa_rule_letter_end(&r, D("2027-07-01"), 0), "2028-08-31",
	    "deadline 07-01");
	/* the deadline itself, of the letter's school year */
	assert_date(sepa_rule_letter_deadline(&r, D("2026-09-01")),
	    "2027-07-01", "deadline of 2026-09-01");
	r = (sepa_rules)SEPA_RULES_INIT;
	assert_date(sepa_rule_letter_deadline(&r, D("2027-08-31")),
	    "2027-06-30", "deadline of 2027-08-31");
	assert_date(sepa_rule_letter_deadline(&r, D("2027-09-01")),
	    "2028-06-30", "deadline of 2027-09-01");
}

Test(rules, lapse_after_36_months)
{
	sepa_rules r = SEPA_RULES_INIT;

	cr_assert_not(sepa_rule_lapsed(&r, D("2023-10-15"), D("2026-10-14")));
	cr_assert_not(sepa_rule_lapsed(&r, D("2023-10-15"), D("2026-10-15")));
	cr_assert(sepa_rule_lapsed(&r, D("2023-10-15"), D("2026-10-16")));
	/* end of month clamping: 31 Jan + 36 months = 31 Jan */
	cr_assert_not(sepa_rule_lapsed(&r, D("2024-01-31"), D("2027-01-31")));
	cr_assert(sepa_rule_lapsed(&r, D("2024-01-31"), D("2027-02-01")));
	/* 29 Feb 2024 + 36 months -> 28 Feb 2027 */
	cr_assert(sepa_rule_lapsed(&r, D("2024-02-29"), D("2027-03-01")));
	cr_assert_not(sepa_rule_lapsed(&r, D("2024-02-29"), D("2027-02-28")));
	/* the last usable day is the last day sepa_rule_lapsed says no */
	assert_date(
	    sepa_rule_usable_until(&r, D("2023-10-15")), "2026-10-15", "36");
	assert_date(
	    sepa_rule_usable_until(&r, D("2024-02-29")), "2027-02-28", "36");
	r.lapse_months = 1;
	assert_date(sepa_rule_usable_until(&r, D("2025-01-31")), "2025-02-28",
	    "1 month");
	cr_assert_not(sepa_rule_lapsed(&r, D("2025-01-31"), D("2025-02-28")));
	cr_assert(sepa_rule_lapsed(&r, D("2025-01-31"), D("2025-03-01")));
}

Test(rules, rejects_count_per_school_year_of_due_date)
{
	sepa_rules r = SEPA_RULES_INIT;

	cr_assert_eq(sepa_rule_reject_school_year(D("2026-08-31")), 2025);
	cr_assert_eq(sepa_rule_reject_school_year(D("2026-09-15")), 2026);
	cr_assert_not(sepa_rule_rejects_terminate(&r, 0));
	cr_assert_not(sepa_rule_rejects_terminate(&r, 1));
	cr_assert(sepa_rule_rejects_terminate(&r, 2));
	cr_assert(sepa_rule_rejects_terminate(&r, 3));
	assert_date(sepa_rule_new_mandate_from(2026), "2027-09-01", "2026");
	r.max_rejects_per_school_year = 3;
	cr_assert_not(sepa_rule_rejects_terminate(&r, 2));
	cr_assert(sepa_rule_rejects_terminate(&r, 3));
}

/* The texts that tell of the rule name its configured limit. */
Test(rules, rejects_rule_named_by_its_limit)
{
	cr_assert_str_eq(sepa_rule_rejects_name(1), "one reject");
	cr_assert_str_eq(sepa_rule_rejects_name(2), "two rejects");
	cr_assert_str_eq(sepa_rule_rejects_name(3), "three rejects");
	cr_assert_str_eq(sepa_rule_rejects_name(12), "twelve rejects");
	cr_assert_str_eq(sepa_rule_rejects_name(0), "too many rejects");
	cr_assert_str_eq(sepa_rule_rejects_name(13), "too many rejects");
}

Test(rules, hour_rounding)
{
	static const struct {
		int64_t in;
		int64_t up;
	} cases[] = {
	    {0, 0},
	    {1, 1000},
	    {999, 1000},
	    {1000, 1000},
	    {1001, 2000},
	    {1500, 2000},
	    {2750, 3000},
	    {-1500, -2000},
	    {-1000, -1000},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(sepa_rule_round_hours(SEPA_HOURS_UP, cases[i].in),
		    cases[i].up, "%lld", (long long)cases[i].in);
		cr_assert_eq(
		    sepa_rule_round_hours(SEPA_HOURS_NONE, cases[i].in),
		    cases[i].in);
	}
}

/* A month is billed when its consumption is in, or once the wait is over. */
Test(rules, billing_waits_for_the_consumption)
{
	static const struct {
		int wait, days, received;
		const char *step, *today;
		enum sepa_billing want;
	} cases[] = {
	    {1, 10, 1, "2026-12-01", "2026-12-01", SEPA_BILL_NOW},
	    {1, 10, 0, "2026-12-01", "2026-12-01", SEPA_BILL_WAIT},
	    {1, 10, 0, "2026-12-01", "2026-12-05", SEPA_BILL_WAIT},
	    {1, 10, 0, "2026-12-01", "2026-12-10", SEPA_BILL_WAIT},
	    {1, 10, 0, "2026-12-01", "2026-12-11", SEPA_BILL_LATE},
	    {1, 10, 1, "2026-12-01", "2026-12-11", SEPA_BILL_NOW},
	    {1, 0, 0, "2026-12-01", "2026-12-01", SEPA_BILL_LATE},
	    {1, 10, 0, "2026-12-25", "2027-01-04", SEPA_BILL_LATE},
	    {0, 10, 0, "2026-12-01", "2026-12-01", SEPA_BILL_NOW},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sepa_rules r = SEPA_RULES_INIT;

		r.wait_for_consumption = cases[i].wait;
		r.consumption_wait_days = cases[i].days;
		cr_expect_eq(sepa_rule_billing(&r, cases[i].received,
		                 D(cases[i].step), D(cases[i].today)),
		    cases[i].want, "case %zu", i);
	}
}

/* The old RUM or ICS is declared when the bank saw another one. */
Test(rules, original_identifier_after_a_change)
{
	cr_expect_null(sepa_rule_orig_id(NULL, "RUM-2"));
	cr_expect_null(sepa_rule_orig_id("", "RUM-2"));
	cr_expect_null(sepa_rule_orig_id("RUM-2", "RUM-2"));
	cr_expect_null(sepa_rule_orig_id("rum-2", "RUM-2"));
	cr_expect_null(sepa_rule_orig_id("FR72 ZZZ 123456", "FR72ZZZ123456"));
	cr_expect_str_eq(sepa_rule_orig_id("RUM-1", "RUM-2"), "RUM-1");
	cr_expect_str_eq(sepa_rule_orig_id("RUM-1", "RUM-10"), "RUM-1");
	cr_expect_str_eq(sepa_rule_orig_id("FR72ZZZ123456", "FR20ZZZ654321"),
	    "FR72ZZZ123456");
}
