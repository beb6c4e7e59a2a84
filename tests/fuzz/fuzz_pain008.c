/*
 * fuzz_pain008.c - libFuzzer target for the pain.008 validator (XSD and
 * the SEPA rules in one streamed pass, sepa_pain008_validate_mem with the
 * schemas loaded once): any input is accepted with consistent totals or
 * refused with a message and a line, never a crash, a leak or a read out
 * of bounds. Seeds: tests/data/pain008 (sepad's own files), and
 * tests/data/bank/pain008 (other producers').
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sepa/pain008.h"
#include "fuzz.h"

#ifndef SEPAD_SRCDIR
#define SEPAD_SRCDIR "."
#endif

/* Loaded at the first input, kept for the process: the XSDs are large. */
static sepa_pain008_schemas *fuzz_schemas;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_pain008_info info;
	int rc;

	if (fuzz_schemas == NULL) {
		const char *dir = getenv("SEPAD_SCHEMA_DIR");

		if (sepa_pain008_schemas_load(&fuzz_schemas,
		        dir != NULL ? dir : SEPAD_SRCDIR "/schemas", &err) != 0)
			abort();
	}
	rc = sepa_pain008_validate_mem(
	    (const char *)data, size, "fuzz.xml", fuzz_schemas, &info, &err);
	if (rc == 0) {
		FUZZ_CHECK(info.nb_of_txs > 0 && info.nb_of_blocks > 0);
		FUZZ_CHECK(info.nb_of_blocks <= info.nb_of_txs);
		FUZZ_CHECK(info.ctrl_sum > 0);
		FUZZ_CHECK(info.bytes == size);
		FUZZ_CHECK(info.version == SEPA_PAIN008_V08 ||
		    info.version == SEPA_PAIN008_V02);
	} else {
		FUZZ_CHECK(rc < 0 && err.code == rc);
		FUZZ_CHECK(err.msg[0] != '\0');
	}
	return 0;
}
