/*
 * web.c - the console's HTTP server: libmicrohttpd with a pool of
 * threads, a listening socket of our own (TCP on web.address or a unix
 * socket), request bodies bounded, the session and its CSRF token and
 * role checked before a handler runs, a database connection per request
 * from a pool of web.threads connections, the static pages, and the
 * security headers of every reply. Every libmicrohttpd call is here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sepa/digest.h"
#include "sepa/error.h"
#include "sepa/text.h"
#include "afile.h"
#include "ctl.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "password.h"
#include "store_creditor.h"
#include "web.h"
#include "web_internal.h"

#ifndef SEPAD_SRCDIR
#define SEPAD_SRCDIR "."
#endif
#ifndef SEPAD_WEBDIR
#define SEPAD_WEBDIR "daemon/web"
#endif

#define WEB_MAX_THREADS 64

/* A pooled connection: opened on first use, closed when it broke. */
struct web_conn {
	struct db *db;
	bool busy;
};

struct web {
	struct MHD_Daemon *mhd;
	int fd;
	char url[300];
	char *socket_path; /* removed at stop */
	char *root; /* the pages */
	char *conninfo;
	char *ics;
	size_t max_body;
	uint64_t max_upload;
	struct web_limits limits;
	struct sepad_config cfg; /* the console's own copy, read only */
	pthread_mutex_t lock; /* the pool and the creditor */
	pthread_cond_t freed;
	size_t nconn;
	struct web_conn conn[WEB_MAX_THREADS];
	int64_t creditor_id;
	/* the ledger's changes, heard on a connection of its own (049) */
	pthread_t listener;
	bool listener_started;
	atomic_bool stopping;
	uint64_t epoch; /* under lock: one more at each change heard */
	bool listening; /* under lock: the listener hears the changes */
	char cache_key[128]; /* under lock: one costly read kept */
	uint64_t cache_epoch;
	json_t *cache_value;
	struct web_jobs *jobs; /* the long steps (web_month.c) */
};

struct web_req {
	struct web *web;
	struct MHD_Connection *conn;
	const char *method;
	char *body;
	size_t len;
	bool too_big;
	bool replied;
	bool framed; /* web_req_frame */
	struct web_conn *wc;
	bool actor_set;
	bool authed;
	struct user_session user;
	char token_hash[SEPA_SHA256_HEX_BUFSZ];
	char *cookie; /* Set-Cookie of the reply */
	struct ctl ctl; /* what a command gets, on this request's connection */
	/* a file route's body, streamed to up_path */
	bool file;
	int up_fd;
	int up_errno; /* a write failed */
	char *up_dir; /* made for this request, removed after it */
	char *up_path;
	uint64_t up_size;
};

/* ------------------------------------------------------------- replies */

/* The headers of every reply: nothing cached, framed or sniffed, and
 * scripts and styles only from the console itself. */
#define WEB_CSP \
	"default-src 'self'; img-src 'self' data:; object-src 'none'; " \
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
/* A reply shown in the console's frame (web_req_frame): no script at
 * all, its own inline style and images, framed by the console alone. */
#define WEB_CSP_DOC \
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; " \
	"base-uri 'none'; form-action 'none'; frame-ancestors 'self'; " \
	"sandbox allow-same-origin allow-modals"

static void
web_headers(struct MHD_Response *resp, bool framed)
{
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(
	    resp, "X-Frame-Options", framed ? "SAMEORIGIN" : "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(
	    resp, "Content-Security-Policy", framed ? WEB_CSP_DOC : WEB_CSP);
}

static void
web_queue(struct web_req *r, unsigned status, struct MHD_Response *resp,
    const char *type)
{
	if (resp == NULL) {
		log_warnx("web: could not make a reply");
		return;
	}
	web_headers(resp, r->framed);
	MHD_add_response_header(resp, "Content-Type", type);
	if (r->cookie != NULL)
		MHD_add_response_header(resp, "Set-Cookie", r->cookie);
	MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	r->replied = true;
}

