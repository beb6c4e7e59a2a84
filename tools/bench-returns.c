/*
 * bench-returns.c - time the reconciliation of bank returns: N
 * collections in the store (set-based SQL), a camt.054 of N booked
 * returns of them (1% with an unknown EndToEndId, 5% dead-account AC04,
 * 2% refunds MD06, the rest AM04), imported with store_returns_import;
 * then the same returns again in a pain.002 (all duplicates).
 *
 *   bench-returns --tx N --conninfo CONNINFO [--dir DIR]
 *
 * CONNINFO names a maintenance database of a cluster whose database
 * "sepad" is migrated (tests/with-pg.sh gives SEPAD_TEST_CONNINFO); the
 * benchmark works in a database of its own, dropped at the end.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "config.h"
#include "db_internal.h"
#include "log.h"
#include "store_creditor.h"
#include "store_returns.h"

/* $1 number of collections. */
static const char bench_fixture[] =
    "WITH c AS (INSERT INTO creditors (ics, name) VALUES"
    " ('FR72ZZZ123456', 'Commune de Test') RETURNING id),"
    " f AS (INSERT INTO families (creditor_id, family_ref, payer_name, town,"
    " country, bracket) SELECT c.id, 'F' || n, 'Payeur ' || n, 'Paris',"
    " 'FR', 'A' FROM c, generate_series(1, $1::integer) n RETURNING id)"
    " SELECT count(*) FROM f";

static const char *const bench_rest[] = {
    "INSERT INTO mandates (creditor_id, family_id, rum, signed_on)"
    " SELECT creditor_id, id, 'RUM-' || family_ref, '2024-09-01'"
    " FROM families",
    "INSERT INTO mandate_accounts (creditor_id, mandate_id, iban,"
    " applies_from, received_on) SELECT creditor_id, id,"
    " 'FR7630006000011234567890189', '2024-09-01', '2024-09-01'"
    " FROM mandates",
    "INSERT INTO invoices (creditor_id, family_id, month, number, issued_on,"
    " due_on, mandate_id, total_cents, state, state_since)"
    " SELECT m.creditor_id, m.family_id, '2025-09-01', 'I-' || m.id,"
    " '2025-10-05', '2025-10-15', m.id, 1000 + m.id % 5000, 'collecting',"
    " '2025-10-05' FROM mandates m",
    "INSERT INTO batches (creditor_id, collection_month, part, msg_id,"
    " created_at, pain_version, file_name, nb_of_txs, ctrl_sum_cents,"
    " cdtr_name, cdtr_iban, cdtr_ics, state, sha256, released_at)"
    " SELECT c.id, '2025-10-01', 1, 'MSG-202510', '2025-10-06', '001.08',"
    " 'sdd-202510.xml', (SELECT count(*) FROM invoices),"
    " (SELECT sum(total_cents) FROM invoices), 'Commune de Test',"
    " 'FR7630006000011234567890189', 'FR72ZZZ123456', 'released',"
    " repeat('a', 64), '2025-10-06' FROM creditors c",
    "INSERT INTO collections (creditor_id, batch_id, invoice_id, mandate_id,"
    " account_id, pmt_inf_id, end_to_end_id, seq_type, due_on,"
    " amount_cents, rum, signed_on, debtor_name, iban, state, state_since)"
    " SELECT i.creditor_id, b.id, i.id, m.id, a.id, 'PMT-202510',"
    " 'E2E-' || i.id, 'RCUR', i.due_on, i.total_cents, m.rum, m.signed_on,"
    " 'Payeur', a.iban, 'sent', '2025-10-06' FROM invoices i"
    " JOIN mandates m ON m.id = i.mandate_id"
    " JOIN mandate_accounts a ON a.mandate_id = m.id, batches b",
    "ANALYZE",
};

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *
bench_code(long i)
{
	if (i % 100 == 7)
		return "AC04";
	if (i % 100 == 13 || i % 100 == 53)
		return "MD06";
	if (i % 20 == 3)
		return "AC04";
	return "AM04";
}

static void
bench_camt(const char *path, long n)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		fatal("%s", path);
	fprintf(fp,
	    "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:"
	    "20022:tech:xsd:camt.054.001.02\"><BkToCstmrDbtCdtNtfctn>"
	    "<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2025-10-20T10:00:00"
	    "</CreDtTm></GrpHdr>\n<Ntfctn><Id>N1</Id><CreDtTm>"
	    "2025-10-20T10:00:00</CreDtTm><Acct><Id><IBAN>"
	    "FR7630006000011234567890189</IBAN></Id></Acct>\n");
	for (long i = 1; i <= n; i++) {
		long cents = 1000 + i % 5000;

		fprintf(fp,
		    "<Ntry><Amt Ccy=\"EUR\">%ld.%02ld</Amt><CdtDbtInd>DBIT"
		    "</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2025-10-20</Dt>"
		    "</BookgDt><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd>"
		    "<SubFmlyCd>UPDD</SubFmlyCd></Fmly></Domn></BkTxCd>"
		    "<NtryDtls><TxDtls><Refs><EndToEndId>%s%ld</EndToEndId>"
		    "<MndtId>RUM-F%ld</MndtId></Refs><RtrInf><Rsn><Cd>%s</Cd>"
		    "</Rsn></RtrInf></TxDtls></NtryDtls></Ntry>\n",
		    cents / 100, cents % 100, i % 100 == 99 ? "X-" : "E2E-", i,
		    i, bench_code(i));
	}
	fprintf(fp, "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n");
	if (fclose(fp) != 0)
		fatal("%s", path);
}

