/*
 * cmd_returns.c - `sepactl import returns FILE...` (bank returns, each
 * file in its own transaction), `sepactl recovery export` (the unpaid
 * invoices for the treasury).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "i18n.h"
#include "log.h"
#include "store_credit.h"
#include "store_creditor.h"
#include "store_pes_acquit.h"
#include "store_recovery.h"
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
		printf(_("%s: already imported (file %" PRId64
		         "), nothing changed\n"),
		    path, res.file_id);
	else
		printf(
		    ngettext("%s: PES acquit of %s, %" PRId64
		             " record, %" PRId64 " errors: %" PRId64
		             " bordereau(x) taken in charge, %" PRId64
		             " rejected; %" PRId64
		             " collections cancelled, %" PRId64
		             " invoices due for recovery again\n",
		        "%s: PES acquit of %s, %" PRId64 " records, %" PRId64
		        " errors: %" PRId64
		        " bordereau(x) taken in charge, %" PRId64
		        " rejected; %" PRId64 " collections cancelled, %" PRId64
		        " invoices due for recovery again\n",
		        res.records),
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
			printf(_("%s: already imported (file %" PRId64
			         "), nothing changed\n"),
			    argv[i], res.file_id);
		else
			printf(
			    ngettext(
			        "%s: %s, %" PRId64 " record: %" PRId64
			        " applied, %" PRId64 " duplicates, %" PRId64
			        " stored, %" PRId64 " quarantined; %" PRId64
			        " collections changed, %" PRId64
			        " mandates terminated, %" PRId64 " suspended\n",
			        "%s: %s, %" PRId64 " records: %" PRId64
			        " applied, %" PRId64 " duplicates, %" PRId64
			        " stored, %" PRId64 " quarantined; %" PRId64
			        " collections changed, %" PRId64
			        " mandates terminated, %" PRId64 " suspended\n",
			        res.records),
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
		fputs(_("no credit to refund\n"), stdout);
		return CTL_OK;
	}
	printf(ngettext("%s: %" PRId64 " credit to refund, %s EUR\n",
	           "%s: %" PRId64 " credits to refund, %s EUR\n", count),
	    path, count, i18n_money(amount, total));
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
		printf(
		    ngettext("%" PRId64 " invoice due for recovery left out, "
		             "the PES writer would refuse its titre; see "
		             "sepactl status\n",
		        "%" PRId64 " invoices due for recovery left out, "
		        "the PES writer would refuse their titre; see "
		        "sepactl status\n",
		        res.refused),
		    res.refused);
	if (rc != 0)
		return ctl_fail(
		    err.code == SEPA_EINVAL ? CTL_REFUSED : CTL_INTERNAL, &err,
		    "could not export the recovery");
	if (res.count > 0)
		printf(ngettext("%" PRId64 " invoice, %s EUR due, recorded in "
		                "one PES flow of titres\n",
		           "%" PRId64 " invoices, %s EUR due, recorded in one "
		           "PES flow of titres\n",
		           res.count),
		    res.count, i18n_money(amount, res.total));
	else if (res.written == 0)
		fputs(_("nothing is due for recovery\n"), stdout);
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
		fputs(_("nothing is due for recovery\n"), stdout);
		return CTL_OK;
	}
	printf(ngettext("%s: %" PRId64 " invoice, %s EUR due\n",
	           "%s: %" PRId64 " invoices, %s EUR due\n", count),
	    path, count, i18n_money(amount, total));
	free(path);
	return CTL_OK;
}
