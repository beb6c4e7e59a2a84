/*
 * cmd_returns.c - `sepactl import returns FILE...` (bank returns, each
 * file in its own transaction), `sepactl recovery export` (the unpaid
 * invoices for the treasury) and `sepactl report` (the month's figures;
 * `report caf` is in cmd_caf.c).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/money.h"
#include "sepa/pes.h"
#include "sepa/reasons.h"
#include "sepa/rules.h"
#include "afile.h"
#include "commands.h"
#include "config.h"
#include "csvout.h"
#include "ctl.h"
#include "htmlout.h"
#include "log.h"
#include "store_credit.h"
#include "store_creditor.h"
#include "store_ledger.h"
#include "store_pes_acquit.h"
#include "store_recovery.h"
#include "store_report.h"
#include "store_returns.h"

int
ctl_returns_creditor(struct ctl *ctl, struct db **db, int64_t *id)
{
	sepa_error err = SEPA_ERROR_INIT;
	int rc;

	if ((rc = ctl_db(ctl, db)) != CTL_OK)
		return rc;
	/* Only the ICS is needed here, not what a collection file needs. */
	if (ctl->cfg.cred_ics[0] == '\0')
		return ctl_fail(CTL_REFUSED, NULL,
		    "key \"creditor.ics\" must be set (%s)", ctl->cfg.path);
	if (store_creditor_find(*db, ctl->cfg.cred_ics, id, &err) != 0) {
		if (err.code == SEPA_ENOTFOUND)
			return ctl_fail(CTL_REFUSED, NULL,
			    "creditor %s is not registered; run `sepactl init`",
			    ctl->cfg.cred_ics);
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not read the creditor");
	}
	return CTL_OK;
}

void
ctl_returns_policy(struct ctl *ctl, struct returns_policy *pol)
{
	pol->creditor_side_codes = &ctl->cfg.creditor_side_codes;
	pol->dead_account_codes = &ctl->cfg.dead_account_codes;
	pol->max_per_school_year = ctl->cfg.max_rejects_per_school_year;
	pol->accept_unqualified = ctl->cfg.returns_accept_unqualified;
}

/* Whether the file at path is a PES_ACQUIT (its root element). */
static int
returns_is_acquit(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0 && sepa_pes_sniff(buf, (size_t)n) == SEPA_PES_DOC_ACQUIT;
}

/*
 * A PES_ACQUIT: matched to its flow, recorded, its rejected bordereaux
 * acted on (store_pes_acquit_import). CTL_OK, or the failure's status.
 */
static int
returns_import_acquit(struct ctl *ctl, struct db *db, int64_t cred,
    const struct returns_policy *pol, const char *path)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct pes_acquit_result res;
	int rc;

	rc = store_pes_acquit_import(
	    db, cred, path, pol, ctl->today, &res, &err);
	if (rc != 0)
		return ctl_fail(rc == SEPA_EINVAL || rc == SEPA_EXML ||
		            rc == SEPA_ELIMIT || rc == SEPA_EIO
		        ? CTL_REFUSED
		        : CTL_INTERNAL,
		    &err, "%s refused, nothing changed", path);
	if (res.already)
		printf("%s: already imported (file %" PRId64
		       "), nothing changed\n",
		    path, res.file_id);
	else
		printf("%s: PES acquit of %s, %" PRId64 " records, %" PRId64
		       " errors: %" PRId64 " bordereau(x) taken in charge, "
		       "%" PRId64 " rejected; %" PRId64
		       " collections cancelled, %" PRId64
		       " invoices due for recovery again\n",
		    path, res.nom_fic, res.records, res.errors, res.accepted,
		    res.rejected, res.cancelled, res.recovery_back);
	return CTL_OK;
}

