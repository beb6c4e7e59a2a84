/*
 * web_report.c - the console's Rapports (docs/api.md, "Reports"): the
 * months a report can be asked for, and the month's report for the
 * finance department made on request as `sepactl report --month` makes
 * it (ctl_report_read: the store's figures in one read-only snapshot;
 * ctl_report_form: report.c's HTML page, report_pdf.c's PDF), never
 * kept on disk. The HTML page is shown in the console's frame, where it
 * runs no script (web_req_frame); the PDF is an attachment.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "commands.h"
#include "ctl.h"
#include "log.h"
#include "report.h"
#include "store_report.h"
#include "web_internal.h"

/* GET /api/reports: the months billed, newest first, with the month
 * each one's invoices bill. */
static void
api_reports(struct web_req *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	char m[SEPA_MONTH_BUFSZ], b[SEPA_MONTH_BUFSZ];
	sepa_month *months = NULL;
	size_t n = 0;
	int64_t cred;
	json_t *list;

	if ((cred = api_creditor(r)) <= 0)
		return;
	if (store_report_months(web_req_db(r), cred, &months, &n, &err) != 0) {
		web_reply_store(r, &err);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list,
		    json_pack("{s:s, s:s}", "month",
		        sepa_month_iso(m, months[i]), "bills",
		        sepa_month_iso(b, sepa_month_billed_by(months[i]))));
	free(months);
	web_reply(r, 200, json_pack("{s:o}", "months", list));
}

/* The query's month, read as the month's routes read theirs; false
 * with a refusal naming the field made. */
static bool
report_month(struct web_req *r, sepa_month *month)
{
	const char *text = web_req_arg(r, "month");

	if (text == NULL) {
		web_refuse_field(r, "month", "the month is needed, as YYYY-MM");
		return false;
	}
	return web_month_arg(r, text, month);
}

/* The month's report made in memory as HTML or PDF, then sent. */
static void
report_reply(struct web_req *r, bool pdf)
{
	sepa_error err = SEPA_ERROR_INIT;
	char m[SEPA_MONTH_BUFSZ], name[32], *buf = NULL;
	struct report_doc d;
	struct report rep;
	sepa_month month;
	struct ctl *ctl;
	size_t len = 0;
	int64_t cred;
	FILE *fp;
	int rc;

	if (!report_month(r, &month) || (cred = api_creditor(r)) <= 0 ||
	    (ctl = web_req_ctl(r)) == NULL)
		return;
	if (ctl_report_read(ctl, cred, month, &rep, &d, &err) != 0) {
		web_reply_store(r, &err);
		return;
	}
	if ((fp = open_memstream(&buf, &len)) == NULL)
		fatal("web: could not make the report in memory");
	rc = ctl_report_form(ctl, fp, &d, pdf, &err);
	if (fclose(fp) != 0 && rc == 0)
		rc = sepa_error_set(&err, SEPA_EIO,
		    "could not make the report: %s", strerror(errno));
	store_report_free(&rep);
	if (rc != 0) {
		free(buf);
		web_reply_store(r, &err);
		return;
	}
	snprintf(
	    name, sizeof(name), "rapport-%s.pdf", sepa_month_iso(m, month));
	web_reply_doc(r, buf, len,
	    pdf ? "application/pdf" : "text/html; charset=utf-8",
	    pdf ? name : NULL);
}

/* GET /api/report/html?month=M: the page, shown in the console's frame
 * (its refusals too). */
static void
api_report_html(struct web_req *r)
{
	web_req_frame(r);
	report_reply(r, false);
}

/* GET /api/report/pdf?month=M: the PDF, as rapport-M.pdf. */
static void
api_report_pdf(struct web_req *r)
{
	report_reply(r, true);
}

const struct web_route web_report_routes[] = {
    {"GET", "/api/reports", WEB_VIEWER, api_reports},
    {"GET", "/api/report/html", WEB_VIEWER, api_report_html},
    {"GET", "/api/report/pdf", WEB_VIEWER, api_report_pdf},
    {NULL, NULL, WEB_PUBLIC, NULL},
};
