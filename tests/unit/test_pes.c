/*
 * test_pes.c - the PES V2 writer, validator, keys and readers.
 *
 * Schemas and golden files are found through SEPAD_SRCDIR. Run with
 * SEPAD_REGEN_GOLDEN=1 to rewrite the golden flows in tests/data/pes/
 * after a deliberate change (then read the diff). acquit-sample.xml is
 * built by hand from the structure docs/design/pes.md describes (no real
 * acquit was available).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sepa/sepa.h"
#include "sepa/pes.h"
#include "unit_files.h"
#include "xmlw.h"

#define SCHEMAS SEPAD_SRCDIR "/schemas"
#define GOLDEN SEPAD_SRCDIR "/tests/data/pes"
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------- keys */

Test(pes, keys_of_the_worked_examples)
{
	static const struct {
		const char *col, *nat, *exer, *per, *num;
		char cle1, cle2;
	} cases[] = {
	    /* docs/design/pes.md, Keys: T = 161, r = 7; K = 21 */
	    {"123", "42", "2026", "0", "202600017", '4', 'X'},
	    /* the same with Per 3: T = 170, r = 5; K = 13 */
	    {"123", "42", "2026", "3", "202600017", '6', 'P'},
	    /* r = 0: 11 is folded to 1 (the Noethys PES module); K = 9 */
	    {"123", "42", "2026", "0", "202600005", '1', 'K'},
	    /* r = 1: 10 gives 1; K = 18 */
	    {"123", "42", "2026", "0", "202600014", '1', 'U'},
	    /* the legacy ROLMRE vectors of Noethys (YY given as a year) */
	    {"01", "04", "2000", "0", "900001", '8', 'M'},
	    {"39", "01", "2013", "0", "303", '9', 'L'},
	    /* leading zeros in COL and NAT do not change Cle1 */
	    {"0123", "0042", "2026", "0", "202600017", '4', 'X'},
	    {"123", "42", "2026", "0", "0000202600017", '4', 'X'},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		char c1 = 0, c2 = 0;
		int rc = sepa_pes_keys(cases[i].col, cases[i].nat,
		    cases[i].exer, cases[i].per, cases[i].num, &c1, &c2, &err);

		if (strlen(cases[i].col) > 3) {
			/* COL is at most 3 digits: refused, not guessed */
			cr_expect_eq(rc, SEPA_EINVAL, "case %zu", i);
			continue;
		}
		cr_expect_eq(rc, 0, "case %zu: %s", i, err.msg);
		cr_expect_eq(c1, cases[i].cle1, "case %zu: Cle1 %c", i, c1);
		cr_expect_eq(c2, cases[i].cle2, "case %zu: Cle2 %c", i, c2);
	}
}

Test(pes, keys_refuse_what_is_not_digits)
{
	static const struct {
		const char *col, *nat, *exer, *per, *num, *msg;
	} cases[] = {
	    {"12a", "42", "2026", "0", "1",
	        "keys: CodCol \"12a\" is not 1 to 3 digits"},
	    {"123", "", "2026", "0", "1",
	        "keys: the code nature \"\" is not 1 to 7 digits"},
	    {"123", "42", "26x6", "0", "1",
	        "keys: Exer \"26x6\" is not a year"},
	    {"123", "42", "2026", "10", "1",
	        "keys: Per \"10\" is not one digit"},
	    {"123", "42", "2026", "0", "12345678901234",
	        "keys: NumDette \"12345678901234\" is not 1 to 13 digits"},
	    {"123", "42", "2026", "0", NULL,
	        "keys: NumDette \"\" is not 1 to 13 digits"},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		char c1 = 'z', c2 = 'z';

		cr_expect_eq(
		    sepa_pes_keys(cases[i].col, cases[i].nat, cases[i].exer,
		        cases[i].per, cases[i].num, &c1, &c2, &err),
		    SEPA_EINVAL, "case %zu", i);
		cr_expect_str_eq(err.msg, cases[i].msg, "case %zu", i);
		cr_expect_eq(c1, '\0');
	}
}

/* ----------------------------------------------------------- sample */

/*
 * Two bordereaux of the Harnes canteen: 42 with three debited pieces
 * (RCUR; FRST with a new account at the same bank and a former RUM, two
 * lines; FNAL from a Belgian account with a change of bank, ICS and
 * creditor, held by someone else) and 43 with one piece left for
 * recovery. Names and texts carry what ISO-8859-1 keeps (é, «, °) and
 * what it lacks (œ, €, typographic quotes, Ŝ).
 */
struct sample {
	sepa_pes_opts o;
	sepa_pes_header h;
	sepa_pes_bordereau b[2];
	sepa_pes_line lines[5];
	sepa_pes_debtor d[4];
	sepa_pes_debit deb[3];
	sepa_pes_piece p[4];
	int p_bord[4];
};

static void
sample_totals(struct sample *s)
{
	for (int k = 0; k < 2; k++) {
		s->b[k].nbr_pce = 0;
		s->b[k].mt_bord_ht = 0;
	}
	for (int i = 0; i < 4; i++) {
		s->b[s->p_bord[i]].nbr_pce++;
		for (size_t l = 0; l < s->p[i].nb_lines; l++)
			s->b[s->p_bord[i]].mt_bord_ht +=
			    s->p[i].lines[l].amount;
	}
}

static void
sample_init(struct sample *s)
{
	static const sepa_pes_opts o = SEPA_PES_OPTS_INIT;

	memset(s, 0, sizeof(*s));
	s->o = o;
	s->o.schema_dir = SCHEMAS;
	s->h.sigle = "sepad";
	s->h.adresse = "sepad 0.4.0";
	s->h.dte_str = (sepa_date){2026, 10, 6};
	s->h.id_post = "062008";
	s->h.libelle_poste = "SGC de Lens";
	s->h.id_coll = "21620413900017";
	s->h.cod_col = "123";
	s->h.cod_bud = "01";
	s->h.libelle_col_bud = "Commune de Harnes – budget principal";

	for (int k = 0; k < 2; k++) {
		s->b[k].exer = 2026;
		s->b[k].id_bord = 42 + k;
		s->b[k].dte_bord_em = (sepa_date){2026, 10, 6};
		s->b[k].objet = k == 0
		    ? "Restauration scolaire et périscolaire – "
		      "septembre 2026"
		    : "Impayés transmis pour recouvrement";
	}
	s->b[0].dte_asp = (sepa_date){2026, 10, 8};

	s->lines[0] = (sepa_pes_line){
	    "Cantine – septembre 2026 (17 repas)", "REST", "588", 4250};
	s->lines[1] =
	    (sepa_pes_line){"Cantine – septembre 2026", "REST", "588", 3100};
	s->lines[2] = (sepa_pes_line){
	    "Garderie périscolaire « matin »", "GARD", "588", 1275};
	s->lines[3] = (sepa_pes_line){NULL, "ALSH", "588", 9900};
	s->lines[4] = (sepa_pes_line){
	    "Garderie impayée – juin 2025 : 23 h", "GARD", "588", 1840};

	s->d[0] = (sepa_pes_debtor){.ref_tiers = "FAM-000017",
	    .civilite = "Mme",
	    .nom = "Lefèvre",
	    .prenom = "Élodie",
	    .adr2 = "12 bis rue Émile Zola",
	    .cp = "62440",
	    .ville = "Harnes",
	    .iban = "FR76 3000 6000 0112 3456 7890 189"};
	s->d[1] = (sepa_pes_debtor){.ref_tiers = "FAM-000018",
	    .civilite = "M.",
	    .nom = "Dubœuf",
	    .compl_nom = "ép. Müller",
	    .prenom = "Noël",
	    .adr1 = "Résidence « Les Œillets » – bât. C",
	    .adr2 = "3 place Jean-Jaurès",
	    .cp = "62440",
	    .ville = "Harnes",
	    .iban = "FR7630006000011234567890189",
	    .bic = "agrifrpp867"};
	s->d[2] = (sepa_pes_debtor){.ref_tiers = "FAM-000019",
	    .civilite = "Mme",
	    .nom = "D’Arcy",
	    .prenom = "Anaïs",
	    .adr2 = "Rue de la Loi 16",
	    .cp = "99999",
	    .ville = "1000 Bruxelles",
	    .cod_pays = "131",
	    .iban = "BE68539007547034",
	    .bic = "GKCCBEBB",
	    .tit_cpte = "Ŝtúdio Arcy & Cie"};
	s->d[3] = (sepa_pes_debtor){.ref_tiers = "FAM-000311",
	    .civilite = "M.",
	    .nom = "Śliwiński",
	    .prenom = "Jérôme",
	    .adr2 = "7 chemin du Marais",
	    .adr3 = "Lieu-dit “Les Ormes”",
	    .cp = "62440",
	    .ville = "Harnes",
	    .iban = "FR7630006000011234567890189"};

	s->deb[0] = (sepa_pes_debit){.due_date = {2026, 10, 15},
	    .seq = SEPA_SEQ_RCUR,
	    .rum = "RUM-HARNES-000017",
	    .signature_date = {2021, 9, 1},
	    .label = "Facture 2026-09 n° 17 – cantine & garderie"};
	s->deb[1] = (sepa_pes_debit){.due_date = {2026, 10, 15},
	    .seq = SEPA_SEQ_FRST,
	    .rum = "RUM-HARNES-000018",
	    .signature_date = {2026, 9, 2},
	    .label = "Facture 2026-09 n° 18",
	    .old_rum = "RUM-ANCIEN-18",
	    .account = SEPA_AMEND_SAME_BANK,
	    .old_iban = "FR7630006000019876543210173"};
	s->deb[2] = (sepa_pes_debit){.due_date = {2026, 10, 15},
	    .seq = SEPA_SEQ_FNAL,
	    .rum = "RUM-HARNES-000019",
	    .signature_date = {2019, 3, 15},
	    .per_prel = 2,
	    .old_ics = "FR46ZZZ005002",
	    .old_creditor_name = "Régie municipale de Harnes",
	    .account = SEPA_AMEND_OTHER_BANK,
	    .holder_differs = 1};

	s->p[0] = (sepa_pes_piece){1, "Facture n° 17", 202600017, 0,
	    &s->lines[0], 1, &s->d[0], &s->deb[0]};
	s->p[1] = (sepa_pes_piece){
	    2, NULL, 202600018, 0, &s->lines[1], 2, &s->d[1], &s->deb[1]};
	s->p[2] = (sepa_pes_piece){3, "Centre de loisirs – été 2026", 202600019,
	    3, &s->lines[3], 1, &s->d[2], &s->deb[2]};
	s->p[3] = (sepa_pes_piece){1, "Facture n° 311 (juin 2025)", 202500311,
	    0, &s->lines[4], 1, &s->d[3], NULL};
	s->p_bord[3] = 1;
	sample_totals(s);
}

