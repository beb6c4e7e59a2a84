/*
 * store_report.h - the figures of a month for the finance department's
 * report (store_report.c): what each figure counts is said there.
 */
#ifndef SEPAD_STORE_REPORT_H
#define SEPAD_STORE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "store_ledger.h"

struct db;

/* Unpaid collections of one state and reason code in a month. */
struct report_reason {
	char state[16]; /* rejected, returned, refunded */
	char code[36]; /* "" when the bank gave none */
	int64_t count;
	int64_t cents;
};

/* One debit of the month that came back, with its family. Owned. */
struct report_unpaid {
	char state[16], code[36];
	char *family_ref, *payer, *invoice;
	int64_t cents;
};

/* A count and an amount. */
struct report_sum {
	int64_t count, cents;
};

/* Payments by other means of the month by method (cheque, cash, ...). */
struct report_method {
	char method[16];
	struct report_sum sum;
};

/* A mandate suspended, ended or lapsed in the month. Owned strings. */
struct report_mandate {
	char kind[16]; /* suspended, terminated, lapsed */
	char *family_ref, *payer, *rum, *reason; /* reason: "" if changed */
	sepa_date on;
};

/* What the invoices issued in the month billed for one service. */
struct report_service {
	char *code, *label; /* label "" when the tariffs gave none */
	int64_t lines, cents;
};

/* A billed month of the balance (invoice_balance, migration 033). */
struct report_balance {
	char month[8]; /* YYYY-MM */
	int64_t v[LB_NCOLS]; /* v[LB_INVOICES], amounts from LB_BILLED on */
};

/* The figures of one month (see store_report.c for what counts where). */
struct report {
	sepa_month month;
	int64_t presented, presented_cents; /* collections due, sent */
	int64_t settled, settled_cents;
	/* of which presumed: no answer from the bank (migration 032) */
	int64_t presumed, presumed_cents;
	int64_t cancelled; /* in files or blocks the bank refused whole */
	struct report_sum unpaid; /* rejected, returned or refunded */
	struct report_reason *reasons; /* owned; store_report_free() */
	size_t nreasons;
	struct report_unpaid *families; /* by family reference */
	size_t nfamilies;
	struct report_method *methods;
	size_t nmethods;
	struct report_sum other; /* all payments by other means */
	struct report_sum reminders; /* on the invoices issued */
	struct report_sum credits_used; /* credit lines, cents > 0 */
	struct report_sum credits_granted; /* negative invoices, cents > 0 */
	struct report_sum refunds; /* credits listed for refund */
	struct report_mandate *mandates; /* by kind, date, family */
	size_t nmandates;
	int64_t suspended, terminated, lapsed;
	int64_t recovery, recovery_cents; /* invoices exported */
	struct report_service *services; /* by code */
	size_t nservices;
	struct report_sum service_total; /* lines, amount */
	struct report_sum invoices; /* issued in the month, with total */
	struct report_balance *balance; /* billed months up to this one */
	size_t nbalance;
	struct report_balance total; /* month "" */
};

/* Read the whole report in one read-only snapshot. */
int store_report_month(struct db *db, int64_t creditor_id, sepa_month month,
    struct report *out, sepa_error *err);
void store_report_free(struct report *r);

/*
 * The months a report can be asked for, newest first, into *out (owned,
 * free()): the cycle months whose invoice step ran (cycle_steps,
 * migration 011: the invoices of M - 1 issued in M), each the month
 * store_report_month reads.
 */
int store_report_months(struct db *db, int64_t creditor_id, sepa_month **out,
    size_t *n, sepa_error *err);

#endif /* SEPAD_STORE_REPORT_H */
