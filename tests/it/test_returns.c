/*
 * test_returns.c - the returns commands through the sepactl binary:
 * `inspect` on every bank sample, `import returns` and `recovery export`
 * on the fixture of tests/data/returns/fixture.sql.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../db/dbtest.h"
#include "../db/returnsfix.h"
#include "ctlrun.h"
#include "reportline.h"
#include "sepa/error.h"
#include "db.h"

#define BANK SEPAD_SRCDIR "/tests/data/bank/"

/* Every readable sample: its records and its first record, as CSV from
 * the kind to the booking date (the reader's unit tests assert the
 * details; this checks what the operator sees). */
static const struct {
	const char *file;
	int records;
	const char *first;
} samples[] = {
    {"pain002/ch_postfinance_pain.002.001.03.ch.02_A-level_grp_rjct_am10.xml",
        1, "reject;group;RJCT;MsgId-005;;;;;AM10;"},
    {"pain002/"
     "ch_postfinance_pain.002.001.03.ch.02_B-C-level_PART_tx_rjct_ac01.xml",
        2,
        "reject;transaction;RJCT;MsgId-001;PmtInfId-001-03;"
        "EndToEndId-001-03-04;;;AC01;"},
    {"pain002/ch_postfinance_pain.002.001.03.ch.02_CHDD_pmtinf_accp.xml", 1,
        "info;block;ACCP;MsgId-CHDD-Musterfile;PmtInfId-CHDD-1;;;;;"},
    {"pain002/ch_postfinance_pain.002.001.03.ch.02_pmtinf_rjct_ac01_oca.xml", 2,
        "reject;transaction;RJCT;2017/1013;P000030;Ltest;;;AC01;"},
    {"pain002/ch_postfinance_pain.002.001.10_A-level_grp_rjct_am10.xml", 1,
        "reject;group;RJCT;MsgId-005;;;;;AM10;"},
    {"pain002/ch_postfinance_pain.002.001.10_B-level_pmtinf_rjct_ac01.xml", 1,
        "reject;block;RJCT;MSG-02-QRR-SCOR;PMTINF-02;;;;AC01;"},
    {"pain002/de_sepaking_pain.002.002.03_sdd_reject_ac01_CRLF.xml", 1,
        "reject;transaction;RJCT;Message-ID-4711;Sammlerreferenz 4710;"
        "OriginatorID1234;Mandate Id;6543,14;AC01;"},
    {"pain002/fi_nordea_pain.002.001.03_group_rjct_du01.xml", 1,
        "reject;group;RJCT;MSGID-PS-TEST-0708-01;;;;;DU01;"},
    {"pain002/fi_nordea_pain.002.001.03_pmtinf_rjct_no_txinf.xml", 1,
        "reject;block;RJCT;MSGID-COM-SCE25-1707-01;"
        "PMTINFID-COM-SCE25-1707-01;;;;NARR;"},
    {"pain002/fi_nordea_pain.002.001.03_tx_rjct_narr_x2.xml", 3,
        "reject;transaction;RJCT;MSGID-950-TEST2-2807-01;"
        "PMTINFID-950-TEST2-2807-01;ENDTOENDID-950-TEST2-2807-02;;;NARR;"},
    {"pain002/ie_boi_pain.002.001.03_sdd_unpaid_4rjct.xml", 4,
        "reject;transaction;RJCT;MSGID12345678912;PMTINFID1;E2EID1;"
        "MANDATEID1;100,00;AC01;;IBAN du débiteur incorrect"},
    {"camt053/be_camt.053.001.02_huge_462_entries.xml", 462,
        "info;transaction;BOOK;;;E2EFBVKBNTT69520790;;258,96;;28/06/2024"},
    {"camt053/ch_postfinance_camt.053.001.04_chdd_md06_refunds_rvsl.xml", 32,
        "info;transaction;BOOK;;;;;24,00;;30/04/2016"},
    {"camt053/ch_postfinance_camt.053.001.08_returns_rvsl_be01_rr03.xml", 2,
        "reversal;transaction;BOOK;889d1a80-1267-49bd-8fcc-85701a;"
        "NOTPROVIDED;NOTPROVIDED;;1,00;BE01;22/11/2023"},
    {"camt053/de_gls_camt.053.001.02_sct_return_ac01.xml", 4,
        "info;transaction;BOOK;G059N0SR5V0WZ0XSFY1H92QBZ0;NOTPROVIDED;"
        "NOTPROVIDED;;2,00;;18/04/2024"},
    {"camt053/nl_abnamro_camt.053.001.02_sdd_returns_ms03.xml", 29,
        "info;transaction;BOOK;;;;;1,00;;02/04/2013"},
    {"camt053/nl_ing_camt.053.001.02_sdd_returns_ac04_md06.xml", 9,
        "info;transaction;BOOK;;;;;350,00;;03/01/2014"},
    {"camt054/ch_postfinance_camt.054.001.04_chdd_refund_md06_rvsl.xml", 5,
        "confirmation;transaction;BOOK;;PMTINF-1CHDDBB3;"
        "EndToEnd-CRDBRActSame-1B9C-CHDDBB2;;15,00;;10/04/2016"},
    {"camt054/"
     "ch_postfinance_camt.054.001.04_return_batch_sammelbuchung_ac01.xml",
        1,
        "info;transaction;BOOK;;PmtInfId-004-01;EndToEndId-004-01-01;;"
        "400,00;AC01;20/05/2019"},
    {"camt054/ch_postfinance_camt.054.001.04_return_rvsl_ac01_2020.xml", 1,
        "reversal;transaction;BOOK;;PmtInfId-001-03;EndToEndId-001-03-04;;"
        "500,00;AC01;24/11/2020"},
    {"camt054/ch_postfinance_camt.054.001.08_chdd_collection_credit_batch.xml",
        2,
        "confirmation;transaction;BOOK;MsgId-CHDD-Musterfile;"
        "PmtInfId-CHDD-1;E2EId-CHDD-1;;1,50;;19/05/2019"},
    {"camt054/"
     "ch_postfinance_camt.054.001.08_return_einzelbuchung_rvsl_ac01.xml",
        1,
        "reversal;transaction;BOOK;;PmtInfId-001-03;EndToEndId-001-03-04;;"
        "500,00;AC01;24/11/2020"},
    {"camt054/ie_boi_camt.054.001.02_sdd_return_ac06.xml", 1,
        "return;transaction;BOOK;;;E2EID1;MANDATEID2;100,00;AC06;08/10/2016;"
        "compte bloqué ou fermé aux prélèvements"},
    {"camt052/de_gls_camt.052.001.02_sct_return_ac01.xml", 4,
        "info;transaction;BOOK;G059N0SR5V0WZ0XSFY1H92QBZ0;NOTPROVIDED;"
        "NOTPROVIDED;;2,00;;18/04/2024"},
    /* samples rewritten in later versions (tests/data/bank/SOURCES.md) */
    {"derived/ie_boi_pain.002.001.10_from_03.xml", 4,
        "reject;transaction;RJCT;MSGID12345678912;PMTINFID1;E2EID1;"
        "MANDATEID1;100,00;AC01;;IBAN du débiteur incorrect"},
    {"derived/ie_boi_pain.002.001.14_from_03.xml", 4,
        "reject;transaction;RJCT;MSGID12345678912;PMTINFID1;E2EID1;"
        "MANDATEID1;100,00;AC01;;IBAN du débiteur incorrect"},
    {"derived/ie_boi_camt.054.001.13_from_02.xml", 1,
        "return;transaction;BOOK;;;E2EID1;MANDATEID2;100,00;AC06;08/10/2016;"
        "compte bloqué ou fermé aux prélèvements"},
};

