/*
 * webrun.h - the end-to-end tests of the web console: a database of the
 * test's own on the throw-away cluster, build/sepad started on it with
 * the console on 127.0.0.1 and a free port, users added with
 * build/sepactl, and HTTP requests made with libcurl (its cookie engine
 * playing the browser's part).
 */
#ifndef SEPAD_WEBRUN_H
#define SEPAD_WEBRUN_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../db/dbtest.h"
#include "ctlrun.h"

#define WEBRUN_SEPAD SEPAD_SRCDIR "/build/sepad"

struct webrun {
	char dbname[64];
	char conninfo[DBTEST_CONNINFO_MAX];
	char dir[256];
	char conf[300];
	int port;
	char base[64]; /* http://127.0.0.1:PORT */
	pid_t pid;
	const char *lang; /* sepad's LANG; NULL: the tests' (C.UTF-8) */
};

/* A TCP port nobody listens on now (the kernel's choice). */
static inline int
webrun_free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* Run sepactl with this run's configuration: "ARGS" as shell text. */
static inline void
webrun_ctl(const struct webrun *w, struct ctlrun *r, const char *args)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "-c %s %s", w->conf, args);
	ctlrun(r, cmd);
}

/* Add a console user whose password is `password` (read from stdin). */
static inline void
webrun_user(const struct webrun *w, const char *name, const char *role,
    const char *password)
{
	char pw[300], args[512];
	struct ctlrun r;
	FILE *fp;

	snprintf(pw, sizeof(pw), "%s/pw-%s", w->dir, name);
	fp = fopen(pw, "w");
	cr_assert_not_null(fp);
	fprintf(fp, "%s\n", password);
	fclose(fp);
	snprintf(
	    args, sizeof(args), "user add %s --role %s < %s", name, role, pw);
	webrun_ctl(w, &r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
}

/* The tests' two users: alice (finance) and bob (viewer). */
#define WEBRUN_FINANCE "alice", "correct horse battery"
#define WEBRUN_VIEWER "bob", "viewer password 1"

static inline void
webrun_users(const struct webrun *w)
{
	webrun_user(w, "alice", "finance", "correct horse battery");
	webrun_user(w, "bob", "viewer", "viewer password 1");
}

/* The families and mandates of tests/data/import, imported. */
static inline void
webrun_mandates(const struct webrun *w)
{
	struct ctlrun r;

	webrun_ctl(w, &r,
	    "--today 2026-10-01 import families " SEPAD_SRCDIR
	    "/tests/data/import/families_ok.csv");
	cr_assert_eq(r.status, 0, "%s", r.err);
	webrun_ctl(w, &r,
	    "--today 2026-10-01 import mandates " SEPAD_SRCDIR
	    "/tests/data/import/mandates_ok.csv");
	cr_assert_eq(r.status, 0, "%s", r.err);
}

/* The configuration: the commune of ctlrun.h, the outbox under dir,
 * the other spool directories in dir/var (never the source tree's
 * var/, their default), the console on 127.0.0.1:port, then `extra` in
 * its group. */
static inline void
webrun_conf(const struct webrun *w, const char *extra)
{
	char dirs[1400], web[512];

	snprintf(dirs, sizeof(dirs),
	    "outbox = \"%s/outbox\"; inbox = \"%s/var/inbox\";"
	    " archive = \"%s/var/archive\"; rejected = \"%s/var/rejected\";",
	    w->dir, w->dir, w->dir, w->dir);
	snprintf(web, sizeof(web), "web: { port = %d; %s };\n", w->port, extra);
	ctlrun_commune_conf_dirs(w->conf, w->conninfo, dirs, web);
}

/* A database and a configuration, migrated; no daemon yet. */
static inline void
webrun_prepare(struct webrun *w, const char *web_extra)
{
	char cmd[600];
	struct ctlrun r;

	memset(w, 0, sizeof(*w));
	dbtest_create(w->conninfo, w->dbname, "sepad");
	snprintf(w->dir, sizeof(w->dir), "%s/build/web-it-%ld-%s", SEPAD_SRCDIR,
	    (long)getpid(), w->dbname);
	snprintf(
	    cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s/var", w->dir, w->dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(w->conf, sizeof(w->conf), "%s/sepad.conf", w->dir);
	w->port = webrun_free_port();
	snprintf(w->base, sizeof(w->base), "http://127.0.0.1:%d", w->port);
	webrun_conf(w, web_extra);
	webrun_ctl(w, &r, "init");
	cr_assert_eq(r.status, 0, "%s", r.err);
}

/* A commune of `families` families generated for September 2026 with
 * `seed` (build/gen-commune into dir/in), imported on 1 October. */
static inline void
webrun_commune(struct webrun *w, int families, int seed)
{
	static const char *const kinds[] = {
	    "families", "tariffs", "mandates", "consumption"};
	char cmd[1200];
	struct ctlrun r;

	snprintf(cmd, sizeof(cmd),
	    "%s/build/gen-commune --families %d --month 2026-09 --seed %d "
	    "--out %s/in >/dev/null 2>&1",
	    SEPAD_SRCDIR, families, seed, w->dir);
	cr_assert_eq(system(cmd), 0);
	for (size_t k = 0; k < 4; k++) {
		snprintf(cmd, sizeof(cmd),
		    "--today 2026-10-01 import %s %s/in/%s.csv", kinds[k],
		    w->dir, kinds[k]);
		webrun_ctl(w, &r, cmd);
		cr_assert_eq(r.status, 0, "%s", r.err);
	}
}

/* Start sepad (in w->lang when set) and wait until the console answers. */
static inline void
webrun_start(struct webrun *w)
{
	char log[320];
	struct sockaddr_in sa = {.sin_family = AF_INET};

	snprintf(log, sizeof(log), "%s/sepad.log", w->dir);
	w->pid = fork();
	cr_assert_geq(w->pid, 0);
	if (w->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		setenv("SEPAD_TODAY", "2026-10-02", 1);
		unsetenv("NOTIFY_SOCKET");
		if (w->lang != NULL) {
			unsetenv("LC_ALL");
			unsetenv("LC_MESSAGES");
			unsetenv("LANGUAGE");
			setenv("LANG", w->lang, 1);
		}
		execl(WEBRUN_SEPAD, "sepad", "-d", "-c", w->conf, (char *)NULL);
		_exit(127);
	}
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)w->port);
	for (int i = 0; i < 600; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		int ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;

		close(fd);
		if (ok)
			return;
		cr_assert_eq(waitpid(w->pid, NULL, WNOHANG), 0,
		    "sepad exited (see %s)", log);
		usleep(100 * 1000);
	}
	cr_assert_fail("the console does not answer (see %s)", log);
}

