/*
 * test_quarantine.c - `sepactl quarantine` through the binary: a bank
 * record with an unknown EndToEndId is imported, listed (text and CSV),
 * applied to the collection the operator names, listed again with
 * --all; refusals exit 1 and change nothing. On the fixture of
 * tests/data/returns/fixture.sql.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../db/dbtest.h"
#include "../db/returnsfix.h"
#include "ctlrun.h"
#include "sepa/error.h"
#include "db.h"

/* The lines of `quarantine list` for the two records of the test. */
#define QIT_HEAD \
	"ID  FILE:LINE      RECORD              END-TO-END       " \
	"MSGID/PMTINFID  MANDATE      AMOUNT  BOOKED      REASON\n"
#define QIT_ROW1 \
	"1   retours.xml:4  return/transaction  AUTRE-CREANCIER  -/-      " \
	"       -        1 234,56 €  2025-10-20  MS02 refus du débiteur sans " \
	"motif précisé\n" \
	"    why: no collection has the EndToEndId 'AUTRE-CREANCIER'\n"
#define QIT_ROW2 \
	"2   retours.xml:5  return/transaction  E2E-F1-2025-10   -/-      " \
	"       RUM-F1      10,00 €  2025-10-20  AM04 provision " \
	"insuffisante\n" \
	"    why: no collection has the EndToEndId 'E2E-F1-2025-10'\n"

struct qit {
	char name[64]; /* the test database */
	char conf[64];
	char dir[64]; /* the bank files */
};

static void
qit_setup(struct qit *t)
{
	char conninfo[DBTEST_CONNINFO_MAX], text[2048];
	sepa_error err = SEPA_ERROR_INIT;
	struct db *db;

	dbtest_create(conninfo, t->name, "sepad");
	cr_assert_eq(db_connect(&db, conninfo, &err), 0, "%s", err.msg);
	retfix_load(db);
	db_close(db);
	snprintf(t->dir, sizeof(t->dir), "/tmp/sepad-qit-%ld", (long)getpid());
	snprintf(text, sizeof(text), "rm -rf %s && mkdir %s", t->dir, t->dir);
	cr_assert_eq(system(text), 0);
	/* the reject letters go to an outbox of the test's own */
	snprintf(text, sizeof(text),
	    "database: { conninfo = \"%s\"; };\n"
	    "creditor: { name = \"Commune de Test\"; ics = \"FR72ZZZ123456\";"
	    " iban = \"FR7630006000011234567890189\"; };\n"
	    "directories: { outbox = \"%s/outbox\"; };\n",
	    conninfo, t->dir);
	ctlrun_conf(t->conf, sizeof(t->conf), text);
}

