/*
 * cmd_collect.c - `sepactl collect --month YYYY-MM`: record the collection
 * month's batches (store_collect_prepare), then write and release their
 * pain.008 files (store_collect_write). Safe to run again: released files
 * are reported, prepared ones written again byte for byte.
 * `sepactl collect cancel MSGID --why TEXT`: cancel a recorded part that
 * was never released (store_batch_cancel).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/money.h"
#include "afile.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "i18n.h"
#include "log.h"
#include "store_batch.h"
#include "store_collect.h"
#include "store_creditor.h"

const char *
ctl_schema_dir(void)
{
	const char *env = getenv("SEPAD_SCHEMA_DIR");

	return env != NULL && env[0] != '\0' ? env : SEPAD_SRCDIR "/schemas";
}

void
ctl_print_file(void *arg, const struct collect_file *f)
{
	static const char *const verb[] = {
	    N_("written"), N_("verified"), N_("released"), N_("released")};
	char amount[SEPA_MONEY_BUFSZ];

	(void)arg;
	if (f->outcome == COLLECT_FILE_TAKEN)
		printf(f->pes ? _("%s %s (taken from the outbox before its "
		                  "release was recorded): %" PRId64
		                  " pieces, %s EUR, sha256 %s\n")
		              : _("%s %s (taken from the outbox before its "
		                  "release was recorded): %" PRId64
		                  " transactions, %s EUR, sha256 %s\n"),
		    _(verb[f->outcome]), f->file_name, f->nb_of_txs,
		    i18n_money(amount, f->ctrl_sum), f->sha256);
	else
		printf(f->pes
		        ? _("%s %s: %" PRId64 " pieces, %s EUR, sha256 %s\n")
		        : _("%s %s: %" PRId64
		            " transactions, %s EUR, sha256 %s\n"),
		    _(verb[f->outcome]), f->path, f->nb_of_txs,
		    i18n_money(amount, f->ctrl_sum), f->sha256);
}

/* How far the file is, as counts: to the thread's report (the console),
 * and on a terminal to stderr, one line. */
static void
collect_print_progress(void *arg, const char *file, int64_t done, int64_t total)
{
	(void)arg;
	ctl_progress(file, done, total);
	if (!isatty(STDERR_FILENO))
		return;
	fputc('\r', stderr);
	fprintf(stderr,
	    _("writing %s: %" PRId64 " of %" PRId64 " transactions"), file,
	    done, total);
	if (done >= total)
		fputc('\n', stderr);
}

