/*
 * store_cycle.h - the record of the monthly cycle's steps
 * (store_cycle.c), and what status shows of it.
 */
#ifndef SEPAD_STORE_CYCLE_H
#define SEPAD_STORE_CYCLE_H

#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;

/*
 * The cycle's record (cycle_steps): the latest month `step` ran for
 * (month.year 0 when never); whether it ran for `month`; record that it
 * ran (with a "cycle.step" event), in a transaction of its own. `month`
 * is always the cycle month, the month on whose day the step is due:
 * the invoice step of M bills M - 1 (store_invoice_run records it too).
 */
int store_cycle_last(struct db *db, int64_t creditor_id, const char *step,
    sepa_month *month, sepa_error *err);
int store_cycle_done(struct db *db, int64_t creditor_id, const char *step,
    sepa_month month, int *done, sepa_error *err);
int store_cycle_mark(struct db *db, int64_t creditor_id, const char *step,
    sepa_month month, sepa_date today, sepa_error *err);
/*
 * For status: fn(arg, section, text) per row: "ran" (the latest five
 * steps: "STEP YYYY-MM YYYY-MM-DD"), "batch" (each file recorded but not
 * released: name, MsgId, state, day recorded, collection month, separated
 * by tabs), "attention" (the latest `limit` events that need a human,
 * newest first), and one "attention-total" (the number of such events).
 */
int store_cycle_status(struct db *db, int64_t creditor_id, int limit,
    void (*fn)(void *arg, const char *section, const char *text), void *arg,
    sepa_error *err);

#endif /* SEPAD_STORE_CYCLE_H */
