/*
 * bankfile.c - streaming reader of pain.002, camt.052, camt.053 and
 * camt.054 files: an input guard (size, text runs, DOCTYPE) under an
 * xmlTextReader (xmlin.c), and a state table {from, element, to, field}
 * that turns the elements into normalised records.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "sepa/bankfile.h"
#include "internal.h"
#include "xmlin.h"

/* ------------------------------------------------------------ state table */

enum bf_state {
	S_SKIP = 0,
	S_TOP,
	S_DOC,
	/* pain.002 */
	P_RPT,
	P_GRPHDR,
	P_OGRP,
	P_OPMT,
	P_TX,
	P_RSN,
	P_RSNC,
	P_TXREF,
	P_TXREF_AMT,
	P_MNDT,
	/* camt.052/053/054 */
	C_MSG,
	C_GRPHDR,
	C_STMT,
	C_ACCT,
	C_ACCTID,
	C_NTRY,
	C_STS,
	C_BOOKG,
	C_VAL,
	C_BTC,
	C_DOMN,
	C_FMLY,
	C_BTCP,
	C_NDTL,
	C_BTCH,
	C_TX,
	C_REFS,
	C_AMTDTLS,
	C_AMT_INST,
	C_AMT_TX,
	C_RLTDDTS,
	C_RTR,
	S_LEAF /* a text field */
};

enum bf_field {
	F_NONE = 0,
	F_MSGID,
	F_CREDTTM,
	F_OMSGID,
	F_OMSGNMID,
	F_ONBTX,
	F_OSUM,
	F_STS,
	F_PMTINFID,
	F_STSID,
	F_INSTRID,
	F_E2E,
	F_MNDTID,
	F_RSN_CD,
	F_RSN_PRTRY,
	F_ADDTL,
	F_AMT, /* pain.002 InstdAmt, camt Ntry/Amt and TxDtls/Amt */
	F_AMT_TX, /* AmtDtls/TxAmt/Amt */
	F_AMT_INST, /* AmtDtls/InstdAmt/Amt */
	F_ORIG_DATE,
	F_ACCT,
	F_NTRYREF,
	F_CDI,
	F_RVSL,
	F_BOOKG,
	F_VAL,
	F_ASREF,
	F_DOMN,
	F_FMLY,
	F_SUBFMLY,
	F_BTC_PRTRY,
	F_BTC_ISSR,
	F_BTCH_MSGID,
	F_BTCH_PMTINFID,
	F_BTCH_NB,
	F_BTCH_AMT,
	F_BTCH_CDI
};

struct bf_row {
	enum bf_state from;
	const char *name;
	enum bf_state to;
	enum bf_field field;
};

/* Every element the reader looks at; anything else is skipped. */
static const struct bf_row bf_rows[] = {
    /* pain.002 */
    {P_RPT, "GrpHdr", P_GRPHDR, F_NONE},
    {P_RPT, "OrgnlGrpInfAndSts", P_OGRP, F_NONE},
    {P_RPT, "OrgnlPmtInfAndSts", P_OPMT, F_NONE},
    {P_GRPHDR, "MsgId", S_LEAF, F_MSGID},
    {P_GRPHDR, "CreDtTm", S_LEAF, F_CREDTTM},
    {P_OGRP, "OrgnlMsgId", S_LEAF, F_OMSGID},
    {P_OGRP, "OrgnlMsgNmId", S_LEAF, F_OMSGNMID},
    {P_OGRP, "OrgnlNbOfTxs", S_LEAF, F_ONBTX},
    {P_OGRP, "OrgnlCtrlSum", S_LEAF, F_OSUM},
    {P_OGRP, "GrpSts", S_LEAF, F_STS},
    {P_OGRP, "StsRsnInf", P_RSN, F_NONE},
    {P_OPMT, "OrgnlPmtInfId", S_LEAF, F_PMTINFID},
    {P_OPMT, "OrgnlNbOfTxs", S_LEAF, F_ONBTX},
    {P_OPMT, "OrgnlCtrlSum", S_LEAF, F_OSUM},
    {P_OPMT, "PmtInfSts", S_LEAF, F_STS},
    {P_OPMT, "StsRsnInf", P_RSN, F_NONE},
    {P_OPMT, "TxInfAndSts", P_TX, F_NONE},
    {P_TX, "StsId", S_LEAF, F_STSID},
    {P_TX, "OrgnlInstrId", S_LEAF, F_INSTRID},
    {P_TX, "OrgnlEndToEndId", S_LEAF, F_E2E},
    {P_TX, "TxSts", S_LEAF, F_STS},
    {P_TX, "StsRsnInf", P_RSN, F_NONE},
    {P_TX, "OrgnlTxRef", P_TXREF, F_NONE},
    {P_RSN, "Rsn", P_RSNC, F_NONE},
    {P_RSN, "AddtlInf", S_LEAF, F_ADDTL},
    {P_RSNC, "Cd", S_LEAF, F_RSN_CD},
    {P_RSNC, "Prtry", S_LEAF, F_RSN_PRTRY},
    {P_TXREF, "Amt", P_TXREF_AMT, F_NONE},
    {P_TXREF, "ReqdColltnDt", S_LEAF, F_ORIG_DATE},
    {P_TXREF, "MndtRltdInf", P_MNDT, F_NONE},
    {P_TXREF_AMT, "InstdAmt", S_LEAF, F_AMT},
    {P_MNDT, "MndtId", S_LEAF, F_MNDTID},
    /* pain.002.001.11 on: MndtRltdInf is a choice, DrctDbtMndt/MndtId */
    {P_MNDT, "DrctDbtMndt", P_MNDT, F_NONE},
    /* camt.052/053/054 */
    {C_MSG, "GrpHdr", C_GRPHDR, F_NONE},
    {C_MSG, "Ntfctn", C_STMT, F_NONE},
    {C_MSG, "Stmt", C_STMT, F_NONE},
    {C_MSG, "Rpt", C_STMT, F_NONE},
    {C_GRPHDR, "MsgId", S_LEAF, F_MSGID},
    {C_GRPHDR, "CreDtTm", S_LEAF, F_CREDTTM},
    {C_STMT, "Acct", C_ACCT, F_NONE},
    {C_STMT, "Ntry", C_NTRY, F_NONE},
    {C_ACCT, "Id", C_ACCTID, F_NONE},
    {C_ACCTID, "IBAN", S_LEAF, F_ACCT},
    {C_NTRY, "NtryRef", S_LEAF, F_NTRYREF},
    {C_NTRY, "Amt", S_LEAF, F_AMT},
    {C_NTRY, "CdtDbtInd", S_LEAF, F_CDI},
    {C_NTRY, "RvslInd", S_LEAF, F_RVSL},
    {C_NTRY, "Sts", C_STS, F_STS},
    {C_NTRY, "BookgDt", C_BOOKG, F_NONE},
    {C_NTRY, "ValDt", C_VAL, F_NONE},
    {C_NTRY, "AcctSvcrRef", S_LEAF, F_ASREF},
    {C_NTRY, "BkTxCd", C_BTC, F_NONE},
    {C_NTRY, "NtryDtls", C_NDTL, F_NONE},
    {C_STS, "Cd", S_LEAF, F_STS},
    {C_STS, "Prtry", S_LEAF, F_STS},
    {C_BOOKG, "Dt", S_LEAF, F_BOOKG},
    {C_BOOKG, "DtTm", S_LEAF, F_BOOKG},
    {C_VAL, "Dt", S_LEAF, F_VAL},
    {C_VAL, "DtTm", S_LEAF, F_VAL},
    {C_BTC, "Domn", C_DOMN, F_NONE},
    {C_BTC, "Prtry", C_BTCP, F_NONE},
    {C_DOMN, "Cd", S_LEAF, F_DOMN},
    {C_DOMN, "Fmly", C_FMLY, F_NONE},
    {C_FMLY, "Cd", S_LEAF, F_FMLY},
    {C_FMLY, "SubFmlyCd", S_LEAF, F_SUBFMLY},
    {C_BTCP, "Cd", S_LEAF, F_BTC_PRTRY},
    {C_BTCP, "Issr", S_LEAF, F_BTC_ISSR},
    {C_NDTL, "Btch", C_BTCH, F_NONE},
    {C_NDTL, "TxDtls", C_TX, F_NONE},
    {C_BTCH, "MsgId", S_LEAF, F_BTCH_MSGID},
    {C_BTCH, "PmtInfId", S_LEAF, F_BTCH_PMTINFID},
    {C_BTCH, "NbOfTxs", S_LEAF, F_BTCH_NB},
    {C_BTCH, "TtlAmt", S_LEAF, F_BTCH_AMT},
    {C_BTCH, "CdtDbtInd", S_LEAF, F_BTCH_CDI},
    {C_TX, "Refs", C_REFS, F_NONE},
    {C_TX, "Amt", S_LEAF, F_AMT},
    {C_TX, "CdtDbtInd", S_LEAF, F_CDI},
    {C_TX, "AmtDtls", C_AMTDTLS, F_NONE},
    {C_TX, "BkTxCd", C_BTC, F_NONE},
    {C_TX, "RltdDts", C_RLTDDTS, F_NONE},
    {C_TX, "RtrInf", C_RTR, F_NONE},
    {C_REFS, "MsgId", S_LEAF, F_OMSGID},
    {C_REFS, "AcctSvcrRef", S_LEAF, F_ASREF},
    {C_REFS, "PmtInfId", S_LEAF, F_PMTINFID},
    {C_REFS, "InstrId", S_LEAF, F_INSTRID},
    {C_REFS, "EndToEndId", S_LEAF, F_E2E},
    {C_REFS, "MndtId", S_LEAF, F_MNDTID},
    {C_AMTDTLS, "InstdAmt", C_AMT_INST, F_NONE},
    {C_AMTDTLS, "TxAmt", C_AMT_TX, F_NONE},
    {C_AMT_INST, "Amt", S_LEAF, F_AMT_INST},
    {C_AMT_TX, "Amt", S_LEAF, F_AMT_TX},
    {C_RLTDDTS, "IntrBkSttlmDt", S_LEAF, F_ORIG_DATE},
    {C_RTR, "Rsn", P_RSNC, F_NONE},
    {C_RTR, "AddtlInf", S_LEAF, F_ADDTL},
};