/* collect for one month: shared with the cycle. */
int
ctl_collect_month(struct ctl *ctl, sepa_month month)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct collect_summary sum;
	char mon[SEPA_MONTH_BUFSZ], amount[SEPA_MONEY_BUFSZ];
	struct db *db;
	int64_t creditor;
	int rc;

	sepa_month_iso(mon, month);
	if (config_require_creditor(&ctl->cfg, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err, "cannot collect");
	if ((rc = ctl_db(ctl, &db)) != CTL_OK)
		return rc;
	if (store_creditor_find(db, ctl->cfg.cred_ics, &creditor, &err) != 0)
		return ctl_fail(
		    err.code == SEPA_ENOTFOUND ? CTL_REFUSED : CTL_INTERNAL,
		    &err, "cannot collect %s", mon);
	ctl_progress("record", 0, 0);
	if (store_collect_prepare(
	        db, creditor, &ctl->cfg, month, ctl->today, &sum, &err) != 0)
		return ctl_fail(
		    err.code == SEPA_EINVAL ? CTL_REFUSED : CTL_INTERNAL, &err,
		    "could not record the collections of %s", mon);
	if (sum.ics[0] != '\0' && strcmp(sum.ics, ctl->cfg.cred_ics) != 0)
		log_warnx("the configuration names creditor.ics %s, the "
		          "creditor's identifier is %s today: the files carry "
		          "%s (set creditor.ics in %s)",
		    ctl->cfg.cred_ics, sum.ics, sum.ics, ctl->cfg.path);
	if (sum.other_means > 0)
		printf(
		    _("%s: %" PRId64
		      " invoice(s) payable by other means (no active mandate); "
		      "see sepactl status\n"),
		    mon, sum.other_means);
	if (sum.late > 0)
		printf(
		    _("%s: %" PRId64
		      " invoice(s) due too soon for the bank, not collected; see "
		      "sepactl status\n"),
		    mon, sum.late);
	if (sum.refused > 0)
		printf(ctl->cfg.treasury_channel == CONFIG_CHANNEL_PES
		        ? _("%s: %" PRId64
		            " invoice(s) left out, the PES writer would refuse "
		            "their debit (moved to next month's flow); see "
		            "sepactl status\n")
		        : _("%s: %" PRId64
		            " invoice(s) left out, the pain.008 writer would "
		            "refuse their debit (moved to next month's file); "
		            "see sepactl status\n"),
		    mon, sum.refused);
	if (sum.deferred > 0)
		printf(_("%s: %" PRId64
		         " invoice(s) deferred to next month's file (the "
		         "mandate's first debit or account change goes alone); "
		         "see sepactl status\n"),
		    mon, sum.deferred);
	if (sum.prepared > 0 && sum.pes_pieces > 0) {
		char debited[SEPA_MONEY_BUFSZ];

		printf(
		    _("%s: %" PRId64 " pieces, %s EUR, of which %" PRId64
		      " debited by the treasury (%s EUR), recorded in one PES "
		      "flow\n"),
		    mon, sum.pes_pieces, i18n_money(amount, sum.pes_amount),
		    sum.collections, i18n_money(debited, sum.amount_cents));
	} else if (sum.prepared > 0)
		printf(_("%s: %" PRId64 " collections, %s EUR, recorded in "
		         "%" PRId64 " file(s)\n"),
		    mon, sum.collections, i18n_money(amount, sum.amount_cents),
		    sum.prepared);
	/* sepactl by hand may come first: the outbox as tmpfiles makes it */
	if (afile_mkdirs(ctl->cfg.dir_outbox, &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not write the files of %s", mon);
	if (store_collect_write(db, creditor, month, ctl->today,
	        ctl->cfg.dir_outbox, ctl_schema_dir(), ctl_print_file,
	        collect_print_progress, NULL, &sum, &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not write the files of %s", mon);
	if ((rc = ctl_notice_corrections(ctl, db, creditor, month)) != CTL_OK)
		return rc;
	if (sum.prepared == 0 && sum.already_recorded == 0)
		printf(_("%s: nothing to collect\n"), mon);
	else if (sum.written == 0 && sum.taken == 0)
		printf(_("%s: %" PRId64 " file(s) already released\n"), mon,
		    sum.already_released);
	return CTL_OK;
}

/* collect cancel MSGID --why TEXT */
static int
collect_cancel(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct batch_cancel_result res;
	char mon[SEPA_MONTH_BUFSZ], amount[SEPA_MONEY_BUFSZ];
	struct db *db;
	int64_t creditor;
	int rc;

	if (argc != 4 || strcmp(argv[2], "--why") != 0) {
		log_warnx("collect cancel needs MSGID --why TEXT (see sepactl "
		          "collect --help)");
		return CTL_USAGE;
	}
	if (config_require_creditor(&ctl->cfg, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err, "cannot cancel %s", argv[1]);
	if ((rc = ctl_db(ctl, &db)) != CTL_OK)
		return rc;
	if (store_creditor_find(db, ctl->cfg.cred_ics, &creditor, &err) != 0 ||
	    store_batch_cancel(db, creditor, argv[1], argv[3],
	        ctl->cfg.dir_outbox, ctl->today, &res, &err) != 0)
		return ctl_fail(err.code == SEPA_ENOTFOUND ||
		            err.code == SEPA_EINVAL || err.code == SEPA_ESTATE
		        ? CTL_REFUSED
		        : CTL_INTERNAL,
		    &err, "could not cancel %s", argv[1]);
	sepa_month_iso(mon, res.month);
	printf(_("cancelled %s (%s): %" PRId64 " collections, %s EUR; nothing "
	         "of it will be written\n"),
	    argv[1], res.file_name, res.collections,
	    i18n_money(amount, res.amount_cents));
	printf(_("%s: %" PRId64
	         " invoice(s) to be collected again: run sepactl collect "
	         "--month %s to record them in a new file\n"),
	    mon, res.invoices, mon);
	return CTL_OK;
}

int
cmd_collect(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_month month;

	if (argc >= 2 && strcmp(argv[1], "cancel") == 0)
		return collect_cancel(ctl, argc - 1, argv + 1);
	if (argc != 3 || strcmp(argv[1], "--month") != 0) {
		log_warnx("collect needs --month YYYY-MM (see sepactl collect "
		          "--help)");
		return CTL_USAGE;
	}
	if (sepa_month_parse(&month, argv[2], &err) != 0)
		return ctl_fail(CTL_USAGE, &err, "bad --month");
	return ctl_collect_month(ctl, month);
}
