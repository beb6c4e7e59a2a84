/*
 * db.c - the libpq boundary: connections, parameterised statements with
 * exact result checks, SQLSTATE classification, transactions and COPY.
 * Every message is one line: what was attempted, then the server's words.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/error.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"

#define DB_COPY_BUFSZ 65536

struct db {
	PGconn *conn;
	enum db_fail fail;
	char sqlstate[6];
	int in_copy;
	size_t copy_len;
	char *copy_buf;
	char copy_what[128];
};

enum db_fail
db_fail_of_sqlstate(const char *st)
{
	if (st == NULL || strlen(st) != 5)
		return DB_FAIL_OTHER;
	if (strncmp(st, "08", 2) == 0 || strcmp(st, "57P01") == 0 ||
	    strcmp(st, "57P02") == 0 || strcmp(st, "57P03") == 0)
		return DB_FAIL_CONNECTION;
	if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0)
		return DB_FAIL_SERIALIZATION;
	if (strcmp(st, "23505") == 0)
		return DB_FAIL_UNIQUE;
	if (strcmp(st, "23503") == 0)
		return DB_FAIL_FOREIGN_KEY;
	if (strcmp(st, "23514") == 0 || strcmp(st, "23502") == 0 ||
	    strncmp(st, "22", 2) == 0)
		return DB_FAIL_CHECK;
	if (strcmp(st, "42P01") == 0 || strcmp(st, "42703") == 0 ||
	    strcmp(st, "3D000") == 0)
		return DB_FAIL_UNDEFINED;
	return DB_FAIL_OTHER;
}

const char *
db_fail_name(enum db_fail f)
{
	switch (f) {
	case DB_FAIL_NONE:
		return "none";
	case DB_FAIL_CONNECTION:
		return "connection failure";
	case DB_FAIL_SERIALIZATION:
		return "serialization failure";
	case DB_FAIL_UNIQUE:
		return "unique violation";
	case DB_FAIL_FOREIGN_KEY:
		return "foreign key violation";
	case DB_FAIL_CHECK:
		return "check violation";
	case DB_FAIL_UNDEFINED:
		return "undefined object";
	case DB_FAIL_OTHER:
		return "other error";
	}
	return "other error";
}

/* Copy a libpq message into buf on one line: newlines become "; ". */
static void
db_oneline(char *buf, size_t size, const char *msg)
{
	size_t n = 0;

	if (msg == NULL)
		msg = "";
	while (*msg == ' ' || *msg == '\n')
		msg++;
	for (; *msg != '\0' && n + 3 < size; msg++) {
		if (*msg == '\n') {
			if (msg[1] == '\0')
				break;
			buf[n++] = ';';
			buf[n++] = ' ';
			while (msg[1] == ' ' || msg[1] == '\t')
				msg++;
		} else {
			buf[n++] = *msg;
		}
	}
	buf[n] = '\0';
}

/* Record the failure of `res` (NULL: the connection's error). */
static int
db_fail_res(
    struct db *db, const PGresult *res, const char *what, sepa_error *err)
{
	const char *st = NULL, *primary = NULL, *detail = NULL;
	char line[SEPA_ERROR_MSG_MAX];

	if (res != NULL) {
		st = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	}
	if (primary == NULL)
		primary = PQerrorMessage(db->conn);
	snprintf(
	    db->sqlstate, sizeof(db->sqlstate), "%s", st != NULL ? st : "");
	if (st != NULL)
		db->fail = db_fail_of_sqlstate(st);
	else if (PQstatus(db->conn) != CONNECTION_OK)
		db->fail = DB_FAIL_CONNECTION;
	else
		db->fail = DB_FAIL_OTHER;
	db_oneline(line, sizeof(line), primary);
	if (detail != NULL) {
		size_t n = strlen(line);

		snprintf(line + n, sizeof(line) - n, " (");
		db_oneline(
		    line + strlen(line), sizeof(line) - strlen(line), detail);
		n = strlen(line);
		snprintf(line + n, sizeof(line) - n, ")");
	}
	/* Translators: "could not ACTION: why"; each ACTION (the database
	 * actions of the stores) is translated whole with its failure
	 * ("impossible de lire l'état"), so the French frame is "%s : %s". */
	return sepa_error_set(err, SEPA_EIO, "could not %s: %s", _(what), line);
}

/* Server notices ("already exists, skipping") are debug output only. */
static void
db_notice(void *arg, const char *message)
{
	char line[SEPA_ERROR_MSG_MAX];

	(void)arg;
	db_oneline(line, sizeof(line), message);
	log_debug("database: %s", line);
}

