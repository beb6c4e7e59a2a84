/*
 * store_mandate.h - mandates (store_mandate.c): the account and
 * sequence of a collection, account changes, ends, the lifecycle sweep,
 * and what `sepactl mandate show|list` print.
 */
#ifndef SEPAD_STORE_MANDATE_H
#define SEPAD_STORE_MANDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/rules.h"

struct config_strlist;
struct db;

/*
 * Definitions shared by the functions below:
 *   - collection month M is closed once a batch of M is 'prepared' or
 *     'released' (its content is fixed); the first open month follows the
 *     last closed one;
 *   - an earlier collection on a mandate "reached the debtor's bank" when
 *     its batch's collection month is before M and its state is neither
 *     'rejected' (refused before settlement) nor 'cancelled': pending,
 *     sent, settled, returned and refunded count.
 */

/* The account a collection month debits, and what it must declare. */
struct mandate_account {
	int64_t account_id; /* mandate_accounts.id: collections.account_id */
	char iban[SEPA_IBAN_BUFSZ];
	char bic[SEPA_BIC_BUFSZ]; /* "" when none was given */
	sepa_month applies_from;
	/*
	 * IBAN of the last earlier collection that reached the bank ("" when
	 * none); with a SEPA_AMEND_SAME_BANK amendment it is OrgnlDbtrAcct
	 * (collections.orig_iban); SEPA_AMEND_OTHER_BANK writes SMNDA.
	 */
	char last_debited_iban[SEPA_IBAN_BUFSZ];
	enum sepa_amendment amendment;
};

/*
 * The account to debit for collection month `collection_month` (the row
 * with the latest applies_from <= M) and the amendment to declare:
 * sepa_rule_amendment(last debited IBAN, account IBAN). The amendment is
 * carried exactly once: once a collection of an earlier month on the new
 * account reached the bank, it is the last debited account and the next
 * collection declares none; a rejected or cancelled carrier does not
 * count, so the next collection declares it again. Two changes before a
 * collection: the amendment refers to the account last debited.
 * SEPA_ENOTFOUND when the mandate has no account for that month.
 *
 * The collection run, for each mandate of month M, inside the transaction
 * that records the batch:
 *     store_mandate_account_for(db, cred, mandate_id, M, &acc, &err);
 *     store_mandate_sequence(db, cred, mandate_id, M, &rules, &seq, &err);
 *     INSERT the collection with account_id = acc.account_id, iban,
 *     bic, amendment, orig_iban = acc.last_debited_iban when same bank;
 *     if (acc.amendment != SEPA_AMEND_NONE)
 *         store_mandate_amendment_carried(db, cred, acc.account_id,
 *             collection_id, &err);
 * Mandates to collect are those in state 'active' whose ends_on is NULL
 * or not before the due date (run store_mandate_sweep first). The run
 * records a batch holding its creditor row FOR UPDATE (SELECT ... FROM
 * creditors WHERE id = $1 FOR UPDATE), the lock that
 * store_mandate_change_account takes shared: an account change then either
 * lands before the batch reads the accounts or sees the month closed.
 */
int store_mandate_account_for(struct db *db, int64_t creditor_id,
    int64_t mandate_id, sepa_month collection_month,
    struct mandate_account *out, sepa_error *err);

/*
 * FRST or RCUR for the mandate's collection of month M, by
 * sepa_rule_sequence: "used" when an earlier collection reached the bank
 * (see above; a rejected FRST leaves the next one FRST).
 */
int store_mandate_sequence(struct db *db, int64_t creditor_id,
    int64_t mandate_id, sepa_month collection_month, const sepa_rules *rules,
    enum sepa_seq *seq, sepa_error *err);

/*
 * Record that collection `collection_id` carries the amendment of account
 * `account_id` (mandate_accounts.amended_by_collection), in the caller's
 * transaction. A carrier that was later rejected or cancelled is
 * replaced; SEPA_ESTATE when another collection that reached the bank
 * already carried it, or the account is unknown.
 */
int store_mandate_amendment_carried(struct db *db, int64_t creditor_id,
    int64_t account_id, int64_t collection_id, sepa_error *err);

/* An account change as the family gave it (sepactl mandate change-account). */
struct mandate_change {
	const char *rum;
	const char *iban; /* normalised (sepa_iban_parse) */
	const char *bic; /* normalised (sepa_bic_parse), NULL or "": none */
	sepa_date received; /* the day the form arrived */
	sepa_date sent; /* the day the family sent it (<= received) */
};

/*
 * From which collection month an account change sent on a day applies
 * (sepa_rule_account_change_month), and why, in the words of the store.
 */
