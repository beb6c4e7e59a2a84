/*
 * store_ledger.h - a ledger per family and per invoice, and the balance
 * of what was billed (store_ledger.c, migration 033). Every function
 * reads in one read-only snapshot (its own, but for
 * store_ledger_balance_rows) and hands its rows, as text, to a callback;
 * the columns of each are named by the enums below.
 */
#ifndef SEPAD_STORE_LEDGER_H
#define SEPAD_STORE_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;

/* A row: ncols NUL-ended texts ("" for a NULL). */
typedef void (*ledger_row_fn)(void *arg, const char *const *cols);

/* The columns of a family (store_ledger_family). */
enum {
	LF_ID,
	LF_REF,
	LF_PAYER,
	LF_STREET,
	LF_BUILDING,
	LF_POSTCODE,
	LF_TOWN,
	LF_COUNTRY,
	LF_EMAIL,
	LF_BRACKET,
	LF_NCOLS
};

/* The columns of a mandate of the family. */
enum {
	LM_RUM,
	LM_STATE,
	LM_REASON,
	LM_SINCE,
	LM_ENDS,
	LM_SIGNED,
	LM_IBAN, /* the account of the latest month: mask it */
	LM_NCOLS
};

/*
 * The columns of an invoice with its balance (invoice_balance, 033):
 * amounts in cents; owed = unpaid + collecting.
 */
enum {
	LI_ID,
	LI_NUMBER,
	LI_MONTH, /* YYYY-MM */
	LI_ISSUED,
	LI_DUE, /* of its collection, when deferred */
	LI_STATE,
	LI_SINCE,
	LI_TOTAL,
	LI_BILLED,
	LI_DEBIT,
	LI_OTHER,
	LI_CREDITS,
	LI_REFUNDED,
	LI_CARRIED,
	LI_UNPAID,
	LI_RECOVERY,
	LI_COLLECTING,
	LI_DIFFERENCE,
	LI_RUM, /* "" when payable by other means */
	LI_REASON, /* unpaid_reason */
	LI_FAMILY, /* family_ref */
	LI_PAYER,
	LI_NCOLS
};

/* The columns of an event of an invoice's history. */
enum {
	LH_NUMBER,
	LH_DATE,
	LH_WHAT,
	LH_CODE, /* a bank reason code, or "" */
	LH_NCOLS
};

/* The columns of an invoice line. */
enum {
	LL_KIND,
	LL_CHILD,
	LL_SERVICE,
	LL_MONTH, /* the consumption's, YYYY-MM */
	LL_QTY, /* thousandths */
	LL_PRICE,
	LL_AMOUNT,
	LL_LABEL, /* the invoice a reminder or a credit names */
	LL_NCOLS
};

/* The columns of a family of the list. */
enum {
	LS_REF,
	LS_PAYER,
	LS_MANDATE, /* the state of its latest mandate, "none" */
	LS_INVOICES,
	LS_OWED, /* unpaid + collecting */
	LS_COLLECTING,
	LS_RECOVERY,
	LS_CREDIT, /* credit to carry */
	LS_NCOLS
};

/* The columns of a month of the balance. */
enum {
	LB_MONTH, /* YYYY-MM, the billed month */
	LB_INVOICES,
	LB_BILLED,
	LB_DEBIT,
	LB_OTHER,
	LB_CREDITS,
	LB_REFUNDED,
	LB_CARRIED,
	LB_UNPAID,
	LB_RECOVERY,
	LB_COLLECTING,
	LB_DIFFERENCE,
	LB_NCOLS
};

/*
 * The family `ref` (fam_fn, once), its mandates (mandate_fn), its
 * invoices with their balance (invoice_fn) and their history (event_fn,
 * by invoice number then date). SEPA_ENOTFOUND when there is no such
 * family.
 */
int store_ledger_family(struct db *db, int64_t creditor_id, const char *ref,
    ledger_row_fn fam_fn, ledger_row_fn mandate_fn, ledger_row_fn invoice_fn,
    ledger_row_fn event_fn, void *arg, sepa_error *err);

/*
 * The invoice `number` with its balance (invoice_fn, once), its lines
 * (line_fn) and its history (event_fn). SEPA_ENOTFOUND when there is no
 * such invoice.
 */
int store_ledger_invoice(struct db *db, int64_t creditor_id, const char *number,
    ledger_row_fn invoice_fn, ledger_row_fn line_fn, ledger_row_fn event_fn,
    void *arg, sepa_error *err);

/* Every family (only those owing something or in recovery when
 * `unpaid_only`), by reference. */
int store_ledger_families(struct db *db, int64_t creditor_id, bool unpaid_only,
    ledger_row_fn fn, void *arg, sepa_error *err);

/* The columns of a family found by a search. */
enum {
	LQ_REF,
	LQ_PAYER,
	LQ_TOWN,
	LQ_RUM, /* its latest mandate's, "" when none */
	LQ_MANDATE, /* that mandate's state, "" when none */
	LQ_MATCH, /* what matched: ref, name, rum, invoice */
	LQ_NCOLS
};

/*
 * The families whose reference or payer's name contains `q` (any case),
 * or whose mandate's RUM or invoice number is `q`: exact matches first,
 * then by likeness of the name; at most `limit`. q holds 2 to 64
 * characters (SEPA_EINVAL otherwise).
 */
int store_ledger_search(struct db *db, int64_t creditor_id, const char *q,
    int limit, ledger_row_fn fn, void *arg, sepa_error *err);

/* The balance of each billed month up to `upto`, in month order;
 * store_ledger_balance_rows reads it in the caller's transaction (the
 * report reads all its figures in one snapshot). */
int store_ledger_balance(struct db *db, int64_t creditor_id, sepa_month upto,
    ledger_row_fn fn, void *arg, sepa_error *err);
int store_ledger_balance_rows(struct db *db, int64_t creditor_id,
    sepa_month upto, ledger_row_fn fn, void *arg, sepa_error *err);

#endif /* SEPAD_STORE_LEDGER_H */
