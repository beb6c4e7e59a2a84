/*
 * bench-pain008.c - time the pain.008 writer and validator on synthetic
 * but realistic data, against an fprintf floor and xmllint.
 *
 *   bench-pain008 --tx N --out FILE [--version 001.08|001.02]
 *                 [--no-validate] [--schema-dir DIR] [--no-xmllint]
 *                 [--once]
 *
 * --once writes the file once, validated, as sepad does, and nothing
 * else: for instruction counts (callgrind) beside bench-pes --once.
 */
#include <errno.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_rows.h"
#include "sepa/sepa.h"

/*
 * The floor: the same records in the same layout (indentation included)
 * printed with fprintf: no escaping, no transliteration, no checks, no
 * SHA-256; fsync'd like the real file.
 */
static double
bench_floor(const char *path, long n)
{
	struct bench_row r;
	uint64_t rs = 42;
	double t0 = bench_now();
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document>\n");
	for (long i = 0; i < n; i++) {
		bench_row(&r, i, &rs);
		fprintf(f,
		    "      <DrctDbtTxInf>\n"
		    "        <PmtId>\n"
		    "          <EndToEndId>%s</EndToEndId>\n"
		    "        </PmtId>\n"
		    "        <InstdAmt Ccy=\"EUR\">%lld.%02lld</InstdAmt>\n"
		    "        <DrctDbtTx>\n"
		    "          <MndtRltdInf>\n"
		    "            <MndtId>%s</MndtId>\n"
		    "            <DtOfSgntr>%04d-%02d-%02d</DtOfSgntr>\n",
		    r.e2e, (long long)(r.amount / 100),
		    (long long)(r.amount % 100), r.rum, r.signed_on.year,
		    r.signed_on.month, r.signed_on.day);
		if (r.amend != 0)
			fprintf(f,
			    "            <AmdmntInd>true</AmdmntInd>\n"
			    "            <AmdmntInfDtls>\n"
			    "              <OrgnlMndtId>%s</OrgnlMndtId>\n"
			    "            </AmdmntInfDtls>\n",
			    r.old_rum);
		fprintf(f,
		    "          </MndtRltdInf>\n"
		    "        </DrctDbtTx>\n"
		    "        <DbtrAgt>\n"
		    "          <FinInstnId>\n");
		if (r.bic != NULL)
			fprintf(f, "            <BICFI>%s</BICFI>\n", r.bic);
		else
			fprintf(f,
			    "            <Othr>\n"
			    "              <Id>NOTPROVIDED</Id>\n"
			    "            </Othr>\n");
		fprintf(f,
		    "          </FinInstnId>\n"
		    "        </DbtrAgt>\n"
		    "        <Dbtr>\n"
		    "          <Nm>%s</Nm>\n",
		    r.name);
		if (r.has_addr)
			fprintf(f,
			    "          <PstlAdr>\n"
			    "            <StrtNm>%s</StrtNm>\n"
			    "            <BldgNb>%s</BldgNb>\n"
			    "            <PstCd>62440</PstCd>\n"
			    "            <TwnNm>Harnes</TwnNm>\n"
			    "            <Ctry>FR</Ctry>\n"
			    "          </PstlAdr>\n",
			    r.street, r.bldg);
		fprintf(f,
		    "        </Dbtr>\n"
		    "        <DbtrAcct>\n"
		    "          <Id>\n"
		    "            <IBAN>%s</IBAN>\n"
		    "          </Id>\n"
		    "        </DbtrAcct>\n"
		    "        <UltmtDbtr>\n"
		    "          <Nm>%s</Nm>\n"
		    "        </UltmtDbtr>\n"
		    "        <RmtInf>\n"
		    "          <Ustrd>%s</Ustrd>\n"
		    "        </RmtInf>\n"
		    "      </DrctDbtTxInf>\n",
		    r.iban, r.child, r.rmt);
	}
	fprintf(f, "</Document>\n");
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return bench_now() - t0;
}