static const char header[] =
    "\xEF\xBB\xBF"
    "Fichier;Type;Niveau;Statut;Message d'origine;Lot d'origine;"
    "EndToEndId;RUM;Montant (€);Code motif;Date de comptabilisation;"
    "Motif;Devise;Sens;Contrepassation;Somme de contrôle (€);Compte;"
    "Information\r\n";

/* The number of lines sepactl ARGS prints on stdout. */
static int
output_lines(const char *args)
{
	char cmd[1024];
	FILE *fp;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "%s %s | wc -l", CTLRUN_SEPACTL, args);
	fp = popen(cmd, "r");
	cr_assert_not_null(fp);
	cr_assert_eq(fscanf(fp, "%d", &n), 1);
	pclose(fp);
	return n;
}

Test(returns_it, inspect_every_sample)
{
	static struct ctlrun r;
	char args[512], want[512];

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		snprintf(
		    args, sizeof(args), "inspect %s%s", BANK, samples[i].file);
		ctlrun(&r, args);
		cr_expect_eq(r.status, 0, "%s: %s", samples[i].file, r.err);
		cr_expect_str_eq(r.err, "", "%s", samples[i].file);
		cr_expect_eq(
		    strncmp(r.out, header, sizeof(header) - 1), 0, "%s", r.out);
		/* ctlrun keeps 16 KiB of stdout: count the lines apart. */
		cr_expect_eq(output_lines(args), samples[i].records + 1, "%s",
		    samples[i].file);
		snprintf(want, sizeof(want), "\r\n%s%s;%s", BANK,
		    samples[i].file, samples[i].first);
		cr_expect(strstr(r.out, want) != NULL, "%s:\n%s\nwant %s",
		    samples[i].file, r.out, want);
	}
}

