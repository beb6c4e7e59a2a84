/*
 * rules.h - the families' direct-debit contract as plain functions of
 * dates and states: which month an account change applies to, which
 * amendment the next collection carries, FRST or RCUR, due dates, the end
 * of a mandate after a family's letter, the 36-month lapse, the
 * two-rejects rule and hour rounding.
 *
 * Where the product specification and the commune's contract differ
 * (docs/product.md), these functions follow the contract: see
 * sepa_rule_account_change_month and sepa_rule_letter_end.
 */
#ifndef SEPA_RULES_H
#define SEPA_RULES_H

#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

/** The contract's parameters (all days configurable). */
typedef struct sepa_rules {
	/** Day of month M up to which a change sent applies to M (5). */
	int account_change_cutoff_day;
	/** A family's letter must arrive before this day ... (30) */
	int letter_deadline_day;
	/** ... of this month (6, June) to end the mandate on 31 August. */
	int letter_deadline_month;
	/** Months without a collection after which a mandate lapses (36). */
	int lapse_months;
	/** Counted rejects in one school year that end the mandate (2). */
	int max_rejects_per_school_year;
	/** 1: a mandate's first collection is FRST; 0: RCUR from the start. */
	int first_is_frst;
	/** Day of month M the collection is due, before rolling (15). */
	int due_day;
	/** Calendar days between the notice and the due date (14). */
	int prenotification_days;
	/** TARGET2 days the bank needs between hand-off and due date (2). */
	int bank_lead_days;
} sepa_rules;

#define SEPA_RULES_INIT \
	{ \
		5, 30, 6, 36, 2, 1, 15, 14, 2 \
	}

/** Check every parameter's range; the message names the bad one. */
int sepa_rules_check(const sepa_rules *r, sepa_error *err);

/**
 * The first collection month that debits the new account of an account
 * change. The contract (art. 3) decides on the date the family SENT the
 * form ("si l'envoi a lieu après le 5 du mois, le prélèvement aura lieu
 * sur le nouveau compte dès le mois suivant"): sent on or before the
 * cut-off day of month M -> M, after it -> M + 1. A collection already
 * handed to the bank cannot change: the result is never earlier than
 * `first_open_month`, the first month whose collection file has not been
 * released yet.
 */
sepa_month sepa_rule_account_change_month(
    const sepa_rules *r, sepa_date sent, sepa_month first_open_month);

/** What a collection on a mandate must declare about its account. */
enum sepa_amendment {
	SEPA_AMEND_NONE = 0,
	/** New IBAN at the same bank: OrgnlDbtrAcct = the old IBAN. */
	SEPA_AMEND_SAME_BANK = 1,
	/** New bank: OrgnlDbtrAcct = SMNDA, no OrgnlDbtrAgt. */
	SEPA_AMEND_OTHER_BANK = 2
};

/**
 * The amendment the next collection carries: none when the mandate was
 * never debited (`last_debited_iban` NULL or empty) or is debited on the
 * same account again; otherwise same or other bank, comparing the bank
 * identifiers of the two IBANs. Two changes between collections: pass
 * the account last DEBITED, so the amendment refers to it.
 */
enum sepa_amendment sepa_rule_amendment(
    const char *last_debited_iban, const char *iban);

/** SEPA sequence types. */
enum sepa_seq {
	SEPA_SEQ_FRST = 0,
	SEPA_SEQ_RCUR = 1,
	SEPA_SEQ_OOFF = 2,
	SEPA_SEQ_FNAL = 3
};

/** "FRST", "RCUR", "OOFF", "FNAL". */
const char *sepa_seq_name(enum sepa_seq seq);

/**
 * FRST or RCUR for a mandate's next collection. `used` is 1 when an
 * earlier collection on the mandate reached the debtor's bank (settled,
 * returned or refunded, or still pending), 0 when there was none or
 * every one was rejected before settlement (a rejected FRST leaves the
 * next one FRST).
 */
enum sepa_seq sepa_rule_sequence(const sepa_rules *r, int used);

/**
 * Due date (ReqdColltnDt) of month m's collection, for a notice issued
 * on `notice`: day `due_day` of m rolled to a TARGET2 business day, moved
 * later to the first business day at least `prenotification_days`
 * calendar days after the notice when that would not hold.
 */
sepa_date sepa_rule_due_date(
    const sepa_rules *r, sepa_month m, sepa_date notice);

/**
 * 1 when a file handed over on `handoff` can still reach the bank for a
 * collection due on `due` (at least `bank_lead_days` TARGET2 business
 * days before it), 0 when it is too late.
 */
int sepa_rule_in_time(const sepa_rules *r, sepa_date handoff, sepa_date due);

/**
 * The last day a mandate may be collected after the family's letter
 * (contract art. 7: "par lettre simple avant le 30 juin"): a letter
 * received BEFORE the deadline day (30 June by default, so at the latest
 * on 29 June) ends the mandate on 31 August of the current school year;
 * a later letter ends it on 31 August of the next school year, or on the
 * day received when `immediate` (the family revoked it at its bank).
 */
sepa_date sepa_rule_letter_end(
    const sepa_rules *r, sepa_date received, int immediate);

/**
 * 1 when a mandate whose last collection (or signature, when never
 * collected) was on `last_use` has lapsed on date `on`: more than
 * `lapse_months` months have passed (on the anniversary it is still
 * usable).
 */
int sepa_rule_lapsed(const sepa_rules *r, sepa_date last_use, sepa_date on);

/**
 * The last day a mandate last used on `last_use` is still usable:
 * `lapse_months` months later (31 January + 1 month is 28 or 29
 * February); sepa_rule_lapsed is true from the day after.
 */
sepa_date sepa_rule_usable_until(const sepa_rules *r, sepa_date last_use);

/**
 * The school year a reject or return counts in: the school year of the
 * rejected collection's due date.
 */
int sepa_rule_reject_school_year(sepa_date due);

/**
 * 1 when `counted` rejects of the same payer in one school year end the
 * mandate (counted >= max_rejects_per_school_year).
 */
int sepa_rule_rejects_terminate(const sepa_rules *r, int counted);

/**
 * The rejects rule named by its limit, for the texts that tell of it:
 * "one reject", "two rejects" ... "twelve rejects" (the limits
 * sepa_rules_check accepts), "too many rejects" for any other number.
 */
const char *sepa_rule_rejects_name(int max_per_school_year);

/**
 * The first day a new mandate of a payer whose mandate ended for too
 * many rejects in `school_year` is accepted: 1 September of the next
 * school year (contract art. 7: "il lui appartiendra de renouveler son
 * contrat l'année suivante").
 */
sepa_date sepa_rule_new_mandate_from(int school_year);

/** How hours are rounded per child, service and day before pricing. */
enum sepa_hour_rounding {
	SEPA_HOURS_UP = 0, /**< up to the whole hour (as the CAF counts) */
	SEPA_HOURS_NONE = 1 /**< billed as recorded */
};

/**
 * Round a quantity of hours in thousandths: 1500 -> 2000 when rounding
 * up; 0 stays 0; negative quantities (corrections) round toward zero
 * in magnitude up, i.e. -1500 -> -2000.
 */
int64_t sepa_rule_round_hours(enum sepa_hour_rounding mode, int64_t milli);

#endif /* SEPA_RULES_H */
