/*
 * fuzz_bankfile.c - libFuzzer target for the bank-file reader: any input
 * must be read or refused with a message, never crash, leak or write out
 * of bounds, and every record must be well formed.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ilib/include \
 *       $(pkg-config --cflags libxml-2.0) tests/fuzz/fuzz_bankfile.c \
 *       lib/bankfile.c lib/error.c $(pkg-config --libs libxml-2.0)
 *   ./a.out -dict=tests/fuzz/fuzz_bankfile.dict CORPUS tests/data/bank/pain002
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sepa/bankfile.h"
#include "fuzz.h"

static int
fuzz_record(const sepa_bankfile_record *r, void *arg)
{
	size_t *count = arg;

	FUZZ_CHECK(r->index == *count);
	FUZZ_CHECK((unsigned)r->kind < SEPA_BANKFILE_KIND_COUNT);
	FUZZ_CHECK((unsigned)r->level <= SEPA_BANKFILE_TRANSACTION);
	FUZZ_CHECK(r->line > 0);
	FUZZ_CHECK(!r->has_amount || r->amount >= 0);
	FUZZ_TERMINATED(r->status);
	FUZZ_TERMINATED(r->msg_id);
	FUZZ_TERMINATED(r->orig_msg_id);
	FUZZ_TERMINATED(r->pmt_inf_id);
	FUZZ_TERMINATED(r->instr_id);
	FUZZ_TERMINATED(r->end_to_end_id);
	FUZZ_TERMINATED(r->mandate_id);
	FUZZ_TERMINATED(r->acct_svcr_ref);
	FUZZ_TERMINATED(r->currency);
	FUZZ_TERMINATED(r->reason);
	FUZZ_TERMINATED(r->reason_info);
	FUZZ_TERMINATED(r->btc_proprietary);
	(*count)++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sepa_bankfile_opts opts = SEPA_BANKFILE_OPTS_INIT;
	sepa_error err = SEPA_ERROR_INIT;
	sepa_bankfile_info info;
	size_t count = 0;
	int rc;

	opts.max_bytes = 1 << 20;
	opts.max_text = 4096;
	opts.max_records = 10000;
	rc = sepa_bankfile_read_mem((const char *)data, size, "fuzz", &opts,
	    fuzz_record, &count, &info, &err);
	FUZZ_CHECK(info.records == count);
	if (rc == 0) {
		FUZZ_CHECK(info.type != SEPA_BANKFILE_UNKNOWN);
	} else {
		FUZZ_CHECK(rc < 0 && err.code == rc);
		FUZZ_CHECK(err.msg[0] != '\0');
	}
	return 0;
}
