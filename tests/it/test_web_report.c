/*
 * test_web_report.c - the console's Rapports over HTTP (libcurl) against
 * build/sepad: the months billed listed; the month's report as HTML, the
 * very bytes `sepactl report --html` writes on the same day, with the
 * headers that let the console frame it and run no script; as a PDF
 * attachment; refused without a session, and for a bad month naming the
 * field; read by a viewer too.
 */
#include <jansson.h>

#include "webrun.h"

static struct webrun run;

static void
fini(void)
{
	webrun_stop(&run);
}

/* A commune of 8 generated families whose September the cycle billed on
 * 1 October; the console on 2 October. */
static void
commune(void)
{
	struct ctlrun r;

	webrun_prepare(&run, "");
	webrun_commune(&run, 8, 5);
	webrun_ctl(&run, &r, "--today 2026-10-01 cycle");
	cr_assert_eq(r.status, 0, "%s", r.err);
	webrun_users(&run);
	webrun_start(&run);
	/* the daemon's own cycle of 2 October over before anything is read */
	for (int i = 0; i < 300 &&
	     webrun_int(&run,
	         "SELECT count(*) FROM cycle_steps WHERE step = 'recovery'"
	         " AND month = '2026-10-01'") == 0;
	     i++)
		usleep(100 * 1000);
}

static bool
has_header(const struct webclient *c, const char *line)
{
	return strstr(c->headers, line) != NULL;
}

Test(web_report, months_html_pdf, .timeout = 300, .fini = fini)
{
	char path[400], *file;
	struct webclient c;
	struct ctlrun r;
	json_t *j, *m;
	size_t len;
	FILE *fp;

	commune();
	webclient_init(&c);
	cr_assert_eq(webclient_get(&c, &run, "/api/reports"), 401);
	cr_assert_eq(
	    webclient_get(&c, &run, "/api/report/html?month=2026-10"), 401);
	cr_assert_eq(
	    webclient_get(&c, &run, "/api/report/pdf?month=2026-10"), 401);
	cr_assert_eq(webclient_login(&c, &run, WEBRUN_FINANCE), 200);

	/* the month billed: October's invoices bill September */
	cr_assert_eq(webclient_get(&c, &run, "/api/reports"), 200);
	j = json_loads(c.body, 0, NULL);
	cr_assert_not_null(j, "%s", c.body);
	m = json_array_get(json_object_get(j, "months"), 0);
	cr_assert_str_eq(
	    json_string_value(json_object_get(m, "month")), "2026-10");
	cr_assert_str_eq(
	    json_string_value(json_object_get(m, "bills")), "2026-09");
	json_decref(j);
	cr_assert(has_header(&c, "X-Frame-Options: DENY"), "%s", c.headers);

	/* the page: sepactl report's bytes, framed by the console alone */
	cr_assert_eq(
	    webclient_get(&c, &run, "/api/report/html?month=2026-10"), 200);
	cr_assert(has_header(&c, "Content-Type: text/html; charset=utf-8"));
	cr_assert(
	    has_header(&c, "X-Frame-Options: SAMEORIGIN"), "%s", c.headers);
	cr_assert(has_header(&c,
	              "default-src 'none'; style-src "
	              "'unsafe-inline'; img-src data:;"),
	    "%s", c.headers);
	cr_assert(has_header(&c, "frame-ancestors 'self'"));
	cr_assert_null(strstr(c.headers, "script"), "%s", c.headers);
	cr_assert_null(strstr(c.headers, "Content-Disposition"));
	snprintf(path, sizeof(path),
	    "--today 2026-10-02 report --month 2026-10 --html %s/r.html",
	    run.dir);
	webrun_ctl(&run, &r, path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(path, sizeof(path), "%s/r.html", run.dir);
	fp = fopen(path, "rb");
	cr_assert_not_null(fp);
	file = calloc(1, c.len + 2);
	len = fread(file, 1, c.len + 1, fp);
	fclose(fp);
	cr_assert_eq(len, c.len);
	cr_assert_eq(memcmp(file, c.body, len), 0);
	free(file);
	cr_assert_not_null(strstr(c.body, "Taux de rejet"));

	/* the PDF, an attachment */
	cr_assert_eq(
	    webclient_get(&c, &run, "/api/report/pdf?month=2026-10"), 200);
	cr_assert(has_header(&c, "Content-Type: application/pdf"));
	cr_assert(has_header(&c,
	              "Content-Disposition: attachment; "
	              "filename=\"rapport-2026-10.pdf\""),
	    "%s", c.headers);
	cr_assert(has_header(&c, "X-Frame-Options: DENY"));
	cr_assert_geq(c.len, 1000);
	cr_assert_eq(memcmp(c.body, "%PDF-", 5), 0);
	webclient_free(&c);

	/* a viewer reads them too */
	webclient_init(&c);
	cr_assert_eq(webclient_login(&c, &run, WEBRUN_VIEWER), 200);
	cr_assert_eq(webclient_get(&c, &run, "/api/reports"), 200);
	cr_assert_eq(
	    webclient_get(&c, &run, "/api/report/html?month=2026-10"), 200);
	cr_assert_eq(
	    webclient_get(&c, &run, "/api/report/pdf?month=2026-10"), 200);
	webclient_free(&c);
}

Test(web_report, bad_month, .timeout = 300, .fini = fini)
{
	static const char *const bad[] = {"", "2026-13", "10/2026",
	    "2026-10-01", "%3Cscript%3E", "2026-1x", "999999999999999999999"};
	struct webclient c;
	char path[200];
	json_t *j;

	commune();
	webclient_init(&c);
	cr_assert_eq(webclient_login(&c, &run, WEBRUN_VIEWER), 200);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (int pdf = 0; pdf < 2; pdf++) {
			snprintf(path, sizeof(path), "/api/report/%s?month=%s",
			    pdf ? "pdf" : "html", bad[i]);
			cr_assert_eq(
			    webclient_get(&c, &run, path), 400, "%s", path);
			j = json_loads(c.body, 0, NULL);
			cr_assert_not_null(j, "%s: %s", path, c.body);
			cr_assert_str_eq(
			    json_string_value(json_object_get(j, "field")),
			    "month", "%s", path);
			cr_assert_str_eq(
			    json_string_value(json_object_get(j, "error")),
			    "refused");
			json_decref(j);
			/* the page's refusals are shown in its frame */
			cr_assert(has_header(&c,
			              pdf ? "X-Frame-Options: DENY"
			                  : "X-Frame-Options: SAMEORIGIN"),
			    "%s", c.headers);
		}
	/* without the argument */
	cr_assert_eq(webclient_get(&c, &run, "/api/report/pdf"), 400);
	/* a month nothing was billed in: its report, of nothing */
	cr_assert_eq(
	    webclient_get(&c, &run, "/api/report/html?month=2030-01"), 200);
	cr_assert_not_null(strstr(c.body, "janvier 2030"));
	webclient_free(&c);
}