int
db_connect(struct db **out, const char *conninfo, sepa_error *err)
{
	struct db *db;
	char line[SEPA_ERROR_MSG_MAX];

	*out = NULL;
	db = xcalloc(1, sizeof(*db));
	db->conn = PQconnectdb(conninfo);
	if (db->conn == NULL) {
		free(db);
		return sepa_error_set(err, SEPA_ENOMEM,
		    "could not connect to the database: out of memory");
	}
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db_oneline(line, sizeof(line), PQerrorMessage(db->conn));
		PQfinish(db->conn);
		free(db);
		return sepa_error_set(err, SEPA_EIO,
		    "could not connect to the database: %s", line);
	}
	PQsetNoticeProcessor(db->conn, db_notice, NULL);
	*out = db;
	return 0;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	PQfinish(db->conn);
	free(db->copy_buf);
	free(db);
}

enum db_fail
db_last_fail(const struct db *db)
{
	return db->fail;
}

const char *
db_last_sqlstate(const struct db *db)
{
	return db->sqlstate;
}

static void
db_ok(struct db *db)
{
	db->fail = DB_FAIL_NONE;
	db->sqlstate[0] = '\0';
}

/* Run a statement and check that it ends with `want`. */
static int
db_run(struct db *db, PGresult **out, ExecStatusType want, const char *what,
    const char *sql, int nparams, const char *const *params, sepa_error *err)
{
	PGresult *res;
	int rc;

	*out = NULL;
	if (db->in_copy) {
		db->fail = DB_FAIL_OTHER;
		return sepa_error_set(err, SEPA_ESTATE,
		    "could not %s: a COPY is in progress", _(what));
	}
	res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	if (res == NULL)
		return db_fail_res(db, NULL, what, err);
	if (PQresultStatus(res) != want) {
		if (PQresultStatus(res) == PGRES_FATAL_ERROR ||
		    PQresultStatus(res) == PGRES_NONFATAL_ERROR) {
			rc = db_fail_res(db, res, what, err);
		} else {
			db->fail = DB_FAIL_OTHER;
			rc = sepa_error_set(err, SEPA_ESTATE,
			    "could not %s: unexpected result %s", _(what),
			    PQresStatus(PQresultStatus(res)));
		}
		PQclear(res);
		return rc;
	}
	db_ok(db);
	*out = res;
	return 0;
}

int
db_exec(struct db *db, const char *what, const char *sql, int nparams,
    const char *const *params, sepa_error *err)
{
	PGresult *res;
	int rc;

	rc =
	    db_run(db, &res, PGRES_COMMAND_OK, what, sql, nparams, params, err);
	PQclear(res);
	return rc;
}

int
db_query(struct db *db, PGresult **out, const char *what, const char *sql,
    int nparams, const char *const *params, sepa_error *err)
{
	return db_run(
	    db, out, PGRES_TUPLES_OK, what, sql, nparams, params, err);
}

int
db_query_int64(struct db *db, int64_t *out, const char *what, const char *sql,
    int nparams, const char *const *params, sepa_error *err)
{
	PGresult *res;
	const char *v;
	char *end;
	int rc;

	*out = 0;
	if ((rc = db_query(db, &res, what, sql, nparams, params, err)) != 0)
		return rc;
	if (PQntuples(res) != 1 || PQnfields(res) != 1 ||
	    PQgetisnull(res, 0, 0)) {
		rc = sepa_error_set(err, SEPA_ESTATE,
		    "could not %s: expected one value, got %d rows of %d columns",
		    _(what), PQntuples(res), PQnfields(res));
		goto cleanup;
	}
	v = PQgetvalue(res, 0, 0);
	*out = strtoll(v, &end, 10);
	if (*end != '\0')
		rc = sepa_error_set(err, SEPA_ESTATE,
		    "could not %s: \"%s\" is not an integer", _(what), v);
cleanup:
	PQclear(res);
	return rc;
}

int
db_ping(struct db *db, sepa_error *err)
{
	int64_t one;

	return db_query_int64(
	    db, &one, "check the connection", "SELECT 1", 0, NULL, err);
}

int
db_set_actor(struct db *db, const char *name, sepa_error *err)
{
	const char *params[1] = {name != NULL ? name : ""};
	PGresult *res;
	int rc;

	rc = db_query(db, &res, "name the console user",
	    "SELECT set_config('sepad.actor', $1, false)", 1, params, err);
	if (rc == 0)
		PQclear(res);
	return rc;
}

int
db_listen(struct db *db, const char *channel, sepa_error *err)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "LISTEN %s", channel);
	return db_exec(db, "listen for notices", sql, 0, NULL, err);
}

/* The notices libpq has read, counted and freed. */
static int
db_take_notices(struct db *db)
{
	PGnotify *n;
	int count = 0;

	while ((n = PQnotifies(db->conn)) != NULL) {
		count++;
		PQfreemem(n);
	}
	return count;
}

