/*
 * cmd_quarantine.c - `sepactl quarantine list|apply|dismiss`: the bank
 * records an import could not apply, shown to the operator and settled
 * by them (store_quarantine.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/money.h"
#include "sepa/reasons.h"
#include "sepa/rules.h"
#include "commands.h"
#include "csvout.h"
#include "ctl.h"
#include "log.h"
#include "i18n.h"
#include "notice.h"
#include "store_quarantine.h"
#include "store_returns.h"

/* The columns of the text list. */
enum {
	QCOL_ID,
	QCOL_FILE,
	QCOL_RECORD,
	QCOL_E2E,
	QCOL_IDS,
	QCOL_MANDATE,
	QCOL_AMOUNT,
	QCOL_BOOKED,
	QCOL_REASON,
	QCOL_N
};

static const char *const quarantine_heads[QCOL_N] = {N_("ID"), N_("FILE:LINE"),
    N_("RECORD"), N_("END-TO-END"), N_("MSGID/PMTINFID"), N_("MANDATE"),
    N_("AMOUNT"), N_("BOOKED"), N_("REASON")};

static const char *
quarantine_label(const struct quarantine_row *q)
{
	const sepa_reason *r;

	if (q->reason_code[0] == '\0')
		return "";
	if (q->reason_proprietary)
		return "code propre à la banque";
	r = sepa_reason_find(q->reason_code);
	return r != NULL ? r->label_fr : "motif inconnu";
}

static const char *
quarantine_or_dash(const char *s)
{
	return s[0] != '\0' ? s : "-";
}

/* The cells of one row (owned strings). */
static void
quarantine_cells(const struct quarantine_row *q, char *cell[QCOL_N])
{
	char amount[SEPA_MONEY_BUFSZ], booked[I18N_DATE_TEXT_BUFSZ];

	xasprintf(&cell[QCOL_ID], "%" PRId64, q->id);
	xasprintf(&cell[QCOL_FILE], "%s:%d", q->file_name, q->line);
	xasprintf(&cell[QCOL_RECORD], "%s/%s", q->kind, q->level);
	cell[QCOL_E2E] = xstrdup(quarantine_or_dash(q->end_to_end_id));
	xasprintf(&cell[QCOL_IDS], "%s/%s", quarantine_or_dash(q->orig_msg_id),
	    quarantine_or_dash(q->pmt_inf_id));
	cell[QCOL_MANDATE] = xstrdup(quarantine_or_dash(q->mandate_ref));
	cell[QCOL_AMOUNT] = xstrdup(
	    q->has_amount ? sepa_money_fr(amount, q->amount_cents) : "-");
	cell[QCOL_BOOKED] = xstrdup(
	    quarantine_or_dash(i18n_date_text(booked, q->booking_date)));
	if (q->reason_code[0] == '\0')
		cell[QCOL_REASON] = xstrdup("-");
	else
		xasprintf(&cell[QCOL_REASON], "%s %s", q->reason_code,
		    quarantine_label(q));
}

static void
quarantine_print_row(char *const cell[QCOL_N], const size_t w[QCOL_N])
{
	for (int c = 0; c < QCOL_N - 1; c++) {
		notice_cell(stdout, cell[c], w[c], c == QCOL_AMOUNT);
		fputs("  ", stdout);
	}
	printf("%s\n", cell[QCOL_N - 1]);
}

/* Aligned columns, then for each record why it is there (and, resolved,
 * how). */
static void
quarantine_text(const struct quarantine_row *rows, size_t n, bool all)
{
	char *(*cells)[QCOL_N] = xcalloc(n, sizeof(*cells));
	char *head[QCOL_N];
	size_t w[QCOL_N], open = 0;
	char on[I18N_DATE_TEXT_BUFSZ];

	for (int c = 0; c < QCOL_N; c++) {
		head[c] = xstrdup(_(quarantine_heads[c]));
		w[c] = notice_width(head[c]);
	}
	for (size_t i = 0; i < n; i++) {
		quarantine_cells(&rows[i], cells[i]);
		for (int c = 0; c < QCOL_N; c++)
			if (notice_width(cells[i][c]) > w[c])
				w[c] = notice_width(cells[i][c]);
		open += rows[i].resolved_on[0] == '\0';
	}
	quarantine_print_row(head, w);
	for (int c = 0; c < QCOL_N; c++)
		free(head[c]);
	for (size_t i = 0; i < n; i++) {
		quarantine_print_row(cells[i], w);
		printf(_("    why: %s\n"), rows[i].why);
		if (rows[i].resolved_on[0] != '\0')
			printf(_("    resolved on %s: %s\n"),
			    i18n_date_text(on, rows[i].resolved_on),
			    rows[i].resolution);
		for (int c = 0; c < QCOL_N; c++)
			free(cells[i][c]);
	}
	free(cells);
	if (all)
		printf(ngettext("%zu record, %zu open\n",
		           "%zu records, %zu open\n", n),
		    n, open);
	else
		printf(ngettext("%zu open record: sepactl quarantine apply ID "
		                "--end-to-end E2E, or dismiss ID --why TEXT\n",
		           "%zu open records: sepactl quarantine apply ID "
		           "--end-to-end E2E, or dismiss ID --why TEXT\n",
		           n),
		    n);
}

