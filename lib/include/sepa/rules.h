/*
 * rules.h - the families' direct-debit contract as plain functions of
 * dates and states: which month an account change applies to, which
 * amendment the next collection carries, FRST or RCUR, due dates, the end
 * of a mandate after a family's letter, the 36-month lapse, the
 * two-rejects rule, hour rounding, when a debit the bank did not answer
 * is settled, when an unpaid invoice is reminded and sent to recovery,
 * and when a family's credit is refunded.
 *
 * Where the product specification and the commune's contract differ
 * (docs/product.md), these functions follow the contract: see
 * sepa_rule_account_change_month, sepa_rule_letter_end and
 * sepa_rule_unpaid_after.
 *
 * This header is the map of the rules: each one is written once, here or
 * (for the set-based SQL that handles a whole file or month at a time) in
 * a SQL function of a migration that mirrors the function here, and the
 * comment of each rule below ends with "Enforced:", the store functions
 * (daemon/) and SQL functions (schemas/sql/) that apply it ("Used by:"
 * for a text). The SQL twins:
 *
 *   sepa_rule_reject_school_year  sepad_school_year         (016)
 *   sepa_rule_rejects_terminate   sepad_rejects_terminate   (016)
 *   sepa_rule_round_hours (UP)    sepad_hours_up            (008)
 *   sepa_rule_unpaid_after        sepad_unpaid_after        (032)
 *
 * tests/db/test_rules.c checks that each pair answers alike on the same
 * inputs. No other code may restate a rule: it calls one of these.
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
	/** TARGET2 days after the due date a debit can still be returned (5). */
	int settle_after_days;
	/** Calendar days after a reminder's due date before recovery (0). */
	int recovery_grace_days;
	/** Months without an invoice after which a credit is refunded (3). */
	int credit_refund_after_months;
	/** 1: the invoice step waits for the month's consumption (1). */
	int wait_for_consumption;
	/** ... at most this many days after the invoice day (10). */
	int consumption_wait_days;
} sepa_rules;

#define SEPA_RULES_INIT \
	{ \
		5, 30, 6, 36, 2, 1, 15, 14, 2, 5, 0, 3, 1, 10 \
	}

/**
 * Check every parameter's range; the message names the bad one.
 * Enforced: config_rules (daemon/config.c), which fills sepa_rules from
 * sepad.conf for every command that applies the rules.
 */
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
 * Enforced: store_mandate_change_account (daemon/store_mandate.c), with
 * the first month that has no batch prepared or released; the reason it
 * prints asks again with the sending month as the floor, to tell the
 * cut-off day from a file already made.
 */
sepa_month sepa_rule_account_change_month(
    const sepa_rules *r, sepa_date sent, sepa_month first_open_month);

/**
 * The last day a collection due on `due` can still come back as a return
 * from the debtor's bank: `settle_after_days` TARGET2 business days after
 * the due date (docs/sepa.md, section 8: a return comes until D + 5).
 * Enforced: sepa_rule_presumed_settled.
 */
sepa_date sepa_rule_settle_date(const sepa_rules *r, sepa_date due);

/**
 * 1 when a collection due on `due` that the bank neither confirmed nor
 * rejected nor returned is presumed settled on `today`: today is after
 * sepa_rule_settle_date. A later refund (8 weeks, 13 months) still makes
 * its invoice unpaid.
 * Enforced: store_settle_presume (daemon/store_settle.c), which asks it
 * for each due date of the collections still sent and settles those of
 * the due dates it accepts, in one statement.
 */
int sepa_rule_presumed_settled(
    const sepa_rules *r, sepa_date due, sepa_date today);

/**
 * 1 when an invoice due on `due` and not paid is overdue on `on`, more
 * than `grace_days` calendar days after its due date (contract art. 6:
 * "un rappel sera adressé sur la facture du mois suivant. A défaut de
 * paiement après rappel, la facture sera mise en recouvrement"). With a
 * grace of 0: reminded on the family's next invoice once its due date has
 * passed; with rejections.recovery_grace_days: sent to recovery when the
 * invoice carrying its reminder is still unpaid that long after its own
 * due date (or, never reminded, after the invoice's own due date).
 * Enforced: in SQL, sepad_unpaid_after (migration 032), by
 * store_invoice_run (daemon/store_invoice.c) for the reminders (grace 0)
 * and store_recovery_export (daemon/store_recovery.c) with the grace.
 */
int sepa_rule_unpaid_after(sepa_date due, int grace_days, sepa_date on);

/**
 * 1 when a family's credit (a negative invoice, partly used or not) is
 * listed on `today` for the treasury to refund: the family's last
 * invoice was issued on `last_invoice` and none came for
 * `credit_refund_after_months` months since (it left the school). Until
 * then the credit is carried onto the family's next invoices ("le montant
 * créditeur sera déduit de vos prochaines factures").
 * Enforced: store_credit_refunds (daemon/store_credit.c), run by the
 * cycle's recovery step and by `sepactl recovery refunds`; the carrying
 * itself is store_invoice_run's (daemon/store_invoice.c, migration 033).
 */
