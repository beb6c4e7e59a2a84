/*
 * returnsfix.h - helpers of the returns tests: the SQL fixture
 * (tests/data/returns/fixture.sql) and bank files written on the fly
 * around its ids.
 */
#ifndef SEPAD_RETURNSFIX_H
#define SEPAD_RETURNSFIX_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sepa/error.h"
#include "db_internal.h"

/* Load the fixture into db. */
static inline void
retfix_load(struct db *db)
{
	sepa_error err = SEPA_ERROR_INIT;
	char *sql = NULL;
	size_t size = 0;
	FILE *fp = fopen(SEPAD_SRCDIR "/tests/data/returns/fixture.sql", "r");
	FILE *mem = open_memstream(&sql, &size);
	int ch;

	cr_assert_not_null(fp);
	while ((ch = fgetc(fp)) != EOF)
		fputc(ch, mem);
	fclose(fp);
	fclose(mem);
	if (db_exec_script(db, "load the fixture", sql, &err) != 0)
		cr_assert_fail("%s", err.msg);
	free(sql);
}

/* One transaction of a generated file. */
struct retfix_tx {
	const char *e2e;
	const char *code;
	long cents;
	const char *mandate; /* NULL: none written */
};

static inline char *
retfix_tmp(const char *tag)
{
	static char path[128];
	static unsigned n;

	snprintf(path, sizeof(path), "/tmp/sepad-ret-%ld-%u-%s.xml",
	    (long)getpid(), n++, tag);
	return path;
}

/* A pain.002 rejecting transactions of `msg_id`/`pmt` (msg id "MSG-x").
 * With ntx 0 and group_code set: a group-level reject of the whole file. */
static inline void
retfix_pain002(const char *path, const char *own_id, const char *msg_id,
    const char *pmt, const char *group_code, const struct retfix_tx *tx,
    size_t ntx)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp);
	fprintf(fp,
	    "<?xml version=\"1.0\"?>\n"
	    "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\">"
	    "<CstmrPmtStsRpt><GrpHdr><MsgId>%s</MsgId>"
	    "<CreDtTm>2025-10-16T10:00:00</CreDtTm></GrpHdr>\n"
	    "<OrgnlGrpInfAndSts><OrgnlMsgId>%s</OrgnlMsgId>"
	    "<OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId>",
	    own_id, msg_id);
	if (group_code != NULL)
		fprintf(fp,
		    "<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>%s</Cd></Rsn>"
		    "</StsRsnInf>",
		    group_code);
	fprintf(fp, "</OrgnlGrpInfAndSts>\n");
	if (ntx > 0) {
		fprintf(fp,
		    "<OrgnlPmtInfAndSts><OrgnlPmtInfId>%s</OrgnlPmtInfId>\n",
		    pmt);
		for (size_t i = 0; i < ntx; i++) {
			fprintf(fp,
			    "<TxInfAndSts><OrgnlEndToEndId>%s</OrgnlEndToEndId>"
			    "<TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>%s</Cd>"
			    "</Rsn></StsRsnInf><OrgnlTxRef><Amt>"
			    "<InstdAmt Ccy=\"EUR\">%ld.%02ld</InstdAmt></Amt>",
			    tx[i].e2e, tx[i].code, tx[i].cents / 100,
			    tx[i].cents % 100);
			if (tx[i].mandate != NULL)
				fprintf(fp,
				    "<MndtRltdInf><MndtId>%s</MndtId>"
				    "</MndtRltdInf>",
				    tx[i].mandate);
			fprintf(fp, "</OrgnlTxRef></TxInfAndSts>\n");
		}
		fprintf(fp, "</OrgnlPmtInfAndSts>\n");
	}
	fprintf(fp, "</CstmrPmtStsRpt></Document>\n");
	fclose(fp);
}

/*
 * A camt.054 with one booked entry per transaction: a return debit
 * (PMNT/IDDT/UPDD with the reason; MD06 makes it a refund) or, code NULL,
 * the credit of the collection (PMNT/IDDT/ESDD).
 */
static inline void
retfix_camt054(const char *path, const char *own_id, const struct retfix_tx *tx,
    size_t ntx)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp);
	fprintf(fp,
	    "<?xml version=\"1.0\"?>\n"
	    "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\">"
	    "<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>%s</MsgId>"
	    "<CreDtTm>2025-10-20T10:00:00</CreDtTm></GrpHdr>\n"
	    "<Ntfctn><Id>N1</Id><CreDtTm>2025-10-20T10:00:00</CreDtTm>"
	    "<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>\n",
	    own_id);
	for (size_t i = 0; i < ntx; i++) {
		int ret = tx[i].code != NULL;

		fprintf(fp,
		    "<Ntry><Amt Ccy=\"EUR\">%ld.%02ld</Amt>"
		    "<CdtDbtInd>%s</CdtDbtInd><Sts>BOOK</Sts>"
		    "<BookgDt><Dt>2025-10-20</Dt></BookgDt>"
		    "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd>"
		    "<SubFmlyCd>%s</SubFmlyCd></Fmly></Domn></BkTxCd>"
		    "<NtryDtls><TxDtls><Refs><EndToEndId>%s</EndToEndId>",
		    tx[i].cents / 100, tx[i].cents % 100, ret ? "DBIT" : "CRDT",
		    ret ? "UPDD" : "ESDD", tx[i].e2e);
		if (tx[i].mandate != NULL)
			fprintf(fp, "<MndtId>%s</MndtId>", tx[i].mandate);
		fprintf(fp, "</Refs>");
		if (ret)
			fprintf(fp, "<RtrInf><Rsn><Cd>%s</Cd></Rsn></RtrInf>",
			    tx[i].code);
		fprintf(fp, "</TxDtls></NtryDtls></Ntry>\n");
	}
	fprintf(fp, "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n");
	fclose(fp);
}

#endif /* SEPAD_RETURNSFIX_H */
