/*
 * test_caf.c - `sepactl report caf` end to end: a hand-made commune whose
 * figures are known (a birthday in the middle of the year moves the later
 * hours to the next band, a day counts 10 hours, the days in the periods
 * of zone B), as text, CSV for French Excel and HTML; the hours invoiced
 * only once invoiced; the children without a birth date listed, then
 * completed by a children file; the refusals; and a generated year whose
 * declared hours add up to the hours on the invoices.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../db/dbtest.h"
#include "ctlrun.h"
#include "sepa/error.h"
#include "db_internal.h"

#define DATA SEPAD_SRCDIR "/tests/data/caf/"

struct caf {
	char name[64];
	char conninfo[DBTEST_CONNINFO_MAX];
	char dir[128]; /* configuration, inputs, outbox, outputs */
	char conf[160];
	struct db *db;
};

/* sepactl -c CONF --today DAY ARGS, whatever its status. */
static void
caf_run(struct caf *c, struct ctlrun *r, const char *day, const char *args)
{
	char all[1024];

	snprintf(all, sizeof(all), "-c %s --today %s %s", c->conf, day, args);
	ctlrun(r, all);
}

/* The same, which must succeed. */
static void
caf_ok(struct caf *c, struct ctlrun *r, const char *day, const char *args)
{
	caf_run(c, r, day, args);
	cr_assert_eq(r->status, 0, "sepactl %s: %s%s", args, r->out, r->err);
}

/* sepactl ... ARGS with stdout into DIR/out (larger than ctlrun's). */
static void
caf_to_file(struct caf *c, const char *day, const char *args)
{
	char cmd[2048];
	int st;

	snprintf(cmd, sizeof(cmd),
	    "env -u SEPAD_CONF -u SEPAD_TODAY %s -c %s --today %s %s "
	    ">%s/out 2>%s/err",
	    CTLRUN_SEPACTL, c->conf, day, args, c->dir, c->dir);
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", cmd);
}

/* The whole of file DIR/name (malloc'ed). */
static char *
caf_slurp(struct caf *c, const char *name)
{
	char path[256], *buf = NULL;
	size_t len = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", c->dir, name);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "%s", path);
	cr_assert_geq(getdelim(&buf, &len, '\0', fp), 0);
	fclose(fp);
	return buf;
}

static void
caf_open(struct caf *c, const char *extra)
{
	sepa_error err = SEPA_ERROR_INIT;
	char outbox[160];
	struct ctlrun r;

	dbtest_create(c->conninfo, c->name, "sepad");
	cr_assert_eq(db_connect(&c->db, c->conninfo, &err), 0, "%s", err.msg);
	snprintf(c->dir, sizeof(c->dir), "/tmp/sepad-caf-XXXXXX");
	cr_assert_not_null(mkdtemp(c->dir));
	snprintf(c->conf, sizeof(c->conf), "%s/sepad.conf", c->dir);
	snprintf(outbox, sizeof(outbox), "%s/outbox", c->dir);
	ctlrun_commune_conf(c->conf, c->conninfo, outbox, extra);
	caf_ok(c, &r, "2026-01-05", "init");
}