/* The sample as a recovery flow of ordinary titres (shape b). */
static void
sample_titre(struct sample *s)
{
	sample_init(s);
	s->o.kind = SEPA_PES_TITRE;
	for (int k = 0; k < 2; k++) {
		s->b[k].objet = NULL;
		s->b[k].id_bord = 7 + k;
	}
	for (int i = 0; i < 4; i++) {
		s->p[i].num_dette = 0;
		s->p[i].debit = NULL;
	}
	for (int l = 0; l < 5; l++)
		s->lines[l].nature = "7067";
}

static int
sample_write(const struct sample *s, const char *path, sepa_pes_info *info,
    sepa_error *err)
{
	sepa_pes_writer *w = NULL;
	int rc;

	if ((rc = sepa_pes_open(&w, path, &s->o, &s->h, err)) != 0)
		return rc;
	for (int k = 0; k < 2; k++) {
		if ((rc = sepa_pes_begin_bordereau(w, &s->b[k], err)) != 0)
			goto fail;
		for (int i = 0; i < 4; i++)
			if (s->p_bord[i] == k &&
			    (rc = sepa_pes_add(w, &s->p[i], err)) != 0)
				goto fail;
		if ((rc = sepa_pes_end_bordereau(w, err)) != 0)
			goto fail;
	}
	return sepa_pes_close(w, info, err);
fail:
	sepa_pes_abort(w);
	return rc;
}

/* Write s to DIR/name; returns the file's text (caller frees). */
static char *
sample_text(
    const struct sample *s, const char *dir, const char *name, size_t *len)
{
	sepa_error err = SEPA_ERROR_INIT;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_eq(sample_write(s, path, NULL, &err), 0, "%s", err.msg);
	return slurp(path, len);
}

/* ------------------------------------------------------------ golden */

/*
 * s without the indentation (the spaces after each line break), so that
 * expectations do not depend on it (the caller frees).
 */
static char *
flat(const char *s)
{
	char *out = malloc(strlen(s) + 1), *p = out;

	cr_assert_not_null(out);
	for (; *s != '\0'; s++) {
		*p++ = *s;
		if (*s == '\n')
			while (s[1] == ' ')
				s++;
	}
	*p = '\0';
	return out;
}

static void
check_golden(const char *path, const char *golden_name)
{
	char golden[512];
	size_t n, g;
	char *got, *want;

	snprintf(golden, sizeof(golden), "%s/%s", GOLDEN, golden_name);
	got = slurp(path, &n);
	if (getenv("SEPAD_REGEN_GOLDEN") != NULL) {
		spit(golden, got);
		free(got);
		return;
	}
	want = slurp(golden, &g);
	cr_expect_eq(n, g, "%s: %zu bytes, golden %zu", golden_name, n, g);
	cr_expect(n == g && memcmp(got, want, n) == 0,
	    "%s differs from %s (SEPAD_REGEN_GOLDEN=1 rewrites it)", path,
	    golden);
	free(got);
	free(want);
}

Test(pes, writes_the_golden_ormc_flow_validated_with_its_sidecar)
{
	char *dir = tmpdir();
	char path[512], side[600], hex[65], line[200];
	sepa_error err = SEPA_ERROR_INIT;
	sepa_pes_info info, vi;
	struct sample s;
	size_t n;
	char *text, *sc;
	struct stat st;

	sample_init(&s);
	snprintf(
	    path, sizeof(path), "%s/PESORMC_21620413900017_2026_42.xml", dir);
	cr_assert_eq(sample_write(&s, path, &info, &err), 0, "%s", err.msg);
	check_golden(path, "sample-ormc.xml");
	cr_expect_eq(info.nb_bordereaux, 2);
	cr_expect_eq(info.nb_pieces, 4);
	cr_expect_eq(info.nb_lines, 5);
	cr_expect_eq(info.nb_debits, 4);
	cr_expect_eq(info.total, 4250 + 3100 + 1275 + 9900 + 1840);

	text = slurp(path, &n);
	cr_expect_eq(info.bytes, n);
	sha256_hex(text, n, hex);
	cr_expect_str_eq(info.sha256, hex);
	snprintf(side, sizeof(side), "%s.sha256", path);
	sc = slurp(side, NULL);
	snprintf(line, sizeof(line), "%s  PESORMC_21620413900017_2026_42.xml\n",
	    hex);
	cr_expect_str_eq(sc, line);
	cr_expect_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0640);

	cr_expect_eq(
	    sepa_pes_validate_file(path, SCHEMAS, &vi, &err), 0, "%s", err.msg);
	cr_expect_eq(vi.nb_pieces, 4);
	cr_expect_eq(vi.nb_debits, 4);
	cr_expect_eq(vi.total, info.total);
	free(text);
	free(sc);
	rmrf(dir);
}

Test(pes, writes_the_golden_titre_flow)
{
	char *dir = tmpdir();
	char path[512];
	sepa_error err = SEPA_ERROR_INIT;
	sepa_pes_info info;
	struct sample s;
	char *text;

	sample_titre(&s);
	snprintf(
	    path, sizeof(path), "%s/PESALR1_21620413900017_2026_7.xml", dir);
	cr_assert_eq(sample_write(&s, path, &info, &err), 0, "%s", err.msg);
	check_golden(path, "sample-titre.xml");
	cr_expect_eq(info.nb_debits, 0);
	text = slurp(path, NULL);
	cr_expect_not_null(strstr(text, "<TypFic V=\"PESALR1\"/>"));
	cr_expect_not_null(strstr(text, "<TypBord V=\"01\"/>"));
	cr_expect_not_null(strstr(text, "<TypPce V=\"01\"/>"));
	cr_expect_null(strstr(text, "NumDette"));
	cr_expect_null(strstr(text, "Cle1"));
	cr_expect_null(strstr(text, "<Objet"));
	cr_expect_null(strstr(text, "CpteBancaire"));
	cr_expect_eq(sepa_pes_validate_file(path, SCHEMAS, NULL, &err), 0, "%s",
	    err.msg);
	free(text);
	rmrf(dir);
}

