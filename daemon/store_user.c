/*
 * store_user.c - the console's users and sessions (migration 044): the
 * accounts sepactl user manages, the login with its lock-out rule, and the
 * sessions behind the console's cookie. Each change is one transaction
 * with its event (under the creditor, when there is one).
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/error.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_event.h"
#include "store_user.h"

static const char *const user_roles[] = {"viewer", "finance"};

int
store_user_role_parse(const char *s, enum user_role *role, sepa_error *err)
{
	for (size_t i = 0; i < 2; i++)
		if (strcmp(s, user_roles[i]) == 0) {
			*role = (enum user_role)i;
			return 0;
		}
	return sepa_error_set(err, SEPA_EINVAL,
	    "\"%s\" is not a role: finance (reads and acts) or viewer (reads)",
	    s);
}

const char *
store_user_role_name(enum user_role role)
{
	return user_roles[role == USER_FINANCE];
}

/* The name's rule, as the table's CHECK: said before the database is. */
static int
user_name_check(const char *name, sepa_error *err)
{
	size_t n = strlen(name);

	if (n < 1 || n > 32 || name[0] < 'a' || name[0] > 'z')
		goto bad;
	for (size_t i = 1; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		        (name[i] >= '0' && name[i] <= '9') || name[i] == '.' ||
		        name[i] == '_' || name[i] == '-'))
			goto bad;
	return 0;
bad:
	return sepa_error_set(err, SEPA_EINVAL,
	    "\"%s\" is not a user name: a lower-case letter, then up to 31 "
	    "lower-case letters, digits, '.', '_' or '-'",
	    name);
}

/* The event of a change to a user, inside the caller's transaction. */
static int
user_event(struct db *db, const struct user_audit *audit, const char *kind,
    bool attention, const struct i18n_msg *say, sepa_error *err)
{
	struct event ev;

	if (audit == NULL || audit->creditor_id <= 0)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.say = say;
	ev.business_date = audit->today;
	ev.needs_attention = attention;
	return store_event_add(db, audit->creditor_id, &ev, err);
}

/* Run one change of a user and its event in a transaction; *rows gets
 * how many users it touched (the statement returns one row per user). */
static int
user_change(struct db *db, const struct user_audit *audit, const char *what,
    const char *sql, int nparams, const char *const *params, const char *kind,
    const struct i18n_msg *say, int64_t *rows, sepa_error *err)
{
	int rc;

	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	rc = db_query_int64(db, rows, what, sql, nparams, params, err);
	if (rc == 0 && *rows > 0)
		rc = user_event(db, audit, kind, false, say, err);
	if (rc == 0 && *rows > 0)
		rc = db_commit(db, err);
	if (rc != 0 || *rows == 0)
		db_rollback(db);
	return rc;
}

int
store_user_add(struct db *db, const struct user_audit *audit, const char *name,
    enum user_role role, const char *hash, sepa_error *err)
{
	const char *params[3] = {name, store_user_role_name(role), hash};
	struct i18n_msg say;
	int64_t n;
	int rc;

	if (user_name_check(name, err) != 0)
		return SEPA_EINVAL;
	i18n_msg(&say, N_("console user %s added (%s)"), "tt", name, params[1]);
	rc = user_change(db, audit, "add the user",
	    "WITH ins AS (INSERT INTO web_users (name, role, password_hash) "
	    "VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING 1) "
	    "SELECT count(*) FROM ins",
	    3, params, "user.added", &say, &n, err);
	if (rc == 0 && n == 0)
		rc = sepa_error_set(err, SEPA_ESTATE,
		    "a user named %s exists already (sepactl user passwd "
		    "changes the password)",
		    name);
	return rc;
}

