/*
 * cmd_report.c - `sepactl report --month YYYY-MM [--html FILE] [--pdf
 * FILE]`: the month's report for the finance department, in French, as
 * text on stdout and, when asked, as a self-contained HTML page and a
 * PDF (each file written whole or not at all). `report caf` is in
 * cmd_caf.c.
 */
#include <stdio.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "afile.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "doc.h"
#include "log.h"
#include "report.h"
#include "report_pdf.h"
#include "store_report.h"

/* The report into path, as HTML (pdf 0) or PDF. */
static int
report_write(
    struct ctl *ctl, const char *path, const struct report_doc *d, int pdf)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct doc_sender s;
	struct afile af;
	int rc = 0;

	if (afile_open(&af, path, AFILE_MODE, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err, "could not write %s", path);
	if (pdf) {
		doc_sender_from_config(&s, &ctl->cfg);
		rc = report_pdf(af.fp, d, &s, &err);
	} else
		report_html(af.fp, d);
	if (rc != 0) {
		afile_abort(&af);
		return ctl_fail(CTL_INTERNAL, &err, "could not write %s", path);
	}
	if (afile_commit(&af, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err, "could not write %s", path);
	return CTL_OK;
}

int
cmd_report(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *month_arg = NULL, *html = NULL, *pdf = NULL;
	struct report rep;
	struct report_doc d;
	sepa_month month;
	struct db *db;
	int64_t cred;
	int rc;

	/* report caf: the yearly declaration to the CAF (cmd_caf.c). */
	if (argc >= 2 && strcmp(argv[1], "caf") == 0)
		return cmd_report_caf(ctl, argc - 1, argv + 1);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--month") == 0 && i + 1 < argc)
			month_arg = argv[++i];
		else if (strcmp(argv[i], "--html") == 0 && i + 1 < argc)
			html = argv[++i];
		else if (strcmp(argv[i], "--pdf") == 0 && i + 1 < argc)
			pdf = argv[++i];
		else {
			log_warnx("report: unexpected \"%s\" (see sepactl "
			          "report --help)",
			    argv[i]);
			return CTL_USAGE;
		}
	}
	if (month_arg == NULL) {
		log_warnx("report needs --month YYYY-MM, or caf --year YYYY");
		return CTL_USAGE;
	}
	if (sepa_month_parse(&month, month_arg, &err) != 0)
		return ctl_fail(CTL_USAGE, &err, "report: bad --month");
	if ((rc = ctl_returns_creditor(ctl, &db, &cred)) != CTL_OK)
		return rc;
	if (store_report_month(db, cred, month, &rep, &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not read the report");
	d = (struct report_doc){
	    &rep, ctl->cfg.cred_name, ctl->cfg.cred_ics, ctl->today};
	report_text(stdout, &d);
	if (html != NULL)
		rc = report_write(ctl, html, &d, 0);
	if (rc == CTL_OK && pdf != NULL)
		rc = report_write(ctl, pdf, &d, 1);
	store_report_free(&rep);
	return rc;
}