/* A line of `sepactl inspect` expected in the output for a bank file. */
struct inspect_row {
	const char *file; /* under tests/data/bank */
	const char *row; /* part of the line */
};

static void
expect_inspect_rows(const struct inspect_row *cases, size_t n)
{
	static struct ctlrun r;
	char args[512];

	for (size_t i = 0; i < n; i++) {
		snprintf(
		    args, sizeof(args), "inspect %s%s", BANK, cases[i].file);
		ctlrun(&r, args);
		cr_expect_eq(r.status, 0, "%s: %s", cases[i].file, r.err);
		cr_expect(strstr(r.out, cases[i].row) != NULL,
		    "%s:\n%s\nwant %s", cases[i].file, r.out, cases[i].row);
		cr_expect(strstr(r.out, "CH7280005000088877766") == NULL,
		    "an IBAN unmasked:\n%s", r.out);
	}
}

/*
 * What a person needs to read a record right: currency, direction,
 * reversal flag, the control sum of a group or block row apart from the
 * transaction amounts, the account (masked), the bank's free text (also
 * from CDATA, IBANs in it masked).
 */
Test(returns_it, inspect_shows_what_a_person_needs)
{
	static const struct inspect_row cases[] = {
	    {"camt054/ie_boi_camt.054.001.02_sdd_return_ac06.xml",
	        "return;transaction;BOOK;;;E2EID1;MANDATEID2;100,00;AC06;"
	        "08/10/2016;compte bloqué ou fermé aux prélèvements;EUR;débit;"
	        "non;;NL77****8765;/RTYP/RTRN\r\n"},
	    {"camt054/ch_postfinance_camt.054.001.04_chdd_refund_md06_rvsl.xml",
	        "refund;transaction;BOOK;;PMTINF-2CHDDBB5;EndToEnd-2B6C-CHDDBB5;"
	        ";6,00;MD06;10/04/2016;remboursement demandé par le débiteur;"
	        "CHF;débit;oui;;CH03****0342;Lastschrift-Widerspruch durch den "
	        "Zahlungspflichtigen\r\n"},
	    {"camt053/nl_abnamro_camt.053.001.02_sdd_returns_ms03.xml",
	        "confirmation;block;BOOK;1402P5518750498B0AO;;;;;;02/04/2012;;"
	        "EUR;crédit;non;7,00;NL77****8765;\r\n"},
	    {"pain002/ch_postfinance_pain.002.001.10_B-level_pmtinf_rjct_ac01.xml",
	        "reject;block;RJCT;MSG-02-QRR-SCOR;PMTINF-02;;;;AC01;;"},
	    {"pain002/ch_postfinance_pain.002.001.10_B-level_pmtinf_rjct_ac01.xml",
	        ";;;;;;\"0999;CH72****7766 Lastkonto unbekannt\"\r\n"},
	    {"derived/ch_postfinance_pain.002_addtlinf_cdata.xml",
	        "reject;transaction;RJCT;MsgId-001;PmtInfId-001-03;"
	        "EndToEndId-001-03-04;;;AC01;;"},
	    {"derived/ch_postfinance_pain.002_addtlinf_cdata.xml",
	        ";;;;;;\"1301813;Konto ungültig\"\r\n"},
	};

	expect_inspect_rows(cases, sizeof(cases) / sizeof(cases[0]));
}

/*
 * A reason code that also comes back on credit transfers is worded for a
 * transfer when the record is one (a pain.002 of a pain.001, a camt
 * booking of a transfer family): no "débiteur" there.
 */