/* A change to an existing user: SEPA_ENOTFOUND when there is none. */
static int
user_update(struct db *db, const struct user_audit *audit, const char *name,
    const char *sql, const char *hash, const char *kind,
    const struct i18n_msg *say, sepa_error *err)
{
	const char *params[2] = {name, hash};
	int64_t n;
	int rc;

	rc = user_change(db, audit, "change the user", sql,
	    hash != NULL ? 2 : 1, params, kind, say, &n, err);
	if (rc == 0 && n == 0)
		rc = sepa_error_set(err, SEPA_ENOTFOUND,
		    "no user named %s (sepactl user list shows them)", name);
	return rc;
}

int
store_user_passwd(struct db *db, const struct user_audit *audit,
    const char *name, const char *hash, sepa_error *err)
{
	struct i18n_msg say;

	i18n_msg(&say,
	    N_("console user %s has a new password; their sessions are ended"),
	    "t", name);
	return user_update(db, audit, name,
	    "WITH u AS (UPDATE web_users SET password_hash = $2, "
	    "failed_logins = 0, locked_until = NULL, password_changed_at = "
	    "now() WHERE name = $1 RETURNING id), d AS (DELETE FROM "
	    "web_sessions WHERE user_id IN (SELECT id FROM u)) "
	    "SELECT count(*) FROM u",
	    hash, "user.password", &say, err);
}

int
store_user_disable(struct db *db, const struct user_audit *audit,
    const char *name, sepa_error *err)
{
	struct i18n_msg say;

	i18n_msg(&say, N_("console user %s disabled; their sessions are ended"),
	    "t", name);
	return user_update(db, audit, name,
	    "WITH u AS (UPDATE web_users SET disabled = true WHERE name = $1 "
	    "RETURNING id), d AS (DELETE FROM web_sessions WHERE user_id IN "
	    "(SELECT id FROM u)) SELECT count(*) FROM u",
	    NULL, "user.disabled", &say, err);
}

int
store_user_list(
    struct db *db, struct user_row **rows, size_t *n, sepa_error *err)
{
	PGresult *res;
	int count;

	*rows = NULL;
	*n = 0;
	if (db_query(db, &res, "list the users",
	        "SELECT u.name, u.role, u.disabled, CASE WHEN u.locked_until "
	        "> now() THEN to_char(u.locked_until, 'YYYY-MM-DD HH24:MI') "
	        "ELSE '' END, coalesce(to_char(u.last_login, 'YYYY-MM-DD "
	        "HH24:MI'), ''), (SELECT count(*) FROM web_sessions s WHERE "
	        "s.user_id = u.id) FROM web_users u ORDER BY u.name",
	        0, NULL, err) != 0)
		return SEPA_EIO;
	count = PQntuples(res);
	*rows = xcalloc((size_t)count + 1, sizeof(**rows));
	for (int i = 0; i < count; i++) {
		struct user_row *r = &(*rows)[i];

		r->name = xstrdup(PQgetvalue(res, i, 0));
		r->role = strcmp(PQgetvalue(res, i, 1), "finance") == 0
		    ? USER_FINANCE
		    : USER_VIEWER;
		r->disabled = PQgetvalue(res, i, 2)[0] == 't';
		r->locked_until = xstrdup(PQgetvalue(res, i, 3));
		r->last_login = xstrdup(PQgetvalue(res, i, 4));
		r->sessions = strtoll(PQgetvalue(res, i, 5), NULL, 10);
	}
	*n = (size_t)count;
	db_result_free(res);
	return 0;
}

void
store_user_rows_free(struct user_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].name);
		free(rows[i].locked_until);
		free(rows[i].last_login);
	}
	free(rows);
}

/*
 * A wrong password for user `id`: counted, in one transaction; when the
 * count reaches the maximum the account is locked (the count starts
 * again after a lock has expired) and an event needing attention says
 * so. *locked tells whether this failure locked it.
 */
