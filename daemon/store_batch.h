/*
 * store_batch.h - what an operator does to a recorded part of a month
 * (store_batch.c): cancel one that was never released.
 */
#ifndef SEPAD_STORE_BATCH_H
#define SEPAD_STORE_BATCH_H

#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;

/* What a cancelled part held. */
struct batch_cancel_result {
	char file_name[128];
	sepa_month month; /* its collection month */
	int64_t collections; /* cancelled */
	int64_t amount_cents; /* their sum */
	int64_t invoices; /* back to 'issued', to be collected again */
};

/*
 * Cancel the part of MsgId `msg_id` (migration 036): only while it is
 * 'prepared', never released, and its file does not stand in `outbox`.
 * Under the month's writer lock (store_collect_month_lock) and the
 * creditor's row lock, in one transaction: its collections become
 * 'cancelled', their invoices go back from 'collecting' to 'issued' (the
 * next collect of the month records them in a new part, attempt + 1),
 * the amendments they carried are to be carried again, and the batch
 * becomes 'cancelled' with `why`; a "batch.cancelled" event. Nothing of
 * it is ever written. Refused: an unknown MsgId (SEPA_ENOTFOUND), an
 * empty reason (SEPA_EINVAL), a part released, refused by the bank or
 * cancelled already, or whose file stands in the outbox (SEPA_ESTATE).
 */
int store_batch_cancel(struct db *db, int64_t creditor_id, const char *msg_id,
    const char *why, const char *outbox, sepa_date today,
    struct batch_cancel_result *res, sepa_error *err);

#endif /* SEPAD_STORE_BATCH_H */