static void
quarantine_csv(
    const struct csvout_dialect *d, const struct quarantine_row *rows, size_t n)
{
	/* the columns, in the order of the fields below */
	static const char *const head[] = {"N°", "Fichier", "Ligne",
	    "Enregistrement", "Niveau", "EndToEndId", "Message d'origine",
	    "Lot d'origine", "RUM", "Montant (€)", "Code motif", "Motif",
	    "Date de comptabilisation", "Pourquoi", "Résolu le", "Résolution"};
	struct csvout w;

	csvout_begin(&w, stdout, d, head, sizeof(head) / sizeof(head[0]));
	for (size_t i = 0; i < n; i++) {
		const struct quarantine_row *q = &rows[i];

		csvout_int(&w, q->id);
		csvout_text(&w, q->file_name);
		csvout_int(&w, q->line);
		csvout_text(&w, q->kind);
		csvout_text(&w, q->level);
		csvout_text(&w, q->end_to_end_id);
		csvout_text(&w, q->orig_msg_id);
		csvout_text(&w, q->pmt_inf_id);
		csvout_text(&w, q->mandate_ref);
		if (q->has_amount)
			csvout_cents(&w, q->amount_cents);
		else
			csvout_text(&w, "");
		csvout_text(&w, q->reason_code);
		csvout_text(&w, quarantine_label(q));
		csvout_date_iso(&w, q->booking_date);
		csvout_text(&w, q->why_stored);
		csvout_date_iso(&w, q->resolved_on);
		csvout_text(&w, q->resolution);
		csvout_end(&w);
	}
}

