/*
 * store_payment.c - payments made by other means (cheque, cash, transfer,
 * card at the treasury), recorded by the operator.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/money.h"
#include "db_internal.h"
#include "i18n.h"
#include "store_event.h"
#include "store_payment.h"

static const char *const payment_methods[] = {
    "cheque", "cash", "transfer", "card", "other"};

const char *
payment_method_name(enum payment_method m)
{
	return (unsigned)m <
	        sizeof(payment_methods) / sizeof(payment_methods[0])
	    ? payment_methods[m]
	    : "other";
}

/* The same methods as the operator says them in French (the stored and
 * printed name stays the code above). */
static const char *const payment_methods_fr[] = {"ch\xc3\xa8que",
    "esp\xc3\xa8"
    "ces",
    "virement", "carte", "autre"};

int
payment_method_parse(enum payment_method *m, const char *s, sepa_error *err)
{
	for (size_t i = 0;
	     i < sizeof(payment_methods) / sizeof(payment_methods[0]); i++)
		if (strcmp(s, payment_methods[i]) == 0 ||
		    strcmp(s, payment_methods_fr[i]) == 0) {
			*m = (enum payment_method)i;
			return 0;
		}
	return sepa_error_set(err, SEPA_EINVAL,
	    "unknown payment method \"%s\" (cheque, cash, transfer, card or "
	    "other)",
	    s);
}

/*
 * The statements of a payment, in the order they run. $1 is always the
 * creditor, $2 the invoice (its number, then its id).
 */

/*
 * An invoice run or a collect holds the creditor for its whole
 * transaction (FOR UPDATE): a payment waits for it, and it waits for the
 * payments under way, so a collect never debits an invoice whose payment
 * it did not see.
 */
static const char payment_wait_creditor_sql[] =
    "SELECT id FROM creditors WHERE id = $1 FOR SHARE";

/* $2 the number. The invoice row is locked: a second payment waits for
 * this one. */
static const char payment_read_invoice_sql[] =
    "SELECT i.id, i.state, i.total_cents, coalesce((SELECT "
    "  sum(amount_cents) FROM payments y WHERE y.creditor_id = "
    "  i.creditor_id AND y.invoice_id = i.id), 0), i.family_id "
    "FROM invoices i WHERE i.creditor_id = $1 AND i.number = $2 "
    "FOR UPDATE";

/* The later invoice that carries the reminder of invoice $2, when it is
 * still to be debited. */
static const char payment_find_reminder_sql[] =
    "SELECT n.number, n.state FROM invoice_lines l JOIN "
    "invoices n ON n.creditor_id = l.creditor_id AND n.id = "
    "l.invoice_id WHERE l.creditor_id = $1 AND l.kind = "
    "'reminder' AND l.reminded_invoice_id = $2 AND n.state "
    "IN ('issued', 'collecting')";

/* $3 amount, $4 date, $5 method, $6 reference (may be NULL). */
static const char payment_insert_sql[] =
    "INSERT INTO payments (creditor_id, invoice_id, amount_cents, "
    "paid_on, method, reference) VALUES ($1, $2, $3, $4, $5, $6) "
    "RETURNING id";

/* $3 the business date. */
static const char payment_mark_paid_sql[] =
    "UPDATE invoices SET state = 'paid', state_since = $3 "
    "WHERE creditor_id = $1 AND id = $2";

/* $3 the business date: the reminders it carried are paid with it (015). */
static const char payment_mark_reminded_paid_sql[] =
    "UPDATE invoices r SET state = 'paid', state_since = $3 "
    "FROM invoice_lines l WHERE l.creditor_id = $1 AND "
    "l.invoice_id = $2 AND l.kind = 'reminder' AND "
    "r.creditor_id = $1 AND r.id = l.reminded_invoice_id "
    "AND r.state = 'reminded'";

