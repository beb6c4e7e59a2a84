/*
 * cmd_invoice.c - `sepactl invoice run --month YYYY-MM [--dry-run]`: bill
 * a month's consumption (the month collected in the next one) and write
 * the pre-notifications, or show what that would do and store nothing;
 * and whether the cycle's invoice step bills now or waits for the
 * consumption.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/money.h"
#include "sepa/rules.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "i18n.h"
#include "log.h"
#include "notice.h"
#include "store_consumption.h"
#include "store_creditor.h"
#include "store_invoice.h"
#include "store_invoice_preview.h"

/* Exit status for a failed store call: bad input or state, or internal. */
static int
invoice_status(const sepa_error *err)
{
	return err->code == SEPA_EINVAL || err->code == SEPA_ENOTFOUND
	    ? CTL_REFUSED
	    : CTL_INTERNAL;
}

/*
 * What a run of consumption month `month` needs: its options from the
 * configuration, the database and the creditor.
 */
static int
invoice_setup(struct ctl *ctl, sepa_month month, struct invoice_run_opts *o,
    struct db **db, int64_t *cred)
{
	sepa_error err = SEPA_ERROR_INIT;
	char m[SEPA_MONTH_BUFSZ];
	int rc;

	memset(o, 0, sizeof(*o));
	o->month = month;
	o->today = ctl->today;
	if (config_rules(&ctl->cfg, &o->rules, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err, "could not invoice");
	o->rounding = ctl->cfg.hour_rounding == CONFIG_ROUND_UP
	    ? SEPA_HOURS_UP
	    : SEPA_HOURS_NONE;
	o->represent_unpaid = ctl->cfg.represent_on_next_invoice;
	sepa_month_iso(m, o->month);
	if (config_require_creditor(&ctl->cfg, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err, "could not invoice %s", m);
	if ((rc = ctl_db(ctl, db)) != CTL_OK)
		return rc;
	if (store_creditor_find(*db, ctl->cfg.cred_ics, cred, &err) != 0)
		return ctl_fail(
		    invoice_status(&err), &err, "could not invoice %s", m);
	return CTL_OK;
}

/* The run's figures, one line; `prefix` "" or "dry run: ". */
static void
invoice_print_result(
    const struct invoice_run_result *r, const char *m, const char *prefix)
{
	char due[SEPA_DATE_BUFSZ], am[SEPA_MONEY_BUFSZ];

	i18n_date(due, r->due);
	if (r->already)
		printf(_("%sinvoices for %s already issued: %lld invoices\n"),
		    prefix[0] != '\0' ? _(prefix) : "", m,
		    (long long)r->invoices);
	else
		printf(
		    _("%sinvoices for %s: %lld invoices (%lld payable by "
		      "other means), %lld lines (%lld regularisations), %lld "
		      "reminders, total %s, due on %s\n"),
		    prefix[0] != '\0' ? _(prefix) : "", m,
		    (long long)r->invoices, (long long)r->without_mandate,
		    (long long)r->lines, (long long)r->regularisations,
		    (long long)r->reminders, sepa_money_fr(am, r->total_cents),
		    due);
}

/* "+3,50 €, +5,0 %": the change from `before` to `now`. */
static void
invoice_change(char *buf, size_t size, int64_t before, int64_t now)
{
	char am[SEPA_MONEY_BUFSZ];
	int64_t d = now - before, pm;

	sepa_money_fr(am, d);
	if (before == 0) {
		snprintf(buf, size, "%s%s", d > 0 ? "+" : "", am);
		return;
	}
	pm = d * 1000 / (before < 0 ? -before : before);
	snprintf(buf, size, "%s%s, %s%lld,%lld %%", d > 0 ? "+" : "", am,
	    pm > 0 ? "+" : (pm < 0 ? "-" : ""),
	    (long long)((pm < 0 ? -pm : pm) / 10),
	    (long long)((pm < 0 ? -pm : pm) % 10));
}

/* The services of the month, each with its change from the month before. */
static void
invoice_print_services(const struct invoice_preview *p, sepa_month month)
{
	char prev[SEPA_MONTH_BUFSZ], q[32], am[SEPA_MONEY_BUFSZ];
	char bm[SEPA_MONEY_BUFSZ], ch[96];

	sepa_month_iso(prev, sepa_month_add(month, -1));
	if (p->has_previous)
		printf(_("per service (change against %s):\n"), prev);
	else
		printf(_("per service (change against %s, not invoiced):\n"),
		    prev);
	for (size_t i = 0; i < p->nservices; i++) {
		const struct invoice_preview_service *v = &p->services[i];

		notice_qty(q, sizeof(q), v->quantity_milli);
		sepa_money_fr(am, v->amount_cents);
		sepa_money_fr(bm, v->prev_amount_cents);
		invoice_change(
		    ch, sizeof(ch), v->prev_amount_cents, v->amount_cents);
		printf(_("  %-16s %10s %-5s %14s   %s: %s (%s)\n"), v->code, q,
		    v->unit, am, prev, bm, ch);
	}
}

/* What a dry run shows beside the run's own line. */
static void
invoice_print_preview(const struct invoice_preview *p, sepa_month month)
{
	char am[SEPA_MONEY_BUFSZ];

	printf(_("families billed: %lld\n"), (long long)p->families);
	invoice_print_services(p, month);
	printf(_("per bracket:\n"));
	for (size_t i = 0; i < p->nbrackets; i++)
		printf(_("  %-16s %6lld invoices %14s\n"),
		    p->brackets[i].bracket, (long long)p->brackets[i].invoices,
		    sepa_money_fr(am, p->brackets[i].amount_cents));
	printf(_("reminders: %lld, %s\n"), (long long)p->reminders,
	    sepa_money_fr(am, p->reminder_cents));
	printf(_("credits (invoices below zero): %lld, %s\n"),
	    (long long)p->credits, sepa_money_fr(am, p->credit_cents));
	printf(_("lines without tariff: %lld\n"), (long long)p->untariffed);
	printf(_("largest invoices:\n"));
	for (size_t i = 0; i < p->nlargest; i++) {
		printf("  %-16s %-12s ", p->largest[i].number,
		    p->largest[i].family_ref);
		notice_cell(stdout, p->largest[i].payer, 32, 0);
		printf(" %14s\n", sepa_money_fr(am, p->largest[i].total_cents));
	}
}

int
ctl_invoice_preview(struct ctl *ctl, sepa_month month,
    struct invoice_run_result *r, struct invoice_preview *p)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct invoice_run_opts o;
	char m[SEPA_MONTH_BUFSZ];
	struct db *db;
	int64_t cred;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = invoice_setup(ctl, month, &o, &db, &cred)) != CTL_OK)
		return rc;
	sepa_month_iso(m, month);
	o.preview = p;
	if (store_invoice_run(db, cred, &o, r, &err) != 0)
		return ctl_fail(invoice_status(&err), &err,
		    "dry run: the invoicing of %s would be refused", m);
	return CTL_OK;
}

