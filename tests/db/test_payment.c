/*
 * test_payment.c - store_payment_record: partial and full payments,
 * refusals that change nothing, the payment methods.
 */
#include <string.h>

#include "invoice_seed.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"
#include "db_internal.h"
#include "store_invoice.h"
#include "store_payment.h"

static int64_t
cred_id(struct db *db)
{
	return dbtest_int(db, "SELECT id FROM creditors");
}

/* September invoiced: F2026-09-000001 = 15,80 € (FAM1), -000002 = 7,50 €. */
static struct db *
open_invoiced(char *name)
{
	struct db *db = dbtest_open(name, "sepad");
	sepa_error err = SEPA_ERROR_INIT;
	struct invoice_run_opts o;
	struct invoice_run_result r;

	memset(&o, 0, sizeof(o));
	o.month = (sepa_month){2026, 9};
	o.today = (sepa_date){2026, 10, 1};
	o.rules = (sepa_rules)SEPA_RULES_INIT;
	o.represent_unpaid = true;
	seed_commune(db);
	seed_september(db);
	cr_assert_eq(
	    store_invoice_run(db, cred_id(db), &o, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.total_cents, 2330);
	return db;
}

Test(payment, partial_then_full)
{
	char name[64];
	struct db *db = open_invoiced(name);
	sepa_error err = SEPA_ERROR_INIT;
	struct payment_result r;
	sepa_date today = {2026, 10, 20};

	cr_assert_eq(store_payment_record(db, cred_id(db), "F2026-09-000002",
	                 500, (sepa_date){2026, 10, 18}, PAYMENT_CHEQUE,
	                 "chq 1234567", today, &r, &err),
	    0, "%s", err.msg);
	cr_assert_eq(r.total_cents, 750);
	cr_assert_eq(r.paid_cents, 500);
	cr_assert_eq(r.due_cents, 250);
	cr_assert(!r.fully_paid);
	cr_assert_str_eq(r.state, "issued");
	cr_assert_gt(r.payment_id, 0);
	cr_assert_eq(store_payment_record(db, cred_id(db), "F2026-09-000002",
	                 250, today, PAYMENT_CASH, NULL, today, &r, &err),
	    0, "%s", err.msg);
	cr_assert(r.fully_paid);
	cr_assert_eq(r.due_cents, 0);
	cr_assert_eq(r.paid_cents, 750);
	cr_assert_str_eq(r.state, "paid");
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM invoices WHERE number = "
	                 "'F2026-09-000002' AND state = 'paid' AND state_since "
	                 "= '2026-10-20'"),
	    1);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM payments WHERE (amount_cents, "
	                 "method, paid_on, reference) IN ((500, 'cheque', "
	                 "'2026-10-18', 'chq 1234567')) OR (amount_cents = 250 "
	                 "AND method = 'cash' AND reference IS NULL)"),
	    2);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'payment.recorded' AND invoice_id IS NOT NULL"),
	    2);
	db_close(db);
	dbtest_drop(name);
}

/* A paid unpaid invoice is no longer reminded. */
Test(payment, paid_invoice_is_not_reminded)
{
	char name[64];
	struct db *db = open_invoiced(name);
	sepa_error err = SEPA_ERROR_INIT;
	struct payment_result r;
	struct invoice_run_opts o;
	struct invoice_run_result ir;

	cr_assert_eq(db_exec(db, "unpaid",
	                 "UPDATE invoices SET state = 'unpaid' WHERE number "
	                 "= 'F2026-09-000001'",
	                 0, NULL, &err),
	    0);
	cr_assert_eq(store_payment_record(db, cred_id(db), "F2026-09-000001",
	                 1580, (sepa_date){2026, 10, 25}, PAYMENT_TRANSFER,
	                 NULL, (sepa_date){2026, 10, 26}, &r, &err),
	    0, "%s", err.msg);
	cr_assert_str_eq(r.state, "paid");
	seed_conso(db, "FAM1", "E1", "CANTINE", "2026-10-05", "1000");
	memset(&o, 0, sizeof(o));
	o.month = (sepa_month){2026, 10};
	o.today = (sepa_date){2026, 11, 2};
	o.rules = (sepa_rules)SEPA_RULES_INIT;
	o.represent_unpaid = true;
	cr_assert_eq(store_invoice_run(db, cred_id(db), &o, &ir, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM invoice_lines l JOIN invoices p "
	                 "ON p.id = l.reminded_invoice_id WHERE p.number = "
	                 "'F2026-09-000001'"),
	    0);
	db_close(db);
	dbtest_drop(name);
}