/* A payment being recorded: what the operator gave, and its invoice. */
struct payment {
	int64_t creditor_id;
	const char *number;
	int64_t amount_cents;
	sepa_date today;
	enum payment_method method;
	const char *reference;
	int64_t invoice_id, family_id; /* read by payment_lock_invoice */
	/* the same as text, for the statements */
	char cred[24], invoice[24], amount[24], paid_on[SEPA_DATE_BUFSZ],
	    today_iso[SEPA_DATE_BUFSZ];
};

/*
 * Wait for the creditor, then lock and read the invoice: its id, state,
 * total and what was paid on it by other means.
 */
static int
payment_lock_invoice(struct db *db, struct payment *pay,
    struct payment_result *r, sepa_error *err)
{
	const char *const p[] = {pay->cred, pay->number};
	PGresult *res = NULL;
	int rc;

	if ((rc = db_query(db, &res, "wait for the creditor",
	         payment_wait_creditor_sql, 1, p, err)) != 0)
		return rc;
	db_result_free(res);
	if ((rc = db_query(db, &res, "read the invoice",
	         payment_read_invoice_sql, 2, p, err)) != 0)
		return rc;
	if (PQntuples(res) != 1) {
		db_result_free(res);
		return sepa_error_set(err, SEPA_ENOTFOUND,
		    "invoice %s does not exist", pay->number);
	}
	pay->invoice_id = atoll(PQgetvalue(res, 0, 0));
	snprintf(r->state, sizeof(r->state), "%s", PQgetvalue(res, 0, 1));
	r->total_cents = atoll(PQgetvalue(res, 0, 2));
	r->paid_cents = atoll(PQgetvalue(res, 0, 3));
	pay->family_id = atoll(PQgetvalue(res, 0, 4));
	db_result_free(res);
	snprintf(pay->invoice, sizeof(pay->invoice), "%lld",
	    (long long)pay->invoice_id);
	return 0;
}

/*
 * A reminded invoice whose reminder is still to be debited with a later
 * invoice: paid here, it would be debited again. The payment belongs on
 * the later invoice (its total carries the reminder).
 */
static int
payment_check_reminder(
    struct db *db, const struct payment *pay, sepa_error *err)
{
	PGresult *res = NULL;
	int rc;

	if ((rc = db_query(db, &res, "find the reminder",
	         payment_find_reminder_sql, 2,
	         (const char *const[]){pay->cred, pay->invoice}, err)) != 0)
		return rc;
	if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 1), "issued") == 0)
		rc = sepa_error_set(err, SEPA_ESTATE,
		    "invoice %s is reminded on invoice %s, which is still to "
		    "be collected: record the payment on %s (its total "
		    "carries the reminder)",
		    pay->number, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 0));
	else if (PQntuples(res) == 1)
		rc = sepa_error_set(err, SEPA_ESTATE,
		    "invoice %s is reminded on invoice %s, which is being "
		    "collected: record the payment on %s (its total carries "
		    "the reminder)",
		    pay->number, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 0));
	db_result_free(res);
	return rc;
}

/* The invoice's state and what it owes allow the payment. */
static int
payment_check_invoice(struct db *db, const struct payment *pay,
    struct payment_result *r, sepa_error *err)
{
	char a[SEPA_MONEY_BUFSZ], b[SEPA_MONEY_BUFSZ];
	int rc;

	if (strcmp(r->state, "paid") == 0 || strcmp(r->state, "cancelled") == 0)
		return sepa_error_set(err, SEPA_ESTATE, "invoice %s is %s",
		    pay->number, i18n_state(I18N_INVOICE, r->state));
	if (strcmp(r->state, "collecting") == 0)
		return sepa_error_set(err, SEPA_ESTATE,
		    "invoice %s is being collected by direct debit; record a "
		    "payment once the bank has answered",
		    pay->number);
	if (strcmp(r->state, "reminded") == 0 &&
	    (rc = payment_check_reminder(db, pay, err)) != 0)
		return rc;
	r->due_cents = r->total_cents - r->paid_cents;
	if (pay->amount_cents > r->due_cents)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s is more than the %s due on invoice %s",
		    sepa_money_fr(a, pay->amount_cents),
		    sepa_money_fr(b, r->due_cents < 0 ? 0 : r->due_cents),
		    pay->number);
	return 0;
}