/* ----------------------------------------------------------- reader state */

/* A record being built, with what the rules need besides the record. */
struct bf_rec {
	sepa_bankfile_record r;
	int has_rtr; /* camt: RtrInf present */
	int amt_prio; /* which amount element set r.amount (3 best) */
	int has_btc;
};

struct bf_batch {
	int present;
	long line;
	char msg_id[SEPA_BANKFILE_ID_BUFSZ];
	char pmt_inf_id[SEPA_BANKFILE_ID_BUFSZ];
	long nb_of_txs;
	int has_amount;
	int64_t amount;
	char currency[SEPA_BANKFILE_CODE_BUFSZ];
	enum sepa_bankfile_cdi cdi;
};

struct bf_frame {
	enum bf_state state;
	enum bf_field field;
	long line;
	char ccy[SEPA_BANKFILE_CODE_BUFSZ];
	char name[48]; /* for messages, cut to fit */
};

struct bf_ctx {
	struct xmlin in; /* the guarded reader, its name and error */
	const sepa_bankfile_opts *opts;
	sepa_bankfile_cb cb;
	void *cb_arg;
	sepa_bankfile_info *info;
	struct bf_frame *stack;
	int dispatched;
	char *doc_ns; /* namespace of the Document element, NULL: none seen */
	char *ns; /* namespace of the message element, once dispatched */
	int open; /* elements started and not yet ended */
	char *text;
	size_t text_len;
	size_t text_cap;
	/* records */
	char account[SEPA_BANKFILE_ID_BUFSZ];
	/* pain.002: what the original message was (OrgnlMsgNmId) */
	enum sepa_reason_family pain_family;
	struct bf_rec grp, blk, tx, pending;
	struct bf_rec *cur;
	struct bf_batch batch;
	int grp_seen;
	int has_pending;
	size_t grp_details; /* pain.002: transaction records in the file */
	size_t blk_details; /* pain.002 block / camt entry */
	size_t ndtl_details; /* camt: TxDtls in this NtryDtls */
	size_t entry_records; /* camt: records emitted for this entry */
};

/* ---------------------------------------------------------- value parsers */

/* 1 when s is a number in exponent notation: 1.475E1, 1e3, 2.5E-2. */
static int
bf_is_exponent(const char *s)
{
	size_t n = strspn(s, "0123456789.");

	if (n == 0 || strspn(s, ".") == n || (s[n] != 'E' && s[n] != 'e'))
		return 0;
	s += n + 1;
	if (*s == '+' || *s == '-')
		s++;
	n = strspn(s, "0123456789");
	return n > 0 && s[n] == '\0';
}

/*
 * Decimal text to cents, exactly: the xs:decimal form (digits, at most
 * one '.', an optional leading '+') with a digit after the point ("14."
 * is refused: a cut amount looks the same); decimals past the second
 * must be zeros. *why says what is wrong.
 */
static int
bf_parse_amount(int64_t *out, const char *s, const char **why)
{
	const char *p;
	int64_t v = 0;
	int frac = -1;
	int64_t cents = 0;

	if (*s == '+')
		s++;
	else if (*s == '-') {
		*why = L_("is negative");
		return -1;
	}
	/* the form first, so that the message names the real fault */
	for (p = s; *p != '\0'; p++) {
		if ((*p < '0' || *p > '9') && (*p != '.' || frac >= 0)) {
			*why = bf_is_exponent(s)
			    ? L_("is written with an exponent (E): a decimal "
			         "number such as 14.75 is expected")
			    : L_("is not a decimal number");
			return -1;
		}
		if (*p == '.')
			frac = 0;
	}
	if (p == s || (p == s + 1 && frac == 0)) {
		*why = L_("is not a decimal number");
		return -1;
	}
	if (p[-1] == '.') {
		*why = L_("has no digit after the decimal point");
		return -1;
	}
	frac = -1;
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			frac = 0;
			continue;
		}
		if (frac < 0) {
			if (v > (INT64_MAX / 100 - (*s - '0')) / 10) {
				*why = L_("is too large");
				return -1;
			}
			v = v * 10 + (*s - '0');
		} else if (frac < 2) {
			cents = cents * 10 + (*s - '0');
			frac++;
		} else if (*s != '0') {
			*why = L_("has more than 2 decimals");
			return -1;
		}
	}
	if (frac == 1)
		cents *= 10;
	if (v == INT64_MAX / 100 && cents > INT64_MAX % 100) {
		*why = L_("is too large");
		return -1;
	}
	*out = v * 100 + cents;
	return 0;
}

