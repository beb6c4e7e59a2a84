/*
 * cmd_payment.c - `sepactl payment record INVOICE --amount EUR --date
 * DATE [--method M] [--reference TEXT]`: a payment made by other means.
 */
#include <stdio.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/money.h"
#include "commands.h"
#include "ctl.h"
#include "i18n.h"
#include "log.h"
#include "store_creditor.h"
#include "store_payment.h"

static int
payment_record(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *number = NULL, *amount = NULL, *date = NULL,
	           *method = "other", *reference = NULL;
	char a[SEPA_MONEY_BUFSZ], b[SEPA_MONEY_BUFSZ], c[SEPA_MONEY_BUFSZ],
	    d[SEPA_MONEY_BUFSZ];
	struct payment_result r;
	enum payment_method pm;
	int64_t cents, cred;
	sepa_date paid_on;
	struct db *db;
	int rc;

	for (int i = 2; i < argc; i++) {
		const char **slot = NULL;

		if (strcmp(argv[i], "--amount") == 0)
			slot = &amount;
		else if (strcmp(argv[i], "--date") == 0)
			slot = &date;
		else if (strcmp(argv[i], "--method") == 0)
			slot = &method;
		else if (strcmp(argv[i], "--reference") == 0)
			slot = &reference;
		if (slot != NULL && i + 1 < argc) {
			*slot = argv[++i];
			continue;
		}
		if (slot == NULL && argv[i][0] != '-' && number == NULL) {
			number = argv[i];
			continue;
		}
		log_warnx("payment record: unexpected argument \"%s\" (see "
		          "sepactl payment --help)",
		    argv[i]);
		return CTL_USAGE;
	}
	if (number == NULL || amount == NULL || date == NULL) {
		log_warnx("payment record needs INVOICE --amount EUR --date "
		          "DATE (see sepactl payment --help)");
		return CTL_USAGE;
	}
	if (sepa_money_parse(&cents, amount, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err,
		    "could not record the payment on %s: --amount \"%s\"",
		    number, amount);
	if (sepa_date_parse(&paid_on, date, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err,
		    "could not record the payment on %s: --date \"%s\"", number,
		    date);
	if (payment_method_parse(&pm, method, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err,
		    "could not record the payment on %s", number);
	if ((rc = ctl_db(ctl, &db)) != CTL_OK)
		return rc;
	if (store_creditor_find(db, ctl->cfg.cred_ics, &cred, &err) != 0 ||
	    store_payment_record(db, cred, number, cents, paid_on, pm,
	        reference, ctl->today, &r, &err) != 0)
		return ctl_fail(
		    err.code == SEPA_EIO ? CTL_INTERNAL : CTL_REFUSED, &err,
		    "could not record the payment on %s", number);
	printf(_("payment of %s recorded on %s: paid %s of %s, %s still due; "
	         "invoice %s\n"),
	    sepa_money_fr(a, cents), number, sepa_money_fr(b, r.paid_cents),
	    sepa_money_fr(c, r.total_cents), sepa_money_fr(d, r.due_cents),
	    i18n_state(I18N_INVOICE, r.state));
	return CTL_OK;
}

int
cmd_payment(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "record") == 0)
		return payment_record(ctl, argc, argv);
	log_warnx("payment needs record (see sepactl payment --help)");
	return CTL_USAGE;
}
