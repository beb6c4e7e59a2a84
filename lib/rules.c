/*
 * rules.c - the direct-debit contract as plain functions (see rules.h).
 */
#include <string.h>

#include "sepa/iban.h"
#include "sepa/rules.h"
#include "internal.h"

int
sepa_rules_check(const sepa_rules *r, sepa_error *err)
{
	if (r->account_change_cutoff_day < 1 ||
	    r->account_change_cutoff_day > 28)
		return sepa_error_set(err, SEPA_ERANGE,
		    "account change cut-off day %d is out of range 1..28",
		    r->account_change_cutoff_day);
	if (r->letter_deadline_month < 1 || r->letter_deadline_month > 8 ||
	    !sepa_date_valid(
	        2001, r->letter_deadline_month, r->letter_deadline_day))
		return sepa_error_set(err, SEPA_ERANGE,
		    "letter deadline %02d-%02d is not a day between January "
		    "and August",
		    r->letter_deadline_month, r->letter_deadline_day);
	if (r->lapse_months < 1 || r->lapse_months > 36)
		return sepa_error_set(err, SEPA_ERANGE,
		    "lapse after %d months is out of range 1..36",
		    r->lapse_months);
	if (r->max_rejects_per_school_year < 1 ||
	    r->max_rejects_per_school_year > 12)
		return sepa_error_set(err, SEPA_ERANGE,
		    "%d rejects per school year is out of range 1..12",
		    r->max_rejects_per_school_year);
	if (r->due_day < 1 || r->due_day > 28)
		return sepa_error_set(err, SEPA_ERANGE,
		    "due day %d is out of range 1..28", r->due_day);
	if (r->prenotification_days < 1 || r->prenotification_days > 60)
		return sepa_error_set(err, SEPA_ERANGE,
		    "pre-notification of %d days is out of range 1..60",
		    r->prenotification_days);
	if (r->bank_lead_days < 1 || r->bank_lead_days > 10)
		return sepa_error_set(err, SEPA_ERANGE,
		    "bank lead of %d business days is out of range 1..10",
		    r->bank_lead_days);
	if (r->settle_after_days < 0 || r->settle_after_days > 30)
		return sepa_error_set(err, SEPA_ERANGE,
		    "settlement after %d business days is out of range 0..30",
		    r->settle_after_days);
	if (r->recovery_grace_days < 0 || r->recovery_grace_days > 365)
		return sepa_error_set(err, SEPA_ERANGE,
		    "recovery grace of %d days is out of range 0..365",
		    r->recovery_grace_days);
	if (r->credit_refund_after_months < 1 ||
	    r->credit_refund_after_months > 36)
		return sepa_error_set(err, SEPA_ERANGE,
		    "credit refund after %d months is out of range 1..36",
		    r->credit_refund_after_months);
	if (r->consumption_wait_days < 0 || r->consumption_wait_days > 28)
		return sepa_error_set(err, SEPA_ERANGE,
		    "wait for consumption of %d days is out of range 0..28",
		    r->consumption_wait_days);
	return 0;
}

sepa_date
sepa_rule_settle_date(const sepa_rules *r, sepa_date due)
{
	return sepa_target2_add(due, r->settle_after_days);
}

int
sepa_rule_presumed_settled(const sepa_rules *r, sepa_date due, sepa_date today)
{
	return sepa_date_cmp(today, sepa_rule_settle_date(r, due)) > 0;
}

int
sepa_rule_unpaid_after(sepa_date due, int grace_days, sepa_date on)
{
	return sepa_date_cmp(on, sepa_date_add_days(due, grace_days)) > 0;
}

int
sepa_rule_credit_refund_due(
    const sepa_rules *r, sepa_date last_invoice, sepa_date today)
{
	return sepa_date_cmp(today,
	           sepa_date_add_months(
	               last_invoice, r->credit_refund_after_months)) > 0;
}

/* a and b equal without regard to case and spaces. */
static int
rules_same_id(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ')
			a++;
		while (*b == ' ')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if ((*a >= 'a' && *a <= 'z' ? *a - 32 : *a) !=
		    (*b >= 'a' && *b <= 'z' ? *b - 32 : *b))
			return 0;
		a++;
		b++;
	}
}

const char *
sepa_rule_orig_id(const char *presented, const char *now)
{
	if (presented == NULL || presented[0] == '\0')
		return NULL;
	if (now != NULL && rules_same_id(presented, now))
		return NULL;
	return presented;
}

enum sepa_billing
sepa_rule_billing(
    const sepa_rules *r, int received, sepa_date step_day, sepa_date today)
{
	if (!r->wait_for_consumption || received)
		return SEPA_BILL_NOW;
	if (sepa_date_cmp(today,
	        sepa_date_add_days(step_day, r->consumption_wait_days)) >= 0)
		return SEPA_BILL_LATE;
	return SEPA_BILL_WAIT;
}

