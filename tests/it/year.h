/*
 * year.h - months of a small commune through the binaries, for the
 * end-to-end tests (test_year.c, test_report.c): a database and a
 * directory of its own, gen-commune's exports imported with `sepactl
 * import`, `sepactl` run on a business date with every euro billed still
 * accounted for after each run, and the bank's files written by hand.
 */
#ifndef SEPAD_YEAR_H
#define SEPAD_YEAR_H

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "../db/dbtest.h"
#include "ctlrun.h"
#include "sepa/error.h"
#include "db_internal.h"

struct year {
	char name[64];
	char conninfo[DBTEST_CONNINFO_MAX];
	char dir[128]; /* inputs, bank files, outbox */
	char conf[160];
	struct db *db;
};

static inline void year_balanced(struct year *y, const char *after);

/*
 * sepactl -c CONF --today DAY ARGS, which must succeed; then every euro
 * billed must still be accounted for (year_balanced).
 */
static inline void
year_ctl(struct year *y, struct ctlrun *r, const char *day, const char *args)
{
	char all[1024];

	snprintf(all, sizeof(all), "-c %s --today %s %s", y->conf, day, args);
	ctlrun(r, all);
	cr_assert_eq(r->status, 0, "sepactl %s: %s%s", all, r->out, r->err);
	if (strcmp(args, "init") != 0)
		year_balanced(y, all);
}

/*
 * The balance adds up (migration 033): billed = settled by debit + paid
 * by other means + credits + refunded + carried + unpaid + in recovery +
 * being collected, for every invoice, so for every month and in total.
 */
static inline void
year_balanced(struct year *y, const char *after)
{
	sepa_error err = SEPA_ERROR_INIT;
	char why[2048] = "";
	PGresult *res;
	size_t len = 0;

	cr_assert_eq(db_query(y->db, &res, "check the balance",
	                 "SELECT i.number || ' ' || i.state || ': billed ' || "
	                 "b.billed || ', debit ' || b.debit || ', other ' || "
	                 "b.other || ', credits ' || b.credits || ', unpaid ' "
	                 "|| b.unpaid || ', recovery ' || b.recovery || ', "
	                 "collecting ' || b.collecting || ', difference ' || "
	                 "b.difference FROM invoice_balance b JOIN invoices i "
	                 "ON i.id = b.invoice_id WHERE b.difference <> 0 "
	                 "ORDER BY i.number",
	                 0, NULL, &err),
	    0, "%s", err.msg);
	for (int i = 0; i < PQntuples(res) && len < sizeof(why) - 200; i++)
		len += (size_t)snprintf(why + len, sizeof(why) - len, "\n  %s",
		    PQgetvalue(res, i, 0));
	cr_expect_eq(PQntuples(res), 0, "after %s, unexplained:%s", after, why);
	db_result_free(res);
}

/* A database of its own, a directory, the configuration, `init`. */
static inline void
year_open(struct year *y)
{
	sepa_error err = SEPA_ERROR_INIT;
	char outbox[160];
	struct ctlrun r;

	dbtest_create(y->conninfo, y->name, "sepad");
	cr_assert_eq(db_connect(&y->db, y->conninfo, &err), 0, "%s", err.msg);
	snprintf(y->dir, sizeof(y->dir), "/tmp/sepad-year-XXXXXX");
	cr_assert_not_null(mkdtemp(y->dir));
	snprintf(y->conf, sizeof(y->conf), "%s/sepad.conf", y->dir);
	snprintf(outbox, sizeof(outbox), "%s/outbox", y->dir);
	ctlrun_commune_conf(y->conf, y->conninfo, outbox, "");
	year_ctl(y, &r, "2026-10-01", "init");
}

