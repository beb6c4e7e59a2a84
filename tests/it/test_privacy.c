/*
 * test_privacy.c - what the programs show and write, against the people
 * who should not see it or who would abuse it, end to end:
 *
 * - no full IBAN on stdout, stderr or in the event log, whatever refusal
 *   a file, a command line or the database brings about (imports of
 *   every file of tests/data/import as every kind, files with IBANs in
 *   the wrong columns, mandate change-account, payments, bank files,
 *   collect with a broken account);
 * - every file written is 0640 (or 0600) in 0750 directories, under
 *   umask 000;
 * - a payer named =HYPERLINK("http://x") and a bank reference =... come
 *   out of every CSV for people (notices and corrected notices, recovery,
 *   refunds, mandate and family lists, CAF declaration, quarantine,
 *   inspect) as text, the amounts as numbers, each file as French Excel
 *   opens it (tests/it/excel_fr.py, python3's csv module).
 *
 * The world: a commune of three families (one payer's name a formula,
 * one without mandate), September 2026 invoiced on 1 October and
 * collected on the 6th.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../db/dbtest.h"
#include "../db/returnsfix.h"
#include "ctlrun.h"
#include "excelfr.h"
#include "noiban.h"
#include "sepa/error.h"

#define DATA SEPAD_SRCDIR "/tests/data/"

struct world {
	char name[64];
	char conninfo[DBTEST_CONNINFO_MAX];
	char dir[64]; /* everything of the test: inputs, outbox, conf */
	char outbox[128];
	char conf[128];
	struct db *db;
};

/* `sepactl -c CONF ARGS`: its stdout and stderr never show an IBAN. */
static void
run(struct ctlrun *r, const struct world *w, const char *args)
{
	char a[4096];

	snprintf(a, sizeof(a), "-c %s %s", w->conf, args);
	ctlrun(r, a);
	no_iban(args, r->out);
	no_iban(args, r->err);
}

static void
sql(struct world *w, const char *text)
{
	dbtest_exec(w->db, text);
}

static void
put(const struct world *w, const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", w->dir, name);
	fp = fopen(path, "w");
	cr_assert_not_null(fp, "%s", path);
	fputs(text, fp);
	fclose(fp);
}

static const char families_csv[] =
    "family_ref;payer_name;street;postcode;city;country;email;bracket\n"
    "F001;\"=HYPERLINK(\"\"http://x\"\")\";12 rue de "
    "l'Église;99999;Saint-Exemple;FR;;A\n"
    "F002;Noël Martin;+33 avenue des Pins;99999;Saint-Exemple;FR;"
    "noel@example.fr;A\n"
    "F003;@SUM(1+1);-1 rue Basse;99999;Saint-Exemple;FR;;A\n";
static const char tariffs_csv[] =
    "service;bracket;unit;price;valid_from;caf_activity\n"
    "canteen;A;meal;3.20;2026-09-01;none\n"
    "alsh;A;hour;1.50;2026-09-01;extrascolaire\n";
/* RUM-F001-1 on the account bad_rum_other_iban.csv contradicts. */
static const char mandates_csv[] =
    "rum;family_ref;iban;bic;signed_on\n"
    "RUM-F001-1;F001;FR76 2004 1010 0505 0001 3002 675;;2026-09-01\n"
    "RUM-F002-1;F002;FR7630002005500000123456783;;2026-09-01\n";
static const char consumption_csv[] =
    "family_ref;child_ref;child_name;service;date;quantity\n"
    "F001;C1;Léo;canteen;2026-09-07;2\n"
    "F001;C1;Léo;alsh;2026-09-09;2\n"
    "F002;C1;Lou;canteen;2026-09-08;1\n"
    "F003;C1;Max;canteen;2026-09-08;1\n";

/*
 * The commune, imported; with `invoiced`, September invoiced on 1
 * October. Under the umask the test set.
 */
