/*
 * web_auth.c - the console's login, logout and session: a password
 * checked with argon2id (password.c), the lock-out rule and the sessions
 * of the store (store_user.c), a random cookie that the store knows only
 * by its SHA-256, and the CSRF token the pages send back on every
 * state-changing request.
 */
#include <string.h>

#include "sepa/digest.h"
#include "sepa/error.h"
#include "password.h"
#include "store_user.h"
#include "web_internal.h"

/* {"user", "role", "csrf"}: who is logged in, as the pages need it. */
static json_t *
auth_who(const char *name, enum user_role role, const char *csrf)
{
	return json_pack("{s:s, s:s, s:s}", "user", name, "role",
	    store_user_role_name(role), "csrf", csrf);
}

static void
auth_login(struct web_req *r)
{
	const struct web_limits *lim = web_req_limits(r);
	struct user_lockout lo = {
	    lim->max_failed_logins, lim->lockout_minutes, lim->idle_minutes};
	struct user_audit audit;
	char token[PASSWORD_TOKEN_BUFSZ], csrf[PASSWORD_TOKEN_BUFSZ];
	char hash[SEPA_SHA256_HEX_BUFSZ];
	sepa_error err = SEPA_ERROR_INIT;
	enum login_result res;
	enum user_role role = USER_VIEWER;
	const char *name, *pw;
	json_t *body;
	struct db *db;

	if ((body = web_req_json(r)) == NULL)
		return;
	name = json_string_value(json_object_get(body, "user"));
	pw = json_string_value(json_object_get(body, "password"));
	if (name == NULL || pw == NULL || name[0] == '\0' ||
	    strlen(name) > 64 || strlen(pw) > PASSWORD_MAX_LEN) {
		web_reply_error(r, 400, "bad_request",
		    "a login needs \"user\" and \"password\" (strings)");
		json_decref(body);
		return;
	}
	audit.creditor_id = web_req_creditor(r);
	audit.today = web_req_today(r);
	if ((db = web_req_db(r)) == NULL || password_token(token, &err) != 0 ||
	    password_token(csrf, &err) != 0 ||
	    sepa_sha256_buf(token, strlen(token), hash, &err) != 0 ||
	    store_user_login(db, &audit, &lo, name, pw, password_verify, hash,
	        csrf, &res, &role, &err) != 0) {
		if (db != NULL)
			web_reply_store(r, &err);
		json_decref(body);
		return;
	}
	if (res == LOGIN_OK) {
		web_set_session_cookie(r, token);
		web_reply(r, 200, auth_who(name, role, csrf));
	} else if (res == LOGIN_LOCKED) {
		web_reply_error(r, 429, "locked",
		    "this account is locked after %d wrong passwords: try "
		    "again in %d minutes, or ask for sepactl user passwd",
		    lo.max_failures, lo.minutes);
	} else {
		web_reply_error(
		    r, 401, "bad_credentials", "wrong user name or password");
	}
	json_decref(body);
}

static void
auth_logout(struct web_req *r)
{
	struct user_audit audit = {web_req_creditor(r), web_req_today(r)};
	sepa_error err = SEPA_ERROR_INIT;

	if (store_session_end(
	        web_req_db(r), &audit, web_req_token_hash(r), &err) != 0) {
		web_reply_store(r, &err);
		return;
	}
	web_set_session_cookie(r, NULL);
	web_reply(r, 200, json_pack("{s:b}", "ok", 1));
}

static void
auth_session(struct web_req *r)
{
	const struct user_session *u = web_req_user(r);

	web_reply(r, 200, auth_who(u->name, u->role, u->csrf));
}

const struct web_route web_auth_routes[] = {
    {"POST", "/api/login", WEB_PUBLIC, auth_login},
    {"POST", "/api/logout", WEB_VIEWER, auth_logout},
    {"GET", "/api/session", WEB_VIEWER, auth_session},
    {NULL, NULL, WEB_PUBLIC, NULL},
};