Test(returns_it, inspect_words_reasons_for_transfers)
{
	static const struct inspect_row cases[] = {
	    {"pain002/ch_postfinance_pain.002.001.10_B-level_pmtinf_rjct_ac01.xml",
	        "reject;block;RJCT;MSG-02-QRR-SCOR;PMTINF-02;;;;AC01;;"
	        "IBAN incorrect;"},
	    {"camt053/nl_ing_camt.053.001.02_sdd_returns_ac04_md06.xml",
	        "info;transaction;BOOK;;;;;125,00;AC04;03/01/2014;"
	        "compte clôturé;EUR;crédit;"},
	    {"camt053/ch_postfinance_camt.053.001.08_returns_rvsl_be01_rr03.xml",
	        ";RR03;22/11/2023;nom ou adresse du bénéficiaire manquant;"},
	    /* a direct debit keeps its wording */
	    {"pain002/ie_boi_pain.002.001.03_sdd_unpaid_4rjct.xml",
	        ";AC01;;IBAN du débiteur incorrect;"},
	};

	expect_inspect_rows(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(returns_it, inspect_refuses_what_it_cannot_read)
{
	static struct ctlrun r;
	char args[1024], want[512];
	const char *good =
	    BANK "pain002/ie_boi_pain.002.001.03_sdd_unpaid_4rjct.xml";
	const char *pain008 =
	    BANK "pain008/nl_ing_pain.008.001.02_voorbeeldbestand.xml";

	snprintf(args, sizeof(args), "inspect %s /nonexistent.xml %s", pain008,
	    good);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 1);
	snprintf(want, sizeof(want),
	    "sepactl: cannot read %s: %s:3: not a bank return file: root "
	    "element CstmrDrctDbtInitn (pain.008.001.02)\n",
	    pain008, pain008);
	cr_expect(strstr(r.err, want) != NULL, "%s", r.err);
	cr_expect(
	    strstr(r.err, "sepactl: cannot read /nonexistent.xml: ") != NULL,
	    "%s", r.err);
	/* the good file is still printed, the others give no record */
	cr_expect_eq(ctlrun_lines(r.out), 5, "%s", r.out);
	cr_expect(strstr(r.out, "CstmrDrctDbtInitn") == NULL);
	ctlrun(&r, "inspect");
	cr_expect_eq(r.status, 2);
}

Test(returns_it, inspect_quotes_csv_fields)
{
	static struct ctlrun r;
	struct retfix_tx tx = {"A,\"B\"", "AM04", 1234, "M 1"};
	char args[512], *p = retfix_tmp("csv");

	retfix_pain002(p, "ST", "MSG,1", "PMT\"1", NULL, &tx, 1);
	snprintf(args, sizeof(args), "inspect %s", p);
	ctlrun(&r, args);
	unlink(p);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out,
	              ";reject;transaction;RJCT;MSG,1;\"PMT\"\"1\";"
	              "\"A,\"\"B\"\"\";M 1;12,34;AM04;;provision "
	              "insuffisante;EUR;;;;;\r\n") != NULL,
	    "%s", r.out);
}

/* A camt.054 of n identical returns at path. */
static void
big_camt054(const char *path, size_t n)
{
	struct retfix_tx *tx = calloc(n, sizeof(*tx));

	cr_assert_not_null(tx);
	for (size_t i = 0; i < n; i++)
		tx[i] = (struct retfix_tx){"E2E-F1-202510", "AM04", 1000, NULL};
	retfix_camt054(path, "BIG", tx, n);
	free(tx);
}

/* The records of a file wait in a temporary file, not in memory: the
 * peak RSS of inspect does not grow with the bank file (it grew by
 * about 165 bytes per record, 6.6 MB here, when they waited in memory). */
Test(returns_it, inspect_memory_does_not_grow_with_the_file)
{
	static const size_t sizes[] = {1000, 40000};
	long rss[2];
	char *p = retfix_tmp("big");

	for (size_t i = 0; i < 2; i++) {
		char cmd[1024];
		struct rusage ru;
		pid_t pid;
		int st;

		big_camt054(p, sizes[i]);
		snprintf(cmd, sizeof(cmd), "inspect %s", p);
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, STDOUT_FILENO);
			execl(CTLRUN_SEPACTL, "sepactl", "inspect", p,
			    (char *)NULL);
			_exit(127);
		}
		cr_assert_eq(wait4(pid, &st, 0, &ru), pid);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", cmd);
		rss[i] = ru.ru_maxrss;
	}
	unlink(p);
	cr_expect_lt(rss[1] - rss[0], 2048,
	    "peak RSS %ld KB for %zu records,"
	    " %ld KB for %zu",
	    rss[0], sizes[0], rss[1], sizes[1]);
}

