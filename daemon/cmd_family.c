/*
 * cmd_family.c - the ledgers a finance officer reads to answer a family
 * on the phone: `sepactl family show REF` (the family, its mandates, its
 * invoices with their history and what became of what they billed, its
 * balance), `sepactl family list [--unpaid] [--csv]`, and `sepactl
 * invoice show NUMBER` (one invoice, its lines and history). Reads only
 * (store_ledger.c).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/money.h"
#include "sepa/reasons.h"
#include "commands.h"
#include "csvout.h"
#include "ctl.h"
#include "i18n.h"
#include "log.h"
#include "store_ledger.h"

/* What the printers share. */
struct family_out {
	FILE *fp;
	bool csv;
	struct csvout w; /* --csv */
	int64_t sum[LI_NCOLS]; /* the invoices' amounts, by column */
	int64_t mandates, invoices, lines, events;
	bool family; /* family show: its mandates are listed */
};

/* "12,30 €" from a column of cents. */
static const char *
family_eur(char *buf, const char *cents)
{
	return sepa_money_fr(buf, strtoll(cents, NULL, 10));
}

/* The state of a family's latest mandate, or "none" (LS_MANDATE). */
static const char *
family_mandate_state(const char *state)
{
	return strcmp(state, "none") == 0 ? _("none")
	                                  : i18n_state(I18N_MANDATE, state);
}

/* A reference or a number as typed: printable, not too long. */
static int
family_arg_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static void
family_head(void *arg, const char *const *c)
{
	struct family_out *o = arg;

	fprintf(o->fp, _("family %s: %s\n"), c[LF_REF], c[LF_PAYER]);
	fprintf(o->fp, _("address: %s%s%s, %s %s (%s)\n"), c[LF_BUILDING],
	    c[LF_BUILDING][0] != '\0' ? " " : "", c[LF_STREET], c[LF_POSTCODE],
	    c[LF_TOWN], c[LF_COUNTRY]);
	if (c[LF_EMAIL][0] != '\0')
		fprintf(o->fp, _("email: %s\n"), c[LF_EMAIL]);
	fprintf(o->fp, _("tariff bracket: %s\n"), c[LF_BRACKET]);
}

static void
family_mandate(void *arg, const char *const *c)
{
	struct family_out *o = arg;
	char mask[SEPA_IBAN_MASK_BUFSZ];

	o->mandates++;
	char d[I18N_DATE_TEXT_BUFSZ];

	fprintf(o->fp, _("mandate %s: %s"), c[LM_RUM],
	    i18n_state(I18N_MANDATE, c[LM_STATE]));
	if (c[LM_REASON][0] != '\0')
		fprintf(o->fp, " (%s)", c[LM_REASON]);
	if (c[LM_SINCE][0] != '\0')
		fprintf(o->fp, _(" since %s"), i18n_date_text(d, c[LM_SINCE]));
	fprintf(o->fp, _(", signed on %s"), i18n_date_text(d, c[LM_SIGNED]));
	if (c[LM_ENDS][0] != '\0')
		fprintf(
		    o->fp, _(", ends on %s"), i18n_date_text(d, c[LM_ENDS]));
	fprintf(o->fp, _(", account %s\n"),
	    c[LM_IBAN][0] != '\0' ? sepa_iban_mask(mask, c[LM_IBAN]) : "-");
}

/* An invoice's heading line, and its amounts added to the sums. */
static void
family_invoice(void *arg, const char *const *c)
{
	struct family_out *o = arg;
	char a[SEPA_MONEY_BUFSZ], d[I18N_DATE_TEXT_BUFSZ];

	for (int i = LI_TOTAL; i <= LI_DIFFERENCE; i++)
		o->sum[i] += strtoll(c[i], NULL, 10);
	if (o->invoices++ == 0 && o->family && o->mandates == 0)
		fputs(_("no mandate: payable by other means\n"), o->fp);
	fprintf(o->fp, _("invoice %s (%s): %s, %s since %s\n"), c[LI_NUMBER],
	    c[LI_MONTH], family_eur(a, c[LI_TOTAL]),
	    i18n_state(I18N_INVOICE, c[LI_STATE]),
	    i18n_date_text(d, c[LI_SINCE]));
}

