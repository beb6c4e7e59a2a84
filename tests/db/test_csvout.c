/*
 * test_csvout.c - csvout.c: quoting, and the text fields a spreadsheet
 * would run as a formula written with a leading ', numbers left alone;
 * the CSV of French Excel (byte-order mark, ';', CRLF, the same rule for
 * formulas, numbers recognised by their shape) and the decimal comma.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The bytes of one field written by fn, the row's last field or not. */
static char *
one(void (*fn)(FILE *, const char *, bool), const char *s, bool last)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);

	cr_assert_not_null(fp);
	fn(fp, s, last);
	fclose(fp);
	return buf;
}

Test(csvout, text_fields_never_start_a_formula)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
	    {"Zoé Lefèvre", "Zoé Lefèvre\r\n"},
	    {"=HYPERLINK(\"http://x\",\"y\")",
	        "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n"},
	    {"=1+2", "'=1+2\r\n"},
	    {"+33 1 23 45 67 89", "'+33 1 23 45 67 89\r\n"},
	    {"-2+3", "'-2+3\r\n"},
	    {"@SUM(A1:A2)", "'@SUM(A1:A2)\r\n"},
	    {"\t=1", "'\t=1\r\n"},
	    {"\r=1", "\"'\r=1\"\r\n"},
	    /* inside a field a formula character is harmless */
	    {"a=b", "a=b\r\n"},
	    {"Martin, Jean", "\"Martin, Jean\"\r\n"},
	    {"", "\r\n"},
	    {NULL, "\r\n"},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		char *got = one(csvout_field, cases[i].in, true);

		cr_assert_str_eq(got, cases[i].out, "case %zu", i);
		free(got);
	}
}

Test(csvout, numbers_stay_numbers)
{
	static const char *const cases[] = {"-12.50", "12.50", "42", "-1"};

	for (size_t i = 0; i < NELEM(cases); i++) {
		char *got = one(csvout_number, cases[i], true), want[32];

		snprintf(want, sizeof(want), "%s\r\n", cases[i]);
		cr_assert_str_eq(got, want);
		free(got);
	}
}

Test(csvout, mail_merge_separator_and_line_end)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);

	cr_assert_not_null(fp);
	csvout_field_sep(fp, "=cmd|' /C calc'!A0", ';', "\n", false);
	csvout_number_sep(fp, "-7,50 €", ';', "\n", false);
	csvout_field_sep(fp, "place de l'Église; bât. B", ';', "\n", true);
	fclose(fp);
	cr_assert_str_eq(
	    buf, "'=cmd|' /C calc'!A0;-7,50 €;\"place de l'Église; bât. B\"\n");
	free(buf);
}

Test(csvout, french_excel_fields)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"Léo", "Léo;"},
	    {"", ";"},
	    {"a;b", "\"a;b\";"},
	    {"dit \"Tom\"", "\"dit \"\"Tom\"\"\";"},
	    {"deux\nlignes", "\"deux\nlignes\";"},
	    /* formulas stay text */
	    {"=1+2", "'=1+2;"},
	    {"+33 1 23", "'+33 1 23;"},
	    {"-x", "'-x;"},
	    {"@SUM(A1)", "'@SUM(A1);"},
	    {"\tcmd", "'\tcmd;"},
	    {"\rcmd", "\"'\rcmd\";"},
	    {"=HYPERLINK(\"x\";\"y\")",
	        "\"'=HYPERLINK(\"\"x\"\";\"\"y\"\")\";"},
	    /* numbers stay numbers */
	    {"-1,5", "-1,5;"},
	    {"-12", "-12;"},
	    {"18,25", "18,25;"},
	    {"-", "'-;"},
	    {"-1,", "'-1,;"},
	    {"-,5", "'-,5;"},
	    {"a=b", "a=b;"},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		char *buf = one(csvout_fr_field, cases[i].in, false);

		cr_expect_str_eq(buf, cases[i].out, "%s", cases[i].in);
		free(buf);
	}
}

Test(csvout, a_french_excel_file)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	csvout_fr_begin(fp);
	csvout_fr_field(fp, "Activité", false);
	csvout_fr_field(fp, "Heures", true);
	csvout_fr_field(fp, "Séjours", false);
	csvout_fr_field(fp, NULL, true);
	fclose(fp);
	cr_expect_str_eq(buf,
	    "\xEF\xBB\xBF"
	    "Activité;Heures\r\nSéjours;\r\n");
	free(buf);
}

Test(csvout, decimal_comma)
{
	static const struct {
		int64_t milli;
		const char *out;
	} cases[] = {
	    {0, "0"},
	    {1000, "1"},
	    {18250, "18,25"},
	    {1500, "1,5"},
	    {1005, "1,005"},
	    {1050, "1,05"},
	    {333, "0,333"},
	    {-500, "-0,5"},
	    {-12000, "-12"},
	    {123456789000, "123456789"},
	    {INT64_MIN, "-9223372036854775,808"},
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_str_eq(
		    csvout_fr_milli(buf, sizeof(buf), cases[i].milli),
		    cases[i].out, "%lld", (long long)cases[i].milli);
}