sepa_month
sepa_rule_account_change_month(
    const sepa_rules *r, sepa_date sent, sepa_month first_open_month)
{
	sepa_month m = sepa_month_of(sent);

	if (sent.day > r->account_change_cutoff_day)
		m = sepa_month_add(m, 1);
	if (sepa_month_cmp(m, first_open_month) < 0)
		m = first_open_month;
	return m;
}

enum sepa_amendment
sepa_rule_amendment(const char *last_debited_iban, const char *iban)
{
	if (last_debited_iban == NULL || last_debited_iban[0] == '\0')
		return SEPA_AMEND_NONE;
	if (strcmp(last_debited_iban, iban) == 0)
		return SEPA_AMEND_NONE;
	if (sepa_iban_same_bank(last_debited_iban, iban))
		return SEPA_AMEND_SAME_BANK;
	return SEPA_AMEND_OTHER_BANK;
}

const char *
sepa_seq_name(enum sepa_seq seq)
{
	switch (seq) {
	case SEPA_SEQ_FRST:
		return "FRST";
	case SEPA_SEQ_RCUR:
		return "RCUR";
	case SEPA_SEQ_OOFF:
		return "OOFF";
	case SEPA_SEQ_FNAL:
		return "FNAL";
	}
	return "RCUR";
}

enum sepa_seq
sepa_rule_sequence(const sepa_rules *r, int used)
{
	if (!used && r->first_is_frst)
		return SEPA_SEQ_FRST;
	return SEPA_SEQ_RCUR;
}

sepa_date
sepa_rule_due_date(const sepa_rules *r, sepa_month m, sepa_date notice)
{
	sepa_date due = sepa_target2_roll(sepa_month_day(m, r->due_day));
	sepa_date earliest = sepa_target2_roll(
	    sepa_date_add_days(notice, r->prenotification_days));

	return sepa_date_cmp(earliest, due) > 0 ? earliest : due;
}

int
sepa_rule_in_time(const sepa_rules *r, sepa_date handoff, sepa_date due)
{
	sepa_date latest = sepa_target2_add(due, -r->bank_lead_days);

	return sepa_date_cmp(handoff, latest) <= 0;
}

sepa_date
sepa_rule_letter_deadline(const sepa_rules *r, sepa_date received)
{
	sepa_date deadline;

	deadline.year = sepa_school_year(received) + 1;
	deadline.month = r->letter_deadline_month;
	deadline.day = r->letter_deadline_day;
	return deadline;
}

sepa_date
sepa_rule_letter_end(const sepa_rules *r, sepa_date received, int immediate)
{
	int sy = sepa_school_year(received);

	if (immediate)
		return received;
	if (sepa_date_cmp(received, sepa_rule_letter_deadline(r, received)) < 0)
		return sepa_school_year_end(sy);
	return sepa_school_year_end(sy + 1);
}

sepa_date
sepa_rule_usable_until(const sepa_rules *r, sepa_date last_use)
{
	return sepa_date_add_months(last_use, r->lapse_months);
}

int
sepa_rule_lapsed(const sepa_rules *r, sepa_date last_use, sepa_date on)
{
	return sepa_date_cmp(on, sepa_rule_usable_until(r, last_use)) > 0;
}

int
sepa_rule_reject_school_year(sepa_date due)
{
	return sepa_school_year(due);
}

int
sepa_rule_rejects_terminate(const sepa_rules *r, int counted)
{
	return counted >= r->max_rejects_per_school_year;
}

const char *
sepa_rule_rejects_name(int max_per_school_year)
{
	/* msgids: an event keeps the name, read in the reader's language */
	static const char *const names[] = {LM_("one reject"),
	    LM_("two rejects"), LM_("three rejects"), LM_("four rejects"),
	    LM_("five rejects"), LM_("six rejects"), LM_("seven rejects"),
	    LM_("eight rejects"), LM_("nine rejects"), LM_("ten rejects"),
	    LM_("eleven rejects"), LM_("twelve rejects")};

	if (max_per_school_year < 1 ||
	    max_per_school_year > (int)(sizeof(names) / sizeof(names[0])))
		return LM_("too many rejects");
	return names[max_per_school_year - 1];
}

sepa_date
sepa_rule_new_mandate_from(int school_year)
{
	return sepa_school_year_start(school_year + 1);
}

int64_t
sepa_rule_round_hours(enum sepa_hour_rounding mode, int64_t milli)
{
	int64_t rem;

	if (mode == SEPA_HOURS_NONE)
		return milli;
	rem = milli % 1000;
	if (rem == 0)
		return milli;
	if (milli > 0)
		return milli - rem + 1000;
	return milli - rem - 1000;
}
