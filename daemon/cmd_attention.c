/*
 * cmd_attention.c - `sepactl attention list|ack`: the events that need a
 * person (a late file, an invoice payable by other means, records in
 * quarantine, a deferred collection...), and their acknowledgement, so
 * that `sepactl status` shows what is still open (store_event.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/error.h"
#include "commands.h"
#include "ctl.h"
#include "i18n.h"
#include "log.h"
#include "store_event.h"

static int
attention_list(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct attention_row *rows = NULL;
	bool all = false;
	struct db *db;
	int64_t cred;
	size_t n = 0, open = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") != 0) {
			log_warnx("attention list: unexpected \"%s\" (see "
			          "sepactl attention --help)",
			    argv[i]);
			return CTL_USAGE;
		}
		all = true;
	}
	if ((rc = ctl_returns_creditor(ctl, &db, &cred)) != CTL_OK)
		return rc;
	if (store_attention_list(db, cred, all, &rows, &n, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err,
		    "could not read the events needing attention");
	for (size_t i = 0; i < n; i++) {
		char on[I18N_DATE_TEXT_BUFSZ];
		/* in French, what the event is in words (its kind is an
		 * English code, which English readers keep) */
		const char *what =
		    i18n_french() ? store_event_label(rows[i].kind) : NULL;

		printf("%" PRId64 "  %s  %s  %s\n", rows[i].id,
		    i18n_date_text(on, rows[i].business_date),
		    what != NULL ? what : rows[i].kind, rows[i].message);
		if (rows[i].acknowledged_on[0] != '\0')
			printf(_("    acknowledged on %s: %s\n"),
			    i18n_date_text(on, rows[i].acknowledged_on),
			    rows[i].note);
		else
			open++;
	}
	if (n == 0)
		printf(_("nothing needs attention\n"));
	else if (open > 0)
		printf(
		    _("%zu open: sepactl attention ack ID... --note TEXT (or "
		      "--all)\n"),
		    open);
	store_attention_rows_free(rows, n);
	return CTL_OK;
}

/* An event id on the command line: a positive decimal number. */
static int
attention_id(const char *s, int64_t *id)
{
	if (ctl_parse_id(s, id) != 0) {
		log_warnx("attention ack: \"%s\" is not an event id (the first "
		          "column of sepactl attention list)",
		    s);
		return CTL_USAGE;
	}
	return CTL_OK;
}

static int
attention_ack(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *note = NULL;
	int64_t *ids = xcalloc((size_t)argc, sizeof(*ids)), cred, done;
	size_t n = 0;
	bool all = false;
	struct db *db;
	int rc = CTL_OK;

	for (int i = 1; i < argc && rc == CTL_OK; i++) {
		if (strcmp(argv[i], "--note") == 0 && i + 1 < argc)
			note = argv[++i];
		else if (strcmp(argv[i], "--all") == 0)
			all = true;
		else
			rc = attention_id(argv[i], &ids[n++]);
	}
	if (rc == CTL_OK && (note == NULL || (all == (n > 0)))) {
		log_warnx(
		    "attention ack needs ID... or --all, and --note TEXT");
		rc = CTL_USAGE;
	}
	if (rc == CTL_OK &&
	    (rc = ctl_returns_creditor(ctl, &db, &cred)) == CTL_OK) {
		if (store_attention_ack(
		        db, cred, ids, n, ctl->today, note, &done, &err) != 0)
			rc = ctl_fail(
			    err.code == SEPA_EIO ? CTL_INTERNAL : CTL_REFUSED,
			    &err, "nothing acknowledged");
		else
			printf(ngettext("%" PRId64 " event acknowledged\n",
			           "%" PRId64 " events acknowledged\n",
			           (unsigned long)done),
			    done);
	}
	free(ids);
	return rc;
}

int
cmd_attention(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return attention_list(ctl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "ack") == 0)
		return attention_ack(ctl, argc - 1, argv + 1);
	log_warnx("attention needs list or ack (see sepactl attention --help)");
	return CTL_USAGE;
}
