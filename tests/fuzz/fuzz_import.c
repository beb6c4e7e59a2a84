/*
 * fuzz_import.c - libFuzzer target for the row checks of the CSV imports
 * (daemon/import_row.c, the part of store_import.c that needs no
 * database), through the CSV reader as store_import.c drives it. The first
 * input byte picks the kind, the encoding and the business date; the rest
 * is the file. Besides the sanitizers it checks: a good row becomes one
 * line of COPY text with the kind's column count and no raw line break;
 * a bad row leaves at least one problem naming a column of the kind (or
 * the whole row); no problem shows a whole IBAN; counts add up.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "sepa/csv.h"
#include "sepa/date.h"
#include "sepa/iban.h"
#include "fuzz.h"
#include "import_row.h"
#include "store_import.h"

/* Nothing in the text changes when its IBANs are masked: there are none. */
static void
fuzz_no_iban(const char *s)
{
	char copy[512];

	snprintf(copy, sizeof(copy), "%s", s);
	sepa_iban_mask_text(copy);
	FUZZ_CHECK(strncmp(copy, s, sizeof(copy) - 1) == 0);
}

/* The COPY line of a good row: ncols + 2 fields, no raw line break. */
static void
fuzz_copy_line(const struct import_row_copy *c, size_t ncols)
{
	size_t tabs = 0;

	for (size_t i = 0; i < c->len; i++) {
		FUZZ_CHECK(c->buf[i] != '\n' && c->buf[i] != '\r' &&
		    c->buf[i] != '\0');
		tabs += c->buf[i] == '\t';
	}
	FUZZ_CHECK(tabs == ncols + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const sepa_date days[2] = {{2026, 10, 1}, {2025, 11, 20}};
	sepa_csv_opts opts = SEPA_CSV_OPTS_INIT;
	sepa_error err = SEPA_ERROR_INIT;
	sepa_csv_column cols[IMPORT_ROW_MAX_COLS];
	const struct import_row_kind *def;
	struct import_row_copy c = {NULL, 0, 0};
	struct import_result *res;
	struct fuzz_src src;
	enum import_kind kind;
	sepa_csv_row row;
	sepa_csv *r = NULL;
	int64_t good = 0;
	int rc;

	if (size < 1)
		return 0;
	kind = (enum import_kind)((data[0] & 7) % 5);
	def = import_row_kind(kind);
	FUZZ_CHECK(def != NULL && def->ncols <= IMPORT_ROW_MAX_COLS);
	src.p = data + 1;
	src.len = size - 1;
	src.pos = 0;
	src.chunk = 0;
	opts.encoding = (data[0] >> 3) & 1;
	opts.name = "fuzz.csv";
	if (sepa_csv_open(&r, fuzz_read, &src, &opts, &err) != 0)
		return 0;
	for (size_t k = 0; k < def->ncols; k++) {
		cols[k].name = def->cols[k].name;
		cols[k].required = def->cols[k].required;
		cols[k].index = -1;
	}
	if (sepa_csv_map(r, cols, def->ncols, &err) != 0) {
		sepa_csv_free(r);
		return 0;
	}
	res = calloc(1, sizeof(*res));
	FUZZ_CHECK(res != NULL);
	while ((rc = sepa_csv_next(r, &row, &err)) != 0) {
		int64_t before = res->issues_total;

		if (rc < 0) {
			if (sepa_csv_failed(r))
				break;
			continue;
		}
		c.len = 0;
		import_row_copy_field(&c, "1");
		import_row_copy_field(&c, "2");
		if (import_row_check(kind, &row, cols, days[(data[0] >> 4) & 1],
		        res, &c) == 0) {
			FUZZ_CHECK(res->issues_total == before);
			fuzz_copy_line(&c, def->ncols);
			good++;
		} else {
			FUZZ_CHECK(res->issues_total > before);
		}
	}
	FUZZ_CHECK(res->nissues <= IMPORT_MAX_ISSUES);
	FUZZ_CHECK((int64_t)res->nissues <= res->issues_total);
	for (size_t i = 0; i < res->nissues; i++) {
		const struct import_issue *is = &res->issues[i];
		int known = is->column[0] == '\0';

		for (size_t k = 0; k < def->ncols; k++)
			known |= strcmp(is->column, def->cols[k].name) == 0;
		FUZZ_CHECK(known);
		FUZZ_CHECK(is->reason[0] != '\0');
		FUZZ_CHECK(is->line > 0);
		fuzz_no_iban(is->value);
		fuzz_no_iban(is->reason);
		FUZZ_CHECK(strchr(is->value, '\n') == NULL &&
		    strchr(is->reason, '\n') == NULL);
	}
	(void)good;
	free(c.buf);
	free(res);
	sepa_csv_free(r);
	return 0;
}