/*
 * invoice run --month M --dry-run: the month computed exactly as the real
 * run would, in a transaction rolled back, and shown; no notice, no
 * event, nothing stored.
 */
static int
invoice_dry_run(struct ctl *ctl, sepa_month month)
{
	struct invoice_run_result r;
	struct invoice_preview p;
	char m[SEPA_MONTH_BUFSZ];
	int rc;

	sepa_month_iso(m, month);
	if ((rc = ctl_invoice_preview(ctl, month, &r, &p)) != CTL_OK) {
		if (p.untariffed > 0)
			printf(_("dry run: lines without tariff: %lld\n"),
			    (long long)p.untariffed);
		store_invoice_preview_free(&p);
		return rc;
	}
	invoice_print_result(&r, m, N_("dry run: "));
	printf(_("dry run: nothing stored, no notice written\n"));
	invoice_print_preview(&p, month);
	store_invoice_preview_free(&p);
	return CTL_OK;
}

static int
invoice_run(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *month = NULL;
	sepa_month mon;
	int dry = 0;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--month") == 0 && i + 1 < argc)
			month = argv[++i];
		else if (strncmp(argv[i], "--month=", 8) == 0)
			month = argv[i] + 8;
		else if (strcmp(argv[i], "--dry-run") == 0)
			dry = 1;
		else {
			log_warnx("invoice run: unexpected argument \"%s\" "
			          "(see sepactl invoice --help)",
			    argv[i]);
			return CTL_USAGE;
		}
	}
	if (month == NULL) {
		log_warnx("invoice run needs --month YYYY-MM (see sepactl "
		          "invoice --help)");
		return CTL_USAGE;
	}
	if (sepa_month_parse(&mon, month, &err) != 0)
		return ctl_fail(CTL_USAGE, &err, "invoice run: bad --month");
	return dry ? invoice_dry_run(ctl, mon) : ctl_invoice_month(ctl, mon);
}

/* The creditor as the notices show it, from the configuration. */
static void
invoice_notice_creditor(const struct ctl *ctl, struct notice_creditor *nc)
{
	nc->name = ctl->cfg.cred_name;
	nc->ics = ctl->cfg.cred_ics;
	nc->street = ctl->cfg.cred_street;
	nc->building = ctl->cfg.cred_building;
	nc->postcode = ctl->cfg.cred_postcode;
	nc->town = ctl->cfg.cred_town;
	nc->csv = csvout_dialect_of(&ctl->cfg);
}

int
ctl_notice_corrections(
    struct ctl *ctl, struct db *db, int64_t cred, sepa_month month)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct notice_creditor nc;
	char m[SEPA_MONTH_BUFSZ];
	int64_t n;

	invoice_notice_creditor(ctl, &nc);
	sepa_month_iso(m, month);
	if (notice_correct_month(db, cred, &nc, month, ctl->cfg.dir_outbox,
	        ctl->today, &n, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err,
		    "the files of %s are released, but the corrected notices "
		    "could not be written (run collect again)",
		    m);
	if (n > 0)
		printf(
		    _("%s: %lld corrected notice(s) (avis rectificatif): the "
		      "account, date or amount announced changed; see "
		      "notices/corrections-*.csv\n"),
		    m, (long long)n);
	return CTL_OK;
}

