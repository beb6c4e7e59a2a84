/*
 * web_internal.h - what the console's request handlers (web_auth.c,
 * web_api.c) share with the server (web.c): the request, its database
 * connection and user, and the replies. Only web.c calls libmicrohttpd;
 * the handlers call the store, never SQL, and build JSON with jansson.
 */
#ifndef SEPAD_WEB_INTERNAL_H
#define SEPAD_WEB_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "store_user.h"

struct web;
struct web_req;

/* What a route needs before its handler runs. */
enum web_need {
	WEB_PUBLIC, /* nothing (login) */
	WEB_VIEWER, /* a session; and the CSRF token for a POST */
	WEB_FINANCE /* the same, with the finance role */
};

/* A route: method and exact path, what it needs, its handler. */
struct web_route {
	const char *method;
	const char *path;
	enum web_need need;
	void (*handler)(struct web_req *r);
};

/* The routes of web_auth.c, web_api.c and web_month.c (NULL path ends
 * each table). */
extern const struct web_route web_auth_routes[];
extern const struct web_route web_api_routes[];
extern const struct web_route web_month_routes[];

/*
 * The long steps (web_month.c): one at a time, each in a thread of its
 * own with a database connection of its own, opened with conninfo; cfg
 * is the console's copy, read only, kept until web_jobs_free, which
 * waits for a step under way.
 */
struct sepad_config;
struct web_jobs;
struct web_jobs *web_jobs_new(
    const struct sepad_config *cfg, const char *conninfo);
void web_jobs_free(struct web_jobs *jobs);
struct web_jobs *web_req_jobs(struct web_req *r);

/* The settings the handlers read. */
struct web_limits {
	int idle_minutes;
	int max_failed_logins;
	int lockout_minutes;
	bool secure_cookie;
};
const struct web_limits *web_req_limits(const struct web_req *r);

/* The request: a header or cookie (NULL when absent), the query
 * argument `name` (NULL when absent), the body parsed as JSON (NULL with
 * a 400 reply already made when it is not a JSON object). */
const char *web_req_header(struct web_req *r, const char *name);
const char *web_req_cookie(struct web_req *r, const char *name);
const char *web_req_arg(struct web_req *r, const char *name);
json_t *web_req_json(struct web_req *r);
/* The business date, and the creditor (0 when not registered yet). */
sepa_date web_req_today(const struct web_req *r);
int64_t web_req_creditor(struct web_req *r);
/* The session's user (NULL on a public route without a session). */
const struct user_session *web_req_user(const struct web_req *r);
/* The SHA-256 of the session cookie ("" when none). */
const char *web_req_token_hash(const struct web_req *r);
/*
 * The request's database connection, from the pool (NULL, with a 503
 * reply made, when the database cannot be reached).
 */
struct db *web_req_db(struct web_req *r);

/* The request's struct ctl (the console's configuration, the business
 * date, the request's connection), for the commands' helpers; NULL with
 * a 503 made when the database cannot be reached. */
struct ctl *web_req_ctl(struct web_req *r);

/* Replies: JSON (the reference is taken), or an error object
 * {"error": code, "message": text}. */
void web_reply(struct web_req *r, unsigned status, json_t *body);
void web_reply_error(struct web_req *r, unsigned status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A store refusal: 409 for a state or a missing thing, 400 for bad
 * input, 500 (and the database checked) otherwise, with its message. */
void web_reply_store(struct web_req *r, const sepa_error *err);
/* A file as an attachment named `name` (a name of [A-Za-z0-9._-] from
 * the store) of `size` bytes from fd (taken: closed by the reply). */
void web_reply_file(struct web_req *r, int fd, uint64_t size, const char *type,
    const char *name);
/* A Set-Cookie header with the reply (value NULL: the cookie removed). */
void web_set_session_cookie(struct web_req *r, const char *value);

/* The session cookie's name. */
#define WEB_COOKIE "sepad_session"
/* The header that carries the CSRF token. */
#define WEB_CSRF_HEADER "X-CSRF-Token"

#endif /* SEPAD_WEB_INTERNAL_H */
