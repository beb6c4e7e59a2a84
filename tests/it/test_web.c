/*
 * test_web.c - the web console's API end to end: build/sepad serving it
 * on 127.0.0.1 and a free port, users added with build/sepactl, requests
 * made over HTTP (libcurl): login, session and logout with their cookie,
 * the CSRF token, the roles, the lock-out, the limits on what a request
 * may send, and the configuration's refusals (sepad -n).
 */
#include "webrun.h"

static struct webrun run;

static void
fini(void)
{
	webrun_stop(&run);
}

/* The count of rows a query gives on the run's database. */
static int64_t
run_int(const char *sql)
{
	return webrun_int(&run, sql);
}

Test(web, login_session_act_logout, .timeout = 120, .fini = fini)
{
	struct webclient c;

	webrun_prepare(&run, "");
	webrun_user(&run, "alice", "finance", "correct horse battery");
	webrun_start(&run);
	webclient_init(&c);

	cr_assert_eq(
	    webclient_get(&c, &run, "/api/session"), 401, "%s", c.body);
	cr_assert_eq(
	    webclient_login(&c, &run, "alice", "correct horse battery"), 200,
	    "%s", c.body);
	cr_assert(strstr(c.body, "\"role\":\"finance\"") != NULL, "%s", c.body);
	cr_assert_eq(strlen(c.csrf), 64, "%s", c.body);
	/* the cookie: HttpOnly, SameSite=Strict, not Secure without a proxy */
	cr_assert(strstr(c.headers, "Set-Cookie: sepad_session=") != NULL, "%s",
	    c.headers);
	cr_assert(strstr(c.headers, "HttpOnly; SameSite=Strict") != NULL, "%s",
	    c.headers);
	cr_assert(strstr(c.headers, "Secure") == NULL, "%s", c.headers);
	cr_assert(strstr(c.headers,
	              "Content-Security-Policy: default-src "
	              "'self'") != NULL,
	    "%s", c.headers);
	cr_assert_eq(webclient_get(&c, &run, "/api/session"), 200);
	cr_assert(strstr(c.body, c.csrf) != NULL);

	/* an action, named after the user */
	cr_assert_eq(
	    webclient_get(&c, &run, "/api/attention"), 200, "%s", c.body);
	cr_assert_eq(webclient_post(&c, &run, "/api/attention/ack",
	                 "{\"all\":true,\"note\":\"vu\"}", true),
	    200, "%s", c.body);
	cr_assert_eq(run_int("SELECT count(*) FROM events WHERE kind = "
	                     "'attention.acknowledged' AND actor = 'alice'"),
	    1);
	cr_assert_eq(run_int("SELECT count(*) FROM event_acks WHERE actor <> "
	                     "'alice' OR actor IS NULL"),
	    0);
	cr_assert_eq(run_int("SELECT count(*) FROM events WHERE kind = "
	                     "'web.login' AND actor = 'alice'"),
	    1);

	cr_assert_eq(webclient_post(&c, &run, "/api/logout", "{}", true), 200,
	    "%s", c.body);
	cr_assert(strstr(c.headers, "Max-Age=0") != NULL, "%s", c.headers);
	cr_assert_eq(webclient_get(&c, &run, "/api/session"), 401);
	cr_assert_eq(run_int("SELECT count(*) FROM web_sessions"), 0);
	webclient_free(&c);
}

