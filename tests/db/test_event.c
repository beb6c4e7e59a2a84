/*
 * test_event.c - store_event.c and the tables of migration 002.
 */
#include <string.h>

#include "dbtest.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "store_creditor.h"
#include "store_event.h"

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

/* Acknowledging events that need attention: a row beside each event (the
 * log unchanged), one event saying so, refusals that change nothing. */
Test(event, attention_acknowledged_beside_the_log)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct attention_row *rows = NULL;
	size_t n = 0;
	int64_t done = -1, id = 0, log_before;
	char name[64];
	struct db *db = dbtest_open(name, "sepad");
	struct event ev = {0};
	sepa_date day = {2026, 11, 3};

	cr_assert_eq(db_exec(db, "creditor",
	                 "INSERT INTO creditors (ics, name) VALUES "
	                 "('FR72ZZZ123456', 'Commune')",
	                 0, NULL, &err),
	    0, "%s", err.msg);
	ev.kind = "invoice.collect_late";
	ev.message = "invoice F1 too late for the bank";
	ev.business_date = day;
	ev.needs_attention = true;
	for (int i = 0; i < 3; i++)
		cr_assert_eq(
		    store_event_add(db, 1, &ev, &err), 0, "%s", err.msg);
	log_before =
	    dbtest_int(db, "SELECT sum(hashtext(e::text)) FROM events e");
	cr_assert_eq(store_attention_list(db, 1, false, &rows, &n, &err), 0);
	cr_assert_eq(n, 3);
	id = rows[1].id;
	cr_assert_str_eq(rows[1].business_date, "2026-11-03");
	cr_assert_str_eq(rows[1].acknowledged_on, "");
	store_attention_rows_free(rows, n);

	cr_assert_eq(store_attention_ack(
	                 db, 1, &id, 1, day, "called the bank", &done, &err),
	    0, "%s", err.msg);
	cr_assert_eq(done, 1);
	cr_assert_eq(store_attention_list(db, 1, false, &rows, &n, &err), 0);
	cr_assert_eq(n, 2);
	store_attention_rows_free(rows, n);
	cr_assert_eq(store_attention_list(db, 1, true, &rows, &n, &err), 0);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(rows[1].acknowledged_on, "2026-11-03");
	cr_assert_str_eq(rows[1].note, "called the bank");
	store_attention_rows_free(rows, n);
	/* the acknowledged events are as they were; the ack is logged */
	cr_assert_eq(dbtest_int(db,
	                 "SELECT sum(hashtext(e::text)) FROM events e WHERE "
	                 "kind <> 'attention.acknowledged'"),
	    log_before);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'attention.acknowledged' AND count = 1 AND NOT "
	                 "needs_attention"),
	    1);

	/* again: refused, nothing changed */
	done = -1;
	cr_assert_eq(store_attention_ack(db, 1, &id, 1, day, "x", &done, &err),
	    SEPA_ESTATE);
	cr_assert_eq(done, 0);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM event_acks"), 1);
	cr_assert_eq(store_attention_ack(db, 1, NULL, 0, day, "", &done, &err),
	    SEPA_EINVAL);
	/* all the open ones */
	cr_assert_eq(
	    store_attention_ack(db, 1, NULL, 0, day, "seen", &done, &err), 0);
	cr_assert_eq(done, 2);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM event_acks"), 3);
	db_close(db);
	dbtest_drop(name);
}