/* n digits at *s into *v, within lo..hi; *s moves past them. */
static int
bf_digits(const char **s, int n, int lo, int hi, int *v)
{
	int k;

	*v = 0;
	for (k = 0; k < n; k++, (*s)++) {
		if (**s < '0' || **s > '9')
			return -1;
		*v = *v * 10 + (**s - '0');
	}
	return *v >= lo && *v <= hi ? 0 : -1;
}

/* An optional time zone ("Z", "+02:00", "-05:30") then the end. */
static int
bf_zone_end(const char *s)
{
	int v;

	if (*s == 'Z')
		s++;
	else if (*s == '+' || *s == '-') {
		s++;
		if (bf_digits(&s, 2, 0, 14, &v) != 0 || *s++ != ':' ||
		    bf_digits(&s, 2, 0, 59, &v) != 0)
			return -1;
	}
	return *s == '\0' ? 0 : -1;
}

/*
 * ISODate "YYYY-MM-DD" (xs:date: a time zone may follow) or, with
 * date_time, ISODateTime "YYYY-MM-DDThh:mm:ss" with an optional
 * fraction of a second and zone. Nothing else may follow.
 */
static int
bf_parse_date(sepa_date *out, const char *s, int date_time)
{
	int y, m, d, v;

	if (bf_digits(&s, 4, 1, 9999, &y) != 0 || *s++ != '-' ||
	    bf_digits(&s, 2, 1, 12, &m) != 0 || *s++ != '-' ||
	    bf_digits(&s, 2, 1, 31, &d) != 0 || !sepa_date_valid(y, m, d))
		return -1;
	if (date_time) {
		if (*s++ != 'T' || bf_digits(&s, 2, 0, 23, &v) != 0 ||
		    *s++ != ':' || bf_digits(&s, 2, 0, 59, &v) != 0 ||
		    *s++ != ':' || bf_digits(&s, 2, 0, 59, &v) != 0)
			return -1;
		if (*s == '.') {
			if (s[1] < '0' || s[1] > '9')
				return -1;
			for (s++; *s >= '0' && *s <= '9'; s++)
				;
		}
	}
	if (bf_zone_end(s) != 0)
		return -1;
	out->year = y;
	out->month = m;
	out->day = d;
	return 0;
}

static int
bf_parse_count(long *out, const char *s)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > 99999999999999L)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

/* ------------------------------------------------------------ field store */

/* Append to reason_info with " | ", cut at a UTF-8 character boundary. */
static void
bf_append_info(char *dst, size_t size, const char *src)
{
	size_t len = strlen(dst);
	size_t add;

	if (len > 0 && len + 3 < size) {
		memcpy(dst + len, " | ", 4);
		len += 3;
	}
	add = strlen(src);
	if (len + add >= size) {
		add = size - 1 - len;
		while (add > 0 && ((unsigned char)src[add] & 0xC0) == 0x80)
			add--;
	}
	memcpy(dst + len, src, add);
	dst[len + add] = '\0';
}

static int
bf_set_amount(struct bf_ctx *c, struct bf_rec *rec, const char *text,
    const struct bf_frame *f, const char *elem, int prio)
{
	const char *why = "";
	int64_t v;

	if (bf_parse_amount(&v, text, &why) != 0)
		return xmlin_fail(&c->in, SEPA_EINVAL, f->line,
		    "element %s: amount \"%s\" %s", elem, text, why);
	if (rec->r.has_amount && rec->amt_prio > prio)
		return 0;
	rec->r.has_amount = 1;
	rec->r.amount = v;
	rec->amt_prio = prio;
	return xmlin_copy(&c->in, rec->r.currency, sizeof(rec->r.currency),
	    f->ccy, "Ccy", f->line);
}

static int
bf_set_cdi(struct bf_ctx *c, enum sepa_bankfile_cdi *out, const char *text,
    const char *elem, long line)
{
	if (strcmp(text, "CRDT") == 0)
		*out = SEPA_BANKFILE_CDI_CREDIT;
	else if (strcmp(text, "DBIT") == 0)
		*out = SEPA_BANKFILE_CDI_DEBIT;
	else
		return xmlin_fail(&c->in, SEPA_EINVAL, line,
		    "element %s: \"%s\" is neither CRDT nor DBIT", elem, text);
	return 0;
}

/* A date; a date-time when the element is DtTm or CreDtTm. */
static int
bf_set_date(struct bf_ctx *c, sepa_date *out, const char *text,
    const char *elem, long line)
{
	int date_time =
	    strcmp(elem, "DtTm") == 0 || strcmp(elem, "CreDtTm") == 0;

	if (bf_parse_date(out, text, date_time) != 0)
		return xmlin_fail(&c->in, SEPA_EINVAL, line,
		    date_time ? "element %s: \"%s\" is not a date-time "
		                "(YYYY-MM-DDThh:mm:ss, then an optional "
		                "fraction and time zone)"
		              : "element %s: \"%s\" is not a date "
		                "(YYYY-MM-DD, then an optional time zone)",
		    elem, text);
	return 0;
}

