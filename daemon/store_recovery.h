/*
 * store_recovery.h - the export of unpaid invoices to the recovery
 * office (store_recovery.c).
 */
#ifndef SEPAD_STORE_RECOVERY_H
#define SEPAD_STORE_RECOVERY_H

#include <stdbool.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct csvout_dialect;
struct db;

/*
 * Export the invoices due for recovery as a CSV in dialect `csv`
 * (csvout.h) into `outbox` (written atomically, with NAME.sha256 beside
 * it), mark them 'recovery' and record the export, in one transaction. Due (contract art. 6, see
 * store_recovery.c): an invoice still owing something on its own, when
 * the invoice that carried its reminder is still unpaid more than
 * `grace_days` after its due date; never reminded, more than
 * `grace_days` after its own due date when `represent` is false or no
 * invoice run reminded it (no next invoice). Paid by other means: not
 * due. *path gets the file written (free it), NULL when nothing is due;
 * *count, *total the number of invoices and the sum due.
 */
int store_recovery_export(struct db *db, int64_t creditor_id,
    const char *outbox, const struct csvout_dialect *csv, bool represent,
    int grace_days, sepa_date today, char **path, int64_t *count,
    int64_t *total, sepa_error *err);

#endif /* SEPAD_STORE_RECOVERY_H */
