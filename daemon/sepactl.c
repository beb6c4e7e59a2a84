/*
 * sepactl.c - the operator's command line: global options, the command
 * table, help, and the exit status contract (0 done, 1 refused input,
 * 2 usage, 3 internal or database error). Each command lives in its own
 * daemon/cmd_*.c: adding one is one entry below and one function.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sepad.h"

#ifndef SEPAD_SRCDIR
#define SEPAD_SRCDIR "."
#endif

static const struct ctl_command commands[] = {
    {"init", "", "create or migrate the database",
        "Apply the SQL migrations the database does not have yet, in one\n"
        "transaction: either all of them are applied or none. Running it again\n"
        "changes nothing. With database.conninfo empty, the private cluster is\n"
        "created and started first.\n",
        cmd_init},
    {"inspect", "FILE...", "show what bank files say (CSV, no database)",
        "Read pain.002, camt.052, camt.053 and camt.054 files and print their\n"
        "normalised records as CSV on stdout (file, kind, level, status,\n"
        "original MsgId, PmtInfId, EndToEndId, mandate, amount, reason code,\n"
        "booking date, reason label). A file that cannot be read gets its\n"
        "reason on stderr and none of its records; exit status 1.\n",
        cmd_inspect},
    {"recovery", "export", "export the invoices due for recovery",
        "Write the invoices due for recovery (unpaid after their reminder, or\n"
        "with no active mandate) as a CSV into the outbox, with a .sha256, and\n"
        "mark them 'recovery': each invoice goes into exactly one export.\n",
        cmd_recovery},
    {"report", "--month YYYY-MM [--html FILE]", "the month's returns report",
        "Collections presented and settled in the month (by due date), the\n"
        "unpaid ones by state and reason code with their labels, mandates\n"
        "suspended and terminated, invoices sent to recovery; plain text on\n"
        "stdout, and with --html a self-contained page with an SVG chart.\n",
        cmd_report},
    {"status", "", "database, schema version and counts",
        "Say whether the database is reachable, its schema version, and how many\n"
        "families, mandates, consumption lines and invoices it holds.\n",
        cmd_status},
    {"db", "start|stop", "start or stop the private PostgreSQL cluster",
        "The private cluster (database.data_dir) starts on demand and keeps\n"
        "running so that commands are fast; `db stop` stops it, `db start`\n"
        "starts it and prints its connection string.\n",
        cmd_db},
    {"collect", "--month YYYY-MM", "write the pain.008 files of a month",
        "Collect the invoices due in collection month YYYY-MM (those of the\n"
        "month before): record every file of the month with its whole content\n"
        "in one transaction, then write each pain.008 (validated, with its\n"
        ".sha256) into directories.outbox and mark it released. Running it\n"
        "again writes nothing new; a file recorded but not released (a crash)\n"
        "is written again, byte for byte.\n",
        cmd_collect},
    {"cycle", "[--month YYYY-MM]", "run the steps of the cycle that are due",
        "Run every step of the monthly cycle due on the business date (--today\n"
        "or SEPAD_TODAY) that has not run yet: the export day\n"
        "(collection.export_day) collects the month. Each step runs once per\n"
        "month; steps missed since the last run are caught up, in order. With\n"
        "--month, only that month's due steps.\n",
        cmd_cycle},
    {"mandate", "show|list|change-account|terminate ...",
        "the families' mandates",
        "  mandate show RUM\n"
        "  mandate list [--status STATUS] [--csv]\n"
        "  mandate change-account RUM --iban IBAN [--bic BIC] --received DATE\n"
        "      [--sent DATE]\n"
        "  mandate terminate RUM --received DATE [--immediate]\n\n"
        "show RUM: family, state, accounts over time (masked IBANs), last and\n"
        "next collection (FRST/RCUR, amendment), rejects counted this school\n"
        "year.\n"
        "list: one line per mandate (--status active|suspended|terminated|\n"
        "lapsed; --csv for a ';'-separated file).\n"
        "change-account: new bank details. The month of the first collection\n"
        "on them follows the date the family SENT the form (--sent, default\n"
        "--received): on or before mandates.account_change_cutoff_day of M,\n"
        "from M; later, from M+1; never a month whose file is already made.\n"
        "Two changes for the same month: the last one wins. A suspended\n"
        "mandate becomes active again.\n"
        "terminate: the family's letter. Received before\n"
        "mandates.letter_deadline (30 June), the mandate ends on 31 August of\n"
        "this school year, later on 31 August of the next; --immediate ends\n"
        "it now (revoked at the bank).\n",
        cmd_mandate},
    {"import", "families|mandates|tariffs|consumption FILE | returns FILE...",
        "take in a CSV file, or reconcile bank files",
        "Read a CSV file (PRODUCT.md section 4: columns by name, ';' ',' or tab,\n"
        "UTF-8 or import.encoding) and store it in one transaction. A file with\n"
        "any bad row is refused whole, with one line per problem (line, column,\n"
        "value, reason), and the database is left as it was. The same bytes\n"
        "imported again change nothing. Families are updated by family_ref;\n"
        "tariffs create their services; consumption creates its children.\n"
        "\n"
        "import returns FILE...: each pain.002, camt.054 or camt.053 file in\n"
        "one transaction: records stored, matched on EndToEndId (checked\n"
        "against MsgId, PmtInfId, mandate and amount), collections and\n"
        "invoices updated, the two-rejects and dead-account rules applied;\n"
        "what cannot be applied goes to the quarantine. The same file twice\n"
        "changes nothing; a refused file changes nothing.\n",
        cmd_import},
    {"invoice", "run --month YYYY-MM", "bill that month's consumption",
        "invoice run --month YYYY-MM bills the consumption of that month (it\n"
        "is collected the next month): one invoice per family with lines per\n"
        "child, service and unit price, regularisations of earlier months\n"
        "received late, and reminders of unpaid invoices; due date from\n"
        "collection.due_day, moved later when the notice would come less than\n"
        "collection.prenotification_days before it. One transaction; a month\n"
        "already invoiced is left as it is. The notices (avis d'echeance) go\n"
        "to OUTBOX/notices/YYYY-MM/ with notices-YYYY-MM.csv for mail merge.\n",
        cmd_invoice},
    {"payment", "record INVOICE --amount EUR --date DATE",
        "record a payment made by other means",
        "payment record INVOICE --amount EUR --date DATE [--method M]\n"
        "[--reference TEXT] records a payment by cheque, cash, transfer, card\n"
        "or other (the default). A payment that settles the invoice moves it\n"
        "to paid, which stops the reminders. Refused: unknown invoice, amount\n"
        "not above 0 or above what is due, a date after the business date.\n",
        cmd_payment},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: sepactl [-v] [-c FILE] [--today YYYY-MM-DD] COMMAND ...\n"
	    "\n"
	    "  -c, --config FILE   configuration (default: $SEPAD_CONF, else\n"
	    "                      %s/conf/sepad.conf when it exists,\n"
	    "                      else the built-in defaults)\n"
	    "  --today DATE        business date (also SEPAD_TODAY)\n"
	    "  -v, --verbose       more messages\n"
	    "  -h, --help          this help; COMMAND --help for a command\n"
	    "\ncommands:\n",
	    SEPAD_SRCDIR);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char head[64];

		snprintf(head, sizeof(head), "%s %s", commands[i].name,
		    commands[i].args);
		fprintf(fp, "  %-22s %s\n", head, commands[i].summary);
	}
	fprintf(fp,
	    "\nexit status: 0 done, 1 input refused, 2 usage error, "
	    "3 internal or database error\n");
}

/* "YYYY-MM-DD" exactly (the lib also reads DD/MM/YYYY), a real date. */
static int
parse_today(sepa_date *out, const char *s, sepa_error *err)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return sepa_error_set(
		    err, SEPA_EINVAL, "\"%s\" is not a date YYYY-MM-DD", s);
	return sepa_date_parse(out, s, err);
}