Test(web, refusals, .timeout = 120, .fini = fini)
{
	struct webclient fin, view;
	char *big;

	webrun_prepare(&run, "max_body_kb = 4;");
	webrun_user(&run, "alice", "finance", "correct horse battery");
	webrun_user(&run, "bob", "viewer", "viewer password 1");
	webrun_start(&run);
	webclient_init(&fin);
	webclient_init(&view);
	cr_assert_eq(
	    webclient_login(&fin, &run, "alice", "correct horse battery"), 200);
	cr_assert_eq(
	    webclient_login(&view, &run, "bob", "viewer password 1"), 200);

	/* a wrong password, an unknown user: the same answer */
	cr_assert_eq(
	    webclient_login(&view, &run, "bob", "wrong password"), 401);
	cr_assert(strstr(view.body, "bad_credentials") != NULL);
	cr_assert_eq(
	    webclient_login(&view, &run, "nobody", "wrong password"), 401);
	/* a state-changing request without the CSRF token, or a wrong one */
	cr_assert_eq(webclient_post(&fin, &run, "/api/attention/ack",
	                 "{\"all\":true,\"note\":\"vu\"}", false),
	    403);
	cr_assert(strstr(fin.body, "\"csrf\"") != NULL, "%s", fin.body);
	snprintf(view.csrf, sizeof(view.csrf), "%s", fin.csrf);
	/* the viewer reads, and may not act (even with a valid token) */
	cr_assert_eq(webclient_get(&view, &run, "/api/attention"), 200);
	cr_assert_eq(
	    webclient_login(&view, &run, "bob", "viewer password 1"), 200);
	cr_assert_eq(webclient_post(&view, &run, "/api/attention/ack",
	                 "{\"all\":true,\"note\":\"vu\"}", true),
	    403);
	cr_assert(strstr(view.body, "forbidden") != NULL, "%s", view.body);
	cr_assert_eq(run_int("SELECT count(*) FROM event_acks"), 0);
	/* bodies: too large, not JSON, not an object, wrong fields */
	big = calloc(1, 8193);
	memset(big, 'a', 8192);
	cr_assert_eq(
	    webclient_post(&fin, &run, "/api/attention/ack", big, true), 413,
	    "%s", fin.body);
	free(big);
	cr_assert_eq(webclient_send(&fin, &run, "POST", "/api/attention/ack",
	                 "all=1", 5, "application/x-www-form-urlencoded", true),
	    415);
	cr_assert_eq(
	    webclient_post(&fin, &run, "/api/attention/ack", "[1]", true), 400);
	cr_assert_eq(
	    webclient_post(&fin, &run, "/api/attention/ack",
	        "{\"ids\":[\"1; DROP TABLE events\"],\"note\":\"x\"}", true),
	    400);
	/* a refusal of the store comes back with its message */
	cr_assert_eq(webclient_post(&fin, &run, "/api/attention/ack",
	                 "{\"ids\":[999999],\"note\":\"x\"}", true),
	    409, "%s", fin.body);
	cr_assert(strstr(fin.body, "999999") != NULL, "%s", fin.body);
	/* nothing else is served */
	cr_assert_eq(webclient_get(&fin, &run, "/api/nothing"), 404);
	cr_assert_eq(webclient_get(&fin, &run, "/..%2fsepad.conf"), 404);
	cr_assert_eq(webclient_get(&fin, &run, "/sepad.conf"), 404);
	cr_assert_eq(webclient_send(&fin, &run, "DELETE", "/api/session", NULL,
	                 0, NULL, true),
	    405);
	webclient_free(&fin);
	webclient_free(&view);
}

Test(web, lockout, .timeout = 120, .fini = fini)
{
	struct webclient c;

	webrun_prepare(&run, "max_failed_logins = 3; lockout_minutes = 5;");
	webrun_user(&run, "bob", "viewer", "viewer password 1");
	webrun_start(&run);
	webclient_init(&c);
	cr_assert_eq(webclient_login(&c, &run, "bob", "wrong 1"), 401);
	cr_assert_eq(webclient_login(&c, &run, "bob", "wrong 2"), 401);
	cr_assert_eq(webclient_login(&c, &run, "bob", "wrong 3"), 429);
	cr_assert(strstr(c.body, "\"locked\"") != NULL, "%s", c.body);
	cr_assert_eq(
	    webclient_login(&c, &run, "bob", "viewer password 1"), 429);
	cr_assert_eq(run_int("SELECT count(*) FROM events WHERE kind = "
	                     "'web.locked' AND needs_attention"),
	    1);
	webclient_free(&c);
}

Test(web, address_checked_by_sepad_n, .timeout = 60, .fini = fini)
{
	char cmd[600];
	struct ctlrun r;

	webrun_prepare(&run, "");
	webrun_conf(&run, "address = \"0.0.0.0\";");
	snprintf(cmd, sizeof(cmd), "%s -n -c %s > %s/out 2>&1", WEBRUN_SEPAD,
	    run.conf, run.dir);
	cr_assert_neq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/out", run.dir);
	ctlrun_slurp(cmd, r.err, sizeof(r.err));
	cr_assert(strstr(r.err,
	              "sepad.conf:4: key \"web.address\": 0.0.0.0 "
	              "is not a loopback address") != NULL,
	    "%s", r.err);
	cr_assert(strstr(r.err, "web.behind_proxy = true") != NULL);
	webrun_conf(&run, "address = \"0.0.0.0\"; behind_proxy = true;");
	snprintf(cmd, sizeof(cmd), "%s -n -c %s >/dev/null 2>&1", WEBRUN_SEPAD,
	    run.conf);
	cr_assert_eq(system(cmd), 0);
	webrun_conf(&run, "address = \"localhost; rm -rf /\";");
	snprintf(cmd, sizeof(cmd), "%s -n -c %s >/dev/null 2>&1", WEBRUN_SEPAD,
	    run.conf);
	cr_assert_neq(system(cmd), 0);
}

