/*
 * test_csv.c - the streaming CSV reader. Most cases are a table of input
 * bytes and the transcript the reader must produce, run with several read
 * sizes so that every chunk boundary is crossed.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sepa/csv.h"

#define DATA "tests/data/csv/"

/* An in-memory source that hands out at most `chunk` bytes per read. */
struct mem_src {
	const char *p;
	size_t len;
	size_t pos;
	size_t chunk;
};

static ssize_t
mem_read(void *ctx, void *buf, size_t n)
{
	struct mem_src *m = ctx;
	size_t k = m->len - m->pos;

	if (k > n)
		k = n;
	if (k > m->chunk)
		k = m->chunk;
	memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	return (ssize_t)k;
}

static void append(char *out, size_t outsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
append(char *out, size_t outsz, const char *fmt, ...)
{
	size_t len = strlen(out);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out + len, outsz - len, fmt, ap);
	va_end(ap);
}

static void
append_field(char *out, size_t outsz, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			append(out, outsz, "\\n");
		else
			append(out, outsz, "%c", *s);
	}
}

/*
 * What the reader makes of `data`:
 *   open error:  "open E<line>:<col>: <msg>\n"
 *   header:      "H<line> <sep>: a|b|c\n"
 *   row:         "L<line>-<last>: f1|f2\n"   (newlines in fields as \n)
 *   row error:   "E<line>:<col>: <msg>\n"
 *   end:         "EOF blank=<n>\n", or "FAILED\n" once the reader stops
 */
static void
transcript(char *out, size_t outsz, const char *data, size_t len,
    const sepa_csv_opts *opts, size_t chunk)
{
	struct mem_src m = {data, len, 0, chunk};
	sepa_error err = SEPA_ERROR_INIT;
	sepa_csv_row row;
	sepa_csv *r = NULL;
	int rc, guard = 0;

	out[0] = '\0';
	rc = sepa_csv_open(&r, mem_read, &m, opts, &err);
	if (rc < 0) {
		cr_assert_null(r);
		cr_assert_eq(rc, err.code);
		append(out, outsz, "open E%ld:%ld: %s\n", err.line, err.column,
		    err.msg);
		return;
	}
	append(out, outsz, "H%ld %s:", sepa_csv_header_line(r),
	    sepa_csv_separator(r) == '\t'      ? "tab"
	        : sepa_csv_separator(r) == ';' ? ";"
	                                       : ",");
	for (size_t i = 0; i < sepa_csv_column_count(r); i++)
		append(out, outsz, "%s%s", i > 0 ? "|" : " ",
		    sepa_csv_column_name(r, i));
	append(out, outsz, "\n");
	while ((rc = sepa_csv_next(r, &row, &err)) != 0) {
		cr_assert_lt(++guard, 1000, "reader does not advance");
		if (rc < 0) {
			cr_assert_eq(rc, err.code);
			append(out, outsz, "E%ld:%ld: %s\n", err.line,
			    err.column, err.msg);
			if (sepa_csv_failed(r)) {
				sepa_error again = SEPA_ERROR_INIT;

				cr_assert_eq(
				    sepa_csv_next(r, &row, &again), rc);
				cr_assert_str_eq(again.msg, err.msg);
				append(out, outsz, "FAILED\n");
				sepa_csv_free(r);
				return;
			}
			continue;
		}
		append(out, outsz, "L%ld-%ld:", row.line, row.last_line);
		for (size_t i = 0; i < row.nfields; i++) {
			append(out, outsz, "%s", i > 0 ? "|" : " ");
			append_field(out, outsz, row.fields[i]);
		}
		append(out, outsz, "\n");
	}
	append(out, outsz, "EOF blank=%ld\n", sepa_csv_blank_lines(r));
	sepa_csv_free(r);
}

struct tcase {
	const char *name;
	const char *data;
	size_t len; /* 0: strlen(data) */
	char sep;
	int encoding;
	size_t max_record;
	const char *want;
};

#define S(x) x, sizeof(x) - 1

