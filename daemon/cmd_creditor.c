/*
 * cmd_creditor.c - `sepactl creditor change-ics NEW --from DATE`: the
 * creditor's new SEPA creditor identifier (store_creditor_change_ics).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "i18n.h"
#include "log.h"
#include "store_creditor.h"

static int
creditor_change_ics(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct creditor_ics_change res;
	char day[SEPA_DATE_BUFSZ];
	sepa_date from;
	struct db *db;
	int64_t cred;
	int rc;

	if (argc != 4 || strcmp(argv[2], "--from") != 0) {
		log_warnx("creditor change-ics needs NEW --from DATE (see "
		          "sepactl creditor --help)");
		return CTL_USAGE;
	}
	if (sepa_date_parse(&from, argv[3], &err) != 0)
		return ctl_fail(CTL_USAGE, &err, "bad --from");
	if (config_require_creditor(&ctl->cfg, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err, "cannot change the ICS");
	if ((rc = ctl_db(ctl, &db)) != CTL_OK)
		return rc;
	if (store_creditor_find(db, ctl->cfg.cred_ics, &cred, &err) != 0 ||
	    store_creditor_change_ics(
	        db, cred, argv[1], from, ctl->today, &res, &err) != 0)
		return ctl_fail(
		    err.code == SEPA_EINVAL || err.code == SEPA_ENOTFOUND
		        ? CTL_REFUSED
		        : CTL_INTERNAL,
		    &err, "could not change the ICS to %s", argv[1]);
	i18n_date(day, from);
	printf(_("creditor %s: its ICS is %s from %s\n"), res.old_ics,
	    res.new_ics, day);
	printf(_("%" PRId64 " mandate(s): each one's next debit declares the "
	         "old ICS %s (OrgnlCdtrSchmeId), once\n"),
	    res.mandates, res.old_ics);
	printf(_("set creditor.ics = \"%s\" in %s; sepad finds the creditor by "
	         "either\n"),
	    res.new_ics, ctl->cfg.path);
	return CTL_OK;
}

int
cmd_creditor(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "change-ics") == 0)
		return creditor_change_ics(ctl, argc - 1, argv + 1);
	log_warnx("creditor needs change-ics (see sepactl creditor --help)");
	return CTL_USAGE;
}