/* What the ORMC flow says, element by element. */
Test(pes, content_of_the_ormc_flow)
{
	static const char *const fragments[] = {
	    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<n:PES_Aller "
	    "xmlns:n=\"http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/"
	    "aller\">\n  <Enveloppe>\n    <Parametres>\n      <Version "
	    "V=\"2\"/>\n      <TypFic V=\"PESORMC\"/>\n      <NomFic "
	    "V=\"f.xml\"/>",
	    "<IdColl V=\"21620413900017\"/>\n    <CodCol V=\"123\"/>\n    "
	    "<CodBud V=\"01\"/>",
	    "<IdVer V=\"2\"/>\n      <InfoDematerialisee V=\"0\"/>",
	    "<Exer V=\"2026\"/>\n        <IdBord V=\"42\"/>\n        "
	    "<DteBordEm V=\"2026-10-06\"/>\n        <TypBord V=\"06\"/>\n   "
	    "     <NbrPce V=\"3\"/>\n        <MtBordHt V=\"185.25\"/>\n      "
	    "  <DteAsp V=\"2026-10-08\"/>",
	    /* the worked example: NumDette 202600017, Per 0 -> 4 and X */
	    "<IdPce V=\"1\"/>\n          <TypPce V=\"15\"/>\n          "
	    "<NatPce V=\"01\"/>\n          <ObjPce V=\"Facture n\xB0 "
	    "17\"/>\n          <NumDette V=\"202600017\"/>\n          <Per "
	    "V=\"0\"/>\n          <Cle1 V=\"4\"/>\n          <Cle2 "
	    "V=\"X\"/>",
	    /* Per 3 -> 6 and... the piece 202600019 */
	    "<NumDette V=\"202600019\"/>\n          <Per V=\"3\"/>",
	    "<NatPrel V=\"01\"/>\n              <PerPrel V=\"07\"/>\n          "
	    "    <DtePrel V=\"2026-10-15\"/>\n              <MtPrel "
	    "V=\"42.50\"/>\n              <SequencePres V=\"03\"/>\n         "
	    "     <DateSignMandat V=\"2021-09-01\"/>\n              "
	    "<RefUniMdt V=\"RUM-HARNES-000017\"/>\n              <LibPrel "
	    "V=\"Facture 2026-09 no 17 - cantine + garderie\"/>",
	    "<SequencePres V=\"02\"/>",
	    "<AncienRUM V=\"RUM-ANCIEN-18\"/>\n              <AncienIBAN "
	    "V=\"FR7630006000019876543210173\"/>",
	    "<PerPrel V=\"02\"/>",
	    "<SequencePres V=\"04\"/>",
	    "<AncienICS V=\"FR46ZZZ005002\"/>\n              "
	    "<AncienTiersCreancier V=\"Regie municipale de Harnes\"/>\n     "
	    "         <AncienneBanque V=\"1\"/>\n              <TitCpteDiff "
	    "V=\"1\"/>",
	    "<RefTiers V=\"FAM-000017\"/>\n              <CatTiers "
	    "V=\"01\"/>\n              <NatJur V=\"01\"/>\n              "
	    "<TypTiers V=\"01\"/>\n              <Civilite V=\"Mme\"/>\n     "
	    "         <Nom V=\"Lef\xE8vre\"/>\n              <Prenom "
	    "V=\"\xC9lodie\"/>",
	    "<Nom V=\"Duboeuf\"/>\n              <ComplNom V=\"\xE9p. "
	    "M\xFCller\"/>\n              <Prenom V=\"No\xEBl\"/>",
	    "<Adr1 V=\"R\xE9sidence \xAB Les OEillets \xBB - b\xE2t. C\"/>",
	    "<CP V=\"99999\"/>\n              <Ville V=\"1000 Bruxelles\"/>\n "
	    "             <CodRes V=\"1\"/>\n              <CodPays "
	    "V=\"131\"/>",
	    "<BIC V=\"GKCCBEBB\"/>\n              <IBAN "
	    "V=\"BE68539007547034\"/>\n              <TitCpte V=\"St\xFA"
	    "dio Arcy &amp; Cie\"/>",
	    "<IBAN V=\"FR7630006000011234567890189\"/>\n              "
	    "<TitCpte V=\"\xC9lodie Lef\xE8vre\"/>",
	    "<Adr3 V=\"Lieu-dit 'Les Ormes'\"/>",
	    "<Nom V=\"Sliwinski\"/>",
	    "<ObjLignePce V=\"Garderie impay\xE9"
	    "e - juin 2025 : 23 h\"/>",
	    "\n</n:PES_Aller>\n",
	};
	char *dir = tmpdir();
	struct sample s;
	char *raw, *text;

	sample_init(&s);
	s.h.nom_fic = "f.xml";
	raw = sample_text(&s, dir, "x.xml", NULL);
	/* one space a level */
	cr_expect_not_null(strstr(raw, "\n <EnTetePES>\n  <DteStr "));
	text = flat(raw);
	for (size_t i = 0; i < NELEM(fragments); i++) {
		char *f = flat(fragments[i]);

		cr_expect_not_null(strstr(text, f), "fragment %zu missing", i);
		free(f);
	}
	/* the recovery piece has neither debit nor account */
	cr_expect_null(
	    strstr(strstr(text, "<IdBord V=\"43\"/>"), "InfoPrelevementSEPA"));
	cr_expect_null(
	    strstr(strstr(text, "<IdBord V=\"43\"/>"), "CpteBancaire"));
	free(text);
	free(raw);
	rmrf(dir);
}

/* ------------------------------------------------- writer refusals */

static void
m_nom_missing(struct sample *s)
{
	s->d[0].nom = NULL;
}
static void
m_nom_nc(struct sample *s)
{
	s->d[0].nom = "nc";
}
static void
m_prenom_dot(struct sample *s)
{
	s->d[0].prenom = " . ";
}
static void
m_civilite(struct sample *s)
{
	s->d[0].civilite = "Mademoiselle";
}
static void
m_cp(struct sample *s)
{
	s->d[0].cp = "6244";
}
static void
m_cod_pays(struct sample *s)
{
	s->d[2].cod_pays = "BE";
}
static void
m_iban(struct sample *s)
{
	s->d[0].iban = "FR7630006000011234567890188";
}
static void
m_bic_abroad(struct sample *s)
{
	s->d[2].bic = NULL;
}
static void
m_rum(struct sample *s)
{
	s->deb[0].rum = "RUM//17";
}
static void
m_rum_zeros(struct sample *s)
{
	s->deb[0].rum = "000";
}
static void
m_signed_late(struct sample *s)
{
	s->deb[0].signature_date = (sepa_date){2026, 10, 16};
}
static void
m_seq(struct sample *s)
{
	s->deb[0].seq = (enum sepa_seq)9;
}
static void
m_per_prel(struct sample *s)
{
	s->deb[0].per_prel = 8;
}
static void
m_old_iban_same(struct sample *s)
{
	s->deb[1].old_iban = s->d[1].iban;
}
static void
m_old_iban_other_bank(struct sample *s)
{
	s->deb[1].old_iban = "FR1420041010050500013M02606";
}
static void
m_old_rum_same(struct sample *s)
{
	s->deb[1].old_rum = s->deb[1].rum;
}
static void
m_old_ics(struct sample *s)
{
	s->deb[2].old_ics = "FR47ZZZ005002";
}
static void
m_id_pce_order(struct sample *s)
{
	s->p[1].id_pce = 1;
}
static void
m_num_dette(struct sample *s)
{
	s->p[0].num_dette = UINT64_C(10000000000000);
}
static void
m_per(struct sample *s)
{
	s->p[0].per = 10;
}
static void
m_no_lines(struct sample *s)
{
	s->p[0].nb_lines = 0;
}
static void
m_cod_prod(struct sample *s)
{
	s->lines[0].cod_prod_loc = "ABCDE";
}
static void
m_nature(struct sample *s)
{
	s->lines[0].nature = "58a";
}
static void
m_amount(struct sample *s)
{
	s->lines[0].amount = 0;
	sample_totals(s);
}
static void
m_nbr_pce(struct sample *s)
{
	s->b[0].nbr_pce = 4;
}
static void
m_mt_bord(struct sample *s)
{
	s->b[0].mt_bord_ht++;
}
static void
m_exer(struct sample *s)
{
	s->b[0].exer = 26;
}
static void
m_id_bord(struct sample *s)
{
	s->b[0].id_bord = 10000000;
}
static void
m_objet(struct sample *s)
{
	s->b[0].objet = NULL;
}
static void
m_dte_asp(struct sample *s)
{
	s->b[0].dte_asp = (sepa_date){2026, 10, 1};
}
static void
m_id_coll(struct sample *s)
{
	s->h.id_coll = "2162041390001";
}
static void
m_id_post(struct sample *s)
{
	s->h.id_post = "62008";
}
static void
m_cod_col(struct sample *s)
{
	s->h.cod_col = "12";
}
static void
m_cod_bud(struct sample *s)
{
	s->h.cod_bud = "1A";
}
static void
m_nom_fic(struct sample *s)
{
	s->h.nom_fic = "a b.xml";
}
static void
m_chinese_strict(struct sample *s)
{
	s->o.text_flags = SEPA_TEXT_STRICT;
	s->d[0].nom = "李";
}
static void
m_titre_debit(struct sample *s)
{
	sample_titre(s);
	s->p[0].debit = &s->deb[0];
}
static void
m_ref_tiers(struct sample *s)
{
	s->d[0].ref_tiers = "FAMILLE-00000000000000000000017";
}
static void
m_no_debtor(struct sample *s)
{
	s->p[0].debtor = NULL;
}
static void
m_label_zeros(struct sample *s)
{
	s->deb[0].label = "0000";
}