static const struct tcase cases[] = {
    {"semicolon crlf", S("a;b\r\n1;2\r\n3;4\r\n"), 0, 0, 0,
        "H1 ;: a|b\nL2-2: 1|2\nL3-3: 3|4\nEOF blank=0\n"},
    {"comma, no final newline", S("a,b\n1,2\n3,4"), 0, 0, 0,
        "H1 ,: a|b\nL2-2: 1|2\nL3-3: 3|4\nEOF blank=0\n"},
    {"tab", S("a\tb\n1\t2\n"), 0, 0, 0,
        "H1 tab: a|b\nL2-2: 1|2\nEOF blank=0\n"},
    {"lone cr", S("a;b\r1;2\r3;4"), 0, 0, 0,
        "H1 ;: a|b\nL2-2: 1|2\nL3-3: 3|4\nEOF blank=0\n"},
    {"utf-8 bom",
        S("\xef\xbb\xbf"
          "a;b\n1;\xc3\xa9\n"),
        0, 0, 0, "H1 ;: a|b\nL2-2: 1|\xc3\xa9\nEOF blank=0\n"},
    {"quoted separators and quotes",
        S("nom;adresse\n\"Dupont; Jean\";\"12 rue \"\"Haute\"\"\"\n"), 0, 0, 0,
        "H1 ;: nom|adresse\nL2-2: Dupont; Jean|12 rue \"Haute\"\nEOF blank=0\n"},
    {"newlines in quotes keep line numbers",
        S("a;b\r\n1;\"x\r\ny\nz\rw\"\r\n2;3\r\n\"\n\";4\n5;6\n"), 0, 0, 0,
        "H1 ;: a|b\nL2-5: 1|x\\ny\\nz\\nw\nL6-6: 2|3\nL7-8: \\n|4\n"
        "L9-9: 5|6\nEOF blank=0\n"},
    {"blank lines skipped and counted", S("a;b\n\n1;2\n   \n;\n\r\n3;4\n\n"), 0,
        0, 0, "H1 ;: a|b\nL3-3: 1|2\nL7-7: 3|4\nEOF blank=5\n"},
    {"blank lines before the header", S("\n\r\na;b\n1;2\n"), 0, 0, 0,
        "H3 ;: a|b\nL4-4: 1|2\nEOF blank=2\n"},
    {"excel trailing separators", S("a;b;;\n1;2;;\n3;4;\"\"\n5;6\n"), 0, 0, 0,
        "H1 ;: a|b\nL2-2: 1|2\nE3:0: expected 2 fields as in the header, found 3\n"
        "L4-4: 5|6\nEOF blank=0\n"},
    {"trimming", S(" a ; b \n  x  ;  \"  y \"  \n"), 0, 0, 0,
        "H1 ;: a|b\nL2-2: x|  y \nEOF blank=0\n"},
    {"tab separator is not trimmed", S("a\tb\n\t2\n"), 0, 0, 0,
        "H1 tab: a|b\nL2-2: |2\nEOF blank=0\n"},
    {"wrong field count continues", S("a;b;c\n1;2\n4;5;6\n7;8;9;10\n"), 0, 0, 0,
        "H1 ;: a|b|c\nE2:0: expected 3 fields as in the header, found 2\n"
        "L3-3: 4|5|6\nE4:0: expected 3 fields as in the header, found 4\n"
        "EOF blank=0\n"},
    {"character after closing quote", S("a;b\n\"x\"y;2\n3;4\n"), 0, 0, 0,
        "H1 ;: a|b\nE2:4: unexpected character 'y' after the closing quote\n"
        "L3-3: 3|4\nEOF blank=0\n"},
    {"byte after closing quote", S("a;b\n\"x\"\xc3\xa9;2\n"), 0, 0, 0,
        "H1 ;: a|b\nE2:4: unexpected byte 0xc3 after the closing quote\n"
        "EOF blank=0\n"},
    {"spaces after closing quote", S("a;b\n\"x\"  ;\"y\" \n"), 0, 0, 0,
        "H1 ;: a|b\nL2-2: x|y\nEOF blank=0\n"},
    {"quote inside an unquoted field is kept", S("a;b\n12\"x;2\n"), 0, 0, 0,
        "H1 ;: a|b\nL2-2: 12\"x|2\nEOF blank=0\n"},
    {"unterminated quote at eof", S("a;b\n1;\"abc\n2;3\n"), 0, 0, 0,
        "H1 ;: a|b\nE2:3: unterminated quoted field at end of file\nFAILED\n"},
    {"quoted empty and quoted last", S("a;b\n\"\";\"\"\n"), 0, 0, 0,
        "H1 ;: a|b\nL2-2: |\nEOF blank=0\n"},
    {"quoted header with separator", S("\"a;x\",b,c\n1,2,3\n"), 0, 0, 0,
        "H1 ,: a;x|b|c\nL2-2: 1|2|3\nEOF blank=0\n"},
    {"separator tie", S("a;b,c\n"), 0, 0, 0,
        "open E1:0: cannot detect the separator: the header line has as many ';' as ',' (1)\n"},
    {"no separator", S("abc\n1\n"), 0, 0, 0,
        "open E1:0: cannot detect the separator: the header line has no ';', ',' or tab outside quotes\n"},
    {"forced separator", S("abc\n1\n"), ';', 0, 0,
        "H1 ;: abc\nL2-2: 1\nEOF blank=0\n"},
    {"majority separator", S("a;b;c,d\n1;2;3,4\n"), 0, 0, 0,
        "H1 ;: a|b|c,d\nL2-2: 1|2|3,4\nEOF blank=0\n"},
    {"empty file", S(""), 0, 0, 0,
        "open E0:0: the file is empty: no header line\n"},
    {"only newlines", S("\n\r\n\r"), 0, 0, 0,
        "open E0:0: the file is empty: no header line\n"},
    {"only a bom", S("\xef\xbb\xbf"), 0, 0, 0,
        "open E0:0: the file is empty: no header line\n"},
    {"header only", S("a;b\r\n"), 0, 0, 0, "H1 ;: a|b\nEOF blank=0\n"},
    {"header of empty names", S("\"\";\" \"\n"), 0, 0, 0,
        "open E1:0: the header line has no column names\n"},
    {"utf-16 le bom",
        S("\xff\xfe"
          "a\0;\0b\0"),
        0, 0, 0,
        "open E1:1: the file is UTF-16 (byte order mark FF FE): export it as \"CSV UTF-8\" or \"CSV (separator)\"\n"},
    {"utf-16 be bom", S("\xfe\xff\0a\0;"), 0, 0, 0,
        "open E1:1: the file is UTF-16 (byte order mark FE FF): export it as \"CSV UTF-8\" or \"CSV (separator)\"\n"},
    {"invalid utf-8 continues", S("a;b\n1;caf\xe9\n2;3\n"), 0, 0, 0,
        "H1 ;: a|b\nE2:6: invalid UTF-8 byte 0xe9 at byte offset 9 (is the file Windows-1252?)\n"
        "L3-3: 2|3\nEOF blank=0\n"},
    {"invalid utf-8 in a multi-line field", S("a;b\n1;\"x\ny\xff\"\n2;3\n"), 0,
        0, 0,
        "H1 ;: a|b\nE3:2: invalid UTF-8 byte 0xff at byte offset 10 (is the file Windows-1252?)\n"
        "L4-4: 2|3\nEOF blank=0\n"},
    {"utf-8 cut by a newline", S("a;b\n1;\xc3\n2;3"), 0, 0, 0,
        "H1 ;: a|b\nE2:3: invalid UTF-8 byte 0xc3 at byte offset 6 (is the file Windows-1252?)\n"
        "L3-3: 2|3\nEOF blank=0\n"},
    {"utf-8 cut by end of file", S("a;b\n1;\xe2\x82"), 0, 0, 0,
        "H1 ;: a|b\nE2:3: invalid UTF-8 byte 0xe2 at byte offset 6 (is the file Windows-1252?)\n"
        "EOF blank=0\n"},
    {"utf-8 surrogate", S("a;b\n1;\xed\xa0\x80\n"), 0, 0, 0,
        "H1 ;: a|b\nE2:3: invalid UTF-8 byte 0xed at byte offset 6 (is the file Windows-1252?)\n"
        "EOF blank=0\n"},
    {"utf-8 overlong", S("a;b\n1;\xc0\xaf\n"), 0, 0, 0,
        "H1 ;: a|b\nE2:3: invalid UTF-8 byte 0xc0 at byte offset 6 (is the file Windows-1252?)\n"
        "EOF blank=0\n"},
    {"utf-8 four bytes", S("a;b\n1;\xf0\x9f\x98\x80\n"), 0, 0, 0,
        "H1 ;: a|b\nL2-2: 1|\xf0\x9f\x98\x80\nEOF blank=0\n"},
    {"utf-8 above u+10ffff", S("a;b\n1;\xf4\x90\x80\x80\n"), 0, 0, 0,
        "H1 ;: a|b\nE2:3: invalid UTF-8 byte 0xf4 at byte offset 6 (is the file Windows-1252?)\n"
        "EOF blank=0\n"},
    {"invalid utf-8 in the header", S("a;\xe9t\xe9\n"), 0, 0, 0,
        "open E1:3: invalid UTF-8 byte 0xe9 at byte offset 2 (is the file Windows-1252?)\n"},
    {"nul byte", S("a;b\n1;x\0y\n2;3\n"), 0, 0, 0,
        "H1 ;: a|b\nE2:4: NUL byte at byte offset 7 (is the file UTF-16?)\n"
        "L3-3: 2|3\nEOF blank=0\n"},
    {"windows-1252",
        S("nom;prix\n\xe9t\xe9 \x80;12,5\n\x9c"
          "uf;\x93x\x94\n"),
        0, SEPA_CSV_CP1252, 0,
        "H1 ;: nom|prix\nL2-2: \xc3\xa9t\xc3\xa9 \xe2\x82\xac|12,5\n"
        "L3-3: \xc5\x93uf|\xe2\x80\x9cx\xe2\x80\x9d\nEOF blank=0\n"},
    {"windows-1252 undefined byte", S("a;b\n1;x\x81\n2;3\n"), 0,
        SEPA_CSV_CP1252, 0,
        "H1 ;: a|b\nE2:4: byte 0x81 at byte offset 7 is not defined in Windows-1252\n"
        "L3-3: 2|3\nEOF blank=0\n"},
    {"windows-1252 with a utf-8 bom",
        S("\xef\xbb\xbf"
          "a;b\n"),
        0, SEPA_CSV_CP1252, 0,
        "open E1:1: the file starts with a UTF-8 byte order mark but the encoding is Windows-1252\n"},
    {"record too long stops", S("a;b\n1;2\n123456789;1\n3;4\n"), 0, 0, 8,
        "H1 ;: a|b\nL2-2: 1|2\nE3:0: record longer than 8 bytes\nFAILED\n"},
    {"record of exactly the limit", S("a;b\n1234567;\n"), 0, 0, 8,
        "H1 ;: a|b\nL2-2: 1234567|\nEOF blank=0\n"},
    {"open quote runs into the limit", S("a;b\n1;\"2\n3;4\n5;6\n"), 0, 0, 8,
        "H1 ;: a|b\nE2:0: record longer than 8 bytes (is the quote opened at line 2, column 3 closed?)\n"
        "FAILED\n"},
    {"header too long", S("abcdefghij;b\n"), 0, 0, 8,
        "open E1:0: record longer than 8 bytes\n"},
};

