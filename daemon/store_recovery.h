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
#include "store_collect.h"

struct csvout_dialect;
struct db;
struct sepad_config;

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

/* What a recovery export by the PES channel did. */
struct store_recovery_result {
	int64_t count; /* invoices recorded in a new flow */
	int64_t total; /* what they owe, cents */
	int64_t refused; /* left out: the PES writer would refuse their titre */
	int64_t written; /* flows written (or found placed) and released */
};

/*
 * The same with treasury.channel "pes" (docs/design/pes.md, The daemon):
 * the same invoices, as one PES_Aller flow of ordinary titres (TypFic
 * PESALR1, TypBord 01) recorded in one transaction (a batch of purpose
 * 'recovery' with its flow, bordereaux and pieces, the export and its
 * invoices, the invoices in 'recovery'), then written from those rows
 * into `outbox`, validated against schema_dir, placed and released as
 * collect's flows are; every recovery flow recorded and not released yet
 * is finished the same way (on_file, may be NULL, for each). An invoice
 * whose titre the writer would refuse is left out with an
 * "invoice.recovery_refused" event that needs attention; a service
 * without its codes (pes.products): SEPA_EINVAL, nothing recorded.
 */
int store_recovery_export_pes(struct db *db, int64_t creditor_id,
    const struct sepad_config *cfg, const char *outbox, const char *schema_dir,
    sepa_date today, collect_file_fn on_file, void *arg,
    struct store_recovery_result *out, sepa_error *err);

#endif /* SEPAD_STORE_RECOVERY_H */
