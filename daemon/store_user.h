/*
 * store_user.h - the web console's users and sessions (store_user.c,
 * migration 044): accounts with a role and an argon2id hash (hashed by
 * password.c, never here), the lock-out after repeated wrong passwords,
 * and the sessions the console's cookie names.
 */
#ifndef SEPAD_STORE_USER_H
#define SEPAD_STORE_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;

/* A role: viewer reads, finance also acts. */
enum user_role { USER_VIEWER = 0, USER_FINANCE = 1 };

/* "finance" or "viewer" into *role: 0, or SEPA_EINVAL. */
int store_user_role_parse(const char *s, enum user_role *role, sepa_error *err);
const char *store_user_role_name(enum user_role role);

/*
 * Who an event is recorded under: the creditor and the business date
 * (creditor 0: the user commands run without a creditor, no event).
 */
struct user_audit {
	int64_t creditor_id;
	sepa_date today;
};

/*
 * Add a user (name: a lower-case letter, then up to 31 lower-case
 * letters, digits, '.', '_' or '-'); hash is password_hash()'s. Refused
 * (SEPA_EINVAL, SEPA_ESTATE when the name is taken), nothing stored.
 */
int store_user_add(struct db *db, const struct user_audit *audit,
    const char *name, enum user_role role, const char *hash, sepa_error *err);
/* A new password: the failures forgotten, the sessions ended. */
int store_user_passwd(struct db *db, const struct user_audit *audit,
    const char *name, const char *hash, sepa_error *err);
/* Disable a user and end their sessions (SEPA_ENOTFOUND, SEPA_ESTATE). */
int store_user_disable(struct db *db, const struct user_audit *audit,
    const char *name, sepa_error *err);

/* A user as `sepactl user list` shows them. */
struct user_row {
	char *name;
	enum user_role role;
	bool disabled;
	char *locked_until; /* "" when not locked; "YYYY-MM-DD HH:MM" */
	char *last_login; /* "" when never */
	int64_t sessions; /* open sessions */
};
int store_user_list(
    struct db *db, struct user_row **rows, size_t *n, sepa_error *err);
void store_user_rows_free(struct user_row *rows, size_t n);

/* The lock-out rule's settings (web.max_failed_logins, lockout_minutes). */
struct user_lockout {
	int max_failures;
	int minutes;
	int idle_minutes; /* web.session_idle_minutes */
};

/* What a login attempt found. */
enum login_result {
	LOGIN_OK = 0,
	LOGIN_BAD, /* no such user, disabled, or wrong password */
	LOGIN_LOCKED /* locked out: the password is not even checked */
};

/*
 * A login: the user `name` looked up, their hash given to check(hash,
 * password) (password_verify; NULL hash for an unknown or disabled user,
 * which check must still spend the same time on), then, in one
 * transaction, either the failure counted (the account locked when it
 * reaches lockout->max_failures, an event needing attention says so) or
 * a session created with token_hash (the SHA-256 of the cookie) and csrf,
 * with an event "web.login" naming the user. *role gets the role on
 * LOGIN_OK.
 */
int store_user_login(struct db *db, const struct user_audit *audit,
    const struct user_lockout *lockout, const char *name, const char *password,
    bool (*check)(const char *, const char *), const char *token_hash,
    const char *csrf, enum login_result *result, enum user_role *role,
    sepa_error *err);

/* The user behind a session, refreshed (last_seen) when it is alive. */
struct user_session {
	int64_t user_id;
	char name[40];
	enum user_role role;
	char csrf[65];
};
/*
 * The session of token_hash when it exists, its user is enabled and it
 * was used within idle_minutes: *found true, *out filled, last_seen now.
 * An expired session is removed.
 */
int store_session_find(struct db *db, const char *token_hash, int idle_minutes,
    struct user_session *out, bool *found, sepa_error *err);
/* Logout: the session removed, an event "web.logout" naming the user. */
int store_session_end(struct db *db, const struct user_audit *audit,
    const char *token_hash, sepa_error *err);

#endif /* SEPAD_STORE_USER_H */
