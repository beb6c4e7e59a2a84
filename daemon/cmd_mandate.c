/*
 * cmd_mandate.c - `sepactl mandate show|list|change-account|change-rum|
 * terminate`:
 * the operator's view of a mandate and the two changes a family asks for
 * by post (new bank details, termination letter). The work is done by
 * store_mandate.c; this file parses, validates with the lib and prints.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/money.h"
#include "sepa/rules.h"
#include "commands.h"
#include "config.h"
#include "csvout.h"
#include "ctl.h"
#include "i18n.h"
#include "log.h"
#include "notice.h"
#include "store_creditor.h"
#include "store_mandate.h"

/* SEPA_E* of a refused request -> exit status. */
static int
mandate_status(const sepa_error *err)
{
	switch (err->code) {
	case SEPA_EINVAL:
	case SEPA_ERANGE:
	case SEPA_ESTATE:
	case SEPA_ENOTFOUND:
		return CTL_REFUSED;
	default:
		return CTL_INTERNAL;
	}
}

/* The database, the configured creditor and the contract's rules. */
static int
mandate_open(struct ctl *ctl, struct db **db, int64_t *cred, sepa_rules *rules)
{
	sepa_error err = SEPA_ERROR_INIT;
	int rc;

	if (config_rules(&ctl->cfg, rules, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err, "bad contract parameters");
	if (ctl->cfg.cred_ics[0] == '\0') {
		log_warnx(
		    "key \"creditor.ics\" must be set in %s", ctl->cfg.path);
		return CTL_REFUSED;
	}
	if ((rc = ctl_db(ctl, db)) != CTL_OK)
		return rc;
	if (store_creditor_find(*db, ctl->cfg.cred_ics, cred, &err) != 0)
		return ctl_fail(
		    mandate_status(&err), &err, "could not find the creditor");
	return CTL_OK;
}

/* A --received/--sent value; usage error with the option's name. */
static int
mandate_date(sepa_date *out, const char *opt, const char *s)
{
	sepa_error err = SEPA_ERROR_INIT;

	if (sepa_date_parse(out, s, &err) != 0) {
		log_warnx("%s \"%s\": %s", opt, s, err.msg);
		return CTL_USAGE;
	}
	return CTL_OK;
}

static const char *
mandate_datestr(char *buf, sepa_date d)
{
	if (d.year == 0)
		return "-";
	return i18n_date(buf, d);
}

static const char *
mandate_amend_name(enum sepa_amendment a)
{
	switch (a) {
	case SEPA_AMEND_SAME_BANK:
		return _("same bank (OrgnlDbtrAcct = the old IBAN)");
	case SEPA_AMEND_OTHER_BANK:
		return _("other bank (SMNDA)");
	default:
		return P_("amendment", "none");
	}
}

/* ---------------------------------------------------------------- show */

/* What the mandate's history before sepad says (import), when it says. */
static void
mandate_show_before(const struct mandate_info *info)
{
	char d[SEPA_DATE_BUFSZ];

	if (info->collected_before.year == 0 && !info->presented_before)
		return;
	if (info->collected_before.year == 0)
		fputs(_("before sepad: presented (next debit RCUR)\n"), stdout);
	else
		printf(info->presented_before
		        ? _("before sepad: last collected on %s, presented "
		            "(next debit RCUR)\n")
		        : _("before sepad: last collected on %s, never "
		            "presented\n"),
		    i18n_date(d, info->collected_before));
}

static int
mandate_show(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct mandate_info info;
	sepa_rules rules;
	struct db *db;
	int64_t cred;
	char d1[SEPA_DATE_BUFSZ], m2[SEPA_DATE_BUFSZ], m1[SEPA_MONTH_BUFSZ];
	char mask[SEPA_IBAN_MASK_BUFSZ], money[SEPA_MONEY_BUFSZ];
	int rc;

	if (argc != 2) {
		log_warnx("mandate show needs one RUM");
		return CTL_USAGE;
	}
	if ((rc = mandate_open(ctl, &db, &cred, &rules)) != CTL_OK)
		return rc;
	if (store_mandate_show(db, cred, &rules, &ctl->cfg.creditor_side_codes,
	        argv[1], ctl->today, &info, &err) != 0)
		return ctl_fail(mandate_status(&err), &err,
		    "could not show mandate %s", argv[1]);
	printf(_("mandate: %s\n"), info.rum);
	printf(_("family: %s, %s\n"), info.family_ref, info.payer_name);
	printf(_("signed on: %s\n"), i18n_date(d1, info.signed_on));
	mandate_show_before(&info);
	printf(_("state: %s"), i18n_state(I18N_MANDATE, info.state));
	if (info.reason[0] != '\0')
		printf(" (%s)", info.reason);
	if (info.since.year != 0)
		printf(_(" since %s"), i18n_date(d1, info.since));
	printf("\n");
	if (info.ends_on.year != 0)
		printf(_("ends on: %s (last day it may be collected)\n"),
		    i18n_date(d1, info.ends_on));
	if (strcmp(info.state, "active") == 0 ||
	    strcmp(info.state, "suspended") == 0)
		printf(_("last used: %s (lapses after %s unless collected)\n"),
		    i18n_date(d1, info.last_use),
		    i18n_date(m2, info.usable_until));
	printf(_("accounts:\n"));
	for (size_t i = 0; i < info.naccounts; i++) {
		const struct mandate_history *h = &info.accounts[i];

		printf(_("  from %s: %s, BIC %s, received %s"),
		    sepa_month_iso(m1, h->applies_from),
		    sepa_iban_mask(mask, h->iban),
		    h->bic[0] != '\0' ? h->bic : "-",
		    i18n_date(d1, h->received_on));
		if (h->carried_by[0] != '\0')
			printf(_(", amendment carried by %s (%s collection)"),
			    h->carried_by,
			    sepa_month_iso(m1, h->carried_month));
		else if (!h->debited && i + 1 < info.naccounts)
			printf(_(", never debited"));
		else if (h->amendment_required && !h->debited)
			printf(_(", amendment pending"));
		printf("\n");
	}
	if (info.has_last) {
		printf(_("last collection: %s, due %s, %s %s, %s, %s"),
		    sepa_month_iso(m1, info.last_month),
		    i18n_date(d1, info.last_due), info.last_seq,
		    sepa_money_fr(money, info.last_amount),
		    sepa_iban_mask(mask, info.last_iban),
		    i18n_state(I18N_COLLECTION, info.last_state));
		if (info.last_reason[0] != '\0')
			printf(" %s", info.last_reason);
		printf("\n");
	} else {
		printf(_("last collection: none\n"));
	}
	if (info.no_next[0] != '\0') {
		printf(_("next collection: none (%s)\n"), info.no_next);
	} else {
		printf(_("next collection: %s, %s"),
		    sepa_month_iso(m1, info.next_month),
		    sepa_seq_name(info.next_seq));
		if (info.has_next_account)
			printf(_(", %s, amendment %s"),
			    sepa_iban_mask(mask, info.next_account.iban),
			    mandate_amend_name(info.next_account.amendment));
		else
			printf(_(", no account for that month"));
		printf("\n");
	}
	printf(_("rejects counted in school year %d-%d: %" PRId64 " of %d\n"),
	    info.school_year, info.school_year + 1, info.rejects,
	    rules.max_rejects_per_school_year);
	store_mandate_info_free(&info);
	return CTL_OK;
}

/* ---------------------------------------------------------------- list */

struct mandate_list_out {
	bool csv;
	size_t n;
	struct csvout w; /* --csv */
};

/* The columns of the CSV, in the order of mandate_list_row. */
static const char *const mandate_csv_head[] = {"RUM", "Famille", "Payeur",
    "État", "Motif", "Depuis le", "Prend fin le", "Signé le", "Compte"};

/*
 * A payer name in a column of `width` characters (UTF-8: cut between
 * characters, never inside one; padded by characters, not bytes).
 */
static void
mandate_payer_cell(const char *name, size_t width)
{
	char cut[256];
	size_t len = 0, chars = 0;

	for (; name[len] != '\0'; len++) {
		/* a character starts: room for it whole (4 bytes at most) */
		if (((unsigned char)name[len] & 0xC0) != 0x80) {
			if (chars == width || len + 4 >= sizeof(cut))
				break;
			chars++;
		}
		cut[len] = name[len];
	}
	cut[len] = '\0';
	notice_cell(stdout, cut, width, 0);
}
static int
mandate_list_row(void *arg, const struct mandate_list_row *row)
{
	struct mandate_list_out *o = arg;
	char since[SEPA_DATE_BUFSZ], ends[SEPA_DATE_BUFSZ];
	char mask[SEPA_IBAN_MASK_BUFSZ];
	const char *iban =
	    row->iban[0] != '\0' ? sepa_iban_mask(mask, row->iban) : "-";

	o->n++;
	if (o->csv) {
		csvout_text(&o->w, row->rum);
		csvout_text(&o->w, row->family_ref);
		csvout_text(&o->w, row->payer_name);
		csvout_text(&o->w, row->state);
		csvout_text(&o->w, row->reason_stored);
		csvout_date(&o->w, row->since);
		csvout_date(&o->w, row->ends_on);
		csvout_date(&o->w, row->signed_on);
		csvout_text(&o->w, row->iban[0] != '\0' ? iban : "");
		csvout_end(&o->w);
		return 0;
	}
	printf("%-20s %-12s ", row->rum, row->family_ref);
	mandate_payer_cell(row->payer_name, 24);
	putchar(' ');
	notice_cell(stdout, i18n_state(I18N_MANDATE, row->state), 10, 0);
	printf(" %-10s %-10s %s%s%s\n", mandate_datestr(since, row->since),
	    mandate_datestr(ends, row->ends_on), iban,
	    row->reason[0] != '\0' ? "  " : "", row->reason);
	return 0;
}

/* The headings of mandate list's columns (mandate_list_row). */
static void
mandate_list_head(void)
{
	static const struct {
		const char *name;
		size_t width;
	} col[] = {{N_("RUM"), 20}, {N_("FAMILY"), 12}, {N_("PAYER"), 24},
	    {N_("STATE"), 10}, {N_("SINCE"), 10}, {N_("ENDS ON"), 10},
	    {N_("ACCOUNT"), 0}};

	for (size_t i = 0; i < sizeof(col) / sizeof(col[0]); i++) {
		if (i > 0)
			putchar(' ');
		notice_cell(stdout, _(col[i].name), col[i].width, 0);
	}
	putchar('\n');
}

static int
mandate_list(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"status", required_argument, NULL, 's'},
	    {"csv", no_argument, NULL, 'C'},
	    {NULL, 0, NULL, 0},
	};
	static const char *const states[] = {
	    "active", "suspended", "terminated", "lapsed"};
	sepa_error err = SEPA_ERROR_INIT;
	struct mandate_list_out out = {.csv = false};
	const char *state = NULL;
	sepa_rules rules;
	struct db *db;
	int64_t cred;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			state = optarg;
			break;
		case 'C':
			out.csv = true;
			break;
		default:
			return CTL_USAGE;
		}
	}
	if (optind != argc) {
		log_warnx("mandate list takes no argument besides its options");
		return CTL_USAGE;
	}
	if (state != NULL) {
		bool ok = false;

		for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
			ok = ok || strcmp(state, states[i]) == 0;
		if (!ok) {
			log_warnx("--status \"%s\" is not one of active, "
			          "suspended, terminated, lapsed",
			    state);
			return CTL_USAGE;
		}
	}
	if ((rc = mandate_open(ctl, &db, &cred, &rules)) != CTL_OK)
		return rc;
	if (out.csv) {
		struct csvout_dialect d = csvout_dialect_of(&ctl->cfg);

		csvout_begin(&out.w, stdout, &d, mandate_csv_head,
		    sizeof(mandate_csv_head) / sizeof(mandate_csv_head[0]));
	} else
		mandate_list_head();
	if (store_mandate_list(
	        db, cred, state, ctl->today, mandate_list_row, &out, &err) != 0)
		return ctl_fail(
		    mandate_status(&err), &err, "could not list the mandates");
	if (!out.csv)
		printf(
		    ngettext("%zu mandate\n", "%zu mandates\n", out.n), out.n);
	return CTL_OK;
}