Test(csv, table)
{
	static const size_t chunks[] = {65536, 1, 2, 3, 7};
	char got[4096];

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct tcase *tc = &cases[c];
		sepa_csv_opts opts = SEPA_CSV_OPTS_INIT;

		opts.separator = tc->sep;
		opts.encoding = tc->encoding;
		opts.max_record = tc->max_record;
		for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]);
		     i++) {
			transcript(got, sizeof(got), tc->data, tc->len, &opts,
			    chunks[i]);
			cr_expect_str_eq(got, tc->want,
			    "case \"%s\" (reads of %zu bytes), got:\n%s",
			    tc->name, chunks[i], got);
		}
	}
}

static sepa_csv *
open_str(const char *data, struct mem_src *m)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_csv *r = NULL;

	m->p = data;
	m->len = strlen(data);
	m->pos = 0;
	m->chunk = 65536;
	cr_assert_eq(
	    sepa_csv_open(&r, mem_read, m, NULL, &err), 0, "%s", err.msg);
	return r;
}

Test(csv, map_finds_columns_case_insensitively)
{
	struct mem_src m;
	sepa_csv *r = open_str(" RUM ;Family_Ref;\"IBAN\";bic\n", &m);
	sepa_error err = SEPA_ERROR_INIT;
	sepa_csv_column cols[] = {{"iban", 1, 99}, {"rum", 1, 99},
	    {"bic", 0, 99}, {"signed_on", 0, 99}, {"family_ref", 1, 99}};

	cr_assert_eq(sepa_csv_map(r, cols, 5, &err), 0, "%s", err.msg);
	cr_assert_eq(cols[0].index, 2);
	cr_assert_eq(cols[1].index, 0);
	cr_assert_eq(cols[2].index, 3);
	cr_assert_eq(cols[3].index, -1);
	cr_assert_eq(cols[4].index, 1);
	cr_assert_str_eq(sepa_csv_column_name(r, 2), "IBAN");
	cr_assert_null(sepa_csv_column_name(r, 4));
	sepa_csv_free(r);
}

