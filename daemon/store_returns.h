/*
 * store_returns.h - bank returns (store_returns.c): pain.002, camt.054
 * and camt.053 imported, matched to collections and applied with the
 * contract's rules.
 */
#ifndef SEPAD_STORE_RETURNS_H
#define SEPAD_STORE_RETURNS_H

#include <stdbool.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct config_strlist;
struct db;

/* The contract settings the reconciliation applies (from the config). */
struct returns_policy {
	const struct config_strlist *creditor_side_codes; /* do not count */
	const struct config_strlist *dead_account_codes; /* suspend */
	int max_per_school_year; /* counted rejects that terminate */
	bool accept_unqualified; /* import files without a namespace */
};

/* What one imported bank file did. */
struct returns_result {
	int64_t file_id; /* the imported_files row (the earlier one if dup) */
	bool already; /* same bytes already imported: nothing done */
	const char *type; /* "pain.002", "camt.054", "camt.053" */
	int64_t records;
	int64_t applied; /* records that changed collections */
	int64_t duplicates; /* records already recorded by an earlier one */
	int64_t stored; /* kept, no change (info, pending) */
	int64_t quarantined;
	int64_t collections; /* collections whose state changed */
	int64_t terminated; /* mandates terminated (two rejects) */
	int64_t suspended; /* mandates suspended (dead account) */
};

/*
 * Import one bank file (pain.002, camt.054 or camt.053) for the creditor,
 * in one transaction: every record is stored, matched and applied, the
 * contract rules run, events are logged; or, when the file is refused
 * (cannot be read, a camt.052, a database error), nothing is changed and
 * err says why (SEPA_EINVAL/EXML/ELIMIT: refused input; others: internal).
 * The same bytes imported before: res->already, nothing changed.
 */
int store_returns_import(struct db *db, int64_t creditor_id, const char *path,
    const struct returns_policy *pol, sepa_date today,
    struct returns_result *res, sepa_error *err);

/*
 * The steps of a reconciliation, shared by the import and by
 * store_quarantine_apply(), inside the caller's transaction:
 * store_returns_begin creates the temporary tables (ret_stage: the
 * records; ret_match: record x collection with a problem or NULL; ret_eff:
 * the effects; ret_q: quarantined) and takes the lock that serialises
 * reconciliations. The caller fills ret_stage and ret_match;
 * store_returns_find_effects fills ret_eff (one effect per collection and
 * family, not recorded before) and ret_q (a record the collection's state
 * refuses); once the records are in return_records,
 * store_returns_apply_effects records ret_eff and applies it: collections,
 * invoices (unpaid_reason names file_name and the record's line),
 * events (with file_id), the two-rejects rule and the dead-account
 * suspension for the families and mandates of ret_eff only.
 */
int store_returns_begin(struct db *db, sepa_error *err);
int store_returns_find_effects(struct db *db, int64_t creditor_id,
    const struct returns_policy *pol, sepa_error *err);
int store_returns_apply_effects(struct db *db, int64_t creditor_id,
    int64_t file_id, const char *file_name, const struct returns_policy *pol,
    sepa_date today, int64_t *terminated, int64_t *suspended, sepa_error *err);
/*
 * Once ret_stage and ret_match are filled (store_returns_begin): the
 * quarantine of the matches with a problem, the effects
 * (store_returns_find_effects), every record stored in return_records
 * with its outcome, the quarantine recorded, and the effects applied
 * (store_returns_apply_effects). The bank-file import and the PES acquit
 * (store_pes_acquit.c: a rejected bordereau as a refused payment block)
 * share it.
 */
int store_returns_settle(struct db *db, int64_t creditor_id, int64_t file_id,
    const char *file_name, const struct returns_policy *pol, sepa_date today,
    int64_t *terminated, int64_t *suspended, sepa_error *err);

#endif /* SEPAD_STORE_RETURNS_H */
