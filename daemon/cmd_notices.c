/*
 * cmd_notices.c - `sepactl notices pdf|send --month YYYY-MM`: the month's
 * avis d'échéance as PDF (also written by the invoice run), and each one
 * e-mailed to its family.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "doc.h"
#include "log.h"
#include "notice_pdf.h"
#include "store_creditor.h"

int
ctl_notices_pdf(struct ctl *ctl, struct db *db, int64_t cred, sepa_month month)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct doc_sender ds;
	char m[SEPA_MONTH_BUFSZ], *all;
	int64_t count;
	double t0 = log_clock();

	sepa_month_iso(m, month);
	doc_sender_from_config(&ds, &ctl->cfg);
	if (notice_pdf_write_month(
	        db, cred, &ds, month, ctl->cfg.dir_outbox, &count, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err,
		    "the PDF notices of %s could not be written (run `sepactl "
		    "notices pdf --month %s` again)",
		    m, m);
	log_debug("the PDF notices took %.2f s", log_clock() - t0);
	all = notice_pdf_month_path(ctl->cfg.dir_outbox, month);
	printf("PDF notices: %" PRId64 " in %s/notices/pdf/%s, all of them "
	       "in %s\n",
	    count, ctl->cfg.dir_outbox, m, all);
	free(all);
	return CTL_OK;
}

/* --month YYYY-MM, the only argument of both subcommands. */
static int
notices_month(int argc, char **argv, sepa_month *month)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *arg = NULL;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--month") == 0 && i + 1 < argc)
			arg = argv[++i];
		else if (strncmp(argv[i], "--month=", 8) == 0)
			arg = argv[i] + 8;
		else {
			log_warnx("notices %s: unexpected argument \"%s\" (see "
			          "sepactl notices --help)",
			    argv[1], argv[i]);
			return CTL_USAGE;
		}
	}
	if (arg == NULL) {
		log_warnx("notices %s needs --month YYYY-MM (see sepactl "
		          "notices --help)",
		    argv[1]);
		return CTL_USAGE;
	}
	if (sepa_month_parse(month, arg, &err) != 0)
		return ctl_fail(CTL_USAGE, &err, "notices: bad --month");
	return CTL_OK;
}

int
cmd_notices(struct ctl *ctl, int argc, char **argv)
{
	sepa_month month;
	struct db *db;
	int64_t cred;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "pdf") != 0)) {
		log_warnx("notices needs pdf (see sepactl notices --help)");
		return CTL_USAGE;
	}
	if ((rc = notices_month(argc, argv, &month)) != CTL_OK)
		return rc;
	if ((rc = ctl_returns_creditor(ctl, &db, &cred)) != CTL_OK)
		return rc;
	return ctl_notices_pdf(ctl, db, cred, month);
}
