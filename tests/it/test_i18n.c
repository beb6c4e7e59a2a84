/*
 * test_i18n.c - the programs in French and in English: the help, an
 * error of the command line, an error of lib, status; the operator's
 * French writing (dates, amounts, payment methods); and what a machine
 * reads does not change with the language: the pain.008 (but for the
 * CreDtTm its database stamps), the notices, inspect's CSV and the
 * lists' CSV are the same bytes under LANG=fr_FR.UTF-8 and LANG=C.UTF-8.
 * Needs the fr_FR.UTF-8 locale (tests/deps.sh generates it).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctlrun.h"
#include "invoice_env.h"

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
	cr_expect(strstr(r.out, "usage : sepactl [-v] [-c FICHIER] [--today "
	                        "DATE] COMMANDE ...\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "créer ou migrer la base de données") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "code de sortie : 0 fait, 1 entrée refusée") !=
	        NULL,
	    "%s", r.out);
	ctlrun_in_lang(&r, NULL, EN, "--help");
	cr_assert_eq(r.status, 0);
	cr_expect(strstr(r.out, "usage: sepactl [-v] [-c FILE] [--today DATE] "
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
	cr_expect_str_eq(
	    r.err, "sepactl: unknown command \"frobnicate\" (see sepactl --help)\n");

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
	cr_expect(strstr(r.out, "date de gestion : 2026-10-20\n") != NULL, "%s",
	    r.out);
	cr_expect(strstr(r.out, "base de données : accessible, schéma en "
	                        "version ") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "familles : 3\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "prochaine étape : invoice de ") != NULL, "%s",
	    r.out);
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
	cr_expect(strstr(r.err, "1 234,56 € dépasse les 3,50 € dus sur la "
	                        "facture F2026-09-000002") != NULL,
	    "%s", r.err);
	run(&r, &e, FR,
	    "--today 02/10/2026 payment record F2026-09-000002 --amount 1 "
	    "--date 02/10/2026 --method bitcoin");
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "moyen de paiement inconnu « bitcoin » "
	                        "(chèque, espèces, virement, carte ou autre)") !=
	        NULL,
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
	expect_same_file(fr.outbox, en.outbox,
	    "notices/notices-2026-09.csv");
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