static void
world_open(struct world *w, int invoiced)
{
	static const char *const kinds[] = {
	    "families", "tariffs", "mandates", "consumption"};
	sepa_error err = SEPA_ERROR_INIT;
	struct ctlrun r;
	char args[512];

	dbtest_create(w->conninfo, w->name, "sepad");
	snprintf(w->dir, sizeof(w->dir), "/tmp/privacy-XXXXXX");
	cr_assert_not_null(mkdtemp(w->dir));
	snprintf(w->outbox, sizeof(w->outbox), "%s/outbox", w->dir);
	snprintf(w->conf, sizeof(w->conf), "%s/sepad.conf", w->dir);
	ctlrun_commune_conf(w->conf, w->conninfo, w->outbox, "");
	if (db_connect(&w->db, w->conninfo, &err) != 0)
		cr_assert_fail("%s", err.msg);
	run(&r, w, "init");
	cr_assert_eq(r.status, 0, "%s", r.err);
	put(w, "families.csv", families_csv);
	put(w, "tariffs.csv", tariffs_csv);
	put(w, "mandates.csv", mandates_csv);
	put(w, "consumption.csv", consumption_csv);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(args, sizeof(args),
		    "--today 2026-10-01 import %s %s/%s.csv", kinds[i], w->dir,
		    kinds[i]);
		run(&r, w, args);
		cr_assert_eq(r.status, 0, "%s: %s", kinds[i], r.err);
	}
	if (invoiced) {
		run(&r, w, "--today 2026-10-01 invoice run --month 2026-09");
		cr_assert_eq(r.status, 0, "%s", r.err);
	}
}