static void
caf_close(struct caf *c)
{
	char cmd[256];

	db_close(c->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
	cr_expect_eq(system(cmd), 0);
	dbtest_drop(c->name);
}

/* The hand-made commune of tests/data/caf, invoiced up to June. */
static void
caf_hand_made(struct caf *c)
{
	static const char *const kinds[] = {
	    "families", "tariffs", "consumption"};
	static const char *const runs[][2] = {{"2026-02", "2026-03-01"},
	    {"2026-03", "2026-04-01"}, {"2026-06", "2026-07-01"}};
	char args[512];
	struct ctlrun r;

	for (size_t k = 0; k < 3; k++) {
		snprintf(args, sizeof(args), "import %s " DATA "%s.csv",
		    kinds[k], kinds[k]);
		caf_ok(c, &r, "2026-08-01", args);
	}
	for (size_t i = 0; i < 3; i++) {
		snprintf(
		    args, sizeof(args), "invoice run --month %s", runs[i][0]);
		caf_ok(c, &r, runs[i][1], args);
	}
}

static int64_t
caf_int(struct caf *c, const char *sql)
{
	return dbtest_int(c->db, sql);
}

#define ROW(activity, month, from, to, period, band, rec, billed, n) \
	"2026;" activity ";" month ";" from ";" to ";" period ";" band ";" rec \
	";" billed ";" n "\r\n"

Test(caf_it, the_declaration_of_a_hand_made_commune)
{
	static struct ctlrun r;
	struct caf c;
	char *csv, *html, args[512];

	caf_open(&c, "");
	caf_hand_made(&c);

	/* July is not invoiced yet: its hours are réalisées only */
	caf_ok(&c, &r, "2026-08-01", "report caf --year 2026");
	cr_expect(strstr(r.out,
	              "Déclaration d'activité à la Caf, année 2026\n"
	              "Commune de Saint-Exemple ; zone de vacances scolaires "
	              "B (") == r.out,
	    "%s", r.out);
	cr_expect(strstr(r.out,
	              "\nContrôle : 9,00 heures facturées, 9,00 d'après les "
	              "factures : identiques.\nPas encore facturées : 6 lignes "
	              "de consommation de 2026 (comptées en heures réalisées "
	              "seulement).\n") != NULL,
	    "%s", r.out);

	caf_ok(&c, &r, "2026-08-01", "invoice run --month 2026-07");
	caf_ok(&c, &r, "2026-08-01", "report caf --year 2026");
	cr_expect_str_eq(r.err, "");
	/* Léo turns 6 on 15 June: 10 June is "moins de 6 ans", 17 June
	 * "6 ans et plus"; both are Wednesdays of school in zone B */
	cr_expect(strstr(r.out,
	              "\nAccueil de loisirs périscolaire (MERCREDI)\n"
	              "  période / tranche d'âge               réalisées    "
	              "facturées  enfants\n"
	              "  mercredis                                  5,50       "
	              "  6,00        1\n"
	              "    moins de 6 ans                           2,50       "
	              "  3,00        1\n"
	              "    6 ans et plus                            3,00       "
	              "  3,00        1\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out,
	              "\nEnfants sans date de naissance (tranche « âge "
	              "inconnu ») : 1\n  famille F001, enfant C2, Inès "
	              "Lefèvre : 6,00 h réalisées\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out,
	              "\nContrôle : 55,00 heures facturées, 55,00 d'après les "
	              "factures : identiques.\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "Pas encore facturées") == NULL, "%s", r.out);

	/* the CSV for French Excel, and the page */
	snprintf(args, sizeof(args),
	    "report caf --year 2026 --csv --html %s/x.html", c.dir);
	caf_to_file(&c, "2026-08-01", args);
	csv = caf_slurp(&c, "out");
	cr_expect(strncmp(csv,
	              "\xEF\xBB\xBF"
	              "Année;Activité;Mois;Du;Au;Période;Tranche d'âge;Heures "
	              "réalisées;Heures facturées;Enfants\r\n",
	              strlen("\xEF\xBB\xBF"
	                     "Année;Activité;Mois;Du;Au;Période;Tranche "
	                     "d'âge;Heures réalisées;Heures facturées;"
	                     "Enfants\r\n")) == 0,
	    "%.200s", csv);
	cr_expect(
	    strstr(csv,
	        ROW("Accueil de loisirs périscolaire", "juin 2026",
	            "01/06/2026", "30/06/2026", "mercredis", "moins de 6 ans",
	            "2,5", "3", "1") ROW("Accueil de loisirs périscolaire",
	            "juin 2026", "01/06/2026", "30/06/2026", "mercredis",
	            "6 ans et plus", "3", "3", "1")) != NULL,
	    "%s", csv);
	/* 1 journée = 10 heures: three days of a stay are 30 hours */
	cr_expect(
	    strstr(csv,
	        ROW("Séjours", "année 2026", "01/01/2026", "31/12/2026",
	            "toutes périodes", "tous âges", "30", "30", "1")) != NULL,
	    "%s", csv);
	cr_expect(strstr(csv,
	              ROW("Accueil de loisirs extrascolaire", "année 2026",
	                  "01/01/2026", "31/12/2026", "semaines scolaires",
	                  "6 ans et plus", "0,75", "1",
	                  "1") ROW("Accueil de loisirs extrascolaire",
	                  "année 2026", "01/01/2026", "31/12/2026",
	                  "semaines scolaires", "tous âges", "0,75", "1", "1")
	                  ROW("Accueil de loisirs extrascolaire", "année 2026",
	                      "01/01/2026", "31/12/2026", "vacances scolaires",
	                      "moins de 6 ans", "1,5", "2", "1")) != NULL,
	    "%s", csv);
	cr_expect(strstr(csv,
	              ROW("Toutes activités", "année 2026", "01/01/2026",
	                  "31/12/2026", "toutes périodes", "âge inconnu", "6",
	                  "6", "1") ROW("Toutes activités", "année 2026",
	                  "01/01/2026", "31/12/2026", "toutes périodes",
	                  "tous âges", "53,75", "55", "3")) != NULL,
	    "%s", csv);
	/* the last row, and nothing after it */
	cr_expect(strcmp(csv + strlen(csv) -
	                  strlen(ROW("Toutes activités", "année 2026",
	                      "01/01/2026", "31/12/2026", "toutes périodes",
	                      "tous âges", "53,75", "55", "3")),
	              ROW("Toutes activités", "année 2026", "01/01/2026",
	                  "31/12/2026", "toutes périodes", "tous âges", "53,75",
	                  "55", "3")) == 0,
	    "%s", csv);
	/* the invoices say the same: hours, and days at 10 hours */
	cr_expect_eq(caf_int(&c,
	                 "SELECT sum(CASE s.unit WHEN 'day' THEN 10 ELSE 1 END "
	                 "* l.quantity_milli) FROM invoice_lines l JOIN "
	                 "services s ON s.id = l.service_id WHERE "
	                 "s.caf_activity <> 'none'"),
	    55000);
	free(csv);
	csv = caf_slurp(&c, "err");
	cr_expect_str_eq(csv,
	    "sepactl: 1 child without a birth date is in \"âge inconnu\" (the "
	    "list: sepactl report caf --year 2026)\n");
	free(csv);
	html = caf_slurp(&c, "x.html");
	cr_expect(strstr(html, "<!DOCTYPE html>\n<html lang=\"fr\">") == html,
	    "%.100s", html);
	cr_expect(
	    strstr(html,
	        "<h1>Déclaration d'activité à la Caf — année 2026</h1>") !=
	        NULL,
	    "%s", html);
	cr_expect(strstr(html,
	              "<td class=\"t\">F001</td><td class=\"t\">C2</td>"
	              "<td class=\"t\">Inès Lefèvre</td><td>6,00</td>") != NULL,
	    "%s", html);
	cr_expect(strstr(html, "</body></html>\n") != NULL, "%s", html);
	free(html);

	/* the manager completes the birth dates: Inès is 4 in July */
	caf_ok(&c, &r, "2026-08-02", "import children " DATA "children.csv");
	cr_expect_str_eq(r.out,
	    "imported " DATA "children.csv as file #4: 3 rows, 1 new "
	    "children, 1 updated, 1 unchanged\n");
	caf_ok(&c, &r, "2026-08-02", "report caf --year 2026");
	cr_expect(strstr(r.out,
	              "\nEnfants sans date de naissance (tranche « âge "
	              "inconnu ») : 0\n") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "âge inconnu  ") == NULL, "%s", r.out);
	caf_to_file(&c, "2026-08-02", "report caf --year 2026 --csv");
	csv = caf_slurp(&c, "out");
	cr_expect(strstr(csv,
	              ROW("Toutes activités", "année 2026", "01/01/2026",
	                  "31/12/2026", "toutes périodes", "moins de 6 ans",
	                  "10", "11", "2")) != NULL,
	    "%s", csv);
	free(csv);
	caf_close(&c);
}

Test(caf_it, usage_and_refusals)
{
	static const struct {
		const char *args;
		int status;
		const char *err;
	} usage[] = {
	    {"report caf", 2, "sepactl: report caf needs --year YYYY\n"},
	    {"report caf --year 26", 2,
	        "sepactl: report caf: --year \"26\" is not a year YYYY\n"},
	    {"report caf --year 2026x", 2,
	        "sepactl: report caf: --year \"2026x\" is not a year YYYY\n"},
	    {"report caf --year 2026 --pdf", 2,
	        "sepactl: report caf: unexpected \"--pdf\""},
	    {"report", 2, "sepactl: report needs --month YYYY-MM, or caf"},
	};
	static struct ctlrun r;
	char path[256];
	struct caf c;
	FILE *fp;

	caf_open(&c, "");
	for (size_t i = 0; i < sizeof(usage) / sizeof(usage[0]); i++) {
		caf_run(&c, &r, "2026-08-01", usage[i].args);
		cr_expect_eq(
		    r.status, usage[i].status, "%s: %s", usage[i].args, r.err);
		cr_expect(strstr(r.err, usage[i].err) == r.err, "%s: %s",
		    usage[i].args, r.err);
	}
	/* attendance after the last school year of the calendar */
	caf_hand_made(&c);
	snprintf(path, sizeof(path), "%s/late.csv", c.dir);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	fputs("family_ref;child_ref;child_name;service;date;quantity\n"
	      "F001;C1;Léo Lefèvre;ALSH;2027-09-08;2\n",
	    fp);
	fclose(fp);
	snprintf(path, sizeof(path), "import consumption %s/late.csv", c.dir);
	caf_ok(&c, &r, "2027-10-01", path);
	caf_run(&c, &r, "2027-10-01", "report caf --year 2027");
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(
	    strstr(r.err,
	        "sepactl: could not make the CAF declaration of 2027; add "
	        "the school holidays of that school year to ") == r.err,
	    "%s", r.err);
	cr_expect(strstr(r.err,
	              "the school holiday calendar has no dates of zone B for "
	              "2027-09-08") != NULL,
	    "%s", r.err);
	cr_expect_str_eq(r.out, "");
	caf_close(&c);

	/* a calendar that cannot be read, a zone it does not have */
	caf_open(&c, "caf: { holidays = \"/nonexistent/cal.csv\"; };\n");
	caf_run(&c, &r, "2026-08-01", "report caf --year 2026");
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(strstr(r.err,
	              "sepactl: could not read the school holiday calendar "
	              "/nonexistent/cal.csv (caf.holidays): No such file or "
	              "directory\n") == r.err,
	    "%s", r.err);
	caf_close(&c);
	caf_open(&c, "caf: { holidays = \"" DATA "families.csv\"; };\n");
	caf_run(&c, &r, "2026-08-01", "report caf --year 2026");
	cr_expect_eq(r.status, 1, "%s", r.err);
	cr_expect(strstr(r.err, "missing column") != NULL, "%s", r.err);
	caf_close(&c);
}

/*
 * A year of a generated commune, month by month as the finance department
 * runs it: imported, invoiced on the 1st of the next month. The hours the
 * declaration counts as invoiced are the hours on the invoices, and the
 * hours realised those recorded, exactly; the months add up to the year.
 */
Test(caf_it, a_generated_year_adds_up_to_the_invoices)
{
	static const char *const kinds[] = {
	    "families", "tariffs", "mandates", "consumption"};
	static struct ctlrun r;
	char cmd[1024], args[512], month[8], next[16], *csv, *p;
	long long rec = -1, billed = -1, children = -1;
	long long mrec = 0, mbilled = 0;
	struct caf c;

	caf_open(&c, "");
	for (int m = 1; m <= 12; m++) {
		snprintf(month, sizeof(month), "2026-%02d", m);
		snprintf(next, sizeof(next), "%04d-%02d-01",
		    m == 12 ? 2027 : 2026, m == 12 ? 1 : m + 1);
		snprintf(cmd, sizeof(cmd),
		    "%s/build/gen-commune --families 30 --month %s --seed 11 "
		    "--out %s/in-%s 2>/dev/null",
		    SEPAD_SRCDIR, month, c.dir, month);
		cr_assert_eq(system(cmd), 0);
		for (size_t k = m == 1 ? 0 : 3; k < 4; k++) {
			snprintf(args, sizeof(args),
			    "import %s %s/in-%s/%s.csv", kinds[k], c.dir, month,
			    kinds[k]);
			caf_ok(&c, &r, next, args);
		}
		snprintf(args, sizeof(args), "invoice run --month %s", month);
		caf_ok(&c, &r, next, args);
	}
	/* whole days were billed, in the summer and on Wednesdays */
	cr_assert_gt(caf_int(&c,
	                 "SELECT count(*) FROM invoice_lines l JOIN services s "
	                 "ON s.id = l.service_id WHERE s.unit = 'day'"),
	    12);
	caf_to_file(&c, "2027-01-04", "report caf --year 2026 --csv");
	csv = caf_slurp(&c, "out");
	p = strstr(csv,
	    "\r\n2026;Toutes activités;année 2026;01/01/2026;"
	    "31/12/2026;toutes périodes;tous âges;");
	cr_assert_not_null(p, "%s", csv);
	p = strstr(p, "tous âges;") + strlen("tous âges;");
	{
		/* hours with a decimal comma, in thousandths */
		char a[32], b[32];
		long long n;

		cr_assert_eq(sscanf(p, "%31[^;];%31[^;];%lld", a, b, &n), 3);
		for (char *q = a; *q; q++)
			if (*q == ',')
				*q = '.';
		for (char *q = b; *q; q++)
			if (*q == ',')
				*q = '.';
		rec = (long long)(strtod(a, NULL) * 1000 + 0.5);
		billed = (long long)(strtod(b, NULL) * 1000 + 0.5);
		children = n;
	}
	cr_expect_eq(billed,
	    caf_int(&c,
	        "SELECT sum(CASE s.unit WHEN 'day' THEN 10 ELSE 1 END * "
	        "l.quantity_milli) FROM invoice_lines l JOIN services s ON "
	        "s.id = l.service_id WHERE s.caf_activity <> 'none' AND "
	        "l.consumed_month BETWEEN '2026-01-01' AND '2026-12-01'"),
	    "%s", csv);
	cr_expect_eq(rec,
	    caf_int(&c,
	        "SELECT sum(CASE s.unit WHEN 'day' THEN 10 ELSE 1 END * "
	        "c.quantity_milli) FROM consumption_lines c JOIN services s "
	        "ON s.id = c.service_id WHERE s.caf_activity <> 'none'"));
	cr_expect_eq(children,
	    caf_int(&c,
	        "SELECT count(DISTINCT c.child_id) FROM consumption_lines c "
	        "JOIN services s ON s.id = c.service_id WHERE "
	        "s.caf_activity <> 'none'"));
	cr_expect_gt(billed, rec, "rounded up per day");
	/* the months add up to the year */
	for (p = csv; (p = strstr(p, "\r\n2026;Toutes activités;")) != NULL;
	     p += 2) {
		char mo[64], a[32], b[32];

		if (sscanf(p + 2,
		        "2026;Toutes activités;%63[^;];%*[^;];%*[^;];toutes "
		        "périodes;tous âges;%31[^;];%31[^;];",
		        mo, a, b) != 3 ||
		    strncmp(mo, "année", strlen("année")) == 0)
			continue;
		for (char *q = a; *q; q++)
			*q = *q == ',' ? '.' : *q;
		for (char *q = b; *q; q++)
			*q = *q == ',' ? '.' : *q;
		mrec += (long long)(strtod(a, NULL) * 1000 + 0.5);
		mbilled += (long long)(strtod(b, NULL) * 1000 + 0.5);
	}
	cr_expect_eq(mrec, rec);
	cr_expect_eq(mbilled, billed);
	free(csv);
	caf_close(&c);
}
