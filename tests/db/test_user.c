/*
 * test_user.c - the web console's users and sessions (store_user.c,
 * migration 044) and their passwords (password.c): accounts, the login
 * with its lock-out, sessions and their idle end, the events naming the
 * user.
 */
#include <string.h>

#include "dbtest.h"
#include "sepa/digest.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "password.h"
#include "store_creditor.h"
#include "store_user.h"

static const struct user_lockout lockout = {5, 15, 30};

/* A database with the creditor; its audit for the events. */
static struct db *
user_db(char *name, struct user_audit *audit)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db = dbtest_open(name, "sepad");

	cr_assert_eq(store_creditor_ensure(db, "FR72ZZZ123456", "Commune",
	                 &audit->creditor_id, &err),
	    0, "%s", err.msg);
	audit->today = (sepa_date){2026, 10, 2};
	return db;
}

static void
add(struct db *db, const struct user_audit *audit, const char *name,
    enum user_role role, const char *password)
{
	char hash[PASSWORD_HASH_BUFSZ];
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(password_hash(password, hash, &err), 0, "%s", err.msg);
	cr_assert_eq(store_user_add(db, audit, name, role, hash, &err), 0, "%s",
	    err.msg);
}

/* A login; the session's token hash goes to token (65 bytes). */
static enum login_result
login(struct db *db, const struct user_audit *audit, const char *name,
    const char *password, char *token)
{
	char raw[PASSWORD_TOKEN_BUFSZ], csrf[PASSWORD_TOKEN_BUFSZ];
	sepa_error err = SEPA_ERROR_INIT;
	enum login_result res;
	enum user_role role;

	cr_assert_eq(password_token(raw, &err), 0);
	cr_assert_eq(password_token(csrf, &err), 0);
	cr_assert_eq(sepa_sha256_buf(raw, strlen(raw), token, &err), 0);
	cr_assert_eq(store_user_login(db, audit, &lockout, name, password,
	                 password_verify, token, csrf, &res, &role, &err),
	    0, "%s", err.msg);
	return res;
}

/*
 * No .timeout on these tests: with several timed tests in one program,
 * Criterion 2.4's runner leaks 48 bytes, which LeakSanitizer reports
 * in make check's sanitizer run.
 */
Test(password, hash_verify_and_refusals)
{
	char hash[PASSWORD_HASH_BUFSZ], t1[65], t2[65];
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(password_hash("correct horse battery", hash, &err), 0);
	cr_assert_eq(strncmp(hash, "$argon2id$", 10), 0, "%s", hash);
	cr_assert(password_verify(hash, "correct horse battery"));
	cr_assert_not(password_verify(hash, "correct horse batterY"));
	cr_assert_not(password_verify(NULL, "no-such-user-password"));
	cr_assert_eq(password_hash("short", hash, &err), SEPA_EINVAL);
	cr_assert_eq(password_hash("ten chars\tmore", hash, &err), SEPA_EINVAL);
	cr_assert_eq(password_token(t1, &err), 0);
	cr_assert_eq(password_token(t2, &err), 0);
	cr_assert_eq(strlen(t1), 64);
	cr_assert_str_neq(t1, t2);
	cr_assert(password_equal(t1, t1));
	cr_assert_not(password_equal(t1, t2));
	cr_assert_not(password_equal(t1, ""));
}

Test(user, add_list_disable_passwd_and_refusals)
{
	char name[64], hash[PASSWORD_HASH_BUFSZ], tok[65];
	sepa_error err = SEPA_ERROR_INIT;
	struct user_audit audit;
	struct db *db = user_db(name, &audit);
	struct user_row *rows;
	enum user_role role;
	size_t n;

	add(db, &audit, "alice", USER_FINANCE, "correct horse battery");
	add(db, &audit, "bob", USER_VIEWER, "viewer password 1");
	cr_assert_eq(password_hash("another password", hash, &err), 0);
	cr_assert_eq(
	    store_user_add(db, &audit, "alice", USER_VIEWER, hash, &err),
	    SEPA_ESTATE);
	cr_assert(strstr(err.msg, "exists already") != NULL, "%s", err.msg);
	cr_assert_eq(store_user_add(
	                 db, &audit, "Alice<script>", USER_VIEWER, hash, &err),
	    SEPA_EINVAL);
	cr_assert_eq(store_user_role_parse("admin", &role, &err), SEPA_EINVAL);
	cr_assert_eq(
	    store_user_disable(db, &audit, "nobody", &err), SEPA_ENOTFOUND);
	cr_assert_eq(store_user_list(db, &rows, &n, &err), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(rows[0].name, "alice");
	cr_assert_eq(rows[0].role, USER_FINANCE);
	cr_assert_eq(rows[1].role, USER_VIEWER);
	store_user_rows_free(rows, n);

	/* a new password ends the sessions; the old one no longer works */
	cr_assert_eq(
	    login(db, &audit, "alice", "correct horse battery", tok), LOGIN_OK);
	cr_assert_eq(store_user_passwd(db, &audit, "alice", hash, &err), 0);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM web_sessions"), 0);
	cr_assert_eq(login(db, &audit, "alice", "correct horse battery", tok),
	    LOGIN_BAD);
	cr_assert_eq(
	    login(db, &audit, "alice", "another password", tok), LOGIN_OK);
	/* disabled: the session ends, the right password is refused */
	cr_assert_eq(store_user_disable(db, &audit, "alice", &err), 0);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM web_sessions"), 0);
	cr_assert_eq(
	    login(db, &audit, "alice", "another password", tok), LOGIN_BAD);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind IN "
	                 "('user.added', 'user.password', 'user.disabled')"),
	    4);
	db_close(db);
	dbtest_drop(name);
}