static void
world_close(struct world *w)
{
	char cmd[256];

	db_close(w->db);
	dbtest_drop(w->name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
	cr_assert_eq(system(cmd), 0);
}

/*
 * Collect October; F003 has no mandate and does not pay: with reminders
 * off, its invoice goes to recovery once its due date has passed
 * (contract art. 6 otherwise reminds it on the next invoice first).
 */
static void
collect_and_recover(struct world *w)
{
	struct ctlrun r;

	run(&r, w, "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	ctlrun_commune_conf(w->conf, w->conninfo, w->outbox,
	    "rejections: { represent_on_next_invoice = false; };\n");
	sql(w,
	    "UPDATE invoices i SET state = 'unpaid', state_since = "
	    "'2026-10-20', unpaid_reason = '=1+2' FROM families f WHERE "
	    "f.id = i.family_id AND f.family_ref = 'F003'");
	run(&r, w, "--today 2026-10-20 recovery export");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_assert(strstr(r.out, "nothing is due") == NULL, "%s", r.out);
}

/* ------------------------------------------------------------ IBANs */

/* A mandates file with IBANs everywhere but where they belong. */
static const char mandates_misplaced_csv[] =
    "rum;family_ref;iban;bic;signed_on\n"
    /* an IBAN as the family, as the RUM, as the date, as the BIC */
    "RUM-X1;FR7630006000011234567890189;FR7630006000011234567890189;;"
    "2026-09-01\n"
    "FR76 3000 6000 0112 3456 7890 189;F002;FR7630002005500000123456783;;"
    "2026-09-01\n"
    "RUM-X3;F003;DE89370400440532013000;;FR7630006000011234567890189\n"
    "RUM-X4;F003;DE89370400440532013000;FR7630006000011234567890189;"
    "2026-09-01\n"
    /* a typo of an IBAN, in groups and in lower case */
    "RUM-X5;F003;fr76 3000 6000 0112 3456 7890 188;;2026-09-01\n"
    /* a valid IBAN of a country outside SEPA, another too long */
    "RUM-X6;F003;BR1800360305000010009795493C1;;2026-09-01\n"
    "RUM-X7;F003;FR76300060000112345678901890;;2026-09-01\n";

/* A bank file whose free text quotes an account, for no collection. */
static const char pain002_with_iban[] =
    "<?xml version=\"1.0\"?>\n"
    "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\">"
    "<CstmrPmtStsRpt><GrpHdr><MsgId>BANK-1</MsgId>"
    "<CreDtTm>2026-10-16T10:00:00</CreDtTm></GrpHdr>\n"
    "<OrgnlGrpInfAndSts><OrgnlMsgId>SEPAD-ZZZ123456-202610-1</OrgnlMsgId>"
    "<OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId></OrgnlGrpInfAndSts>\n"
    "<OrgnlPmtInfAndSts><OrgnlPmtInfId>P1</OrgnlPmtInfId>\n"
    "<TxInfAndSts><OrgnlEndToEndId>FR7630006000011234567890189"
    "</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd>"
    "</Rsn><AddtlInf>account FR76 3000 6000 0112 3456 7890 189 closed"
    "</AddtlInf></StsRsnInf><OrgnlTxRef><Amt>"
    "<InstdAmt Ccy=\"EUR\">6.40</InstdAmt></Amt><MndtRltdInf><MndtId>"
    "RUM-F001-1</MndtId></MndtRltdInf><DbtrAcct><Id><IBAN>"
    "FR7620041010050500013002675</IBAN></Id></DbtrAcct></OrgnlTxRef>"
    "</TxInfAndSts>\n"
    "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>\n";

/* Every file of a directory of tests/data, through `verb`. */
static void
each_file(struct world *w, const char *sub, const char *verb, int *count)
{
	char dir[512], args[1024];
	struct dirent *e;
	struct ctlrun r;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s%s", DATA, sub);
	d = opendir(dir);
	cr_assert_not_null(d, "%s", dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(args, sizeof(args), "--today 2026-10-20 %s %s/%s",
		    verb, dir, e->d_name);
		run(&r, w, args);
		(*count)++;
	}
	closedir(d);
}

Test(privacy, no_full_iban_in_any_message, .timeout = 240)
{
	static const char *const kinds[] = {
	    "families", "mandates", "tariffs", "consumption", "children"};
	static const char *const bank_dirs[] = {"bank/pain002", "bank/camt053",
	    "bank/camt054", "bank/camt052", "bank/derived", "bank/pain008",
	    "returns"};
	static const struct {
		const char *args;
		int status;
		const char *err; /* what the refusal says, masked */
	} commands[] = {
	    {"mandate change-account RUM-F002-1 --iban "
	     "FR7630006000011234567890188 --received 2026-10-02",
	        1, "IBAN FR76****0188: check digits do not match"},
	    {"mandate change-account RUM-F002-1 --iban 'fr76 3000 6000 0112 "
	     "3456 7890 188' --received 2026-10-02",
	        1, "IBAN FR76****0188"},
	    {"mandate change-account RUM-F002-1 --iban "
	     "FR7630002005500000123456783 --received 2026-10-02",
	        1, "IBAN FR76****6783 is already its account"},
	    {"mandate change-account RUM-F002-1 --iban "
	     "BR1800360305000010009795493C1 --received 2026-10-02",
	        1, "IBAN BR18****93C1: country BR is not in the SEPA scheme"},
	    {"mandate change-account NOPE --iban FR7630006000011234567890189 "
	     "--received 2026-10-02",
	        1, "NOPE"},
	    {"mandate change-account FR7630006000011234567890189 --iban "
	     "FR7630006000011234567890189 --received 2026-10-02",
	        1, "FR76****0189"},
	    {"mandate change-account RUM-F002-1 --iban "
	     "FR7630006000011234567890189 --bic FR7630006000011234567890189 "
	     "--received 2026-10-02",
	        1, NULL},
	    {"mandate show FR7630006000011234567890189", 1, "FR76****0189"},
	    {"payment record FR7630006000011234567890189 --amount 1 --date "
	     "2026-10-02",
	        1, "FR76****0189"},
	    {"payment record F2026-09-000001 --amount "
	     "FR7630006000011234567890189 --date 2026-10-02",
	        1, "FR76****0189"},
	    {"payment record F2026-09-000001 --amount 1 --date "
	     "FR7630006000011234567890189",
	        1, "FR76****0189"},
	    {"payment record F2026-09-000003 --amount 1 --date 2026-10-02 "
	     "--method FR7630006000011234567890189",
	        1, "FR76****0189"},
	    {"payment record F2026-09-000003 --amount 1000 --date 2026-10-02 "
	     "--reference 'virement FR7630006000011234567890189'",
	        1, NULL},
	    {"quarantine apply 1 --end-to-end FR7630006000011234567890189", 1,
	        NULL},
	    {"quarantine dismiss 999 --why 'FR7630006000011234567890189'", 1,
	        NULL},
	    {"attention ack 999 --note 'FR7630006000011234567890189'", 1, NULL},
	    {"inspect /nonexistent/FR7630006000011234567890189.xml", 1,
	        "FR76****0189"},
	    {"import mandates /nonexistent/FR7630006000011234567890189.csv", 1,
	        "FR76****0189"},
	};
	struct world w;
	struct ctlrun r;
	char args[1024], *events;
	int count = 0;
	PGresult *res;
	sepa_error err = SEPA_ERROR_INIT;

	world_open(&w, 1);
	/* every import fixture as every kind: only refusals or successes */
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		char verb[64];

		snprintf(verb, sizeof(verb), "import %s", kinds[k]);
		each_file(&w, "import", verb, &count);
	}
	/* the refusal that gave a family's IBAN away for its RUM */
	snprintf(args, sizeof(args),
	    "--today 2026-10-01 import mandates %simport/"
	    "bad_rum_other_iban.csv",
	    DATA);
	run(&r, &w, args);
	cr_assert_eq(r.status, 1, "%s", r.err);
	cr_assert(strstr(r.err,
	              "mandate RUM-F001-1 is registered with "
	              "another account (FR76****2675)") != NULL,
	    "%s", r.err);
	put(&w, "misplaced.csv", mandates_misplaced_csv);
	snprintf(args, sizeof(args),
	    "--today 2026-10-01 import mandates %s/misplaced.csv", w.dir);
	run(&r, &w, args);
	cr_assert_eq(r.status, 1, "%s", r.err);
	cr_assert(strstr(r.err,
	              "misplaced.csv:6: column \"iban\": "
	              "\"FR76****0188\": check digits do not match") != NULL,
	    "%s", r.err);
	/* the command line */
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		snprintf(args, sizeof(args), "--today 2026-10-02 %s",
		    commands[i].args);
		run(&r, &w, args);
		cr_expect_eq(r.status, commands[i].status, "%s: %d %s",
		    commands[i].args, r.status, r.err);
		if (commands[i].err != NULL)
			cr_expect(strstr(r.err, commands[i].err) != NULL,
			    "%s: %s", commands[i].args, r.err);
	}
	/* a broken account: its invoice is left out of the month, and the
	 * event that says so masks it */
	sql(&w,
	    "UPDATE mandate_accounts SET iban = 'FR7630006000011234567890188'"
	    " WHERE iban = 'FR7630002005500000123456783'");
	run(&r, &w, "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	if (db_query(w.db, &res, "the refusal",
	        "SELECT coalesce(string_agg(message, ''), '') FROM events"
	        " WHERE kind = 'invoice.collect_refused'",
	        0, NULL, &err) != 0)
		cr_assert_fail("%s", err.msg);
	cr_assert(strstr(PQgetvalue(res, 0, 0),
	              "IBAN FR76****0188: check digits do not "
	              "match") != NULL,
	    "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	sql(&w,
	    "UPDATE mandate_accounts SET iban = 'FR7630002005500000123456783'"
	    " WHERE iban = 'FR7630006000011234567890188'");
	collect_and_recover(&w);
	/* bank files: read, imported or refused */
	put(&w, "reject.xml", pain002_with_iban);
	snprintf(args, sizeof(args),
	    "--today 2026-10-20 import returns %s/reject.xml", w.dir);
	run(&r, &w, args);
	snprintf(args, sizeof(args), "inspect %s/reject.xml", w.dir);
	run(&r, &w, args);
	cr_assert(strstr(r.out, "FR76****0189 closed") != NULL, "%s", r.out);
	for (size_t i = 0; i < sizeof(bank_dirs) / sizeof(bank_dirs[0]); i++) {
		each_file(&w, bank_dirs[i], "inspect", &count);
		each_file(&w, bank_dirs[i], "import returns", &count);
	}
	/* what the operator reads afterwards */
	run(&r, &w, "--today 2026-10-20 status");
	run(&r, &w, "--today 2026-10-20 attention list --all");
	run(&r, &w, "--today 2026-10-20 mandate show RUM-F001-1");
	run(&r, &w, "--today 2026-10-20 mandate list");
	run(&r, &w, "--today 2026-10-20 mandate list --csv");
	run(&r, &w, "--today 2026-10-20 quarantine list --all");
	run(&r, &w, "--today 2026-10-20 quarantine list --all --csv");
	run(&r, &w, "--today 2026-10-20 report --month 2026-10");
	/* and the event log behind status and the journal */
	if (db_query(w.db, &res, "events",
	        "SELECT coalesce(string_agg(message, E'\\n' ORDER BY id), '')"
	        " FROM events",
	        0, NULL, &err) != 0)
		cr_assert_fail("%s", err.msg);
	events = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	no_iban("the event log", events);
	free(events);
	cr_assert_gt(count, 80);
	world_close(&w);
}