/* ------------------------------------------------------ change-account */

static int
mandate_change(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"iban", required_argument, NULL, 'i'},
	    {"bic", required_argument, NULL, 'b'},
	    {"received", required_argument, NULL, 'r'},
	    {"sent", required_argument, NULL, 's'},
	    {NULL, 0, NULL, 0},
	};
	sepa_error err = SEPA_ERROR_INIT;
	const char *iban_in = NULL, *bic_in = NULL, *recv = NULL, *sent = NULL;
	char iban[SEPA_IBAN_BUFSZ], bic[SEPA_BIC_BUFSZ] = "";
	char mask[SEPA_IBAN_MASK_BUFSZ];
	struct mandate_change chg;
	struct mandate_change_result res;
	sepa_rules rules;
	struct db *db;
	int64_t cred;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			iban_in = optarg;
			break;
		case 'b':
			bic_in = optarg;
			break;
		case 'r':
			recv = optarg;
			break;
		case 's':
			sent = optarg;
			break;
		default:
			return CTL_USAGE;
		}
	}
	if (optind + 1 != argc || iban_in == NULL || recv == NULL) {
		log_warnx("mandate change-account needs a RUM, --iban and "
		          "--received");
		return CTL_USAGE;
	}
	memset(&chg, 0, sizeof(chg));
	chg.rum = argv[optind];
	if ((rc = mandate_date(&chg.received, "--received", recv)) != CTL_OK)
		return rc;
	chg.sent = chg.received;
	if (sent != NULL &&
	    (rc = mandate_date(&chg.sent, "--sent", sent)) != CTL_OK)
		return rc;
	if (sepa_iban_parse(iban, iban_in, &err) != 0)
		return ctl_fail(CTL_REFUSED, &err,
		    "could not change the account of mandate %s", chg.rum);
	if (bic_in != NULL &&
	    sepa_bic_parse(bic, bic_in, config_bic_rule(&ctl->cfg), &err) != 0)
		return ctl_fail(CTL_REFUSED, &err,
		    "could not change the account of mandate %s", chg.rum);
	chg.iban = iban;
	chg.bic = bic;
	if ((rc = mandate_open(ctl, &db, &cred, &rules)) != CTL_OK)
		return rc;
	if (store_mandate_change_account(
	        db, cred, &rules, &chg, ctl->today, &res, &err) != 0)
		return ctl_fail(mandate_status(&err), &err,
		    "could not change the account of mandate %s", chg.rum);
	printf(_("mandate %s: new account %s: %s\n"), res.rum,
	    sepa_iban_mask(mask, iban), res.why);
	if (res.replaced)
		printf(_("mandate %s: a change not yet debited was replaced "
		         "(the last one wins)\n"),
		    res.rum);
	if (res.reactivated)
		printf(_("mandate %s: active again (it was suspended)\n"),
		    res.rum);
	return CTL_OK;
}