int
db_wait_notice(struct db *db, int timeout_ms, int *heard, sepa_error *err)
{
	struct pollfd pfd = {.fd = PQsocket(db->conn), .events = POLLIN};

	*heard = db_take_notices(db);
	if (*heard > 0)
		return 0;
	if (pfd.fd < 0 || (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR) ||
	    ((pfd.revents & POLLIN) && PQconsumeInput(db->conn) == 0) ||
	    PQstatus(db->conn) != CONNECTION_OK) {
		db->fail = DB_FAIL_CONNECTION;
		return sepa_error_set(err, SEPA_EIO,
		    "could not wait for notices: %s", PQerrorMessage(db->conn));
	}
	db->fail = DB_FAIL_NONE;
	*heard = db_take_notices(db);
	return 0;
}

void
db_result_free(PGresult *res)
{
	PQclear(res);
}

int64_t
db_int(PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

void
db_text(char *dst, size_t size, PGresult *res, int row, int col)
{
	snprintf(dst, size, "%s", PQgetvalue(res, row, col));
}

char *
db_text_array(const char *const *items, size_t n)
{
	size_t cap = 3, len = 0;
	char *out;

	for (size_t i = 0; i < n; i++)
		cap += 3 + 2 * strlen(items[i]);
	out = xmalloc(cap);
	out[len++] = '{';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			out[len++] = ',';
		out[len++] = '"';
		for (const char *p = items[i]; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				out[len++] = '\\';
			out[len++] = *p;
		}
		out[len++] = '"';
	}
	out[len++] = '}';
	out[len] = '\0';
	return out;
}

size_t
db_text_array_parse(char *lit, char **items, size_t max)
{
	size_t n = 0;
	char *p = lit, *w;

	if (*p++ != '{')
		return 0;
	while (*p != '\0' && *p != '}' && n < max) {
		w = p;
		if (*p == '"') {
			/* quoted: \" and \\ escaped, read in place */
			items[n] = w;
			for (p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				*w++ = *p;
			}
			if (*p == '"')
				p++;
		} else {
			items[n] = p;
			while (*p != '\0' && *p != ',' && *p != '}')
				p++;
			w = p;
			if (w - items[n] == 4 &&
			    strncmp(items[n], "NULL", 4) == 0)
				items[n] = NULL;
		}
		n++;
		if (*p == ',')
			p++;
		*w = '\0';
	}
	return n;
}

char *
db_message(PGresult *res, int row, int col)
{
	return db_message_at(res, row, col, col + 1);
}

char *
db_message_at(PGresult *res, int row, int text, int msg)
{
	char *lit, *args[I18N_MSG_MAXARGS], *out;
	size_t n;

	/* before migration 050, or a text written by a person: as stored */
	if (PQgetisnull(res, row, msg) || PQgetisnull(res, row, msg + 2))
		return xstrdup(PQgetvalue(res, row, text));
	lit = xstrdup(PQgetvalue(res, row, msg + 2));
	n = db_text_array_parse(lit, args, I18N_MSG_MAXARGS);
	out = i18n_render(PQgetvalue(res, row, msg),
	    PQgetisnull(res, row, msg + 1) ? NULL
	                                   : PQgetvalue(res, row, msg + 1),
	    (const char *const *)args, n, 1);
	free(lit);
	return out;
}

int
db_exec_script(
    struct db *db, const char *what, const char *script, sepa_error *err)
{
	PGresult *res;
	int rc = 0;

	if (db->in_copy)
		return sepa_error_set(err, SEPA_ESTATE,
		    "could not %s: a COPY is in progress", _(what));
	res = PQexec(db->conn, script);
	if (res == NULL)
		return db_fail_res(db, NULL, what, err);
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		db_ok(db);
		break;
	default:
		rc = db_fail_res(db, res, what, err);
		break;
	}
	PQclear(res);
	return rc;
}

int
db_begin(struct db *db, enum db_isolation iso, sepa_error *err)
{
	if (iso == DB_SNAPSHOT)
		return db_exec(db, "begin a read transaction",
		    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL,
		    err);
	return db_exec(db, "begin a transaction",
	    iso == DB_SERIALIZABLE ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
	                           : "BEGIN",
	    0, NULL, err);
}