Test(pes, writer_refuses_and_leaves_no_file)
{
	static const struct {
		const char *what;
		void (*mutate)(struct sample *);
		int rc;
		const char *msg;
	} cases[] = {
	    {"Nom", m_nom_missing, SEPA_EINVAL,
	        "bordereau 42, piece 1: Nom is missing"},
	    {"nc", m_nom_nc, SEPA_EINVAL,
	        "Nom \"nc\": \"nc\" (not communicated) is refused"},
	    {"dot", m_prenom_dot, SEPA_EINVAL,
	        "Prenom \".\": a lone \".\" or space is refused"},
	    {"Civilite", m_civilite, SEPA_EINVAL,
	        "Civilite \"Mademoiselle\" is refused by Helios"},
	    {"CP", m_cp, SEPA_EINVAL, "CP \"6244\" is not 5 digits"},
	    {"CodPays", m_cod_pays, SEPA_EINVAL,
	        "CodPays \"BE\" is not a 3-digit INSEE country code"},
	    {"IBAN", m_iban, SEPA_EINVAL, "CpteBancaire/IBAN: IBAN FR76"},
	    {"BIC abroad", m_bic_abroad, SEPA_EINVAL,
	        "CpteBancaire/BIC is mandatory for an account outside France "
	        "(BE)"},
	    {"RUM", m_rum, SEPA_EINVAL, "RefUniMdt \"RUM//17\""},
	    {"RUM zeros", m_rum_zeros, SEPA_EINVAL,
	        "RefUniMdt \"000\": a value of zeros only is refused"},
	    {"signature", m_signed_late, SEPA_EINVAL,
	        "DateSignMandat 2026-10-16 is after DtePrel 2026-10-15"},
	    {"sequence", m_seq, SEPA_EINVAL,
	        "SequencePres: sequence type 9 is not OOFF, FRST, RCUR or "
	        "FNAL"},
	    {"PerPrel", m_per_prel, SEPA_EINVAL, "PerPrel 8 is not 1 to 7"},
	    {"old IBAN same", m_old_iban_same, SEPA_EINVAL,
	        "bordereau 42, piece 2: AncienIBAN is the same IBAN as "
	        "CpteBancaire/IBAN"},
	    {"old IBAN other bank", m_old_iban_other_bank, SEPA_EINVAL,
	        "AncienIBAN: the old IBAN is at another bank (FR20041, now "
	        "FR30006): a change of bank is AncienneBanque"},
	    {"old RUM", m_old_rum_same, SEPA_EINVAL,
	        "AncienRUM is the same as RefUniMdt RUM-HARNES-000018"},
	    {"old ICS", m_old_ics, SEPA_EINVAL, "AncienICS: "},
	    {"IdPce order", m_id_pce_order, SEPA_EINVAL,
	        "bordereau 42, piece 1: IdPce 1 does not follow 1"},
	    {"NumDette", m_num_dette, SEPA_EINVAL,
	        "NumDette 10000000000000 is not 1 to 13 digits"},
	    {"Per", m_per, SEPA_EINVAL, "Per 10 is not one digit"},
	    {"no lines", m_no_lines, SEPA_EINVAL,
	        "a piece has 1 to 999999 lines, not 0"},
	    {"CodProdLoc", m_cod_prod, SEPA_EINVAL,
	        "line 1: CodProdLoc \"ABCDE\" is not 1 to 4 letters"},
	    {"Nature", m_nature, SEPA_EINVAL,
	        "line 1: Nature \"58a\" is not 1 to 12 digits"},
	    {"amount", m_amount, SEPA_ERANGE,
	        "line 1: MtHT 0.00 is outside 0.01 .. 999999999.99"},
	    {"NbrPce", m_nbr_pce, SEPA_EINVAL,
	        "bordereau 42: NbrPce announced 4, written 3"},
	    {"MtBordHt", m_mt_bord, SEPA_EINVAL,
	        "bordereau 42: MtBordHt announced 185.26, written 185.25"},
	    {"Exer", m_exer, SEPA_EINVAL,
	        "bordereau 42: Exer 26 is not a year"},
	    {"IdBord", m_id_bord, SEPA_EINVAL,
	        "IdBord 10000000 is not 1 to 9999999"},
	    {"Objet", m_objet, SEPA_EINVAL, "bordereau 42: Objet is missing"},
	    {"DteAsp", m_dte_asp, SEPA_EINVAL,
	        "DteAsp 2026-10-01 is before DteBordEm 2026-10-06"},
	    {"IdColl", m_id_coll, SEPA_EINVAL,
	        "IdColl \"2162041390001\" is not a SIRET (14 digits)"},
	    {"IdPost", m_id_post, SEPA_EINVAL,
	        "IdPost \"62008\" is not a codique"},
	    {"CodCol", m_cod_col, SEPA_EINVAL, "CodCol \"12\" is not 3 digits"},
	    {"CodBud", m_cod_bud, SEPA_EINVAL, "CodBud \"1A\" is not"},
	    {"NomFic", m_nom_fic, SEPA_EINVAL, "NomFic \"a b.xml\" is not"},
	    {"Chinese", m_chinese_strict, SEPA_EINVAL,
	        "Nom: character 1 (U+674E) has no ISO-8859-1 "
	        "transliteration"},
	    {"titre with a debit", m_titre_debit, SEPA_EINVAL,
	        "bordereau 7, piece 1: an ordinary titre has no debit and no "
	        "NumDette"},
	    {"RefTiers", m_ref_tiers, SEPA_EINVAL,
	        "RefTiers \"FAMILLE-00000000000000000000017...\" is longer "
	        "than 30 characters"},
	    {"no debtor", m_no_debtor, SEPA_EINVAL, "no debtor (Tiers)"},
	    {"LibPrel zeros", m_label_zeros, SEPA_EINVAL,
	        "LibPrel \"0000\": a value of zeros only is refused"},
	};
	char *dir = tmpdir();
	char path[512], names[512];

	snprintf(path, sizeof(path), "%s/flow.xml", dir);
	for (size_t i = 0; i < NELEM(cases); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		struct sample s;
		int rc;

		sample_init(&s);
		cases[i].mutate(&s);
		rc = sample_write(&s, path, NULL, &err);
		cr_expect_eq(rc, cases[i].rc, "%s: rc %d (%s)", cases[i].what,
		    rc, err.msg);
		cr_expect_not_null(strstr(err.msg, cases[i].msg),
		    "%s: \"%s\" lacks \"%s\"", cases[i].what, err.msg,
		    cases[i].msg);
		cr_expect_eq(dir_list(dir, names, sizeof(names)), 0,
		    "%s: left %s", cases[i].what, names);
	}
	rmrf(dir);
}

/* Lenient mode: what ISO-8859-1 cannot say becomes a space, folded;
 * Cyrillic and Greek are spelt in Latin letters (sepa_text_translit). */
Test(pes, writer_reduces_text_leniently)
{
	char *dir = tmpdir();
	struct sample s;
	char *text;

	sample_init(&s);
	s.d[0].nom = "李 Lefèvre";
	s.d[0].prenom = "Zoé ☕";
	s.p[0].objet = "Cantine € 12,50 — “bio” œuf";
	s.d[1].nom = "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaéœ";
	text = sample_text(&s, dir, "x.xml", NULL);
	cr_expect_not_null(strstr(text, "<Nom V=\"Lef\xE8vre\"/>"));
	cr_expect_not_null(strstr(text, "<Prenom V=\"Zo\xE9\"/>"));
	cr_expect_not_null(
	    strstr(text, "<ObjPce V=\"Cantine EUR 12,50 - 'bio' oeuf\"/>"));
	/* 38 characters after reduction: é is one, œ would be two */
	cr_expect_not_null(strstr(
	    text, "<Nom V=\"Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xE9\"/>"));
	free(text);
	rmrf(dir);
}

/* A write that fails half-way leaves nothing behind. */
static ssize_t
disk_full(int fd, const void *buf, size_t len, void *arg)
{
	size_t *budget = arg;

	(void)fd;
	(void)buf;
	if (*budget < len) {
		errno = ENOSPC;
		return -1;
	}
	*budget -= len;
	return (ssize_t)len;
}

Test(pes, disk_full_leaves_no_file)
{
	char *dir = tmpdir();
	char path[512], names[512];
	sepa_error err = SEPA_ERROR_INIT;
	size_t budget = 4000;
	struct sample s;

	sample_init(&s);
	s.o.buffer_size = 1024;
	s.o.write_hook = disk_full;
	s.o.write_hook_arg = &budget;
	snprintf(path, sizeof(path), "%s/flow.xml", dir);
	cr_expect_eq(sample_write(&s, path, NULL, &err), SEPA_EIO);
	cr_expect_not_null(
	    strstr(err.msg, "No space left on device"), "%s", err.msg);
	cr_expect_eq(dir_list(dir, names, sizeof(names)), 0, "left %s", names);
	rmrf(dir);
}

