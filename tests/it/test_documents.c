/*
 * test_documents.c - the families' PDF documents end to end: the avis
 * d'échéance written by `sepactl invoice run` and `sepactl notices pdf`
 * (one per family, the month's file for printing), checked with qpdf and
 * read back with pdftotext; the same bytes again; the logo.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../db/invoice_seed.h"
#include "ctlrun.h"
#include "sepa/error.h"
#include "db.h"

struct env {
	char name[64];
	char conf[64];
	char outbox[64];
	char conninfo[DBTEST_CONNINFO_MAX];
	struct db *db;
};

static void
env_open(struct env *e, const char *extra)
{
	sepa_error err = SEPA_ERROR_INIT;

	dbtest_create(e->conninfo, e->name, "sepad");
	cr_assert_eq(db_connect(&e->db, e->conninfo, &err), 0, "%s", err.msg);
	seed_commune(e->db);
	seed_september(e->db);
	snprintf(e->outbox, sizeof(e->outbox), "/tmp/docs-outbox-XXXXXX");
	cr_assert_not_null(mkdtemp(e->outbox));
	snprintf(e->conf, sizeof(e->conf), "%s/sepad.conf", e->outbox);
	ctlrun_commune_conf(e->conf, e->conninfo, e->outbox, extra);
}

static void
env_close(struct env *e)
{
	char cmd[256];

	db_close(e->db);
	dbtest_drop(e->name);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->outbox);
	cr_assert_eq(system(cmd), 0);
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	cr_assert(WIFEXITED(st), "%s", cmd);
	return WEXITSTATUS(st);
}

/* The text of a PDF (pdftotext, layout kept) into buf. */
static void
pdf_text(const char *pdf, char *buf, size_t size)
{
	char cmd[512];
	FILE *fp;
	size_t n;

	snprintf(cmd, sizeof(cmd), "pdftotext -layout -enc UTF-8 %s -", pdf);
	fp = popen(cmd, "r");
	cr_assert_not_null(fp, "%s", cmd);
	n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
	cr_assert_eq(pclose(fp), 0, "%s", cmd);
}

/* What a family and the finance officer must find on the notices. */
static const struct {
	const char *number;
	const char *text;
} np_expect[] = {
    {"F2026-09-000001", "AVIS D'ÉCHÉANCE"},
    {"F2026-09-000001", "Commune de Saint-Exemple"},
    {"F2026-09-000001", "Françoise Lefèvre"},
    {"F2026-09-000001", "3 rue des Écoles"},
    {"F2026-09-000001", "Hélène Lefèvre"},
    {"F2026-09-000001", "Restauration scolaire"}, /* the tariffs' label */
    {"F2026-09-000001", "GARDERIE_SOIR"}, /* no label: the code */
    {"F2026-09-000001", "consommations de septembre 2026"},
    {"F2026-09-000001", "1 215,80 €"}, /* 800 more hours at 1,50 */
    {"F2026-09-000001", "15/10/2026"},
    {"F2026-09-000001", "FR76****0189"},
    {"F2026-09-000001", "RUM-FAM1"},
    {"F2026-09-000001", "FR72ZZZ123456"},
    {"F2026-09-000001", "L. 1617-5"},
    {"F2026-09-000001", "délai de deux mois"},
    {"F2026-09-000001", "Service Restauration Scolaire"},
    {"F2026-09-000001", "Tél. 03 21 00 00 00"},
    {"F2026-09-000002", "Noël L'Hôte"},
    {"F2026-09-000002", "pas de mandat de prélèvement SEPA actif"},
    {"F2026-09-000002", "www.payfip.gouv.fr"},
    {"F2026-09-000002", "Enfant n° 49"},
    {"F2026-09-000002", "F2026-09-000002 (suite)"},
    {"F2026-09-000002", "Page 2 / 2"},
    {"F2026-09-000002", "Suite page suivante"},
};

