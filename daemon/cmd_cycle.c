/*
 * cmd_cycle.c - `sepactl cycle [--month YYYY-MM]`: run every step of the
 * monthly cycle that is due on the business date and has not run yet
 * (cycle_steps, keyed on the cycle month: migration 011), missed ones
 * caught up once, month by month, in the order of the table below (the
 * `last` steps after all the others). A step is due from day `day(cfg)`
 * of its month. The invoice step of a month waits until the consumption
 * of the month it bills is in (sepa_rule_billing), and the collect step
 * of that month with it.
 *
 * Adding a step: one function `int run(struct ctl *, sepa_month)` that
 * returns an enum ctl_status and is safe to run again, one entry below,
 * and its name in the CHECK of cycle_steps.step (migration 002 lists
 * invoice, collect, recovery and lapse).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/money.h"
#include "sepa/rules.h"
#include "commands.h"
#include "config.h"
#include "ctl.h"
#include "i18n.h"
#include "log.h"
#include "store_creditor.h"
#include "store_cycle.h"
#include "store_mandate.h"
#include "store_settle.h"

static int
cycle_export_day(const struct sepad_config *cfg)
{
	return cfg->export_day;
}

static int
cycle_first_day(const struct sepad_config *cfg)
{
	(void)cfg;
	return 1;
}

static int
cycle_invoice_day(const struct sepad_config *cfg)
{
	return cfg->invoice_day;
}

/* Invoice day of month M: bill the consumption of M - 1. */
static int
cycle_invoice(struct ctl *ctl, sepa_month month)
{
	return ctl_invoice_month(ctl, sepa_month_billed_by(month));
}

/* The invoices still unpaid after their reminder go to the treasury, and
 * so do the credits of the families that left, to be refunded. */
static int
cycle_recovery(struct ctl *ctl, sepa_month month)
{
	int rc;

	(void)month;
	if ((rc = ctl_recovery_export(ctl)) != CTL_OK)
		return rc;
	return ctl_refund_export(ctl);
}

/* The mandates' lifecycle sweep (letter ends, 36-month lapses). */
static int
cycle_sweep(struct ctl *ctl, sepa_month month)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct mandate_sweep_result res;
	sepa_rules rules;
	int64_t creditor;

	(void)month;
	if (config_rules(&ctl->cfg, &rules, &err) != 0 ||
	    store_creditor_find(ctl->db, ctl->cfg.cred_ics, &creditor, &err) !=
	        0 ||
	    store_mandate_sweep(
	        ctl->db, creditor, &rules, ctl->today, &res, &err) != 0)
		return ctl_fail(
		    CTL_INTERNAL, &err, "could not sweep the mandates");
	printf(_("mandates: %lld terminated (family letter), %lld lapsed\n"),
	    (long long)res.terminated, (long long)res.lapsed);
	return CTL_OK;
}

/*
 * Not a monthly step: every cycle settles the debits whose return window
 * has passed without an answer from the bank (store_settle.c), before the
 * steps, so that an invoice run or a recovery export sees them paid.
 */