/* ----------------------------------------------------------- terminate */

static int
mandate_terminate(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"received", required_argument, NULL, 'r'},
	    {"immediate", no_argument, NULL, 'I'},
	    {NULL, 0, NULL, 0},
	};
	sepa_error err = SEPA_ERROR_INIT;
	struct mandate_end_result res;
	const char *recv = NULL, *rum;
	bool immediate = false;
	char end[SEPA_DATE_BUFSZ];
	sepa_date received;
	sepa_rules rules;
	struct db *db;
	int64_t cred;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			recv = optarg;
			break;
		case 'I':
			immediate = true;
			break;
		default:
			return CTL_USAGE;
		}
	}
	if (optind + 1 != argc || recv == NULL) {
		log_warnx("mandate terminate needs a RUM and --received");
		return CTL_USAGE;
	}
	rum = argv[optind];
	if ((rc = mandate_date(&received, "--received", recv)) != CTL_OK)
		return rc;
	if ((rc = mandate_open(ctl, &db, &cred, &rules)) != CTL_OK)
		return rc;
	if (store_mandate_terminate(db, cred, &rules, rum, received, immediate,
	        ctl->today, &res, &err) != 0)
		return ctl_fail(mandate_status(&err), &err,
		    "could not terminate mandate %s", rum);
	i18n_date(end, res.ends_on);
	if (res.terminated_now)
		printf(_("mandate %s terminated, last day %s (%s)\n"), res.rum,
		    end, res.why);
	else if (res.kept_earlier)
		printf(_("mandate %s already ends on %s, kept (%s)\n"), res.rum,
		    end, res.why);
	else
		printf(_("mandate %s ends on %s (%s); it is collected until "
		         "then\n"),
		    res.rum, end, res.why);
	return CTL_OK;
}

