/*
 * test_event.c - store_event.c and the tables of migration 002.
 */
#include <string.h>

#include "dbtest.h"

Test(event, add_records_every_field)
{
	sepa_error err = SEPA_ERROR_INIT;
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	int64_t cred;
	struct event ev = {0};

	cr_assert_eq(
	    store_creditor_ensure(db, "FR72ZZZ123456", "Commune", &cred, &err),
	    0, "%s", err.msg);
	ev.kind = "batch.released";
	ev.message = "pain.008 for 2026-10 released";
	ev.business_date = (sepa_date){2026, 10, 6};
	ev.month = (sepa_month){2026, 10};
	ev.has_count = true;
	ev.count = 12;
	ev.has_amount = true;
	ev.amount_cents = 123456;
	cr_assert_eq(store_event_add(db, cred, &ev, &err), 0, "%s", err.msg);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'batch.released' AND month = '2026-10-01' AND count "
	                 "= 12 AND amount_cents = 123456 AND business_date = "
	                 "'2026-10-06' AND NOT needs_attention AND "
	                 "mandate_id IS NULL"),
	    1);
	db_close(db);
	dbtest_drop(name);
}

Test(event, refusals)
{
	sepa_error err = SEPA_ERROR_INIT;
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	int64_t cred;
	struct event ev = {0};

	cr_assert_eq(
	    store_creditor_ensure(db, "FR72ZZZ123456", "Commune", &cred, &err),
	    0);
	ev.kind = "x";
	ev.business_date = (sepa_date){2026, 10, 6};
	cr_assert_eq(store_event_add(db, cred, &ev, &err), SEPA_EINVAL);
	cr_assert_str_eq(err.msg, "an event needs a kind and a message");
	ev.kind = "Bad Kind";
	ev.message = "m";
	cr_assert_eq(store_event_add(db, cred, &ev, &err), SEPA_EIO);
	cr_assert_eq(db_last_fail(db), DB_FAIL_CHECK);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM events"), 0);
	db_close(db);
	dbtest_drop(name);
}

Test(event, collections_tables_enforce_exactly_once)
{
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	sepa_error err = SEPA_ERROR_INIT;

	/* a batch cannot be released without its file's hash */
	cr_assert_eq(db_exec(db, "seed",
	                 "INSERT INTO creditors (ics, name) VALUES "
	                 "('FR72ZZZ123456', 'C')",
	                 0, NULL, &err),
	    0, "%s", err.msg);
	cr_assert_neq(db_exec(db, "bad batch",
	                  "INSERT INTO batches (creditor_id, collection_month, "
	                  "part, msg_id, created_at, pain_version, file_name, "
	                  "nb_of_txs, ctrl_sum_cents, cdtr_name, cdtr_iban, "
	                  "cdtr_ics, state, released_at) SELECT id, "
	                  "'2026-10-01', 1, 'M1', now(), '001.08', 'f.xml', 1, "
	                  "100, 'C', 'FR7630006000011234567890189', "
	                  "'FR72ZZZ123456', 'released', now() FROM creditors",
	                  0, NULL, &err),
	    0);
	cr_assert_eq(db_last_fail(db), DB_FAIL_CHECK);
	db_close(db);
	dbtest_drop(name);
}