static void
qit_done(struct qit *t)
{
	char cmd[128];

	unlink(t->conf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
	cr_expect_eq(system(cmd), 0);
	dbtest_drop(t->name);
}

/* sepactl -c CONF --today 2025-12-01 ARGS */
static void
qit_run(struct ctlrun *r, const struct qit *t, const char *args)
{
	char all[1024];

	snprintf(
	    all, sizeof(all), "-c %s --today 2025-12-01 %s", t->conf, args);
	ctlrun(r, all);
}

Test(quarantine_it, import_list_apply_list_all)
{
	static struct ctlrun r;
	/* A debit that is not ours, and F1's October reject with its
	 * EndToEndId mangled by the bank. */
	struct retfix_tx tx[] = {{"AUTRE-CREANCIER", "MS02", 123456, NULL},
	    {"E2E-F1-2025-10", "AM04", 1000, "RUM-F1"}};
	struct qit t;
	char args[512], path[128], text[1024];

	qit_setup(&t);
	snprintf(path, sizeof(path), "%s/retours.xml", t.dir);
	retfix_camt054(path, "N-1", tx, 2);
	snprintf(args, sizeof(args), "import returns %s", path);
	qit_run(&r, &t, args);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out,
	              "0 applied, 0 duplicates, 0 stored, 2 "
	              "quarantined") != NULL,
	    "%s", r.out);
	qit_run(&r, &t, "status");
	cr_expect(strstr(r.out,
	              "bank records in quarantine: 2 (sepactl quarantine "
	              "list)\n") != NULL,
	    "%s", r.out);

	qit_run(&r, &t, "quarantine list");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
	    QIT_HEAD QIT_ROW1 QIT_ROW2
	    "2 open records: sepactl quarantine apply ID --end-to-end E2E, or "
	    "dismiss ID --why TEXT\n");

	qit_run(&r, &t, "quarantine list --csv");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
	    "\xEF\xBB\xBFN°;Fichier;Ligne;Enregistrement;Niveau;EndToEndId;"
	    "Message d'origine;Lot d'origine;RUM;Montant (€);Code motif;Motif;"
	    "Date de comptabilisation;Pourquoi;Résolu le;Résolution\r\n"
	    "1;retours.xml;4;return;transaction;AUTRE-CREANCIER;;;;1234,56;"
	    "MS02;refus du débiteur sans motif précisé;20/10/2025;no "
	    "collection has the EndToEndId 'AUTRE-CREANCIER';;\r\n"
	    "2;retours.xml;5;return;transaction;E2E-F1-2025-10;;;RUM-F1;10,00;"
	    "AM04;provision insuffisante;20/10/2025;no collection has the "
	    "EndToEndId 'E2E-F1-2025-10';;\r\n");

	/* Refusals: exit 1, a precise message, nothing changed. */
	{
		static struct ctlrun before, after;
		static const struct {
			const char *args;
			int status;
			const char *err;
		} bad[] = {
		    {"quarantine apply 1 --end-to-end E2E-F1-202510", 1,
		        "sepactl: quarantined record 1 not applied, nothing "
		        "changed: amount 1234.56 is not 10.00, the amount of "
		        "EndToEndId 'E2E-F1-202510': a record is never applied "
		        "to a collection of another amount, even with "
		        "--force\n"},
		    {"quarantine apply 2 --end-to-end NOPE", 1,
		        "sepactl: quarantined record 2 not applied, nothing "
		        "changed: no collection has the EndToEndId 'NOPE'\n"},
		    {"quarantine apply 2 --end-to-end E2E-F2-202510", 1,
		        "sepactl: quarantined record 2 not applied, nothing "
		        "changed: amount 10.00 is not 20.00, the amount of "
		        "EndToEndId 'E2E-F2-202510': a record is never applied "
		        "to a collection of another amount, even with "
		        "--force\n"},
		    {"quarantine dismiss 7 --why x", 1,
		        "sepactl: quarantined record 7 not dismissed, nothing "
		        "changed: quarantined record 7 does not exist (sepactl "
		        "quarantine list --all shows them)\n"},
		    {"quarantine apply 2", 2,
		        "sepactl: quarantine apply needs --end-to-end E2E, the "
		        "collection to apply the record to\n"},
		    {"quarantine apply x2 --end-to-end E", 2,
		        "sepactl: quarantine: \"x2\" is not a record id (the ID "
		        "column of sepactl quarantine list)\n"},
		    {"quarantine dismiss 1", 2,
		        "sepactl: quarantine dismiss needs ID --why TEXT\n"},
		    {"quarantine", 2,
		        "sepactl: quarantine needs list, apply or dismiss (see "
		        "sepactl quarantine --help)\n"},
		    {"import returns " SEPAD_SRCDIR "/tests/data/bank/camt052/"
		     "de_gls_camt.052.001.02_sct_return_ac01.xml",
		        1,
		        "sepactl: " SEPAD_SRCDIR "/tests/data/bank/camt052/"
		        "de_gls_camt.052.001.02_sct_return_ac01.xml refused, "
		        "nothing changed: " SEPAD_SRCDIR "/tests/data/bank/"
		        "camt052/de_gls_camt.052.001.02_sct_return_ac01.xml is a "
		        "camt.052, an intraday report: its entries may still be "
		        "pending and can change before the day ends, so it is "
		        "not reconciled; import the end-of-day camt.053 "
		        "statement or the camt.054 notification that books them "
		        "(sepactl inspect shows what it says)\n"},
		};

		qit_run(&before, &t, "quarantine list --all --csv");
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			qit_run(&r, &t, bad[i].args);
			cr_expect_eq(r.status, bad[i].status, "%s: %s",
			    bad[i].args, r.err);
			cr_expect_str_eq(r.err, bad[i].err, "%s", bad[i].args);
			cr_expect_str_eq(r.out, "", "%s", bad[i].args);
			qit_run(&after, &t, "quarantine list --all --csv");
			cr_expect_str_eq(
			    after.out, before.out, "%s", bad[i].args);
		}
		qit_run(&r, &t, "status");
		cr_expect(
		    strstr(r.out, "imported files: 1\n") != NULL, "%s", r.out);
	}

	qit_run(&r, &t, "quarantine apply 2 --end-to-end E2E-F1-202510");
	cr_expect_eq(r.status, 0, "%s", r.err);
	snprintf(text, sizeof(text),
	    "quarantined record 2 applied to EndToEndId 'E2E-F1-202510' "
	    "(invoice F1-202510): collection returned, counted toward the "
	    "two-rejects rule; 0 mandates terminated, 0 suspended\n"
	    "reject letters: 1 in %s/outbox/letters/2025-12\n",
	    t.dir);
	cr_expect_str_eq(r.out, text);
	qit_run(&r, &t, "mandate show RUM-F1");
	cr_expect(strstr(r.out,
	              "rejects counted in school year 2025-2026: 1 "
	              "of 2") != NULL,
	    "%s", r.out);
	qit_run(&r, &t, "quarantine apply 2 --end-to-end E2E-F1-202510");
	cr_expect_eq(r.status, 1);
	cr_expect_str_eq(r.err,
	    "sepactl: quarantined record 2 not applied, nothing changed: "
	    "quarantined record 2 was already resolved on 2025-12-01: applied "
	    "to EndToEndId 'E2E-F1-202510' (invoice F1-202510): returned "
	    "AM04\n");

	qit_run(&r, &t,
	    "quarantine dismiss 1 --why 'not ours: debit of another creditor'");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "quarantined record 1 dismissed\n");

	qit_run(&r, &t, "quarantine list");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "nothing in quarantine\n");
	qit_run(&r, &t, "status");
	cr_expect(strstr(r.out, "bank records in quarantine: 0\n") != NULL,
	    "%s", r.out);

	qit_run(&r, &t, "quarantine list --all");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
	    QIT_HEAD QIT_ROW1
	    "    resolved on 2025-12-01: dismissed: not ours: debit of another "
	    "creditor\n" QIT_ROW2
	    "    resolved on 2025-12-01: applied to EndToEndId 'E2E-F1-202510' "
	    "(invoice F1-202510): returned AM04\n"
	    "2 records, 0 open\n");
	qit_run(&r, &t, "quarantine list --all --csv");
	cr_expect(strstr(r.out,
	              ";01/12/2025;dismissed: not ours: debit of another "
	              "creditor\r\n") != NULL,
	    "%s", r.out);

	qit_done(&t);
}
