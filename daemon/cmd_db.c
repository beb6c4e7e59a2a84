/*
 * cmd_db.c - `sepactl db start|stop`: the private cluster by hand (it is
 * otherwise started on demand and left running).
 */
#include <stdio.h>
#include <string.h>

#include "sepa/error.h"
#include "commands.h"
#include "ctl.h"
#include "log.h"
#include "pgcluster.h"

int
cmd_db(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	char conninfo[1024];

	if (argc != 2 ||
	    (strcmp(argv[1], "start") != 0 && strcmp(argv[1], "stop") != 0)) {
		log_warnx("db needs start or stop (see sepactl db --help)");
		return CTL_USAGE;
	}
	if (ctl->cfg.db_conninfo[0] != '\0') {
		if (strcmp(argv[1], "start") == 0)
			log_warnx("could not start the private database: "
			          "database.conninfo names another server");
		else
			log_warnx("could not stop the private database: "
			          "database.conninfo names another server");
		return CTL_REFUSED;
	}
	if (strcmp(argv[1], "start") == 0) {
		if (pgcluster_ensure(ctl->cfg.db_data_dir, 1, conninfo,
		        sizeof(conninfo), &err) != 0)
			return ctl_fail(CTL_INTERNAL, &err,
			    "could not start the private database");
		printf("%s\n", conninfo);
		return CTL_OK;
	}
	if (pgcluster_stop(ctl->cfg.db_data_dir, &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not stop the private database");
	return CTL_OK;
}