/* ---------------------------------------------------------- modes */

/* Every directory under path is 0750 (or 0700), every file 0640 (0600). */
static int
check_modes(const char *path)
{
	struct dirent *e;
	struct stat st;
	int files = 0;
	DIR *d;

	cr_assert_eq(stat(path, &st), 0, "%s", path);
	cr_assert((st.st_mode & 07777) == 0750 || (st.st_mode & 07777) == 0700,
	    "directory %s is %o", path, st.st_mode & 07777);
	d = opendir(path);
	cr_assert_not_null(d, "%s", path);
	while ((e = readdir(d)) != NULL) {
		char sub[1024];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		cr_assert_eq(lstat(sub, &st), 0, "%s", sub);
		if (S_ISDIR(st.st_mode)) {
			files += check_modes(sub);
			continue;
		}
		cr_assert((st.st_mode & 07777) == 0640 ||
		        (st.st_mode & 07777) == 0600,
		    "file %s is %o", sub, st.st_mode & 07777);
		files++;
	}
	closedir(d);
	return files;
}

/*
 * sepactl by hand, under umask 000, into an outbox that does not exist
 * yet: the notices, the pain.008, the recovery export and a report.
 */
Test(
    privacy, files_are_0640_in_0750_directories_under_umask_000, .timeout = 120)
{
	struct world w;
	struct ctlrun r;
	char args[512];
	int files;

	umask(0);
	world_open(&w, 1);
	collect_and_recover(&w);
	snprintf(args, sizeof(args),
	    "--today 2026-10-20 report --month 2026-10 --html %s/report.html "
	    "--pdf %s/report.pdf",
	    w.outbox, w.outbox);
	run(&r, &w, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	{
		char path[512], *html;

		snprintf(path, sizeof(path), "%s/report.html", w.outbox);
		html = ctlrun_read(path);
		no_iban("the report's HTML", html);
		free(html);
	}
	snprintf(args, sizeof(args),
	    "--today 2026-10-20 report caf --year 2026 --html %s/caf.html",
	    w.outbox);
	run(&r, &w, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	/*
	 * 3 notices and their CSV, the 3 PDF notices and the month's PDF,
	 * the pain.008 and its .sha256, the recovery CSV and its .sha256,
	 * the month's report in HTML and PDF, the CAF's
	 */
	files = check_modes(w.outbox);
	cr_assert_eq(files, 15, "%d files", files);
	world_close(&w);
}

/* ------------------------------------------------------------ CSVs */

/*
 * Every field of a CSV text (separator sep, fields quoted RFC 4180): none
 * starts a formula, except the numbers sepad writes ("-12.50",
 * "-7,50 €"). Returns the number of fields.
 */
static int
no_formula(const char *what, const char *csv, char sep)
{
	const char *p = csv;
	int fields = 0;

	while (*p != '\0') {
		char field[4096];
		size_t n = 0;

		if (*p == '"') {
			for (p++; *p != '\0'; p++) {
				if (*p == '"' && p[1] == '"')
					p++;
				else if (*p == '"')
					break;
				if (n + 1 < sizeof(field))
					field[n++] = *p;
			}
			if (*p == '"')
				p++;
		} else {
			for (; *p != '\0' && *p != sep && *p != '\r' &&
			     *p != '\n';
			     p++)
				if (n + 1 < sizeof(field))
					field[n++] = *p;
		}
		field[n] = '\0';
		fields++;
		if (n > 0 && strchr("=+-@\t\r", field[0]) != NULL) {
			const char *q = field + 1;

			while (
			    (*q >= '0' && *q <= '9') || *q == '.' || *q == ',')
				q++;
			cr_assert(field[0] == '-' && q > field + 1 &&
			        (*q == '\0' || strcmp(q, " €") == 0),
			    "%s: field \"%s\" starts a formula", what, field);
		}
		if (*p == sep)
			p++;
		else if (*p == '\r' && p[1] == '\n')
			p += 2;
		else if (*p == '\n')
			p++;
	}
	return fields;
}

/* The single file of dir named prefix*suffix, read. */
static char *
slurp_prefix(const char *dir, const char *prefix, const char *suffix)
{
	char path[512] = "";
	struct dirent *e;
	DIR *d = opendir(dir);

	cr_assert_not_null(d, "%s", dir);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
		    n > strlen(suffix) &&
		    strcmp(e->d_name + n - strlen(suffix), suffix) == 0)
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
	}
	closedir(d);
	cr_assert_neq(path[0], '\0', "no %s*%s in %s", prefix, suffix, dir);
	return ctlrun_read(path);
}