static const struct {
	const char *number;
	int64_t amount;
	sepa_date paid_on;
	int code;
	const char *msg;
} refused[] = {
    {"F2026-09-999999", 100, {2026, 10, 20}, SEPA_ENOTFOUND,
        "invoice F2026-09-999999 does not exist"},
    {"F2026-09-000002", 0, {2026, 10, 20}, SEPA_EINVAL,
        "the amount must be more than 0,00 €, not 0,00 €"},
    {"F2026-09-000002", -100, {2026, 10, 20}, SEPA_EINVAL,
        "the amount must be more than 0,00 €, not -1,00 €"},
    {"F2026-09-000002", 751, {2026, 10, 20}, SEPA_EINVAL,
        "7,51 € is more than the 7,50 € due on invoice F2026-09-000002"},
    {"F2026-09-000002", 100, {2026, 10, 21}, SEPA_EINVAL,
        "the payment date 2026-10-21 is after the business date "
        "2026-10-20"},
};

Test(payment, refusals_change_nothing)
{
	char name[64];
	struct db *db = open_invoiced(name);
	sepa_error err = SEPA_ERROR_INIT;
	struct payment_result r;
	sepa_date today = {2026, 10, 20};
	int64_t before = seed_fingerprint(db);

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		cr_expect_eq(
		    store_payment_record(db, cred_id(db), refused[i].number,
		        refused[i].amount, refused[i].paid_on, PAYMENT_OTHER,
		        NULL, today, &r, &err),
		    refused[i].code, "case %zu", i);
		cr_expect_str_eq(err.msg, refused[i].msg, "case %zu", i);
	}
	cr_assert_eq(seed_fingerprint(db), before);
	/* paid, collecting, cancelled invoices */
	cr_assert_eq(store_payment_record(db, cred_id(db), "F2026-09-000002",
	                 750, today, PAYMENT_CARD, NULL, today, &r, &err),
	    0, "%s", err.msg);
	before = seed_fingerprint(db);
	cr_assert_eq(store_payment_record(db, cred_id(db), "F2026-09-000002", 1,
	                 today, PAYMENT_CARD, NULL, today, &r, &err),
	    SEPA_ESTATE);
	cr_assert_str_eq(err.msg, "invoice F2026-09-000002 is paid");
	cr_assert_eq(db_exec(db, "collecting",
	                 "UPDATE invoices SET state = 'collecting' WHERE "
	                 "number = 'F2026-09-000001'",
	                 0, NULL, &err),
	    0);
	before = seed_fingerprint(db);
	cr_assert_eq(store_payment_record(db, cred_id(db), "F2026-09-000001",
	                 100, today, PAYMENT_CASH, NULL, today, &r, &err),
	    SEPA_ESTATE);
	cr_assert_str_eq(err.msg,
	    "invoice F2026-09-000001 is being collected by direct debit; "
	    "record a payment once the bank has answered");
	cr_assert_eq(seed_fingerprint(db), before);
	db_close(db);
	dbtest_drop(name);
}

static const struct {
	const char *name;
	int ok;
	enum payment_method m;
} methods[] = {
    {"cheque", 1, PAYMENT_CHEQUE},
    {"cash", 1, PAYMENT_CASH},
    {"transfer", 1, PAYMENT_TRANSFER},
    {"card", 1, PAYMENT_CARD},
    {"other", 1, PAYMENT_OTHER},
    {"Cheque", 0, 0},
    {"", 0, 0},
    {"bitcoin", 0, 0},
};

Test(payment, methods)
{
	sepa_error err = SEPA_ERROR_INIT;
	enum payment_method m;

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		int rc = payment_method_parse(&m, methods[i].name, &err);

		cr_expect_eq(rc == 0, methods[i].ok, "%s", methods[i].name);
		if (methods[i].ok) {
			cr_expect_eq(m, methods[i].m);
			cr_expect_str_eq(
			    payment_method_name(m), methods[i].name);
		}
	}
	cr_assert_eq(payment_method_parse(&m, "bitcoin", &err), SEPA_EINVAL);
	cr_assert_str_eq(err.msg,
	    "unknown payment method \"bitcoin\" (cheque, cash, transfer, card "
	    "or other)");
}

/*
 * A payment waits for a collect (or an invoice run) under way, which
 * holds the creditor FOR UPDATE for its whole transaction: the collect
 * then debits the amount left, or the payment finds the invoice
 * 'collecting' and is refused. Here the wait is cut by a lock timeout.
 */
