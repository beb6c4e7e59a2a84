/*
 * test_csvout.c - csvout.c, the one writer of the CSV files for people:
 * quoting, text fields a spreadsheet would run as a formula written after
 * a ', numbers and dates never prefixed and shaped by the dialect (French
 * Excel by default: BOM, ';', CRLF, decimal comma, DD/MM/YYYY), and the
 * dialect read from the [export] group of a configuration.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "csvout.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A writer on memory, in dialect d, without BOM or headings. */
struct mem {
	char *buf;
	size_t len;
	FILE *fp;
	struct csvout w;
};

static void
mem_open(struct mem *m, const struct csvout_dialect *d)
{
	m->buf = NULL;
	m->len = 0;
	m->fp = open_memstream(&m->buf, &m->len);
	cr_assert_not_null(m->fp);
	csvout_attach(&m->w, m->fp, d);
}

/* The bytes written (the caller frees them). */
static char *
mem_close(struct mem *m)
{
	fclose(m->fp);
	return m->buf;
}

/* One text field then the end of the row, in French Excel. */
static char *
text_row(const char *s)
{
	struct mem m;

	mem_open(&m, &csvout_french_excel);
	csvout_text(&m.w, s);
	csvout_end(&m.w);
	return mem_close(&m);
}

Test(csvout, text_fields_never_start_a_formula)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
	    {"Zoé Lefèvre", "Zoé Lefèvre\r\n"},
	    {"=HYPERLINK(\"http://x\")",
	        "\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"},
	    {"=HYPERLINK(\"x\";\"y\")",
	        "\"'=HYPERLINK(\"\"x\"\";\"\"y\"\")\"\r\n"},
	    {"=1+2", "'=1+2\r\n"},
	    {"+33 1 23 45 67 89", "'+33 1 23 45 67 89\r\n"},
	    {"-2+3", "'-2+3\r\n"},
	    /* text that looks like a number is still text from outside */
	    {"-1,5", "'-1,5\r\n"},
	    {"@SUM(A1:A2)", "'@SUM(A1:A2)\r\n"},
	    {"\t=1", "'\t=1\r\n"},
	    {"\r=1", "\"'\r=1\"\r\n"},
	    /* inside a field a formula character is harmless */
	    {"a=b", "a=b\r\n"},
	    {"Martin, Jean", "Martin, Jean\r\n"},
	    {"a;b", "\"a;b\"\r\n"},
	    {"dit \"Tom\"", "\"dit \"\"Tom\"\"\"\r\n"},
	    {"deux\nlignes", "\"deux\nlignes\"\r\n"},
	    {"", "\r\n"},
	    {NULL, "\r\n"},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		char *got = text_row(cases[i].in);

		cr_expect_str_eq(got, cases[i].out, "case %zu", i);
		free(got);
	}
}

Test(csvout, numbers_and_dates_in_french_excel)
{
	struct mem m;
	char *got;

	mem_open(&m, &csvout_french_excel);
	csvout_cents(&m.w, 123456);
	csvout_cents(&m.w, -1250);
	csvout_cents(&m.w, 5);
	csvout_cents(&m.w, 0);
	csvout_milli(&m.w, 18250);
	csvout_milli(&m.w, 19000);
	csvout_milli(&m.w, -500);
	csvout_milli(&m.w, 1005);
	csvout_int(&m.w, -42);
	csvout_date(&m.w, (sepa_date){2026, 10, 5});
	csvout_date(&m.w, (sepa_date){0, 0, 0});
	csvout_date_iso(&m.w, "2026-12-31");
	csvout_date_iso(&m.w, "");
	csvout_date_iso(&m.w, "=1+2");
	csvout_month(&m.w, "2026-09");
	csvout_bool(&m.w, true);
	csvout_bool(&m.w, false);
	csvout_end(&m.w);
	got = mem_close(&m);
	cr_expect_str_eq(got,
	    "1234,56;-12,50;0,05;0,00;18,25;19;-0,5;1,005;-42;05/10/2026;;"
	    "31/12/2026;;'=1+2;septembre 2026;oui;non\r\n");
	free(got);
}

