/*
 * store_quarantine.h - bank records no collection could take
 * (store_quarantine.c): listed, applied by hand or dismissed.
 */
#ifndef SEPAD_STORE_QUARANTINE_H
#define SEPAD_STORE_QUARANTINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;
struct returns_policy;

/* One quarantined bank record, as `quarantine list` shows it (owned
 * strings; "" when absent). */
struct quarantine_row {
	int64_t id; /* return_quarantine.id */
	int64_t record_id;
	char *file_name;
	int line;
	char *kind; /* reject, return, refund, reversal, confirmation */
	char *level; /* group, block, transaction */
	char *end_to_end_id;
	char *orig_msg_id;
	char *pmt_inf_id;
	char *mandate_ref;
	bool has_amount;
	int64_t amount_cents;
	char *reason_code;
	bool reason_proprietary;
	char *booking_date; /* YYYY-MM-DD */
	char *why; /* why it was quarantined, in the reader's language */
	char *why_stored; /* the same as stored, in English (CSV) */
	char *resolved_on; /* YYYY-MM-DD, "" while open */
	char *resolution;
};

/*
 * The quarantined records of the creditor, open ones only or (all) the
 * resolved ones too, by id. *rows is owned by the caller:
 * store_quarantine_rows_free().
 */
int store_quarantine_list(struct db *db, int64_t creditor_id, bool all,
    struct quarantine_row **rows, size_t *count, sepa_error *err);
void store_quarantine_rows_free(struct quarantine_row *rows, size_t count);

/* What store_quarantine_apply did. */
struct quarantine_applied {
	char new_state[16]; /* of the collection: rejected, returned, ... */
	char invoice[40]; /* its invoice number */
	bool counted; /* toward the two-rejects rule */
	int64_t terminated; /* mandates terminated (two rejects) */
	int64_t suspended; /* mandates suspended (dead account) */
	int64_t file_id; /* the bank file of the record */
};

/*
 * Apply quarantined record `id` to the collection of EndToEndId e2e,
 * with the rules of an import (store_returns_apply_effects), and mark
 * the quarantine row resolved on `today` (its collection_id becomes that
 * collection), with an event, in one transaction. Refused (SEPA_ENOTFOUND: no such record or collection;
 * SEPA_ESTATE: already resolved, not a transaction record, a reversal,
 * a collection whose state or earlier effect refuses it, batch not
 * released; SEPA_EINVAL: a contradiction), the store unchanged. A
 * mandate, PmtInfId or MsgId that contradicts the collection is accepted
 * only with `force` (the operator's reason, recorded); an amount that
 * contradicts it never is. `why` (may be NULL) is added to the
 * resolution.
 */
int store_quarantine_apply(struct db *db, int64_t creditor_id, int64_t id,
    const char *e2e, const char *force, const char *why,
    const struct returns_policy *pol, sepa_date today,
    struct quarantine_applied *out, sepa_error *err);
/*
 * Mark quarantined record `id` resolved on `today` with the text `why`
 * (not empty) and log an event; nothing else changes. SEPA_ENOTFOUND,
 * SEPA_ESTATE (already resolved), SEPA_EINVAL (empty text).
 */
int store_quarantine_dismiss(struct db *db, int64_t creditor_id, int64_t id,
    const char *why, sepa_date today, sepa_error *err);

#endif /* SEPAD_STORE_QUARANTINE_H */