int
cmd_import_returns(struct ctl *ctl, int argc, char **argv)
{
	struct returns_policy pol;
	struct db *db;
	int64_t cred;
	int rc, status = CTL_OK;

	if (argc < 3 || strcmp(argv[1], "returns") != 0) {
		log_warnx("import needs returns FILE... (see sepactl import "
		          "--help)");
		return CTL_USAGE;
	}
	if ((rc = ctl_returns_creditor(ctl, &db, &cred)) != CTL_OK)
		return rc;
	ctl_returns_policy(ctl, &pol);
	for (int i = 2; i < argc; i++) {
		sepa_error err = SEPA_ERROR_INIT;
		struct returns_result res;

		if (returns_is_acquit(argv[i])) {
			if ((rc = returns_import_acquit(
			         ctl, db, cred, &pol, argv[i])) > status)
				status = rc;
			continue;
		}
		rc = store_returns_import(
		    db, cred, argv[i], &pol, ctl->today, &res, &err);
		if (rc != 0) {
			int st = rc == SEPA_EINVAL || rc == SEPA_EXML ||
			        rc == SEPA_ELIMIT || rc == SEPA_EIO
			    ? CTL_REFUSED
			    : CTL_INTERNAL;

			ctl_fail(
			    st, &err, "%s refused, nothing changed", argv[i]);
			if (st > status)
				status = st;
			continue;
		}
		if (res.already)
			printf("%s: already imported (file %" PRId64
			       "), nothing changed\n",
			    argv[i], res.file_id);
		else
			printf("%s: %s, %" PRId64 " records: %" PRId64
			       " applied, %" PRId64 " duplicates, %" PRId64
			       " stored, %" PRId64 " quarantined; %" PRId64
			       " collections changed, %" PRId64
			       " mandates terminated, %" PRId64 " suspended\n",
			    argv[i], res.type, res.records, res.applied,
			    res.duplicates, res.stored, res.quarantined,
			    res.collections, res.terminated, res.suspended);
		/* The letters follow the database: written again, the same
		 * bytes, which repairs an import interrupted after its commit. */
		if ((rc = ctl_reject_letters(ctl, db, cred, res.file_id)) >
		    status)
			status = rc;
	}
	return status;
}

int
cmd_recovery(struct ctl *ctl, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "export") == 0)
		return ctl_recovery_export(ctl);
	if (argc == 2 && strcmp(argv[1], "refunds") == 0)
		return ctl_refund_export(ctl);
	log_warnx("recovery needs export or refunds (see sepactl recovery "
	          "--help)");
	return CTL_USAGE;
}