static int
quarantine_list(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct quarantine_row *rows = NULL;
	bool all = false, csv = false;
	struct db *db;
	int64_t cred;
	size_t n = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0)
			all = true;
		else if (strcmp(argv[i], "--csv") == 0)
			csv = true;
		else {
			log_warnx("quarantine list: unexpected \"%s\" (see "
			          "sepactl quarantine --help)",
			    argv[i]);
			return CTL_USAGE;
		}
	}
	if ((rc = ctl_returns_creditor(ctl, &db, &cred)) != CTL_OK)
		return rc;
	if (store_quarantine_list(db, cred, all, &rows, &n, &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not read the quarantine");
	/* what came from the bank's file, as inspect shows it: no IBAN */
	for (size_t i = 0; i < n; i++) {
		char *const text[] = {rows[i].file_name, rows[i].end_to_end_id,
		    rows[i].orig_msg_id, rows[i].pmt_inf_id,
		    rows[i].mandate_ref, rows[i].why, rows[i].why_stored,
		    rows[i].resolution};

		for (size_t t = 0; t < sizeof(text) / sizeof(text[0]); t++)
			sepa_iban_mask_text(text[t]);
	}
	if (csv) {
		struct csvout_dialect d = csvout_dialect_of(&ctl->cfg);

		quarantine_csv(&d, rows, n);
	} else if (n == 0)
		fputs(all ? _("nothing was ever quarantined\n")
		          : _("nothing in quarantine\n"),
		    stdout);
	else
		quarantine_text(rows, n, all);
	store_quarantine_rows_free(rows, n);
	return CTL_OK;
}

/* A quarantine id on the command line: a positive decimal number. */
static int
quarantine_id(const char *s, int64_t *id)
{
	if (ctl_parse_id(s, id) != 0) {
		log_warnx(
		    "quarantine: \"%s\" is not a record id (the ID column "
		    "of sepactl quarantine list)",
		    s);
		return CTL_USAGE;
	}
	return CTL_OK;
}

static int
quarantine_status(const sepa_error *err)
{
	return err->code == SEPA_EINVAL || err->code == SEPA_ESTATE ||
	        err->code == SEPA_ENOTFOUND
	    ? CTL_REFUSED
	    : CTL_INTERNAL;
}

static int
quarantine_apply(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *e2e = NULL, *force = NULL, *why = NULL;
	struct quarantine_applied out;
	struct returns_policy pol;
	struct db *db;
	int64_t cred, id;
	char rule[32] = "";
	int rc;

	if (argc < 2 || (rc = quarantine_id(argv[1], &id)) != CTL_OK) {
		if (argc < 2)
			log_warnx("quarantine apply needs ID --end-to-end E2E");
		return CTL_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--end-to-end") == 0 && i + 1 < argc)
			e2e = argv[++i];
		else if (strcmp(argv[i], "--force") == 0 && i + 1 < argc)
			force = argv[++i];
		else if (strcmp(argv[i], "--why") == 0 && i + 1 < argc)
			why = argv[++i];
		else {
			log_warnx("quarantine apply: unexpected \"%s\" (see "
			          "sepactl quarantine --help)",
			    argv[i]);
			return CTL_USAGE;
		}
	}
	if (e2e == NULL) {
		log_warnx("quarantine apply needs --end-to-end E2E, the "
		          "collection to apply the record to");
		return CTL_USAGE;
	}
	if ((rc = ctl_returns_creditor(ctl, &db, &cred)) != CTL_OK)
		return rc;
	ctl_returns_policy(ctl, &pol);
	if (store_quarantine_apply(db, cred, id, e2e, force, why, &pol,
	        ctl->today, &out, &err) != 0)
		return ctl_fail(quarantine_status(&err), &err,
		    "quarantined record %" PRId64
		    " not applied, nothing changed",
		    id);
	if (out.counted) {
		/* "two-rejects": the configured limit, as the rule's name */
		snprintf(rule, sizeof(rule), "%s",
		    sepa_rule_rejects_name(pol.max_per_school_year));
		for (char *p = rule; *p != '\0'; p++)
			if (*p == ' ')
				*p = '-';
	}
	if (out.counted)
		printf(ngettext("quarantined record %" PRId64 " applied to "
		                "EndToEndId '%s' (invoice %s): collection %s, "
		                "counted toward the %s rule; %" PRId64
		                " mandate terminated, %" PRId64 " suspended\n",
		           "quarantined record %" PRId64 " applied to "
		           "EndToEndId '%s' (invoice %s): collection %s, "
		           "counted toward the %s rule; %" PRId64
		           " mandates terminated, %" PRId64 " suspended\n",
		           out.terminated),
		    id, e2e, out.invoice,
		    i18n_state(I18N_COLLECTION, out.new_state), rule,
		    out.terminated, out.suspended);
	else
		printf(ngettext("quarantined record %" PRId64 " applied to "
		                "EndToEndId '%s' (invoice %s): collection %s; "
		                "%" PRId64 " mandate terminated, %" PRId64
		                " suspended\n",
		           "quarantined record %" PRId64 " applied to "
		           "EndToEndId '%s' (invoice %s): collection %s; "
		           "%" PRId64 " mandates terminated, %" PRId64
		           " suspended\n",
		           out.terminated),
		    id, e2e, out.invoice,
		    i18n_state(I18N_COLLECTION, out.new_state), out.terminated,
		    out.suspended);
	/* a reject applied now gets its letter, as at the import */
	return ctl_reject_letters(ctl, db, cred, out.file_id);
}

static int
quarantine_dismiss(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *why = NULL;
	struct db *db;
	int64_t cred, id;
	int rc;

	if (argc != 4 || strcmp(argv[2], "--why") != 0) {
		log_warnx("quarantine dismiss needs ID --why TEXT");
		return CTL_USAGE;
	}
	if ((rc = quarantine_id(argv[1], &id)) != CTL_OK)
		return rc;
	why = argv[3];
	if ((rc = ctl_returns_creditor(ctl, &db, &cred)) != CTL_OK)
		return rc;
	if (store_quarantine_dismiss(db, cred, id, why, ctl->today, &err) != 0)
		return ctl_fail(quarantine_status(&err), &err,
		    "quarantined record %" PRId64
		    " not dismissed, nothing changed",
		    id);
	printf(_("quarantined record %" PRId64 " dismissed\n"), id);
	return CTL_OK;
}

int
cmd_quarantine(struct ctl *ctl, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct ctl *, int, char **);
	} subs[] = {
	    {"list", quarantine_list},
	    {"apply", quarantine_apply},
	    {"dismiss", quarantine_dismiss},
	};

	for (size_t i = 0; argc >= 2 && i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(ctl, argc - 1, argv + 1);
	log_warnx("quarantine needs list, apply or dismiss (see sepactl "
	          "quarantine --help)");
	return CTL_USAGE;
}
