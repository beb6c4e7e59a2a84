/*
 * cmd_init.c - `sepactl init`: create or migrate the database.
 */
#include <stdio.h>

#include "sepa/error.h"
#include "commands.h"
#include "ctl.h"
#include "i18n.h"
#include "log.h"
#include "store_creditor.h"
#include "store_schema.h"

int
cmd_init(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;
	int64_t creditor = 0;
	int rc, applied, version;

	(void)argv;
	if (argc != 1) {
		log_warnx("init takes no argument (see sepactl init --help)");
		return CTL_USAGE;
	}
	if ((rc = ctl_db(ctl, &db)) != CTL_OK)
		return rc;
	if (store_schema_migrate(
	        db, store_schema_dir(), &applied, &version, &err) != 0)
		return ctl_fail(
		    err.code == SEPA_EIO ? CTL_INTERNAL : CTL_REFUSED, &err,
		    "could not migrate the database; it is unchanged");
	/*
	 * The configured creditor, if any, gets its row now, so that the
	 * commands that import or bill can find it. Its own transaction: the
	 * schema above is committed whatever happens here.
	 */
	if (ctl->cfg.cred_ics[0] != '\0') {
		if (ctl->cfg.cred_name[0] == '\0') {
			sepa_error_setw(&err, SEPA_EINVAL, ctl->cfg.path, 0,
			    "key \"creditor.name\" must be set with creditor.ics");
			return ctl_fail(CTL_REFUSED, &err,
			    "could not register the creditor");
		}
		if (store_creditor_ensure(db, ctl->cfg.cred_ics,
		        ctl->cfg.cred_name, &creditor, &err) != 0)
			return ctl_fail(CTL_INTERNAL, &err,
			    "could not register the creditor %s",
			    ctl->cfg.cred_ics);
	}
	if (applied == 0)
		printf(
		    _("database schema is up to date (version %d)\n"), version);
	else
		printf(ngettext("database schema migrated to version %d (%d "
		                "migration applied)\n",
		           "database schema migrated to version %d (%d "
		           "migrations applied)\n",
		           (unsigned long)applied),
		    version, applied);
	if (creditor != 0)
		printf(_("creditor %s registered (%s)\n"), ctl->cfg.cred_ics,
		    ctl->cfg.cred_name);
	return CTL_OK;
}
