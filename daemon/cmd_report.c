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

int
ctl_report_read(struct ctl *ctl, int64_t creditor, sepa_month month,
    struct report *rep, struct report_doc *d, sepa_error *err)
{
	if (store_report_month(ctl->db, creditor, month, rep, err) != 0)
		return -1;
	*d = (struct report_doc){
	    rep, ctl->cfg.cred_name, ctl->cfg.cred_ics, ctl->today};
	return 0;
}

int
ctl_report_form(const struct ctl *ctl, FILE *fp, const struct report_doc *d,
    bool pdf, sepa_error *err)
{
	struct doc_sender s;

	if (!pdf) {
		report_html(fp, d);
		return 0;
	}
	doc_sender_from_config(&s, &ctl->cfg);
	return report_pdf(fp, d, &s, err);
}

/* The report into path, as HTML (pdf false) or PDF. */
static int
report_write(
    struct ctl *ctl, const char *path, const struct report_doc *d, bool pdf)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct afile af;

	if (afile_open(&af, path, AFILE_MODE, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err, "could not write %s", path);
	if (ctl_report_form(ctl, af.fp, d, pdf, &err) != 0) {
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
	if (ctl_report_read(ctl, cred, month, &rep, &d, &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not read the report");
	report_text(stdout, &d);
	if (html != NULL)
		rc = report_write(ctl, html, &d, false);
	if (rc == CTL_OK && pdf != NULL)
		rc = report_write(ctl, pdf, &d, true);
	store_report_free(&rep);
	return rc;
}
