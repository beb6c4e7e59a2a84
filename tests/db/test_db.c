/*
 * test_db.c - db.c: SQLSTATE mapping, statements and their errors,
 * transactions, COPY.
 */
#include <string.h>

#include "dbtest.h"
#include "sepa/error.h"
#include "db_internal.h"

static const struct {
	const char *sqlstate;
	enum db_fail fail;
} sqlstates[] = {
    {"08006", DB_FAIL_CONNECTION},
    {"08001", DB_FAIL_CONNECTION},
    {"57P01", DB_FAIL_CONNECTION},
    {"40001", DB_FAIL_SERIALIZATION},
    {"40P01", DB_FAIL_SERIALIZATION},
    {"23505", DB_FAIL_UNIQUE},
    {"23503", DB_FAIL_FOREIGN_KEY},
    {"23514", DB_FAIL_CHECK},
    {"23502", DB_FAIL_CHECK},
    {"22P02", DB_FAIL_CHECK},
    {"42P01", DB_FAIL_UNDEFINED},
    {"42703", DB_FAIL_UNDEFINED},
    {"3D000", DB_FAIL_UNDEFINED},
    {"42601", DB_FAIL_OTHER},
    {"XX000", DB_FAIL_OTHER},
    {"", DB_FAIL_OTHER},
    {NULL, DB_FAIL_OTHER},
};

Test(db, sqlstate_mapping)
{
	for (size_t i = 0; i < sizeof(sqlstates) / sizeof(sqlstates[0]); i++)
		cr_expect_eq(db_fail_of_sqlstate(sqlstates[i].sqlstate),
		    sqlstates[i].fail, "SQLSTATE %s",
		    sqlstates[i].sqlstate != NULL ? sqlstates[i].sqlstate
		                                  : "NULL");
	cr_expect_str_eq(db_fail_name(DB_FAIL_UNIQUE), "unique violation");
}

Test(db, connect_failure_says_why_on_one_line)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db = (struct db *)&err;

	cr_assert_eq(
	    db_connect(&db, "host=/nonexistent/dir dbname=x", &err), SEPA_EIO);
	cr_assert_null(db);
	cr_assert(
	    strncmp(err.msg, "could not connect to the database: ", 35) == 0,
	    "%s", err.msg);
	cr_assert(strstr(err.msg, "/nonexistent/dir") != NULL, "%s", err.msg);
	cr_assert_null(strchr(err.msg, '\n'), "%s", err.msg);
	db_close(NULL);
}

Test(db, connect_bad_conninfo)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;

	cr_assert_eq(db_connect(&db, "nosuchkeyword=1", &err), SEPA_EIO);
	cr_assert(strstr(err.msg,
	              "invalid connection option \"nosuchkeyword\"") != NULL,
	    "%s", err.msg);
}

/* Statement errors: the message and the classification. */
static const struct {
	const char *sql;
	const char *param;
	const char *msg;
	enum db_fail fail;
} failures[] = {
    {"SELEC 1", NULL, "could not run it: syntax error at or near \"SELEC\"",
        DB_FAIL_OTHER},
    {"INSERT INTO t (k) VALUES ($1)", "a",
        "could not run it: duplicate key value violates unique constraint "
        "\"t_pkey\" (Key (k)=(a) already exists.)",
        DB_FAIL_UNIQUE},
    {"INSERT INTO t (k, n) VALUES ($1, -1)", "b",
        "could not run it: new row for relation \"t\" violates check "
        "constraint \"t_n_check\"",
        DB_FAIL_CHECK},
    {"INSERT INTO t (k, n) VALUES ($1, 1)", NULL,
        "could not run it: null value in column \"k\" of relation \"t\" "
        "violates not-null constraint",
        DB_FAIL_CHECK},
    {"INSERT INTO u (k) VALUES ($1)", "zz",
        "could not run it: insert or update on table \"u\" violates foreign "
        "key constraint \"u_k_fkey\"",
        DB_FAIL_FOREIGN_KEY},
    {"SELECT * FROM nosuch WHERE $1::text IS NULL", NULL,
        "could not run it: relation \"nosuch\" does not exist",
        DB_FAIL_UNDEFINED},
    {"SELECT $1::integer", "x",
        "could not run it: invalid input syntax for type integer: \"x\"",
        DB_FAIL_CHECK},
    {"SELECT $1::text", "x",
        "could not run it: unexpected result PGRES_TUPLES_OK", DB_FAIL_OTHER},
};

