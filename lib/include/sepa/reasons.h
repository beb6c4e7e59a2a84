/*
 * reasons.h - ISO 20022 status and return reason codes seen in SEPA
 * direct-debit rejects, returns and refunds: labels in French and
 * English and the policy class the contract rules act on.
 */
#ifndef SEPA_REASONS_H
#define SEPA_REASONS_H

#include <stddef.h>

/**
 * What a reason code means for the debit contract (a recommendation of
 * docs/sepa.md, Reason codes, not a scheme rule).
 */
enum sepa_reason_class {
	/** Not in the table: a person decides. */
	SEPA_REASON_UNKNOWN = 0,
	/** Account or mandate unusable (AC01, AC04, AC06, AG01, MD01,
	 * MD07, ...): suspend the mandate until new bank details or a new
	 * mandate arrive; never re-present on the same data. */
	SEPA_REASON_DEAD,
	/** May succeed later (AM04 insufficient funds, MS03, TECH): a new
	 * collection or manual recovery. */
	SEPA_REASON_TRANSIENT,
	/** The debtor objects (MD06 refund, MS02 refusal): unpaid, no
	 * automatic retry, contact the family. */
	SEPA_REASON_DISPUTE,
	/** Caused by the creditor's side (AM05, FF01, BE05, FOCR, ...):
	 * fix and resubmit; does NOT count toward the two-rejects rule. */
	SEPA_REASON_CREDITOR,
	/** The payer's data must be fixed (BE01, MD02, RR01, RR02). */
	SEPA_REASON_DATA,
	/** Regulatory, fraud or narrative reason: manual handling. */
	SEPA_REASON_MANUAL
};

/**
 * What the code was given for: the same code (AC01, BE01, ...) comes back
 * on direct debits and on credit transfers, and its label must not speak
 * of a debtor when the record is a returned transfer.
 */
enum sepa_reason_family {
	/** A collection: pain.002 of a pain.008, camt of the IDDT/RDDT
	 * families, or nothing says otherwise. */
	SEPA_REASON_DIRECT_DEBIT = 0,
	/** A credit transfer: pain.002 of a pain.001, a camt booking of
	 * another family (ICDT, RCDT, ...). */
	SEPA_REASON_TRANSFER
};

/** One reason code. Strings are static. */
typedef struct sepa_reason {
	const char *code; /**< "AC01" */
	enum sepa_reason_class cls;
	const char *iso_name; /**< "IncorrectAccountNumber" */
	const char *label_fr; /**< worded for a direct debit */
	const char *label_en;
	/** worded for a credit transfer, NULL when label_fr fits both */
	const char *label_fr_transfer;
	const char *label_en_transfer;
} sepa_reason;

/**
 * The entry of an ISO code (exact, upper case as in the files), or NULL
 * when the code is not in the table.
 */
const sepa_reason *sepa_reason_find(const char *code);

/**
 * The label of r worded for the family of the record it came with
 * (label_fr or label_fr_transfer); NULL when r is NULL.
 */
const char *sepa_reason_label_fr(
    const sepa_reason *r, enum sepa_reason_family family);
const char *sepa_reason_label_en(
    const sepa_reason *r, enum sepa_reason_family family);

/** The whole table, sorted by code; *count gets its length. */
const sepa_reason *sepa_reason_table(size_t *count);

/** "unknown", "dead", "transient", "dispute", "creditor", "data",
 * "manual". */
const char *sepa_reason_class_name(enum sepa_reason_class cls);

/**
 * 1 when a reject or return of this class counts toward the
 * two-rejects-per-school-year rule, 0 for creditor-side causes. Unknown
 * codes count (the payer is presumed concerned). The daemon may
 * override the list through its configuration.
 */
int sepa_reason_class_counts(enum sepa_reason_class cls);

#endif /* SEPA_REASONS_H */
