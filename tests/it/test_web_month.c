/*
 * test_web_month.c - the console's month over HTTP (libcurl) against
 * build/sepad: the invoice run's preview (nothing stored), the run and
 * the collection as steps of a worker, polled until over, their events
 * naming the user; the files listed and downloaded by kind and id with
 * the SHA-256 the store recorded; a payment by other means; and the
 * refusals (bad month, bad amount, unknown invoice, body too big, a
 * viewer), each leaving the store as it was.
 */
#include <jansson.h>

#include "sepa/digest.h"
#include "webrun.h"

static struct webrun run;

static void
fini(void)
{
	webrun_stop(&run);
}

static int64_t
run_int(const char *sql)
{
	return webrun_int(&run, sql);
}

/*
 * A commune of 8 generated families with September's consumption; the
 * invoice day the 3rd, so that the daemon (on 2 October) leaves the
 * billing of September to the console.
 */
static void
commune(const char *web_extra)
{
	FILE *fp;

	webrun_prepare(&run, web_extra);
	fp = fopen(run.conf, "a");
	cr_assert_not_null(fp);
	fprintf(fp, "billing: { invoice_day = 3; };\n");
	fclose(fp);
	webrun_commune(&run, 8, 3);
	webrun_user(&run, "alice", "finance", "correct horse battery");
	webrun_user(&run, "bob", "viewer", "viewer password 1");
	webrun_start(&run);
	/* the daemon's own cycle first (it bills August: nothing) */
	for (int i = 0; i < 300 &&
	     run_int("SELECT count(*) FROM cycle_steps"
	             " WHERE step = 'recovery'") == 0;
	     i++)
		usleep(100 * 1000);
}

/* The reply's JSON (the caller frees). */
static json_t *
reply_json(const struct webclient *c)
{
	json_error_t jerr;
	json_t *j = json_loads(c->body, 0, &jerr);

	cr_assert_not_null(j, "%s: %s", jerr.text, c->body);
	return j;
}

/* Start a step and wait until it is over: its final state as JSON. */
static json_t *
step(struct webclient *c, const char *what, const char *month)
{
	char path[64], body[64];
	json_t *j, *job;

	snprintf(path, sizeof(path), "/api/month/%s", what);
	snprintf(body, sizeof(body), "{\"month\":\"%s\"}", month);
	cr_assert_eq(
	    webclient_post(c, &run, path, body, true), 202, "%s", c->body);
	for (int i = 0; i < 1200; i++) {
		cr_assert_eq(webclient_get(c, &run, "/api/month/job"), 200);
		j = reply_json(c);
		job = json_object_get(j, "job");
		if (strcmp(json_string_value(json_object_get(job, "state")),
		        "running") != 0) {
			json_incref(job);
			json_decref(j);
			cr_assert_str_eq(
			    json_string_value(json_object_get(job, "user")),
			    "alice");
			return job;
		}
		json_decref(j);
		usleep(100 * 1000);
	}
	cr_assert_fail("%s of %s did not end", what, month);
	return NULL;
}

static const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	cr_assert_not_null(s, "no %s", key);
	return s;
}

static int64_t
jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* The file of `kind` in the month's list (NULL when none). */
static json_t *
listed(json_t *files, const char *kind)
{
	size_t i;
	json_t *f;

	json_array_foreach(
	    files, i, f) if (strcmp(jstr(f, "kind"), kind) == 0) return f;
	return NULL;
}

/* Download `path`: its SHA-256 must be `sha`, its type `type`. */
static void
download(struct webclient *c, const char *path, const char *sha,
    const char *type, const char *name)
{
	char hex[SEPA_SHA256_HEX_BUFSZ], disp[200];
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(webclient_get(c, &run, path), 200, "%s", c->body);
	cr_assert_eq(sepa_sha256_buf(c->body, c->len, hex, &err), 0);
	cr_assert_str_eq(hex, sha);
	cr_assert(strstr(c->headers, type) != NULL, "%s", c->headers);
	snprintf(disp, sizeof(disp),
	    "Content-Disposition: attachment; filename=\"%s\"", name);
	cr_assert(strstr(c->headers, disp) != NULL, "%s", c->headers);
}