void
web_reply(struct web_req *r, unsigned status, json_t *body)
{
	char *text;

	if (r->replied) {
		json_decref(body);
		return;
	}
	text = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(body);
	if (text == NULL)
		fatalx("web: could not write a JSON reply");
	web_queue(r, status,
	    MHD_create_response_from_buffer(
	        strlen(text), text, MHD_RESPMEM_MUST_FREE),
	    "application/json; charset=utf-8");
}

void
web_reply_error(
    struct web_req *r, unsigned status, const char *code, const char *fmt, ...)
{
	char msg[SEPA_ERROR_MSG_MAX];
	va_list ap;

	/* in the language sepad runs in (docs/api.md, Errors) */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), _(fmt), ap);
	va_end(ap);
	web_reply(
	    r, status, json_pack("{s:s, s:s}", "error", code, "message", msg));
}

void
web_reply_store(struct web_req *r, const sepa_error *err)
{
	switch (err->code) {
	case SEPA_EINVAL:
	case SEPA_ERANGE:
	case SEPA_ELIMIT:
		web_reply_error(r, 400, "refused", "%s", err->msg);
		break;
	case SEPA_ESTATE:
	case SEPA_ENOTFOUND:
		web_reply_error(r, 409, "refused", "%s", err->msg);
		break;
	default:
		log_warnx("web: %s", err->msg);
		if (r->wc != NULL &&
		    db_last_fail(r->wc->db) == DB_FAIL_CONNECTION) {
			db_close(r->wc->db);
			r->wc->db = NULL;
		}
		web_reply_error(r, 500, "internal", "%s", err->msg);
		break;
	}
}

/* resp as an attachment named `name` ([A-Za-z0-9._-] only, from the
 * store or the handler: nothing to quote); NULL stays NULL. */
static struct MHD_Response *
web_attach(struct MHD_Response *resp, const char *name)
{
	char disp[200];

	if (resp != NULL) {
		snprintf(
		    disp, sizeof(disp), "attachment; filename=\"%s\"", name);
		MHD_add_response_header(resp, "Content-Disposition", disp);
	}
	return resp;
}

void
web_reply_file(struct web_req *r, int fd, uint64_t size, const char *type,
    const char *name)
{
	if (r->replied) {
		close(fd);
		return;
	}
	web_queue(r, 200,
	    web_attach(MHD_create_response_from_fd(size, fd), name),
	    type); /* the response owns fd */
}

void
web_reply_doc(struct web_req *r, char *buf, size_t size, const char *type,
    const char *name)
{
	struct MHD_Response *resp;

	if (r->replied) {
		free(buf);
		return;
	}
	resp = MHD_create_response_from_buffer(
	    size, buf, MHD_RESPMEM_MUST_FREE); /* owns buf */
	if (resp == NULL)
		free(buf);
	else if (name != NULL)
		web_attach(resp, name);
	web_queue(r, 200, resp, type);
}

void
web_req_frame(struct web_req *r)
{
	r->framed = true;
}

void
web_set_session_cookie(struct web_req *r, const char *value)
{
	free(r->cookie);
	xasprintf(&r->cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
	    WEB_COOKIE, value != NULL ? value : "",
	    r->web->limits.secure_cookie ? "; Secure" : "",
	    value != NULL ? "" : "; Max-Age=0");
}

/* ------------------------------------------------------------- request */