Test(user, session_names_the_user_and_ends_when_idle)
{
	char name[64], tok[65];
	sepa_error err = SEPA_ERROR_INIT;
	struct user_audit audit;
	struct db *db = user_db(name, &audit);
	struct user_session s;
	bool found;

	add(db, &audit, "alice", USER_FINANCE, "correct horse battery");
	cr_assert_eq(
	    login(db, &audit, "alice", "correct horse battery", tok), LOGIN_OK);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'web.login' AND actor = 'alice'"),
	    1);
	/* the cookie itself is never stored */
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM web_sessions WHERE "
	                 "length(token_hash) = 64"),
	    1);
	cr_assert_eq(store_session_find(db, tok, 30, &s, &found, &err), 0);
	cr_assert(found);
	cr_assert_str_eq(s.name, "alice");
	cr_assert_eq(s.role, USER_FINANCE);
	cr_assert_eq(strlen(s.csrf), 64);
	cr_assert_eq(store_session_find(db,
	                 "0000000000000000000000000000000000000000000000000000"
	                 "000000000000",
	                 30, &s, &found, &err),
	    0);
	cr_assert_not(found);
	/* unused for 31 minutes: ended, and removed */
	cr_assert_eq(db_exec(db, "age the session",
	                 "UPDATE web_sessions SET last_seen = now() - "
	                 "interval '31 minutes'",
	                 0, NULL, &err),
	    0);
	cr_assert_eq(store_session_find(db, tok, 30, &s, &found, &err), 0);
	cr_assert_not(found);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM web_sessions"), 0);
	/* logout: the session removed, an event naming the user */
	cr_assert_eq(
	    login(db, &audit, "alice", "correct horse battery", tok), LOGIN_OK);
	cr_assert_eq(
	    store_session_end(db, &audit, tok, &err), 0, "%s", err.msg);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM web_sessions"), 0);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'web.logout' AND message LIKE '%alice%'"),
	    1);
	/* events written on a connection naming nobody name nobody */
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'user.added' AND actor IS NULL"),
	    1);
	cr_assert_eq(db_set_actor(db, "bob", &err), 0);
	cr_assert_eq(store_session_end(db, &audit, tok, &err), 0);
	add(db, &audit, "carol", USER_VIEWER, "viewer password 1");
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'user.added' AND actor = 'bob'"),
	    1);
	db_close(db);
	dbtest_drop(name);
}

Test(user, lockout_after_repeated_failures)
{
	char name[64], tok[65];
	sepa_error err = SEPA_ERROR_INIT;
	struct user_audit audit;
	struct db *db = user_db(name, &audit);

	add(db, &audit, "bob", USER_VIEWER, "viewer password 1");
	for (int i = 1; i < lockout.max_failures; i++)
		cr_assert_eq(login(db, &audit, "bob", "wrong", tok), LOGIN_BAD,
		    "failure %d", i);
	/* the fifth locks; then even the right password is refused */
	cr_assert_eq(login(db, &audit, "bob", "wrong", tok), LOGIN_LOCKED);
	cr_assert_eq(
	    login(db, &audit, "bob", "viewer password 1", tok), LOGIN_LOCKED);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM events WHERE kind = "
	                 "'web.locked' AND needs_attention"),
	    1);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM web_sessions"), 0);
	/* the lock over: one failure does not lock again at once */
	cr_assert_eq(db_exec(db, "end the lock",
	                 "UPDATE web_users SET locked_until = now() - "
	                 "interval '1 second'",
	                 0, NULL, &err),
	    0);
	cr_assert_eq(login(db, &audit, "bob", "wrong", tok), LOGIN_BAD);
	cr_assert_eq(dbtest_int(db, "SELECT failed_logins FROM web_users"), 1);
	cr_assert_eq(
	    login(db, &audit, "bob", "viewer password 1", tok), LOGIN_OK);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM web_users WHERE failed_logins "
	                 "= 0 AND locked_until IS NULL AND last_login IS NOT "
	                 "NULL"),
	    1);
	/* an unknown user: refused the same way, nothing stored */
	cr_assert_eq(login(db, &audit, "nobody", "wrong", tok), LOGIN_BAD);
	cr_assert_eq(dbtest_int(db, "SELECT count(*) FROM web_users"), 1);
	db_close(db);
	dbtest_drop(name);
}
