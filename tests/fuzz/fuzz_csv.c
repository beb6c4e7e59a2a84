/*
 * fuzz_csv.c - libFuzzer target for the CSV reader. The first input byte
 * picks the read size, separator, encoding and record limit; the rest is
 * the file. Besides the sanitizers, it checks the promises of csv.h: rows
 * have the header's field count, fields are valid UTF-8 strings, line
 * numbers go forward, a failed reader stays failed, and every call ends.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "sepa/csv.h"
#include "fuzz.h"

/* 1 when s is well-formed UTF-8 (independent of lib/ on purpose). */
static int
fuzz_utf8_ok(const unsigned char *s)
{
	while (*s != '\0') {
		unsigned c = *s++, n, lo = 0x80, hi = 0xbf;

		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return 0;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		else if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		for (; n > 0; n--, s++) {
			if (*s < lo || *s > hi)
				return 0;
			lo = 0x80;
			hi = 0xbf;
		}
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[8] = {1, 2, 3, 5, 16, 64, 4096, 65536};
	static const char seps[4] = {0, ';', ',', '\t'};
	sepa_csv_opts opts = SEPA_CSV_OPTS_INIT;
	sepa_error err = SEPA_ERROR_INIT;
	sepa_csv_column cols[] = {{"a", 1, 0}, {"b", 0, 0}};
	struct fuzz_src src;
	sepa_csv_row row;
	sepa_csv *r = NULL;
	long last = 0;
	size_t calls = 0, i;
	int rc;

	if (size < 1)
		return 0;
	src.p = data + 1;
	src.len = size - 1;
	src.pos = 0;
	src.chunk = chunks[data[0] & 7];
	opts.separator = seps[(data[0] >> 3) & 3];
	opts.encoding = (data[0] >> 5) & 1;
	opts.max_record = (data[0] & 0x40) ? 64 : 0;
	opts.name = "fuzz.csv";

	rc = sepa_csv_open(&r, fuzz_read, &src, &opts, &err);
	if (rc < 0) {
		FUZZ_CHECK(r == NULL && rc == err.code && err.msg[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(sepa_csv_column_count(r) > 0);
	FUZZ_CHECK(sepa_csv_column_name(r, sepa_csv_column_count(r)) == NULL);
	(void)sepa_csv_map(r, cols, 2, &err);
	last = sepa_csv_header_line(r);
	while ((rc = sepa_csv_next(r, &row, &err)) != 0) {
		/* Every call eats at least one byte (a line end or more). */
		FUZZ_CHECK(++calls <= size + 1);
		if (rc < 0) {
			FUZZ_CHECK(rc == err.code && err.msg[0] != '\0');
			FUZZ_CHECK(err.line == 0 || err.line >= last);
			if (sepa_csv_failed(r)) {
				FUZZ_CHECK(sepa_csv_next(r, &row, &err) == rc);
				break;
			}
			continue;
		}
		FUZZ_CHECK(row.nfields == sepa_csv_column_count(r));
		FUZZ_CHECK(row.line > last && row.last_line >= row.line);
		last = row.last_line;
		for (i = 0; i < row.nfields; i++) {
			FUZZ_CHECK(row.fields[i] != NULL);
			FUZZ_CHECK(
			    fuzz_utf8_ok((const unsigned char *)row.fields[i]));
			FUZZ_CHECK(row.field_lines[i] >= row.line &&
			    row.field_lines[i] <= row.last_line);
		}
	}
	sepa_csv_free(r);
	return 0;
}