/* Store the text of a leaf element into the record being built. */
static int
bf_store(struct bf_ctx *c, const struct bf_frame *f, const char *elem,
    const char *text)
{
	struct bf_rec *rec = c->cur != NULL ? c->cur : &c->grp;
	sepa_bankfile_record *r = &rec->r;
	struct bf_batch *b = &c->batch;
	long l = f->line;

	switch (f->field) {
	case F_NONE:
		return 0;
	case F_MSGID:
		if (xmlin_copy(&c->in, c->grp.r.msg_id, sizeof(c->grp.r.msg_id),
		        text, elem, l) != 0)
			return SEPA_EINVAL;
		memcpy(
		    c->info->msg_id, c->grp.r.msg_id, sizeof(c->info->msg_id));
		return 0;
	case F_CREDTTM: {
		sepa_date day;

		if (bf_set_date(c, &day, text, elem, l) != 0)
			return SEPA_EINVAL;
		/* informative: a long fraction of a second is cut */
		snprintf(
		    c->info->created, sizeof(c->info->created), "%s", text);
		return 0;
	}
	case F_OMSGID:
		return xmlin_copy(&c->in, r->orig_msg_id,
		    sizeof(r->orig_msg_id), text, elem, l);
	case F_OMSGNMID:
		/* "pain.001.001.03", "PAIN.001", "pain.001.001.09.ch.03" */
		c->pain_family = strncasecmp(text, "pain.001", 8) == 0
		    ? SEPA_REASON_TRANSFER
		    : SEPA_REASON_DIRECT_DEBIT;
		return 0;
	case F_ONBTX:
		if (bf_parse_count(&r->nb_of_txs, text) != 0)
			return xmlin_fail(&c->in, SEPA_EINVAL, l,
			    "element %s: \"%s\" is not a number", elem, text);
		return 0;
	case F_OSUM:
		/* the control sum has no currency */
		return bf_set_amount(c, rec, text, f, elem, 3);
	case F_STS:
		return xmlin_copy(
		    &c->in, r->status, sizeof(r->status), text, elem, l);
	case F_PMTINFID:
		return xmlin_copy(&c->in, r->pmt_inf_id, sizeof(r->pmt_inf_id),
		    text, elem, l);
	case F_STSID:
		return xmlin_copy(
		    &c->in, r->status_id, sizeof(r->status_id), text, elem, l);
	case F_INSTRID:
		return xmlin_copy(
		    &c->in, r->instr_id, sizeof(r->instr_id), text, elem, l);
	case F_E2E:
		return xmlin_copy(&c->in, r->end_to_end_id,
		    sizeof(r->end_to_end_id), text, elem, l);
	case F_MNDTID:
		return xmlin_copy(&c->in, r->mandate_id, sizeof(r->mandate_id),
		    text, elem, l);
	case F_RSN_CD:
	case F_RSN_PRTRY:
		if (r->reason[0] != '\0')
			return 0;
		r->reason_proprietary = f->field == F_RSN_PRTRY;
		return xmlin_copy(
		    &c->in, r->reason, sizeof(r->reason), text, elem, l);
	case F_ADDTL:
		bf_append_info(r->reason_info, sizeof(r->reason_info), text);
		return 0;
	case F_AMT:
		return bf_set_amount(c, rec, text, f, elem, 3);
	case F_AMT_TX:
		return bf_set_amount(c, rec, text, f, elem, 2);
	case F_AMT_INST:
		return bf_set_amount(c, rec, text, f, elem, 1);
	case F_ORIG_DATE:
		return bf_set_date(c, &r->orig_date, text, elem, l);
	case F_ACCT:
		return xmlin_copy(
		    &c->in, c->account, sizeof(c->account), text, elem, l);
	case F_NTRYREF:
		return xmlin_copy(
		    &c->in, r->entry_ref, sizeof(r->entry_ref), text, elem, l);
	case F_CDI:
		return bf_set_cdi(c, &r->cdi, text, elem, l);
	case F_RVSL:
		if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0)
			r->reversal = 1;
		else if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0)
			r->reversal = 0;
		else
			return xmlin_fail(&c->in, SEPA_EINVAL, l,
			    "element %s: \"%s\" is not a boolean", elem, text);
		return 0;
	case F_BOOKG:
		return bf_set_date(c, &r->booking_date, text, elem, l);
	case F_VAL:
		return bf_set_date(c, &r->value_date, text, elem, l);
	case F_ASREF:
		return xmlin_copy(&c->in, r->acct_svcr_ref,
		    sizeof(r->acct_svcr_ref), text, elem, l);
	case F_DOMN:
		rec->has_btc = 1;
		return xmlin_copy(&c->in, r->btc_domain, sizeof(r->btc_domain),
		    text, elem, l);
	case F_FMLY:
		return xmlin_copy(&c->in, r->btc_family, sizeof(r->btc_family),
		    text, elem, l);
	case F_SUBFMLY:
		return xmlin_copy(&c->in, r->btc_subfamily,
		    sizeof(r->btc_subfamily), text, elem, l);
	case F_BTC_PRTRY:
		rec->has_btc = 1;
		return xmlin_copy(&c->in, r->btc_proprietary,
		    sizeof(r->btc_proprietary), text, elem, l);
	case F_BTC_ISSR:
		return xmlin_copy(&c->in, r->btc_issuer, sizeof(r->btc_issuer),
		    text, elem, l);
	case F_BTCH_MSGID:
		return xmlin_copy(
		    &c->in, b->msg_id, sizeof(b->msg_id), text, elem, l);
	case F_BTCH_PMTINFID:
		return xmlin_copy(&c->in, b->pmt_inf_id, sizeof(b->pmt_inf_id),
		    text, elem, l);
	case F_BTCH_NB:
		if (bf_parse_count(&b->nb_of_txs, text) != 0)
			return xmlin_fail(&c->in, SEPA_EINVAL, l,
			    "element %s: \"%s\" is not a number", elem, text);
		return 0;
	case F_BTCH_AMT: {
		const char *why = "";

		if (bf_parse_amount(&b->amount, text, &why) != 0)
			return xmlin_fail(&c->in, SEPA_EINVAL, l,
			    "element %s: amount \"%s\" %s", elem, text, why);
		b->has_amount = 1;
		return xmlin_copy(
		    &c->in, b->currency, sizeof(b->currency), f->ccy, "Ccy", l);
	}
	case F_BTCH_CDI:
		return bf_set_cdi(c, &b->cdi, text, elem, l);
	}
	return 0;
}

/* ---------------------------------------------------------------- records */

static void
bf_rec_reset(struct bf_rec *rec, long line)
{
	memset(rec, 0, sizeof(*rec));
	rec->r.nb_of_txs = -1;
	rec->r.line = line;
}

static int
bf_is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static enum sepa_bankfile_kind
bf_kind_pain(const sepa_bankfile_record *r)
{
	if (bf_is(r->status, "RJCT"))
		return SEPA_BANKFILE_REJECT;
	if (bf_is(r->status, "ACSC"))
		return SEPA_BANKFILE_CONFIRMATION;
	return SEPA_BANKFILE_INFO;
}

/*
 * The camt rules of bankfile.h, in that order. The bank transaction
 * family decides, not the domain nor the sub-family, which banks
 * misspell, leave out or reuse (a return booked PMNT/IDDT/ESDD).
 */
static enum sepa_bankfile_kind
bf_kind_camt(const struct bf_rec *rec)
{
	const sepa_bankfile_record *r = &rec->r;
	int iddt = bf_is(r->btc_family, "IDDT");
	int dd = iddt || bf_is(r->btc_family, "RDDT");
	int debit = r->cdi == SEPA_BANKFILE_CDI_DEBIT;

	if ((iddt && rec->has_rtr) ||
	    (debit && (rec->has_rtr || iddt || (r->reversal && dd))))
		return !r->reason_proprietary && bf_is(r->reason, "MD06")
		    ? SEPA_BANKFILE_REFUND
		    : SEPA_BANKFILE_RETURN;
	if (r->reversal)
		return SEPA_BANKFILE_REVERSAL;
	if (r->cdi == SEPA_BANKFILE_CDI_CREDIT && dd)
		return SEPA_BANKFILE_CONFIRMATION;
	return SEPA_BANKFILE_INFO;
}

static int
bf_emit(struct bf_ctx *c, sepa_bankfile_record *r)
{
	size_t n = c->info->records;
	int rc;

	if (n >= c->opts->max_records)
		return xmlin_fail(&c->in, SEPA_ELIMIT, r->line,
		    "too many records: the limit is %zu", c->opts->max_records);
	r->index = n;
	/* what the reason was given for: a transfer only when the file
	 * says so (pain.001 origin, a family other than IDDT/RDDT) */
	if (c->info->type == SEPA_BANKFILE_PAIN002)
		r->family = c->pain_family;
	else
		r->family = r->btc_family[0] != '\0' &&
		        !bf_is(r->btc_family, "IDDT") &&
		        !bf_is(r->btc_family, "RDDT")
		    ? SEPA_REASON_TRANSFER
		    : SEPA_REASON_DIRECT_DEBIT;
	if (r != &c->grp.r)
		memcpy(r->msg_id, c->grp.r.msg_id, sizeof(r->msg_id));
	c->info->records++;
	c->info->by_kind[r->kind]++;
	if (c->cb == NULL)
		return 0;
	rc = c->cb(r, c->cb_arg);
	if (rc != 0)
		return xmlin_fail(&c->in, rc < 0 ? rc : SEPA_ESTATE, r->line,
		    "reading stopped by the record callback (%d) at record %zu",
		    rc, n);
	return 0;
}