const char *
web_req_header(struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
web_req_cookie(struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *
web_req_arg(struct web_req *r, const char *name)
{
	const char *v =
	    MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
	sepa_error err = SEPA_ERROR_INIT;

	/* what is not UTF-8 text is not an argument */
	if (v != NULL && sepa_utf8_validate(v, strlen(v), NULL, &err) != 0)
		return NULL;
	return v;
}

const char *
web_req_upload(const struct web_req *r, uint64_t *size)
{
	*size = r->up_size;
	return r->file ? r->up_path : NULL;
}

const struct web_limits *
web_req_limits(const struct web_req *r)
{
	return &r->web->limits;
}

sepa_date
web_req_today(const struct web_req *r)
{
	(void)r;
	return ctl_business_date();
}

const struct user_session *
web_req_user(const struct web_req *r)
{
	return r->authed ? &r->user : NULL;
}

const char *
web_req_token_hash(const struct web_req *r)
{
	return r->token_hash;
}

json_t *
web_req_json(struct web_req *r)
{
	const char *type = web_req_header(r, "Content-Type");
	json_error_t jerr;
	json_t *j;

	if (type == NULL || strncmp(type, "application/json", 16) != 0) {
		web_reply_error(r, 415, "bad_request",
		    "the request body must be JSON (Content-Type: "
		    "application/json)");
		return NULL;
	}
	j = json_loadb(r->body != NULL ? r->body : "", r->len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		/* jansson's own words are English: where it stopped instead */
		web_reply_error(r, 400, "bad_request",
		    "the request body is not valid JSON (line %d, column %d)",
		    jerr.line, jerr.column);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		web_reply_error(r, 400, "bad_request",
		    "the request body is not a JSON object");
		return NULL;
	}
	return j;
}

/* ---------------------------------------------------------------- pool */

struct db *
web_req_db(struct web_req *r)
{
	struct web *w = r->web;
	sepa_error err = SEPA_ERROR_INIT;
	struct web_conn *wc = NULL;

	if (r->wc != NULL && r->wc->db != NULL)
		return r->wc->db;
	pthread_mutex_lock(&w->lock);
	while (r->wc == NULL) {
		for (size_t i = 0; i < w->nconn && wc == NULL; i++)
			if (!w->conn[i].busy)
				wc = &w->conn[i];
		if (wc != NULL) {
			wc->busy = true;
			r->wc = wc;
		} else {
			pthread_cond_wait(&w->freed, &w->lock);
		}
	}
	pthread_mutex_unlock(&w->lock);
	if (r->wc->db == NULL &&
	    db_connect(&r->wc->db, w->conninfo, &err) != 0) {
		log_warnx("web: %s", err.msg);
		web_reply_error(r, 503, "unavailable",
		    "the database cannot be reached: %s", err.msg);
		return NULL;
	}
	return r->wc->db;
}

/* The connection back to the pool, named for nobody again. */
static void
web_release(struct web_req *r)
{
	struct web *w = r->web;
	sepa_error err = SEPA_ERROR_INIT;

	if (r->wc == NULL)
		return;
	if (r->wc->db != NULL &&
	    (db_last_fail(r->wc->db) == DB_FAIL_CONNECTION ||
	        (r->actor_set && db_set_actor(r->wc->db, NULL, &err) != 0))) {
		db_close(r->wc->db);
		r->wc->db = NULL;
	}
	pthread_mutex_lock(&w->lock);
	r->wc->busy = false;
	r->wc = NULL;
	pthread_cond_signal(&w->freed);
	pthread_mutex_unlock(&w->lock);
}

struct web_jobs *
web_req_jobs(struct web_req *r)
{
	return r->web->jobs;
}

struct ctl *
web_req_ctl(struct web_req *r)
{
	if (web_req_db(r) == NULL)
		return NULL;
	r->ctl.progname = "sepad";
	r->ctl.config_path = r->web->cfg.path;
	r->ctl.cfg = r->web->cfg; /* shared, never freed through it */
	r->ctl.today = web_req_today(r);
	r->ctl.db = r->wc->db;
	return &r->ctl;
}

int64_t
web_req_creditor(struct web_req *r)
{
	struct web *w = r->web;
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;
	int64_t id;

	pthread_mutex_lock(&w->lock);
	id = w->creditor_id;
	pthread_mutex_unlock(&w->lock);
	if (id > 0 || w->ics[0] == '\0' || (db = web_req_db(r)) == NULL)
		return id;
	if (store_creditor_find(db, w->ics, &id, &err) != 0)
		return 0;
	pthread_mutex_lock(&w->lock);
	w->creditor_id = id;
	pthread_mutex_unlock(&w->lock);
	return id;
}

/* --------------------------------------------------------------- cache */

/* The channel of migration 049. */
#define WEB_LEDGER_CHANNEL "sepad_ledger"

/* The ledger may have changed: what was kept is not shown again. */
static void
web_ledger_changed(struct web *w, int listening)
{
	pthread_mutex_lock(&w->lock);
	w->epoch++;
	if (listening >= 0)
		w->listening = listening != 0;
	pthread_mutex_unlock(&w->lock);
}

/*
 * The listener: a connection of its own, LISTEN on the channel, and the
 * epoch moved at each notice; while it is not connected nothing is kept
 * (a notice may be lost), and each new connection moves the epoch.
 */
static void *
web_listen(void *arg)
{
	struct web *w = arg;
	struct db *db = NULL;
	bool warned = false, live = false;
	int heard;

	while (!atomic_load(&w->stopping)) {
		sepa_error err = SEPA_ERROR_INIT;

		if (db == NULL &&
		    (db_connect(&db, w->conninfo, &err) != 0 ||
		        db_listen(db, WEB_LEDGER_CHANNEL, &err) != 0)) {
			if (!warned)
				log_warnx("web: the dashboard is read afresh "
				          "each time: %s",
				    err.msg);
			warned = true;
			db_close(db);
			db = NULL;
			for (int i = 0; i < 10 && !atomic_load(&w->stopping);
			     i++)
				usleep(100 * 1000);
			continue;
		}
		if (!live)
			web_ledger_changed(w, 1);
		live = true;
		if (db_wait_notice(db, 200, &heard, &err) != 0) {
			web_ledger_changed(w, 0);
			live = false;
			db_close(db);
			db = NULL;
		} else if (heard > 0) {
			web_ledger_changed(w, -1);
		}
	}
	db_close(db);
	return NULL;
}

json_t *
web_cache_get(struct web_req *r, const char *key, uint64_t *epoch)
{
	struct web *w = r->web;
	json_t *v = NULL;

	pthread_mutex_lock(&w->lock);
	*epoch = w->listening ? w->epoch : 0;
	if (*epoch != 0 && w->cache_value != NULL && w->cache_epoch == *epoch &&
	    strcmp(w->cache_key, key) == 0)
		v = json_deep_copy(w->cache_value);
	pthread_mutex_unlock(&w->lock);
	return v;
}

void
web_cache_put(
    struct web_req *r, const char *key, uint64_t epoch, const json_t *value)
{
	struct web *w = r->web;

	if (epoch == 0 || strlen(key) >= sizeof(w->cache_key))
		return;
	pthread_mutex_lock(&w->lock);
	json_decref(w->cache_value);
	w->cache_value = json_deep_copy(value);
	w->cache_epoch = epoch;
	snprintf(w->cache_key, sizeof(w->cache_key), "%s", key);
	pthread_mutex_unlock(&w->lock);
}

/* ------------------------------------------------------------ dispatch */

/*
 * The session of the request's cookie, and on a POST its CSRF token;
 * false with the reply made when missing or wrong.
 */
static bool
web_authenticate(struct web_req *r, enum web_need need)
{
	const char *cookie = web_req_cookie(r, WEB_COOKIE);
	const char *csrf;
	sepa_error err = SEPA_ERROR_INIT;
	bool found = false;
	struct db *db;

	if (cookie != NULL && cookie[0] != '\0' && strlen(cookie) <= 128)
		sepa_sha256_buf(cookie, strlen(cookie), r->token_hash, &err);
	if (r->token_hash[0] != '\0') {
		if ((db = web_req_db(r)) == NULL)
			return false;
		if (store_session_find(db, r->token_hash,
		        r->web->limits.idle_minutes, &r->user, &found,
		        &err) != 0) {
			web_reply_store(r, &err);
			return false;
		}
	}
	if (!found) {
		web_reply_error(r, 401, "no_session",
		    "not logged in, or the session has ended");
		return false;
	}
	r->authed = true;
	if (strcmp(r->method, "GET") != 0) {
		csrf = web_req_header(r, WEB_CSRF_HEADER);
		if (csrf == NULL || !password_equal(csrf, r->user.csrf)) {
			web_reply_error(r, 403, "csrf",
			    "the request does not carry the session's CSRF "
			    "token (header %s)",
			    WEB_CSRF_HEADER);
			return false;
		}
	}
	if (need == WEB_FINANCE && r->user.role != USER_FINANCE) {
		web_reply_error(r, 403, "forbidden",
		    "user %s has the viewer role: only a finance user can do "
		    "this",
		    r->user.name);
		return false;
	}
	if (db_set_actor(r->wc->db, r->user.name, &err) != 0) {
		web_reply_store(r, &err);
		return false;
	}
	r->actor_set = true;
	return true;
}

/* The content type of a page file by its extension; NULL: not served. */
static const char *
web_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".ico", "image/x-icon"},
	};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]);
	     i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

