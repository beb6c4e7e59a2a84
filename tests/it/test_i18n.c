/*
 * test_i18n.c - the programs in French and in English: the help, an
 * error of the command line, an error of lib, status; the operator's
 * French writing (dates, amounts, payment methods); the ledgers (family,
 * mandate, quarantine, an import of returns, a refusal naming a state, an
 * event needing attention, a database failure) in both languages, French
 * with its DD/MM/YYYY dates and no English word; and what a machine
 * reads does not change with the language: the pain.008 (but for the
 * CreDtTm its database stamps), the notices, inspect's CSV and the
 * lists' CSV are the same bytes under LANG=fr_FR.UTF-8 and LANG=C.UTF-8.
 * The stored texts (events, a mandate's reason, a quarantined record's
 * why) read in the reader's language, the English ones as they were.
 * Needs the fr_FR.UTF-8 locale (tests/deps.sh generates it).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../db/returnsfix.h"
#include "ctlrun.h"
#include "invoice_env.h"
#include "sepa/rules.h"
#include "store_mandate.h"

#define FR "fr_FR.UTF-8"
#define EN "C.UTF-8"

/* The locale exists, or every French test would pass for a wrong reason:
 * glibc falls back to C, and the catalogue is never read. */
static void
require_fr(void)
{
	cr_assert_eq(system("locale -a | grep -qix 'fr_FR.utf-\\?8'"), 0,
	    "the fr_FR.UTF-8 locale is missing: run tests/deps.sh as root");
}

Test(i18n, help_in_both_languages)
{
	struct ctlrun r;

	require_fr();
	ctlrun_in_lang(&r, NULL, FR, "--help");
	cr_assert_eq(r.status, 0);
	cr_expect(strstr(r.out,
	              "usage : sepactl [-v] [-c FICHIER] [--today "
	              "DATE] COMMANDE ...\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "créer ou migrer la base de données") != NULL,
	    "%s", r.out);
	cr_expect(
	    strstr(r.out, "code de sortie : 0 fait, 1 entrée refusée") != NULL,
	    "%s", r.out);
	ctlrun_in_lang(&r, NULL, EN, "--help");
	cr_assert_eq(r.status, 0);
	cr_expect(strstr(r.out,
	              "usage: sepactl [-v] [-c FILE] [--today DATE] "
	              "COMMAND ...\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "create or migrate the database") != NULL);
	cr_expect(strstr(r.out, "base de données") == NULL, "%s", r.out);

	/* every command's help is translated: none is the English one */
	static const char *const cmds[] = {"init", "import", "inspect",
	    "mandate", "payment", "invoice", "family", "notices", "collect",
	    "cycle", "quarantine", "recovery", "report", "status", "attention",
	    "creditor", "db"};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char args[64], en[sizeof(r.out)];

		snprintf(args, sizeof(args), "%s --help", cmds[i]);
		ctlrun_in_lang(&r, NULL, EN, args);
		cr_assert_eq(r.status, 0, "%s", args);
		memcpy(en, r.out, sizeof(en));
		ctlrun_in_lang(&r, NULL, FR, args);
		cr_assert_eq(r.status, 0, "%s", args);
		cr_expect(strncmp(r.out, "usage : sepactl [options] ", 26) == 0,
		    "%s: %s", args, r.out);
		cr_expect(strcmp(r.out, en) != 0, "%s is in English", args);
	}
	ctlrun_in_lang(&r, NULL, FR, "payment --help");
	cr_expect(strstr(r.out, "chèque, espèces") != NULL, "%s", r.out);
}

Test(i18n, errors_in_both_languages)
{
	struct ctlrun r;

	require_fr();
	ctlrun_in_lang(&r, NULL, FR, "frobnicate");
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err,
	    "sepactl: commande inconnue « frobnicate » (voir sepactl --help)\n");
	ctlrun_in_lang(&r, NULL, EN, "frobnicate");
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err,
	    "sepactl: unknown command \"frobnicate\" (see sepactl --help)\n");

	/* lib's message, with its month, translated where it is set */
	ctlrun_in_lang(&r, NULL, FR, "--today 31/04/2026 status");
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err,
	    "sepactl: impossible de fixer la date de gestion : le jour 31 "
	    "n'existe pas en avril 2026\n");
	ctlrun_in_lang(&r, NULL, EN, "--today 2026-04-31 status");
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err,
	    "sepactl: could not set the business date: day 31 does not exist "
	    "in April 2026\n");
}

