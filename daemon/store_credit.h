/*
 * store_credit.h - the credits of the families that left, listed for
 * refund (store_credit.c, migration 033).
 */
#ifndef SEPAD_STORE_CREDIT_H
#define SEPAD_STORE_CREDIT_H

#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"

struct csvout_dialect;
struct db;

/*
 * List, for the treasury to refund, every credit still to carry whose
 * family has had no invoice for rules->credit_refund_after_months
 * (sepa_rule_credit_refund_due): a CSV refunds-DATE-ID.csv in `outbox`
 * (dialect `csv`, csvout.h)
 * with its .sha256, each credit recorded once in credit_refunds and its
 * invoice closed ('paid'), with a credit.refunds event, in one
 * transaction. *path gets the file (free it), NULL when nothing is due;
 * *count and *total the credits listed and their sum.
 */
int store_credit_refunds(struct db *db, int64_t creditor_id, const char *outbox,
    const struct csvout_dialect *csv, const sepa_rules *rules, sepa_date today,
    char **path, int64_t *count, int64_t *total, sepa_error *err);

#endif /* SEPAD_STORE_CREDIT_H */
