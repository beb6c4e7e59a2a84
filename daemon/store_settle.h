/*
 * store_settle.h - debits presumed settled when the bank did not answer
 * (store_settle.c, migration 032).
 */
#ifndef SEPAD_STORE_SETTLE_H
#define SEPAD_STORE_SETTLE_H

#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"

struct db;

/* What one presumption did. */
struct settle_result {
	int64_t collections; /* presumed settled now */
	int64_t cents; /* their amount */
	int64_t invoices; /* invoices paid by them, reminded ones included */
};

/*
 * Settle, in one transaction with its event, every collection still
 * 'sent' whose due date sepa_rule_presumed_settled accepts on `today`:
 * the collection 'settled' (recorded in presumed_settlements), its
 * invoice 'paid', and the invoices it carried the reminder of 'paid' with
 * it. Safe to run any number of times: nothing due, nothing changed.
 */
int store_settle_presume(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, sepa_date today, struct settle_result *r,
    sepa_error *err);

#endif /* SEPAD_STORE_SETTLE_H */