Test(csvout, extreme_amounts)
{
	struct mem m;
	char *got;

	mem_open(&m, &csvout_french_excel);
	csvout_cents(&m.w, INT64_MIN);
	csvout_milli(&m.w, INT64_MIN);
	csvout_end(&m.w);
	got = mem_close(&m);
	cr_expect_str_eq(
	    got, "-92233720368547758,08;-9223372036854775,808\r\n");
	free(got);
}

Test(csvout, a_file_with_its_headings)
{
	static const char *const head[] = {"Activité", "Montant (€)"};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct csvout w;

	cr_assert_not_null(fp);
	csvout_begin(&w, fp, &csvout_french_excel, head, NELEM(head));
	csvout_text(&w, "Séjours");
	csvout_cents(&w, 150);
	csvout_end(&w);
	fclose(fp);
	cr_expect_str_eq(buf,
	    "\xEF\xBB\xBF"
	    "Activité;Montant (€)\r\nSéjours;1,50\r\n");
	free(buf);
}

Test(csvout, another_dialect)
{
	static const struct csvout_dialect d = {
	    ',', '.', false, false, CSVOUT_DATE_ISO};
	static const char *const head[] = {"a", "b"};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct csvout w;

	cr_assert_not_null(fp);
	csvout_begin(&w, fp, &d, head, NELEM(head));
	csvout_text(&w, "Martin, Jean");
	csvout_cents(&w, -123456);
	csvout_date(&w, (sepa_date){2026, 10, 5});
	csvout_text(&w, "=x");
	csvout_end(&w);
	fclose(fp);
	cr_expect_str_eq(
	    buf, "a,b\n\"Martin, Jean\",-1234.56,2026-10-05,'=x\n");
	free(buf);
}

/* The dialect of a configuration file holding `text`. */
static int
load(const char *text, struct csvout_dialect *d, struct config_errors *errs)
{
	char path[] = "/tmp/csvout-conf-XXXXXX";
	struct sepad_config cfg;
	int fd = mkstemp(path), rc;
	FILE *fp;

	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	memset(errs, 0, sizeof(*errs));
	rc = config_load(&cfg, path, NULL, errs);
	if (rc == 0)
		*d = csvout_dialect_of(&cfg);
	config_free(&cfg);
	unlink(path);
	return rc;
}

Test(csvout, dialect_of_the_configuration)
{
	struct config_errors errs;
	struct csvout_dialect d;

	cr_assert_eq(load("", &d, &errs), 0);
	cr_expect_eq(d.sep, ';');
	cr_expect_eq(d.decimal, ',');
	cr_expect(d.bom);
	cr_expect(d.crlf);
	cr_expect_eq(d.dates, CSVOUT_DATE_FR);
	cr_assert_eq(load("export: { separator = \"tab\"; bom = false;"
	                  " line_end = \"lf\"; decimal_mark = \".\";"
	                  " date_format = \"YYYY-MM-DD\"; };\n",
	                 &d, &errs),
	    0, "%s", errs.list[0].msg);
	cr_expect_eq(d.sep, '\t');
	cr_expect_eq(d.decimal, '.');
	cr_expect_not(d.bom);
	cr_expect_not(d.crlf);
	cr_expect_eq(d.dates, CSVOUT_DATE_ISO);
}

Test(csvout, bad_export_keys_name_their_line)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
	    {"export: {\n separator = \"|\";\n};\n",
	        "key \"export.separator\""},
	    {"export: {\n\n date_format = \"MM/DD/YYYY\";\n};\n",
	        "key \"export.date_format\""},
	    {"export: {\n line_end = \"CR\";\n};\n", "key \"export.line_end\""},
	    {"export: {\n bom = \"yes\";\n};\n", "key \"export.bom\""},
	    {"export: {\n separator = \",\";\n};\n",
	        "\",\" is also export.decimal_mark"},
	    {"export: {\n colour = \"red\";\n};\n", "export.colour"},
	};
	static const long lines[] = {2, 3, 2, 2, 2, 2};

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct config_errors errs;
		struct csvout_dialect d;

		cr_expect_neq(load(cases[i].text, &d, &errs), 0, "%zu", i);
		cr_assert_geq(errs.count, 1, "%zu", i);
		cr_expect(strstr(errs.list[0].msg, cases[i].msg) != NULL,
		    "%zu: %s", i, errs.list[0].msg);
		cr_expect_eq(errs.list[0].line, lines[i], "%zu: line %ld", i,
		    errs.list[0].line);
	}
}