Test(db, statement_failures)
{
	sepa_error err = SEPA_ERROR_INIT;
	char name[64];
	struct db *db = dbtest_open(name, "template0");

	cr_assert_eq(
	    db_exec_script(db, "create the tables",
	        "CREATE TABLE t (k text PRIMARY KEY, n int CHECK (n >= 0));"
	        "CREATE TABLE u (k text REFERENCES t);"
	        "INSERT INTO t VALUES ('a', 1);",
	        &err),
	    0, "%s", err.msg);
	for (size_t i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
		const char *params[1] = {failures[i].param};

		sepa_error_clear(&err);
		cr_expect_neq(
		    db_exec(db, "run it", failures[i].sql, 1, params, &err), 0,
		    "%s", failures[i].sql);
		cr_expect(strncmp(err.msg, failures[i].msg,
		              strlen(failures[i].msg)) == 0,
		    "%s:\n got  %s\n want %s", failures[i].sql, err.msg,
		    failures[i].msg);
		cr_expect_null(strchr(err.msg, '\n'), "%s", err.msg);
		cr_expect_eq(db_last_fail(db), failures[i].fail, "%s: %s",
		    failures[i].sql, db_fail_name(db_last_fail(db)));
	}
	/* The connection is still usable and a success clears the state. */
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM t"), 1);
	cr_assert_eq(db_last_fail(db), DB_FAIL_NONE);
	cr_assert_str_eq(db_last_sqlstate(db), "");
	db_close(db);
	dbtest_drop(name);
}

Test(db, parameters_are_never_sql)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *p[2] = {"x'); DROP TABLE t; --", NULL};
	PGresult *res;
	char name[64];
	struct db *db = dbtest_open(name, "template0");

	cr_assert_eq(db_exec(db, "create", "CREATE TABLE t (k text, v text)", 0,
	                 NULL, &err),
	    0);
	cr_assert_eq(
	    db_exec(db, "insert", "INSERT INTO t VALUES ($1, $2)", 2, p, &err),
	    0, "%s", err.msg);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM t WHERE v IS NULL AND "
	                 "k = 'x''); DROP TABLE t; --'"),
	    1);
	cr_assert_eq(
	    db_query(db, &res, "select", "SELECT k FROM t", 0, NULL, &err), 0);
	db_result_free(res);
	db_result_free(NULL);
	db_close(db);
	dbtest_drop(name);
}

Test(db, query_int64_wants_one_value)
{
	sepa_error err = SEPA_ERROR_INIT;
	int64_t v;
	char name[64];
	struct db *db = dbtest_open(name, "template0");

	cr_assert_eq(db_query_int64(db, &v, "count", "SELECT 9007199254740993",
	                 0, NULL, &err),
	    0);
	cr_assert_eq(v, INT64_C(9007199254740993));
	cr_assert_eq(db_query_int64(db, &v, "count",
	                 "SELECT 1 FROM generate_series(1, 2)", 0, NULL, &err),
	    SEPA_ESTATE);
	cr_assert_str_eq(err.msg,
	    "could not count: expected one value, got 2 rows of 1 columns");
	cr_assert_eq(
	    db_query_int64(db, &v, "count", "SELECT 'x'::text", 0, NULL, &err),
	    SEPA_ESTATE);
	cr_assert_str_eq(err.msg, "could not count: \"x\" is not an integer");
	cr_assert_eq(
	    db_query_int64(db, &v, "count", "SELECT NULL::int", 0, NULL, &err),
	    SEPA_ESTATE);
	db_close(db);
	dbtest_drop(name);
}