/*
 * A page of the console's directory: "/" is index.html, otherwise one
 * flat name of lower-case letters, digits, '-' and '_' with a known
 * extension; nothing else is looked up on disk.
 */
static void
web_static(struct web_req *r, const char *url)
{
	const char *name = strcmp(url, "/") == 0 ? "index.html" : url + 1;
	const char *type = web_type(name);
	char path[4096];
	struct stat st;
	int fd;

	for (const char *p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		        *p == '-' || *p == '_' || (*p == '.' && p != name)))
			type = NULL;
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		web_reply_error(r, 405, "bad_request", "method not allowed");
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", r->web->root, name);
	if (type == NULL || strchr(name, '/') != NULL ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		web_reply_error(r, 404, "not_found", "no page %s", url);
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		web_reply_error(r, 404, "not_found", "no page %s", url);
		return;
	}
	/* the response owns fd from here */
	web_queue(r, 200, MHD_create_response_from_fd((uint64_t)st.st_size, fd),
	    type);
}

/* ------------------------------------------------------------- uploads */

static void web_dispatch(struct web_req *r, const char *url);

/*
 * The name the browser gave the file (X-File-Name, percent-encoded), as
 * a flat name of letters, digits, '.', '-' and '_' (others become '_',
 * no leading dot), at most 100 bytes; a default when none is left.
 */