Test(pes, state_errors)
{
	char *dir = tmpdir();
	char path[512];
	sepa_error err = SEPA_ERROR_INIT;
	sepa_pes_writer *w = NULL;
	struct sample s;

	sample_init(&s);
	snprintf(path, sizeof(path), "%s/flow.xml", dir);
	cr_assert_eq(sepa_pes_open(&w, path, &s.o, &s.h, &err), 0);
	cr_expect_eq(sepa_pes_add(w, &s.p[0], &err), SEPA_ESTATE);
	cr_expect_str_eq(err.msg, "a piece outside a bordereau");
	cr_expect_eq(sepa_pes_end_bordereau(w, &err), SEPA_ESTATE);
	cr_assert_eq(sepa_pes_begin_bordereau(w, &s.b[0], &err), 0);
	cr_expect_eq(sepa_pes_begin_bordereau(w, &s.b[1], &err), SEPA_ESTATE);
	cr_expect_str_eq(err.msg, "bordereau 42 is still open");
	cr_expect_eq(sepa_pes_close(w, NULL, &err), SEPA_ESTATE);
	cr_expect_eq(sepa_pes_close(NULL, NULL, &err), 0);
	sepa_pes_abort(NULL);
	s.o.validate = 1;
	s.o.schema_dir = NULL;
	cr_expect_eq(sepa_pes_open(&w, path, &s.o, &s.h, &err), SEPA_EINVAL);
	cr_expect_null(w);
	s.o.schema_dir = "/nonexistent";
	cr_expect_eq(sepa_pes_open(&w, path, &s.o, &s.h, &err), SEPA_EXML);
	cr_expect_not_null(strstr(err.msg, "could not open the schema"));
	rmrf(dir);
}

Test(pes, file_name)
{
	sepa_error err = SEPA_ERROR_INIT;
	char buf[64];

	cr_expect_eq(sepa_pes_file_name(
	                 buf, sizeof(buf), "21620413900017", 2026, 42, &err),
	    0);
	cr_expect_str_eq(buf, "PESORMC_21620413900017_2026_42.xml");
	cr_expect_eq(
	    sepa_pes_file_name(buf, 10, "21620413900017", 2026, 42, &err),
	    SEPA_ELIMIT);
	cr_expect_eq(
	    sepa_pes_file_name(buf, sizeof(buf), "216204139", 2026, 42, &err),
	    SEPA_EINVAL);
	cr_expect_eq(sepa_pes_file_name(
	                 buf, sizeof(buf), "21620413900017", 2026, 0, &err),
	    SEPA_EINVAL);
	cr_expect_eq(sepa_pes_file_name_of(buf, sizeof(buf), SEPA_PES_TITRE,
	                 "21620413900017", 2026, 7, &err),
	    0);
	cr_expect_str_eq(buf, "PESALR1_21620413900017_2026_7.xml");
}

Test(pes, xml_leaves_escape_attribute_values)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
	    {"a&b", "\n<N V=\"a&amp;b\"/>"},
	    {"<\"x\">", "\n<N V=\"&lt;&quot;x&quot;&gt;\"/>"},
	    {"l'\xE9t\xE9", "\n<N V=\"l'\xE9t\xE9\"/>"},
	    {"a\tb\nc\rd", "\n<N V=\"a&#9;b&#10;c&#13;d\"/>"},
	    {"", "\n<N V=\"\"/>"},
	};
	char hex[65];

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct xmlw x;
		char out[256] = "";

		cr_assert_eq(xmlw_init(&x, -1, 256, mem_write, out, NULL), 0);
		xmlw_leaf(&x, "N", "V", cases[i].in);
		cr_assert_eq(xmlw_finish(&x, hex, NULL), 0);
		cr_expect_str_eq(out, cases[i].out, "case %zu", i);
		xmlw_free(&x);
	}
	{
		struct xmlw x;
		char out[256] = "";
		sepa_error err = SEPA_ERROR_INIT;

		cr_assert_eq(xmlw_init(&x, -1, 256, mem_write, out, NULL), 0);
		xmlw_leaf_amount(&x, "M", "V", 123405);
		xmlw_leaf_date(&x, "D", "V", 2026, 2, 3);
		xmlw_leaf_long(&x, "L", "V", -7);
		cr_assert_eq(xmlw_finish(&x, hex, NULL), 0);
		cr_expect_str_eq(out,
		    "\n<M V=\"1234.05\"/>\n<D V=\"2026-02-03\"/>\n<L V=\"-7\"/>");
		xmlw_free(&x);
		cr_assert_eq(xmlw_init(&x, -1, 256, mem_write, out, NULL), 0);
		xmlw_leaf(&x, "N", "V", "a\001b");
		xmlw_leaf(&x, "N", "V", "later");
		cr_expect_eq(xmlw_finish(&x, hex, &err), SEPA_EINVAL);
		cr_expect_str_eq(
		    err.msg, "control character 0x01 cannot be written in XML");
		xmlw_free(&x);
	}
}

/* ------------------------------------------------ validator refusals */

/* text with the nth (from 1) occurrence of `from` replaced by `to`. */
static char *
replace_nth(const char *text, const char *from, const char *to, int nth)
{
	const char *p = text;
	char *out;
	size_t n;

	for (int i = 0; i < nth; i++) {
		p = strstr(i == 0 ? p : p + 1, from);
		cr_assert_not_null(
		    p, "\"%s\" (%d) not in the golden flow", from, nth);
	}
	n = strlen(text) - strlen(from) + strlen(to);
	out = malloc(n + 1);
	cr_assert_not_null(out);
	memcpy(out, text, (size_t)(p - text));
	strcpy(out + (p - text), to);
	strcat(out, p + strlen(from));
	return out;
}

/* The line (from 1) where `what` starts in text. */
static long
line_of(const char *text, const char *what)
{
	const char *p = strstr(text, what);
	long line = 1;

	cr_assert_not_null(p, "\"%s\" not found", what);
	for (const char *q = text; q < p; q++)
		line += *q == '\n';
	return line;
}

#define CPTE1 \
	"<CpteBancaire>\n<IBAN V=\"FR7630006000011234567890189\"/>\n" \
	"<TitCpte V=\"\xC9lodie Lef\xE8vre\"/>\n</CpteBancaire>\n"