struct mandate_change_when {
	sepa_month applies_from; /* first collection month on the new account */
	sepa_month first_open; /* the first collection month not closed */
	int cutoff_day; /* the contract's account_change_cutoff_day */
	bool after_cutoff; /* sent after it: the next month at the earliest */
	bool
	    month_closed; /* the month its date gave is already with the bank */
	/* "sent on 2026-10-06, after the 5th: applies from the 2026-11
	 * collection" */
	char why[256];
};

/*
 * What store_mandate_change_account would do with `chg`, nothing changed:
 * the same checks and refusals (in a transaction rolled back), and the
 * month the new account would apply from, with why. The console states
 * it before the operator confirms; the change itself says the month it
 * took (a batch may close in between).
 */
int store_mandate_change_preview(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, const struct mandate_change *chg, sepa_date today,
    struct mandate_change_when *when, sepa_error *err);

struct mandate_change_result {
	int64_t mandate_id;
	int64_t account_id; /* the new mandate_accounts row */
	char rum[64]; /* as stored */
	sepa_month applies_from; /* first collection month on the new account */
	bool replaced; /* a change not yet debited gave way (last one wins) */
	bool reactivated; /* the mandate was suspended and is active again */
	struct mandate_change_when when; /* the month and why */
	char why[256]; /* when.why */
};

/*
 * Record a new account for a mandate, in one transaction with its
 * 'mandate.account_changed' event: applies_from =
 * sepa_rule_account_change_month(sent, first open month); any row from
 * that month on that no collection used is replaced (last one wins);
 * amendment_required is set when the mandate had an account before. A
 * suspended mandate becomes active ('mandate.reactivated'). Refused,
 * database unchanged: an invalid IBAN, sent after received, received
 * after `today`, a country outside SEPA (SEPA_EINVAL), the same IBAN as the account in force from
 * the latest change (SEPA_EINVAL), an unknown RUM (SEPA_ENOTFOUND), a
 * terminated or lapsed mandate (SEPA_ESTATE).
 */
int store_mandate_change_account(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, const struct mandate_change *chg, sepa_date today,
    struct mandate_change_result *res, sepa_error *err);

struct mandate_end_result {
	int64_t mandate_id;
	char rum[64];
	sepa_date ends_on; /* last day the mandate may be collected */
	bool terminated_now; /* --immediate, or an end already past */
	bool kept_earlier; /* an earlier scheduled end was kept */
	char why[256]; /* "letter received on 2026-06-29, before 30 June" */
	sepa_date received; /* the letter's */
	sepa_date deadline; /* sepa_rule_letter_deadline of it (30 June) */
	bool in_time; /* received before the deadline */
};

/*
 * The family's letter: ends_on = sepa_rule_letter_end(received,
 * immediate), never later than an end already scheduled. The mandate stays
 * active until then (the collection run skips mandates whose ends_on is
 * before the due date; store_mandate_sweep terminates them after it);
 * immediate, or an end already past: terminated now. One transaction with
 * a 'mandate.terminated' or 'mandate.end_scheduled' event. Refused:
 * received after `today` (SEPA_EINVAL), unknown RUM (SEPA_ENOTFOUND),
 * already terminated or lapsed (SEPA_ESTATE).
 */
int store_mandate_terminate(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, const char *rum, sepa_date received,
    bool immediate, sepa_date today, struct mandate_end_result *res,
    sepa_error *err);

/*
 * The same termination, every check and step of it, in a transaction
 * rolled back: what store_mandate_terminate would record (the end date,
 * now or scheduled, and why), nothing changed. The console states it
 * before the operator confirms.
 */
int store_mandate_terminate_preview(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, const char *rum, sepa_date received,
    bool immediate, sepa_date today, struct mandate_end_result *res,
    sepa_error *err);

/* What `sepactl mandate change-rum` did. */
struct mandate_rum_result {
	char old_rum[64]; /* as it was stored */
	char new_rum[64];
	bool presented; /* the bank knows the old one: the next debit says it */
};

/*
 * Give the mandate of `old_rum` (any case) the RUM `new_rum`, received on
 * `received`, in one transaction with its 'mandate.rum_changed' event:
 * mandate_rum_changes (migration 037) keeps the old one, never to be
 * taken again. The next debit of a mandate the bank knows declares the
 * old RUM (OrgnlMndtId, sepa_rule_orig_id), once. Refused: a new RUM
 * that is not a valid reference, equal to the old one without regard to
 * case, or held or given up by a mandate of the creditor; received after
 * `today` (SEPA_EINVAL); an unknown RUM (SEPA_ENOTFOUND); a mandate
 * terminated or lapsed (SEPA_ESTATE).
 */
