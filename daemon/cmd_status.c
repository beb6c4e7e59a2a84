/*
 * cmd_status.c - `sepactl status`: is the database reachable, at which
 * schema version, and how much does it hold.
 */
#include <stdio.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "commands.h"
#include "ctl.h"
#include "log.h"
#include "store_creditor.h"
#include "store_cycle.h"
#include "store_schema.h"
#include "store_status.h"

/* A figure of the database, with what to run when it is not zero. */
static void
status_figure(void *arg, const struct status_count *c)
{
	(void)arg;
	printf("%s: %lld", c->label, (long long)c->count);
	if (c->count > 0 && c->hint != NULL)
		printf(" (%s)", c->hint);
	printf("\n");
}

static void
status_line(void *arg, const char *section, const char *text)
{
	(void)arg;
	if (strcmp(section, "attention-total") == 0)
		printf("events needing attention: %s%s\n", text,
		    strcmp(text, "0") != 0
		        ? " (sepactl attention list; attention ack to clear)"
		        : "");
	else
		printf("%s: %s\n", section, text);
}

int
cmd_status(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	char today[SEPA_DATE_BUFSZ];
	struct db *db;
	int rc, version;

	(void)argv;
	if (argc != 1) {
		log_warnx(
		    "status takes no argument (see sepactl status --help)");
		return CTL_USAGE;
	}
	printf("configuration: %s\n", ctl->cfg.path);
	snprintf(today, sizeof(today), "%04d-%02d-%02d", ctl->today.year,
	    ctl->today.month, ctl->today.day);
	printf("business date: %s\n", today);
	if (ctl->cfg.db_conninfo[0] == '\0')
		printf(
		    "database: private cluster in %s\n", ctl->cfg.db_data_dir);
	else
		printf("database: database.conninfo\n");
	if ((rc = ctl_db(ctl, &db)) != CTL_OK)
		return rc;
	if (store_schema_version(db, &version, &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not read the database status");
	printf("database: reachable, schema version %d\n", version);
	if (version == 0) {
		printf("database: empty; run `sepactl init`\n");
		return CTL_OK;
	}
	if (ctl->cfg.cred_ics[0] != '\0') {
		int64_t id;

		if (store_creditor_find(db, ctl->cfg.cred_ics, &id, &err) == 0)
			printf("creditor: %s, %s\n", ctl->cfg.cred_ics,
			    ctl->cfg.cred_name);
		else if (err.code == SEPA_ENOTFOUND)
			printf(
			    "creditor: %s is not registered; run `sepactl init`\n",
			    ctl->cfg.cred_ics);
		else
			return ctl_fail(CTL_INTERNAL, &err,
			    "could not read the database status");
	} else {
		printf("creditor: not configured\n");
	}
	if (store_status_counts(db, version, status_figure, NULL, &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not read the database status");
	/* The cycle: what ran, what is due next, what needs a human. */
	if (version >= 2 && ctl->cfg.cred_ics[0] != '\0') {
		int64_t id;

		if (store_creditor_find(db, ctl->cfg.cred_ics, &id, &err) != 0)
			return CTL_OK; /* said above */
		if (store_cycle_status(db, id, 10, status_line, NULL, &err) !=
		    0)
			return ctl_fail(CTL_INTERNAL, &err,
			    "could not read the database status");
		return ctl_cycle_next(ctl, id, stdout);
	}
	return CTL_OK;
}