static void
bench_pain002(const char *path, long n)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		fatal("%s", path);
	fprintf(fp,
	    "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:"
	    "20022:tech:xsd:pain.002.001.03\"><CstmrPmtStsRpt><GrpHdr>"
	    "<MsgId>BENCH2</MsgId><CreDtTm>2025-10-16T10:00:00</CreDtTm>"
	    "</GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>MSG-202510"
	    "</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId>"
	    "</OrgnlGrpInfAndSts>\n<OrgnlPmtInfAndSts><OrgnlPmtInfId>"
	    "PMT-202510</OrgnlPmtInfId>\n");
	for (long i = 1; i <= n; i++) {
		long cents = 1000 + i % 5000;

		if (i % 100 == 99)
			continue;
		fprintf(fp,
		    "<TxInfAndSts><OrgnlEndToEndId>E2E-%ld</OrgnlEndToEndId>"
		    "<TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>%s</Cd></Rsn>"
		    "</StsRsnInf><OrgnlTxRef><Amt><InstdAmt Ccy=\"EUR\">"
		    "%ld.%02ld</InstdAmt></Amt></OrgnlTxRef></TxInfAndSts>\n",
		    i, bench_code(i), cents / 100, cents % 100);
	}
	fprintf(fp, "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>\n");
	if (fclose(fp) != 0)
		fatal("%s", path);
}

static void
bench_import(struct db *db, const char *path, const char *what)
{
	struct sepad_config cfg;
	struct config_errors errs;
	struct returns_policy pol;
	sepa_date today = {2025, 11, 2};
	sepa_error err = SEPA_ERROR_INIT;
	struct returns_result res;
	int64_t id;
	double t0;

	/* The built-in defaults of the configuration. */
	if (config_load(&cfg, NULL, "/tmp", &errs) != 0)
		fatalx("could not load the default configuration");
	pol.creditor_side_codes = &cfg.creditor_side_codes;
	pol.dead_account_codes = &cfg.dead_account_codes;
	pol.max_per_school_year = cfg.max_rejects_per_school_year;
	if (store_creditor_find(db, "FR72ZZZ123456", &id, &err) != 0)
		fatalx("%s", err.msg);
	t0 = bench_now();
	if (store_returns_import(db, id, path, &pol, today, &res, &err) != 0)
		fatalx("import %s: %s", path, err.msg);
	printf("%-28s %8.2f s  %" PRId64 " records: %" PRId64
	       " applied, %" PRId64 " duplicates, %" PRId64
	       " quarantined; %" PRId64 " terminated, %" PRId64 " suspended\n",
	    what, bench_now() - t0, res.records, res.applied, res.duplicates,
	    res.quarantined, res.terminated, res.suspended);
	config_free(&cfg);
}

int
main(int argc, char **argv)
{
	const char *conninfo = NULL, *dir = "build/bench";
	sepa_error err = SEPA_ERROR_INIT;
	char dbname[64], sql[256], ci[2048], camt[512], pain[512];
	struct db *admin, *db;
	struct rusage ru;
	long n = 100000;
	int64_t rows;
	double t0;
	int ch;

	static const struct option longopts[] = {
	    {"tx", required_argument, NULL, 'n'},
	    {"conninfo", required_argument, NULL, 'c'},
	    {"dir", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};

	log_init("bench-returns", getenv("BENCH_VERBOSE") != NULL, 3);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			n = atol(optarg);
			break;
		case 'c':
			conninfo = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		default:
			fatalx("usage: bench-returns --tx N --conninfo "
			       "CONNINFO [--dir DIR]");
		}
	}
	if (conninfo == NULL)
		conninfo = getenv("SEPAD_TEST_CONNINFO");
	if (conninfo == NULL || n < 1)
		fatalx("usage: bench-returns --tx N --conninfo CONNINFO "
		       "[--dir DIR]");
	snprintf(dbname, sizeof(dbname), "bench_returns_%ld", (long)getpid());
	if (db_connect(&admin, conninfo, &err) != 0)
		fatalx("%s", err.msg);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE sepad", dbname);
	if (db_exec(admin, "create the bench database", sql, 0, NULL, &err) !=
	    0)
		fatalx("%s", err.msg);
	snprintf(ci, sizeof(ci), "%s dbname=%s", conninfo, dbname);
	if (db_connect(&db, ci, &err) != 0)
		fatalx("%s", err.msg);
	snprintf(sql, sizeof(sql), "%ld", n);
	t0 = bench_now();
	if (db_query_int64(db, &rows, "create the families", bench_fixture, 1,
	        (const char *const[]){sql}, &err) != 0)
		fatalx("%s", err.msg);
	for (size_t i = 0; i < sizeof(bench_rest) / sizeof(bench_rest[0]); i++)
		if (db_exec(db, "create the fixture", bench_rest[i], 0, NULL,
		        &err) != 0)
			fatalx("%s", err.msg);
	printf("%-28s %8.2f s  %ld collections\n", "fixture (SQL)",
	    bench_now() - t0, n);
	snprintf(camt, sizeof(camt), "%s/returns-camt054.xml", dir);
	snprintf(pain, sizeof(pain), "%s/returns-pain002.xml", dir);
	bench_camt(camt, n);
	bench_pain002(pain, n);
	bench_import(db, camt, "camt.054 import");
	bench_import(db, pain, "pain.002 (same, duplicates)");
	getrusage(RUSAGE_SELF, &ru);
	printf("%-28s %8ld MB\n", "peak RSS (client)", ru.ru_maxrss / 1024);
	db_close(db);
	snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)", dbname);
	db_exec(admin, "drop the bench database", sql, 0, NULL, &err);
	db_close(admin);
	return 0;
}