static void
run(struct ctlrun *r, const struct env *e, const char *lang, const char *args)
{
	char line[4096];

	snprintf(line, sizeof(line), "-c %s %s", e->conf, args);
	ctlrun_in_lang(r, NULL, lang, line);
}

Test(i18n, status_and_french_input)
{
	struct env e;
	struct ctlrun r;

	require_fr();
	env_open(&e);
	run(&r, &e, FR, "--today 20/10/2026 status");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "date de gestion : 20/10/2026\n") != NULL, "%s",
	    r.out);
	cr_expect(strstr(r.out,
	              "base de données : accessible, schéma en "
	              "version ") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "familles : 3\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "prochaine étape : facturation de ") != NULL,
	    "%s", r.out);
	run(&r, &e, EN, "--today 2026-10-20 status");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "business date: 2026-10-20\n") != NULL);
	cr_expect(strstr(r.out, "families: 3\n") != NULL, "%s", r.out);

	/* the operator's French writing, then the English one */
	run(&r, &e, FR, "--today 01/10/2026 invoice run --month 2026-09");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run(&r, &e, FR,
	    "--today 02/10/2026 payment record F2026-09-000002 --amount "
	    "'2,50 €' --date 02/10/2026 --method chèque");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
	    "paiement de 2,50 € enregistré sur F2026-09-000002 : payé 2,50 € "
	    "sur 7,50 €, reste dû 5,00 € ; facture émise\n");
	run(&r, &e, EN,
	    "--today 2026-10-02 payment record F2026-09-000002 --amount 1.50 "
	    "--date 2026-10-02 --method espèces");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out,
	    "payment of 1,50 € recorded on F2026-09-000002: paid 4,00 € of "
	    "7,50 €, 3,50 € still due; invoice issued\n");
	run(&r, &e, FR,
	    "--today 02/10/2026 payment record F2026-09-000002 --amount "
	    "'1 234,56 €' --date 02/10/2026 --method carte");
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err,
	              "1 234,56 € dépasse les 3,50 € dus sur la "
	              "facture F2026-09-000002") != NULL,
	    "%s", r.err);
	run(&r, &e, FR,
	    "--today 02/10/2026 payment record F2026-09-000002 --amount 1 "
	    "--date 02/10/2026 --method bitcoin");
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err,
	              "moyen de paiement inconnu « bitcoin » "
	              "(chèque, espèces, virement, carte ou autre)") != NULL,
	    "%s", r.err);
	env_close(&e);
}

/* The file at path, with the text of its CreDtTm element blanked. */
static char *
without_credttm(const char *path)
{
	char *s = ctlrun_read(path), *a, *b;

	a = strstr(s, "<CreDtTm>");
	cr_assert_not_null(a, "%s", path);
	b = strstr(a, "</CreDtTm>");
	cr_assert_not_null(b, "%s", path);
	memmove(a + 9, b, strlen(b) + 1);
	return s;
}

static void
expect_same_file(const char *dir_fr, const char *dir_en, const char *name)
{
	char a[512], b[512];
	char *fr, *en;

	snprintf(a, sizeof(a), "%s/%s", dir_fr, name);
	snprintf(b, sizeof(b), "%s/%s", dir_en, name);
	fr = ctlrun_read(a);
	en = ctlrun_read(b);
	cr_expect_str_eq(fr, en, "%s differs between the languages", name);
	free(fr);
	free(en);
}