static void
family_event(void *arg, const char *const *c)
{
	struct family_out *o = arg;
	char d[I18N_DATE_TEXT_BUFSZ];
	const sepa_reason *r =
	    c[LH_CODE][0] != '\0' ? sepa_reason_find(c[LH_CODE]) : NULL;

	if (o->events++ == 0)
		fputs(_("history:\n"), o->fp);
	fprintf(o->fp, "  %s %s  %s", c[LH_NUMBER],
	    i18n_date_text(d, c[LH_DATE]), c[LH_WHAT]);
	if (c[LH_CODE][0] != '\0')
		fprintf(o->fp, " %s (%s)", c[LH_CODE],
		    r != NULL ? r->label_fr : "code inconnu");
	fputc('\n', o->fp);
}

/* The balance of the invoices summed in o->sum. */
static void
family_balance(const struct family_out *o)
{
	char a[9][SEPA_MONEY_BUFSZ];
	const int64_t *s = o->sum;

	fprintf(o->fp,
	    _("billed %s: settled by debit %s, paid by other means %s, "
	      "credits %s, refunded %s\n"),
	    sepa_money_fr(a[0], s[LI_BILLED]), sepa_money_fr(a[1], s[LI_DEBIT]),
	    sepa_money_fr(a[2], s[LI_OTHER]),
	    sepa_money_fr(a[3], s[LI_CREDITS]),
	    sepa_money_fr(a[4], -s[LI_REFUNDED]));
	fprintf(o->fp,
	    _("balance: owes %s (being collected %s), in recovery %s, credit "
	      "to carry %s\n"),
	    sepa_money_fr(a[5], s[LI_UNPAID] + s[LI_COLLECTING]),
	    sepa_money_fr(a[6], s[LI_COLLECTING]),
	    sepa_money_fr(a[7], s[LI_RECOVERY]),
	    sepa_money_fr(a[8], -s[LI_CARRIED]));
	if (s[LI_DIFFERENCE] != 0)
		fprintf(o->fp,
		    _("unexplained: %s (report it: every euro billed must be "
		      "accounted for)\n"),
		    sepa_money_fr(a[0], s[LI_DIFFERENCE]));
}

/* The creditor and the database, or the status to exit with. */
static int
family_db(struct ctl *ctl, struct db **db, int64_t *cred)
{
	return ctl_returns_creditor(ctl, db, cred);
}

static int
family_show(struct ctl *ctl, const char *ref)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct family_out o = {.fp = stdout, .family = true};
	struct db *db;
	int64_t cred;
	int rc;

	if (!family_arg_ok(ref))
		return ctl_fail(CTL_REFUSED, NULL,
		    "family show: a family reference is 1 to 64 printable "
		    "characters");
	if ((rc = family_db(ctl, &db, &cred)) != CTL_OK)
		return rc;
	if (store_ledger_family(db, cred, ref, family_head, family_mandate,
	        family_invoice, family_event, &o, &err) != 0)
		return ctl_fail(
		    err.code == SEPA_ENOTFOUND ? CTL_REFUSED : CTL_INTERNAL,
		    &err, "family show");
	if (o.invoices == 0)
		fputs(_("no invoice\n"), stdout);
	family_balance(&o);
	return CTL_OK;
}

static void
family_list_row(void *arg, const char *const *c)
{
	struct family_out *o = arg;
	char a[4][SEPA_MONEY_BUFSZ];

	if (o->csv) {
		for (int i = LS_REF; i < LS_INVOICES; i++)
			csvout_text(&o->w, c[i]);
		csvout_int(&o->w, strtoll(c[LS_INVOICES], NULL, 10));
		for (int i = LS_OWED; i < LS_NCOLS; i++)
			csvout_cents(&o->w, strtoll(c[i], NULL, 10));
		csvout_end(&o->w);
		return;
	}
	fprintf(o->fp,
	    _("%-12s %-30.30s %-10s %4s  owes %s (collecting %s), "
	      "recovery %s, credit %s\n"),
	    c[LS_REF], c[LS_PAYER], family_mandate_state(c[LS_MANDATE]),
	    c[LS_INVOICES], family_eur(a[0], c[LS_OWED]),
	    family_eur(a[1], c[LS_COLLECTING]),
	    family_eur(a[2], c[LS_RECOVERY]), family_eur(a[3], c[LS_CREDIT]));
}