/* Write the synthetic batch to out; *secs gets the wall time. */
static int
bench_write(const char *out, const sepa_pain008_opts *o,
    const sepa_pain008_header *h, const sepa_pain008_block *b, long n,
    sepa_pain008_info *info, double *secs, sepa_error *err)
{
	sepa_pain008_writer *w = NULL;
	struct bench_row r;
	uint64_t rs = 42;
	double t0 = bench_now();
	int rc;

	if ((rc = sepa_pain008_open(&w, out, o, h, err)) != 0 ||
	    (rc = sepa_pain008_begin_block(w, b, err)) != 0)
		goto fail;
	for (long i = 0; i < n; i++) {
		sepa_pain008_tx tx = {0};
		sepa_pain008_amendment am = {0};
		sepa_pain008_address da = {0};

		bench_row(&r, i, &rs);
		tx.end_to_end_id = r.e2e;
		tx.amount = r.amount;
		tx.mandate_id = r.rum;
		tx.signature_date = r.signed_on;
		tx.debtor_name = r.name;
		tx.debtor_iban = r.iban;
		tx.debtor_bic = r.bic;
		tx.ultimate_debtor = r.child;
		tx.remittance = r.rmt;
		if (r.has_addr) {
			da.street = r.street;
			da.building_number = r.bldg;
			da.postcode = "62440";
			da.town = "Harnes";
			da.country = "FR";
			tx.debtor_address = &da;
		}
		switch (r.amend) {
		case 1:
			am.account = SEPA_AMEND_SAME_BANK;
			am.orig_debtor_iban = r.old_iban;
			break;
		case 2:
			am.account = SEPA_AMEND_OTHER_BANK;
			break;
		case 3:
			am.orig_mandate_id = r.old_rum;
			break;
		case 4:
			am.orig_creditor_id = "FR46ZZZ005002";
			am.orig_creditor_name = "Régie municipale de Harnes";
			break;
		default:
			break;
		}
		if (r.amend != 0)
			tx.amendment = &am;
		if ((rc = sepa_pain008_add(w, &tx, err)) != 0)
			goto fail;
	}
	if ((rc = sepa_pain008_end_block(w, err)) != 0)
		goto fail;
	rc = sepa_pain008_close(w, info, err);
	*secs = bench_now() - t0;
	return rc;
fail:
	sepa_pain008_abort(w);
	return rc;
}