static void
web_upload_name(struct web_req *r, char *out, size_t size)
{
	const char *in = web_req_header(r, "X-File-Name");
	size_t n = 0;

	for (; in != NULL && *in != '\0' && n + 1 < size && n < 100; in++) {
		unsigned c = (unsigned char)*in;
		unsigned v;

		if (c == '%' && sscanf(in + 1, "%2x", &v) == 1 &&
		    strspn(in + 1, "0123456789abcdefABCDEF") >= 2) {
			c = v;
			in += 2;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		        (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		        c == '.'))
			c = '_';
		if (c == '.' && n == 0)
			continue;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	if (n == 0)
		snprintf(out, size, "fichier-banque.xml");
}

/*
 * The first call of a file route (web_file_routes): its size by Content-Length,
 * the session, token and role checked before a byte is read, then a
 * directory of its own under the inbox (never one the daemon watches)
 * and the file in it. A refusal is the reply.
 */
static void
web_upload_begin(struct web_req *r, const struct web_route *rt, const char *url,
    const char *cl)
{
	sepa_error err = SEPA_ERROR_INIT;
	char name[128];

	r->file = true;
	r->up_fd = -1;
	if (cl != NULL && strtoull(cl, NULL, 10) > r->web->max_upload) {
		r->too_big = true;
		web_dispatch(r, url);
		return;
	}
	if (!web_authenticate(r, rt->need))
		return;
	/* the connection is not held while the body arrives */
	web_release(r);
	r->actor_set = false;
	r->authed = false;
	xasprintf(&r->up_dir, "%s/.console-XXXXXX", r->web->cfg.dir_inbox);
	web_upload_name(r, name, sizeof(name));
	if (afile_mkdirs(r->web->cfg.dir_inbox, &err) != 0 ||
	    mkdtemp(r->up_dir) == NULL) {
		log_warnx("web: could not make a directory for an upload in "
		          "%s: %s",
		    r->web->cfg.dir_inbox,
		    err.msg[0] != '\0' ? err.msg : strerror(errno));
		free(r->up_dir);
		r->up_dir = NULL;
		web_reply_error(r, 500, "internal",
		    "the file cannot be received now (see the journal)");
		return;
	}
	xasprintf(&r->up_path, "%s/%s", r->up_dir, name);
	r->up_fd = open(
	    r->up_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, AFILE_MODE);
	if (r->up_fd < 0) {
		log_warn("web: could not create %s", r->up_path);
		web_reply_error(r, 500, "internal",
		    "the file cannot be received now (see the journal)");
	}
}

/* A piece of the file: written, or the request marked too big. */
static void
web_upload_write(struct web_req *r, const char *data, size_t len)
{
	if (r->replied || r->too_big || r->up_errno != 0)
		return;
	if (r->up_size + len > r->web->max_upload) {
		r->too_big = true;
		return;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(r->up_fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			r->up_errno = errno;
			return;
		}
		off += (size_t)w;
	}
	r->up_size += len;
}

/* The file complete: closed, or the reply made when it could not be. */
static int
web_upload_end(struct web_req *r)
{
	if (r->up_errno == 0 && close(r->up_fd) != 0)
		r->up_errno = errno;
	r->up_fd = -1;
	if (r->up_errno == 0)
		return 0;
	log_warnx(
	    "web: could not write %s: %s", r->up_path, strerror(r->up_errno));
	web_reply_error(r, 500, "internal",
	    "the file could not be received: %s", strerror(r->up_errno));
	return -1;
}

/* Whatever is left of the upload removed. */
static void
web_upload_clean(struct web_req *r)
{
	if (!r->file)
		return;
	if (r->up_fd >= 0)
		close(r->up_fd);
	r->up_fd = -1;
	if (r->up_path != NULL)
		unlink(r->up_path);
	if (r->up_dir != NULL)
		rmdir(r->up_dir);
	free(r->up_path);
	free(r->up_dir);
	r->up_path = r->up_dir = NULL;
}

static const struct web_route *
web_route_find(
    const char *method, const char *url, bool *path_known, bool *file)
{
	/* the file routes last: *file says when one was found */
	const struct web_route *tables[] = {web_auth_routes, web_api_routes,
	    web_month_routes, web_mandate_routes, web_returns_routes,
	    web_report_routes, web_file_routes};
	size_t nt = sizeof(tables) / sizeof(tables[0]);

	*path_known = false;
	for (size_t t = 0; t < nt; t++)
		for (const struct web_route *rt = tables[t]; rt->path != NULL;
		     rt++)
			if (strcmp(rt->path, url) == 0) {
				*path_known = true;
				if (strcmp(rt->method, method) == 0) {
					*file = t == nt - 1;
					return rt;
				}
			}
	return NULL;
}

/* A complete request: the API's route, or a page. */
static void
web_dispatch(struct web_req *r, const char *url)
{
	const struct web_route *rt;
	bool known, file;

	if (r->too_big) {
		if (r->file)
			web_reply_error(r, 413, "too_large",
			    "the file is larger than %" PRIu64
			    " KiB (web.max_upload_kb)",
			    r->web->max_upload / 1024);
		else
			web_reply_error(r, 413, "too_large",
			    "the request body is larger than %zu KiB "
			    "(web.max_body_kb)",
			    r->web->max_body / 1024);
		return;
	}
	if (r->file && web_upload_end(r) != 0)
		return;
	if (strncmp(url, "/api/", 5) != 0) {
		web_static(r, url);
		return;
	}
	if ((rt = web_route_find(r->method, url, &known, &file)) == NULL) {
		if (known)
			web_reply_error(r, 405, "bad_request",
			    "%s is not allowed on %s", r->method, url);
		else
			web_reply_error(
			    r, 404, "not_found", "no API at %s", url);
		return;
	}
	if (rt->need != WEB_PUBLIC && !web_authenticate(r, rt->need))
		return;
	rt->handler(r);
	if (!r->replied)
		web_reply_error(r, 500, "internal", "no reply was made");
}

static enum MHD_Result
web_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct web *w = cls;
	struct web_req *r = *con_cls;

	(void)version;
	if (r == NULL) {
		const struct web_route *rt;
		const char *cl;
		bool known, file = false;

		r = xcalloc(1, sizeof(*r));
		r->web = w;
		r->conn = conn;
		r->method = method;
		*con_cls = r;
		cl = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, "Content-Length");
		rt = strncmp(url, "/api/", 5) == 0
		    ? web_route_find(method, url, &known, &file)
		    : NULL;
		if (rt != NULL && file) {
			web_upload_begin(r, rt, url, cl);
		} else if (cl != NULL && strtoull(cl, NULL, 10) > w->max_body) {
			r->too_big = true;
			web_dispatch(
			    r, url); /* at once: the body is not read */
		}
		return MHD_YES;
	}
	if (*upload_size > 0 && r->file) {
		web_upload_write(r, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!r->too_big && r->len + *upload_size <= w->max_body) {
			r->body =
			    xreallocarray(r->body, 1, r->len + *upload_size);
			memcpy(r->body + r->len, upload, *upload_size);
			r->len += *upload_size;
		} else {
			r->too_big = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (!r->replied)
		web_dispatch(r, url);
	/* what the user just did is shown, whatever the listener heard yet */
	if (strcmp(r->method, "GET") != 0)
		web_ledger_changed(w, -1);
	web_release(r);
	web_upload_clean(r);
	return MHD_YES;
}

static void
web_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct web_req *r = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (r == NULL)
		return;
	web_release(r);
	web_upload_clean(r);
	free(r->body);
	free(r->cookie);
	free(r);
	*con_cls = NULL;
}

