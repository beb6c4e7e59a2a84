/*
 * dbtest.h - helpers of the database tests: a database of their own on the
 * throw-away cluster that tests/with-pg.sh started (SEPAD_TEST_CONNINFO
 * names its maintenance database; the database "sepad" there is migrated
 * and serves as a template).
 */
#ifndef SEPAD_DBTEST_H
#define SEPAD_DBTEST_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "sepa/error.h"
#include "db_internal.h"
#include "store_schema.h"

#define DBTEST_CONNINFO_MAX 1024

/* The maintenance connection string; fails the test when unset. */
static inline const char *
dbtest_base(void)
{
	const char *ci = getenv("SEPAD_TEST_CONNINFO");

	if (ci == NULL || ci[0] == '\0')
		cr_assert_fail(
		    "SEPAD_TEST_CONNINFO is not set: run the database "
		    "tests through make check (tests/with-pg.sh)");
	return ci;
}

/*
 * Create a database of our own, copied from `template` ("sepad": the
 * migrated schema; "template0": empty), and put a connection string for it
 * in conninfo. The name goes to name (64 bytes) for dbtest_drop.
 */
static inline void
dbtest_create(char *conninfo, char *name, const char *template)
{
	static unsigned counter;
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;
	char sql[256];

	snprintf(name, 64, "t_%ld_%u_%ld", (long)getpid(), counter++,
	    (long)time(NULL) % 100000);
	if (db_connect(&db, dbtest_base(), &err) != 0)
		cr_assert_fail("%s", err.msg);
	/* Identifiers cannot be parameters; name is ours, not input. */
	snprintf(
	    sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE %s", name, template);
	if (db_exec(db, "create the test database", sql, 0, NULL, &err) != 0)
		cr_assert_fail("%s", err.msg);
	db_close(db);
	snprintf(
	    conninfo, DBTEST_CONNINFO_MAX, "%s dbname=%s", dbtest_base(), name);
}

static inline void
dbtest_drop(const char *name)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;
	char sql[256];

	if (db_connect(&db, dbtest_base(), &err) != 0)
		return;
	snprintf(
	    sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	db_exec(db, "drop the test database", sql, 0, NULL, &err);
	db_close(db);
}

/* Create and connect; the test fails if either does not work. */
static inline struct db *
dbtest_open(char *name, const char *template)
{
	char conninfo[DBTEST_CONNINFO_MAX];
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;
	int64_t n;

	dbtest_create(conninfo, name, template);
	if (db_connect(&db, conninfo, &err) != 0)
		cr_assert_fail("%s", err.msg);
	/* The connection string's last dbname wins: make sure of it. */
	if (db_query_int64(db, &n, "check the database",
	        "SELECT count(*) WHERE current_database() = $1", 1,
	        (const char *const[]){name}, &err) != 0)
		cr_assert_fail("%s", err.msg);
	cr_assert_eq(n, 1, "connected to the wrong database");
	return db;
}

static inline int64_t
dbtest_int(struct db *db, const char *sql)
{
	sepa_error err = SEPA_ERROR_INIT;
	int64_t v;

	if (db_query_int64(db, &v, "run a test query", sql, 0, NULL, &err) != 0)
		cr_assert_fail("%s", err.msg);
	return v;
}

/* Run the test's own statement(s) sql, which must succeed. */
static inline void
dbtest_exec(struct db *db, const char *sql)
{
	sepa_error err = SEPA_ERROR_INIT;

	if (db_exec(db, "seed", sql, 0, NULL, &err) != 0)
		cr_assert_fail("%s\n%s", sql, err.msg);
}

/*
 * A migrations directory of the test's own under build/ (its path into
 * dir): the project's migrations numbered up to `upto` (0: none).
 */
static inline void
dbtest_migrations(char *dir, size_t size, const char *tag, int upto)
{
	char cmd[2048];

	snprintf(dir, size, "%s/build/test-migrations-%ld-%s", SEPAD_SRCDIR,
	    (long)getpid(), tag);
	snprintf(cmd, sizeof(cmd),
	    "rm -rf '%s' && mkdir -p '%s' && for f in '%s'/*.sql; do "
	    "n=$(basename \"$f\"); [ \"${n%%%%_*}\" -le %d ] && "
	    "cp \"$f\" '%s'; done; true",
	    dir, dir, store_schema_dir(), upto, dir);
	cr_assert_eq(system(cmd), 0);
}

static inline void
dbtest_rmdir(const char *dir)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

#endif /* SEPAD_DBTEST_H */