static int
cycle_settle(struct ctl *ctl, int64_t creditor)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct settle_result res;
	char a[SEPA_MONEY_BUFSZ];
	sepa_rules rules;

	if (config_rules(&ctl->cfg, &rules, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err, "cannot run the cycle");
	if (store_settle_presume(
	        ctl->db, creditor, &rules, ctl->today, &res, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err,
		    "could not settle the collections the bank did not answer");
	if (res.collections > 0)
		printf(
		    _("settle: %lld collections presumed settled, %s EUR (no "
		      "answer %d TARGET2 days after their due date); %lld "
		      "invoices paid\n"),
		    (long long)res.collections, i18n_money(a, res.cents),
		    rules.settle_after_days, (long long)res.invoices);
	return CTL_OK;
}

/*
 * The steps, in the order they run within a month. A `last` step runs
 * after every other step due, whatever their months: when the cycle
 * catches up, the recovery export of a missed month comes after the
 * invoice run that reminds what it would otherwise send to recovery
 * unreminded (contract art. 6: a reminder always comes first). A step
 * with `ready` may wait (*ready 0: billing.wait_for_consumption); then
 * it, and every `held` step of that month and later ones, waits for the
 * next cycle.
 */
static const struct cycle_step {
	const char *name; /* cycle_steps.step */
	const char *what; /* for the operator */
	const char *title; /* its name for the operator (the console) */
	const char *word; /* its name in a sentence (NP_: the code) */
	int (*day)(const struct sepad_config *cfg);
	int (*run)(struct ctl *ctl, sepa_month month);
	int (*ready)(struct ctl *ctl, sepa_month month, int *ready);
	int held; /* waits while an invoice step waits */
	int last; /* after every other step due */
} cycle_table[] = {
    {"lapse", N_("end and lapse the mandates due to"),
        N_("End and lapse of the mandates"), NP_("cycle step", "lapse"),
        cycle_first_day, cycle_sweep, NULL, 0, 0},
    {"invoice", N_("bill the previous month and write the notices"),
        N_("Invoicing and notices"), NP_("cycle step", "invoice"),
        cycle_invoice_day, cycle_invoice, ctl_invoice_ready, 1, 0},
    {"collect",
        N_("write the month's files for the treasury (pain.008 or PES)"),
        N_("Direct debit files of the month"), NP_("cycle step", "collect"),
        cycle_export_day, ctl_collect_month, NULL, 1, 0},
    {"recovery", N_("export the invoices unpaid after their reminder"),
        N_("Recovery of the unpaid invoices"), NP_("cycle step", "recovery"),
        cycle_export_day, cycle_recovery, NULL, 0, 1},
};

#define CYCLE_NSTEPS (sizeof(cycle_table) / sizeof(cycle_table[0]))

/* The latest month whose step is due on `today`. */
static sepa_month
cycle_due_until(
    const struct cycle_step *s, const struct sepad_config *cfg, sepa_date today)
{
	sepa_month m = sepa_month_of(today);

	return today.day >= s->day(cfg) ? m : sepa_month_add(m, -1);
}

/*
 * The first month the step still has to run for: the month after the last
 * one it ran for; never ran: the latest due month only (no catch-up
 * before the first cycle).
 */
static int
cycle_first_open(struct ctl *ctl, int64_t creditor, const struct cycle_step *s,
    sepa_month *first, sepa_error *err)
{
	sepa_month last;
	int rc;

	if ((rc = store_cycle_last(ctl->db, creditor, s->name, &last, err)) !=
	    0)
		return rc;
	*first = last.year == 0 ? cycle_due_until(s, &ctl->cfg, ctl->today)
	                        : sepa_month_add(last, 1);
	return 0;
}

const char *
ctl_cycle_title(const char *step)
{
	for (size_t i = 0; i < CYCLE_NSTEPS; i++)
		if (strcmp(step, cycle_table[i].name) == 0)
			return _(cycle_table[i].title);
	return step;
}

const char *
ctl_cycle_word(const char *step)
{
	for (size_t i = 0; i < CYCLE_NSTEPS; i++)
		if (strcmp(step, cycle_table[i].name) == 0)
			return i18n_pgettext(cycle_table[i].word, step);
	return step;
}

int
ctl_cycle_plan(struct ctl *ctl, int64_t creditor,
    void (*fn)(void *arg, const struct cycle_next *next), void *arg,
    sepa_error *err)
{
	for (size_t i = 0; i < CYCLE_NSTEPS; i++) {
		const struct cycle_step *s = &cycle_table[i];
		struct cycle_next n = {s->name, _(s->what), _(s->title), {0, 0},
		    {0, 0}, {0, 0, 0}, false};

		if (cycle_first_open(ctl, creditor, s, &n.month, err) != 0)
			return SEPA_EIO;
		n.on = sepa_month_day(n.month, s->day(&ctl->cfg));
		if (s->run == cycle_invoice)
			n.bills = sepa_month_billed_by(n.month);
		n.due = sepa_date_cmp(n.on, ctl->today) <= 0;
		fn(arg, &n);
	}
	return 0;
}

static void
cycle_next_line(void *arg, const struct cycle_next *n)
{
	char mon[SEPA_MONTH_BUFSZ], day[SEPA_DATE_BUFSZ];
	char billed[SEPA_MONTH_BUFSZ];
	FILE *out = arg;

	sepa_month_iso(mon, n->month);
	i18n_date(day, n->on);
	if (n->bills.year != 0)
		fprintf(out, _("next: invoice of %s (bills %s) on %s"), mon,
		    sepa_month_iso(billed, n->bills), day);
	else
		fprintf(out, _("next: %s of %s on %s"), ctl_cycle_word(n->step),
		    mon, day);
	fprintf(out, "%s\n", n->due ? _(" (due now)") : "");
}

int
ctl_cycle_next(struct ctl *ctl, int64_t creditor, FILE *out)
{
	sepa_error err = SEPA_ERROR_INIT;

	if (ctl_cycle_plan(ctl, creditor, cycle_next_line, out, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err, "could not read the cycle");
	return CTL_OK;
}

/*
 * Run step s of month m unless it ran or waits, and record it; count it in
 * *ran. A step that is not ready sets *hold to its month: the `held`
 * steps of that month and later ones wait with it.
 */
static int
cycle_run_step(struct ctl *ctl, int64_t creditor, const struct cycle_step *s,
    sepa_month m, int tty, sepa_month *hold, int *ran)
{
	sepa_error err = SEPA_ERROR_INIT;
	char mon[SEPA_MONTH_BUFSZ];
	int done, rc;

	if (store_cycle_done(ctl->db, creditor, s->name, m, &done, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err, "could not read the cycle");
	if (done)
		return CTL_OK;
	sepa_month_iso(mon, m);
	if (s->held && hold->year != 0 && sepa_month_cmp(m, *hold) >= 0) {
		printf(
		    _("cycle: %s %s waits for the invoice step of %04d-%02d\n"),
		    ctl_cycle_word(s->name), mon, hold->year, hold->month);
		return CTL_OK;
	}
	if (s->ready != NULL) {
		int ready;

		if ((rc = s->ready(ctl, m, &ready)) != CTL_OK)
			return rc;
		if (!ready) {
			*hold = m;
			return CTL_OK;
		}
	}
	printf(
	    _("cycle: %s %s: %s\n"), ctl_cycle_word(s->name), mon, _(s->what));
	if (tty)
		fflush(stdout);
	if ((rc = s->run(ctl, m)) != CTL_OK) {
		log_warnx("cycle: step %s of %s failed; the cycle stops here",
		    s->name, mon);
		return rc;
	}
	if (store_cycle_mark(ctl->db, creditor, s->name, m, ctl->today, &err) !=
	    0)
		return ctl_fail(CTL_INTERNAL, &err,
		    "could not record the step %s of %s", s->name, mon);
	(*ran)++;
	return CTL_OK;
}

int
cmd_cycle(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_month only = {0, 0}, first[CYCLE_NSTEPS], until[CYCLE_NSTEPS];
	sepa_month from = {0, 0}, to = {0, 0}, hold = {0, 0};
	char day[SEPA_DATE_BUFSZ];
	int64_t creditor;
	struct db *db;
	int rc, ran = 0, tty = isatty(STDOUT_FILENO);

	if (argc == 3 && strcmp(argv[1], "--month") == 0) {
		if (sepa_month_parse(&only, argv[2], &err) != 0)
			return ctl_fail(CTL_USAGE, &err, "bad --month");
	} else if (argc != 1) {
		log_warnx("cycle takes only --month YYYY-MM (see sepactl cycle "
		          "--help)");
		return CTL_USAGE;
	}
	if (config_require_creditor(&ctl->cfg, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err, "cannot run the cycle");
	if ((rc = ctl_db(ctl, &db)) != CTL_OK)
		return rc;
	if (store_creditor_find(db, ctl->cfg.cred_ics, &creditor, &err) != 0)
		return ctl_fail(
		    err.code == SEPA_ENOTFOUND ? CTL_REFUSED : CTL_INTERNAL,
		    &err, "cannot run the cycle");
	if ((rc = cycle_settle(ctl, creditor)) != CTL_OK)
		return rc;
	for (size_t i = 0; i < CYCLE_NSTEPS; i++) {
		if (cycle_first_open(
		        ctl, creditor, &cycle_table[i], &first[i], &err) != 0)
			return ctl_fail(
			    CTL_INTERNAL, &err, "could not read the cycle");
		until[i] =
		    cycle_due_until(&cycle_table[i], &ctl->cfg, ctl->today);
		if (only.year != 0) {
			first[i] = only;
			if (sepa_month_cmp(until[i], only) > 0)
				until[i] = only;
		}
		if (from.year == 0 || sepa_month_cmp(first[i], from) < 0)
			from = first[i];
		if (to.year == 0 || sepa_month_cmp(until[i], to) > 0)
			to = until[i];
	}
	/* Month by month, the steps in table order; the last ones after. */
	for (int last = 0; last <= 1; last++)
		for (sepa_month m = from; sepa_month_cmp(m, to) <= 0;
		     m = sepa_month_add(m, 1))
			for (size_t i = 0; i < CYCLE_NSTEPS; i++) {
				if (cycle_table[i].last != last ||
				    sepa_month_cmp(m, first[i]) < 0 ||
				    sepa_month_cmp(m, until[i]) > 0)
					continue;
				if ((rc = cycle_run_step(ctl, creditor,
				         &cycle_table[i], m, tty, &hold,
				         &ran)) != CTL_OK)
					return rc;
			}
	if (ran == 0)
		printf(_("cycle: nothing due on %s\n"),
		    i18n_date(day, ctl->today));
	else
		printf(ngettext("cycle: %d step run\n", "cycle: %d steps run\n",
		           (unsigned long)ran),
		    ran);
	return ctl_cycle_next(ctl, creditor, stdout);
}