static const struct map_case {
	const char *header;
	const char *want;
} map_cases[] = {
    {"rum;family_ref;bic\n",
        "missing column \"iban\"; found: rum, family_ref, bic"},
    {"bic;x\n",
        "missing columns \"iban\", \"rum\", \"family_ref\"; found: bic, x"},
    {"rum;iban;;bic\n",
        "missing column \"family_ref\"; found: rum, iban, \"\", bic"},
    {"rum;iban;family_ref;IBAN\n",
        "column \"iban\" appears twice in the header (columns 2 and 4)"},
};

Test(csv, map_errors)
{
	for (size_t i = 0; i < sizeof(map_cases) / sizeof(map_cases[0]); i++) {
		struct mem_src m;
		sepa_csv *r = open_str(map_cases[i].header, &m);
		sepa_error err = SEPA_ERROR_INIT;
		sepa_csv_column cols[] = {
		    {"iban", 1, 0}, {"rum", 1, 0}, {"family_ref", 1, 0}};

		cr_expect_eq(sepa_csv_map(r, cols, 3, &err), SEPA_EINVAL);
		cr_expect_str_eq(err.msg, map_cases[i].want);
		cr_expect_eq(err.line, 1);
		sepa_csv_free(r);
	}
}

Test(csv, field_lines_after_multi_line_fields)
{
	struct mem_src m;
	sepa_csv *r = open_str("a;b;c\n\"x\ny\";\"z\n\nw\";v\nlast;1;2\n", &m);
	sepa_error err = SEPA_ERROR_INIT;
	sepa_csv_row row;

	cr_assert_eq(sepa_csv_next(r, &row, &err), 1, "%s", err.msg);
	cr_assert_eq(row.line, 2);
	cr_assert_eq(row.last_line, 5);
	cr_assert_eq(row.field_lines[0], 2);
	cr_assert_eq(row.field_lines[1], 3);
	cr_assert_eq(row.field_lines[2], 5);
	cr_assert_str_eq(row.fields[1], "z\n\nw");
	cr_assert_eq(sepa_csv_next(r, &row, &err), 1, "%s", err.msg);
	cr_assert_eq(row.line, 6);
	cr_assert_str_eq(row.fields[0], "last");
	cr_assert_eq(sepa_csv_next(r, &row, &err), 0);
	sepa_csv_free(r);
}

