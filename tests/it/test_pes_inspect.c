/*
 * test_pes_inspect.c - `sepactl inspect` of PES V2 files, end to end:
 * the flows of tests/data/pes (an ORMC flow, a flow of ordinary titres, a
 * PES_ACQUIT) and one the library writes now with a debtor named
 * =HYPERLINK("http://x"); one row per piece or acknowledgement record, in
 * the CSV for people (French Excel, read by tests/it/excel_fr.py), a
 * summary on stderr; a malformed or hostile file refused with its line,
 * never a crash; bank and PES files not mixed in one call.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sepa/pes.h"
#include "ctlrun.h"
#include "excelfr.h"

#define PES SEPAD_SRCDIR "/tests/data/pes/"
#define BANK SEPAD_SRCDIR "/tests/data/bank/"

static char dir[] = "/tmp/pes-inspect-XXXXXX";

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(pes_inspect, .init = setup, .fini = teardown);

/* `sepactl inspect ARGS` (no configuration: the default dialect). */
static void
inspect(struct ctlrun *r, const char *args)
{
	char a[2048];

	snprintf(a, sizeof(a), "inspect %s", args);
	ctlrun(r, a);
}

Test(pes_inspect, an_ormc_flow)
{
	static struct ctlrun r;

	inspect(&r, PES "sample-ormc.xml");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_eq(ctlrun_lines(r.out), 1 + 4, "%s", r.out);
	excelfr_check(dir, "ormc", r.out, "Fichier;Exercice;Bordereau;",
	    "'Pièce=1' 'N° de dette=202600017' 'Clé 1=4' 'Clé 2=X' "
	    "'Clés correctes=oui' 'Montant (€)=42,50' 'Nom=Lefèvre' "
	    "'Séquence=RCUR' 'RUM=RUM-HARNES-000017' 'Compte=FR76****0189' "
	    "'Date de prélèvement=15/10/2026' 'Mandat signé le=01/09/2021' "
	    "'Ancienne RUM=RUM-ANCIEN-18' 'Ancien compte=FR76****0173' "
	    "'Autre banque=oui' 'Prélèvement=non' 'Bordereau=43'");
	cr_expect(strstr(r.out, "FR7630006000011234567890189") == NULL,
	    "an IBAN unmasked:\n%s", r.out);
	cr_expect(strstr(r.out, "FR7630006000019876543210173") == NULL,
	    "an IBAN unmasked:\n%s", r.out);
	cr_expect(strstr(r.err,
	              "sample-ormc.xml: PES_Aller PESORMC of the collectivity "
	              "21620413900017 (budget 01), 06/10/2026: 2 "
	              "bordereau(x), 4 piece(s), ") != NULL &&
	        strstr(r.err, "3 by direct debit, 0 whose keys are wrong") !=
	            NULL,
	    "%s", r.err);
}

Test(pes_inspect, a_flow_of_titres_has_no_keys)
{
	static struct ctlrun r;

	inspect(&r, PES "sample-titre.xml");
	cr_assert_eq(r.status, 0, "%s", r.err);
	excelfr_check(dir, "titres", r.out, "Fichier;Exercice;Bordereau;",
	    "'Clés correctes=' 'N° de dette=' 'Prélèvement=non' "
	    "'Type de pièce=01'");
	cr_expect(strstr(r.err, "PES_Aller PESALR1 ") != NULL, "%s", r.err);
}

Test(pes_inspect, an_acknowledgement)
{
	static struct ctlrun r;

	inspect(&r, PES "acquit-sample.xml");
	cr_assert_eq(r.status, 0, "%s", r.err);
	excelfr_check(dir, "acquit", r.out, "Fichier;Niveau;Domaine;État;",
	    "'Niveau=élément' 'Niveau=pièce' 'Niveau=ligne' 'État=refusé' "
	    "'État=accepté' 'Bordereau=43' "
	    "'Code erreur=ERREUR_DOUBLON_BORDEREAU' "
	    "'Libellé=Le bordereau 43 de l'\\''exercice 2026 a déjà été reçu' "
	    "'Identifiant=PJ-2026-0001'");
	cr_expect(strstr(r.err,
	              "acquit-sample.xml: PES_ACQUIT of the "
	              "collectivity 21620413900017, 07/10/2026: ") != NULL,
	    "%s", r.err);
}

/* A flow written by the library now, its debtor's name a formula, its
 * keys then broken by hand. */