Test(db, rollback_undoes_and_commit_keeps)
{
	sepa_error err = SEPA_ERROR_INIT;
	char name[64];
	struct db *db = dbtest_open(name, "template0");

	cr_assert_eq(
	    db_exec(db, "create", "CREATE TABLE t (k int)", 0, NULL, &err), 0);
	cr_assert_eq(db_begin(db, DB_READ_COMMITTED, &err), 0);
	cr_assert_eq(
	    db_exec(db, "insert", "INSERT INTO t VALUES (1)", 0, NULL, &err),
	    0);
	db_rollback(db);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM t"), 0);
	cr_assert_eq(db_begin(db, DB_SERIALIZABLE, &err), 0);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT (current_setting('transaction_isolation') "
	                 "= 'serializable')::int"),
	    1);
	cr_assert_eq(
	    db_exec(db, "insert", "INSERT INTO t VALUES (2)", 0, NULL, &err),
	    0);
	cr_assert_eq(db_commit(db, &err), 0);
	db_rollback(db); /* none open: harmless */
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM t"), 1);
	/* A failed statement aborts the transaction; commit then fails. */
	cr_assert_eq(db_begin(db, DB_READ_COMMITTED, &err), 0);
	cr_assert_neq(
	    db_exec(db, "insert", "INSERT INTO t VALUES ('x')", 0, NULL, &err),
	    0);
	cr_assert_neq(
	    db_exec(db, "insert", "INSERT INTO t VALUES (3)", 0, NULL, &err),
	    0);
	cr_assert(strstr(err.msg, "current transaction is aborted") != NULL,
	    "%s", err.msg);
	db_rollback(db);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM t"), 1);
	db_close(db);
	dbtest_drop(name);
}

Test(db, copy_in_bulk)
{
	sepa_error err = SEPA_ERROR_INIT;
	int64_t rows = -1;
	char line[64], name[64];
	struct db *db = dbtest_open(name, "template0");

	cr_assert_eq(db_exec(db, "create", "CREATE TABLE t (k int, v text)", 0,
	                 NULL, &err),
	    0);
	cr_assert_eq(db_copy_begin(db, "load t", "COPY t FROM STDIN", &err), 0,
	    "%s", err.msg);
	/* Enough rows to cross the 64 KiB buffer several times. */
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(line, sizeof(line), "%d\tvalue %d\n", i, i);

		cr_assert_eq(
		    db_copy_put(db, line, (size_t)n, &err), 0, "%s", err.msg);
	}
	/* Another statement during the COPY is refused, not sent. */
	cr_assert_eq(
	    db_exec(db, "insert", "INSERT INTO t VALUES (1)", 0, NULL, &err),
	    SEPA_ESTATE);
	cr_assert_eq(db_copy_end(db, &rows, &err), 0, "%s", err.msg);
	cr_assert_eq(rows, 20000);
	cr_assert_eq(
	    dbtest_int(db, "SELECT sum(k) FROM t"), (int64_t)19999 * 20000 / 2);
	db_close(db);
	dbtest_drop(name);
}

Test(db, copy_bad_data_fails_with_line)
{
	sepa_error err = SEPA_ERROR_INIT;
	static const char data[] = "1\ta\nx\tb\n";
	char name[64];
	struct db *db = dbtest_open(name, "template0");

	cr_assert_eq(db_exec(db, "create", "CREATE TABLE t (k int, v text)", 0,
	                 NULL, &err),
	    0);
	cr_assert_eq(db_copy_begin(db, "load t", "COPY t FROM STDIN", &err), 0);
	cr_assert_eq(db_copy_put(db, data, sizeof(data) - 1, &err), 0);
	cr_assert_eq(db_copy_end(db, NULL, &err), SEPA_EIO);
	cr_assert(strncmp(err.msg,
	              "could not load t: invalid input syntax for type "
	              "integer: \"x\"",
	              56) == 0,
	    "%s", err.msg);
	cr_assert_eq(db_last_fail(db), DB_FAIL_CHECK);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM t"), 0);
	db_close(db);
	dbtest_drop(name);
}

Test(db, copy_abort_and_misuse)
{
	sepa_error err = SEPA_ERROR_INIT;
	char name[64];
	struct db *db = dbtest_open(name, "template0");

	cr_assert_eq(db_copy_put(db, "x", 1, &err), SEPA_ESTATE);
	cr_assert_str_eq(
	    err.msg, "could not send COPY data: no COPY is in progress");
	cr_assert_eq(db_copy_end(db, NULL, &err), SEPA_ESTATE);
	cr_assert_eq(
	    db_exec(db, "create", "CREATE TABLE t (k int)", 0, NULL, &err), 0);
	cr_assert_eq(db_copy_begin(db, "load t", "COPY t FROM STDIN", &err), 0);
	cr_assert_eq(db_copy_put(db, "1\n2\n", 4, &err), 0);
	db_copy_abort(db, "the file was refused");
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM t"), 0);
	/* A COPY statement that fails at once. */
	cr_assert_eq(
	    db_copy_begin(db, "load nosuch", "COPY nosuch FROM STDIN", &err),
	    SEPA_EIO);
	cr_assert_str_eq(err.msg,
	    "could not load nosuch: relation \"nosuch\" does not exist");
	cr_assert_eq(db_last_fail(db), DB_FAIL_UNDEFINED);
	db_close(db);
	dbtest_drop(name);
}