/* The families of tests/data/web/families_hostile.csv imported. */
static void
import_hostile(void)
{
	struct ctlrun r;

	webrun_ctl(&run, &r,
	    "--today 2026-10-01 import families " SEPAD_SRCDIR
	    "/tests/data/web/families_hostile.csv");
	cr_assert_eq(r.status, 0, "%s", r.err);
}

Test(web, dashboard_search_and_ledger, .timeout = 120, .fini = fini)
{
	struct webclient c;

	webrun_prepare(&run, "");
	webrun_user(&run, "bob", "viewer", "viewer password 1");
	import_hostile();
	webrun_start(&run);
	webclient_init(&c);
	cr_assert_eq(webclient_get(&c, &run, "/api/families?q=script"), 401);
	cr_assert_eq(
	    webclient_login(&c, &run, "bob", "viewer password 1"), 200);

	cr_assert_eq(
	    webclient_get(&c, &run, "/api/dashboard"), 200, "%s", c.body);
	cr_assert(
	    strstr(c.body, "\"today\":\"2026-10-02\"") != NULL, "%s", c.body);
	cr_assert(strstr(c.body, "\"step\":\"invoice\"") != NULL, "%s", c.body);
	/* the steps' names in the server's language (English here) */
	cr_assert(strstr(c.body, "\"label\":\"Invoicing and notices\"") != NULL,
	    "%s", c.body);
	cr_assert(
	    strstr(c.body, "\"bills\":\"2026-09\"") != NULL, "%s", c.body);

	/* a part of the name, any case: the name comes back as data */
	cr_assert_eq(webclient_get(&c, &run, "/api/families?q=SCRIPT"), 200);
	cr_assert(
	    strstr(c.body, "\"payer\":\"<script>alert(1)</script>\"") != NULL,
	    "%s", c.body);
	cr_assert(strstr(c.body, "\"match\":\"name\"") != NULL, "%s", c.body);
	/* the exact reference first; LIKE's wildcards are plain text */
	cr_assert_eq(webclient_get(&c, &run, "/api/families?q=f002"), 200);
	cr_assert(strstr(c.body, "\"ref\":\"F002\"") != NULL, "%s", c.body);
	cr_assert(strstr(c.body, "HYPERLINK") != NULL, "%s", c.body);
	cr_assert_eq(webclient_get(&c, &run, "/api/families?q=%25%25"), 200);
	cr_assert(strstr(c.body, "\"families\":[]") != NULL, "%s", c.body);
	cr_assert_eq(webclient_get(&c, &run, "/api/families?q=x"), 400);
	cr_assert_eq(webclient_get(&c, &run, "/api/families?q=%ff%fe"), 400);

	cr_assert_eq(webclient_get(&c, &run, "/api/family?ref=F001"), 200);
	cr_assert(
	    strstr(c.body, "\"payer\":\"<script>alert(1)</script>\"") != NULL,
	    "%s", c.body);
	cr_assert(strstr(c.body, "\"invoices\":[]") != NULL, "%s", c.body);
	cr_assert_eq(webclient_get(&c, &run, "/api/family?ref=F999"), 404);

	/* the pages: French, with their scripts from the console only */
	cr_assert_eq(webclient_get(&c, &run, "/"), 200);
	cr_assert(strstr(c.body, "<html lang=\"fr\">") != NULL);
	cr_assert(strstr(c.body, "Tableau de bord") != NULL);
	cr_assert(strstr(c.headers, "text/html; charset=utf-8") != NULL);
	cr_assert_eq(webclient_get(&c, &run, "/app.js"), 200);
	/* values are set as text: no markup is ever built from data */
	cr_assert(strstr(c.body, "innerHTML") == NULL);
	cr_assert(strstr(c.body, "insertAdjacentHTML") == NULL);
	webclient_free(&c);
}