Test(csv, error_carries_file_name)
{
	static const char data[] = "a;b\n1\n";
	struct mem_src m = {data, sizeof(data) - 1, 0, 64};
	sepa_csv_opts opts = SEPA_CSV_OPTS_INIT;
	sepa_error err = SEPA_ERROR_INIT;
	char buf[1024];
	sepa_csv_row row;
	sepa_csv *r;

	opts.name = "mandates.csv";
	cr_assert_eq(sepa_csv_open(&r, mem_read, &m, &opts, &err), 0);
	cr_assert_eq(sepa_csv_next(r, &row, &err), SEPA_EINVAL);
	cr_assert_str_eq(sepa_error_format(&err, buf, sizeof(buf)),
	    "mandates.csv:2: expected 2 fields as in the header, found 1");
	/* The row is still handed out, for the report. */
	cr_assert_eq(row.nfields, 1);
	cr_assert_str_eq(row.fields[0], "1");
	sepa_csv_free(r);
}

Test(csv, bad_options)
{
	sepa_csv_opts opts = SEPA_CSV_OPTS_INIT;
	sepa_error err = SEPA_ERROR_INIT;
	struct mem_src m = {"a;b\n", 4, 0, 64};
	sepa_csv *r = (sepa_csv *)&m;

	opts.separator = '|';
	cr_assert_eq(sepa_csv_open(&r, mem_read, &m, &opts, &err), SEPA_EINVAL);
	cr_assert_null(r);
	cr_assert_str_eq(
	    err.msg, "separator must be ';', ',' or tab (or 0 to detect it)");
	opts.separator = 0;
	opts.encoding = 7;
	cr_assert_eq(sepa_csv_open(&r, mem_read, &m, &opts, &err), SEPA_EINVAL);
	cr_assert_str_eq(err.msg, "unknown encoding 7");
	opts.encoding = SEPA_CSV_UTF8;
	opts.max_record = SIZE_MAX;
	cr_assert_eq(sepa_csv_open(&r, mem_read, &m, &opts, &err), SEPA_EINVAL);
	cr_assert(strncmp(err.msg, "max_record ", 11) == 0, "%s", err.msg);
	sepa_csv_free(NULL);
}