Test(web_month, preview_bill_collect_download, .timeout = 300, .fini = fini)
{
	struct webclient c;
	json_t *job, *res, *files, *f;
	char path[200], sql[300], sha[SEPA_SHA256_HEX_BUFSZ];
	int64_t before;

	commune("");
	webclient_init(&c);
	cr_assert_eq(
	    webclient_login(&c, &run, "alice", "correct horse battery"), 200);
	before = run_int("SELECT count(*) FROM events");

	/* the preview: the run's figures, nothing stored */
	job = step(&c, "preview", "2026-09");
	cr_assert_str_eq(jstr(job, "state"), "done", "%s", json_dumps(job, 0));
	res = json_object_get(job, "result");
	cr_assert_gt(jint(res, "invoices"), 0);
	cr_assert_gt(jint(res, "total"), 0);
	cr_assert_gt(json_array_size(json_object_get(res, "services")), 0);
	cr_assert_eq(run_int("SELECT count(*) FROM invoices"), 0);
	cr_assert_eq(run_int("SELECT count(*) FROM events"), before);
	json_decref(job);

	/* the run: the invoices the preview announced, named after alice */
	job = step(&c, "invoice", "2026-09");
	cr_assert_str_eq(jstr(job, "state"), "done", "%s", json_dumps(job, 0));
	json_decref(job);
	cr_assert_gt(run_int("SELECT count(*) FROM invoices"), 0);
	cr_assert_eq(run_int("SELECT count(*) FROM events WHERE kind = "
	                     "'invoice.run' AND actor = 'alice'"),
	    1);

	/* a payment by other means on one of them */
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM payments WHERE method = 'cheque'");
	{
		char body[300];
		const char *num = NULL;
		struct db *db;
		sepa_error err = SEPA_ERROR_INIT;
		PGresult *pr;

		cr_assert_eq(db_connect(&db, run.conninfo, &err), 0);
		cr_assert_eq(db_query(db, &pr, "q",
		                 "SELECT number FROM invoices WHERE total_cents"
		                 " > 1000 ORDER BY number LIMIT 1",
		                 0, NULL, &err),
		    0, "%s", err.msg);
		num = PQgetvalue(pr, 0, 0);
		snprintf(body, sizeof(body),
		    "{\"invoice\":\"%s\",\"amount\":\"10,00\","
		    "\"date\":\"2026-10-02\",\"method\":\"cheque\","
		    "\"reference\":\"chèque n° 1234567\"}",
		    num);
		cr_assert_eq(
		    webclient_post(&c, &run, "/api/payment", body, true), 200,
		    "%s", c.body);
		db_result_free(pr);
		db_close(db);
	}
	cr_assert(strstr(c.body, "\"amount\":1000") != NULL, "%s", c.body);
	cr_assert_eq(run_int(sql), 1);
	cr_assert_eq(run_int("SELECT count(*) FROM events WHERE kind = "
	                     "'payment.recorded' AND actor = 'alice'"),
	    1);

	/* the collection: the pain.008 written, listed and downloaded */
	job = step(&c, "collect", "2026-10");
	cr_assert_str_eq(jstr(job, "state"), "done", "%s", json_dumps(job, 0));
	json_decref(job);
	cr_assert_eq(run_int("SELECT count(*) FROM events WHERE kind = "
	                     "'batch.released' AND actor = 'alice'"),
	    1);
	cr_assert_eq(
	    webclient_get(&c, &run, "/api/month/files?month=2026-10"), 200);
	res = reply_json(&c);
	files = json_object_get(res, "files");
	f = listed(files, "pain008");
	cr_assert_not_null(f, "%s", c.body);
	cr_assert_str_eq(jstr(f, "state"), "released");
	snprintf(sha, sizeof(sha), "%s", jstr(f, "sha256"));
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM batches WHERE sha256 = '%s' AND id = %lld",
	    sha, (long long)jint(f, "id"));
	cr_assert_eq(run_int(sql), 1);
	cr_assert_gt(jint(f, "size"), 0);
	snprintf(path, sizeof(path), "/api/month/file?kind=pain008&id=%lld",
	    (long long)jint(f, "id"));
	download(
	    &c, path, sha, "Content-Type: application/xml", jstr(f, "name"));
	cr_assert_eq((int64_t)c.len, jint(f, "size"));
	cr_assert(
	    strstr(c.body, "urn:iso:std:iso:20022:tech:xsd:pain.008") != NULL);
	/* the PDF notices of September */
	f = listed(files, "notices");
	cr_assert_not_null(f, "%s", c.body);
	snprintf(sha, sizeof(sha), "%s", jstr(f, "sha256"));
	download(&c, "/api/month/file?kind=notices&id=2026-09", sha,
	    "Content-Type: application/pdf", "notices-2026-09.pdf");
	cr_assert(strncmp(c.body, "%PDF-", 5) == 0);
	json_decref(res);

	/* only what the store recorded, never a path */
	cr_assert_eq(
	    webclient_get(&c, &run, "/api/month/file?kind=pain008&id=999999"),
	    404);
	cr_assert_eq(webclient_get(&c, &run,
	                 "/api/month/file?kind=..%2f..%2fsepad.conf&id=1"),
	    404);
	cr_assert_eq(webclient_get(&c, &run,
	                 "/api/month/file?kind=pain008&id=..%2fsepad.conf"),
	    404);
	cr_assert_eq(webclient_get(&c, &run,
	                 "/api/month/file?kind=notices&id=..%2f..%2fx"),
	    400);
	webclient_free(&c);
}

/* The counts a refusal must leave as they were. */
static void
unchanged(int64_t payments, int64_t events)
{
	cr_assert_eq(run_int("SELECT count(*) FROM payments"), payments);
	cr_assert_eq(run_int("SELECT count(*) FROM events WHERE kind NOT LIKE "
	                     "'web.%'"),
	    events);
}