/* Inherit the reason of an enclosing level when the record has none. */
static void
bf_inherit_reason(sepa_bankfile_record *r, const sepa_bankfile_record *from)
{
	if (r->reason[0] != '\0' || from->reason[0] == '\0')
		return;
	memcpy(r->reason, from->reason, sizeof(r->reason));
	r->reason_proprietary = from->reason_proprietary;
	if (r->reason_info[0] == '\0')
		memcpy(
		    r->reason_info, from->reason_info, sizeof(r->reason_info));
}

static int
bf_pain_tx(struct bf_ctx *c)
{
	sepa_bankfile_record *r = &c->tx.r;

	r->level = SEPA_BANKFILE_TRANSACTION;
	memcpy(r->orig_msg_id, c->grp.r.orig_msg_id, sizeof(r->orig_msg_id));
	memcpy(r->pmt_inf_id, c->blk.r.pmt_inf_id, sizeof(r->pmt_inf_id));
	if (r->status[0] == '\0')
		memcpy(r->status,
		    c->blk.r.status[0] != '\0' ? c->blk.r.status
		                               : c->grp.r.status,
		    sizeof(r->status));
	bf_inherit_reason(r, &c->blk.r);
	bf_inherit_reason(r, &c->grp.r);
	r->kind = bf_kind_pain(r);
	c->blk_details++;
	c->grp_details++;
	return bf_emit(c, r);
}

static int
bf_pain_block(struct bf_ctx *c)
{
	sepa_bankfile_record *r = &c->blk.r;

	if (r->status[0] == '\0')
		return 0;
	r->level = SEPA_BANKFILE_BLOCK;
	memcpy(r->orig_msg_id, c->grp.r.orig_msg_id, sizeof(r->orig_msg_id));
	r->details = c->blk_details;
	r->kind = bf_kind_pain(r);
	return bf_emit(c, r);
}

static int
bf_pain_group(struct bf_ctx *c)
{
	sepa_bankfile_record *r = &c->grp.r;

	if (!c->grp_seen || r->status[0] == '\0')
		return 0;
	r->level = SEPA_BANKFILE_GROUP;
	r->details = c->grp_details;
	r->kind = bf_kind_pain(r);
	return bf_emit(c, r);
}

/* Complete a camt record with what its entry and batch say. */
static void
bf_camt_merge(struct bf_ctx *c, struct bf_rec *rec)
{
	sepa_bankfile_record *r = &rec->r;
	const struct bf_rec *e = &c->blk;
	const sepa_bankfile_record *er = &e->r;

	memcpy(r->status, er->status, sizeof(r->status));
	memcpy(r->entry_ref, er->entry_ref, sizeof(r->entry_ref));
	memcpy(r->account, c->account, sizeof(r->account));
	r->booking_date = er->booking_date;
	r->value_date = er->value_date;
	r->reversal = er->reversal;
	if (r->cdi == SEPA_BANKFILE_CDI_NONE)
		r->cdi = er->cdi;
	if (r->acct_svcr_ref[0] == '\0')
		memcpy(r->acct_svcr_ref, er->acct_svcr_ref,
		    sizeof(r->acct_svcr_ref));
	if (!rec->has_btc) {
		memcpy(r->btc_domain, er->btc_domain, sizeof(r->btc_domain));
		memcpy(r->btc_family, er->btc_family, sizeof(r->btc_family));
		memcpy(r->btc_subfamily, er->btc_subfamily,
		    sizeof(r->btc_subfamily));
		memcpy(r->btc_proprietary, er->btc_proprietary,
		    sizeof(r->btc_proprietary));
		memcpy(r->btc_issuer, er->btc_issuer, sizeof(r->btc_issuer));
	}
	if (c->batch.present) {
		if (r->pmt_inf_id[0] == '\0')
			memcpy(r->pmt_inf_id, c->batch.pmt_inf_id,
			    sizeof(r->pmt_inf_id));
		if (r->orig_msg_id[0] == '\0')
			memcpy(r->orig_msg_id, c->batch.msg_id,
			    sizeof(r->orig_msg_id));
	}
}

static int
bf_camt_flush(struct bf_ctx *c)
{
	sepa_bankfile_record *r = &c->pending.r;

	if (!c->has_pending)
		return 0;
	c->has_pending = 0;
	/* The entry amount is the transaction's when it has only this one. */
	if (!r->has_amount && c->blk_details == 1 && c->blk.r.has_amount) {
		r->has_amount = 1;
		r->amount = c->blk.r.amount;
		memcpy(r->currency, c->blk.r.currency, sizeof(r->currency));
	}
	r->kind = bf_kind_camt(&c->pending);
	c->entry_records++;
	return bf_emit(c, r);
}

static int
bf_camt_tx(struct bf_ctx *c)
{
	int rc;

	/* counted first, so that the pending one knows it is not alone */
	c->blk_details++;
	c->ndtl_details++;
	if ((rc = bf_camt_flush(c)) != 0)
		return rc;
	c->tx.r.level = SEPA_BANKFILE_TRANSACTION;
	bf_camt_merge(c, &c->tx);
	c->pending = c->tx;
	c->has_pending = 1;
	return 0;
}

/*
 * End of NtryDtls: a batch that lists no transaction, or fewer than its
 * NbOfTxs, gives a block record standing for the whole batch.
 */
static int
bf_camt_batch(struct bf_ctx *c)
{
	struct bf_rec rec;
	struct bf_batch *b = &c->batch;
	int rc;

	if ((rc = bf_camt_flush(c)) != 0)
		return rc;
	if (!b->present ||
	    (c->ndtl_details > 0 &&
	        (b->nb_of_txs < 0 || (size_t)b->nb_of_txs <= c->ndtl_details)))
		return 0;
	bf_rec_reset(&rec, b->line);
	rec.r.level = SEPA_BANKFILE_BLOCK;
	rec.r.details = c->ndtl_details;
	rec.r.nb_of_txs = b->nb_of_txs;
	rec.r.cdi = b->cdi;
	if (b->has_amount) {
		rec.r.has_amount = 1;
		rec.r.amount = b->amount;
		memcpy(rec.r.currency, b->currency, sizeof(rec.r.currency));
	} else if (c->blk.r.has_amount) {
		rec.r.has_amount = 1;
		rec.r.amount = c->blk.r.amount;
		memcpy(
		    rec.r.currency, c->blk.r.currency, sizeof(rec.r.currency));
	}
	bf_camt_merge(c, &rec);
	rec.r.kind = bf_kind_camt(&rec);
	c->entry_records++;
	return bf_emit(c, &rec.r);
}

/* End of Ntry: an entry that gave no record gives one of its own. */
static int
bf_camt_entry(struct bf_ctx *c)
{
	struct bf_rec rec;
	int rc;

	if ((rc = bf_camt_flush(c)) != 0)
		return rc;
	if (c->entry_records > 0)
		return 0;
	rec = c->blk;
	rec.r.level = SEPA_BANKFILE_TRANSACTION;
	memcpy(rec.r.account, c->account, sizeof(rec.r.account));
	rec.r.kind = bf_kind_camt(&rec);
	c->entry_records++;
	return bf_emit(c, &rec.r);
}

