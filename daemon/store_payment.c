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

int
payment_method_parse(enum payment_method *m, const char *s, sepa_error *err)
{
	for (size_t i = 0;
	     i < sizeof(payment_methods) / sizeof(payment_methods[0]); i++)
		if (strcmp(s, payment_methods[i]) == 0) {
			*m = (enum payment_method)i;
			return 0;
		}
	return sepa_error_set(err, SEPA_EINVAL,
	    "unknown payment method \"%s\" (cheque, cash, transfer, card or "
	    "other)",
	    s);
}

int
store_payment_record(struct db *db, int64_t creditor_id, const char *number,
    int64_t amount_cents, sepa_date paid_on, enum payment_method method,
    const char *reference, sepa_date today, struct payment_result *r,
    sepa_error *err)
{
	char cred[24], amount[24], date[SEPA_DATE_BUFSZ], td[SEPA_DATE_BUFSZ],
	    id[24], a[SEPA_MONEY_BUFSZ], b[SEPA_MONEY_BUFSZ], msg[200];
	const char *p[7];
	PGresult *res = NULL;
	struct event ev = {0};
	int64_t inv_id, family_id;
	int rc;

	memset(r, 0, sizeof(*r));
	if (amount_cents <= 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "the amount must be more than 0,00 €, not %s",
		    sepa_money_fr(a, amount_cents));
	if (sepa_date_cmp(paid_on, today) > 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "the payment date %s is after the business date %s",
		    sepa_date_iso(date, paid_on), sepa_date_iso(td, today));
	snprintf(cred, sizeof(cred), "%lld", (long long)creditor_id);
	snprintf(amount, sizeof(amount), "%lld", (long long)amount_cents);
	sepa_date_iso(date, paid_on);
	sepa_date_iso(td, today);

	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	p[0] = cred;
	p[1] = number;
	/*
	 * An invoice run or a collect holds the creditor for its whole
	 * transaction (FOR UPDATE): a payment waits for it, and it waits for
	 * the payments under way, so a collect never debits an invoice whose
	 * payment it did not see.
	 */
	if ((rc = db_query(db, &res, "wait for the creditor",
	         "SELECT id FROM creditors WHERE id = $1 FOR SHARE", 1, p,
	         err)) != 0)
		goto cleanup;
	db_result_free(res);
	res = NULL;
	/* The invoice row is locked: a second payment waits for this one. */
	if ((rc = db_query(db, &res, "read the invoice",
	         "SELECT i.id, i.state, i.total_cents, coalesce((SELECT "
	         "  sum(amount_cents) FROM payments y WHERE y.creditor_id = "
	         "  i.creditor_id AND y.invoice_id = i.id), 0), i.family_id "
	         "FROM invoices i WHERE i.creditor_id = $1 AND i.number = $2 "
	         "FOR UPDATE",
	         2, p, err)) != 0)
		goto cleanup;
	if (PQntuples(res) != 1) {
		rc = sepa_error_set(
		    err, SEPA_ENOTFOUND, "invoice %s does not exist", number);
		goto cleanup;
	}
	inv_id = atoll(PQgetvalue(res, 0, 0));
	snprintf(r->state, sizeof(r->state), "%s", PQgetvalue(res, 0, 1));
	r->total_cents = atoll(PQgetvalue(res, 0, 2));
	r->paid_cents = atoll(PQgetvalue(res, 0, 3));
	family_id = atoll(PQgetvalue(res, 0, 4));
	db_result_free(res);
	res = NULL;
	if (strcmp(r->state, "paid") == 0 ||
	    strcmp(r->state, "cancelled") == 0) {
		rc = sepa_error_set(
		    err, SEPA_ESTATE, "invoice %s is %s", number, r->state);
		goto cleanup;
	}
	if (strcmp(r->state, "collecting") == 0) {
		rc = sepa_error_set(err, SEPA_ESTATE,
		    "invoice %s is being collected by direct debit; record a "
		    "payment once the bank has answered",
		    number);
		goto cleanup;
	}
	/*
	 * A reminded invoice whose reminder is still to be debited with a
	 * later invoice: paid here, it would be debited again. The payment
	 * belongs on the later invoice (its total carries the reminder).
	 */
	if (strcmp(r->state, "reminded") == 0) {
		char idbuf[24];

		snprintf(idbuf, sizeof(idbuf), "%lld", (long long)inv_id);
		db_result_free(res);
		res = NULL;
		if ((rc = db_query(db, &res, "find the reminder",
		         "SELECT n.number, n.state FROM invoice_lines l JOIN "
		         "invoices n ON n.creditor_id = l.creditor_id AND n.id = "
		         "l.invoice_id WHERE l.creditor_id = $1 AND l.kind = "
		         "'reminder' AND l.reminded_invoice_id = $2 AND n.state "
		         "IN ('issued', 'collecting')",
		         2, (const char *const[]){cred, idbuf}, err)) != 0)
			goto cleanup;
		if (PQntuples(res) == 1) {
			rc = sepa_error_set(err, SEPA_ESTATE,
			    "invoice %s is reminded on invoice %s, which is "
			    "%s: record the payment on %s (its total carries "
			    "the reminder)",
			    number, PQgetvalue(res, 0, 0),
			    strcmp(PQgetvalue(res, 0, 1), "issued") == 0
			        ? "still to be collected"
			        : "being collected",
			    PQgetvalue(res, 0, 0));
			goto cleanup;
		}
	}
	r->due_cents = r->total_cents - r->paid_cents;
	if (amount_cents > r->due_cents) {
		rc = sepa_error_set(err, SEPA_EINVAL,
		    "%s is more than the %s due on invoice %s",
		    sepa_money_fr(a, amount_cents),
		    sepa_money_fr(b, r->due_cents < 0 ? 0 : r->due_cents),
		    number);
		goto cleanup;
	}
	snprintf(id, sizeof(id), "%lld", (long long)inv_id);
	p[1] = id;
	p[2] = amount;
	p[3] = date;
	p[4] = payment_method_name(method);
	p[5] = reference;
	if ((rc = db_query_int64(db, &r->payment_id, "record the payment",
	         "INSERT INTO payments (creditor_id, invoice_id, amount_cents, "
	         "paid_on, method, reference) VALUES ($1, $2, $3, $4, $5, $6) "
	         "RETURNING id",
	         6, p, err)) != 0)
		goto cleanup;
	r->paid_cents += amount_cents;
	r->due_cents -= amount_cents;
	if (r->due_cents == 0) {
		p[2] = td;
		if ((rc = db_exec(db, "mark the invoice paid",
		         "UPDATE invoices SET state = 'paid', state_since = $3 "
		         "WHERE creditor_id = $1 AND id = $2",
		         3, p, err)) != 0)
			goto cleanup;
		/* the reminders it carried are paid with it (015) */
		if ((rc = db_exec(db, "mark the reminded invoices paid",
		         "UPDATE invoices r SET state = 'paid', state_since = $3 "
		         "FROM invoice_lines l WHERE l.creditor_id = $1 AND "
		         "l.invoice_id = $2 AND l.kind = 'reminder' AND "
		         "r.creditor_id = $1 AND r.id = l.reminded_invoice_id "
		         "AND r.state = 'reminded'",
		         3, p, err)) != 0)
			goto cleanup;
		r->fully_paid = true;
		snprintf(r->state, sizeof(r->state), "paid");
	}
	snprintf(msg, sizeof(msg), "payment of %s on invoice %s (%s)%s",
	    sepa_money_fr(a, amount_cents), number, payment_method_name(method),
	    r->fully_paid ? ": paid" : "");
	ev.kind = "payment.recorded";
	ev.message = msg;
	ev.business_date = today;
	ev.invoice_id = inv_id;
	ev.family_id = family_id;
	ev.has_amount = true;
	ev.amount_cents = amount_cents;
	if ((rc = store_event_add(db, creditor_id, &ev, err)) != 0)
		goto cleanup;
	rc = db_commit(db, err);
cleanup:
	db_result_free(res);
	if (rc != 0) {
		db_rollback(db);
		r->payment_id = 0;
		r->fully_paid = false;
	}
	return rc;
}