Test(returns_it, inspect_says_when_it_cannot_spool)
{
	static struct ctlrun r;
	const char *good =
	    BANK "pain002/ie_boi_pain.002.001.03_sdd_unpaid_4rjct.xml";
	char args[512], want[512];

	setenv("TMPDIR", "/nonexistent", 1);
	snprintf(args, sizeof(args), "inspect %s", good);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 3);
	snprintf(want, sizeof(want),
	    "sepactl: cannot create a temporary file for the records of %s: "
	    "No such file or directory\n",
	    good);
	cr_expect_str_eq(r.err, want);
	cr_expect_str_eq(r.out, header);
}

/* A test database (its name and conninfo) with the fixture loaded. */
static void
fixture_load(char *conninfo, char *name)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;

	dbtest_create(conninfo, name, "sepad");
	cr_assert_eq(db_connect(&db, conninfo, &err), 0, "%s", err.msg);
	retfix_load(db);
	db_close(db);
}

/* The same and a configuration for it and the test creditor at conf. */
static void
fixture_db(char *conninfo, char *name, char *conf, size_t conf_size)
{
	fixture_load(conninfo, name);
	ctlrun_conf_creditor(conf, conf_size, conninfo);
}

/* A configuration for the test database, with the fixture loaded. */
static void
setup(char *name, char *conf, const char *outbox, bool represent)
{
	char conninfo[DBTEST_CONNINFO_MAX], text[4096];

	fixture_load(conninfo, name);
	snprintf(text, sizeof(text),
	    "database: { conninfo = \"%s\"; };\n"
	    "creditor: { name = \"Commune <Test> & Co\";"
	    " ics = \"FR72ZZZ123456\";"
	    " iban = \"FR7630006000011234567890189\"; };\n"
	    "directories: { outbox = \"%s\"; };\n"
	    "rejections: { represent_on_next_invoice = %s; };\n",
	    conninfo, outbox, represent ? "true" : "false");
	ctlrun_conf(conf, 64, text);
}