/* --------------------------------------------------------------- dispatch */

/* The namespace of every ISO 20022 message: this prefix, then its name. */
#define BF_ISO_NS "urn:iso:std:iso:20022:tech:xsd:"

struct bf_msg {
	const char *element;
	enum sepa_bankfile_type type;
	const char *prefix; /* message name in the namespace */
	int min_version;
	int max_version;
};

/*
 * The messages and the ISO versions sepad reads (pain.002.001.14 and
 * camt.05x.001.13 were the latest published in 2025). Element paths
 * differ between them only where the state table lists both forms.
 */
static const struct bf_msg bf_msgs[] = {
    {"CstmrPmtStsRpt", SEPA_BANKFILE_PAIN002, "pain.002", 3, 14},
    {"BkToCstmrAcctRpt", SEPA_BANKFILE_CAMT052, "camt.052", 2, 13},
    {"BkToCstmrStmt", SEPA_BANKFILE_CAMT053, "camt.053", 2, 13},
    {"BkToCstmrDbtCdtNtfctn", SEPA_BANKFILE_CAMT054, "camt.054", 2, 13},
};

/*
 * Bank variants outside the ISO series, by their exact namespace, with
 * the message they are built on (its elements are read the same way).
 */
static const struct bf_variant {
	const char *ns;
	const char *message; /* info->message */
	const char *name; /* in the list of known versions */
} bf_variants[] = {
    /* German banking sector (DK, DFÜ-Abkommen Anlage 3) */
    {BF_ISO_NS "pain.002.002.03", "pain.002.002.03", "pain.002.002.03"},
    {BF_ISO_NS "pain.002.003.03", "pain.002.003.03", "pain.002.003.03"},
    /* Swiss Payment Standards 2009 (SIX Interbank Clearing) */
    {"http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd",
        "pain.002.001.03", "pain.002.001.03.ch.02 (SIX)"},
};

#define BF_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * 1 when s[0..n) has the shape "aaaa.999.999.99" of an ISO message
 * identifier (pain.002.001.03, camt.054.001.08).
 */
static int
bf_is_message_id(const char *s, size_t n)
{
	static const char shape[] = "aaaa.999.999.99";
	size_t k;

	if (n < sizeof(shape) - 1)
		return 0;
	for (k = 0; k < sizeof(shape) - 1; k++) {
		char ch = s[k];

		if (shape[k] == 'a'       ? !(ch >= 'a' && ch <= 'z')
		        : shape[k] == '9' ? !(ch >= '0' && ch <= '9')
		                          : ch != '.')
			return 0;
	}
	return 1;
}

/*
 * Find "xxxx.nnn.nnn.nn" in a namespace URI that is not a known one, to
 * say in the message what it looks like (".../pain.002.001.03.xsd").
 */
static int
bf_ns_message(char *out, size_t size, const char *ns)
{
	const size_t n = 15;
	size_t len = strlen(ns);
	size_t i;

	for (i = 0; i + n <= len; i++) {
		if (bf_is_message_id(ns + i, n) &&
		    (i + n == len || ns[i + n] < '0' || ns[i + n] > '9')) {
			if (size <= n)
				return -1;
			memcpy(out, ns + i, n);
			out[n] = '\0';
			return 0;
		}
	}
	return -1;
}

/*
 * "ISO 20022 pain.002.001.03 to .14; bank variants pain.002.002.03, ...":
 * the namespaces m may have.
 */
static void
bf_known_versions(char *out, size_t size, const struct bf_msg *m)
{
	const char *sep = "; bank variants ";
	size_t i;
	int n;

	n = snprintf(out, size, "ISO 20022 %s.001.%02d to .%02d", m->prefix,
	    m->min_version, m->max_version);
	for (i = 0; i < BF_NELEM(bf_variants) && n > 0 && (size_t)n < size;
	     i++) {
		if (strncmp(bf_variants[i].message, m->prefix, 8) != 0)
			continue;
		n += snprintf(out + n, size - (size_t)n, "%s%s", sep,
		    bf_variants[i].name);
		sep = ", ";
	}
}

/*
 * Check the namespace of the message element against the exact list of
 * known ones: the ISO namespace of a supported version, or a bank
 * variant. Fills c->info->message. A document without a namespace is
 * read (info->ns is then ""): the caller decides what to do with it.
 */
static int
bf_check_ns(struct bf_ctx *c, const struct bf_msg *m, const char *elem,
    const char *ns, long line)
{
	const size_t plen = sizeof(BF_ISO_NS) - 1;
	char known[256];
	char id[32] = "";
	size_t i;
	int variant;
	int version;

	if (ns[0] == '\0')
		return 0;
	for (i = 0; i < BF_NELEM(bf_variants); i++) {
		if (strcmp(ns, bf_variants[i].ns) != 0)
			continue;
		if (strncmp(bf_variants[i].message, m->prefix, 8) != 0)
			return xmlin_fail(&c->in, SEPA_EINVAL, line,
			    "root element %s does not match namespace %s", elem,
			    bf_variants[i].message);
		snprintf(c->info->message, sizeof(c->info->message), "%s",
		    bf_variants[i].message);
		return 0;
	}
	bf_known_versions(known, sizeof(known), m);
	if (strncmp(ns, BF_ISO_NS, plen) != 0 || strlen(ns + plen) != 15 ||
	    !bf_is_message_id(ns + plen, 15)) {
		if (bf_ns_message(id, sizeof(id), ns) == 0)
			return xmlin_fail(&c->in, SEPA_EINVAL, line,
			    "unknown namespace \"%s\" for root element %s: "
			    "it is not the ISO 20022 namespace " BF_ISO_NS
			    "%s nor a known bank variant (known: %s)",
			    ns, elem, id, known);
		return xmlin_fail(&c->in, SEPA_EINVAL, line,
		    "unknown namespace \"%s\" for root element %s (known: "
		    "%s)",
		    ns, elem, known);
	}
	memcpy(id, ns + plen, 15);
	id[15] = '\0';
	if (strncmp(id, m->prefix, 8) != 0)
		return xmlin_fail(&c->in, SEPA_EINVAL, line,
		    "root element %s does not match namespace %s", elem, id);
	variant = atoi(id + 9);
	version = atoi(id + 13);
	if (variant != 1 || version < m->min_version ||
	    version > m->max_version)
		return xmlin_fail(&c->in, SEPA_EINVAL, line,
		    "unsupported message version %s (known: %s)", id, known);
	snprintf(c->info->message, sizeof(c->info->message), "%s", id);
	return 0;
}

static int
bf_dispatch(struct bf_ctx *c, const char *elem, const char *ns, long line,
    enum bf_state *to)
{
	const struct bf_msg *m = NULL;
	char id[32] = "";
	size_t i;
	int rc;

