/*
 * db.h - the database connection (db.c): connect, close, what a failed
 * call means, and a liveness check. Statements are run by the store
 * (store_*.c) through db_internal.h; nothing else sees SQL or libpq.
 */
#ifndef SEPAD_DB_H
#define SEPAD_DB_H

#include "sepa/error.h"

struct db;

/* What a failed call means to its caller (from the SQLSTATE). */
enum db_fail {
	DB_FAIL_NONE = 0, /* the last call succeeded */
	DB_FAIL_CONNECTION, /* class 08, or the connection is gone: retry */
	DB_FAIL_SERIALIZATION, /* 40001, 40P01: retry the transaction */
	DB_FAIL_UNIQUE, /* 23505 */
	DB_FAIL_FOREIGN_KEY, /* 23503 */
	DB_FAIL_CHECK, /* 23514, 23502 (not null), 22xxx data exceptions */
	DB_FAIL_UNDEFINED, /* 42P01 table, 42703 column, 3D000 database */
	DB_FAIL_OTHER /* anything else: a bug or the server's state */
};

/* Map a five-character SQLSTATE (NULL: no SQLSTATE) to enum db_fail. */
enum db_fail db_fail_of_sqlstate(const char *sqlstate);
/* Static name of a db_fail ("unique violation"). */
const char *db_fail_name(enum db_fail f);

/*
 * Connect with a libpq connection string. *out is NULL on failure; the
 * message is "could not connect to the database: SERVER MESSAGE". Close
 * with db_close() (NULL is a no-op).
 */
int db_connect(struct db **out, const char *conninfo, sepa_error *err);
void db_close(struct db *db);
/* Outcome and SQLSTATE ("" when none) of the last call. */
enum db_fail db_last_fail(const struct db *db);
const char *db_last_sqlstate(const struct db *db);

/*
 * Is the connection still there? A trivial query; the message is "could
 * not check the connection: SERVER MESSAGE".
 */
int db_ping(struct db *db, sepa_error *err);

/*
 * The console user on whose behalf the next statements run (NULL or "":
 * nobody, as for sepactl and the cycle): every event and acknowledgement
 * written on this connection names them (events.actor, migration 044).
 */
int db_set_actor(struct db *db, const char *name, sepa_error *err);

/*
 * LISTEN on `channel` (a fixed name of the code, never input), then wait
 * up to timeout_ms for notices on it: *heard is the number received (0
 * when the time ran out). A broken connection is an error
 * (db_last_fail() says DB_FAIL_CONNECTION): notices may have been lost.
 */
int db_listen(struct db *db, const char *channel, sepa_error *err);
int db_wait_notice(struct db *db, int timeout_ms, int *heard, sepa_error *err);

#endif /* SEPAD_DB_H */