static inline void
year_close(struct year *y)
{
	char cmd[256];

	db_close(y->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", y->dir);
	cr_expect_eq(system(cmd), 0);
	dbtest_drop(y->name);
}

/*
 * The month's consumption from gen-commune, imported (the families,
 * mandates and tariffs with the first month); the lines of the families
 * whose reference matches `drop` (a sed pattern; NULL: none) left out.
 */
static inline void
year_month_of(struct year *y, const char *month, const char *day, int first,
    const char *drop)
{
	static const char *const kinds[] = {
	    "families", "tariffs", "mandates", "consumption"};
	char cmd[1024], args[512];
	struct ctlrun r;

	snprintf(cmd, sizeof(cmd),
	    "%s/build/gen-commune --families 12 --month %s --seed 7 --out "
	    "%s/in-%s >/dev/null 2>&1",
	    SEPAD_SRCDIR, month, y->dir, month);
	cr_assert_eq(system(cmd), 0);
	if (drop != NULL) {
		snprintf(cmd, sizeof(cmd),
		    "sed -i '/^%s;/d' %s/in-%s/consumption.csv", drop, y->dir,
		    month);
		cr_assert_eq(system(cmd), 0);
	}
	for (size_t k = first ? 0 : 3; k < 4; k++) {
		snprintf(args, sizeof(args), "import %s %s/in-%s/%s.csv",
		    kinds[k], y->dir, month, kinds[k]);
		year_ctl(y, &r, day, args);
	}
}

static inline void
year_month(struct year *y, const char *month, const char *day, int first)
{
	year_month_of(y, month, day, first, NULL);
}

/* A later month without the families matching `drop`. */
static inline void
year_month_drop(
    struct year *y, const char *month, const char *day, const char *drop)
{
	year_month_of(y, month, day, 0, drop);
}

/*
 * A camt.054 of one booked entry: a return (code) of the collection of
 * `invoice` (attempt 1), or its booking (code NULL); the amount is read
 * from the collection, so it matches.
 */
static inline void
year_bank(struct year *y, const char *file, const char *invoice,
    const char *code, const char *booked)
{
	char path[256], q[256], amount[32], rum[64];
	sepa_error err = SEPA_ERROR_INIT;
	PGresult *res;
	FILE *fp;

	snprintf(q, sizeof(q),
	    "SELECT (amount_cents / 100) || '.' || lpad((amount_cents %% 100)"
	    "::text, 2, '0'), rum FROM collections WHERE end_to_end_id = '%s-1'",
	    invoice);
	cr_assert_eq(
	    db_query(y->db, &res, "read the collection", q, 0, NULL, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(PQntuples(res), 1, "%s", invoice);
	snprintf(amount, sizeof(amount), "%s", PQgetvalue(res, 0, 0));
	snprintf(rum, sizeof(rum), "%s", PQgetvalue(res, 0, 1));
	db_result_free(res);
	snprintf(path, sizeof(path), "%s/%s", y->dir, file);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	fprintf(fp,
	    "<?xml version=\"1.0\"?>\n"
	    "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\">"
	    "<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>%s</MsgId>"
	    "<CreDtTm>%sT10:00:00</CreDtTm></GrpHdr>\n"
	    "<Ntfctn><Id>N-%s</Id><CreDtTm>%sT10:00:00</CreDtTm>"
	    "<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>\n"
	    "<Ntry><Amt Ccy=\"EUR\">%s</Amt><CdtDbtInd>%s</CdtDbtInd>"
	    "<Sts>BOOK</Sts><BookgDt><Dt>%s</Dt></BookgDt>"
	    "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd>"
	    "<SubFmlyCd>%s</SubFmlyCd></Fmly></Domn></BkTxCd>"
	    "<NtryDtls><TxDtls><Refs><EndToEndId>%s-1</EndToEndId>"
	    "<MndtId>%s</MndtId></Refs>",
	    file, booked, file, booked, amount, code != NULL ? "DBIT" : "CRDT",
	    booked, code != NULL ? "UPDD" : "ESDD", invoice, rum);
	if (code != NULL)
		fprintf(fp, "<RtrInf><Rsn><Cd>%s</Cd></Rsn></RtrInf>", code);
	fprintf(fp,
	    "</TxDtls></NtryDtls></Ntry>\n"
	    "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n");
	fclose(fp);
}

/* The recovery file `name` of the outbox into buf. */
static inline void
year_recovery_file(struct year *y, const char *name, char *buf, size_t size)
{
	char path[256];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/outbox/%s", y->dir, name);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "%s", path);
	n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

static inline int64_t
year_int(struct year *y, const char *sql)
{
	return dbtest_int(y->db, sql);
}

/* The first column of the first row of `sql`, as text, into buf. */
static inline void
year_text(struct year *y, const char *sql, char *buf, size_t size)
{
	sepa_error err = SEPA_ERROR_INIT;
	PGresult *res;

	cr_assert_eq(db_query(y->db, &res, "read a value", sql, 0, NULL, &err),
	    0, "%s", err.msg);
	cr_assert_eq(PQntuples(res), 1, "%s", sql);
	snprintf(buf, size, "%s", PQgetvalue(res, 0, 0));
	db_result_free(res);
}

/* DIR/name holding text. */
static inline void
year_write(struct year *y, const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", y->dir, name);
	fp = fopen(path, "w");
	cr_assert_not_null(fp, "%s", path);
	fputs(text, fp);
	fclose(fp);
}

/*
 * A pain.002 rejecting (AM04) the collection of `invoice` (attempt 1),
 * in its file and payment block.
 */
static inline void
year_pain002_reject(struct year *y, const char *file, const char *invoice)
{
	char q[256], msg[64], pmt[64], text[2048];

	snprintf(q, sizeof(q),
	    "SELECT b.msg_id || ' ' || c.pmt_inf_id FROM collections c JOIN "
	    "batches b ON b.id = c.batch_id WHERE c.end_to_end_id = '%s-1'",
	    invoice);
	year_text(y, q, text, sizeof(text));
	cr_assert_eq(sscanf(text, "%63s %63s", msg, pmt), 2, "%s", text);
	snprintf(text, sizeof(text),
	    "<?xml version=\"1.0\"?>\n"
	    "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\">"
	    "<CstmrPmtStsRpt><GrpHdr><MsgId>%s</MsgId>"
	    "<CreDtTm>2026-10-14T10:00:00</CreDtTm></GrpHdr>\n"
	    "<OrgnlGrpInfAndSts><OrgnlMsgId>%s</OrgnlMsgId>"
	    "<OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId></OrgnlGrpInfAndSts>\n"
	    "<OrgnlPmtInfAndSts><OrgnlPmtInfId>%s</OrgnlPmtInfId>"
	    "<TxInfAndSts><OrgnlEndToEndId>%s-1</OrgnlEndToEndId>"
	    "<TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AM04</Cd></Rsn>"
	    "</StsRsnInf></TxInfAndSts></OrgnlPmtInfAndSts>\n"
	    "</CstmrPmtStsRpt></Document>\n",
	    file, msg, pmt, invoice);
	year_write(y, file, text);
}

/*
 * A camt.054 of one booked credit entry for a whole file of ours, named
 * by its MsgId only, without transaction details and without a bank
 * transaction code: `amount` in euros ("123.45").
 */
static inline void
year_batch_credit(struct year *y, const char *file, const char *msg_id,
    const char *amount, const char *booked)
{
	char text[2048];

	snprintf(text, sizeof(text),
	    "<?xml version=\"1.0\"?>\n"
	    "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\">"
	    "<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>%s</MsgId>"
	    "<CreDtTm>%sT10:00:00</CreDtTm></GrpHdr>\n"
	    "<Ntfctn><Id>N-%s</Id><CreDtTm>%sT10:00:00</CreDtTm>"
	    "<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>\n"
	    "<Ntry><Amt Ccy=\"EUR\">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	    "<Sts>BOOK</Sts><BookgDt><Dt>%s</Dt></BookgDt>"
	    "<NtryDtls><Btch><MsgId>%s</MsgId></Btch></NtryDtls></Ntry>\n"
	    "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n",
	    file, booked, file, booked, amount, booked, msg_id);
	year_write(y, file, text);
}

/*
 * `qty` CANTINE meals (negative: a correction) on `date` for child E1 of
 * `family`, in a consumption file of their own imported on `day`.
 */
static inline void
year_cantine(struct year *y, const char *family, const char *date, long qty,
    const char *file, const char *day)
{
	char text[512], name[160], q[256], args[512];
	struct ctlrun r;

	snprintf(q, sizeof(q),
	    "SELECT c.name FROM children c JOIN families f ON f.id = "
	    "c.family_id WHERE f.family_ref = '%s' AND c.child_ref = 'E1'",
	    family);
	year_text(y, q, name, sizeof(name));
	snprintf(text, sizeof(text),
	    "family_ref;child_ref;child_name;service;date;quantity\n"
	    "%s;E1;%s;CANTINE;%s;%ld\n",
	    family, name, date, qty);
	year_write(y, file, text);
	snprintf(args, sizeof(args), "import consumption %s/%s", y->dir, file);
	year_ctl(y, &r, day, args);
}

#endif /* SEPAD_YEAR_H */