/*
 * Insert the payment; when it settles the invoice, the invoice and the
 * invoices it reminded become 'paid'.
 */
static int
payment_insert(struct db *db, const struct payment *pay,
    struct payment_result *r, sepa_error *err)
{
	const char *const p[] = {pay->cred, pay->invoice, pay->today_iso};
	int rc;

	if ((rc = db_query_int64(db, &r->payment_id, "record the payment",
	         payment_insert_sql, 6,
	         (const char *const[]){pay->cred, pay->invoice, pay->amount,
	             pay->paid_on, payment_method_name(pay->method),
	             pay->reference},
	         err)) != 0)
		return rc;
	r->paid_cents += pay->amount_cents;
	r->due_cents -= pay->amount_cents;
	if (r->due_cents != 0)
		return 0;
	if ((rc = db_exec(db, "mark the invoice paid", payment_mark_paid_sql, 3,
	         p, err)) != 0 ||
	    (rc = db_exec(db, "mark the reminded invoices paid",
	         payment_mark_reminded_paid_sql, 3, p, err)) != 0)
		return rc;
	r->fully_paid = true;
	snprintf(r->state, sizeof(r->state), "paid");
	return 0;
}

/* The payment.recorded event. */
static int
payment_log(struct db *db, const struct payment *pay,
    const struct payment_result *r, sepa_error *err)
{
	struct event ev = {0};
	struct i18n_msg say;

	i18n_msg(&say,
	    r->fully_paid ? N_("payment of %s on invoice %s (%s): paid")
	                  : N_("payment of %s on invoice %s (%s)"),
	    "ets", pay->amount_cents, pay->number, I18N_PAYMENT,
	    payment_method_name(pay->method));
	ev.kind = "payment.recorded";
	ev.say = &say;
	ev.business_date = pay->today;
	ev.invoice_id = pay->invoice_id;
	ev.family_id = pay->family_id;
	ev.has_amount = true;
	ev.amount_cents = pay->amount_cents;
	return store_event_add(db, pay->creditor_id, &ev, err);
}

int
store_payment_record(struct db *db, int64_t creditor_id, const char *number,
    int64_t amount_cents, sepa_date paid_on, enum payment_method method,
    const char *reference, sepa_date today, struct payment_result *r,
    sepa_error *err)
{
	struct payment pay = {.creditor_id = creditor_id,
	    .number = number,
	    .amount_cents = amount_cents,
	    .today = today,
	    .method = method,
	    .reference = reference};
	char a[SEPA_MONEY_BUFSZ], day[SEPA_DATE_BUFSZ];
	int rc;

	memset(r, 0, sizeof(*r));
	sepa_date_iso(pay.paid_on, paid_on);
	sepa_date_iso(pay.today_iso, today);
	if (amount_cents <= 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "the amount must be more than 0,00 €, not %s",
		    sepa_money_fr(a, amount_cents));
	if (sepa_date_cmp(paid_on, today) > 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "the payment date %s is after the business date %s",
		    i18n_date(a, paid_on), i18n_date(day, today));
	snprintf(pay.cred, sizeof(pay.cred), "%lld", (long long)creditor_id);
	snprintf(
	    pay.amount, sizeof(pay.amount), "%lld", (long long)amount_cents);

	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	if ((rc = payment_lock_invoice(db, &pay, r, err)) == 0 &&
	    (rc = payment_check_invoice(db, &pay, r, err)) == 0 &&
	    (rc = payment_insert(db, &pay, r, err)) == 0 &&
	    (rc = payment_log(db, &pay, r, err)) == 0)
		rc = db_commit(db, err);
	if (rc != 0) {
		db_rollback(db);
		r->payment_id = 0;
		r->fully_paid = false;
	}
	return rc;
}