Test(pes, validator_refuses_each_rule_with_its_element_and_line)
{
	static const struct {
		const char *from;
		const char *to;
		int nth;
		const char *msg;
		/* the error is on the line of this text of the bad flow */
		const char *at;
	} cases[] = {
	    {"<Cle1 V=\"4\"/>", "<Cle1 V=\"5\"/>", 1,
	        "piece 1: element Cle1 is \"5\", the key of NumDette 202600017 "
	        "is 4",
	        "</BlocPiece>"},
	    {"<Cle2 V=\"X\"/>", "<Cle2 V=\"Y\"/>", 1,
	        "piece 1: element Cle2 is \"Y\", the key of NumDette 202600017 "
	        "is X",
	        "</BlocPiece>"},
	    {"<Cle1 V=\"4\"/>\n          ", "", 1,
	        "piece 1: an ORMC piece has NumDette, Per, Cle1 and Cle2 "
	        "(element Cle1 is missing)",
	        NULL},
	    {"<NumDette V=\"202600017\"/>", "<NumDette V=\"20260000000017\"/>",
	        1,
	        "piece 1: keys: NumDette \"20260000000017\" is not 1 to 13 "
	        "digits",
	        NULL},
	    {"<NbrPce V=\"3\"/>", "<NbrPce V=\"4\"/>", 1,
	        "bordereau 42: NbrPce says 4, the bordereau holds 3",
	        "</Bordereau>"},
	    {"<MtBordHt V=\"185.25\"/>", "<MtBordHt V=\"185.35\"/>", 1,
	        "bordereau 42: MtBordHt says 185.35, the lines add up to "
	        "185.25",
	        "</Bordereau>"},
	    {"<MtPrel V=\"42.50\"/>", "<MtPrel V=\"42.40\"/>", 1,
	        "piece 1: element MtPrel differs from the line's MtHT",
	        "</InfoPrelevementSEPA>"},
	    {"<MtHT V=\"42.50\"/>", "<MtHT V=\"42.5\"/>", 1,
	        "element MtHT: \"42.5\" is not a positive amount written as "
	        "digits, a point and two decimals",
	        "<MtHT V=\"42.5\"/>"},
	    {CPTE1, "", 1,
	        "piece 1: a line with InfoPrelevementSEPA has a "
	        "Tiers/CpteBancaire with an IBAN",
	        "</LigneDePiece>"},
	    {"<IBAN V=\"FR7630006000011234567890189\"/>",
	        "<IBAN V=\"FR7630006000011234567890188\"/>", 1,
	        "element IBAN: IBAN FR76****0188: check digits do not match",
	        "<IBAN V=\"FR7630006000011234567890188\"/>"},
	    {"<DateSignMandat V=\"2021-09-01\"/>",
	        "<DateSignMandat V=\"2026-10-16\"/>", 1,
	        "piece 1: element DateSignMandat 2026-10-16 is after DtePrel "
	        "2026-10-15",
	        NULL},
	    {"<DteAsp V=\"2026-10-08\"/>", "<DteAsp V=\"2026-10-01\"/>", 1,
	        "element DteAsp: 2026-10-01 is before DteBordEm 2026-10-06",
	        "<DteAsp V=\"2026-10-01\"/>"},
	    {"encoding=\"ISO-8859-1\"", "encoding=\"UTF-8\"", 1,
	        "the flow declares encoding \"UTF-8\", not ISO-8859-1", NULL},
	    {"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n", "", 1,
	        "no XML declaration with encoding=\"ISO-8859-1\"", NULL},
	    {"<Nom V=\"Duboeuf\"/>", "<Nom V=\"Dub&#339;uf\"/>", 1,
	        "element Nom: character U+0153 is not in ISO-8859-1",
	        "<Nom V=\"Dub&#339;uf\"/>"},
	    {"<Nom V=\"D'Arcy\"/>",
	        "<Nom V=\"D\x92"
	        "Arcy\"/>",
	        1,
	        "element Nom: control character U+0092 (a Windows-1252 byte "
	        "in an ISO-8859-1 flow?)",
	        NULL},
	    {"<Nom V=\"Lef\xE8vre\"/>", "<Nom V=\"nc\"/>", 1,
	        "element Nom: \"nc\": \"nc\" (not communicated) is refused",
	        "<Nom V=\"nc\"/>"},
	    {"<Ville V=\"Harnes\"/>", "<Ville V=\".\"/>", 1,
	        "element Ville: \".\": a lone \".\" or space is refused", NULL},
	    {"<TypPce V=\"15\"/>", "<TypPce V=\"01\"/>", 1,
	        "piece 1: TypBord 06, TypPce 01, NatPce 01: an ORMC piece is "
	        "TypBord 06, TypPce 15, NatPce 01",
	        NULL},
	    {"<TypBord V=\"06\"/>", "<TypBord V=\"01\"/>", 1,
	        "bordereau 42: TypBord 01 in a PESORMC flow (06 expected)",
	        NULL},
	    {"<IdPce V=\"2\"/>", "<IdPce V=\"1\"/>", 1,
	        "element IdPce: piece 1 is already in bordereau 42",
	        "<IdPce V=\"1\"/>\n          <TypPce V=\"15\"/>\n          "
	        "<NatPce V=\"01\"/>\n          <NumDette"},
	    {"<IdPce V=\"2\"/>", "<IdPce V=\"+001\"/>", 1,
	        "element IdPce: piece +001 is already in bordereau 42", NULL},
	    {"<Civilite V=\"Mme\"/>", "<Civilite V=\"Mademoiselle\"/>", 1,
	        "element Civilite: \"Mademoiselle\" is refused by Helios",
	        NULL},
	    {"<Prenom V=\"\xC9lodie\"/>\n            ", "", 1,
	        "piece 1: a person (CatTiers 01) has a Civilite and a Prenom",
	        NULL},
	    {"<RefTiers V=\"FAM-000017\"/>",
	        "<IdTiers V=\"ABCD1234\"/>\n<RefTiers V=\"FAM-000017\"/>", 1,
	        "piece 1: IdTiers and NatIdTiers go together", NULL},
	    {"<CodRes V=\"0\"/>", "<CodRes V=\"1\"/>", 1,
	        "piece 1: a non-resident (CodRes 1) has a CodPays", NULL},
	    {"<AncienIBAN V=\"FR7630006000019876543210173\"/>",
	        "<AncienneBanque V=\"1\"/>\n<AncienIBAN "
	        "V=\"FR7630006000019876543210173\"/>",
	        1, "piece 2: AncienneBanque and AncienIBAN together", NULL},
	    {"<AncienIBAN V=\"FR7630006000019876543210173\"/>",
	        "<AncienIBAN V=\"FR7630006000011234567890189\"/>", 1,
	        "piece 2: element AncienIBAN is the account debited", NULL},
	    {"<AncienICS V=\"FR46ZZZ005002\"/>",
	        "<AncienICS V=\"FR47ZZZ005002\"/>", 1,
	        "element AncienICS: ", NULL},
	    {"<RefUniMdt V=\"RUM-HARNES-000017\"/>",
	        "<RefUniMdt V=\"RUM//17\"/>", 1,
	        "element RefUniMdt \"RUM//17\"", NULL},
	    {"<RefUniMdt V=\"RUM-HARNES-000018\"/>",
	        "<RefUniMdt V=\"RUM-HARNES-000099\"/>", 2,
	        "piece 2: InfoPrelevementSEPA differs from the piece's first "
	        "line (only MtPrel may)",
	        NULL},
	    {"<BIC V=\"GKCCBEBB\"/>\n              ", "", 1,
	        "piece 3: CpteBancaire: an account outside France has a BIC",
	        NULL},
	    {"<MtHT V=\"42.50\"/>", "<MtHT V=\"42.50\"/>\n<MtTVA V=\"1.00\"/>",
	        1, "element MtTVA: the bordereau has no MtBordTVA", NULL},
	    {"<ObjPce V=\"Facture n\xB0 17\"/>",
	        "<Edition V=\"01\"/>\n<ObjPce V=\"Facture n\xB0 17\"/>", 1,
	        "piece 1: element Edition: an ORMC piece takes 03 or 06, not "
	        "01",
	        NULL},
	    {"</Tiers>", "</Tiers>\n<Tiers/>", 1,
	        "Element 'Tiers': Missing child element(s)", NULL},
	    {"?>\n", "?>\n<!DOCTYPE n:PES_Aller [<!ENTITY e \"x\">]>\n", 1,
	        "DOCTYPE not allowed in PES files", NULL},
	    {"Rev0/aller\"", "Rev0/Aller\"", 1,
	        "the root is not a PES_Aller of "
	        "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller",
	        NULL},
	    {"<CodProdLoc V=\"REST\"/>\n              ", "", 1,
	        "Element 'Nature': This element is not expected", NULL},
	    {"<Ville V=\"Harnes\"/>", "<Ville V=\"Har&nbsp;nes\"/>", 1, "nbsp",
	        NULL},
	    {"<LibPrel V=\"Facture 2026-09 no 17 - cantine + garderie\"/>",
	        "<LibPrel V=\"Facture 2026-09 n\xB0 17 &amp; garderie\"/>", 1,
	        "element LibPrel: character '?' at column 18 is outside the "
	        "SEPA Latin set",
	        NULL},
	    {"<RefUniMdt V=\"RUM-HARNES-000017\"/>", "<RefUniMdt V=\"000\"/>",
	        1,
	        "element RefUniMdt: \"000\": a value of zeros only is refused",
	        NULL},
	    {"<BIC V=\"GKCCBEBB\"/>", "<BIC V=\"gkccbebb\"/>", 1,
	        "element BIC: gkccbebb is not in capitals without spaces",
	        NULL},
	    {"<BIC V=\"GKCCBEBB\"/>", "<BIC V=\"GKCC1EBB\"/>", 1,
	        "element BIC: ", NULL},
	    {"<IBAN V=\"BE68539007547034\"/>", "<IBAN V=\"be68539007547034\"/>",
	        1, "element IBAN: ", NULL},
	    {"<DteStr V=\"2026-10-06\"/>", "<DteStr V=\"2026-10-06Z\"/>", 1,
	        "element DteStr: 2026-10-06Z is not a date YYYY-MM-DD (without "
	        "time zone)",
	        NULL},
	    {"<Objet V=\"", "<Objet V=\"000\"/>\n<X V=\"", 1,
	        "element Objet: \"000\": a value of zeros only is refused",
	        NULL},
	    {"<PerPrel V=\"07\"/>", "<PerPrel V=\"08\"/>", 1,
	        "Element 'PerPrel', attribute 'V'", NULL},
	};
	char *dir = tmpdir();
	char path[512];
	char *raw = slurp(GOLDEN "/sample-ormc.xml", NULL);
	/* without indentation: the lines, and so the errors' lines, stay */
	char *golden = flat(raw);

	snprintf(path, sizeof(path), "%s/bad.xml", dir);
	for (size_t i = 0; i < NELEM(cases); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		char *from = flat(cases[i].from), *to = flat(cases[i].to);
		char *bad = replace_nth(golden, from, to, cases[i].nth);

		spit(path, bad);
		cr_expect_neq(sepa_pes_validate_file(path, SCHEMAS, NULL, &err),
		    0, "case %zu accepted", i);
		cr_expect_not_null(strstr(err.msg, cases[i].msg),
		    "case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].msg);
		cr_expect_str_eq(err.where, path, "case %zu", i);
		cr_expect_gt(err.line, 0, "case %zu: no line", i);
		if (cases[i].at != NULL) {
			char *at = flat(cases[i].at);

			cr_expect_eq(err.line, line_of(bad, at),
			    "case %zu: line %ld, not %ld", i, err.line,
			    line_of(bad, at));
			free(at);
		}
		free(bad);
		free(from);
		free(to);
	}
	free(golden);
	free(raw);
	rmrf(dir);
}

Test(pes, validator_refuses_a_cut_flow_and_a_pain008)
{
	char *dir = tmpdir();
	char path[512];
	sepa_error err = SEPA_ERROR_INIT;
	size_t n;
	char *golden = slurp(GOLDEN "/sample-ormc.xml", &n);

	snprintf(path, sizeof(path), "%s/cut.xml", dir);
	golden[n / 2] = '\0';
	spit(path, golden);
	cr_expect_eq(sepa_pes_validate_file(path, SCHEMAS, NULL, &err),
	    SEPA_EXML, "%s", err.msg);
	cr_expect_eq(sepa_pes_validate_file(SEPAD_SRCDIR
	                 "/tests/data/pain008/sample-001.08.xml",
	                 SCHEMAS, NULL, &err),
	    SEPA_EXML);
	cr_expect_not_null(strstr(err.msg, "the root is not a PES_Aller"));
	cr_expect_eq(sepa_pes_validate_file(path, "/nonexistent", NULL, &err),
	    SEPA_EXML);
	cr_expect_eq(
	    sepa_pes_validate_file("/nonexistent.xml", SCHEMAS, NULL, &err),
	    SEPA_EIO);
	spit(path, "");
	cr_expect_eq(
	    sepa_pes_validate_file(path, SCHEMAS, NULL, &err), SEPA_EXML);
	cr_expect_str_eq(err.msg, "empty file");
	free(golden);
	rmrf(dir);
}

/* ------------------------------------------------------------ reader */

#define MAX_REC 16

struct got {
	size_t n;
	sepa_pes_record r[MAX_REC];
	sepa_pes_ack a[MAX_REC];
	int stop_at; /* stop (return SEPA_EINVAL) at this record, -1 never */
};

static int
got_record(const sepa_pes_record *r, void *arg)
{
	struct got *g = arg;

	if ((int)g->n == g->stop_at)
		return SEPA_EINVAL;
	cr_assert_lt(g->n, MAX_REC);
	cr_expect_eq(r->index, g->n);
	g->r[g->n++] = *r;
	return 0;
}

static int
got_ack(const sepa_pes_ack *a, void *arg)
{
	struct got *g = arg;

	cr_assert_lt(g->n, MAX_REC);
	g->a[g->n++] = *a;
	return 0;
}

/* Read a file into g (stop_at -1). */
static int
read_path(
    const char *path, struct got *g, sepa_pes_read_info *info, sepa_error *err)
{
	memset(g, 0, sizeof(*g));
	g->stop_at = -1;
	return sepa_pes_read_file(
	    path, NULL, got_record, got_ack, g, info, err);
}

/* What the reader gives back is what the writer was given. */
Test(pes, reader_round_trip_of_the_golden_flow)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_pes_read_info info;
	struct got g;
	const sepa_pes_record *r;

	cr_assert_eq(read_path(GOLDEN "/sample-ormc.xml", &g, &info, &err), 0,
	    "%s", err.msg);
	cr_expect_eq(info.doc, SEPA_PES_DOC_ALLER);
	cr_expect_str_eq(info.encoding, "ISO-8859-1");
	cr_expect_str_eq(info.nom_fic, "PESORMC_21620413900017_2026_42.xml");
	cr_expect_str_eq(info.typ_fic, "PESORMC");
	cr_expect_str_eq(info.id_coll, "21620413900017");
	cr_expect_str_eq(info.cod_col, "123");
	cr_expect_str_eq(info.cod_bud, "01");
	cr_expect_str_eq(info.id_post, "062008");
	cr_expect_eq(sepa_date_cmp(info.dte_str, (sepa_date){2026, 10, 6}), 0);
	cr_expect_eq(info.bordereaux, 2);
	cr_expect_eq(info.records, 4);
	cr_assert_eq(g.n, 4);

	r = &g.r[0];
	cr_expect_str_eq(r->exer, "2026");
	cr_expect_str_eq(r->id_bord, "42");
	cr_expect_str_eq(r->typ_bord, "06");
	cr_expect_str_eq(r->id_pce, "1");
	cr_expect_str_eq(r->typ_pce, "15");
	cr_expect_str_eq(r->obj_pce, "Facture n° 17");
	cr_expect_str_eq(r->num_dette, "202600017");
	cr_expect_str_eq(r->cle1, "4");
	cr_expect_str_eq(r->cle2, "X");
	cr_expect_eq(r->keys_ok, 1);
	cr_expect_eq(r->nb_lines, 1);
	cr_expect_eq(r->amount, 4250);
	cr_expect_str_eq(r->ref_tiers, "FAM-000017");
	cr_expect_str_eq(r->civilite, "Mme");
	cr_expect_str_eq(r->nom, "Lefèvre");
	cr_expect_str_eq(r->prenom, "Élodie");
	cr_expect_str_eq(r->cp, "62440");
	cr_expect_str_eq(r->ville, "Harnes");
	cr_expect_eq(r->debit, 1);
	cr_expect_str_eq(r->sequence, "RCUR");
	cr_expect_str_eq(r->rum, "RUM-HARNES-000017");
	cr_expect_eq(sepa_date_cmp(r->due_date, (sepa_date){2026, 10, 15}), 0);
	cr_expect_eq(
	    sepa_date_cmp(r->signature_date, (sepa_date){2021, 9, 1}), 0);
	cr_expect_str_eq(
	    r->label, "Facture 2026-09 no 17 - cantine + garderie");
	cr_expect_str_eq(r->iban_masked, "FR76****0189");
	cr_expect_str_eq(r->bic, "");
	cr_expect_gt(r->line, 30);

	r = &g.r[1];
	cr_expect_eq(r->nb_lines, 2);
	cr_expect_eq(r->amount, 3100 + 1275);
	cr_expect_str_eq(r->sequence, "FRST");
	cr_expect_str_eq(r->nom, "Duboeuf");
	cr_expect_str_eq(r->old_rum, "RUM-ANCIEN-18");
	cr_expect_str_eq(r->old_iban_masked, "FR76****0173");
	cr_expect_str_eq(r->bic, "AGRIFRPP867");
	cr_expect_eq(r->keys_ok, 1);

	r = &g.r[2];
	cr_expect_str_eq(r->sequence, "FNAL");
	cr_expect_str_eq(r->per, "3");
	cr_expect_str_eq(r->old_ics, "FR46ZZZ005002");
	cr_expect_eq(r->old_bank, 1);
	cr_expect_str_eq(r->iban_masked, "BE68****7034");
	cr_expect_str_eq(r->nom, "D'Arcy");
	cr_expect_str_eq(r->cp, "99999");

	r = &g.r[3];
	cr_expect_str_eq(r->id_bord, "43");
	cr_expect_eq(r->debit, 0);
	cr_expect_str_eq(r->sequence, "");
	cr_expect_str_eq(r->iban_masked, "");
	cr_expect_eq(r->amount, 1840);
	cr_expect_eq(r->keys_ok, 1);
	cr_expect_str_eq(r->nom, "Sliwinski");
}