static const char *
default_config(void)
{
	const char *env = getenv("SEPAD_CONF");
	static const char path[] = SEPAD_SRCDIR "/conf/sepad.conf";

	if (env != NULL && env[0] != '\0')
		return env;
	return access(path, F_OK) == 0 ? path : NULL;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"today", required_argument, NULL, 'T'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct config_errors errs;
	struct ctl ctl;
	const struct ctl_command *cmd = NULL;
	const char *today = getenv("SEPAD_TODAY");
	sepa_error err = SEPA_ERROR_INIT;
	int ch, verbose = 0, status = CTL_OK;

	memset(&ctl, 0, sizeof(ctl));
	ctl.progname = "sepactl";
	log_init("sepactl", 0, CTL_INTERNAL);
	ctl.config_path = NULL;
	/* '+': options stop at the command, which has its own. */
	while ((ch = getopt_long(argc, argv, "+c:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			ctl.config_path = optarg;
			break;
		case 'T':
			today = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return CTL_OK;
		default:
			usage(stderr);
			return CTL_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	log_init("sepactl", verbose, CTL_INTERNAL);
	if (argc < 1) {
		log_warnx("a command is needed");
		usage(stderr);
		return CTL_USAGE;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		log_warnx(
		    "unknown command \"%s\" (see sepactl --help)", argv[0]);
		return CTL_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			printf("usage: sepactl [options] %s %s\n\n%s",
			    cmd->name, cmd->args, cmd->help);
			return CTL_OK;
		}
	}

	if (today != NULL && today[0] != '\0') {
		if (parse_today(&ctl.today, today, &err) != 0) {
			log_warnx(
			    "could not set the business date: %s", err.msg);
			return CTL_USAGE;
		}
	} else {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		ctl.today.year = tm.tm_year + 1900;
		ctl.today.month = tm.tm_mon + 1;
		ctl.today.day = tm.tm_mday;
	}

	if (ctl.config_path == NULL)
		ctl.config_path = default_config();
	if (config_load(&ctl.cfg, ctl.config_path, SEPAD_SRCDIR, &errs) != 0) {
		char line[SEPA_ERROR_MSG_MAX + SEPA_ERROR_WHERE_MAX + 64];

		log_warnx("could not load the configuration %s: %zu error%s",
		    ctl.cfg.path, errs.count + errs.dropped,
		    errs.count + errs.dropped > 1 ? "s" : "");
		for (size_t i = 0; i < errs.count; i++)
			fprintf(stderr, "%s\n",
			    sepa_error_format(
			        &errs.list[i], line, sizeof(line)));
		if (errs.dropped > 0)
			fprintf(stderr, "(%zu more)\n", errs.dropped);
		status = errs.count > 0 && errs.list[0].code == SEPA_EIO
		    ? CTL_INTERNAL
		    : CTL_REFUSED;
		goto cleanup;
	}

	status = cmd->run(&ctl, argc, argv);
cleanup:
	db_close(ctl.db);
	config_free(&ctl.cfg);
	return status;
}