Test(payment, waits_for_a_running_collect)
{
	char name[64], conninfo[DBTEST_CONNINFO_MAX];
	struct db *db = open_invoiced(name), *other;
	sepa_error err = SEPA_ERROR_INIT;
	struct payment_result r;
	sepa_date today = {2026, 10, 5};

	snprintf(
	    conninfo, sizeof(conninfo), "%s dbname=%s", dbtest_base(), name);
	cr_assert_eq(db_connect(&other, conninfo, &err), 0, "%s", err.msg);
	cr_assert_eq(db_exec(other, "lock", "BEGIN", 0, NULL, &err), 0);
	cr_assert_gt(
	    dbtest_int(other, "SELECT id FROM creditors FOR UPDATE"), 0);
	cr_assert_eq(db_exec(db, "time out", "SET lock_timeout = '300ms'", 0,
	                 NULL, &err),
	    0);
	cr_assert_neq(store_payment_record(db, cred_id(db), "F2026-09-000002",
	                  500, today, PAYMENT_CHEQUE, NULL, today, &r, &err),
	    0);
	cr_assert(
	    strstr(err.msg, "wait for the creditor") != NULL, "%s", err.msg);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM payments"), 0);
	cr_assert_eq(db_exec(other, "unlock", "COMMIT", 0, NULL, &err), 0);
	cr_assert_eq(store_payment_record(db, cred_id(db), "F2026-09-000002",
	                 500, today, PAYMENT_CHEQUE, NULL, today, &r, &err),
	    0, "%s", err.msg);
	db_close(other);
	db_close(db);
	dbtest_drop(name);
}

/*
 * A reminded invoice is paid through the invoice that carries its
 * reminder (migration 015): a payment on it directly while that invoice
 * is still to be collected is refused (it would be debited again); the
 * full payment of the later invoice pays both; the recovery and the next
 * reminder count its own lines only.
 */
Test(payment, reminder_paid_through_the_next_invoice)
{
	char name[64];
	struct db *db = open_invoiced(name);
	sepa_error err = SEPA_ERROR_INIT;
	struct invoice_run_opts o;
	struct invoice_run_result ir;
	struct payment_result r;
	sepa_date today = {2026, 11, 5};
	int64_t before;

	cr_assert_eq(db_exec(db, "unpaid",
	                 "UPDATE invoices SET state = 'unpaid' WHERE number = "
	                 "'F2026-09-000001'",
	                 0, NULL, &err),
	    0, "%s", err.msg);
	seed_conso(db, "FAM1", "E1", "CANTINE", "2026-10-01", "1000");
	memset(&o, 0, sizeof(o));
	o.month = (sepa_month){2026, 10};
	o.today = (sepa_date){2026, 11, 2};
	o.rules = (sepa_rules)SEPA_RULES_INIT;
	o.represent_unpaid = true;
	cr_assert_eq(store_invoice_run(db, cred_id(db), &o, &ir, &err), 0, "%s",
	    err.msg);
	/* 1,10 of October + the 15,80 reminder; own lines 1,10 */
	cr_assert_eq(
	    dbtest_int(db,
	        "SELECT d.total_cents * 10000 + d.own_cents FROM "
	        "invoice_dues d JOIN invoices i ON i.id = d.invoice_id "
	        "WHERE i.number = 'F2026-10-000001'"),
	    1690 * 10000 + 110);
	before = dbtest_int(db, "SELECT count(*) FROM payments");
	cr_assert_eq(store_payment_record(db, cred_id(db), "F2026-09-000001",
	                 1580, today, PAYMENT_CHEQUE, NULL, today, &r, &err),
	    SEPA_ESTATE);
	cr_assert_str_eq(err.msg,
	    "invoice F2026-09-000001 is reminded on invoice F2026-10-000001, "
	    "which is still to be collected: record the payment on "
	    "F2026-10-000001 (its total carries the reminder)");
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM payments"), before);
	/* a part of the later invoice beyond its own lines covers the
	 * reminded one in part */
	cr_assert_eq(store_payment_record(db, cred_id(db), "F2026-10-000001",
	                 610, today, PAYMENT_TRANSFER, NULL, today, &r, &err),
	    0, "%s", err.msg);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT d.due_cents FROM invoice_dues d JOIN invoices "
	                 "i ON i.id = d.invoice_id WHERE i.number = "
	                 "'F2026-09-000001'"),
	    1580 - 500);
	cr_assert_eq(store_payment_record(db, cred_id(db), "F2026-10-000001",
	                 1080, today, PAYMENT_TRANSFER, NULL, today, &r, &err),
	    0, "%s", err.msg);
	cr_assert(r.fully_paid);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM invoices WHERE number IN "
	                 "('F2026-09-000001', 'F2026-10-000001') AND state = "
	                 "'paid'"),
	    2);
	db_close(db);
	dbtest_drop(name);
}