static void
web_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_warnx("web: %s", line);
}

/* ------------------------------------------------------------- sockets */

static int
web_listen_unix(struct web *w, const char *path, sepa_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;

	if (strlen(path) >= sizeof(sa.sun_path))
		return sepa_error_set(err, SEPA_EINVAL,
		    "web.socket %s: the path is too long", path);
	/* a socket left by a previous run; never any other file */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	w->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (w->fd < 0 || bind(w->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, 0660) != 0)
		return sepa_error_set(err, SEPA_EIO,
		    "could not listen on %s: %s", path, strerror(errno));
	w->socket_path = xstrdup(path);
	snprintf(w->url, sizeof(w->url), "unix:%s", path);
	return 0;
}

static int
web_listen_tcp(struct web *w, const char *address, int port, sepa_error *err)
{
	struct sockaddr_in6 s6 = {.sin6_family = AF_INET6};
	struct sockaddr_in s4 = {.sin_family = AF_INET};
	struct sockaddr *sa = (struct sockaddr *)&s4;
	socklen_t len = sizeof(s4);
	int one = 1;

	if (inet_pton(AF_INET, address, &s4.sin_addr) == 1) {
		s4.sin_port = htons((uint16_t)port);
		snprintf(
		    w->url, sizeof(w->url), "http://%s:%d/", address, port);
	} else if (inet_pton(AF_INET6, address, &s6.sin6_addr) == 1) {
		s6.sin6_port = htons((uint16_t)port);
		sa = (struct sockaddr *)&s6;
		len = sizeof(s6);
		snprintf(
		    w->url, sizeof(w->url), "http://[%s]:%d/", address, port);
	} else {
		return sepa_error_set(err, SEPA_EINVAL,
		    "web.address \"%s\" is not an address", address);
	}
	w->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (w->fd >= 0)
		setsockopt(w->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (w->fd < 0 || bind(w->fd, sa, len) != 0)
		return sepa_error_set(err, SEPA_EIO,
		    "could not listen on %s port %d: %s", address, port,
		    strerror(errno));
	return 0;
}

/* ------------------------------------------------------------ lifetime */

const char *
web_url(const struct web *w)
{
	return w->url;
}

int
web_start(struct web **out, const struct sepad_config *cfg,
    const char *conninfo, sepa_error *err)
{
	struct web *w = xcalloc(1, sizeof(*w));
	struct config_errors errs;
	int rc;

	*out = NULL;
	w->fd = -1;
	/* the same file as the daemon's, loaded again: a copy of our own */
	if (config_load(&w->cfg, cfg->path, SEPAD_SRCDIR, &errs) != 0) {
		config_free(&w->cfg);
		free(w);
		return sepa_error_set(err, SEPA_EINVAL,
		    "the configuration changed since it was read: %s",
		    errs.count > 0 ? errs.list[0].msg : "unreadable");
	}
	w->root =
	    xstrdup(cfg->web_root[0] != '\0' ? cfg->web_root : SEPAD_WEBDIR);
	w->conninfo = xstrdup(conninfo);
	w->ics = xstrdup(cfg->cred_ics);
	w->max_body = (size_t)cfg->web_max_body_kb * 1024;
	w->max_upload = (uint64_t)cfg->web_max_upload_kb * 1024;
	w->limits.idle_minutes = cfg->web_session_idle_minutes;
	w->limits.max_failed_logins = cfg->web_max_failed_logins;
	w->limits.lockout_minutes = cfg->web_lockout_minutes;
	w->limits.secure_cookie = cfg->web_behind_proxy;
	w->nconn = (size_t)cfg->web_threads;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->freed, NULL);
	rc = cfg->web_socket[0] != '\0'
	    ? web_listen_unix(w, cfg->web_socket, err)
	    : web_listen_tcp(w, cfg->web_address, cfg->web_port, err);
	if (rc == 0 && listen(w->fd, 64) != 0)
		rc = sepa_error_set(err, SEPA_EIO, "could not listen on %s: %s",
		    w->url, strerror(errno));
	if (rc == 0) {
		w->jobs = web_jobs_new(&w->cfg, w->conninfo);
		w->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
		        MHD_USE_AUTO | MHD_USE_ERROR_LOG,
		    0, NULL, NULL, web_access, w, MHD_OPTION_EXTERNAL_LOGGER,
		    web_mhd_log, w, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)w->fd,
		    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)w->nconn,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
		    MHD_OPTION_NOTIFY_COMPLETED, web_completed, w,
		    MHD_OPTION_END);
		if (w->mhd == NULL)
			rc = sepa_error_set(err, SEPA_EIO,
			    "could not start the web console on %s", w->url);
	}
	if (rc == 0 && pthread_create(&w->listener, NULL, web_listen, w) == 0)
		w->listener_started = true;
	if (rc != 0) {
		web_stop(w);
		return SEPA_EIO;
	}
	*out = w;
	return 0;
}

void
web_stop(struct web *w)
{
	if (w == NULL)
		return;
	if (w->mhd != NULL)
		MHD_stop_daemon(w->mhd);
	atomic_store(&w->stopping, true);
	if (w->listener_started)
		pthread_join(w->listener, NULL);
	json_decref(w->cache_value);
	if (w->fd >= 0)
		close(w->fd);
	if (w->socket_path != NULL)
		unlink(w->socket_path);
	web_jobs_free(w->jobs); /* a step under way is waited for */
	for (size_t i = 0; i < w->nconn; i++)
		db_close(w->conn[i].db);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->freed);
	free(w->socket_path);
	free(w->root);
	free(w->conninfo);
	free(w->ics);
	config_free(&w->cfg);
	free(w);
}