Test(returns_it, import_returns_then_recovery)
{
	static struct ctlrun r;
	struct retfix_tx a = {"E2E-F1-202510", "AM04", 1000, NULL};
	struct retfix_tx b = {"E2E-F1-202511", "AM04", 1000, NULL};
	char name[64], conf[64], outbox[64], args[1024], want[1024];
	char pa[128], pb[128];

	snprintf(
	    outbox, sizeof(outbox), "/tmp/sepad-it-outbox-%ld", (long)getpid());
	snprintf(args, sizeof(args), "rm -rf %s && mkdir %s", outbox, outbox);
	cr_assert_eq(system(args), 0);
	setup(name, conf, outbox, false);
	snprintf(pa, sizeof(pa), "%s", retfix_tmp("a"));
	snprintf(pb, sizeof(pb), "%s", retfix_tmp("b"));
	retfix_pain002(pa, "ST-1", "MSG-202510", "PMT-202510", NULL, &a, 1);
	retfix_camt054(pb, "N-1", &b, 1);

	snprintf(args, sizeof(args),
	    "-c %s --today 2025-12-01 import returns %s %s", conf, pa, pb);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want),
	    "%s: pain.002, 1 record: 1 applied, 0 duplicates, 0 stored, 0 "
	    "quarantined; 1 collections changed, 0 mandates terminated, 0 "
	    "suspended\n"
	    "reject letters: 1 in %s/letters/2025-12\n"
	    "%s: camt.054, 1 record: 1 applied, 0 duplicates, 0 stored, 0 "
	    "quarantined; 1 collections changed, 1 mandates terminated, 0 "
	    "suspended\n"
	    "reject letters: 1 in %s/letters/2025-12\n",
	    pa, outbox, pb, outbox);
	cr_expect_str_eq(r.out, want);
	/* Again: nothing changes; a bad file beside it is refused. */
	snprintf(args, sizeof(args),
	    "-c %s --today 2025-12-01 import returns %s %s/tests/data/bank/"
	    "pain008/nl_ing_pain.008.001.02_voorbeeldbestand.xml",
	    conf, pa, SEPAD_SRCDIR);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(
	    strstr(r.out, "already imported (file ") != NULL, "%s", r.out);
	cr_expect(
	    strstr(r.err, "voorbeeldbestand.xml refused, nothing changed: ") !=
	        NULL,
	    "%s", r.err);

	/* No active mandate (terminated) and represent off: both due. */
	snprintf(args, sizeof(args), "-c %s --today 2025-12-01 recovery export",
	    conf);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want),
	    "%s/recovery-2025-12-01-1.csv: 2 invoices, 20.00 EUR due\n",
	    outbox);
	cr_expect_str_eq(r.out, want);
	snprintf(args, sizeof(args),
	    "cd %s && sha256sum -c --quiet recovery-2025-12-01-1.csv.sha256 && "
	    "test $(wc -l <recovery-2025-12-01-1.csv) = 3",
	    outbox);
	cr_expect_eq(system(args), 0);
	snprintf(args, sizeof(args), "-c %s --today 2025-12-01 recovery export",
	    conf);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "nothing is due for recovery\n");

	/* The report of the due month, then of the business month. */
	snprintf(args, sizeof(args),
	    "-c %s --today 2025-11-02 report --month 2025-10 --html %s/r.html",
	    conf, outbox);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 0, "%s", r.err);
	/* the month's figures (test_report.c has the whole report) */
	{
		static const char head[] =
		    "Rapport mensuel des prélèvements : octobre 2025\n"
		    "Commune <Test> & Co\n";

		cr_expect_eq(
		    strncmp(r.out, head, strlen(head)), 0, "%s", r.out);
		int64_t cents;

		cr_expect(strstr(r.out, "; Édité le 02/11/2025\n") != NULL,
		    "%s", r.out);
		cr_expect_eq(reportline(r.out,
		                 "Prélèvements présentés à la banque", &cents),
		    3);
		cr_expect_eq(cents, 6000);
		cr_expect(
		    strstr(r.out, "  provision insuffisante (AM04, rejet)  ") !=
		        NULL,
		    "%s", r.out);
		cr_expect(strstr(r.out,
		              "Taux de rejet : 33,33\xc2\xa0% en "
		              "nombre, 16,67\xc2\xa0% en montant.") != NULL,
		    "%s", r.out);
		cr_expect(strstr(r.out, "\n  Total  ") != NULL, "%s", r.out);
	}
	snprintf(args, sizeof(args),
	    "grep -q '<strong>Commune &lt;Test&gt; &amp; Co</strong>' "
	    "%s/r.html && grep -q '<svg xmlns' %s/r.html && "
	    "! grep -q 'http[s]*://[^w]' %s/r.html",
	    outbox, outbox, outbox);
	cr_expect_eq(system(args), 0, "%s", args);
	snprintf(args, sizeof(args), "-c %s report --month 2025-12", conf);
	ctlrun(&r, args);
	{
		int64_t cents;

		cr_expect_eq(
		    reportline(r.out,
		        "Mis en recouvrement (transmis à la trésorerie)",
		        &cents),
		    2);
		cr_expect_eq(cents, 2000);
		cr_expect(strstr(r.out, "\n  Résilié    ") != NULL &&
		        strstr(r.out, "deux rejets dans l'année scolaire") !=
		            NULL,
		    "%s", r.out);
	}
	snprintf(args, sizeof(args), "-c %s report --month 2025-13", conf);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 2, "%s", r.err);

	/* An unknown EndToEndId: quarantined, shown by status. */
	{
		struct retfix_tx u = {"NOSUCH", "AM04", 1000, NULL};

		retfix_camt054(pa, "N-9", &u, 1);
		snprintf(
		    args, sizeof(args), "-c %s import returns %s", conf, pa);
		ctlrun(&r, args);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out,
		              "0 applied, 0 duplicates, 0 stored, 1 "
		              "quarantined") != NULL,
		    "%s", r.out);
		snprintf(args, sizeof(args), "-c %s status", conf);
		ctlrun(&r, args);
		cr_expect(strstr(r.out,
		              "bank records in quarantine: 1 (sepactl "
		              "quarantine list)\n") != NULL,
		    "%s", r.out);
	}

	unlink(pa);
	unlink(pb);
	unlink(conf);
	snprintf(args, sizeof(args), "rm -rf %s", outbox);
	cr_expect_eq(system(args), 0);
	dbtest_drop(name);
}

/* sepactl -c CONF --today 2025-12-01 import returns PATH */
static void
import_one(struct ctlrun *r, const char *conf, const char *path)
{
	char args[1024];

	snprintf(args, sizeof(args),
	    "-c %s --today 2025-12-01 import returns %s", conf, path);
	ctlrun(r, args);
}