static ssize_t
failing_read(void *ctx, void *buf, size_t n)
{
	(void)ctx;
	(void)buf;
	(void)n;
	errno = EIO;
	return -1;
}

Test(csv, read_error)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_csv *r;

	cr_assert_eq(
	    sepa_csv_open(&r, failing_read, NULL, NULL, &err), SEPA_EIO);
	cr_assert_eq(err.sys_errno, EIO);
	cr_assert_str_eq(err.msg, "could not read: Input/output error");
}

/* A file of `n` bytes: a header, then one record of n - 6 bytes. */
static char *
long_line(size_t n)
{
	char *p = malloc(n + 1);

	cr_assert_not_null(p);
	memcpy(p, "a;b\n1;", 6);
	memset(p + 6, 'x', n - 7);
	p[n - 1] = '\n';
	p[n] = '\0';
	return p;
}

Test(csv, one_megabyte_line)
{
	size_t n = 1024 * 1024;
	char *data = long_line(n);
	sepa_csv_opts opts = SEPA_CSV_OPTS_INIT;
	sepa_error err = SEPA_ERROR_INIT;
	struct mem_src m = {data, n, 0, 65536};
	sepa_csv_row row;
	sepa_csv *r;

	/* Default limit: refused with the line number. */
	cr_assert_eq(sepa_csv_open(&r, mem_read, &m, NULL, &err), 0);
	cr_assert_eq(sepa_csv_next(r, &row, &err), SEPA_ELIMIT);
	cr_assert_str_eq(sepa_error_format(&err, (char[128]){0}, 128),
	    "line 2: record longer than 65536 bytes");
	cr_assert(sepa_csv_failed(r));
	/* Memory stayed bounded: the reader stopped soon after the limit. */
	cr_assert_lt(m.pos, (size_t)4 * 65536);
	sepa_csv_free(r);

	/* A larger limit reads it. */
	m.pos = 0;
	opts.max_record = 2 * n;
	cr_assert_eq(sepa_csv_open(&r, mem_read, &m, &opts, &err), 0);
	cr_assert_eq(sepa_csv_next(r, &row, &err), 1, "%s", err.msg);
	cr_assert_eq(strlen(row.fields[1]), n - 7);
	cr_assert_eq(sepa_csv_next(r, &row, &err), 0);
	sepa_csv_free(r);
	free(data);
}