static inline void
webrun_stop(struct webrun *w)
{
	char cmd[300];

	if (w->pid > 0) {
		kill(w->pid, SIGTERM);
		waitpid(w->pid, NULL, 0);
		w->pid = 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", w->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", w->dir);
	dbtest_drop(w->dbname);
}

/* The integer a query gives on the run's database (one row, one value). */
static inline int64_t
webrun_int(const struct webrun *w, const char *sql)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;
	int64_t v;

	cr_assert_eq(db_connect(&db, w->conninfo, &err), 0, "%s", err.msg);
	cr_assert_eq(db_query_int64(db, &v, "query", sql, 0, NULL, &err), 0,
	    "%s", err.msg);
	db_close(db);
	return v;
}

/* ------------------------------------------------------------- HTTP */

/* A browser: a curl handle keeping its cookies, and the last reply. */
struct webclient {
	CURL *curl;
	long status;
	char *body;
	size_t len;
	char headers[8192];
	char csrf[80];
};

static inline size_t
webrun_body_cb(char *p, size_t size, size_t n, void *ud)
{
	struct webclient *c = ud;

	c->body = realloc(c->body, c->len + size * n + 1);
	memcpy(c->body + c->len, p, size * n);
	c->len += size * n;
	c->body[c->len] = '\0';
	return size * n;
}

static inline size_t
webrun_header_cb(char *p, size_t size, size_t n, void *ud)
{
	struct webclient *c = ud;
	size_t have = strlen(c->headers);

	if (have + size * n < sizeof(c->headers)) {
		memcpy(c->headers + have, p, size * n);
		c->headers[have + size * n] = '\0';
	}
	return size * n;
}

