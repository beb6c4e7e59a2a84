/*
 * test_csvout.c - csvout.c: quoting, and the text fields a spreadsheet
 * would run as a formula written with a leading ', numbers left alone.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "csvout.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The bytes of one field written by fn (text or number), last. */
static char *
one(void (*fn)(FILE *, const char *, bool), const char *s)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);

	cr_assert_not_null(fp);
	fn(fp, s, true);
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
		char *got = one(csvout_field, cases[i].in);

		cr_assert_str_eq(got, cases[i].out, "case %zu", i);
		free(got);
	}
}

Test(csvout, numbers_stay_numbers)
{
	static const char *const cases[] = {"-12.50", "12.50", "42", "-1"};

	for (size_t i = 0; i < NELEM(cases); i++) {
		char *got = one(csvout_number, cases[i]), want[32];

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