Test(csv, excel_fixture_from_fd)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_csv_column cols[] = {{"family_ref", 1, 0}, {"street", 1, 0},
	    {"email", 1, 0}, {"bracket", 1, 0}};
	sepa_csv_row row;
	sepa_csv *r;
	int fd = open(DATA "families_excel.csv", O_RDONLY);

	cr_assert_geq(fd, 0);
	cr_assert_eq(sepa_csv_open_fd(&r, fd, NULL, &err), 0, "%s", err.msg);
	cr_assert_eq(sepa_csv_separator(r), ';');
	cr_assert_eq(sepa_csv_column_count(r), 8);
	cr_assert_eq(sepa_csv_map(r, cols, 4, &err), 0, "%s", err.msg);

	cr_assert_eq(sepa_csv_next(r, &row, &err), 1, "%s", err.msg);
	cr_assert_eq(row.line, 2);
	cr_assert_str_eq(row.fields[cols[0].index], "F001");
	cr_assert_str_eq(row.fields[cols[1].index],
	    "12 rue des \xc3\x89"
	    "coles\nB\xc3\xa2timent B");

	cr_assert_eq(sepa_csv_next(r, &row, &err), 1, "%s", err.msg);
	cr_assert_eq(row.line, 4);
	cr_assert_str_eq(row.fields[1], "Martin; Sophie");
	cr_assert_str_eq(row.fields[2],
	    "3 all\xc3\xa9"
	    "e \"Les Pins\"");
	cr_assert_str_eq(row.fields[cols[2].index], "");

	/* ";;;;;;;" is an empty Excel row; "...;3;;" has trailing ";". */
	cr_assert_eq(sepa_csv_next(r, &row, &err), 1, "%s", err.msg);
	cr_assert_eq(row.line, 6);
	cr_assert_eq(row.nfields, 8);
	cr_assert_str_eq(row.fields[cols[3].index], "3");
	cr_assert_eq(sepa_csv_next(r, &row, &err), 0);
	cr_assert_eq(sepa_csv_blank_lines(r), 1);
	sepa_csv_free(r);
	close(fd);
}

static const struct fixture {
	const char *file;
	char sep;
	size_t ncols;
	size_t nrows;
	const char *last_field;
} fixtures[] = {
    {"consumption_comma.csv", ',', 6, 3, "1:30"},
    {"tariffs_tab.csv", '\t', 5, 2, "01/09/2026"},
    {"mandates.csv", ';', 5, 1, "15/06/2026"},
};

Test(csv, fixtures_from_stdio)
{
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		const struct fixture *f = &fixtures[i];
		char path[256];
		sepa_error err = SEPA_ERROR_INIT;
		sepa_csv_row row;
		sepa_csv *r;
		size_t rows = 0;
		const char *last = "";
		char lastbuf[64] = "";
		FILE *fp;
		int rc;

		snprintf(path, sizeof(path), DATA "%s", f->file);
		cr_assert_not_null(fp = fopen(path, "rb"), "%s", path);
		cr_assert_eq(
		    sepa_csv_open_file(&r, fp, NULL, &err), 0, "%s", err.msg);
		cr_expect_eq(sepa_csv_separator(r), f->sep, "%s", f->file);
		cr_expect_eq(sepa_csv_column_count(r), f->ncols, "%s", f->file);
		while ((rc = sepa_csv_next(r, &row, &err)) == 1) {
			rows++;
			snprintf(lastbuf, sizeof(lastbuf), "%s",
			    row.fields[row.nfields - 1]);
			last = lastbuf;
		}
		cr_expect_eq(rc, 0, "%s: %s", f->file, err.msg);
		cr_expect_eq(rows, f->nrows, "%s", f->file);
		cr_expect_str_eq(last, f->last_field, "%s", f->file);
		sepa_csv_free(r);
		fclose(fp);
	}
}
