/*
 * test_creditor.c - store_creditor.c: registration by ICS, idempotent,
 * several creditors in one database.
 */
#include <string.h>

#include "dbtest.h"
#include "sepa/error.h"
#include "db.h"
#include "store_creditor.h"

Test(creditor, ensure_is_idempotent_and_follows_the_name)
{
	sepa_error err = SEPA_ERROR_INIT;
	int64_t a, a2, b, found;
	char name[64];
	struct db *db = dbtest_open(name, "sepad");

	cr_assert_eq(
	    store_creditor_ensure(db, "FR72ZZZ123456", "Commune A", &a, &err),
	    0, "%s", err.msg);
	cr_assert_gt(a, 0);
	cr_assert_eq(
	    store_creditor_ensure(db, "FR72ZZZ123456", "Commune A2", &a2, &err),
	    0, "%s", err.msg);
	cr_assert_eq(a2, a);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM creditors WHERE "
	                 "name = 'Commune A2'"),
	    1);
	cr_assert_eq(
	    store_creditor_ensure(db, "FR46ZZZ005002", "Commune B", &b, &err),
	    0);
	cr_assert_neq(b, a);
	cr_assert_eq(store_creditor_find(db, "FR46ZZZ005002", &found, &err), 0);
	cr_assert_eq(found, b);
	db_close(db);
	dbtest_drop(name);
}

Test(creditor, refusals)
{
	sepa_error err = SEPA_ERROR_INIT;
	int64_t id;
	char name[64];
	struct db *db = dbtest_open(name, "sepad");

	cr_assert_eq(store_creditor_find(db, "FR72ZZZ123456", &id, &err),
	    SEPA_ENOTFOUND);
	cr_assert_str_eq(err.msg,
	    "creditor FR72ZZZ123456 is not in the "
	    "database (run sepactl init)");
	cr_assert_eq(id, 0);
	cr_assert_eq(store_creditor_ensure(db, "FR72ZZZ123456", "", &id, &err),
	    SEPA_EIO);
	cr_assert(strstr(err.msg,
	              "could not register the creditor: new row "
	              "for relation \"creditors\" violates check "
	              "constraint \"creditors_name_check\"") == err.msg,
	    "%s", err.msg);
	cr_assert_eq(db_last_fail(db), DB_FAIL_CHECK);
	db_close(db);
	dbtest_drop(name);
}