static inline void
webclient_init(struct webclient *c)
{
	memset(c, 0, sizeof(*c));
	c->curl = curl_easy_init();
	cr_assert_not_null(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_COOKIEFILE, "");
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, webrun_body_cb);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, webrun_header_cb);
	curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 30L);
}

static inline void
webclient_free(struct webclient *c)
{
	curl_easy_cleanup(c->curl);
	free(c->body);
}

/*
 * METHOD base+path with body (NULL: none) as `type` (NULL: JSON), named
 * `file_name` in X-File-Name when not NULL; the CSRF token of the last
 * login sent when `csrf`. The status goes to c->status, the body to
 * c->body. Returns the status.
 */
static inline long
webclient_request(struct webclient *c, const struct webrun *w,
    const char *method, const char *path, const char *body, size_t body_len,
    const char *type, const char *file_name, bool csrf)
{
	struct curl_slist *h = NULL;
	char url[512], line[200];
	CURLcode rc;

	c->len = 0;
	c->headers[0] = '\0';
	if (c->body != NULL)
		c->body[0] = '\0';
	snprintf(url, sizeof(url), "%s%s", w->base, path);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
	if (body != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(
		    c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
		snprintf(line, sizeof(line), "Content-Type: %s",
		    type != NULL ? type : "application/json");
		h = curl_slist_append(h, line);
	}
	if (file_name != NULL) {
		snprintf(line, sizeof(line), "X-File-Name: %s", file_name);
		h = curl_slist_append(h, line);
	}
	if (csrf) {
		snprintf(line, sizeof(line), "X-CSRF-Token: %s", c->csrf);
		h = curl_slist_append(h, line);
	}
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
	rc = curl_easy_perform(c->curl);
	curl_slist_free_all(h);
	cr_assert_eq(
	    rc, CURLE_OK, "%s %s: %s", method, url, curl_easy_strerror(rc));
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &c->status);
	if (c->body == NULL)
		c->body = calloc(1, 1);
	return c->status;
}

static inline long
webclient_send(struct webclient *c, const struct webrun *w, const char *method,
    const char *path, const char *body, size_t body_len, const char *type,
    bool csrf)
{
	return webclient_request(
	    c, w, method, path, body, body_len, type, NULL, csrf);
}

static inline long
webclient_get(struct webclient *c, const struct webrun *w, const char *path)
{
	return webclient_send(c, w, "GET", path, NULL, 0, NULL, false);
}

static inline long
webclient_post(struct webclient *c, const struct webrun *w, const char *path,
    const char *json, bool csrf)
{
	return webclient_send(
	    c, w, "POST", path, json, strlen(json), NULL, csrf);
}

/*
 * POST the file `path` as the body of `api` (a file route), named `name`
 * in X-File-Name, with the CSRF token when `csrf`. Returns the status.
 */
static inline long
webclient_upload(struct webclient *c, const struct webrun *w, const char *api,
    const char *path, const char *name, bool csrf)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, n;
	long status;

	cr_assert_not_null(fp, "%s", path);
	do {
		data = realloc(data, len + 65536);
		n = fread(data + len, 1, 65536, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	status = webclient_request(c, w, "POST", api, data, len,
	    "application/octet-stream", name, csrf);
	free(data);
	return status;
}

/* Log in; the CSRF token of the reply kept for the next requests. */
static inline long
webclient_login(struct webclient *c, const struct webrun *w, const char *user,
    const char *password)
{
	char body[512];
	const char *p;

	snprintf(body, sizeof(body), "{\"user\":\"%s\",\"password\":\"%s\"}",
	    user, password);
	webclient_post(c, w, "/api/login", body, false);
	if (c->status == 200 && (p = strstr(c->body, "\"csrf\":\"")) != NULL)
		snprintf(c->csrf, sizeof(c->csrf), "%.64s", p + 8);
	return c->status;
}

/* Two browsers: fin logged in as alice, view as bob (webrun_users). */
static inline void
webclient_both(
    struct webclient *fin, struct webclient *view, const struct webrun *w)
{
	webclient_init(fin);
	webclient_init(view);
	cr_assert_eq(webclient_login(fin, w, WEBRUN_FINANCE), 200);
	cr_assert_eq(webclient_login(view, w, WEBRUN_VIEWER), 200);
}

#endif /* SEPAD_WEBRUN_H */