int sepa_rule_credit_refund_due(
    const sepa_rules *r, sepa_date last_invoice, sepa_date today);

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
 * Enforced: store_collect_prepare (daemon/store_collect.c) for each
 * collection written; store_mandate_account_for (daemon/store_mandate.c)
 * for what `sepactl mandate show` announces.
 */
enum sepa_amendment sepa_rule_amendment(
    const char *last_debited_iban, const char *iban);

/**
 * What a collection declares of a changed identifier of its mandate, RUM
 * (OrgnlMndtId) or ICS (OrgnlCdtrSchmeId): `presented`, the one the
 * debtor's bank last saw (that of the mandate's last collection that
 * reached it, or, for a mandate the software sepad replaced presented and
 * sepad never did, the one it had then), when it differs from `now`, the
 * one the collection carries; NULL when the mandate was never presented
 * (`presented` NULL or "") or nothing changed. Compared without regard to
 * case and spaces. Like the account's amendment, it is declared by the
 * first debit that reaches the bank after the change, once.
 * Enforced: store_collect_prepare (daemon/store_collect.c) for each
 * collection written, after sepactl mandate change-rum
 * (store_mandate_change_rum, daemon/store_mandate.c) and sepactl
 * creditor change-ics (store_creditor_change_ics, daemon/store_creditor.c).
 */
const char *sepa_rule_orig_id(const char *presented, const char *now);

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
 * returned or refunded, or still pending), or when the software sepad
 * replaced presented it already (the mandates file said `sequence` RCUR:
 * mandates.presented_before, migration 035); 0 when there was none or
 * every one was rejected before settlement (a rejected FRST leaves the
 * next one FRST).
 * Enforced: store_collect_prepare (daemon/store_collect.c) for each
 * collection written; store_mandate_sequence (daemon/store_mandate.c)
 * for `sepactl mandate show`. The imported history is read in by
 * store_import_file (daemon/store_import.c), forward only.
 */
enum sepa_seq sepa_rule_sequence(const sepa_rules *r, int used);

/**
 * Due date (ReqdColltnDt) of month m's collection, for a notice issued
 * on `notice`: day `due_day` of m rolled to a TARGET2 business day, moved
 * later to the first business day at least `prenotification_days`
 * calendar days after the notice when that would not hold.
 * Enforced: store_invoice_run (daemon/store_invoice.c), the due date on
 * the invoice and its notice; store_collect_prepare
 * (daemon/store_collect.c), the new due date of an invoice deferred to
 * the next month's file.
 */
sepa_date sepa_rule_due_date(
    const sepa_rules *r, sepa_month m, sepa_date notice);

/**
 * 1 when a file handed over on `handoff` can still reach the bank for a
 * collection due on `due` (at least `bank_lead_days` TARGET2 business
 * days before it), 0 when it is too late.
 * Enforced: store_collect_prepare (daemon/store_collect.c), which leaves
 * out (and reports) the invoices too late for the bank.
 */
int sepa_rule_in_time(const sepa_rules *r, sepa_date handoff, sepa_date due);

/**
 * The last day a mandate may be collected after the family's letter
 * (contract art. 7: "par lettre simple avant le 30 juin"): a letter
 * received BEFORE the deadline day (30 June by default, so at the latest
 * on 29 June) ends the mandate on 31 August of the current school year;
 * a later letter ends it on 31 August of the next school year, or on the
 * day received when `immediate` (the family revoked it at its bank).
 * Enforced: store_mandate_terminate (daemon/store_mandate.c) records it
 * as mandates.ends_on; from there store_collect_prepare collects no due
 * date after it, store_mandate_sweep terminates the mandate the day after
 * and store_mandate_show announces no collection of a month after it.
 */
sepa_date sepa_rule_letter_end(
    const sepa_rules *r, sepa_date received, int immediate);

/**
 * The deadline a letter received on `received` is judged against: the
 * contract's day (letter_deadline_month and _day, 30 June) of the school
 * year of `received`; a letter received before it is in time.
 * Used by: sepa_rule_letter_end; store_mandate_terminate and its preview
 * report it (daemon/store_mandate.c).
 */
sepa_date sepa_rule_letter_deadline(const sepa_rules *r, sepa_date received);

/**
 * 1 when a mandate whose last collection (or signature, when never
 * collected) was on `last_use` has lapsed on date `on`: more than
 * `lapse_months` months have passed (on the anniversary it is still
 * usable). The last collection is the latest of those sepad presented
 * and the last debit made by the software sepad replaced (the mandates
 * file's `last_collected_on`, mandates.last_collected_on, migration 035).
 * Enforced: store_mandate_sweep (daemon/store_mandate.c); its SQL only
 * picks the candidates, with a week of slack, and this function decides.
 */
int sepa_rule_lapsed(const sepa_rules *r, sepa_date last_use, sepa_date on);