/* mandate change-rum OLD NEW --received DATE */
static int
mandate_change_rum(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct mandate_rum_result res;
	sepa_date received;
	sepa_rules rules;
	struct db *db;
	int64_t cred;
	int rc;

	if (argc != 5 || strcmp(argv[3], "--received") != 0) {
		log_warnx("mandate change-rum needs OLD NEW --received DATE");
		return CTL_USAGE;
	}
	if ((rc = mandate_date(&received, "--received", argv[4])) != CTL_OK ||
	    (rc = mandate_open(ctl, &db, &cred, &rules)) != CTL_OK)
		return rc;
	if (store_mandate_change_rum(db, cred, argv[1], argv[2], received,
	        ctl->today, &res, &err) != 0)
		return ctl_fail(mandate_status(&err), &err,
		    "could not change the RUM of mandate %s", argv[1]);
	printf(_("mandate %s is now %s\n"), res.old_rum, res.new_rum);
	if (res.presented)
		printf(_("mandate %s: its next debit declares the old RUM %s "
		         "(OrgnlMndtId), once\n"),
		    res.new_rum, res.old_rum);
	else
		printf(_("mandate %s: never presented to the bank, nothing to "
		         "declare\n"),
		    res.new_rum);
	return CTL_OK;
}

int
cmd_mandate(struct ctl *ctl, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct ctl *, int, char **);
	} subs[] = {
	    {"show", mandate_show},
	    {"list", mandate_list},
	    {"change-account", mandate_change},
	    {"change-rum", mandate_change_rum},
	    {"terminate", mandate_terminate},
	};

	if (argc < 2) {
		log_warnx(
		    "mandate needs show, list, change-account, change-rum "
		    "or terminate");
		return CTL_USAGE;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(ctl, argc - 1, argv + 1);
	log_warnx("unknown mandate command \"%s\" (see sepactl mandate --help)",
	    argv[1]);
	return CTL_USAGE;
}