	if (ns == NULL)
		ns = "";
	snprintf(c->info->ns, sizeof(c->info->ns), "%s", ns);
	for (i = 0; i < BF_NELEM(bf_msgs); i++)
		if (strcmp(bf_msgs[i].element, elem) == 0)
			m = &bf_msgs[i];
	if (m == NULL) {
		if (ns[0] != '\0')
			(void)bf_ns_message(id, sizeof(id), ns);
		return xmlin_fail(&c->in, SEPA_EINVAL, line,
		    "not a bank return file: root element %s (%s)", elem,
		    id[0] != '\0'       ? id
		        : ns[0] != '\0' ? ns
		                        : "no namespace");
	}
	c->info->type = m->type;
	if (c->doc_ns != NULL && strcmp(ns, c->doc_ns) != 0)
		return xmlin_fail(&c->in, SEPA_EINVAL, line,
		    "root element %s is in namespace \"%s\" but its Document "
		    "in \"%s\"",
		    elem, ns, c->doc_ns);
	if ((rc = bf_check_ns(c, m, elem, ns, line)) != 0)
		return rc;
	if ((c->ns = strdup(ns)) == NULL)
		return xmlin_fail(&c->in, SEPA_ENOMEM, line, "out of memory");
	*to = m->type == SEPA_BANKFILE_PAIN002 ? P_RPT : C_MSG;
	c->dispatched = 1;
	return 0;
}

/* ------------------------------------------------------------ node events */

static void
bf_open(struct bf_ctx *c, enum bf_state s, long line)
{
	switch (s) {
	case P_OGRP:
		c->grp_seen = 1;
		c->grp.r.line = line;
		c->cur = &c->grp;
		break;
	case C_STMT:
		c->account[0] = '\0';
		c->cur = &c->grp;
		break;
	case P_OPMT:
	case C_NTRY:
		bf_rec_reset(&c->blk, line);
		c->blk_details = 0;
		c->entry_records = 0;
		c->has_pending = 0;
		memset(&c->batch, 0, sizeof(c->batch));
		c->cur = &c->blk;
		break;
	case C_NDTL:
		memset(&c->batch, 0, sizeof(c->batch));
		c->batch.nb_of_txs = -1;
		c->ndtl_details = 0;
		break;
	case C_BTCH:
		c->batch.present = 1;
		c->batch.line = line;
		break;
	case P_TX:
	case C_TX:
		bf_rec_reset(&c->tx, line);
		c->cur = &c->tx;
		break;
	case C_RTR:
		if (c->cur != NULL)
			c->cur->has_rtr = 1;
		break;
	default:
		break;
	}
}

static int
bf_close(struct bf_ctx *c, enum bf_state s)
{
	int rc = 0;

	switch (s) {
	case P_RPT:
		rc = bf_pain_group(c);
		break;
	case P_OGRP:
		c->cur = NULL;
		break;
	case P_OPMT:
		rc = bf_pain_block(c);
		c->cur = NULL;
		break;
	case P_TX:
		rc = bf_pain_tx(c);
		c->cur = &c->blk;
		break;
	case C_TX:
		rc = bf_camt_tx(c);
		c->cur = &c->blk;
		break;
	case C_NDTL:
		rc = bf_camt_batch(c);
		break;
	case C_NTRY:
		rc = bf_camt_entry(c);
		c->cur = &c->grp;
		break;
	default:
		break;
	}
	return rc;
}