Test(documents, pdf_notices)
{
	struct env e;
	struct ctlrun r;
	char args[512], path[256];
	static char text[65536];
	struct stat st;

	env_open(&e,
	    "documents: { department = \"Service Restauration Scolaire\";"
	    " phone = \"03 21 00 00 00\"; };\n");
	cr_assert_eq(dbtest_int(e.db,
	                 "WITH u AS (UPDATE services SET label = "
	                 "'Restauration scolaire' WHERE code = 'CANTINE' "
	                 "RETURNING 1) SELECT count(*) FROM u"),
	    1);
	seed_conso(e.db, "FAM1", "E1", "ALSH", "2026-09-21", "800000");
	/* FAM2: forty more children, a notice of two pages */
	cr_assert_eq(dbtest_int(e.db,
	                 "WITH c AS (INSERT INTO children (creditor_id, "
	                 "family_id, child_ref, name) SELECT f.creditor_id, "
	                 "f.id, 'K' || n, 'Enfant n° ' || n FROM families f, "
	                 "generate_series(10, 49) n WHERE f.family_ref = "
	                 "'FAM2' RETURNING 1) SELECT count(*) FROM c"),
	    40);
	for (int k = 10; k < 50; k++) {
		char ref[16];

		snprintf(ref, sizeof(ref), "K%d", k);
		seed_conso(e.db, "FAM2", ref, "CANTINE", "2026-09-22", "1000");
	}
	snprintf(args, sizeof(args),
	    "-c %s --today 2026-10-01 invoice run --month 2026-09", e.conf);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "PDF notices: 2 in ") != NULL, "%s", r.out);

	/* well-formed; FAM2 on two pages; the month's file has all three */
	cr_expect_eq(
	    sh("cd %s/notices/pdf && qpdf --check "
	       "2026-09/F2026-09-000001.pdf >/dev/null && qpdf --check "
	       "2026-09/F2026-09-000002.pdf >/dev/null && qpdf --check "
	       "notices-2026-09.pdf >/dev/null",
	        e.outbox),
	    0);
	cr_expect_eq(sh("pdfinfo %s/notices/pdf/notices-2026-09.pdf | grep -q "
	                "'^Pages: *3$' && pdfinfo %s/notices/pdf/2026-09/"
	                "F2026-09-000002.pdf | grep -q '^Pages: *2$'",
	                 e.outbox, e.outbox),
	    0);
	/* the fonts are in the files */
	cr_expect_eq(sh("pdffonts %s/notices/pdf/notices-2026-09.pdf | tail -n "
	                "+3 | grep -v ' yes yes yes ' | grep -q .",
	                 e.outbox),
	    1, "a font is not embedded");
	snprintf(path, sizeof(path),
	    "%s/notices/pdf/2026-09/F2026-09-000001.pdf", e.outbox);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0640, "%o", st.st_mode & 0777);
	for (size_t i = 0; i < sizeof(np_expect) / sizeof(np_expect[0]); i++) {
		snprintf(path, sizeof(path), "%s/notices/pdf/2026-09/%s.pdf",
		    e.outbox, np_expect[i].number);
		pdf_text(path, text, sizeof(text));
		cr_expect(strstr(text, np_expect[i].text) != NULL,
		    "%s: \"%s\" not in\n%s", np_expect[i].number,
		    np_expect[i].text, text);
	}

	/* written again: the same bytes */
	cr_assert_eq(
	    sh("cp -r %s/notices/pdf %s/before", e.outbox, e.outbox), 0);
	snprintf(
	    args, sizeof(args), "-c %s notices pdf --month 2026-09", e.conf);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_eq(sh("diff -r %s/notices/pdf %s/before", e.outbox, e.outbox),
	    0, "the PDF notices changed when written again");

	/* new bank details after the notice was written: its PDF still says
	 * what the notice said (migration 034) */
	cr_assert_eq(
	    dbtest_int(e.db,
	        "WITH a AS (INSERT INTO mandate_accounts (creditor_id, "
	        "mandate_id, iban, applies_from, received_on) SELECT "
	        "creditor_id, id, 'FR1420041010050500013M02606', "
	        "'2026-10-01', '2026-10-02' FROM mandates WHERE rum = "
	        "'RUM-FAM1' RETURNING 1) SELECT count(*) FROM a"),
	    1);
	snprintf(
	    args, sizeof(args), "-c %s notices pdf --month 2026-09", e.conf);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(path, sizeof(path),
	    "%s/notices/pdf/2026-09/F2026-09-000001.pdf", e.outbox);
	pdf_text(path, text, sizeof(text));
	cr_expect(strstr(text, "FR76****0189") != NULL &&
	        strstr(text, "FR14") == NULL,
	    "%s", text);

	/* a logo (a PNG made from the notice itself), then a missing one */
	cr_assert_eq(sh("pdftoppm -png -r 10 -singlefile "
	                "%s/before/notices-2026-09.pdf %s/logo",
	                 e.outbox, e.outbox),
	    0);
	snprintf(args, sizeof(args),
	    "-c %s notices pdf --month 2026-09 2>&1 && pdfimages -list "
	    "%s/notices/pdf/2026-09/F2026-09-000002.pdf | grep -q ' image '",
	    e.conf, e.outbox);
	ctlrun_commune_conf(e.conf, e.conninfo, e.outbox,
	    "documents: { logo = \"logo.png\"; };\n");
	ctlrun(&r, args);
	cr_expect_eq(r.status, 0, "the logo is not in the PDF: %s", r.err);
	cr_assert_eq(sh("rm %s/logo.png", e.outbox), 0);
	snprintf(
	    args, sizeof(args), "-c %s notices pdf --month 2026-09", e.conf);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 3);
	cr_expect(
	    strstr(r.err, "could not read the logo") != NULL, "%s", r.err);
	env_close(&e);
}

/*
 * A generated commune of 23 families (one of them with a notice of two
 * pages) drawn a chunk at a time (SEPAD_PDF_CHUNK): each family's file
 * and the month's file sound, the month's pages the sum of the families',
 * the same text as when the month is drawn in one chunk, the same bytes
 * again; a month without invoices gets a month's file of one empty page.
 */
