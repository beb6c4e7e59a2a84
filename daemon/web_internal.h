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

/* The routes of web_auth.c, web_api.c, web_month.c, web_mandate.c and
 * web_returns.c (NULL path ends each table), their bodies JSON
 * (web_req_json). */
extern const struct web_route web_auth_routes[];
extern const struct web_route web_api_routes[];
extern const struct web_route web_month_routes[];
extern const struct web_route web_mandate_routes[];
extern const struct web_route web_returns_routes[];
extern const struct web_route web_report_routes[]; /* web_report.c */
/*
 * The routes whose body is a file (web_returns.c), at most
 * web.max_upload_kb: streamed to a temporary file of the spool
 * (web_req_upload) once the session, its CSRF token and the role are
 * checked, so nothing is written for a request refused.
 */
extern const struct web_route web_file_routes[];

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
/*
 * A file route's file, complete: its path in a directory of its
 * own under the spool, named after the name the browser gave (header
 * X-File-Name, percent-encoded; reduced to letters, digits, '.', '-' and
 * '_'), and its size. The handler may move it away; what is left is
 * removed after the reply. NULL on any other route.
 */
const char *web_req_upload(const struct web_req *r, uint64_t *size);
/* The business date, and the creditor (0 when not registered yet). */
sepa_date web_req_today(const struct web_req *r);
int64_t web_req_creditor(struct web_req *r);
/* The creditor, or 0 with a 409 reply made (sepactl init not run). */
int64_t api_creditor(struct web_req *r);
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

/*
 * The fields of a JSON body (web_mandate.c), each refused with a 400
 * {"error": "refused", "message", "field"} made (web_refuse_field: `field`
 * the JSON name, `message` the translated fmt after the field as the
 * pages name it, "date de réception : ..."): web_body_str gives the
 * string `name` in *out, NULL when absent, null or empty and not
 * `required`; refused when missing and required, or not text of at most
 * `max` bytes without control characters. web_body_date reads a
 * YYYY-MM-DD date into *out, left as it is when absent and not required.
 * Both return -1 when they refused.
 */
int web_body_str(struct web_req *r, json_t *body, const char *name, size_t max,
    bool required, const char **out);
int web_body_date(struct web_req *r, json_t *body, const char *name,
    bool required, sepa_date *out);
void web_refuse_field(struct web_req *r, const char *field, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
/* A month, YYYY-MM, read by sepactl's parser (web_month.c); false with
 * a 400 made otherwise (the field "month" named, but when text is NULL). */
bool web_month_arg(struct web_req *r, const char *text, sepa_month *month);

/*
 * A costly read of the ledger kept between requests (web.c): the copy of
 * what web_cache_put last stored under `key`, as long as no change of the
 * ledger was heard since (the notices of migration 049, and every
 * request of the console other than GET); else NULL, and *epoch is the
 * mark to store the fresh read with, taken before it is made (0: nothing
 * can be kept now, the console is not listening).
 */
json_t *web_cache_get(struct web_req *r, const char *key, uint64_t *epoch);
void web_cache_put(
    struct web_req *r, const char *key, uint64_t epoch, const json_t *value);

/* Replies: JSON (the reference is taken), or an error object
 * {"error": code, "message": text}, fmt translated (gettext: the
 * language sepad runs in; the Makefile's xgettext keywords list both). */
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
/*
 * A document made for the request, `size` bytes of buf (taken: freed by
 * the reply): an attachment named `name` (made of [A-Za-z0-9._-]), or
 * shown where it is (name NULL).
 */
void web_reply_doc(struct web_req *r, char *buf, size_t size, const char *type,
    const char *name);
/* The request's replies, its refusals too, may be shown in the
 * console's frame, and run no script there (web.c, WEB_CSP_DOC). */
void web_req_frame(struct web_req *r);
/* A Set-Cookie header with the reply (value NULL: the cookie removed). */
void web_set_session_cookie(struct web_req *r, const char *value);

/* The session cookie's name. */
#define WEB_COOKIE "sepad_session"
/* The header that carries the CSRF token. */
#define WEB_CSRF_HEADER "X-CSRF-Token"

#endif /* SEPAD_WEB_INTERNAL_H */