/* The payer of F001 as every CSV must write it: text, not a formula. */
static const char formula[] = "\"'=HYPERLINK(\"\"http://x\"\")\"";

/* A CSV for people as French Excel opens it (excelfr.h), and no field
 * of it starts a formula by the test's own reading. */
static void
excel_fr(const struct world *w, const char *what, const char *text,
    const char *head, const char *want)
{
	excelfr_check(w->dir, what, text, head, want);
	no_formula(what, text + 3, ';');
}

/* `sepactl ARGS` succeeds; its stdout. */
static const char *
run_ok(struct ctlrun *r, const struct world *w, const char *args)
{
	run(r, w, args);
	cr_assert_eq(r->status, 0, "%s: %s", args, r->err);
	return r->out;
}

Test(privacy, csv_outputs_neutralise_formulas, .timeout = 180)
{
	static const struct retfix_tx tx[] = {
	    {"=HYPERLINK(\"http://x\")", "AC04", 640, "@RUM"},
	};
	struct world w;
	struct ctlrun r;
	char path[256], args[512], *text;

	world_open(&w, 1);
	/* new bank details after the notice: a corrected notice */
	run_ok(&r, &w,
	    "--today 2026-10-02 mandate change-account RUM-F001-1 --iban "
	    "FR7630002005500000123456783 --received 2026-10-02");
	collect_and_recover(&w);

	/* the mail merge of the notices, then of the corrected one */
	snprintf(
	    path, sizeof(path), "%s/notices/notices-2026-09.csv", w.outbox);
	text = ctlrun_read(path);
	excel_fr(&w, "notices", text, "N° de facture;Famille;Payeur;Adresse;",
	    "'Payeur='\\''=HYPERLINK(\"http://x\")' "
	    "'Adresse='\\''+33 avenue des Pins, 99999 Saint-Exemple' "
	    "'Montant (€)=9,40' 'Prélèvement=oui' 'Prélèvement=non'");
	cr_assert(strstr(text, formula) != NULL, "%s", text);
	cr_assert(strstr(text, ";'@SUM(1+1);") != NULL, "%s", text);
	free(text);
	snprintf(
	    path, sizeof(path), "%s/notices/corrections-2026-09.csv", w.outbox);
	text = ctlrun_read(path);
	excel_fr(&w, "corrections", text, "N° de facture;Famille;Payeur;",
	    "'Ce qui change=compte' 'Compte=FR76****6783'");
	cr_assert(strstr(text, formula) != NULL, "%s", text);
	free(text);

	/* the recovery export: F003, its reason a formula too */
	text = slurp_prefix(w.outbox, "recovery-", ".csv");
	excel_fr(&w, "recovery", text, "Facture;Mois facturé;",
	    "'Payeur='\\''@SUM(1+1)' 'Rue='\\''-1 rue Basse' "
	    "'Dû (€)=3,20' 'Motif de l'\\''impayé='\\''=1+2' "
	    "'Mois facturé=septembre 2026' 'Échéance=15/10/2026'");
	free(text);

	/* the lists of sepactl */
	excel_fr(&w, "mandate list",
	    run_ok(&r, &w, "--today 2026-10-20 mandate list --csv"),
	    "RUM;Famille;Payeur;",
	    "'Payeur='\\''=HYPERLINK(\"http://x\")' "
	    "'Signé le=01/09/2026'");
	cr_assert(strstr(r.out, formula) != NULL, "%s", r.out);
	excel_fr(&w, "family list",
	    run_ok(&r, &w, "--today 2026-10-20 family list --csv"),
	    "Famille;Payeur;",
	    "'Payeur='\\''=HYPERLINK(\"http://x\")' 'En recouvrement (€)=3,20'");
	cr_assert(strstr(r.out, formula) != NULL, "%s", r.out);
	excel_fr(&w, "caf",
	    run_ok(&r, &w, "--today 2026-10-20 report caf --year 2026 --csv"),
	    "Année;Activité;", "'Heures réalisées=2' 'Du=01/09/2026'");

	/* a bank file with formulas for ids: inspect, then the quarantine */
	snprintf(path, sizeof(path), "%s/formula.xml", w.dir);
	retfix_pain002(path, "BANK-F", "=1+2", "+P", NULL, tx, 1);
	snprintf(args, sizeof(args), "inspect %s", path);
	excel_fr(&w, "inspect", run_ok(&r, &w, args), "Fichier;Type;Niveau;",
	    "'EndToEndId='\\''=HYPERLINK(\"http://x\")' "
	    "'Message d'\\''origine='\\''=1+2' 'RUM='\\''@RUM' "
	    "'Montant (€)=6,40'");
	cr_assert(strstr(r.out, formula) != NULL, "%s", r.out);
	snprintf(
	    args, sizeof(args), "--today 2026-10-20 import returns %s", path);
	run_ok(&r, &w, args);
	excel_fr(&w, "quarantine list",
	    run_ok(&r, &w, "--today 2026-10-20 quarantine list --csv"),
	    "N°;Fichier;Ligne;",
	    "'EndToEndId='\\''=HYPERLINK(\"http://x\")' "
	    "'Montant (€)=6,40' 'Date de comptabilisation='");
	cr_assert(strstr(r.out, formula) != NULL, "%s", r.out);
	world_close(&w);
}