Test(documents, pdf_chunks)
{
	static const char *const kinds[] = {
	    "families", "tariffs", "mandates", "consumption"};
	char conninfo[DBTEST_CONNINFO_MAX], name[64], dir[64], conf[96],
	    outbox[96], args[512];
	struct ctlrun r;
	FILE *fp;

	dbtest_create(conninfo, name, "sepad");
	snprintf(dir, sizeof(dir), "/tmp/docs-chunks-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/sepad.conf", dir);
	snprintf(outbox, sizeof(outbox), "%s/outbox", dir);
	ctlrun_commune_conf(conf, conninfo, outbox, "");
	snprintf(args, sizeof(args), "-c %s init", conf);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(sh("%s/build/gen-commune --families 23 --month 2026-09 "
	                "--seed 5 --out %s/in >/dev/null",
	                 SEPAD_SRCDIR, dir),
	    0);
	/* FAM0000004: forty more children, two pages */
	snprintf(args, sizeof(args), "%s/in/consumption.csv", dir);
	fp = fopen(args, "a");
	cr_assert_not_null(fp);
	for (int k = 10; k < 50; k++)
		fprintf(fp,
		    "FAM0000004;K%d;Enfant n° %d;CANTINE;2026-09-22;1;"
		    "2018-01-01\n",
		    k, k);
	fclose(fp);
	for (size_t k = 0; k < 4; k++) {
		snprintf(args, sizeof(args),
		    "-c %s --today 2026-10-01 import %s %s/in/%s.csv", conf,
		    kinds[k], dir, kinds[k]);
		ctlrun(&r, args);
		cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	}
	/* the whole month in one chunk, then in chunks of 2 */
	snprintf(args, sizeof(args),
	    "-c %s --today 2026-10-01 invoice run --month 2026-09", conf);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "PDF notices: 23 in ") != NULL, "%s", r.out);
	cr_assert_eq(sh("mv %s/notices/pdf %s/one", outbox, dir), 0);
	setenv("SEPAD_PDF_CHUNK", "2", 1);
	snprintf(args, sizeof(args), "-c %s notices pdf --month 2026-09", conf);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(sh("cd %s/notices/pdf && ls 2026-09 | wc -l | grep -qx 23 "
	                "&& for f in 2026-09/*.pdf notices-2026-09.pdf; do "
	                "qpdf --check $f >/dev/null || exit 1; done",
	                 outbox),
	    0, "a file is not sound");
	/* the month's pages: the families' (24, FAM0000004's two) */
	cr_expect_eq(sh("cd %s/notices/pdf && n=0 && for f in 2026-09/*.pdf; "
	                "do n=$((n + $(pdfinfo $f | awk '/^Pages:/ {print "
	                "$2}'))); done && test $n -eq 24 && pdfinfo "
	                "notices-2026-09.pdf | grep -q '^Pages: *24$'",
	                 outbox),
	    0, "the month's pages are not the families'");
	/* the same text as in one chunk, every font embedded */
	cr_expect_eq(sh("cd %s/notices/pdf && for f in notices-2026-09.pdf "
	                "2026-09/*.pdf; do pdftotext -layout $f %s/a.txt && "
	                "pdftotext -layout %s/one/$f %s/b.txt && cmp -s "
	                "%s/a.txt %s/b.txt || exit 1; done",
	                 outbox, dir, dir, dir, dir, dir),
	    0, "the text changed with the chunks");
	cr_expect_eq(sh("cd %s/notices/pdf && for f in notices-2026-09.pdf "
	                "2026-09/*.pdf; do pdffonts $f | tail -n +3 | grep -v "
	                "' yes yes yes ' | grep -q . && exit 1; done; exit 0",
	                 outbox),
	    0, "a font is not embedded");
	/* again: the same bytes */
	cr_assert_eq(sh("cp -r %s/notices/pdf %s/two", outbox, dir), 0);
	ctlrun(&r, args);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_eq(sh("diff -r %s/notices/pdf %s/two", outbox, dir), 0,
	    "the PDF notices changed when written again");
	/* no invoices: one empty page */
	snprintf(args, sizeof(args), "-c %s notices pdf --month 2026-08", conf);
	ctlrun(&r, args);
	unsetenv("SEPAD_PDF_CHUNK");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "PDF notices: 0 in ") != NULL, "%s", r.out);
	cr_expect_eq(sh("cd %s/notices/pdf && qpdf --check notices-2026-08.pdf "
	                ">/dev/null && pdfinfo notices-2026-08.pdf | grep -q "
	                "'^Pages: *1$' && test -z \"$(ls 2026-08)\"",
	                 outbox),
	    0, "the empty month's file");
	cr_expect_eq(sh("rm -rf %s", dir), 0);
	dbtest_drop(name);
}

Test(documents, usage)
{
	struct ctlrun r;

	ctlrun(&r, "notices");
	cr_expect_eq(r.status, 2);
	ctlrun(&r, "notices pdf");
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "needs --month") != NULL, "%s", r.err);
	ctlrun(&r, "notices pdf --month 2026-13");
	cr_expect_eq(r.status, 2);
}