static void
bench_usage(void)
{
	fprintf(stderr,
	    "usage: bench-pain008 --tx N --out FILE [--version 001.08|001.02] "
	    "[--no-validate] [--schema-dir DIR] [--no-xmllint] [--once]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	sepa_pain008_opts o = SEPA_PAIN008_OPTS_INIT;
	sepa_pain008_header h = {0};
	sepa_pain008_block b = {0};
	sepa_pain008_info info;
	sepa_error err = SEPA_ERROR_INIT;
	char msg[1024], floor_path[4096], xsd[4096];
	struct bench_args a;
	const char *out, *schema_dir;
	struct bench_row r;
	long n;
	int validate, xmllint;
	double t0, t_write, t_both = 0, t_val = 0, t_floor, t_lint = 0;
	long long floor_bytes = 0;
	int64_t sum = 0;
	uint64_t rs;

	bench_args_parse(&a, argc, argv, "tx", bench_usage);
	if (a.version != NULL && strcmp(a.version, "001.02") == 0)
		o.version = SEPA_PAIN008_V02;
	else if (a.version != NULL && strcmp(a.version, "001.08") != 0)
		bench_usage();
	n = a.n;
	out = a.out;
	schema_dir = a.schema_dir;
	validate = a.validate;
	xmllint = a.xmllint;

	/* Totals first, as the store would get them by SQL aggregate. */
	rs = 42;
	for (long i = 0; i < n; i++) {
		bench_row(&r, i, &rs);
		sum += r.amount;
	}

	o.schema_dir = schema_dir;
	h.msg_id = "HARNES-2026-10-BENCH";
	h.creation_time = "2026-10-06T08:00:00";
	h.initiating_party = "Mairie de Harnes - Régie restauration scolaire";
	h.nb_of_txs = n;
	h.ctrl_sum = sum;
	b.pmt_inf_id = "HARNES-2026-10-RCUR";
	b.seq = SEPA_SEQ_RCUR;
	b.due_date = (sepa_date){2026, 10, 15};
	b.batch_booking = 1;
	b.nb_of_txs = n;
	b.ctrl_sum = sum;
	b.creditor_name = "Mairie de Harnes";
	b.creditor_iban = "FR7630006000011234567890189";
	b.creditor_id = "FR72ZZZ123456";
	sepa_pain008_address caddr = {
	    "rue des Fusillés", "1", "62440", "Harnes", "FR", {NULL, NULL}};
	b.creditor_address = &caddr;

	if (a.once) {
		/* What sepad does, alone (for instruction counts). */
		if (bench_write(out, &o, &h, &b, n, &info, &t_both, &err) != 0)
			goto fail;
		printf("pain.008, %ld transactions written and validated once "
		       "in %.2f s, %llu bytes, peak RSS %ld MB\n",
		    n, t_both, (unsigned long long)info.bytes, bench_rss_mb());
		return 0;
	}
	o.validate = 0;
	if (bench_write(out, &o, &h, &b, n, &info, &t_write, &err) != 0)
		goto fail;
	if (validate) {
		o.validate = 1;
		if (bench_write(out, &o, &h, &b, n, &info, &t_both, &err) != 0)
			goto fail;
	}

	if (validate) {
		t0 = bench_now();
		if (sepa_pain008_validate_file(out, schema_dir, NULL, &err) !=
		    0)
			goto fail;
		t_val = bench_now() - t0;
	}

	snprintf(floor_path, sizeof(floor_path), "%s.floor", out);
	t_floor = bench_floor(floor_path, n);
	{
		struct stat st;

		floor_bytes = stat(floor_path, &st) == 0 ? st.st_size : 0;
	}
	unlink(floor_path);

	printf("pain.008.%s, %ld transactions, %llu bytes, %s\n",
	    o.version == SEPA_PAIN008_V08 ? "001.08" : "001.02", n,
	    (unsigned long long)info.bytes, out);
	printf("  write only (checks, transliteration, SHA-256, fsync, "
	       "rename)   %6.2f s\n",
	    t_write);
	printf("  floor (same records, fprintf, no escaping, fsync)     "
	       "    %6.2f s   write / floor = %.2f (%lld bytes)\n",
	    t_floor, t_floor > 0 ? t_write / t_floor : 0.0, floor_bytes);
	if (validate) {
		printf("  write + validation (XSD + rules, one streamed pass)  "
		       "     %6.2f s\n",
		    t_both);
		printf("  validation alone of the file (validate_file)        "
		       "      %6.2f s\n",
		    t_val);
	}
	printf("  peak RSS (whole run)                                  "
	       "    %6ld MB\n",
	    bench_rss_mb());
	if (validate && xmllint) {
		snprintf(xsd, sizeof(xsd), "%s/%s", schema_dir,
		    o.version == SEPA_PAIN008_V08
		        ? "EPC130-08_2025_V1.0_pain.008.001.08.xsd"
		        : "pain.008.001.02.xsd");
		t_lint = bench_xmllint(xsd, out);
		if (t_lint < 0)
			printf("  xmllint --stream --schema: failed\n");
		else
			printf(
			    "  xmllint --stream --schema                        "
			    "         %6.2f s   (write + validation) / "
			    "xmllint = %.2f\n",
			    t_lint, t_both / t_lint);
	}
	return 0;
fail:
	fprintf(stderr, "bench-pain008: %s\n",
	    sepa_error_format(&err, msg, sizeof(msg)));
	return 1;
}