/* ISO-8859-1 text in UTF-8 (the caller frees). */
static char *
latin1_to_utf8(const char *s)
{
	char *out = malloc(2 * strlen(s) + 1), *p = out;

	cr_assert_not_null(out);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x80) {
			*p++ = (char)c;
		} else {
			*p++ = (char)(0xC0 | (c >> 6));
			*p++ = (char)(0x80 | (c & 0x3F));
		}
	}
	*p = '\0';
	return out;
}

/* A flow of another's: UTF-8, with a block the reader does not know. */
Test(pes, reader_reads_another_flow)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_pes_read_info info;
	struct got g;
	char *golden = slurp(GOLDEN "/sample-ormc.xml", NULL);
	char *a = replace_nth(
	    golden, "encoding=\"ISO-8859-1\"", "encoding=\"UTF-8\"", 1);
	char *b = latin1_to_utf8(a);
	char *c = replace_nth(b, "</PES_RecetteAller>",
	    "</PES_RecetteAller>\n<PES_PJ><PJ><Contenu><IdPce V=\"9\"/>"
	    "</Contenu></PJ></PES_PJ>",
	    1);

	memset(&g, 0, sizeof(g));
	g.stop_at = -1;
	cr_assert_eq(sepa_pes_read_mem(c, strlen(c), "other", NULL, got_record,
	                 NULL, &g, &info, &err),
	    0, "%s", err.msg);
	cr_expect_str_eq(info.encoding, "UTF-8");
	cr_expect_eq(g.n, 4);
	cr_expect_str_eq(g.r[0].nom, "Lefèvre");
	cr_expect_str_eq(g.r[0].prenom, "Élodie");
	cr_expect_str_eq(g.r[3].id_pce, "1");
	/* a callback that says stop stops the reading */
	memset(&g, 0, sizeof(g));
	g.stop_at = 1;
	cr_expect_eq(sepa_pes_read_mem(c, strlen(c), "other", NULL, got_record,
	                 NULL, &g, &info, &err),
	    SEPA_EINVAL);
	cr_expect_str_eq(
	    err.msg, "reading stopped by the record callback (-1) at record 1");
	free(a);
	free(b);
	free(c);
	free(golden);
}