int
ctl_invoice_month(struct ctl *ctl, sepa_month month)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct invoice_run_opts o;
	struct invoice_run_result r;
	struct notice_creditor nc;
	char m[SEPA_MONTH_BUFSZ];
	struct db *db;
	int64_t cred, notices;
	double t0, t1;
	int rc;

	if ((rc = invoice_setup(ctl, month, &o, &db, &cred)) != CTL_OK)
		return rc;
	sepa_month_iso(m, month);
	t0 = log_clock();
	ctl_progress("invoices", 0, 3);
	if (store_invoice_run(db, cred, &o, &r, &err) != 0)
		return ctl_fail(
		    invoice_status(&err), &err, "could not invoice %s", m);
	invoice_print_result(&r, m, "");
	t1 = log_clock();
	log_debug("invoicing took %.2f s", t1 - t0);
	/* The notices follow the database; writing them again is harmless
	 * and repairs a run interrupted after its commit. */
	ctl_progress("notices", 1, 3);
	invoice_notice_creditor(ctl, &nc);
	if (notice_write_month(db, cred, &nc, o.month, ctl->cfg.dir_outbox,
	        ctl->today, &notices, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err,
		    "invoices for %s are issued, but their notices could not "
		    "be written (run the command again)",
		    m);
	log_debug("the notices took %.2f s", log_clock() - t1);
	printf(_("notices: %lld in %s/notices/%s\n"), (long long)notices,
	    ctl->cfg.dir_outbox, m);
	ctl_progress("pdf", 2, 3);
	return ctl_notices_pdf(ctl, db, cred, o.month);
}

int
cmd_invoice(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return invoice_run(ctl, argc, argv);
	if (argc == 3 && strcmp(argv[1], "show") == 0)
		return ctl_invoice_show(ctl, argv[2]);
	log_warnx("invoice needs run or show (see sepactl invoice --help)");
	return CTL_USAGE;
}

/*
 * The cycle's invoice step of `cycle_month` bills the month before once
 * its consumption is in (sepa_rule_billing): *ready 0 while it waits,
 * with a "consumption.missing" event that needs attention; once the wait
 * is over, 1 with a "consumption.late" one. Each event once per month.
 */
int
ctl_invoice_ready(struct ctl *ctl, sepa_month cycle_month, int *ready)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_month billed = sepa_month_billed_by(cycle_month);
	sepa_date day = sepa_month_day(cycle_month, ctl->cfg.invoice_day);
	char bm[SEPA_MONTH_BUFSZ], cm[SEPA_MONTH_BUFSZ], until[SEPA_DATE_BUFSZ];
	struct i18n_msg say;
	enum sepa_billing b;
	sepa_rules rules;
	struct db *db;
	int64_t cred;
	int received, rc;
	bool added;

	*ready = 1;
	if (config_rules(&ctl->cfg, &rules, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err, "could not invoice");
	if (!rules.wait_for_consumption)
		return CTL_OK;
	if ((rc = ctl_db(ctl, &db)) != CTL_OK)
		return rc;
	sepa_month_iso(bm, billed);
	sepa_month_iso(cm, cycle_month);
	sepa_date_iso(
	    until, sepa_date_add_days(day, rules.consumption_wait_days));
	if (store_creditor_find(db, ctl->cfg.cred_ics, &cred, &err) != 0 ||
	    store_consumption_received(db, cred, billed, &received, &err) != 0)
		return ctl_fail(invoice_status(&err), &err,
		    "could not look for the consumption of %s", bm);
	b = sepa_rule_billing(&rules, received, day, ctl->today);
	if (b == SEPA_BILL_NOW)
		return CTL_OK;
	if (b == SEPA_BILL_WAIT)
		i18n_msg(&say,
		    N_("consumption of %1$s not received: the invoice step of "
		       "%2$s waits for a consumption file with lines of %1$s, "
		       "until %3$s, then bills what there is (sepactl invoice "
		       "run --month %1$s bills it now)"),
		    "ttD", bm, cm, until);
	else
		i18n_msg(&say,
		    N_("consumption of %1$s not received by %2$s: %1$s billed "
		       "with what there was; lines of %1$s imported later are "
		       "billed next month as regularisations"),
		    "tD", bm, until);
	if (store_consumption_event(db, cred,
	        b == SEPA_BILL_WAIT ? "consumption.missing"
	                            : "consumption.late",
	        billed, ctl->today, &say, &added, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err,
		    "could not record that the consumption of %s is missing",
		    bm);
	if (b == SEPA_BILL_WAIT) {
		printf(_("cycle: invoice %s waits: consumption of %s not "
		         "received (until %s)\n"),
		    cm, bm,
		    i18n_date(until,
		        sepa_date_add_days(day, rules.consumption_wait_days)));
		*ready = 0;
	} else {
		printf(_("cycle: invoice %s: consumption of %s not received by "
		         "%s; billing what there is\n"),
		    cm, bm,
		    i18n_date(until,
		        sepa_date_add_days(day, rules.consumption_wait_days)));
	}
	return CTL_OK;
}