/**
 * The last day a mandate last used on `last_use` is still usable:
 * `lapse_months` months later (31 January + 1 month is 28 or 29
 * February); sepa_rule_lapsed is true from the day after.
 * Enforced: store_mandate_show (daemon/store_mandate.c), the "lapses
 * after" date of `sepactl mandate show`.
 */
sepa_date sepa_rule_usable_until(const sepa_rules *r, sepa_date last_use);

/**
 * The school year a reject or return counts in: the school year of the
 * rejected collection's due date (sepa_school_year: 1 September to 31
 * August, named by the year it starts).
 * Enforced: in SQL, sepad_school_year (migration 016), by
 * store_returns_find_effects (daemon/store_returns.c) for
 * return_effects.school_year, for the import and for
 * store_quarantine_apply; in C, by store_mandate_show for the rejects
 * counted this school year.
 */
int sepa_rule_reject_school_year(sepa_date due);

/**
 * 1 when `counted` rejects of the same payer in one school year end the
 * mandate (counted >= max_rejects_per_school_year).
 * Enforced: in SQL, sepad_rejects_terminate (migration 016), by
 * store_returns_apply_effects (daemon/store_returns.c) for every family a
 * bank file or a quarantined record applied (store_quarantine_apply)
 * hits; the mandate's state_reason is then the code "two rejects"
 * (STORE_REASON_TWO_REJECTS), whatever the limit.
 */
int sepa_rule_rejects_terminate(const sepa_rules *r, int counted);

/**
 * The rejects rule named by its limit, for the texts that tell of it:
 * "one reject", "two rejects" ... "twelve rejects" (the limits
 * sepa_rules_check accepts), "too many rejects" for any other number.
 * Used by: store_returns_apply_effects (the mandate.terminated event),
 * store_import_file (a new mandate refused) and `sepactl quarantine
 * apply` (daemon/cmd_quarantine.c: "counted toward the two-rejects rule").
 */
const char *sepa_rule_rejects_name(int max_per_school_year);

/**
 * The first day a new mandate of a payer whose mandate ended for too
 * many rejects in `school_year` is accepted: 1 September of the next
 * school year (contract art. 7: "il lui appartiendra de renouveler son
 * contrat l'année suivante").
 * Enforced: store_import_file (daemon/store_import.c) refuses a new
 * mandate of the family before that day; it passes the school year of
 * the termination date (mandates.state_since).
 */
sepa_date sepa_rule_new_mandate_from(int school_year);

/** What the cycle's invoice step does about the billed month. */
enum sepa_billing {
	/** Its consumption is in (or the step does not wait): bill. */
	SEPA_BILL_NOW = 0,
	/** Not received yet: wait, and say so. */
	SEPA_BILL_WAIT = 1,
	/** Not received and the wait is over: bill what there is, say so. */
	SEPA_BILL_LATE = 2
};

/**
 * Whether the cycle's invoice step of a month, due on `step_day` (day
 * billing.invoice_day of the month), bills the month before on `today`:
 * a month is billed when its consumption is in. `received` is 1 when a
 * consumption file with lines of the billed month was imported. With
 * `wait_for_consumption` (billing.wait_for_consumption), a month whose
 * consumption has not arrived waits, until `consumption_wait_days`
 * (billing.wait_for_consumption_days) after step_day: from that day on it
 * is billed with what there is (late lines become regularisations of the
 * next month). Without it, the step bills on its day, as before. The
 * operator's `sepactl invoice run` never waits (it records the step).
 * Enforced: ctl_invoice_ready (daemon/cmd_invoice.c) for the cycle's
 * invoice step, with store_consumption_received (daemon/
 * store_consumption.c); the cycle (daemon/cmd_cycle.c) holds the collect
 * step of a month whose invoice step waits.
 */
enum sepa_billing sepa_rule_billing(
    const sepa_rules *r, int received, sepa_date step_day, sepa_date today);

/** How hours are rounded per child, service and day before pricing. */
enum sepa_hour_rounding {
	SEPA_HOURS_UP = 0, /**< up to the whole hour (as the CAF counts) */
	SEPA_HOURS_NONE = 1 /**< billed as recorded */
};

/**
 * Round a quantity of hours in thousandths: 1500 -> 2000 when rounding
 * up; 0 stays 0; negative quantities (corrections) round toward zero
 * in magnitude up, i.e. -1500 -> -2000.
 * Enforced: in SQL, sepad_hours_up (migration 008) is SEPA_HOURS_UP, by
 * store_invoice_run (daemon/store_invoice.c) per child, service and day
 * unless billing.hour_rounding is "none"; this function is its reference,
 * and gives the CAF declaration its hours invoiced per child, service and
 * day (sepa_caf_hours, lib/caf.c; sepactl report caf).
 */
int64_t sepa_rule_round_hours(enum sepa_hour_rounding mode, int64_t milli);

#endif /* SEPA_RULES_H */
