/*
 * cmd_init.c - `sepactl init`: create or migrate the database.
 */
#include <stdio.h>

#include "sepad.h"

int
cmd_init(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;
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
	if (applied == 0)
		printf("database schema is up to date (version %d)\n", version);
	else
		printf(
		    "database schema migrated to version %d (%d migration%s applied)\n",
		    version, applied, applied > 1 ? "s" : "");
	return CTL_OK;
}