int store_mandate_change_rum(struct db *db, int64_t creditor_id,
    const char *old_rum, const char *new_rum, sepa_date received,
    sepa_date today, struct mandate_rum_result *res, sepa_error *err);

struct mandate_sweep_result {
	int64_t terminated; /* ends_on passed: 'family letter' */
	int64_t lapsed; /* unused lapse_months months */
};

/*
 * The lifecycle sweep the cycle runs each business day, before the
 * collection run: active or suspended mandates whose ends_on < today are
 * terminated ('family letter'); those whose last use (the latest of the
 * due date of the last collection not cancelled, the last debit made by
 * the software sepad replaced, and the signature date) is more than
 * rules->lapse_months months before today (sepa_rule_lapsed) lapse
 * ('unused N months'). One transaction; one event per mandate
 * ('mandate.terminated', 'mandate.lapsed'). The change of school year is
 * not an end: mandates renew by themselves.
 */
int store_mandate_sweep(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, sepa_date today, struct mandate_sweep_result *res,
    sepa_error *err);

/* One account of a mandate, for `sepactl mandate show`. */
struct mandate_history {
	int64_t id;
	char iban[SEPA_IBAN_BUFSZ];
	char bic[SEPA_BIC_BUFSZ];
	sepa_month applies_from;
	sepa_date received_on;
	bool amendment_required;
	char carried_by[36]; /* EndToEndId of the carrier, "" when none */
	sepa_month carried_month; /* its collection month */
	bool debited; /* a collection on it reached the bank */
};

/* What `sepactl mandate show` prints; free with store_mandate_info_free. */
struct mandate_info {
	int64_t id;
	char rum[64];
	char family_ref[128];
	char payer_name[256];
	sepa_date signed_on;
	char state[16];
	char reason[128];
	sepa_date since; /* year 0: never changed */
	sepa_date ends_on; /* year 0: no end scheduled */
	sepa_date last_use; /* last collection presented, else signature */
	sepa_date usable_until; /* lapses the day after, unless collected */
	/* imported from the software sepad replaced (migration 035) */
	sepa_date collected_before; /* its last debit; year 0: none */
	bool presented_before; /* it presented the mandate (RCUR) */
	size_t naccounts;
	struct mandate_history *accounts; /* oldest first, owned */
	bool has_last; /* a collection exists */
	sepa_month last_month;
	sepa_date last_due;
	char last_state[16];
	char last_seq[8];
	char last_reason[8];
	char last_iban[SEPA_IBAN_BUFSZ];
	int64_t last_amount;
	sepa_month next_month; /* first open collection month */
	/*
	 * Why that month will not collect the mandate (suspended, ended, its
	 * end before the month), "" when it will; then next_seq,
	 * has_next_account and next_account are not filled.
	 */
	char no_next[192];
	enum sepa_seq next_seq;
	bool has_next_account;
	struct mandate_account next_account;
	int school_year; /* of `today` */
	int64_t rejects; /* rejected, returned, refunded, counted codes */
};

/*
 * Everything known about the mandate of `rum`: accounts, last collection,
 * next collection (first open month: sequence, account, amendment; or
 * why there is none), and the rejects counted in today's school year
 * (collections rejected, returned or refunded with a due date in it,
 * except the codes of `not_counted`, rejections.creditor_side_codes).
 * SEPA_ENOTFOUND for an unknown RUM.
 */
int store_mandate_show(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, const struct config_strlist *not_counted,
    const char *rum, sepa_date today, struct mandate_info *info,
    sepa_error *err);
void store_mandate_info_free(struct mandate_info *info);

/* One row of `sepactl mandate list`; strings valid during the callback. */
struct mandate_list_row {
	const char *rum;
	const char *family_ref;
	const char *payer_name;
	const char *state;
	const char *reason; /* "" when active; in the reader's language */
	const char *reason_stored; /* the same as stored, in English (CSV) */
	sepa_date signed_on;
	sepa_date since; /* year 0: none */
	sepa_date ends_on; /* year 0: none */
	const char *iban; /* account of today's month, "" when none yet */
};

/*
 * Call fn for each mandate (in `state` when not NULL), by RUM; a non-zero
 * return of fn stops and is returned.
 */
int store_mandate_list(struct db *db, int64_t creditor_id, const char *state,
    sepa_date today, int (*fn)(void *arg, const struct mandate_list_row *row),
    void *arg, sepa_error *err);

#endif /* SEPAD_STORE_MANDATE_H */
