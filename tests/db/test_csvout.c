/*
 * test_csvout.c - csvout.c: the CSV of French Excel (byte-order mark, ';',
 * CRLF, quoting, cells a spreadsheet would take for a formula written as
 * text, numbers left alone) and the decimal comma.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"

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

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);

		cr_assert_not_null(fp);
		csvout_fr_field(fp, cases[i].in, false);
		fclose(fp);
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