int
ctl_refund_export(struct ctl *ctl)
{
	sepa_error err = SEPA_ERROR_INIT;
	char *path = NULL, amount[SEPA_MONEY_BUFSZ];
	struct csvout_dialect d = csvout_dialect_of(&ctl->cfg);
	sepa_rules rules;
	struct db *db;
	int64_t cred, count, total;
	int rc;

	if (config_rules(&ctl->cfg, &rules, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err, "cannot list the refunds");
	if ((rc = ctl_returns_creditor(ctl, &db, &cred)) != CTL_OK)
		return rc;
	if (store_credit_refunds(db, cred, ctl->cfg.dir_outbox, &d, &rules,
	        ctl->today, &path, &count, &total, &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not list the credits to refund");
	if (path == NULL) {
		printf("no credit to refund\n");
		return CTL_OK;
	}
	printf("%s: %" PRId64 " credit%s to refund, %s EUR\n", path, count,
	    count > 1 ? "s" : "", sepa_money_xml(amount, total));
	free(path);
	return CTL_OK;
}

/*
 * The PES channel: the invoices due as a flow of ordinary titres, and
 * every recovery flow not released yet written and released.
 */
static int
recovery_export_pes(struct ctl *ctl, struct db *db, int64_t cred)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct store_recovery_result res;
	char amount[SEPA_MONEY_BUFSZ];
	int rc;

	rc = store_recovery_export_pes(db, cred, &ctl->cfg, ctl->cfg.dir_outbox,
	    ctl_schema_dir(), ctl->today, ctl_print_file, NULL, &res, &err);
	if (res.refused > 0)
		printf("%" PRId64 " invoice(s) due for recovery left out, the "
		       "PES writer would refuse their titre; see sepactl "
		       "status\n",
		    res.refused);
	if (rc != 0)
		return ctl_fail(
		    err.code == SEPA_EINVAL ? CTL_REFUSED : CTL_INTERNAL, &err,
		    "could not export the recovery");
	if (res.count > 0)
		printf("%" PRId64 " invoice%s, %s EUR due, recorded in one PES "
		       "flow of titres\n",
		    res.count, res.count > 1 ? "s" : "",
		    sepa_money_xml(amount, res.total));
	else if (res.written == 0)
		printf("nothing is due for recovery\n");
	return CTL_OK;
}

int
ctl_recovery_export(struct ctl *ctl)
{
	sepa_error err = SEPA_ERROR_INIT;
	char *path = NULL, amount[SEPA_MONEY_BUFSZ];
	struct csvout_dialect d = csvout_dialect_of(&ctl->cfg);
	struct db *db;
	int64_t cred, count, total;
	int rc;

	if ((rc = ctl_returns_creditor(ctl, &db, &cred)) != CTL_OK)
		return rc;
	if (ctl->cfg.treasury_channel == CONFIG_CHANNEL_PES)
		return recovery_export_pes(ctl, db, cred);
	if (store_recovery_export(db, cred, ctl->cfg.dir_outbox, &d,
	        ctl->cfg.represent_on_next_invoice,
	        ctl->cfg.recovery_grace_days, ctl->today, &path, &count, &total,
	        &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not export the recovery");
	if (path == NULL) {
		printf("nothing is due for recovery\n");
		return CTL_OK;
	}
	printf("%s: %" PRId64 " invoice%s, %s EUR due\n", path, count,
	    count > 1 ? "s" : "", sepa_money_xml(amount, total));
	free(path);
	return CTL_OK;
}

static const char *
report_label(const char *code)
{
	const sepa_reason *r = code[0] != '\0' ? sepa_reason_find(code) : NULL;

	return r != NULL ? r->label_fr : "motif inconnu";
}

static void
report_text(FILE *fp, const struct report *r, const char *creditor)
{
	char m[SEPA_MONTH_BUFSZ], a[SEPA_MONEY_BUFSZ];

	fprintf(
	    fp, "report for %s (%s)\n", sepa_month_iso(m, r->month), creditor);
	fprintf(fp, "collections presented: %" PRId64 ", %s EUR\n",
	    r->presented, sepa_money_xml(a, r->presented_cents));
	fprintf(fp, "collections settled: %" PRId64 ", %s EUR\n", r->settled,
	    sepa_money_xml(a, r->settled_cents));
	fprintf(fp, "  confirmed by the bank: %" PRId64 ", %s EUR\n",
	    r->settled - r->presumed,
	    sepa_money_xml(a, r->settled_cents - r->presumed_cents));
	fprintf(fp,
	    "  presumed (not returned in time, no bank answer): %" PRId64
	    ", %s EUR\n",
	    r->presumed, sepa_money_xml(a, r->presumed_cents));
	fprintf(fp,
	    "collections cancelled (file refused by the bank): %" PRId64 "\n",
	    r->cancelled);
	fprintf(fp, "unpaid by reason:%s\n", r->nreasons == 0 ? " none" : "");
	for (size_t i = 0; i < r->nreasons; i++)
		fprintf(fp, "  %s %s (%s): %" PRId64 ", %s EUR\n",
		    r->reasons[i].state,
		    r->reasons[i].code[0] != '\0' ? r->reasons[i].code : "-",
		    report_label(r->reasons[i].code), r->reasons[i].count,
		    sepa_money_xml(a, r->reasons[i].cents));
	fprintf(fp, "mandates suspended: %" PRId64 "\n", r->suspended);
	fprintf(fp, "mandates terminated: %" PRId64 "\n", r->terminated);
	fprintf(fp, "sent to recovery: %" PRId64 " invoices, %s EUR\n",
	    r->recovery, sepa_money_xml(a, r->recovery_cents));
}

/* The sums of the months printed so far, for the total line. */
struct report_sums {
	FILE *fp;
	int64_t sum[LB_NCOLS];
};

static void
report_balance_line(FILE *fp, const char *label, const int64_t *v)
{
	char a[SEPA_MONEY_BUFSZ];

	fprintf(fp, "  %-7s %5" PRId64, label, v[LB_INVOICES]);
	for (int c = LB_BILLED; c < LB_NCOLS; c++)
		fprintf(fp, " %12s", sepa_money_xml(a, v[c]));
	fputc('\n', fp);
}

static void
report_balance_month(void *arg, const char *const *cols)
{
	struct report_sums *s = arg;
	int64_t v[LB_NCOLS] = {0};

	for (int c = LB_INVOICES; c < LB_NCOLS; c++) {
		v[c] = strtoll(cols[c], NULL, 10);
		s->sum[c] += v[c];
	}
	report_balance_line(s->fp, cols[LB_MONTH], v);
}

/*
 * Every euro billed, by billed month up to `month` (migration 033): where
 * it is now, and what is left unexplained (the difference, which must be
 * 0).
 */
static int
report_balance(FILE *fp, struct db *db, int64_t cred, sepa_month month)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct report_sums s = {.fp = fp};

	fputs("balance by billed month: billed = settled by debit + paid by "
	      "other means + credits\n  + refunded + credit carried + unpaid + "
	      "in recovery + being collected (EUR)\n",
	    fp);
	fprintf(fp,
	    "  %-7s %5s %12s %12s %12s %12s %12s %12s %12s %12s %12s "
	    "%12s\n",
	    "month", "inv.", "billed", "debit", "other", "credits", "refunded",
	    "carried", "unpaid", "recovery", "collecting", "difference");
	if (store_ledger_balance(
	        db, cred, month, report_balance_month, &s, &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not read the balance");
	report_balance_line(fp, "total", s.sum);
	if (s.sum[LB_DIFFERENCE] != 0)
		fprintf(fp,
		    "the balance does not add up: %s EUR unexplained; "
		    "see sepactl family show for the families concerned\n",
		    sepa_money_xml(
		        (char[SEPA_MONEY_BUFSZ]){0}, s.sum[LB_DIFFERENCE]));
	return CTL_OK;
}

static void
report_html(FILE *fp, const struct report *r, const char *creditor)
{
	char m[SEPA_MONTH_BUFSZ], a[SEPA_MONEY_BUFSZ];
	int64_t max = 1;
	size_t n = r->nreasons;

	for (size_t i = 0; i < n; i++)
		if (r->reasons[i].count > max)
			max = r->reasons[i].count;
	sepa_month_iso(m, r->month);
	fputs(
	    "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
	    "<title>",
	    fp);
	htmlout_text(fp, creditor);
	fprintf(fp,
	    " %s</title><style>body{font-family:sans-serif}td,th{padding:"
	    "2px 8px;text-align:left}td.n{text-align:right}</style></head>"
	    "<body>\n<h1>",
	    m);
	htmlout_text(fp, creditor);
	fprintf(fp, " &#8212; %s</h1>\n<table>\n", m);
	fprintf(fp,
	    "<tr><th>collections presented</th><td class=\"n\">%" PRId64
	    "</td><td class=\"n\">%s EUR</td></tr>\n",
	    r->presented, sepa_money_xml(a, r->presented_cents));
	fprintf(fp,
	    "<tr><th>collections settled</th><td class=\"n\">%" PRId64
	    "</td><td class=\"n\">%s EUR</td></tr>\n",
	    r->settled, sepa_money_xml(a, r->settled_cents));
	fprintf(fp,
	    "<tr><th>&#8230; presumed (no bank answer)</th><td class=\"n\">"
	    "%" PRId64 "</td><td class=\"n\">%s EUR</td></tr>\n",
	    r->presumed, sepa_money_xml(a, r->presumed_cents));
	fprintf(fp,
	    "<tr><th>cancelled (file refused)</th><td class=\"n\">%" PRId64
	    "</td><td></td></tr>\n",
	    r->cancelled);
	fprintf(fp,
	    "<tr><th>mandates suspended</th><td class=\"n\">%" PRId64
	    "</td><td></td></tr>\n"
	    "<tr><th>mandates terminated</th><td class=\"n\">%" PRId64
	    "</td><td></td></tr>\n",
	    r->suspended, r->terminated);
	fprintf(fp,
	    "<tr><th>sent to recovery</th><td class=\"n\">%" PRId64
	    "</td><td class=\"n\">%s EUR</td></tr>\n</table>\n",
	    r->recovery, sepa_money_xml(a, r->recovery_cents));
	fputs("<h2>unpaid by reason</h2>\n<table>\n<tr><th>state</th><th>code"
	      "</th><th>label</th><th>count</th><th>amount</th></tr>\n",
	    fp);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr><td>", fp);
		htmlout_text(fp, r->reasons[i].state);
		fputs("</td><td>", fp);
		htmlout_text(fp, r->reasons[i].code);
		fputs("</td><td>", fp);
		htmlout_text(fp, report_label(r->reasons[i].code));
		fprintf(fp,
		    "</td><td class=\"n\">%" PRId64
		    "</td><td class=\"n\">%s EUR</td></tr>\n",
		    r->reasons[i].count,
		    sepa_money_xml(a, r->reasons[i].cents));
	}
	fputs("</table>\n", fp);
	/* The chart: one bar per state and reason, 400 px for the largest. */
	fprintf(fp,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" "
	    "height=\"%zu\" role=\"img\" aria-label=\"unpaid by reason\">\n",
	    n * 24 + 8);
	for (size_t i = 0; i < n; i++) {
		int64_t w = r->reasons[i].count * 400 / max;

		fprintf(fp, "<text x=\"0\" y=\"%zu\" font-size=\"12\">",
		    i * 24 + 20);
		htmlout_text(fp, r->reasons[i].state);
		fputc(' ', fp);
		htmlout_text(fp, r->reasons[i].code);
		fprintf(fp,
		    "</text><rect x=\"140\" y=\"%zu\" width=\"%" PRId64
		    "\" height=\"18\" fill=\"#b03030\"/><text x=\"%" PRId64
		    "\" y=\"%zu\" font-size=\"12\">%" PRId64 "</text>\n",
		    i * 24 + 6, w, 146 + w, i * 24 + 20, r->reasons[i].count);
	}
	fputs("</svg>\n</body></html>\n", fp);
}

int
cmd_report(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *month_arg = NULL, *html = NULL;
	struct report rep;
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
	report_text(stdout, &rep, ctl->cfg.cred_name);
	if ((rc = report_balance(stdout, db, cred, month)) != CTL_OK) {
		store_report_free(&rep);
		return rc;
	}
	if (html != NULL) {
		char *tmp = NULL;
		FILE *fp;
		int fd;

		xasprintf(&tmp, "%s.tmp", html);
		fd = open(
		    tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, AFILE_MODE);
		if (fd < 0 || fchmod(fd, AFILE_MODE) != 0 ||
		    (fp = fdopen(fd, "w")) == NULL) {
			log_warn("cannot create %s", tmp);
			if (fd >= 0)
				close(fd);
			rc = CTL_INTERNAL;
		} else {
			report_html(fp, &rep, ctl->cfg.cred_name);
			if (fclose(fp) != 0 || rename(tmp, html) != 0) {
				log_warn("cannot write %s", html);
				unlink(tmp);
				rc = CTL_INTERNAL;
			}
		}
		free(tmp);
	}
	store_report_free(&rep);
	return rc;
}