/* Payments the API refuses, with what its answer names. */
static const struct {
	const char *body;
	long status;
	const char *says;
} bad_payments[] = {
    {"{\"invoice\":\"F2026-09-999999\",\"amount\":\"10\",\"date\":"
     "\"2026-10-01\",\"method\":\"cash\"}",
        409, "F2026-09-999999"},
    {"{\"invoice\":\"F2026-09-000001\",\"amount\":\"12,345\",\"date\":"
     "\"2026-10-01\",\"method\":\"cash\"}",
        400, "12,345"},
    {"{\"invoice\":\"F2026-09-000001\",\"amount\":\"dix euros\","
     "\"date\":\"2026-10-01\",\"method\":\"cash\"}",
        400, "dix euros"},
    {"{\"invoice\":\"F2026-09-000001\",\"amount\":\"10\",\"date\":"
     "\"31/02/2026\",\"method\":\"cash\"}",
        400, "31/02/2026"},
    {"{\"invoice\":\"F2026-09-000001\",\"amount\":\"10\",\"date\":"
     "\"2026-10-01\",\"method\":\"bitcoin\"}",
        400, "bitcoin"},
    {"{\"invoice\":\"F2026-09-000001\",\"amount\":10,\"date\":"
     "\"2026-10-01\",\"method\":\"cash\"}",
        400, "bad_request"},
};

Test(web_month, refusals, .timeout = 300, .fini = fini)
{
	struct webclient fin, view;
	int64_t events;
	json_t *job;
	char *big;

	commune("max_body_kb = 4;");
	webclient_init(&fin);
	webclient_init(&view);
	cr_assert_eq(
	    webclient_login(&fin, &run, "alice", "correct horse battery"), 200);
	cr_assert_eq(
	    webclient_login(&view, &run, "bob", "viewer password 1"), 200);
	events = run_int("SELECT count(*) FROM events WHERE kind NOT LIKE "
	                 "'web.%'");

	/* bad months: no step starts */
	cr_assert_eq(webclient_post(&fin, &run, "/api/month/invoice",
	                 "{\"month\":\"2026-13\"}", true),
	    400, "%s", fin.body);
	cr_assert_eq(webclient_post(&fin, &run, "/api/month/invoice",
	                 "{\"month\":\"'; DROP TABLE invoices; --\"}", true),
	    400);
	cr_assert_eq(webclient_post(&fin, &run, "/api/month/collect",
	                 "{\"month\":202610}", true),
	    400);
	cr_assert_eq(
	    webclient_post(&fin, &run, "/api/month/collect", "{}", true), 400);
	cr_assert_eq(
	    webclient_get(&fin, &run, "/api/month/files?month=octobre"), 400);
	cr_assert_eq(webclient_get(&fin, &run, "/api/month/job"), 200);
	cr_assert(strstr(fin.body, "\"job\":null") != NULL, "%s", fin.body);
	/* a month not over yet: the store's refusal, as the step's message */
	job = step(&fin, "invoice", "2026-10");
	cr_assert_str_eq(
	    jstr(job, "state"), "refused", "%s", json_dumps(job, 0));
	cr_assert(strstr(jstr(job, "message"), "2026-10") != NULL, "%s",
	    jstr(job, "message"));
	json_decref(job);
	cr_assert_eq(run_int("SELECT count(*) FROM invoices"), 0);
	unchanged(0, events);

	/* payments: each field checked as sepactl payment record does */
	for (size_t i = 0; i < sizeof(bad_payments) / sizeof(bad_payments[0]);
	     i++) {
		cr_assert_eq(webclient_post(&fin, &run, "/api/payment",
		                 bad_payments[i].body, true),
		    bad_payments[i].status, "%s: %s", bad_payments[i].body,
		    fin.body);
		cr_assert(strstr(fin.body, bad_payments[i].says) != NULL, "%s",
		    fin.body);
	}
	big = calloc(1, 8193);
	memset(big, ' ', 8192);
	big[0] = '{';
	big[8191] = '}';
	cr_assert_eq(
	    webclient_post(&fin, &run, "/api/payment", big, true), 413);
	free(big);
	/* without the token; a viewer with a valid one */
	cr_assert_eq(webclient_post(&fin, &run, "/api/month/collect",
	                 "{\"month\":\"2026-10\"}", false),
	    403);
	cr_assert_eq(webclient_post(&view, &run, "/api/month/collect",
	                 "{\"month\":\"2026-10\"}", true),
	    403);
	cr_assert(strstr(view.body, "forbidden") != NULL, "%s", view.body);
	cr_assert_eq(webclient_post(&view, &run, "/api/payment",
	                 "{\"invoice\":\"F2026-09-000001\",\"amount\":"
	                 "\"10\",\"date\":\"2026-10-01\",\"method\":\"cash\"}",
	                 true),
	    403);
	cr_assert_eq(webclient_get(&view, &run,
	                 "/api/month/file?kind=notices&id=2026-09"),
	    403);
	cr_assert_eq(webclient_get(&view, &run, "/api/month/job"), 200);
	unchanged(0, events);
	webclient_free(&fin);
	webclient_free(&view);
}