static int
family_list(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct family_out o = {.fp = stdout};
	bool unpaid = false;
	struct db *db;
	int64_t cred;
	int rc;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--unpaid") == 0)
			unpaid = true;
		else if (strcmp(argv[i], "--csv") == 0)
			o.csv = true;
		else
			return ctl_fail(CTL_USAGE, NULL,
			    "family list: unexpected \"%.40s\" (--unpaid, --csv)",
			    argv[i]);
	}
	if ((rc = family_db(ctl, &db, &cred)) != CTL_OK)
		return rc;
	if (o.csv) {
		/* the columns of family_list_row */
		static const char *const head[] = {"Famille", "Payeur",
		    "Mandat", "Factures", "Dû (€)",
		    "En cours de prélèvement (€)", "En recouvrement (€)",
		    "Avoir (€)"};
		struct csvout_dialect d = csvout_dialect_of(&ctl->cfg);

		csvout_begin(
		    &o.w, stdout, &d, head, sizeof(head) / sizeof(head[0]));
	}
	if (store_ledger_families(
	        db, cred, unpaid, family_list_row, &o, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err, "family list");
	return CTL_OK;
}

int
cmd_family(struct ctl *ctl, int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "show") == 0)
		return family_show(ctl, argv[2]);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return family_list(ctl, argc, argv);
	log_warnx("family needs show REF or list [--unpaid] [--csv] (see "
	          "sepactl family --help)");
	return CTL_USAGE;
}

/* ------------------------------------------------------- invoice show */

static void
invoice_head(void *arg, const char *const *c)
{
	struct family_out *o = arg;
	char a[SEPA_MONEY_BUFSZ], d1[I18N_DATE_TEXT_BUFSZ];
	char d2[I18N_DATE_TEXT_BUFSZ];

	family_invoice(arg, c);
	fprintf(o->fp, _("family %s: %s\n"), c[LI_FAMILY], c[LI_PAYER]);
	fprintf(o->fp,
	    c[LI_RUM][0] != '\0'
	        ? _("issued on %s, due on %s, by direct debit\n")
	        : _("issued on %s, due on %s, payable by other "
	            "means\n"),
	    i18n_date_text(d1, c[LI_ISSUED]), i18n_date_text(d2, c[LI_DUE]));
	if (c[LI_RUM][0] != '\0')
		fprintf(o->fp, _("mandate: %s\n"), c[LI_RUM]);
	if (c[LI_REASON][0] != '\0')
		fprintf(o->fp, _("unpaid: %s\n"), c[LI_REASON]);
	fprintf(o->fp, _("billed: %s\n"), family_eur(a, c[LI_BILLED]));
}

static void
invoice_line(void *arg, const char *const *c)
{
	struct family_out *o = arg;
	char a[SEPA_MONEY_BUFSZ], p[SEPA_MONEY_BUFSZ];

	if (o->lines++ == 0)
		fputs(_("lines:\n"), o->fp);
	if (strcmp(c[LL_KIND], "reminder") == 0 ||
	    strcmp(c[LL_KIND], "credit") == 0) {
		fprintf(o->fp, "  %-14s %-44s %12s\n",
		    i18n_state(I18N_LINE, c[LL_KIND]), c[LL_LABEL],
		    family_eur(a, c[LL_AMOUNT]));
		return;
	}
	fprintf(o->fp, "  %-14s %-20.20s %-10s %s %7.3f x %s %12s\n",
	    i18n_state(I18N_LINE, c[LL_KIND]), c[LL_CHILD], c[LL_SERVICE],
	    c[LL_MONTH], (double)strtoll(c[LL_QTY], NULL, 10) / 1000.0,
	    family_eur(p, c[LL_PRICE]), family_eur(a, c[LL_AMOUNT]));
}

int
ctl_invoice_show(struct ctl *ctl, const char *number)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct family_out o = {.fp = stdout};
	struct db *db;
	int64_t cred;
	int rc;

	if (!family_arg_ok(number))
		return ctl_fail(CTL_REFUSED, NULL,
		    "invoice show: an invoice number is 1 to 64 printable "
		    "characters");
	if ((rc = family_db(ctl, &db, &cred)) != CTL_OK)
		return rc;
	if (store_ledger_invoice(db, cred, number, invoice_head, invoice_line,
	        family_event, &o, &err) != 0)
		return ctl_fail(
		    err.code == SEPA_ENOTFOUND ? CTL_REFUSED : CTL_INTERNAL,
		    &err, "invoice show");
	family_balance(&o);
	return CTL_OK;
}