static void
write_flow(const char *path)
{
	sepa_pes_opts o = SEPA_PES_OPTS_INIT;
	sepa_pes_header h = {.sigle = "sepad",
	    .adresse = "sepad test",
	    .dte_str = {2026, 10, 6},
	    .id_post = "062008",
	    .id_coll = "21620413900017",
	    .cod_col = "123",
	    .cod_bud = "01"};
	sepa_pes_bordereau b = {.exer = 2026,
	    .id_bord = 44,
	    .dte_bord_em = {2026, 10, 6},
	    .objet = "Cantine - septembre 2026",
	    .nbr_pce = 1,
	    .mt_bord_ht = 123456};
	sepa_pes_line line = {"Cantine", "REST", "588", 123456};
	sepa_pes_debtor d = {.civilite = "M.",
	    .nom = "=HYPERLINK(\"http://x\")",
	    .prenom = "+Jean",
	    .adr2 = "1 rue Basse",
	    .cp = "62440",
	    .ville = "Harnes",
	    .iban = "FR7630006000011234567890189"};
	sepa_pes_debit deb = {.due_date = {2026, 10, 15},
	    .seq = SEPA_SEQ_FRST,
	    .rum = "RUM-1",
	    .signature_date = {2026, 9, 1}};
	sepa_pes_piece p = {1, "@SUM(1)", 202600001, 0, &line, 1, &d, &deb};
	sepa_error err = SEPA_ERROR_INIT;
	sepa_pes_writer *w = NULL;

	o.validate = 0;
	o.sidecar = 0;
	cr_assert_eq(sepa_pes_open(&w, path, &o, &h, &err), 0, "%s", err.msg);
	cr_assert_eq(sepa_pes_begin_bordereau(w, &b, &err), 0, "%s", err.msg);
	cr_assert_eq(sepa_pes_add(w, &p, &err), 0, "%s", err.msg);
	cr_assert_eq(sepa_pes_end_bordereau(w, &err), 0, "%s", err.msg);
	cr_assert_eq(sepa_pes_close(w, NULL, &err), 0, "%s", err.msg);
}

Test(pes_inspect, a_flow_written_now_with_a_formula_for_a_name)
{
	static struct ctlrun r;
	char path[256], args[600];

	snprintf(path, sizeof(path), "%s/flow.xml", dir);
	write_flow(path);
	inspect(&r, path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	excelfr_check(dir, "written", r.out, "Fichier;",
	    "'Nom='\\''=HYPERLINK(\"http://x\")' 'Prénom='\\''+Jean' "
	    "'Objet='\\''@SUM(1)' 'Montant (€)=1234,56' "
	    "'Clés correctes=oui' 'Séquence=FRST'");
	cr_expect(strstr(r.out, ";\"'=HYPERLINK(\"\"http://x\"\")\";") != NULL,
	    "%s", r.out);
	/* the keys of another NumDette: said, not refused */
	snprintf(args, sizeof(args),
	    "sed -i 's/<NumDette V=\"202600001\"/<NumDette V=\"202600002\"/' "
	    "%s",
	    path);
	cr_assert_eq(system(args), 0);
	inspect(&r, path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	excelfr_check(dir, "keys", r.out, "Fichier;", "'Clés correctes=non'");
	cr_expect(strstr(r.err, "1 whose keys are wrong") != NULL, "%s", r.err);
}

/* Bad files: refused with the place, nothing printed of them, the good
 * ones still printed; never a crash. */
Test(pes_inspect, malformed_and_hostile_files)
{
	static const struct {
		const char *name, *text, *msg;
	} bad[] = {
	    {"cut.xml",
	        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
	        "<n:PES_Aller xmlns:n=\"" SEPA_PES_NS "\">\n<Enveloppe>\n",
	        "cut.xml:"},
	    {"doctype.xml",
	        "<?xml version=\"1.0\"?>\n"
	        "<!DOCTYPE PES_Aller [<!ENTITY x \"y\">]>\n"
	        "<PES_Aller><Enveloppe/></PES_Aller>\n",
	        "doctype.xml:"},
	    {"deep.xml", NULL, "deep.xml:"},
	    {"acquit-cut.xml",
	        "<PES_ACQUIT><ACQUIT><ElementACQUIT><Erreur>\n"
	        "<NumAnoAck V=\"X\"/>",
	        "acquit-cut.xml:"},
	};
	static struct ctlrun r;
	char path[256], args[1024];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s", dir, bad[i].name);
		fp = fopen(path, "w");
		cr_assert_not_null(fp);
		if (bad[i].text != NULL) {
			fputs(bad[i].text, fp);
		} else {
			fputs("<PES_Aller>", fp);
			for (int d = 0; d < 5000; d++)
				fputs("<a>", fp);
		}
		fclose(fp);
		snprintf(args, sizeof(args), "%s %s", path,
		    strstr(bad[i].name, "acquit") != NULL
		        ? PES "acquit-sample.xml"
		        : PES "sample-ormc.xml");
		inspect(&r, args);
		cr_expect_eq(r.status, 1, "%s: %s", bad[i].name, r.err);
		cr_expect(strstr(r.err, "sepactl: cannot read ") != NULL &&
		        strstr(r.err, bad[i].msg) != NULL,
		    "%s: %s", bad[i].name, r.err);
		/* the good file is printed, nothing of the bad one */
		cr_expect(strstr(r.out, bad[i].name) == NULL, "%s", r.out);
		cr_expect_gt(ctlrun_lines(r.out), 1, "%s", r.out);
	}
}

Test(pes_inspect, kinds_are_not_mixed)
{
	static struct ctlrun r;

	inspect(&r,
	    PES "sample-ormc.xml " BANK
	        "pain002/ie_boi_pain.002.001.03_sdd_unpaid_4rjct.xml");
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.err, "is a PES_Aller flow and ") != NULL &&
	        strstr(r.err, "a bank file: inspect them apart") != NULL,
	    "%s", r.err);
	cr_expect_str_eq(r.out, "");
	inspect(&r, PES "sample-ormc.xml " PES "acquit-sample.xml");
	cr_expect_eq(r.status, 2, "%s", r.err);
}
