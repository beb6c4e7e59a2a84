/*
 * fuzz_pes.c - libFuzzer target for the PES reader and validator: any
 * input must be read or refused with a message, never crash, leak or
 * write out of bounds; every record must be well formed; and a flow the
 * validator accepts must also be one the reader reads whole.
 *
 * The validator's schema (schemas/pes/) is parsed once, from
 * SEPAD_SCHEMA_DIR or else the source tree's schemas/.
 *
 *   make fuzz   (FUZZ_SEEDS_pes := tests/data/pes)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pes_internal.h"
#include "sepa/pes.h"
#include "xsdv.h"
#include "fuzz.h"

static int
fuzz_record(const sepa_pes_record *r, void *arg)
{
	size_t *count = arg;

	FUZZ_CHECK(r->index == *count);
	FUZZ_CHECK(r->line > 0);
	FUZZ_CHECK(r->keys_ok >= -1 && r->keys_ok <= 1);
	FUZZ_CHECK(r->amount >= -1);
	FUZZ_TERMINATED(r->id_pce);
	FUZZ_TERMINATED(r->obj_pce);
	FUZZ_TERMINATED(r->nom);
	FUZZ_TERMINATED(r->sequence);
	FUZZ_TERMINATED(r->rum);
	FUZZ_TERMINATED(r->label);
	FUZZ_TERMINATED(r->iban_masked);
	FUZZ_TERMINATED(r->old_iban_masked);
	(*count)++;
	return 0;
}

static int
fuzz_ack(const sepa_pes_ack *a, void *arg)
{
	size_t *count = arg;

	FUZZ_CHECK(a->index == *count);
	FUZZ_CHECK((unsigned)a->level <= SEPA_PES_ACK_LINE);
	FUZZ_CHECK(a->etat >= -1 && a->etat <= 1);
	FUZZ_TERMINATED(a->code);
	FUZZ_TERMINATED(a->label);
	FUZZ_TERMINATED(a->num_piece);
	(*count)++;
	return 0;
}

#ifndef SEPAD_SRCDIR
#define SEPAD_SRCDIR "."
#endif

/* Parsed at the first input, kept for the process. */
static struct xsdv_schema fuzz_xsd;

/* 1 when the validator accepts the input. */
static int
fuzz_validate(const uint8_t *data, size_t size)
{
	sepa_error err = SEPA_ERROR_INIT;
	sepa_pes_info info;
	struct pesv *v = NULL;
	int rc;

	if (fuzz_xsd.schema == NULL) {
		const char *dir = getenv("SEPAD_SCHEMA_DIR");
		char xsd[4096];

		snprintf(xsd, sizeof(xsd), "%s/%s",
		    dir != NULL ? dir : SEPAD_SRCDIR "/schemas", SEPA_PES_XSD);
		if (xsdv_schema_load(&fuzz_xsd, xsd, &err) != 0)
			abort();
	}
	if (pesv_open(&v, NULL, &fuzz_xsd, "fuzz", &err) != 0)
		abort();
	pesv_feed(v, (const char *)data, size);
	rc = pesv_finish(v, &info);
	if (rc != 0)
		FUZZ_CHECK(rc < 0 && err.msg[0] != '\0');
	else
		FUZZ_CHECK(info.nb_bordereaux > 0 && info.nb_pieces > 0 &&
		    info.bytes == size);
	pesv_free(v);
	return rc == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sepa_pes_read_opts opts = SEPA_PES_READ_OPTS_INIT;
	sepa_error err = SEPA_ERROR_INIT;
	sepa_pes_read_info info;
	size_t count = 0;
	int valid, rc;

	opts.max_bytes = 1 << 20;
	opts.max_text = 4096;
	opts.max_records = 10000;
	rc = sepa_pes_read_mem((const char *)data, size, "fuzz", &opts,
	    fuzz_record, fuzz_ack, &count, &info, &err);
	FUZZ_CHECK(info.records == count);
	if (rc != 0) {
		FUZZ_CHECK(rc < 0 && err.code == rc);
		FUZZ_CHECK(err.msg[0] != '\0');
	} else {
		FUZZ_CHECK(info.doc != SEPA_PES_DOC_UNKNOWN);
	}
	valid = fuzz_validate(data, size);
	if (valid)
		FUZZ_CHECK(rc == 0 && info.doc == SEPA_PES_DOC_ALLER);
	return 0;
}