/* The records stored, as a fingerprint of the store. */
static int64_t
stored_records(const char *conninfo)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;
	int64_t n;

	cr_assert_eq(db_connect(&db, conninfo, &err), 0, "%s", err.msg);
	n = dbtest_int(db,
	    "SELECT (SELECT count(*) FROM return_records) * 1000 + "
	    "(SELECT count(*) FROM imported_files)");
	db_close(db);
	return n;
}

/*
 * The namespace decides: a real pain.002 whose namespace imitates the ISO
 * one is refused by inspect and import; without a namespace inspect
 * warns and import refuses it, unless returns.accept_unqualified.
 */
Test(returns_it, import_returns_checks_the_namespace)
{
	static struct ctlrun r;
	const char *evil = BANK "derived/ie_boi_pain.002_ns_evil.xml";
	const char *none = BANK "derived/ie_boi_pain.002_ns_none.xml";
	char conninfo[DBTEST_CONNINFO_MAX], name[64], conf[64], text[1024];
	char args[1024], want[1024];

	fixture_db(conninfo, name, conf, sizeof(conf));

	import_one(&r, conf, evil);
	cr_expect_eq(r.status, 1, "%s", r.err);
	snprintf(want, sizeof(want),
	    "sepactl: %s refused, nothing changed: %s:7: unknown namespace "
	    "\"urn:evil:pain.002.001.03\" for root element CstmrPmtStsRpt: it "
	    "is not the ISO 20022 namespace urn:iso:std:iso:20022:tech:xsd:"
	    "pain.002.001.03 nor a known bank variant",
	    evil, evil);
	cr_expect(strstr(r.err, want) != NULL, "%s\nwant %s", r.err, want);
	snprintf(args, sizeof(args), "inspect %s", evil);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect_str_eq(r.out, header);

	import_one(&r, conf, none);
	cr_expect_eq(r.status, 1, "%s", r.err);
	snprintf(want, sizeof(want),
	    "sepactl: %s refused, nothing changed: %s has no XML namespace: "
	    "it does not say which ISO 20022 message and version it is",
	    none, none);
	cr_expect(strstr(r.err, want) != NULL, "%s\nwant %s", r.err, want);
	cr_expect(strstr(r.err, "returns.accept_unqualified = true") != NULL,
	    "%s", r.err);
	cr_expect_eq(stored_records(conninfo), 0);

	snprintf(args, sizeof(args), "inspect %s", none);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_eq(ctlrun_lines(r.out), 5, "%s", r.out);
	snprintf(want, sizeof(want),
	    "sepactl: %s: the document has no XML namespace: nothing says "
	    "which message version it is, so read it with care; `import "
	    "returns` refuses it unless returns.accept_unqualified = true\n",
	    none);
	cr_expect_str_eq(r.err, want);

	/* The operator accepts such files: imported (unknown EndToEndIds). */
	unlink(conf);
	snprintf(text, sizeof(text),
	    "database: { conninfo = \"%s\"; };\n"
	    "creditor: { name = \"Commune de Test\"; ics = \"FR72ZZZ123456\";"
	    " iban = \"FR7630006000011234567890189\"; };\n"
	    "returns: { accept_unqualified = true; };\n",
	    conninfo);
	ctlrun_conf(conf, sizeof(conf), text);
	import_one(&r, conf, none);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out,
	              ": pain.002, 4 records: 0 applied, 0 duplicates, 0 "
	              "stored, 4 quarantined;") != NULL,
	    "%s", r.out);
	cr_expect_eq(stored_records(conninfo), 4001);
	import_one(&r, conf, evil);
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect_eq(stored_records(conninfo), 4001);

	unlink(conf);
	dbtest_drop(name);
}

/* A spoiled amount or date in a real sample: the file is refused whole
 * with the element and line, and the store is left as it was. */