/*
 * The refund list: F002's September invoice made a credit (a negative
 * total), and the family has had no invoice for the months of the rule.
 */
Test(privacy, refund_list_for_french_excel, .timeout = 120)
{
	struct world w;
	struct ctlrun r;
	char *text;

	world_open(&w, 1);
	sql(&w,
	    "UPDATE families SET payer_name = '=HYPERLINK(\"http://x\")'"
	    " WHERE family_ref = 'F002'");
	sql(&w,
	    "UPDATE invoice_lines l SET amount_cents = -1234 FROM invoices i,"
	    " families f WHERE i.id = l.invoice_id AND f.id = i.family_id"
	    " AND f.family_ref = 'F002'");
	sql(&w,
	    "UPDATE invoices i SET total_cents = -1234 FROM families f"
	    " WHERE f.id = i.family_id AND f.family_ref = 'F002'");
	run_ok(&r, &w, "--today 2027-02-01 recovery refunds");
	cr_assert(strstr(r.out, "1 credit to refund, 12.34 EUR") != NULL, "%s",
	    r.out);
	text = slurp_prefix(w.outbox, "refunds-", ".csv");
	excel_fr(&w, "refunds", text, "Facture;Mois facturé;Famille;Payeur;",
	    "'Payeur='\\''=HYPERLINK(\"http://x\")' "
	    "'Avoir à rembourser (€)=12,34' "
	    "'Dernière facture le=01/10/2026'");
	cr_assert(strstr(text, formula) != NULL, "%s", text);
	free(text);
	world_close(&w);
}