/* Two serializable transactions that each read what the other writes. */
Test(db, serialization_failure_is_classified)
{
	sepa_error err = SEPA_ERROR_INIT;
	char conninfo[DBTEST_CONNINFO_MAX], name[64];
	struct db *a, *b;
	int rc;

	dbtest_create(conninfo, name, "template0");
	cr_assert_eq(db_connect(&a, conninfo, &err), 0);
	cr_assert_eq(db_connect(&b, conninfo, &err), 0);
	cr_assert_eq(
	    db_exec_script(a, "create",
	        "CREATE TABLE t (k int); INSERT INTO t VALUES (1), (2);", &err),
	    0);
	cr_assert_eq(db_begin(a, DB_SERIALIZABLE, &err), 0);
	cr_assert_eq(db_begin(b, DB_SERIALIZABLE, &err), 0);
	cr_assert_eq(dbtest_int(a, "SELECT sum(k) FROM t WHERE k = 1"), 1);
	cr_assert_eq(dbtest_int(b, "SELECT sum(k) FROM t WHERE k = 2"), 2);
	cr_assert_eq(db_exec(a, "update", "UPDATE t SET k = 20 WHERE k = 2", 0,
	                 NULL, &err),
	    0, "%s", err.msg);
	cr_assert_eq(db_exec(b, "update", "UPDATE t SET k = 10 WHERE k = 1", 0,
	                 NULL, &err),
	    0, "%s", err.msg);
	cr_assert_eq(db_commit(a, &err), 0, "%s", err.msg);
	rc = db_commit(b, &err);
	cr_assert_eq(rc, SEPA_EIO);
	cr_assert_eq(db_last_fail(b), DB_FAIL_SERIALIZATION, "%s", err.msg);
	cr_assert_str_eq(db_last_sqlstate(b), "40001");
	cr_assert(strncmp(err.msg,
	              "could not commit the transaction: could not serialize",
	              53) == 0,
	    "%s", err.msg);
	db_close(a);
	db_close(b);
	dbtest_drop(name);
}

/* The server ends our session: the next call says so, as a connection. */
Test(db, lost_connection_is_classified)
{
	sepa_error err = SEPA_ERROR_INIT;
	char conninfo[DBTEST_CONNINFO_MAX], name[64], pid[32];
	const char *params[1] = {pid};
	struct db *a, *b;

	dbtest_create(conninfo, name, "template0");
	cr_assert_eq(db_connect(&a, conninfo, &err), 0);
	cr_assert_eq(db_connect(&b, conninfo, &err), 0);
	snprintf(pid, sizeof(pid), "%lld",
	    (long long)dbtest_int(a, "SELECT pg_backend_pid()"));
	cr_assert_eq(dbtest_int(b,
	                 "SELECT count(*) FROM pg_stat_activity WHERE pid = "
	                 "pg_backend_pid()"),
	    1);
	cr_assert_eq(db_query_int64(b, &(int64_t){0}, "end the session",
	                 "SELECT pg_terminate_backend($1::integer, 5000)::int",
	                 1, params, &err),
	    0, "%s", err.msg);
	cr_assert_neq(
	    db_exec(a, "insert", "CREATE TABLE x (k int)", 0, NULL, &err), 0);
	cr_assert_eq(db_last_fail(a), DB_FAIL_CONNECTION, "%s: %s",
	    db_fail_name(db_last_fail(a)), err.msg);
	cr_assert(
	    strncmp(err.msg, "could not insert: ", 18) == 0, "%s", err.msg);
	cr_assert_null(strchr(err.msg, '\n'), "%s", err.msg);
	db_close(a);
	db_close(b);
	dbtest_drop(name);
}