Test(returns_it, import_returns_refuses_spoiled_values)
{
	static struct ctlrun r;
	static const struct {
		const char *file;
		const char *why;
	} cases[] = {
	    {"derived/ie_boi_camt.054_amt_exponent.xml",
	        ":36: element Amt: amount \"1.475E1\" is written with an "
	        "exponent (E): a decimal number such as 14.75 is expected\n"},
	    {"derived/ie_boi_camt.054_amt_trailing_point.xml",
	        ":36: element Amt: amount \"14.\" has no digit after the "
	        "decimal point\n"},
	    {"derived/ie_boi_pain.002_date_garbage.xml",
	        ":69: element ReqdColltnDt: \"2026-10-15Tgarbage\" is not a "
	        "date (YYYY-MM-DD, then an optional time zone)\n"},
	};
	char conninfo[DBTEST_CONNINFO_MAX], name[64], conf[64];
	char path[512], want[1024];

	fixture_db(conninfo, name, conf, sizeof(conf));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", BANK, cases[i].file);
		import_one(&r, conf, path);
		cr_expect_eq(r.status, 1, "%s: %s", cases[i].file, r.err);
		snprintf(want, sizeof(want),
		    "sepactl: %s refused, nothing changed: %s%s", path, path,
		    cases[i].why);
		cr_expect_str_eq(r.err, want);
		cr_expect_eq(stored_records(conninfo), 0, "%s", cases[i].file);
	}
	unlink(conf);
	dbtest_drop(name);
}

/* 1 when the collection of EndToEndId e2e is in that state. */
static int64_t
collection_in(const char *conninfo, const char *e2e, const char *state)
{
	sepa_error err = SEPA_ERROR_INIT;
	char sql[256];
	struct db *db;
	int64_t n;

	cr_assert_eq(db_connect(&db, conninfo, &err), 0, "%s", err.msg);
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM collections WHERE end_to_end_id = '%s' "
	    "AND state = '%s'",
	    e2e, state);
	n = dbtest_int(db, sql);
	db_close(db);
	return n;
}

/*
 * A return is applied however the bank booked it, and a debit booking of
 * a batch of returns without details goes to the quarantine: the BOI
 * camt.054 return rewritten with the fixture's ids (tests/data/returns,
 * tests/data/bank/SOURCES.md).
 */
Test(returns_it, returns_however_booked)
{
	static struct ctlrun r;
	char conninfo[DBTEST_CONNINFO_MAX], name[64], conf[64], path[512];
	char args[1024];
	static const struct {
		const char *file;
		const char *out;
	} files[] = {
	    {"boi_camt054_return_as_credit.xml",
	        "camt.054, 1 record: 1 applied, 0 duplicates, 0 stored, 0 "
	        "quarantined; 1 collections changed"},
	    {"boi_camt054_return_reversed_credit_xtnd.xml",
	        "camt.054, 1 record: 1 applied, 0 duplicates, 0 stored, 0 "
	        "quarantined; 1 collections changed"},
	    {"boi_camt054_returns_batch_no_details.xml",
	        "camt.054, 1 record: 0 applied, 0 duplicates, 0 stored, 1 "
	        "quarantined; 0 collections changed"},
	    {"boi_camt054_returns_batch_no_details_prtry_only.xml",
	        "camt.054, 1 record: 0 applied, 0 duplicates, 0 stored, 1 "
	        "quarantined; 0 collections changed"},
	};

	fixture_db(conninfo, name, conf, sizeof(conf));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path),
		    SEPAD_SRCDIR "/tests/data/returns/%s", files[i].file);
		import_one(&r, conf, path);
		cr_expect_eq(r.status, 0, "%s: %s", files[i].file, r.err);
		cr_expect(strstr(r.out, files[i].out) != NULL, "%s: %s",
		    files[i].file, r.out);
	}
	cr_expect_eq(collection_in(conninfo, "E2E-F1-202510", "returned"), 1,
	    "a return booked as a credit");
	cr_expect_eq(collection_in(conninfo, "E2E-F2-202510", "returned"), 1,
	    "a return booked as a reversed credit");
	cr_expect_eq(collection_in(conninfo, "E2E-F3-202510", "sent"), 1,
	    "the batch without details changed nothing");

	snprintf(args, sizeof(args), "-c %s quarantine list --csv", conf);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out,
	              "boi_camt054_returns_batch_no_details.xml;55;return;"
	              "block;;MSG-202510;PMT-202510;;60,00;;;08/10/2016;a "
	              "batch booking of returns without the details of each "
	              "transaction: check it by hand;;\r\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out,
	              "boi_camt054_returns_batch_no_details_prtry_only.xml;48;"
	              "info;block;;MSG-202510;PMT-202510;;60,00;;;08/10/2016;"
	              "a debit booking of payment block 'PMT-202510' without "
	              "the details of each transaction, and no bank "
	              "transaction code that says what it is (returns?): "
	              "check it by hand;;\r\n") != NULL,
	    "%s", r.out);
	unlink(conf);
	dbtest_drop(name);
}