static char *
bf_trim(char *s, size_t len)
{
	while (len > 0 &&
	    (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
	        s[len - 1] == '\r'))
		len--;
	s[len] = '\0';
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

static int
bf_end(struct bf_ctx *c, int depth, const char *elem)
{
	struct bf_frame *f = &c->stack[depth];
	int rc = 0;

	if (f->field != F_NONE) {
		char *text = bf_trim(c->text, c->text_len);

		if (text[0] != '\0')
			rc = bf_store(c, f, elem, text);
	}
	c->text_len = 0;
	c->open = depth;
	if (rc == 0)
		rc = bf_close(c, f->state);
	return rc;
}

static int
bf_start(struct bf_ctx *c)
{
	const char *elem =
	    (const char *)xmlTextReaderConstLocalName(c->in.reader);
	const char *ns =
	    (const char *)xmlTextReaderConstNamespaceUri(c->in.reader);
	int depth = xmlTextReaderDepth(c->in.reader);
	long line = xmlin_line(&c->in);
	enum bf_state parent;
	enum bf_state to = S_SKIP;
	enum bf_field field = F_NONE;
	struct bf_frame *f;
	size_t i;
	int rc;

	if (elem == NULL)
		return xmlin_fail(&c->in, SEPA_ENOMEM, line, "out of memory");
	if (depth < 0 || depth >= c->opts->max_depth)
		return xmlin_fail(&c->in, SEPA_ELIMIT, line,
		    "elements nested deeper than %d (element %s)",
		    c->opts->max_depth, elem);
	parent = depth == 0 ? S_TOP : c->stack[depth - 1].state;
	c->text_len = 0;
	if (parent == S_TOP && strcmp(elem, "Document") == 0) {
		if ((c->doc_ns = strdup(ns != NULL ? ns : "")) == NULL)
			return xmlin_fail(
			    &c->in, SEPA_ENOMEM, line, "out of memory");
		to = S_DOC;
	} else if (parent == S_TOP || (parent == S_DOC && !c->dispatched)) {
		if ((rc = bf_dispatch(c, elem, ns, line, &to)) != 0)
			return rc;
	} else if (parent == S_LEAF) {
		return xmlin_fail(&c->in, SEPA_EINVAL, line,
		    "element %s holds an element (%s) where text is expected",
		    c->stack[depth - 1].name, elem);
	} else if (parent != S_SKIP) {
		for (i = 0; i < sizeof(bf_rows) / sizeof(bf_rows[0]); i++) {
			if (bf_rows[i].from == parent &&
			    strcmp(bf_rows[i].name, elem) == 0) {
				to = bf_rows[i].to;
				field = bf_rows[i].field;
				break;
			}
		}
		/* an element read must be of the message's own namespace */
		if (to != S_SKIP && strcmp(ns != NULL ? ns : "", c->ns) != 0)
			return xmlin_fail(&c->in, SEPA_EINVAL, line,
			    "element %s is in namespace \"%s\", not in the "
			    "document's \"%s\"",
			    elem, ns != NULL ? ns : "", c->ns);
	}
	f = &c->stack[depth];
	f->state = to;
	f->field = field;
	f->line = line;
	f->ccy[0] = '\0';
	snprintf(f->name, sizeof(f->name), "%s", elem);
	c->open = depth + 1;
	if (field == F_AMT || field == F_AMT_TX || field == F_AMT_INST ||
	    field == F_BTCH_AMT) {
		xmlChar *ccy = xmlTextReaderGetAttribute(
		    c->in.reader, (const xmlChar *)"Ccy");

		if (ccy != NULL) {
			rc = xmlin_copy(&c->in, f->ccy, sizeof(f->ccy),
			    (const char *)ccy, "Ccy", line);
			xmlFree(ccy);
			if (rc != 0)
				return rc;
		}
	}
	bf_open(c, to, line);
	if (xmlTextReaderIsEmptyElement(c->in.reader))
		return bf_end(c, depth, elem);
	return 0;
}

static int
bf_text(struct bf_ctx *c)
{
	const char *v = (const char *)xmlTextReaderConstValue(c->in.reader);
	int depth = xmlTextReaderDepth(c->in.reader);
	size_t len;
	char *p;

	if (v == NULL || depth < 1 || depth > c->opts->max_depth)
		return 0;
	len = strlen(v);
	if (len > c->opts->max_text || c->text_len + len > c->opts->max_text)
		return xmlin_fail(&c->in, SEPA_ELIMIT, xmlin_line(&c->in),
		    "text longer than %zu bytes", c->opts->max_text);
	if (c->stack[depth - 1].field == F_NONE)
		return 0;
	if (c->text_len + len + 1 > c->text_cap) {
		size_t cap = c->text_cap * 2;

		while (cap < c->text_len + len + 1)
			cap *= 2;
		p = realloc(c->text, cap);
		if (p == NULL)
			return xmlin_fail(
			    &c->in, SEPA_ENOMEM, 0, "out of memory");
		c->text = p;
		c->text_cap = cap;
	}
	memcpy(c->text + c->text_len, v, len);
	c->text_len += len;
	c->text[c->text_len] = '\0';
	return 0;
}

/* ------------------------------------------------------------- main loop */

static int
bf_run(struct bf_ctx *c)
{
	int ret = 0;
	int rc = 0;

	while (rc == 0 && (ret = xmlTextReaderRead(c->in.reader)) == 1) {
		int type = xmlTextReaderNodeType(c->in.reader);

		switch (type) {
		case XML_READER_TYPE_ELEMENT:
			rc = bf_start(c);
			break;
		case XML_READER_TYPE_END_ELEMENT: {
			const char *elem =
			    (const char *)xmlTextReaderConstLocalName(
			        c->in.reader);
			int depth = xmlTextReaderDepth(c->in.reader);

			if (depth >= 0 && depth < c->opts->max_depth)
				rc = bf_end(c, depth, elem != NULL ? elem : "");
			break;
		}
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_WHITESPACE:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
			rc = bf_text(c);
			break;
		default:
			rc = xmlin_refuse_node(&c->in, type);
			break;
		}
	}
	c->info->bytes = c->in.g.total;
	if (rc != 0)
		return rc;
	if ((rc = xmlin_result(&c->in, ret,
	         c->open > 0 ? c->stack[0].name : NULL, c->stack[0].line)) != 0)
		return rc;
	if (!c->dispatched) {
		return xmlin_fail(&c->in, SEPA_EXML, c->in.g.line,
		    "no message element in the document");
	}
	return 0;
}

int
sepa_bankfile_read_io(sepa_bankfile_input input, void *input_arg,
    const char *name, const sepa_bankfile_opts *opts, sepa_bankfile_cb cb,
    void *cb_arg, sepa_bankfile_info *info, sepa_error *err)
{
	sepa_bankfile_opts o = SEPA_BANKFILE_OPTS_INIT;
	sepa_bankfile_info local_info;
	struct bf_ctx *c = NULL;
	int rc;

	if (opts != NULL) {
		if (opts->max_bytes > 0)
			o.max_bytes = opts->max_bytes;
		if (opts->max_depth > 0)
			o.max_depth = opts->max_depth < SEPA_BANKFILE_DEPTH_CAP
			    ? opts->max_depth
			    : SEPA_BANKFILE_DEPTH_CAP;
		if (opts->max_text > 0)
			o.max_text = opts->max_text;
		if (opts->max_records > 0)
			o.max_records = opts->max_records;
	}
	if (info == NULL)
		info = &local_info;
	memset(info, 0, sizeof(*info));
	if (input == NULL)
		return sepa_error_setw(
		    err, SEPA_EINVAL, name, 0, "no input to read");

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return sepa_error_setw(
		    err, SEPA_ENOMEM, name, 0, "out of memory");
	c->opts = &o;
	c->cb = cb;
	c->cb_arg = cb_arg;
	c->info = info;
	c->stack = calloc((size_t)o.max_depth + 1, sizeof(*c->stack));
	c->text_cap = 256;
	c->text = malloc(c->text_cap);
	if (c->stack == NULL || c->text == NULL) {
		rc =
		    sepa_error_setw(err, SEPA_ENOMEM, name, 0, "out of memory");
		goto cleanup;
	}
	c->text[0] = '\0';
	bf_rec_reset(&c->grp, 0);
	if ((rc = xmlin_open(&c->in, input, input_arg, name, "bank files",
	         o.max_bytes, o.max_text, err)) == 0)
		rc = bf_run(c);

cleanup:
	xmlin_close(&c->in);
	free(c->stack);
	free(c->text);
	free(c->doc_ns);
	free(c->ns);
	free(c);
	return rc;
}

int
sepa_bankfile_read_fd(int fd, const char *name, const sepa_bankfile_opts *opts,
    sepa_bankfile_cb cb, void *cb_arg, sepa_bankfile_info *info,
    sepa_error *err)
{
	return sepa_bankfile_read_io(
	    xmlin_fd_input, &fd, name, opts, cb, cb_arg, info, err);
}

int
sepa_bankfile_read_mem(const char *buf, size_t len, const char *name,
    const sepa_bankfile_opts *opts, sepa_bankfile_cb cb, void *cb_arg,
    sepa_bankfile_info *info, sepa_error *err)
{
	struct xmlin_mem in = {buf, buf != NULL ? len : 0, 0};

	return sepa_bankfile_read_io(
	    xmlin_mem_input, &in, name, opts, cb, cb_arg, info, err);
}

int
sepa_bankfile_read_file(const char *path, const sepa_bankfile_opts *opts,
    sepa_bankfile_cb cb, void *cb_arg, sepa_bankfile_info *info,
    sepa_error *err)
{
	size_t max = opts != NULL && opts->max_bytes > 0
	    ? opts->max_bytes
	    : SEPA_BANKFILE_DEFAULT_MAX_BYTES;
	int fd;
	int rc;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if ((rc = xmlin_open_file(path, max, &fd, err)) != 0)
		return rc;
	rc = sepa_bankfile_read_fd(fd, path, opts, cb, cb_arg, info, err);
	close(fd);
	return rc;
}

const char *
sepa_bankfile_kind_name(enum sepa_bankfile_kind kind)
{
	switch (kind) {
	case SEPA_BANKFILE_INFO:
		return "info";
	case SEPA_BANKFILE_REJECT:
		return "reject";
	case SEPA_BANKFILE_RETURN:
		return "return";
	case SEPA_BANKFILE_REFUND:
		return "refund";
	case SEPA_BANKFILE_REVERSAL:
		return "reversal";
	case SEPA_BANKFILE_CONFIRMATION:
		return "confirmation";
	}
	return "unknown";
}

const char *
sepa_bankfile_level_name(enum sepa_bankfile_level level)
{
	switch (level) {
	case SEPA_BANKFILE_GROUP:
		return "group";
	case SEPA_BANKFILE_BLOCK:
		return "block";
	case SEPA_BANKFILE_TRANSACTION:
		return "transaction";
	}
	return "unknown";
}

const char *
sepa_bankfile_type_name(enum sepa_bankfile_type type)
{
	switch (type) {
	case SEPA_BANKFILE_PAIN002:
		return "pain.002";
	case SEPA_BANKFILE_CAMT052:
		return "camt.052";
	case SEPA_BANKFILE_CAMT053:
		return "camt.053";
	case SEPA_BANKFILE_CAMT054:
		return "camt.054";
	case SEPA_BANKFILE_UNKNOWN:
		break;
	}
	return "unknown";
}
