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
#include "i18n.h"
#include "log.h"
#include "store_creditor.h"
#include "store_cycle.h"
#include "store_event.h"
#include "store_schema.h"
#include "store_status.h"

/* A figure of the database, with what to run when it is not zero. */
static void
status_figure(void *arg, const struct status_count *c)
{
	(void)arg;
	/* Translators: a figure of status ("families: 12"). */
	printf(_("%s: %lld"), _(c->label), (long long)c->count);
	if (c->count > 0 && c->hint != NULL)
		printf(" (%s)", c->hint);
	printf("\n");
}

/* "ran: STEP of YYYY-MM [(bills YYYY-MM)] on YYYY-MM-DD". */
static void
status_ran(const char *text)
{
	char step[32], mon[SEPA_MONTH_BUFSZ], day[SEPA_DATE_BUFSZ];
	char billed[SEPA_MONTH_BUFSZ], on[I18N_DATE_TEXT_BUFSZ];
	sepa_month m;

	if (sscanf(text, "%31s %7s %10s", step, mon, day) != 3 ||
	    sepa_month_parse(&m, mon, NULL) != 0) {
		printf(_("ran: %s\n"), text);
		return;
	}
	if (strcmp(step, "invoice") == 0)
		printf(_("ran: invoice of %s (bills %s) on %s\n"), mon,
		    sepa_month_iso(billed, sepa_month_billed_by(m)),
		    i18n_date_text(on, day));
	else
		printf(_("ran: %s of %s on %s\n"), ctl_cycle_word(step), mon,
		    i18n_date_text(on, day));
}

/* A file recorded and not released (name, MsgId, state, day, month):
 * the line of status and of the console's dashboard. */
void
ctl_status_batch(char *buf, size_t size, const char *text)
{
	char name[256], msgid[64], state[16], iso[SEPA_DATE_BUFSZ];
	char mon[SEPA_MONTH_BUFSZ], dbuf[I18N_DATE_TEXT_BUFSZ];
	const char *day;

	if (sscanf(text, "%255[^\t]\t%63[^\t]\t%15[^\t]\t%10[^\t]\t%7s", name,
	        msgid, state, iso, mon) != 5) {
		snprintf(buf, size, _("attention: %s"), text);
		return;
	}
	day = i18n_date_text(dbuf, iso);
	/* a recovery flow (043), known by its MsgId: recovery finishes it */
	if (strncmp(msgid, "PESALR1-", 8) == 0 && strcmp(state, "placing") == 0)
		snprintf(buf, size,
		    _("attention: %s (MsgId %s): placed in the outbox, its "
		      "release not recorded; run sepactl recovery export"),
		    name, msgid);
	else if (strncmp(msgid, "PESALR1-", 8) == 0)
		snprintf(buf, size,
		    _("attention: %s (MsgId %s): recorded on %s but not "
		      "released; run sepactl recovery export"),
		    name, msgid, day);
	else if (strcmp(state, "placing") == 0)
		snprintf(buf, size,
		    _("attention: %s (MsgId %s): placed in the outbox, its "
		      "release not recorded; run sepactl collect --month %s"),
		    name, msgid, mon);
	else
		snprintf(buf, size,
		    _("attention: %s (MsgId %s): recorded on %s but not "
		      "released; run sepactl collect --month %s"),
		    name, msgid, day, mon);
}

/*
 * An event needing attention: its day, kind and message. The message is
 * stored in English as it was recorded; where the catalogue has the
 * language, the kind's label says first what happened.
 */
static void
status_event(const char *text)
{
	char day[SEPA_DATE_BUFSZ], kind[64], on[I18N_DATE_TEXT_BUFSZ];
	const char *label;
	int msg = 0;

	if (sscanf(text, "%10[^\t]\t%63[^\t]\t%n", day, kind, &msg) != 2 ||
	    msg == 0) {
		printf(_("attention: %s\n"), text);
		return;
	}
	label = store_event_label(kind);
	if (label != NULL && i18n_french())
		/* Translators: the day, what happened, the message as it was
		 * recorded (in English). */
		printf(_("attention: %s, %s: %s\n"), i18n_date_text(on, day),
		    label, text + msg);
	else
		printf(_("attention: %s %s\n"), i18n_date_text(on, day),
		    text + msg);
}

static void
status_line(void *arg, const char *section, const char *text)
{
	(void)arg;
	if (strcmp(section, "attention-total") == 0) {
		if (strcmp(text, "0") != 0)
			printf(_("events needing attention: %s (sepactl "
			         "attention list; attention ack to clear)\n"),
			    text);
		else
			printf(_("events needing attention: %s\n"), text);
	} else if (strcmp(section, "ran") == 0) {
		status_ran(text);
	} else if (strcmp(section, "batch") == 0) {
		char line[1024];

		ctl_status_batch(line, sizeof(line), text);
		printf("%s\n", line);
	} else {
		status_event(text);
	}
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
	printf(_("configuration: %s\n"), ctl->cfg.path);
	i18n_date(today, ctl->today);
	printf(_("business date: %s\n"), today);
	if (ctl->cfg.db_conninfo[0] == '\0')
		printf(_("database: private cluster in %s\n"),
		    ctl->cfg.db_data_dir);
	else
		printf(_("database: database.conninfo\n"));
	if ((rc = ctl_db(ctl, &db)) != CTL_OK)
		return rc;
	if (store_schema_version(db, &version, &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not read the database status");
	printf(_("database: reachable, schema version %d\n"), version);
	if (version == 0) {
		printf(_("database: empty; run `sepactl init`\n"));
		return CTL_OK;
	}
	if (ctl->cfg.cred_ics[0] != '\0') {
		int64_t id;

		if (store_creditor_find(db, ctl->cfg.cred_ics, &id, &err) == 0)
			printf(_("creditor: %s, %s\n"), ctl->cfg.cred_ics,
			    ctl->cfg.cred_name);
		else if (err.code == SEPA_ENOTFOUND)
			printf(_("creditor: %s is not registered; run `sepactl "
			         "init`\n"),
			    ctl->cfg.cred_ics);
		else
			return ctl_fail(CTL_INTERNAL, &err,
			    "could not read the database status");
	} else {
		printf(_("creditor: not configured\n"));
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
