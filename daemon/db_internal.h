/*
 * db_internal.h - running SQL (db.c), for the store (store_*.c) and the
 * tests only: statements with text parameters, query results as libpq's
 * PGresult, transactions, scripts and COPY. The rest of the daemon goes
 * through the store_*.h functions and never includes this header.
 */
#ifndef SEPAD_DB_INTERNAL_H
#define SEPAD_DB_INTERNAL_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "sepa/error.h"
#include "db.h"

/* The isolation level of a transaction (db_begin). */
/* DB_SNAPSHOT: a read-only snapshot (REPEATABLE READ READ ONLY), for the
 * reads that must see one state of the store (reports, streamed lists). */
enum db_isolation {
	DB_READ_COMMITTED = 0,
	DB_SERIALIZABLE = 1,
	DB_SNAPSHOT = 2
};

/*
 * Run one statement with $1..$n text parameters (NULL entries are SQL
 * NULL). `what` says what is attempted, for the message: "could not WHAT:
 * SERVER MESSAGE". db_exec expects no rows; db_query expects rows and
 * gives the result to the caller (free with db_result_free()).
 * db_query_int64 expects exactly one row with one non-NULL integer.
 */
int db_exec(struct db *db, const char *what, const char *sql, int nparams,
    const char *const *params, sepa_error *err);
int db_query(struct db *db, PGresult **out, const char *what, const char *sql,
    int nparams, const char *const *params, sepa_error *err);
int db_query_int64(struct db *db, int64_t *out, const char *what,
    const char *sql, int nparams, const char *const *params, sepa_error *err);
void db_result_free(PGresult *res);
/* A value of a result: as an integer (0 for NULL), or copied into dst
 * (size bytes, cut if longer; "" for NULL). */
int64_t db_int(PGresult *res, int row, int col);
void db_text(char *dst, size_t size, PGresult *res, int row, int col);

/*
 * A text[] parameter: the literal of n strings ("{\"a\",\"b c\"}",
 * owned), and the elements of one as PostgreSQL writes it, read in place
 * (lit is changed; a NULL element gives NULL): at most max, their count.
 */
char *db_text_array(const char *const *items, size_t n);
size_t db_text_array_parse(char *lit, char **items, size_t max);

/*
 * A stored message read at column col: the English text recorded (col),
 * then its msgid, plural msgid and arguments (text[]) at col + 1..3 (NULL
 * msgid or arguments: the text as stored). Owned; in the reader's
 * language (i18n_render).
 */
char *db_message(PGresult *res, int row, int col);
/* The same with the msgid, plural and arguments at msg..msg + 2. */
char *db_message_at(PGresult *res, int row, int text, int msg);

/*
 * Run a trusted SQL script (several statements, no parameters): the
 * migrations only, never text built from input.
 */
int db_exec_script(
    struct db *db, const char *what, const char *script, sepa_error *err);

/* Transactions. db_rollback is safe to call when none is open. */
/*
 * Every row of an open cursor, fetch_sql ("FETCH N FROM cur") at a time:
 * row(arg, res, r) for each, then, after each fetch that gave rows,
 * fetched(arg, rows handed so far) when not NULL. Stops at the first
 * non-zero return. `what` names the read for the message.
 */
int db_fetch_each(struct db *db, const char *what, const char *fetch_sql,
    int (*row)(void *arg, PGresult *res, int r, sepa_error *err),
    void (*fetched)(void *arg, int64_t done), void *arg, sepa_error *err);
int db_begin(struct db *db, enum db_isolation iso, sepa_error *err);
int db_commit(struct db *db, sepa_error *err);
void db_rollback(struct db *db);

/*
 * COPY ... FROM STDIN: db_copy_begin runs the COPY statement, db_copy_put
 * buffers data (sent in 64 KiB chunks), db_copy_end flushes and finishes
 * (*rows, when not NULL, gets the number of rows copied). To abandon a
 * COPY, call db_copy_abort(), which makes the server fail the COPY.
 */
int db_copy_begin(
    struct db *db, const char *what, const char *sql, sepa_error *err);
int db_copy_put(struct db *db, const char *data, size_t len, sepa_error *err);
int db_copy_end(struct db *db, int64_t *rows, sepa_error *err);
void db_copy_abort(struct db *db, const char *reason);

#endif /* SEPAD_DB_INTERNAL_H */