int
db_fetch_each(struct db *db, const char *what, const char *fetch_sql,
    int (*row)(void *arg, PGresult *res, int r, sepa_error *err),
    void (*fetched)(void *arg, int64_t done), void *arg, sepa_error *err)
{
	PGresult *res = NULL;
	int64_t done = 0;
	int rc;

	for (;;) {
		if ((rc = db_query(db, &res, what, fetch_sql, 0, NULL, err)) !=
		    0)
			return rc;
		if (PQntuples(res) == 0)
			break;
		for (int r = 0; r < PQntuples(res) && rc == 0; r++)
			rc = row(arg, res, r, err);
		done += PQntuples(res);
		PQclear(res);
		res = NULL;
		if (rc != 0)
			return rc;
		if (fetched != NULL)
			fetched(arg, done);
	}
	PQclear(res);
	return 0;
}

int
db_commit(struct db *db, sepa_error *err)
{
	return db_exec(db, "commit the transaction", "COMMIT", 0, NULL, err);
}

void
db_rollback(struct db *db)
{
	PGresult *res;

	if (db == NULL || db->in_copy)
		return;
	/* Outside a transaction ROLLBACK only warns; nothing to check. */
	res = PQexec(db->conn, "ROLLBACK");
	PQclear(res);
}

int
db_copy_begin(struct db *db, const char *what, const char *sql, sepa_error *err)
{
	PGresult *res;
	int rc;

	rc = db_run(db, &res, PGRES_COPY_IN, what, sql, 0, NULL, err);
	PQclear(res);
	if (rc != 0)
		return rc;
	if (db->copy_buf == NULL)
		db->copy_buf = xmalloc(DB_COPY_BUFSZ);
	db->copy_len = 0;
	db->in_copy = 1;
	snprintf(db->copy_what, sizeof(db->copy_what), "%s", what);
	return 0;
}

static int
db_copy_flush(struct db *db, sepa_error *err)
{
	if (db->copy_len == 0)
		return 0;
	if (PQputCopyData(db->conn, db->copy_buf, (int)db->copy_len) != 1) {
		db_fail_res(db, NULL, db->copy_what, err);
		db_copy_abort(db, "could not send data");
		return SEPA_EIO;
	}
	db->copy_len = 0;
	return 0;
}

int
db_copy_put(struct db *db, const char *data, size_t len, sepa_error *err)
{
	int rc;

	if (!db->in_copy)
		return sepa_error_set(err, SEPA_ESTATE,
		    "could not send COPY data: no COPY is in progress");
	while (len > 0) {
		size_t n = DB_COPY_BUFSZ - db->copy_len;

		if (n > len)
			n = len;
		memcpy(db->copy_buf + db->copy_len, data, n);
		db->copy_len += n;
		data += n;
		len -= n;
		if (db->copy_len == DB_COPY_BUFSZ &&
		    (rc = db_copy_flush(db, err)) != 0)
			return rc;
	}
	return 0;
}

/* Read the results that follow the end of a COPY; the last one decides. */
static int
db_copy_results(struct db *db, int64_t *rows, sepa_error *err)
{
	PGresult *res;
	int rc = 0, seen = 0;

	while ((res = PQgetResult(db->conn)) != NULL) {
		if (!seen) {
			seen = 1;
			if (PQresultStatus(res) != PGRES_COMMAND_OK)
				rc = db_fail_res(db, res, db->copy_what, err);
			else if (rows != NULL)
				*rows = strtoll(PQcmdTuples(res), NULL, 10);
		}
		PQclear(res);
	}
	if (!seen && rc == 0)
		rc = db_fail_res(db, NULL, db->copy_what, err);
	if (rc == 0)
		db_ok(db);
	return rc;
}

int
db_copy_end(struct db *db, int64_t *rows, sepa_error *err)
{
	int rc;

	if (rows != NULL)
		*rows = 0;
	if (!db->in_copy)
		return sepa_error_set(err, SEPA_ESTATE,
		    "could not end COPY: no COPY is in progress");
	if ((rc = db_copy_flush(db, err)) != 0)
		return rc;
	db->in_copy = 0;
	if (PQputCopyEnd(db->conn, NULL) != 1) {
		rc = db_fail_res(db, NULL, db->copy_what, err);
		db_copy_results(db, NULL, NULL);
		return rc;
	}
	return db_copy_results(db, rows, err);
}

void
db_copy_abort(struct db *db, const char *reason)
{
	enum db_fail fail;
	char st[sizeof(db->sqlstate)];

	if (db == NULL || !db->in_copy)
		return;
	fail = db->fail;
	memcpy(st, db->sqlstate, sizeof(st));
	db->in_copy = 0;
	db->copy_len = 0;
	PQputCopyEnd(db->conn, reason != NULL ? reason : "aborted");
	/* Drain: the server answers the abort with an error, expected. */
	db_copy_results(db, NULL, NULL);
	/* The caller's reason for aborting, if any, stays the last failure. */
	db->fail = fail;
	memcpy(db->sqlstate, st, sizeof(st));
}