Test(i18n, machine_output_is_the_same_in_french, .timeout = 120)
{
	static const char pain[] = "pain008-FR72ZZZ123456-2026-10-1.xml";
	struct env fr, en;
	struct ctlrun r;
	char path[512], out_fr[sizeof(r.out)];
	char *a, *b;

	require_fr();
	env_open(&fr);
	env_open(&en);
	run(&r, &fr, FR, "--today 01/10/2026 invoice run --month 2026-09");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run(&r, &en, EN, "--today 2026-10-01 invoice run --month 2026-09");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run(&r, &fr, FR, "--today 06/10/2026 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, " €") != NULL, "%s", r.out);
	run(&r, &en, EN, "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, " EUR") != NULL, "%s", r.out);

	/* the pain.008: a point in every amount, the same bytes */
	snprintf(path, sizeof(path), "%s/%s", fr.outbox, pain);
	a = without_credttm(path);
	snprintf(path, sizeof(path), "%s/%s", en.outbox, pain);
	b = without_credttm(path);
	cr_expect(strstr(a, "<CtrlSum>") != NULL);
	cr_expect_str_eq(a, b, "the pain.008 differs between the languages");
	free(a);
	free(b);
	/* the families' documents stay French, the mail merge the same */
	expect_same_file(fr.outbox, en.outbox, "notices/notices-2026-09.csv");
	expect_same_file(
	    fr.outbox, en.outbox, "notices/2026-09/F2026-09-000001.txt");

	/* what a machine reads: CSV on stdout */
	run(&r, &fr, FR, "mandate list --csv");
	cr_assert_eq(r.status, 0, "%s", r.err);
	memcpy(out_fr, r.out, sizeof(out_fr));
	run(&r, &en, EN, "mandate list --csv");
	cr_expect_str_eq(out_fr, r.out);
	run(&r, &fr, FR, "family list --csv");
	cr_assert_eq(r.status, 0, "%s", r.err);
	memcpy(out_fr, r.out, sizeof(out_fr));
	run(&r, &en, EN, "family list --csv");
	cr_expect_str_eq(out_fr, r.out);
	snprintf(path, sizeof(path),
	    "inspect %s/tests/data/bank/camt054/"
	    "ch_postfinance_camt.054.001.04_return_batch_sammelbuchung_ac01."
	    "xml",
	    SEPAD_SRCDIR);
	ctlrun_in_lang(&r, NULL, FR, path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, ".") != NULL);
	memcpy(out_fr, r.out, sizeof(out_fr));
	ctlrun_in_lang(&r, NULL, EN, path);
	cr_expect_str_eq(out_fr, r.out);
	env_close(&fr);
	env_close(&en);
}

/* s holds every word of `words` (NULL-terminated), none of `never`. */
static void
expect_words(const char *what, const char *s, const char *const *words,
    const char *const *never)
{
	for (; words != NULL && *words != NULL; words++)
		cr_expect(strstr(s, *words) != NULL, "%s: no \"%s\" in:\n%s",
		    what, *words, s);
	for (; never != NULL && *never != NULL; never++)
		cr_expect(strstr(s, *never) == NULL, "%s: \"%s\" in:\n%s", what,
		    *never, s);
}

/* The English words of the ledgers, which French output never holds. */
static const char *const english[] = {"family ", "mandate ", "invoice ",
    "balance", "billed", "since", "account", "history", "state", "collection",
    "record", "none", "paid", "active", "issued", NULL};

Test(i18n, ledgers_in_both_languages, .timeout = 120)
{
	struct env e;
	struct ctlrun r;

	require_fr();
	env_open(&e);
	run(&r, &e, EN, "--today 2026-10-01 invoice run --month 2026-09");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run(&r, &e, EN, "--today 2026-10-06 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);

	run(&r, &e, FR, "--today 06/10/2026 family show FAM1");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("family show", r.out,
	    (const char *const[]){"famille FAM1 : Françoise Lefèvre\n",
	        "adresse : 3 rue des Écoles", "tranche tarifaire : T1\n",
	        "mandat RUM-FAM1 : actif, signé le 01/09/2025, compte ",
	        "facture F2026-09-000001 (2026-09) : ",
	        " €, en cours de prélèvement depuis le ", "historique :\n",
	        "  émise : 15,80 €, échéance le 15/10/2026, à prélever (RUM "
	        "RUM-FAM1)\n",
	        " : envoyé, pas encore de réponse de la banque\n",
	        "  désormais en cours de prélèvement : dans un fichier",
	        "  F2026-09-000001 01/10/2026  émise : ", "solde : doit ",
	        NULL},
	    english);
	run(&r, &e, EN, "--today 2026-10-06 family show FAM1");
	expect_words("family show", r.out,
	    (const char *const[]){"family FAM1: Françoise Lefèvre\n",
	        "mandate RUM-FAM1: active, signed on 2025-09-01, account ",
	        ", collecting since ",
	        "  issued: 15,80 €, due on 2026-10-15, to be debited (RUM "
	        "RUM-FAM1)\n",
	        "  now collecting: in a file, waiting for the bank\n",
	        "balance: owes ", NULL},
	    (const char *const[]){"solde", "facture", NULL});

	run(&r, &e, FR, "--today 06/10/2026 family list");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("family list", r.out,
	    (const char *const[]){
	        "FAM1", "actif", "aucun", "  doit ", " (en prélèvement ", NULL},
	    (const char *const[]){"owes", "collecting", "none", NULL});

	run(&r, &e, FR, "--today 06/10/2026 mandate show RUM-FAM3");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("mandate show", r.out,
	    (const char *const[]){"mandat : RUM-FAM3\n", "état : actif\n",
	        "prend fin le : 10/11/2026", "signé le : 01/09/2025\n",
	        "comptes :\n", "dernier prélèvement : aucun\n",
	        "prochain prélèvement : 2026-11, FRST, FR76****0189, "
	        "modification : aucune\n",
	        "rejets comptés sur l'année "
	        "scolaire 2026-2027 : 0 sur 2\n",
	        NULL},
	    english);
	run(&r, &e, FR, "--today 06/10/2026 mandate list");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("mandate list", r.out,
	    (const char *const[]){"RUM                  FAMILLE      PAYEUR",
	        "ÉTAT", "2 mandats\n", NULL},
	    english);
	run(&r, &e, EN, "--today 2026-10-06 mandate list");
	expect_words("mandate list", r.out,
	    (const char *const[]){"RUM                  FAMILY       PAYER",
	        "2 mandates\n", NULL},
	    (const char *const[]){"FAMILLE", "actif", NULL});

	run(&r, &e, FR, "--today 06/10/2026 quarantine list");
	cr_expect_str_eq(r.out, "rien en quarantaine\n");
	run(&r, &e, EN, "--today 2026-10-06 quarantine list");
	cr_expect_str_eq(r.out, "nothing in quarantine\n");
	run(&r, &e, FR, "--today 06/10/2026 recovery export");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "rien n'est dû au recouvrement\n");

	/* a refusal naming a state: the state's French word; the payment's
	 * method in the history */
	run(&r, &e, FR,
	    "--today 06/10/2026 payment record F2026-09-000002 --amount "
	    "'7,50 €' --date 06/10/2026 --method chèque");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run(&r, &e, FR,
	    "--today 06/10/2026 payment record F2026-09-000002 --amount 1 "
	    "--date 06/10/2026 --method chèque");
	cr_expect_eq(r.status, 1);
	expect_words("refusal", r.err,
	    (const char *const[]){"la facture F2026-09-000002 est payée", NULL},
	    (const char *const[]){"paid", "invoice", NULL});
	run(&r, &e, EN,
	    "--today 2026-10-06 payment record F2026-09-000002 --amount 1 "
	    "--date 2026-10-06 --method cheque");
	expect_words("refusal", r.err,
	    (const char *const[]){"invoice F2026-09-000002 is paid", NULL},
	    NULL);
	run(&r, &e, FR, "--today 06/10/2026 family show FAM2");
	expect_words("family show", r.out,
	    (const char *const[]){"pas de mandat : à régler par un autre "
	                          "moyen\n",
	        "  payée par un autre moyen (chèque) : 7,50 €\n",
	        "  désormais payée\n", NULL},
	    english);

	/* status: the event needing attention, its kind in French */
	run(&r, &e, FR, "--today 06/10/2026 status");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("status", r.out,
	    (const char *const[]){"à traiter : 06/10/2026, facture à régler "
	                          "par un autre moyen : facture F2026-09-",
	        " : pas de mandat ; à régler par un autre moyen\n", NULL},
	    (const char *const[]){"invoice", "payable", NULL});
	run(&r, &e, EN, "--today 2026-10-06 status");
	expect_words("status", r.out,
	    (const char *const[]){
	        "attention: 2026-10-06 invoice F2026-09-", NULL},
	    (const char *const[]){"à traiter", "autre moyen", NULL});

	/* an import of bank returns, its summary, the quarantine's list */
	run(&r, &e, FR,
	    "--today 06/10/2026 import returns " SEPAD_SRCDIR
	    "/tests/data/returns/boi_camt054_returns_batch_no_details.xml");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("import returns", r.out,
	    (const char *const[]){
	        ": camt.054, 1 enregistrement : 0 appliqué(s), "
	        "0 doublon(s), 0 conservé(s), 1 en "
	        "quarantaine ; ",
	        NULL},
	    (const char *const[]){"record", "applied", NULL});
	run(&r, &e, FR, "--today 06/10/2026 quarantine list");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("quarantine list", r.out,
	    (const char *const[]){"ID  FICHIER:LIGNE", "MONTANT", "MOTIF",
	        "    cause : ",
	        "1 enregistrement ouvert : sepactl quarantine "
	        "apply ID",
	        NULL},
	    (const char *const[]){"FILE:LINE", "open record", NULL});
	run(&r, &e, EN, "--today 2026-10-06 quarantine list");
	expect_words("quarantine list", r.out,
	    (const char *const[]){"ID  FILE:LINE", "    why: ",
	        "1 open record: sepactl quarantine apply ID", NULL},
	    (const char *const[]){"FICHIER", NULL});

	/* a database failure: what was attempted, whole, in French */
	{
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(
		    db_exec_script(e.db, "hide the payments",
		        "ALTER TABLE payments RENAME TO payments_x", &err),
		    0, "%s", err.msg);
	}
	run(&r, &e, FR, "--today 06/10/2026 family show FAM1");
	cr_expect_eq(r.status, 3, "%s", r.err);
	expect_words("database failure", r.err,
	    (const char *const[]){"impossible de lire l'historique : ", NULL},
	    (const char *const[]){"could not", "read the", NULL});
	run(&r, &e, EN, "--today 2026-10-06 family show FAM1");
	expect_words("database failure", r.err,
	    (const char *const[]){"could not read the history: ", NULL}, NULL);
	env_close(&e);
}

/* The English text an event of `kind` was stored with (the audit's). */
static char *
stored_message(struct db *db, const char *kind)
{
	sepa_error err = SEPA_ERROR_INIT;
	PGresult *res = NULL;
	char *s;

	cr_assert_eq(db_query(db, &res, "read the event",
	                 "SELECT message FROM events WHERE kind = $1 "
	                 "ORDER BY id DESC LIMIT 1",
	                 1, (const char *const[]){kind}, &err),
	    0, "%s", err.msg);
	cr_assert_eq(PQntuples(res), 1, "no %s event", kind);
	s = strdup(PQgetvalue(res, 0, 0));
	db_result_free(res);
	return s;
}

/*
 * Rejects, a record quarantined, a letter, a lapse (returnsfix.h's
 * three families): the events, the mandates' reasons and the
 * quarantine's why in French with French dates and amounts, and in
 * English as they were stored.
 */
Test(i18n, stored_texts_in_both_languages, .timeout = 120)
{
	struct retfix_tx a = {"E2E-F1-202510", "AM04", 1000, NULL};
	struct retfix_tx b = {"E2E-F1-202511", "AM04", 1000, NULL};
	struct retfix_tx q = {"E2E-F2-202511", "AM04", 1999, NULL};
	char conninfo[DBTEST_CONNINFO_MAX], text[2048], args[1024];
	char pa[128], pb[128], pq[128], *s;
	sepa_error err = SEPA_ERROR_INIT;
	struct mandate_sweep_result swept;
	sepa_rules rules = SEPA_RULES_INIT;
	sepa_date day = {2029, 1, 1};
	struct ctlrun r;
	struct env e;

	require_fr();
	dbtest_create(conninfo, e.name, "sepad");
	cr_assert_eq(db_connect(&e.db, conninfo, &err), 0, "%s", err.msg);
	retfix_load(e.db);
	snprintf(e.outbox, sizeof(e.outbox), "/tmp/i18n-outbox-XXXXXX");
	cr_assert_not_null(mkdtemp(e.outbox));
	snprintf(text, sizeof(text),
	    "database: { conninfo = \"%s\"; };\n"
	    "creditor: { name = \"Commune de Test\"; ics = \"FR72ZZZ123456\";"
	    " iban = \"FR7630006000011234567890189\"; };\n"
	    "directories: { outbox = \"%s\"; };\n",
	    conninfo, e.outbox);
	ctlrun_conf(e.conf, sizeof(e.conf), text);
	snprintf(pa, sizeof(pa), "%s", retfix_tmp("a"));
	snprintf(pb, sizeof(pb), "%s", retfix_tmp("b"));
	snprintf(pq, sizeof(pq), "%s", retfix_tmp("q"));
	retfix_pain002(pa, "ST-1", "MSG-202510", "PMT-202510", NULL, &a, 1);
	retfix_camt054(pb, "N-1", &b, 1);
	retfix_camt054(pq, "N-2", &q, 1);

	/* two rejects end RUM-F1; a wrong amount is quarantined */
	snprintf(args, sizeof(args),
	    "--today 2025-12-01 import returns %s %s %s", pa, pb, pq);
	run(&r, &e, EN, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* a letter ends RUM-F3 with the school year; RUM-F2 lapses */
	run(&r, &e, FR,
	    "--today 01/12/2025 mandate terminate RUM-F3 --received 01/12/2025");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(store_mandate_sweep(e.db, 1, &rules, day, &swept, &err), 0,
	    "%s", err.msg);
	cr_expect_eq(swept.terminated, 1);
	cr_expect_eq(swept.lapsed, 1);

	run(&r, &e, FR, "--today 02/01/2029 status");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("status", r.out,
	    (const char *const[]){
	        "à traiter : 01/12/2025, mandat résilié : mandat RUM-F1 "
	        "résilié : deux rejets (2 comptés sur l'année scolaire "
	        "2025-2026) ; plus aucun prélèvement\n",
	        " importé : 1 enregistrements, 0 appliqués, 0 en double, 0 "
	        "conservés, 1 en quarantaine\n",
	        "prochaine étape : fin des mandats de ", NULL},
	    (const char *const[]){
	        "terminated", "imported", "rejects", "next: ", NULL});
	run(&r, &e, FR, "--today 02/01/2029 attention list");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("attention list", r.out,
	    (const char *const[]){"01/12/2025  mandat résilié  mandat "
	                          "RUM-F1 résilié : deux rejets (",
	        NULL},
	    (const char *const[]){
	        "no further", "quarantined", "mandate.", NULL});
	run(&r, &e, FR, "--today 02/01/2029 mandate show RUM-F1");
	expect_words("mandate show", r.out,
	    (const char *const[]){
	        "état : résilié (deux rejets) depuis le 01/12/2025", NULL},
	    (const char *const[]){"two rejects", NULL});
	run(&r, &e, FR, "--today 02/01/2029 mandate show RUM-F2");
	expect_words("mandate show", r.out,
	    (const char *const[]){"état : caduc (inutilisé depuis 36 mois) "
	                          "depuis le 01/01/2029",
	        NULL},
	    (const char *const[]){"unused", NULL});
	run(&r, &e, FR, "--today 02/01/2029 mandate show RUM-F3");
	expect_words("mandate show", r.out,
	    (const char *const[]){"état : résilié (courrier de la famille) "
	                          "depuis le 01/09/2026",
	        NULL},
	    (const char *const[]){"family letter", NULL});
	run(&r, &e, FR, "--today 02/01/2029 quarantine list");
	expect_words("quarantine list", r.out,
	    (const char *const[]){"    cause : le montant 19,99 € n'est pas "
	                          "20,00 €, le montant de l'EndToEndId "
	                          "'E2E-F2-202511'\n",
	        NULL},
	    (const char *const[]){"amount", "19.99", NULL});
	run(&r, &e, FR, "--today 02/01/2029 family show F2");
	expect_words("family show", r.out,
	    (const char *const[]){"mandat RUM-F2 : caduc (inutilisé depuis 36 "
	                          "mois) depuis le 01/01/2029, signé le "
	                          "01/09/2024",
	        NULL},
	    (const char *const[]){"unused", NULL});

	/* English: as the texts were stored, and as they always read */
	run(&r, &e, EN, "--today 2029-01-02 status");
	expect_words("status", r.out,
	    (const char *const[]){
	        "attention: 2025-12-01 mandate RUM-F1 terminated: two rejects "
	        "(2 counted in school year 2025-2026); no further collection\n",
	        " imported: 1 records, 0 applied, 0 duplicates, 0 stored, 1 "
	        "quarantined\n",
	        "next: lapse of ", NULL},
	    (const char *const[]){"résilié", "à traiter", NULL});
	run(&r, &e, EN, "--today 2029-01-02 mandate show RUM-F2");
	expect_words("mandate show", r.out,
	    (const char *const[]){
	        "state: lapsed (unused 36 months) since 2029-01-01", NULL},
	    NULL);
	run(&r, &e, EN, "--today 2029-01-02 quarantine list");
	expect_words("quarantine list", r.out,
	    (const char *const[]){"    why: amount 19.99 is not 20.00, the "
	                          "amount of EndToEndId 'E2E-F2-202511'\n",
	        NULL},
	    NULL);
	s = stored_message(e.db, "mandate.lapsed");
	cr_expect_str_eq(s, "mandate RUM-F2 lapsed: unused 36 months");
	free(s);
	s = stored_message(e.db, "mandate.end_scheduled");
	cr_expect_str_eq(s,
	    "mandate RUM-F3 ends on 2026-08-31 (letter received on 2025-12-01, "
	    "before 30 June)");
	free(s);
	/* the CSV keeps the text as stored, in every language */
	run(&r, &e, FR, "quarantine list --csv");
	cr_expect(
	    strstr(r.out, "amount 19.99 is not 20.00") != NULL, "%s", r.out);
	unlink(pa);
	unlink(pb);
	unlink(pq);
	env_close(&e);
}

/* A collection too late for the bank: its event with French dates. */
Test(i18n, late_collection_in_french, .timeout = 120)
{
	struct env e;
	struct ctlrun r;
	char *s;

	require_fr();
	env_open(&e);
	run(&r, &e, EN, "--today 2026-10-01 invoice run --month 2026-09");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run(&r, &e, EN, "--today 2026-10-14 collect --month 2026-10");
	cr_assert_eq(r.status, 0, "%s", r.err);
	run(&r, &e, FR, "--today 14/10/2026 attention list");
	expect_words("attention list", r.out,
	    (const char *const[]){"facture F2026-09-000001 : échéance le "
	                          "15/10/2026, trop tard pour la banque le "
	                          "14/10/2026 ; non prélevée\n",
	        NULL},
	    (const char *const[]){"too late", "2026-10-15", NULL});
	run(&r, &e, EN, "--today 2026-10-14 attention list");
	expect_words("attention list", r.out,
	    (const char *const[]){"invoice F2026-09-000001: due on 2026-10-15, "
	                          "too late for the bank on 2026-10-14; not "
	                          "collected\n",
	        NULL},
	    NULL);
	s = stored_message(e.db, "invoice.collect_late");
	cr_expect_str_eq(s,
	    "invoice F2026-09-000001: due on 2026-10-15, too late for the bank "
	    "on 2026-10-14; not collected");
	free(s);
	env_close(&e);
}

/* An account change and a letter: why they take the month and the day
 * they take, in the reader's words; the event stored in English. */
Test(i18n, mandate_change_and_end_in_french, .timeout = 120)
{
	struct env e;
	struct ctlrun r;
	char *s;

	require_fr();
	env_open(&e);
	run(&r, &e, FR,
	    "--today 06/10/2026 mandate change-account RUM-FAM1 --iban "
	    "FR7630004000031234567890143 --received 06/10/2026");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("change-account", r.out,
	    (const char *const[]){"mandat RUM-FAM1 : nouveau compte "
	                          "FR76****0143 : envoyé le 06/10/2026, après "
	                          "le 5 du mois : appliqué à partir du "
	                          "prélèvement de 2026-11\n",
	        NULL},
	    (const char *const[]){"sent on", "5th", NULL});
	s = stored_message(e.db, "mandate.account_changed");
	cr_expect_str_eq(s,
	    "mandate RUM-FAM1: new account FR76****0143 (sent on 2026-10-06, "
	    "after the 5th: applies from the 2026-11 collection)");
	free(s);
	run(&r, &e, FR,
	    "--today 07/10/2026 mandate change-account RUM-FAM1 --iban "
	    "FR7630006000011234567890189 --received 07/10/2026 --sent "
	    "01/10/2026");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("change-account", r.out,
	    (const char *const[]){"envoyé le 01/10/2026, au plus tard le 5 du "
	                          "mois : appliqué à partir du prélèvement de "
	                          "2026-10\n",
	        NULL},
	    (const char *const[]){"sent on", NULL});
	run(&r, &e, FR,
	    "--today 07/10/2026 mandate terminate RUM-FAM1 --received "
	    "07/10/2026");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("terminate", r.out,
	    (const char *const[]){"le mandat RUM-FAM1 prend fin le 31/08/2027 "
	                          "(courrier reçu le 07/10/2026, avant le 30 "
	                          "juin) ; il est prélevé jusque-là\n",
	        NULL},
	    (const char *const[]){"letter", "June", NULL});
	run(&r, &e, EN,
	    "--today 2026-10-07 mandate terminate RUM-FAM1 --received "
	    "2026-10-07 --immediate");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("terminate", r.out,
	    (const char *const[]){"mandate RUM-FAM1 terminated, last day "
	                          "2026-10-07 (revoked with immediate effect, "
	                          "received on 2026-10-07)\n",
	        NULL},
	    NULL);
	run(&r, &e, FR, "--today 07/10/2026 mandate show RUM-FAM1");
	cr_assert_eq(r.status, 0, "%s", r.err);
	expect_words("mandate show", r.out,
	    (const char *const[]){"(mandat résilié)\n", NULL},
	    (const char *const[]){"terminated", NULL});
	env_close(&e);
}
