/*
 * store_payment.h - payments by other means (store_payment.c).
 */
#ifndef SEPAD_STORE_PAYMENT_H
#define SEPAD_STORE_PAYMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;

enum payment_method {
	PAYMENT_CHEQUE = 0,
	PAYMENT_CASH,
	PAYMENT_TRANSFER,
	PAYMENT_CARD,
	PAYMENT_OTHER
};

struct payment_result {
	int64_t payment_id;
	int64_t total_cents; /* the invoice's total */
	int64_t paid_cents; /* paid by other means, this payment included */
	int64_t due_cents; /* still due */
	bool fully_paid; /* the invoice moved to 'paid' */
	char state[16]; /* the invoice's state after the payment */
};

/*
 * Record a payment by other means on invoice `number`, in one
 * transaction; when it settles the invoice, the invoice moves to 'paid'
 * (which stops the reminder and recovery chain). Refused (nothing
 * changed): SEPA_ENOTFOUND unknown invoice; SEPA_EINVAL amount <= 0, more
 * than what is due, a date after `today`; SEPA_ESTATE an invoice paid,
 * cancelled or being collected. `reference` may be NULL.
 */
int store_payment_record(struct db *db, int64_t creditor_id, const char *number,
    int64_t amount_cents, sepa_date paid_on, enum payment_method method,
    const char *reference, sepa_date today, struct payment_result *r,
    sepa_error *err);
/* "cheque", "cash", ...; parse: SEPA_EINVAL listing the valid names. */
const char *payment_method_name(enum payment_method m);
/* The method the operator names: the code (cheque, cash, transfer, card,
 * other) or its French word (chèque, espèces, virement, carte, autre). */
int payment_method_parse(
    enum payment_method *m, const char *s, sepa_error *err);

#endif /* SEPAD_STORE_PAYMENT_H */