static int
login_failed(struct db *db, const struct user_audit *audit,
    const struct user_lockout *lo, const char *id, const char *name,
    bool *locked, sepa_error *err)
{
	char max[16], min[16];
	struct i18n_msg say;
	const char *params[3] = {id, max, min};
	int64_t now_locked;
	int rc;

	snprintf(max, sizeof(max), "%d", lo->max_failures);
	snprintf(min, sizeof(min), "%d", lo->minutes);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	rc = db_query_int64(db, &now_locked, "count the failed login",
	    "UPDATE web_users u SET failed_logins = n.c, locked_until = "
	    "CASE WHEN n.c >= $2::int THEN now() + make_interval(mins => "
	    "$3::int) END FROM (SELECT id, CASE WHEN locked_until <= now() "
	    "THEN 1 ELSE failed_logins + 1 END AS c FROM web_users WHERE id "
	    "= $1 FOR UPDATE) n WHERE u.id = n.id RETURNING (u.locked_until "
	    "IS NOT NULL)::int",
	    3, params, err);
	*locked = rc == 0 && now_locked == 1;
	if (rc == 0 && *locked) {
		i18n_msg(&say,
		    N_("console user %s locked out for %s minutes after %s "
		       "wrong passwords"),
		    "tnn", name, (int64_t)lo->minutes,
		    (int64_t)lo->max_failures);
		rc = user_event(db, audit, "web.locked", true, &say, err);
	}
	if (rc == 0)
		rc = db_commit(db, err);
	if (rc != 0)
		db_rollback(db);
	return rc;
}

/*
 * The right password for user `id`: failures forgotten (unless a lock
 * came meanwhile: *locked), the session created, old ones of any user
 * removed, an event naming the user; one transaction.
 */
static int
login_ok(struct db *db, const struct user_audit *audit,
    const struct user_lockout *lo, const char *id, const char *name,
    const char *token_hash, const char *csrf, bool *locked, sepa_error *err)
{
	char idle[16];
	struct i18n_msg say;
	const char *params[4] = {id, token_hash, csrf, idle};
	int64_t n;
	int rc;

	snprintf(idle, sizeof(idle), "%d", lo->idle_minutes);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	rc = db_query_int64(db, &n, "record the login",
	    "WITH u AS (UPDATE web_users SET failed_logins = 0, locked_until "
	    "= NULL, last_login = now() WHERE id = $1 AND NOT disabled AND "
	    "(locked_until IS NULL OR locked_until <= now()) RETURNING id), "
	    "s AS (INSERT INTO web_sessions (token_hash, user_id, csrf) "
	    "SELECT $2, id, $3 FROM u RETURNING 1), d AS (DELETE FROM "
	    "web_sessions WHERE last_seen < now() - make_interval(mins => "
	    "$4::int)) SELECT count(*) FROM s",
	    4, params, err);
	*locked = rc == 0 && n == 0;
	if (rc == 0 && !*locked) {
		PGresult *res;
		const char *p[1] = {name};

		/* the event names the user (events.actor, migration 044) */
		rc = db_query(db, &res, "name the user",
		    "SELECT set_config('sepad.actor', $1, true)", 1, p, err);
		if (rc == 0)
			db_result_free(res);
		i18n_msg(&say, N_("console user %s logged in"), "t", name);
		if (rc == 0)
			rc = user_event(
			    db, audit, "web.login", false, &say, err);
	}
	if (rc == 0 && !*locked)
		rc = db_commit(db, err);
	if (rc != 0 || *locked)
		db_rollback(db);
	return rc;
}

