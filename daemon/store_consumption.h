/*
 * store_consumption.h - what the cycle asks of the consumption imported
 * (store_consumption.c): whether a month's has arrived, and the events
 * that say it has not.
 */
#ifndef SEPAD_STORE_CONSUMPTION_H
#define SEPAD_STORE_CONSUMPTION_H

#include <stdbool.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;
struct i18n_msg;

/*
 * *received: 1 when a consumption file with lines of `month` was imported
 * for the creditor (a consumption batch of that month, migration 008,
 * billed or not), else 0.
 */
int store_consumption_received(struct db *db, int64_t creditor_id,
    sepa_month month, int *received, sepa_error *err);

/*
 * Record, once per kind and month, an event that needs attention about
 * the consumption of `month` (kind "consumption.missing": the invoice
 * step waits; "consumption.late": the wait is over, billed without it),
 * saying `say`, in a transaction of its own. *added says whether it
 * was new.
 */
int store_consumption_event(struct db *db, int64_t creditor_id,
    const char *kind, sepa_month month, sepa_date today,
    const struct i18n_msg *say, bool *added, sepa_error *err);

#endif /* SEPAD_STORE_CONSUMPTION_H */