Test(pes, reader_flags_a_wrong_key)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct got g;
	char *golden = slurp(GOLDEN "/sample-ormc.xml", NULL);
	char *bad =
	    replace_nth(golden, "<Cle1 V=\"2\"/>", "<Cle1 V=\"3\"/>", 1);

	memset(&g, 0, sizeof(g));
	g.stop_at = -1;
	cr_assert_eq(sepa_pes_read_mem(bad, strlen(bad), "bad", NULL,
	                 got_record, NULL, &g, NULL, &err),
	    0, "%s", err.msg);
	cr_expect_eq(g.r[0].keys_ok, 1);
	cr_expect_eq(g.r[1].keys_ok, 0);
	free(bad);
	free(golden);
}

Test(pes, reader_reads_an_acquit)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_pes_read_info info;
	struct got g;

	cr_assert_eq(read_path(GOLDEN "/acquit-sample.xml", &g, &info, &err), 0,
	    "%s", err.msg);
	cr_expect_eq(info.doc, SEPA_PES_DOC_ACQUIT);
	cr_expect_str_eq(info.nom_fic, "PESORMC_21620413900017_2026_42.xml");
	cr_expect_str_eq(info.id_coll, "21620413900017");
	cr_assert_eq(g.n, 5);
	cr_expect_eq(g.a[0].level, SEPA_PES_ACK_ELEMENT);
	cr_expect_eq(g.a[0].domaine, 7);
	cr_expect_eq(g.a[0].etat, 1);
	cr_expect_str_eq(g.a[0].num_bord, "42");
	cr_expect_str_eq(g.a[0].exer, "2026");
	cr_expect_str_eq(g.a[0].code, "");
	cr_expect_eq(g.a[1].level, SEPA_PES_ACK_ELEMENT);
	cr_expect_eq(g.a[1].etat, 0);
	cr_expect_str_eq(g.a[1].num_bord, "43");
	cr_expect_str_eq(g.a[1].code, "ERREUR_DOUBLON_BORDEREAU");
	cr_expect_str_eq(
	    g.a[1].label, "Le bordereau 43 de l'exercice 2026 a déjà été reçu");
	cr_expect_eq(g.a[2].level, SEPA_PES_ACK_PIECE);
	cr_expect_str_eq(g.a[2].num_piece, "1");
	cr_expect_str_eq(g.a[2].num_ligne, "");
	cr_expect_str_eq(g.a[2].code, "ERREUR_CUMUL_MONTANTS");
	cr_expect_eq(g.a[3].level, SEPA_PES_ACK_LINE);
	cr_expect_str_eq(g.a[3].num_piece, "1");
	cr_expect_str_eq(g.a[3].num_ligne, "1");
	cr_expect_str_eq(g.a[3].label, "Adresse incomplète");
	cr_expect_str_eq(g.a[3].num_bord, "43");
	cr_expect_eq(g.a[4].domaine, 4);
	cr_expect_str_eq(g.a[4].id_unique, "PJ-2026-0001");
	cr_expect_gt(g.a[3].line, g.a[2].line);
}

/* Untrusted input is refused as the bank-file reader refuses it. */
Test(pes, reader_refuses_hostile_input)
{
	static const struct {
		const char *doc;
		int rc;
		const char *msg;
	} cases[] = {
	    {"<?xml version=\"1.0\"?>\n<!DOCTYPE PES_Aller [<!ENTITY a "
	     "\"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n<PES_Aller><x "
	     "V=\"&b;\"/></PES_Aller>",
	        SEPA_EXML, "DOCTYPE not allowed in PES files"},
	    {"<!DOCTYPE PES_Aller SYSTEM \"http://example.com/x.dtd\">"
	     "<PES_Aller/>",
	        SEPA_EXML, "DOCTYPE not allowed in PES files"},
	    {"<PES_Aller><Enveloppe><Parametres><NomFic "
	     "V=\"&ext;\"/></Parametres></Enveloppe></PES_Aller>",
	        SEPA_EXML, "malformed XML: entity 'ext' not defined"},
	    {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.008.001.08\""
	     "/>",
	        SEPA_EINVAL,
	        "not a PES_Aller or PES_ACQUIT: root element "
	        "Document"},
	    {"<PES_Aller><Enveloppe>", SEPA_EXML,
	        "truncated file: the input ends before element PES_Aller "
	        "(line 1) is closed"},
	    {"", SEPA_EXML, "empty file"},
	    {"not xml", SEPA_EXML, "not an XML document"},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		sepa_error err = SEPA_ERROR_INIT;
		struct got g;

		memset(&g, 0, sizeof(g));
		g.stop_at = -1;
		cr_expect_eq(
		    sepa_pes_read_mem(cases[i].doc, strlen(cases[i].doc),
		        "hostile", NULL, got_record, got_ack, &g, NULL, &err),
		    cases[i].rc, "case %zu: %s", i, err.msg);
		cr_expect_not_null(strstr(err.msg, cases[i].msg),
		    "case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].msg);
		cr_expect_str_eq(err.where, "hostile");
	}
}

Test(pes, reader_limits)
{
	sepa_pes_read_opts o = SEPA_PES_READ_OPTS_INIT;
	sepa_error err = SEPA_ERROR_INIT;
	char deep[4096] = "<PES_Aller>";
	char *golden;
	size_t n;

	for (int i = 0; i < 70; i++)
		strcat(deep, "<a>");
	cr_expect_eq(sepa_pes_read_mem(deep, strlen(deep), "deep", NULL, NULL,
	                 NULL, NULL, NULL, &err),
	    SEPA_ELIMIT);
	cr_expect_not_null(strstr(err.msg, "elements nested deeper than 64"));

	golden = slurp(GOLDEN "/sample-ormc.xml", &n);
	o.max_bytes = 1000;
	cr_expect_eq(sepa_pes_read_mem(
	                 golden, n, "big", &o, NULL, NULL, NULL, NULL, &err),
	    SEPA_ELIMIT);
	cr_expect_str_eq(err.msg, "file larger than 1000 bytes");
	cr_expect_eq(sepa_pes_read_file(GOLDEN "/sample-ormc.xml", &o, NULL,
	                 NULL, NULL, NULL, &err),
	    SEPA_ELIMIT);
	o = (sepa_pes_read_opts)SEPA_PES_READ_OPTS_INIT;
	o.max_text = 40;
	cr_expect_eq(sepa_pes_read_mem(
	                 golden, n, "text", &o, NULL, NULL, NULL, NULL, &err),
	    SEPA_ELIMIT);
	cr_expect_str_eq(err.msg, "text longer than 40 bytes");
	o = (sepa_pes_read_opts)SEPA_PES_READ_OPTS_INIT;
	o.max_records = 2;
	cr_expect_eq(sepa_pes_read_mem(golden, n, "records", &o, NULL, NULL,
	                 NULL, NULL, &err),
	    SEPA_ELIMIT);
	cr_expect_str_eq(err.msg, "too many records: the limit is 2");
	cr_expect_eq(sepa_pes_read_file("/nonexistent.xml", NULL, NULL, NULL,
	                 NULL, NULL, &err),
	    SEPA_EIO);
	free(golden);
}

Test(pes, sniff)
{
	static const struct {
		const char *s;
		enum sepa_pes_doc doc;
	} cases[] = {
	    {"<?xml version=\"1.0\"?>\n<!-- x -->\n<n:PES_Aller xmlns:n=\"u\">",
	        SEPA_PES_DOC_ALLER},
	    {"<PES_Aller>", SEPA_PES_DOC_ALLER},
	    {"<?xml version=\"1.0\"?><PES_ACQUIT ", SEPA_PES_DOC_ACQUIT},
	    {"<r:PES_ACQUIT/>", SEPA_PES_DOC_ACQUIT},
	    {"<Document>", SEPA_PES_DOC_UNKNOWN},
	    {"<PES_Allerx>", SEPA_PES_DOC_UNKNOWN},
	    {"", SEPA_PES_DOC_UNKNOWN},
	    {"<", SEPA_PES_DOC_UNKNOWN},
	    {"<?xml", SEPA_PES_DOC_UNKNOWN},
	};

	for (size_t i = 0; i < NELEM(cases); i++)
		cr_expect_eq(sepa_pes_sniff(cases[i].s, strlen(cases[i].s)),
		    cases[i].doc, "case %zu", i);
}