int
store_user_login(struct db *db, const struct user_audit *audit,
    const struct user_lockout *lockout, const char *name, const char *password,
    bool (*check)(const char *, const char *), const char *token_hash,
    const char *csrf, enum login_result *result, enum user_role *role,
    sepa_error *err)
{
	const char *params[1] = {name};
	PGresult *res;
	bool usable, locked = false;
	char id[24];
	int rc;

	*result = LOGIN_BAD;
	if (db_query(db, &res, "look up the user",
	        "SELECT id, role, password_hash, disabled, "
	        "coalesce(locked_until > now(), false) FROM web_users WHERE "
	        "name = $1",
	        1, params, err) != 0)
		return SEPA_EIO;
	usable = PQntuples(res) == 1 && PQgetvalue(res, 0, 3)[0] == 'f';
	if (usable && PQgetvalue(res, 0, 4)[0] == 't') {
		*result = LOGIN_LOCKED;
		db_result_free(res);
		return 0;
	}
	if (!check(usable ? PQgetvalue(res, 0, 2) : NULL, password)) {
		rc = 0;
		if (usable) {
			snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
			rc = login_failed(
			    db, audit, lockout, id, name, &locked, err);
		}
		*result = locked ? LOGIN_LOCKED : LOGIN_BAD;
		db_result_free(res);
		return rc;
	}
	snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
	*role = strcmp(PQgetvalue(res, 0, 1), "finance") == 0 ? USER_FINANCE
	                                                      : USER_VIEWER;
	db_result_free(res);
	rc = login_ok(
	    db, audit, lockout, id, name, token_hash, csrf, &locked, err);
	*result = rc == 0 ? (locked ? LOGIN_LOCKED : LOGIN_OK) : LOGIN_BAD;
	return rc;
}

int
store_session_find(struct db *db, const char *token_hash, int idle_minutes,
    struct user_session *out, bool *found, sepa_error *err)
{
	char idle[16];
	const char *params[2] = {token_hash, idle};
	PGresult *res;

	*found = false;
	memset(out, 0, sizeof(*out));
	snprintf(idle, sizeof(idle), "%d", idle_minutes);
	/* last_seen written at most every 30 s: most requests only read */
	if (db_query(db, &res, "look up the session",
	        "WITH s AS (SELECT u.id, u.name, u.role, s.csrf, s.last_seen "
	        "FROM web_sessions s JOIN web_users u ON u.id = s.user_id "
	        "WHERE s.token_hash = $1 AND NOT u.disabled AND s.last_seen > "
	        "now() - make_interval(mins => $2::int)), t AS (UPDATE "
	        "web_sessions SET last_seen = now() WHERE token_hash = $1 AND "
	        "last_seen < now() - interval '30 seconds' AND EXISTS (SELECT "
	        "1 FROM s)) SELECT id, name, role, csrf FROM s",
	        2, params, err) != 0)
		return SEPA_EIO;
	if (PQntuples(res) == 1) {
		*found = true;
		out->user_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		snprintf(
		    out->name, sizeof(out->name), "%s", PQgetvalue(res, 0, 1));
		out->role = strcmp(PQgetvalue(res, 0, 2), "finance") == 0
		    ? USER_FINANCE
		    : USER_VIEWER;
		snprintf(
		    out->csrf, sizeof(out->csrf), "%s", PQgetvalue(res, 0, 3));
	}
	db_result_free(res);
	if (!*found)
		return db_exec(db, "remove the expired session",
		    "DELETE FROM web_sessions WHERE token_hash = $1", 1, params,
		    err);
	return 0;
}

int
store_session_end(struct db *db, const struct user_audit *audit,
    const char *token_hash, sepa_error *err)
{
	const char *params[1] = {token_hash};
	PGresult *res;
	struct i18n_msg say;
	int rc;

	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	rc = db_query(db, &res, "end the session",
	    "WITH d AS (DELETE FROM web_sessions WHERE token_hash = $1 "
	    "RETURNING user_id) SELECT u.name FROM d JOIN web_users u ON "
	    "u.id = d.user_id",
	    1, params, err);
	if (rc == 0 && PQntuples(res) == 1) {
		i18n_msg(&say, N_("console user %s logged out"), "t",
		    PQgetvalue(res, 0, 0));
		rc = user_event(db, audit, "web.logout", false, &say, err);
	}
	if (rc == 0)
		db_result_free(res);
	if (rc == 0)
		rc = db_commit(db, err);
	if (rc != 0)
		db_rollback(db);
	return rc;
}
