/*
 * test_bankfile.c - the bank-file reader: every sample of tests/data/bank,
 * the tolerated oddities, bad values and hostile inputs.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sepa/bankfile.h"
#include "unit_files.h"

#define DATA "tests/data/bank/"
#define NS054 "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"

/* ------------------------------------------------------------ collecting */

struct got {
	sepa_bankfile_record *recs;
	size_t n;
	size_t cap;
	int rc;
	sepa_error err;
	sepa_bankfile_info info;
};

static int
collect_cb(const sepa_bankfile_record *rec, void *arg)
{
	struct got *g = arg;

	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		sepa_bankfile_record *p = realloc(g->recs, cap * sizeof(*p));

		if (p == NULL)
			return SEPA_ENOMEM;
		g->recs = p;
		g->cap = cap;
	}
	g->recs[g->n++] = *rec;
	return 0;
}

static void
got_init(struct got *g)
{
	memset(g, 0, sizeof(*g));
	sepa_error_clear(&g->err);
}

static void
read_path(struct got *g, const char *path)
{
	got_init(g);
	g->rc = sepa_bankfile_read_file(
	    path, NULL, collect_cb, g, &g->info, &g->err);
}

static void
read_buf(
    struct got *g, const char *buf, size_t len, const sepa_bankfile_opts *opts)
{
	got_init(g);
	g->rc = sepa_bankfile_read_mem(
	    buf, len, "test.xml", opts, collect_cb, g, &g->info, &g->err);
}

struct trickle {
	const char *buf;
	size_t len;
	size_t pos;
};

static long
trickle_read(void *arg, char *buf, size_t len)
{
	struct trickle *t = arg;

	if (t->pos == t->len || len == 0)
		return 0;
	buf[0] = t->buf[t->pos++];
	return 1;
}

/* Feed the reader one byte per call. */
static void
read_trickle(struct got *g, const char *buf, size_t len)
{
	struct trickle t = {buf, len, 0};

	got_init(g);
	g->rc = sepa_bankfile_read_io(trickle_read, &t, "trickle.xml", NULL,
	    collect_cb, g, &g->info, &g->err);
}

static void
read_str(struct got *g, const char *s)
{
	read_buf(g, s, strlen(s), NULL);
}

/* ------------------------------------------------------ sample expectations */

#define NOAMT INT64_C(-1)
#define K_INFO SEPA_BANKFILE_INFO
#define K_RJCT SEPA_BANKFILE_REJECT
#define K_RTRN SEPA_BANKFILE_RETURN
#define K_RFND SEPA_BANKFILE_REFUND
#define K_RVSL SEPA_BANKFILE_REVERSAL
#define K_CONF SEPA_BANKFILE_CONFIRMATION
#define L_GRP SEPA_BANKFILE_GROUP
#define L_BLK SEPA_BANKFILE_BLOCK
#define L_TX SEPA_BANKFILE_TRANSACTION

/* One expected record; amount NOAMT = none; info NULL = not checked. */
struct exp_rec {
	size_t index;
	enum sepa_bankfile_kind kind;
	enum sepa_bankfile_level level;
	const char *status;
	const char *orig_msg_id;
	const char *pmt_inf_id;
	const char *e2e;
	const char *mandate;
	int64_t amount;
	const char *currency;
	const char *reason;
	size_t details;
	const char *info;
};

/* by_kind: info, reject, return, refund, reversal, confirmation */
struct exp_file {
	const char *path;
	enum sepa_bankfile_type type;
	const char *message;
	const char *msg_id;
	size_t count;
	size_t by_kind[SEPA_BANKFILE_KIND_COUNT];
	const struct exp_rec *recs;
	size_t nrecs;
};

static void
check_record(
    const char *path, const sepa_bankfile_record *r, const struct exp_rec *e)
{
	cr_expect_eq(r->index, e->index, "%s #%zu: index", path, e->index);
	cr_expect_eq(r->kind, e->kind, "%s #%zu: kind %s", path, e->index,
	    sepa_bankfile_kind_name(r->kind));
	cr_expect_eq(r->level, e->level, "%s #%zu: level %s", path, e->index,
	    sepa_bankfile_level_name(r->level));
	cr_expect_str_eq(
	    r->status, e->status, "%s #%zu: status", path, e->index);
	cr_expect_str_eq(r->orig_msg_id, e->orig_msg_id, "%s #%zu: orig msg id",
	    path, e->index);
	cr_expect_str_eq(
	    r->pmt_inf_id, e->pmt_inf_id, "%s #%zu: PmtInfId", path, e->index);
	cr_expect_str_eq(
	    r->end_to_end_id, e->e2e, "%s #%zu: EndToEndId", path, e->index);
	cr_expect_str_eq(
	    r->mandate_id, e->mandate, "%s #%zu: MndtId", path, e->index);
	if (e->amount == NOAMT) {
		cr_expect_eq(
		    r->has_amount, 0, "%s #%zu: amount", path, e->index);
	} else {
		cr_expect_eq(
		    r->has_amount, 1, "%s #%zu: amount", path, e->index);
		cr_expect_eq(r->amount, e->amount, "%s #%zu: amount %lld", path,
		    e->index, (long long)r->amount);
	}
	cr_expect_str_eq(
	    r->currency, e->currency, "%s #%zu: currency", path, e->index);
	cr_expect_str_eq(
	    r->reason, e->reason, "%s #%zu: reason", path, e->index);
	cr_expect_eq(
	    r->details, e->details, "%s #%zu: details", path, e->index);
	if (e->info != NULL)
		cr_expect_str_eq(
		    r->reason_info, e->info, "%s #%zu: info", path, e->index);
}

static void
check_file(const struct exp_file *f)
{
	char path[512];
	char msg[1024];
	struct got g;
	size_t i;

	snprintf(path, sizeof(path), DATA "%s", f->path);
	read_path(&g, path);
	cr_assert_eq(g.rc, 0, "%s: %s", f->path,
	    sepa_error_format(&g.err, msg, sizeof(msg)));
	cr_expect_eq(g.info.type, f->type);
	cr_expect_str_eq(g.info.message, f->message);
	cr_expect_str_eq(g.info.msg_id, f->msg_id);
	cr_assert_eq(g.n, f->count, "%s: %zu records", f->path, g.n);
	cr_expect_eq(g.info.records, f->count);
	for (i = 0; i < SEPA_BANKFILE_KIND_COUNT; i++)
		cr_expect_eq(g.info.by_kind[i], f->by_kind[i],
		    "%s: %zu records of kind %s", f->path, g.info.by_kind[i],
		    sepa_bankfile_kind_name((enum sepa_bankfile_kind)i));
	for (i = 0; i < f->nrecs; i++) {
		cr_assert_lt(f->recs[i].index, g.n);
		check_record(f->path, &g.recs[f->recs[i].index], &f->recs[i]);
	}
	for (i = 0; i < g.n; i++) {
		cr_expect_eq(g.recs[i].index, i);
		cr_expect_gt(g.recs[i].line, 0);
		cr_expect_str_eq(g.recs[i].msg_id, f->msg_id);
	}
	free(g.recs);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SAMPLE(test, file, type, message, msgid, count, kinds, recs) \
	Test(bankfile_samples, test) \
	{ \
		static const struct exp_file f = { \
		    file, type, message, msgid, count, kinds, recs, N(recs)}; \
		check_file(&f); \
	}
#define KINDS(i, rj, rt, rf, rv, cf) \
	{ \
		i, rj, rt, rf, rv, cf \
	}

/* ---- pain.002 */

static const struct exp_rec boi_pain[] = {
    {0, K_RJCT, L_TX, "RJCT", "MSGID12345678912", "PMTINFID1", "E2EID1",
        "MANDATEID1", 10000, "EUR", "AC01", 0, "ACC NUMBER INVALID"},
    {1, K_RJCT, L_TX, "RJCT", "MSGID12345678912", "PMTINFID1", "E2EID2",
        "MANDATEID2", 10000, "EUR", "MS02", 0, ""},
    {2, K_RJCT, L_TX, "RJCT", "MSGID12345678912", "PMTINFID2", "E2EID3",
        "MANDATEID3", 10000, "EUR", "MD06", 0, ""},
    {3, K_RJCT, L_TX, "RJCT", "MSGID12345678912", "PMTINFID2", "E2EID4",
        "MANDATEID4", 10000, "EUR", "AM04", 0, ""},
};
SAMPLE(ie_boi_pain002_4rjct,
    "pain002/ie_boi_pain.002.001.03_sdd_unpaid_4rjct.xml",
    SEPA_BANKFILE_PAIN002, "pain.002.001.03", "MSGID99345678912", 4,
    KINDS(0, 4, 0, 0, 0, 0), boi_pain)

static const struct exp_rec dk_pain[] = {
    {0, K_RJCT, L_TX, "RJCT", "Message-ID-4711", "Sammlerreferenz 4710",
        "OriginatorID1234", "Mandate Id", 654314, "EUR", "AC01", 0, ""},
};
SAMPLE(de_sepaking_pain002_002_03_crlf,
    "pain002/de_sepaking_pain.002.002.03_sdd_reject_ac01_CRLF.xml",
    SEPA_BANKFILE_PAIN002, "pain.002.002.03", "Message-ID-4712", 1,
    KINDS(0, 1, 0, 0, 0, 0), dk_pain)

static const struct exp_rec ch_bc[] = {
    {0, K_RJCT, L_TX, "RJCT", "MsgId-001", "PmtInfId-001-03",
        "EndToEndId-001-03-04", "", NOAMT, "", "AC01", 0,
        "1301813;Konto ungültig"},
    {1, K_INFO, L_BLK, "PART", "MsgId-001", "PmtInfId-001-03", "", "", NOAMT,
        "", "", 1, ""},
};
SAMPLE(ch_pain002_ch02_part_tx_rjct,
    "pain002/ch_postfinance_pain.002.001.03.ch.02_B-C-level_PART_tx_rjct_ac01.xml",
    SEPA_BANKFILE_PAIN002, "pain.002.001.03", "20180315375204222822452", 2,
    KINDS(1, 1, 0, 0, 0, 0), ch_bc)

static const struct exp_rec ch_v10_b[] = {
    {0, K_RJCT, L_BLK, "RJCT", "MSG-02-QRR-SCOR", "PMTINF-02", "", "", NOAMT,
        "", "AC01", 0, "0999;CH7280005000088877766 Lastkonto unbekannt"},
};
SAMPLE(ch_pain002_v10_block_rjct,
    "pain002/ch_postfinance_pain.002.001.10_B-level_pmtinf_rjct_ac01.xml",
    SEPA_BANKFILE_PAIN002, "pain.002.001.10", "204691ACFC/071125/023362", 1,
    KINDS(0, 1, 0, 0, 0, 0), ch_v10_b)

static const struct exp_rec ch_a[] = {
    {0, K_RJCT, L_GRP, "RJCT", "MsgId-005", "", "", "", NOAMT, "", "AM10", 0,
        "904114;ControlSum fehlerhaft"},
};
SAMPLE(ch_pain002_ch02_group_rjct,
    "pain002/ch_postfinance_pain.002.001.03.ch.02_A-level_grp_rjct_am10.xml",
    SEPA_BANKFILE_PAIN002, "pain.002.001.03", "20180326375204011685776", 1,
    KINDS(0, 1, 0, 0, 0, 0), ch_a)
SAMPLE(ch_pain002_v10_group_rjct,
    "pain002/ch_postfinance_pain.002.001.10_A-level_grp_rjct_am10.xml",
    SEPA_BANKFILE_PAIN002, "pain.002.001.10", "20180326375204011685776", 1,
    KINDS(0, 1, 0, 0, 0, 0), ch_a)

static const struct exp_rec ch_accp[] = {
    {0, K_INFO, L_BLK, "ACCP", "MsgId-CHDD-Musterfile", "PmtInfId-CHDD-1", "",
        "", NOAMT, "", "", 0, ""},
};
SAMPLE(ch_pain002_chdd_accp,
    "pain002/ch_postfinance_pain.002.001.03.ch.02_CHDD_pmtinf_accp.xml",
    SEPA_BANKFILE_PAIN002, "pain.002.001.03", "20220614375204216308259", 1,
    KINDS(1, 0, 0, 0, 0, 0), ch_accp)

static const struct exp_rec ch_oca[] = {
    {0, K_RJCT, L_TX, "RJCT", "2017/1013", "P000030", "Ltest", "", NOAMT, "",
        "AC01", 0, "1080407;Payment rejected."},
    {1, K_RJCT, L_BLK, "RJCT", "2017/1013", "P000030", "", "", NOAMT, "", "", 1,
        ""},
};
SAMPLE(ch_pain002_oca_block_and_tx_rjct,
    "pain002/ch_postfinance_pain.002.001.03.ch.02_pmtinf_rjct_ac01_oca.xml",
    SEPA_BANKFILE_PAIN002, "pain.002.001.03", "KOBE170515813733", 2,
    KINDS(0, 2, 0, 0, 0, 0), ch_oca)

static const struct exp_rec fi_grp[] = {
    {0, K_RJCT, L_GRP, "RJCT", "MSGID-PS-TEST-0708-01", "", "", "", NOAMT, "",
        "DU01", 0, "ISO Duplicate Message ID"},
};
SAMPLE(fi_nordea_pain002_group_rjct,
    "pain002/fi_nordea_pain.002.001.03_group_rjct_du01.xml",
    SEPA_BANKFILE_PAIN002, "pain.002.001.03", "XML990920150810101909283", 1,
    KINDS(0, 1, 0, 0, 0, 0), fi_grp)

static const struct exp_rec fi_blk[] = {
    {0, K_RJCT, L_BLK, "RJCT", "MSGID-COM-SCE25-1707-01",
        "PMTINFID-COM-SCE25-1707-01", "", "", NOAMT, "", "NARR", 0,
        "CAP Invalid code or combinations in CategoryPurpose or "
        "ServiceLevel"},
};
SAMPLE(fi_nordea_pain002_block_rjct_no_tx,
    "pain002/fi_nordea_pain.002.001.03_pmtinf_rjct_no_txinf.xml",
    SEPA_BANKFILE_PAIN002, "pain.002.001.03", "XML990920150717170814238", 1,
    KINDS(0, 1, 0, 0, 0, 0), fi_blk)

static const struct exp_rec fi_tx[] = {
    {0, K_RJCT, L_TX, "RJCT", "MSGID-950-TEST2-2807-01",
        "PMTINFID-950-TEST2-2807-01", "ENDTOENDID-950-TEST2-2807-02", "", NOAMT,
        "", "NARR", 0, NULL},
    {1, K_RJCT, L_TX, "RJCT", "MSGID-950-TEST2-2807-01",
        "PMTINFID-950-TEST2-2807-01", "ENDTOENDID-950-TEST2-2807-01", "", NOAMT,
        "", "NARR", 0, NULL},
    {2, K_RJCT, L_BLK, "RJCT", "MSGID-950-TEST2-2807-01",
        "PMTINFID-950-TEST2-2807-01", "", "", NOAMT, "", "", 2, NULL},
};
SAMPLE(fi_nordea_pain002_tx_rjct_x2,
    "pain002/fi_nordea_pain.002.001.03_tx_rjct_narr_x2.xml",
    SEPA_BANKFILE_PAIN002, "pain.002.001.03", "XML990920150728124014189", 3,
    KINDS(0, 3, 0, 0, 0, 0), fi_tx)

/* ---- camt.054 */

static const struct exp_rec boi_camt[] = {
    {0, K_RTRN, L_TX, "BOOK", "", "", "E2EID1", "MANDATEID2", 10000, "EUR",
        "AC06", 0, "/RTYP/RTRN"},
};
SAMPLE(ie_boi_camt054_return_ac06,
    "camt054/ie_boi_camt.054.001.02_sdd_return_ac06.xml", SEPA_BANKFILE_CAMT054,
    "camt.054.001.02", "MSGID99345678912", 1, KINDS(0, 0, 1, 0, 0, 0), boi_camt)

static const struct exp_rec ch_refund[] = {
    {0, K_CONF, L_TX, "BOOK", "", "PMTINF-1CHDDBB3",
        "EndToEnd-CRDBRActSame-1B9C-CHDDBB2", "", 1500, "CHF", "", 0, ""},
    {1, K_CONF, L_TX, "BOOK", "", "PMTINF-1CHDDBB3",
        "EndToEnd-CRDBRActSame-1B9C-CHDDBB3", "", 900, "CHF", "", 0, ""},
    {2, K_CONF, L_TX, "BOOK", "", "PMT-ID-1268016165-01",
        "PMT-651727380907030005", "", 5656, "CHF", "", 0, ""},
    {3, K_RFND, L_TX, "BOOK", "", "PMTINF-2CHDDBB5", "EndToEnd-2B6C-CHDDBB5",
        "", 600, "CHF", "MD06", 0,
        "Lastschrift-Widerspruch durch den Zahlungspflichtigen"},
    {4, K_RFND, L_TX, "BOOK", "", "SID-1-160309134053s4C", "E2E-1-1-16030913",
        "", 1553, "CHF", "MD06", 0, NULL},
};
SAMPLE(ch_camt054_v04_chdd_refunds,
    "camt054/ch_postfinance_camt.054.001.04_chdd_refund_md06_rvsl.xml",
    SEPA_BANKFILE_CAMT054, "camt.054.001.04", "20160410375204000131033", 5,
    KINDS(0, 0, 0, 2, 0, 3), ch_refund)

static const struct exp_rec ch_sammel[] = {
    {0, K_INFO, L_TX, "BOOK", "", "PmtInfId-004-01", "EndToEndId-004-01-01", "",
        40000, "CHF", "AC01", 0, "Kontonummer falsch"},
};
SAMPLE(ch_camt054_v04_returned_transfer_batch,
    "camt054/ch_postfinance_camt.054.001.04_return_batch_sammelbuchung_ac01.xml",
    SEPA_BANKFILE_CAMT054, "camt.054.001.04", "20190520375204012050698", 1,
    KINDS(1, 0, 0, 0, 0, 0), ch_sammel)

static const struct exp_rec ch_rvsl[] = {
    {0, K_RVSL, L_TX, "BOOK", "", "PmtInfId-001-03", "EndToEndId-001-03-04", "",
        50000, "CHF", "AC01", 0, NULL},
};
SAMPLE(ch_camt054_v04_reversal_2020,
    "camt054/ch_postfinance_camt.054.001.04_return_rvsl_ac01_2020.xml",
    SEPA_BANKFILE_CAMT054, "camt.054.001.04", "20201124375204228763929", 1,
    KINDS(0, 0, 0, 0, 1, 0), ch_rvsl)
SAMPLE(ch_camt054_v08_reversal_single,
    "camt054/ch_postfinance_camt.054.001.08_return_einzelbuchung_rvsl_ac01.xml",
    SEPA_BANKFILE_CAMT054, "camt.054.001.08", "20201124375204228763929", 1,
    KINDS(0, 0, 0, 0, 1, 0), ch_rvsl)

static const struct exp_rec ch_coll[] = {
    {0, K_CONF, L_TX, "BOOK", "MsgId-CHDD-Musterfile", "PmtInfId-CHDD-1",
        "E2EId-CHDD-1", "", 150, "CHF", "", 0, ""},
    {1, K_CONF, L_TX, "BOOK", "MsgId-CHDD-Musterfile", "PmtInfId-CHDD-1",
        "E2EId-CHDD-2", "", 300, "CHF", "", 0, ""},
};
SAMPLE(ch_camt054_v08_collection_batch,
    "camt054/ch_postfinance_camt.054.001.08_chdd_collection_credit_batch.xml",
    SEPA_BANKFILE_CAMT054, "camt.054.001.08", "20190520375204228751067", 2,
    KINDS(0, 0, 0, 0, 0, 2), ch_coll)

/* ---- camt.052 / camt.053 */

static const struct exp_rec gls[] = {
    {0, K_INFO, L_TX, "BOOK", "G059N0SR5V0WZ0XSFY1H92QBZ0", "NOTPROVIDED",
        "NOTPROVIDED", "", 200, "EUR", "", 0, NULL},
    {3, K_INFO, L_TX, "BOOK", "", "", "G27KNKZAR5DV7HRB085YMA9GB4", "", 110,
        "EUR", "AC01", 0, "IBAN ..."},
};
SAMPLE(de_gls_camt052_returned_transfer,
    "camt052/de_gls_camt.052.001.02_sct_return_ac01.xml", SEPA_BANKFILE_CAMT052,
    "camt.052.001.02", "", 4, KINDS(4, 0, 0, 0, 0, 0), gls)
SAMPLE(de_gls_camt053_returned_transfer,
    "camt053/de_gls_camt.053.001.02_sct_return_ac01.xml", SEPA_BANKFILE_CAMT053,
    "camt.053.001.02", "", 4, KINDS(4, 0, 0, 0, 0, 0), gls)

static const struct exp_rec be_huge[] = {
    {0, K_INFO, L_TX, "BOOK", "", "", "E2EFBVKBNTT69520790", "", 25896, "EUR",
        "", 0, ""},
    {461, K_INFO, L_TX, "BOOK", "", "", "E2ERIBYGQCF67170556", "", 500, "EUR",
        "", 0, ""},
};
SAMPLE(be_camt053_462_entries,
    "camt053/be_camt.053.001.02_huge_462_entries.xml", SEPA_BANKFILE_CAMT053,
    "camt.053.001.02", "MSG36813872-HMWNUS", 462, KINDS(462, 0, 0, 0, 0, 0),
    be_huge)

static const struct exp_rec ch053_04[] = {
    {0, K_INFO, L_TX, "BOOK", "", "", "", "", 2400, "CHF", "", 0, ""},
    {24, K_INFO, L_TX, "BOOK", "MSG-RETURN-Test", "", "", "", 2000, "CHF",
        "NARR", 0, "RETOUR VAL 23.03.2016 BEGUENSTIGTER UNBEKANNT"},
    {27, K_CONF, L_TX, "BOOK", "", "PMTINF-1CHDDBB3",
        "EndToEnd-CRDBRActSame-1B9C-CHDDBB2", "", 1500, "CHF", "", 0, ""},
    {30, K_RFND, L_TX, "BOOK", "", "PMTINF-2CHDDBB5", "EndToEnd-2B6C-CHDDBB5",
        "", 600, "CHF", "MD06", 0, NULL},
    {31, K_RFND, L_TX, "BOOK", "", "SID-1-160309134053s4C", "E2E-1-1-16030913",
        "", 1553, "CHF", "MD06", 0, NULL},
};
SAMPLE(ch_camt053_v04_chdd_refunds,
    "camt053/ch_postfinance_camt.053.001.04_chdd_md06_refunds_rvsl.xml",
    SEPA_BANKFILE_CAMT053, "camt.053.001.04", "20160430375204000008573", 32,
    KINDS(27, 0, 0, 2, 0, 3), ch053_04)

static const struct exp_rec ch053_08[] = {
    {0, K_RVSL, L_TX, "BOOK", "889d1a80-1267-49bd-8fcc-85701a", "NOTPROVIDED",
        "NOTPROVIDED", "", 100, "CHF", "BE01", 0, "more info here ..."},
    {1, K_RVSL, L_TX, "BOOK", "4cc61cc7-6230-49c2-b5e2-b40bbb", "NOTPROVIDED",
        "NOTPROVIDED", "", 100, "CHF", "RR03", 0, NULL},
};
SAMPLE(ch_camt053_v08_reversals_sts_cd,
    "camt053/ch_postfinance_camt.053.001.08_returns_rvsl_be01_rr03.xml",
    SEPA_BANKFILE_CAMT053, "camt.053.001.08", "", 2, KINDS(0, 0, 0, 0, 2, 0),
    ch053_08)

static const struct exp_rec abn[] = {
    {17, K_INFO, L_BLK, "BOOK", "1302P5518750499B0AO", "", "", "", 200, "EUR",
        "", 0, ""},
    {19, K_CONF, L_TX, "BOOK", "1402P5518750498B0AO", "BATCHID",
        "SDD SIT 024-1", "mandateref24-1", 100, "EUR", "", 0, ""},
    {26, K_CONF, L_BLK, "BOOK", "1402P5518750498B0AO", "", "", "", 700, "EUR",
        "", 0, ""},
    {27, K_RTRN, L_TX, "BOOK", "", "PMTIDPAIN008", "1234567X908303803",
        "123456789XXmandaat", 100, "EUR", "MS03", 0, NULL},
    {28, K_RTRN, L_TX, "BOOK", "", "PMTIDPAIN008", "1234567X908303804",
        "123456788XXmandaat", 92100, "EUR", "MS03", 0, NULL},
};
SAMPLE(nl_abnamro_camt053_returns_ms03,
    "camt053/nl_abnamro_camt.053.001.02_sdd_returns_ms03.xml",
    SEPA_BANKFILE_CAMT053, "camt.053.001.02", "0574908765.2013-04-02", 29,
    KINDS(19, 0, 2, 0, 0, 8), abn)

static const struct exp_rec ing[] = {
    {3, K_CONF, L_BLK, "BOOK", "", "SCTBtchId20140103A2PSTN", "", "", 27000,
        "EUR", "", 0, ""},
    {4, K_INFO, L_TX, "BOOK", "", "", "", "", 12500, "EUR", "AC04", 0, ""},
    {7, K_INFO, L_TX, "BOOK", "", "", "6010512558977000", "BBDDMdtESNTR", 3000,
        "EUR", "", 0, ""},
    {8, K_RFND, L_TX, "BOOK", "", "", "5000300060007000", "DDMdtINGBC", 3000,
        "EUR", "MD06", 0, NULL},
};
SAMPLE(nl_ing_camt053_refund_md06,
    "camt053/nl_ing_camt.053.001.02_sdd_returns_ac04_md06.xml",
    SEPA_BANKFILE_CAMT053, "camt.053.001.02",
    "201401030009999_20140104015504378", 9, KINDS(7, 0, 0, 1, 0, 1), ing)

/* ---- pain.008: not bank return files */

static void
check_refused(const char *file, int code, const char *msg, long line)
{
	char path[512];
	struct got g;

	snprintf(path, sizeof(path), DATA "%s", file);
	read_path(&g, path);
	cr_assert_eq(g.rc, code, "%s: rc %d", file, g.rc);
	cr_expect_str_eq(g.err.msg, msg);
	cr_expect_str_eq(g.err.where, path);
	cr_expect_eq(g.err.line, line, "%s: line %ld", file, g.err.line);
	cr_expect_eq(g.n, 0);
	free(g.recs);
}

#define REFUSED(test, file, msg, line) \
	Test(bankfile_samples, test) \
	{ \
		check_refused(file, SEPA_EINVAL, msg, line); \
	}

REFUSED(pain008_civisepa,
    "pain008/de_civisepa_pain.008.001.02_two_pmtinf_frst_rcur.xml",
    "not a bank return file: root element CstmrDrctDbtInitn (pain.008.001.02)",
    3)
REFUSED(pain008_sepaking,
    "pain008/de_sepaking_pain.008.001.02_amendment_orgnlcdtrschmeid.xml",
    "not a bank return file: root element CstmrDrctDbtInitn (pain.008.001.02)",
    3)
REFUSED(pain008_separator, "pain008/de_separator_pain.008.001.08_bicfi.xml",
    "not a bank return file: root element CstmrDrctDbtInitn (pain.008.001.08)",
    3)
REFUSED(pain008_abnamro_crlf,
    "pain008/nl_abnamro_pain.008.001.02_voorbeeldbestand_CRLF.xml",
    "not a bank return file: root element CstmrDrctDbtInitn (pain.008.001.02)",
    3)
REFUSED(pain008_ing, "pain008/nl_ing_pain.008.001.02_voorbeeldbestand.xml",
    "not a bank return file: root element CstmrDrctDbtInitn (pain.008.001.02)",
    3)
REFUSED(pain008_phpsepaxml, "pain008/phpsepaxml_pain.008.001.08_amendment.xml",
    "not a bank return file: root element CstmrDrctDbtInitn (pain.008.001.08)",
    4)

/* ------------------------------------------------- tolerated oddities */

/* Same records, field by field, line numbers aside when asked. */
static void
expect_same(const struct got *a, const struct got *b, int same_lines)
{
	size_t i;

	cr_assert_eq(a->rc, 0, "%s", a->err.msg);
	cr_assert_eq(b->rc, 0, "%s", b->err.msg);
	cr_assert_eq(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		sepa_bankfile_record x = a->recs[i];
		sepa_bankfile_record y = b->recs[i];

		if (!same_lines)
			x.line = y.line = 0;
		cr_expect_eq(memcmp(&x, &y, sizeof(x)), 0,
		    "record %zu differs: line %ld/%ld info [%s]/[%s]", i,
		    x.line, y.line, x.reason_info, y.reason_info);
	}
}

/* The BOI pain.002 with LF, CRLF or CR line ends, with a BOM, without
 * the XML declaration: the same records on the same lines. */
Test(bankfile_tolerance, line_ends_bom_and_no_declaration)
{
	size_t len;
	char *lf = slurp(
	    DATA "pain002/ie_boi_pain.002.001.03_sdd_unpaid_4rjct.xml", &len);
	char *buf = malloc(2 * len + 4);
	struct got ref;
	struct got g;
	size_t i;
	size_t n;

	cr_assert_not_null(buf);
	read_buf(&ref, lf, len, NULL);
	cr_assert_eq(ref.n, 4);
	cr_expect_eq(ref.recs[0].line, 40);

	/* CR only */
	for (i = 0; i < len; i++)
		buf[i] = lf[i] == '\n' ? '\r' : lf[i];
	read_buf(&g, buf, len, NULL);
	expect_same(&ref, &g, 1);
	free(g.recs);

	/* CRLF */
	for (i = 0, n = 0; i < len; i++) {
		if (lf[i] == '\n')
			buf[n++] = '\r';
		buf[n++] = lf[i];
	}
	read_buf(&g, buf, n, NULL);
	expect_same(&ref, &g, 1);
	free(g.recs);

	/* CRLF and CR fed one byte at a time (a CR ends every chunk) */
	for (i = 0, n = 0; i < len; i++) {
		if (lf[i] == '\n')
			buf[n++] = '\r';
		buf[n++] = lf[i];
	}
	read_trickle(&g, buf, n);
	expect_same(&ref, &g, 1);
	free(g.recs);
	for (i = 0; i < len; i++)
		buf[i] = lf[i] == '\n' ? '\r' : lf[i];
	read_trickle(&g, buf, len);
	expect_same(&ref, &g, 1);
	free(g.recs);

	/* UTF-8 BOM */
	memcpy(buf, "\xEF\xBB\xBF", 3);
	memcpy(buf + 3, lf, len);
	read_buf(&g, buf, len + 3, NULL);
	expect_same(&ref, &g, 1);
	free(g.recs);

	/* no XML declaration (the first line goes, so lines shift by one) */
	n = (size_t)(strchr(lf, '\n') - lf) + 1;
	read_buf(&g, lf + n, len - n, NULL);
	expect_same(&ref, &g, 0);
	cr_expect_eq(g.recs[0].line, 39);
	free(g.recs);

	free(ref.recs);
	free(buf);
	free(lf);
}

/* Non-ASCII text in an ISO-8859-1 file comes out as UTF-8. */
Test(bankfile_tolerance, iso_8859_1)
{
	size_t len;
	char *u8 = slurp(DATA "pain002/ch_postfinance_pain.002.001.03.ch.02_"
	                      "B-C-level_PART_tx_rjct_ac01.xml",
	    &len);
	char *l1 = malloc(len + 16);
	const char *decl = "encoding=\"UTF-8\"";
	const char *latin = "encoding=\"ISO-8859-1\"";
	char *at = strstr(u8, decl);
	struct got ref;
	struct got g;
	size_t i;
	size_t n;

	cr_assert_not_null(l1);
	cr_assert_not_null(at);
	n = (size_t)(at - u8);
	memcpy(l1, u8, n);
	memcpy(l1 + n, latin, strlen(latin));
	n += strlen(latin);
	for (i = n - strlen(latin) + strlen(decl); i < len; i++) {
		unsigned char c = (unsigned char)u8[i];

		if (c == 0xC3 && i + 1 < len) {
			l1[n++] =
			    (char)(0xC0 | ((unsigned char)u8[++i] & 0x3F));
			continue;
		}
		cr_assert_lt(c, 0x80);
		l1[n++] = (char)c;
	}
	cr_assert_eq(
	    n, len + strlen(latin) - strlen(decl) - 1, "one character");
	read_buf(&g, l1, n, NULL);
	cr_assert_eq(g.rc, 0, "%s", g.err.msg);
	cr_assert_eq(g.n, 2);
	cr_expect_str_eq(g.recs[0].reason_info, "1301813;Konto ungültig");
	read_path(&ref,
	    DATA "pain002/ch_postfinance_pain.002.001.03.ch.02_"
	         "B-C-level_PART_tx_rjct_ac01.xml");
	expect_same(&ref, &g, 1);
	free(ref.recs);
	free(g.recs);
	free(l1);
	free(u8);
}

/* Prefixed elements, comments everywhere, two Ntfctn blocks, both Sts
 * forms, a namespace-less document. */
Test(bankfile_tolerance, prefixes_comments_several_notifications)
{
	static const char doc[] =
	    "<!-- head -->\n"
	    "<ns2:Document xmlns:ns2=\"" NS054 "\">\n"
	    "<ns2:BkToCstmrDbtCdtNtfctn><!-- c -->\n"
	    "<ns2:GrpHdr><ns2:MsgId>M<!-- split -->1</ns2:MsgId></ns2:GrpHdr>\n"
	    "<ns2:Ntfctn><ns2:Acct><ns2:Id><ns2:IBAN>FR7630006000011234567890189"
	    "</ns2:IBAN></ns2:Id></ns2:Acct>\n"
	    "<ns2:Ntry><ns2:Amt Ccy=\"EUR\">12.30</ns2:Amt>\n"
	    "<ns2:CdtDbtInd>DBIT</ns2:CdtDbtInd><ns2:Sts>BOOK</ns2:Sts>\n"
	    "<ns2:BkTxCd><ns2:Domn><ns2:Cd>PMNT</ns2:Cd><ns2:Fmly><ns2:Cd>IDDT"
	    "</ns2:Cd><ns2:SubFmlyCd>UPDD</ns2:SubFmlyCd></ns2:Fmly></ns2:Domn>"
	    "</ns2:BkTxCd>\n"
	    "<ns2:NtryDtls><ns2:TxDtls><ns2:Refs><ns2:EndToEndId>E1"
	    "</ns2:EndToEndId></ns2:Refs><ns2:RtrInf><ns2:Rsn><ns2:Cd>AM04"
	    "</ns2:Cd></ns2:Rsn></ns2:RtrInf></ns2:TxDtls></ns2:NtryDtls>\n"
	    "</ns2:Ntry></ns2:Ntfctn>\n"
	    "<ns2:Ntfctn><ns2:Acct><ns2:Id><ns2:IBAN>FR7630004000031234567890143"
	    "</ns2:IBAN></ns2:Id></ns2:Acct>\n"
	    "<ns2:Ntry><ns2:Amt Ccy=\"EUR\">4.00</ns2:Amt>\n"
	    "<ns2:CdtDbtInd>DBIT</ns2:CdtDbtInd><ns2:Sts><ns2:Cd>PDNG</ns2:Cd>"
	    "</ns2:Sts>\n"
	    "<ns2:NtryDtls><ns2:TxDtls><ns2:Refs><ns2:EndToEndId>E2"
	    "</ns2:EndToEndId></ns2:Refs><ns2:RtrInf><ns2:Rsn><ns2:Prtry>X99"
	    "</ns2:Prtry></ns2:Rsn><ns2:AddtlInf>a</ns2:AddtlInf><ns2:AddtlInf>"
	    "b</ns2:AddtlInf></ns2:RtrInf></ns2:TxDtls></ns2:NtryDtls>\n"
	    "</ns2:Ntry></ns2:Ntfctn>\n"
	    "</ns2:BkToCstmrDbtCdtNtfctn></ns2:Document>\n";
	static const char bare[] =
	    "<BkToCstmrStmt><Stmt><Ntry><Amt Ccy=\"EUR\">1</Amt>"
	    "<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts></Ntry></Stmt>"
	    "</BkToCstmrStmt>";
	struct got g;

	read_str(&g, doc);
	cr_assert_eq(g.rc, 0, "%s", g.err.msg);
	cr_assert_eq(g.n, 2);
	cr_expect_str_eq(g.info.msg_id, "M1");
	cr_expect_str_eq(g.recs[0].account, "FR7630006000011234567890189");
	cr_expect_str_eq(g.recs[0].end_to_end_id, "E1");
	cr_expect_eq(g.recs[0].kind, SEPA_BANKFILE_RETURN);
	cr_expect_eq(g.recs[0].amount, 1230);
	cr_expect_str_eq(g.recs[0].reason, "AM04");
	cr_expect_eq(g.recs[0].line, 9);
	cr_expect_str_eq(g.recs[1].account, "FR7630004000031234567890143");
	cr_expect_str_eq(g.recs[1].status, "PDNG");
	cr_expect_str_eq(g.recs[1].reason, "X99");
	cr_expect_eq(g.recs[1].reason_proprietary, 1);
	cr_expect_str_eq(g.recs[1].reason_info, "a | b");
	cr_expect_eq(g.recs[1].kind, SEPA_BANKFILE_RETURN);
	free(g.recs);

	read_str(&g, bare);
	cr_assert_eq(g.rc, 0, "%s", g.err.msg);
	cr_expect_eq(g.info.type, SEPA_BANKFILE_CAMT053);
	cr_expect_str_eq(g.info.message, "");
	cr_assert_eq(g.n, 1);
	cr_expect_eq(g.recs[0].amount, 100);
	free(g.recs);
}

/* ------------------------------------------ camt rules, built documents */

/* A camt.054.001.02 with the given entries. */
static char *
camt(const char *entries)
{
	static const char fmt[] =
	    "<Document xmlns=\"" NS054 "\"><BkToCstmrDbtCdtNtfctn>"
	    "<GrpHdr><MsgId>M</MsgId></GrpHdr><Ntfctn>\n%s\n</Ntfctn>"
	    "</BkToCstmrDbtCdtNtfctn></Document>\n";
	size_t len = strlen(fmt) + strlen(entries) + 1;
	char *buf = malloc(len);

	cr_assert_not_null(buf);
	snprintf(buf, len, fmt, entries);
	return buf;
}

struct kind_case {
	const char *entry;
	enum sepa_bankfile_kind kind;
	const char *why;
};

#define BTCD(d, f, s) \
	"<BkTxCd><Domn><Cd>" d "</Cd><Fmly><Cd>" f "</Cd><SubFmlyCd>" s \
	"</SubFmlyCd></Fmly></Domn></BkTxCd>"
#define BTC(f, s) BTCD("PMNT", f, s)
#define RTR(code) \
	"<NtryDtls><TxDtls><RtrInf><Rsn><Cd>" code "</Cd></Rsn></RtrInf>" \
	"</TxDtls></NtryDtls>"

Test(bankfile_rules, camt_kinds)
{
	static const struct kind_case cases[] = {
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>DBIT</CdtDbtInd>"
	     "<Sts>BOOK</Sts>" BTC("IDDT", "UPDD") "</Ntry>",
	        SEPA_BANKFILE_RETURN, "unpaid DD without RtrInf"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>DBIT</CdtDbtInd>"
	     "<Sts>BOOK</Sts>" BTC("ICDT", "ESCT") RTR("AC04") "</Ntry>",
	        SEPA_BANKFILE_RETURN, "debit with RtrInf, any family"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>DBIT</CdtDbtInd>"
	     "<RvslInd>true</RvslInd><Sts>BOOK</Sts>" BTC(
	         "IDDT", "ESDD") "</Ntry>",
	        SEPA_BANKFILE_RETURN, "DD collection credit reversed"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>DBIT</CdtDbtInd>"
	     "<Sts>BOOK</Sts>" BTC("IDDT", "PRDD") RTR("MD06") "</Ntry>",
	        SEPA_BANKFILE_REFUND, "MD06 refund"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	     "<RvslInd>1</RvslInd><Sts>BOOK</Sts>" BTC(
	         "IDDT", "UPDD") "</Ntry>",
	        SEPA_BANKFILE_REVERSAL, "a return taken back"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>DBIT</CdtDbtInd>"
	     "<RvslInd>true</RvslInd><Sts>BOOK</Sts>" BTC(
	         "RCDT", "ESCT") "</Ntry>",
	        SEPA_BANKFILE_REVERSAL, "a received transfer taken back"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	     "<Sts>BOOK</Sts>" BTC("IDDT", "ESDD") "</Ntry>",
	        SEPA_BANKFILE_CONFIRMATION, "collection booked"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	     "<Sts>PDNG</Sts>" BTC("RDDT", "PMDD") "</Ntry>",
	        SEPA_BANKFILE_CONFIRMATION,
	        "pending collection (status tells)"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>DBIT</CdtDbtInd>"
	     "<Sts>BOOK</Sts>" BTC("RDDT", "ESDD") "</Ntry>",
	        SEPA_BANKFILE_INFO, "a debit of our own account"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	     "<Sts>BOOK</Sts>" BTC("ICDT", "RRTN") RTR("AC01") "</Ntry>",
	        SEPA_BANKFILE_INFO, "returned transfer credited back"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	     "<Sts>BOOK</Sts></Ntry>",
	        SEPA_BANKFILE_INFO, "no bank transaction code"},
	    /* the family decides, whatever the direction, flag or domain */
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	     "<Sts>BOOK</Sts>" BTC("IDDT", "UPDD") RTR("AC04") "</Ntry>",
	        SEPA_BANKFILE_RETURN, "DD return booked as a credit"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	     "<RvslInd>true</RvslInd><Sts>BOOK</Sts>" BTCD(
	         "XTND", "IDDT", "ESDD") RTR("AM04") "</Ntry>",
	        SEPA_BANKFILE_RETURN,
	        "DD return booked as a reversed credit, other domain"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	     "<Sts>BOOK</Sts>" BTCD("ACMT", "IDDT", "ESDD")
	            RTR("MD06") "</Ntry>",
	        SEPA_BANKFILE_REFUND, "DD refund booked as a credit"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>DBIT</CdtDbtInd>"
	     "<RvslInd>true</RvslInd><Sts>BOOK</Sts>" BTCD(
	         "XTND", "IDDT", "UPDD") RTR("AC04") "</Ntry>",
	        SEPA_BANKFILE_RETURN, "DD return, reversal flag, other domain"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>DBIT</CdtDbtInd>"
	     "<Sts>BOOK</Sts>" BTC("IDDT", "ESDD") "</Ntry>",
	        SEPA_BANKFILE_RETURN,
	        "DD debit with a collection's sub-family, no RtrInf"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>DBIT</CdtDbtInd>"
	     "<Sts>BOOK</Sts>" BTCD("XTND", "IDDT", "UPDD") "</Ntry>",
	        SEPA_BANKFILE_RETURN, "unpaid DD, other domain"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	     "<Sts>BOOK</Sts>" BTCD("XTND", "IDDT", "ESDD") "</Ntry>",
	        SEPA_BANKFILE_CONFIRMATION, "collection booked, other domain"},
	    {"<Ntry><Amt Ccy=\"EUR\">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	     "<Sts>BOOK</Sts>" BTC("RCDT", "RRTN") RTR("AC01") "</Ntry>",
	        SEPA_BANKFILE_INFO, "returned transfer credited, RCDT"},
	};
	size_t i;

	for (i = 0; i < N(cases); i++) {
		char *doc = camt(cases[i].entry);
		struct got g;

		read_str(&g, doc);
		cr_assert_eq(g.rc, 0, "%s: %s", cases[i].why, g.err.msg);
		cr_assert_eq(g.n, 1, "%s", cases[i].why);
		cr_expect_eq(g.recs[0].kind, cases[i].kind, "%s: got %s",
		    cases[i].why, sepa_bankfile_kind_name(g.recs[0].kind));
		free(g.recs);
		free(doc);
	}
}

/*
 * The rules on real bookings: the BOI camt.054 return rewritten the ways
 * banks book returns (tests/data/bank/SOURCES.md, "tests/data/returns").
 */
Test(bankfile_rules, returns_however_booked)
{
	static const struct {
		const char *file;
		enum sepa_bankfile_kind kind;
		enum sepa_bankfile_level level;
		enum sepa_bankfile_cdi cdi;
		int reversal;
	} cases[] = {
	    {"boi_camt054_return_as_credit.xml", SEPA_BANKFILE_RETURN,
	        SEPA_BANKFILE_TRANSACTION, SEPA_BANKFILE_CDI_CREDIT, 0},
	    {"boi_camt054_return_reversed_credit_xtnd.xml",
	        SEPA_BANKFILE_RETURN, SEPA_BANKFILE_TRANSACTION,
	        SEPA_BANKFILE_CDI_CREDIT, 1},
	    {"boi_camt054_returns_batch_no_details.xml", SEPA_BANKFILE_RETURN,
	        SEPA_BANKFILE_BLOCK, SEPA_BANKFILE_CDI_DEBIT, 0},
	    /* no family: the reader cannot tell (the store can: our block) */
	    {"boi_camt054_returns_batch_no_details_prtry_only.xml",
	        SEPA_BANKFILE_INFO, SEPA_BANKFILE_BLOCK,
	        SEPA_BANKFILE_CDI_DEBIT, 0},
	};
	char path[512];

	for (size_t i = 0; i < N(cases); i++) {
		struct got g;

		snprintf(
		    path, sizeof(path), "tests/data/returns/%s", cases[i].file);
		read_path(&g, path);
		cr_assert_eq(g.rc, 0, "%s: %s", cases[i].file, g.err.msg);
		cr_assert_eq(g.n, 1, "%s", cases[i].file);
		cr_expect_eq(g.recs[0].kind, cases[i].kind, "%s: %s",
		    cases[i].file, sepa_bankfile_kind_name(g.recs[0].kind));
		cr_expect_eq(
		    g.recs[0].level, cases[i].level, "%s", cases[i].file);
		cr_expect_eq(g.recs[0].cdi, cases[i].cdi, "%s", cases[i].file);
		cr_expect_eq(
		    g.recs[0].reversal, cases[i].reversal, "%s", cases[i].file);
		free(g.recs);
	}
}

/*
 * What a reason was given for, so that its label is worded right: the
 * pain.002 of a pain.001 and the camt bookings of a transfer family are
 * transfers; the rest is taken for direct debits.
 */
Test(bankfile_rules, family_of_the_record)
{
	static const struct {
		const char *file;
		size_t index;
		enum sepa_reason_family family;
	} cases[] = {
	    /* OrgnlMsgNmId PAIN.008.001.02, pain.001.001.03, pain.001 */
	    {"pain002/ie_boi_pain.002.001.03_sdd_unpaid_4rjct.xml", 0,
	        SEPA_REASON_DIRECT_DEBIT},
	    {"pain002/fi_nordea_pain.002.001.03_tx_rjct_narr_x2.xml", 2,
	        SEPA_REASON_TRANSFER},
	    {"pain002/ch_postfinance_pain.002.001.03.ch.02_pmtinf_rjct_ac01_oca.xml",
	        0, SEPA_REASON_TRANSFER},
	    {"pain002/ch_postfinance_pain.002.001.10_B-level_pmtinf_rjct_ac01.xml",
	        0, SEPA_REASON_TRANSFER},
	    /* IDDT, RCDT/RRTN, ICDT/RRTN, no bank transaction code */
	    {"camt054/ie_boi_camt.054.001.02_sdd_return_ac06.xml", 0,
	        SEPA_REASON_DIRECT_DEBIT},
	    {"camt053/nl_ing_camt.053.001.02_sdd_returns_ac04_md06.xml", 4,
	        SEPA_REASON_TRANSFER},
	    {"camt054/ch_postfinance_camt.054.001.04_return_rvsl_ac01_2020.xml",
	        0, SEPA_REASON_TRANSFER},
	    {"camt053/nl_ing_camt.053.001.02_sdd_returns_ac04_md06.xml", 8,
	        SEPA_REASON_DIRECT_DEBIT},
	};
	char path[512];

	for (size_t i = 0; i < N(cases); i++) {
		struct got g;

		snprintf(path, sizeof(path), DATA "%s", cases[i].file);
		read_path(&g, path);
		cr_assert_eq(g.rc, 0, "%s: %s", cases[i].file, g.err.msg);
		cr_assert_lt(cases[i].index, g.n);
		cr_expect_eq(g.recs[cases[i].index].family, cases[i].family,
		    "%s #%zu", cases[i].file, cases[i].index);
		free(g.recs);
	}
}

/* The entry status in every form banks write it. */
Test(bankfile_rules, entry_status_forms)
{
	static const struct {
		const char *sts;
		const char *status;
	} cases[] = {
	    {"<Sts>BOOK</Sts>", "BOOK"},
	    {"<Sts><Cd>BOOK</Cd></Sts>", "BOOK"},
	    {"<Sts>\n  <Cd> PDNG </Cd>\n</Sts>", "PDNG"},
	    {"<Sts><Prtry>XYZ</Prtry></Sts>", "XYZ"},
	    {"<Sts/>", ""},
	    {"", ""},
	};
	char entry[256];
	size_t i;

	for (i = 0; i < N(cases); i++) {
		char *doc;
		struct got g;

		snprintf(entry, sizeof(entry),
		    "<Ntry><Amt Ccy=\"EUR\">1</Amt>%s</Ntry>", cases[i].sts);
		doc = camt(entry);
		read_str(&g, doc);
		cr_assert_eq(g.rc, 0, "%s: %s", cases[i].sts, g.err.msg);
		cr_assert_eq(g.n, 1);
		cr_expect_str_eq(
		    g.recs[0].status, cases[i].status, "%s", cases[i].sts);
		free(g.recs);
		free(doc);
	}
}

/* Batches: with every transaction, with some, with none. */
Test(bankfile_rules, batches_and_entry_amounts)
{
	static const char entries[] =
	    /* 1: single TxDtls without its own amount: the entry's */
	    "<Ntry><Amt Ccy=\"EUR\">7.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	    "<Sts>BOOK</Sts>" BTC("IDDT",
	        "ESDD") "<NtryDtls><TxDtls><Refs><EndToEndId>A</EndToEndId></Refs>"
	                "</TxDtls></NtryDtls></Ntry>\n"
	                /* 2: two TxDtls without amounts: none */
	                "<Ntry><Amt Ccy=\"EUR\">9.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	                "<Sts>BOOK</Sts>" BTC("IDDT",
	                    "ESDD") "<NtryDtls><TxDtls><Refs><EndToEndId>B</EndToEndId></Refs></TxDtls>"
	                            "<TxDtls><Refs><EndToEndId>C</EndToEndId></Refs></TxDtls>"
	                            "</NtryDtls></Ntry>\n"
	                            /* 3: batch of 3 listing 1: a tx record and a block record */
	                            "<Ntry><Amt Ccy=\"EUR\">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	                            "<Sts>BOOK</Sts>" BTC("IDDT",
	                                "ESDD") "<NtryDtls><Btch><PmtInfId>P3</PmtInfId><NbOfTxs>3</NbOfTxs>"
	                                        "<TtlAmt Ccy=\"EUR\">30.00</TtlAmt></Btch>"
	                                        "<TxDtls><Refs><EndToEndId>D</EndToEndId></Refs>"
	                                        "<AmtDtls><TxAmt><Amt Ccy=\"EUR\">10.00</Amt></TxAmt><InstdAmt>"
	                                        "<Amt Ccy=\"EUR\">11.00</Amt></InstdAmt></AmtDtls></TxDtls>"
	                                        "</NtryDtls></Ntry>\n"
	                                        /* 4: batch without details: one block record */
	                                        "<Ntry><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
	                                        "<Sts>BOOK</Sts>" BTC("IDDT",
	                                            "ESDD") "<NtryDtls><Btch><PmtInfId>P4</PmtInfId><NbOfTxs>2</NbOfTxs>"
	                                                    "</Btch></NtryDtls></Ntry>\n";
	char *doc = camt(entries);
	struct got g;

	read_str(&g, doc);
	cr_assert_eq(g.rc, 0, "%s", g.err.msg);
	cr_assert_eq(g.n, 6);
	cr_expect_str_eq(g.recs[0].end_to_end_id, "A");
	cr_expect_eq(g.recs[0].has_amount, 1);
	cr_expect_eq(g.recs[0].amount, 700);
	cr_expect_str_eq(g.recs[1].end_to_end_id, "B");
	cr_expect_eq(g.recs[1].has_amount, 0);
	cr_expect_eq(g.recs[2].has_amount, 0);
	cr_expect_eq(g.recs[3].level, SEPA_BANKFILE_TRANSACTION);
	cr_expect_str_eq(g.recs[3].pmt_inf_id, "P3");
	cr_expect_eq(g.recs[3].amount, 1000, "TxAmt wins over InstdAmt");
	cr_expect_eq(g.recs[4].level, SEPA_BANKFILE_BLOCK);
	cr_expect_str_eq(g.recs[4].pmt_inf_id, "P3");
	cr_expect_eq(g.recs[4].nb_of_txs, 3);
	cr_expect_eq(g.recs[4].details, 1);
	cr_expect_eq(g.recs[4].amount, 3000);
	cr_expect_eq(g.recs[5].level, SEPA_BANKFILE_BLOCK);
	cr_expect_str_eq(g.recs[5].pmt_inf_id, "P4");
	cr_expect_eq(g.recs[5].nb_of_txs, 2);
	cr_expect_eq(g.recs[5].details, 0);
	cr_expect_eq(g.recs[5].amount, 500);
	cr_expect_eq(g.recs[5].kind, SEPA_BANKFILE_CONFIRMATION);
	free(g.recs);
	free(doc);
}

/* pain.002: a group reject of a whole file comes last with its count;
 * a transaction without reason takes its block's. */
Test(bankfile_rules, pain002_levels)
{
	static const char doc[] =
	    "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\">"
	    "<CstmrPmtStsRpt><GrpHdr><MsgId>R</MsgId></GrpHdr>\n"
	    "<OrgnlGrpInfAndSts><OrgnlMsgId>O</OrgnlMsgId><OrgnlNbOfTxs>3"
	    "</OrgnlNbOfTxs><OrgnlCtrlSum>30.5</OrgnlCtrlSum><GrpSts>RJCT"
	    "</GrpSts><StsRsnInf><Rsn><Cd>FF01</Cd></Rsn></StsRsnInf>"
	    "</OrgnlGrpInfAndSts>\n"
	    "<OrgnlPmtInfAndSts><OrgnlPmtInfId>P</OrgnlPmtInfId><PmtInfSts>RJCT"
	    "</PmtInfSts><StsRsnInf><Rsn><Cd>AM05</Cd></Rsn></StsRsnInf>\n"
	    "<TxInfAndSts><OrgnlEndToEndId>E</OrgnlEndToEndId><OrgnlTxRef>"
	    "<Amt><InstdAmt Ccy=\"EUR\">10.5</InstdAmt></Amt><ReqdColltnDt>"
	    "2026-10-15</ReqdColltnDt></OrgnlTxRef></TxInfAndSts>\n"
	    "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>";
	struct got g;

	read_str(&g, doc);
	cr_assert_eq(g.rc, 0, "%s", g.err.msg);
	cr_assert_eq(g.n, 3);
	cr_expect_eq(g.recs[0].level, SEPA_BANKFILE_TRANSACTION);
	cr_expect_str_eq(g.recs[0].status, "RJCT");
	cr_expect_str_eq(g.recs[0].reason, "AM05");
	cr_expect_eq(g.recs[0].amount, 1050);
	cr_expect_eq(g.recs[0].orig_date.year, 2026);
	cr_expect_eq(g.recs[0].orig_date.month, 10);
	cr_expect_eq(g.recs[0].orig_date.day, 15);
	cr_expect_eq(g.recs[0].line, 4);
	cr_expect_eq(g.recs[1].level, SEPA_BANKFILE_BLOCK);
	cr_expect_eq(g.recs[1].details, 1);
	cr_expect_eq(g.recs[1].line, 3);
	cr_expect_eq(g.recs[2].level, SEPA_BANKFILE_GROUP);
	cr_expect_eq(g.recs[2].kind, SEPA_BANKFILE_REJECT);
	cr_expect_str_eq(g.recs[2].reason, "FF01");
	cr_expect_eq(g.recs[2].nb_of_txs, 3);
	cr_expect_eq(g.recs[2].amount, 3050);
	cr_expect_eq(g.recs[2].details, 1);
	cr_expect_eq(g.recs[2].line, 2);
	free(g.recs);
}

/* ------------------------------------------------------------ bad values */

struct bad_case {
	const char *entry;
	int code;
	const char *msg;
	long line;
};

#define ENTRY(amt, cdi, extra) \
	"<Ntry><Amt Ccy=\"EUR\">" amt "</Amt><CdtDbtInd>" cdi "</CdtDbtInd>" \
	"<Sts>BOOK</Sts>" extra "</Ntry>"

Test(bankfile_values, amounts_exact_in_cents)
{
	static const struct {
		const char *text;
		int64_t cents;
	} ok[] = {
	    {"100", 10000},
	    {"01.00", 100},
	    {"1.5", 150},
	    {"0.07", 7},
	    {"12.340", 1234},
	    {"12.3400000", 1234},
	    {" 3.20 ", 320},
	    {"+3", 300},
	    {".5", 50},
	    {"999999999.99", INT64_C(99999999999)},
	    {"92233720368547758.07", INT64_C(9223372036854775807)},
	};
	char entry[256];
	size_t i;

	for (i = 0; i < N(ok); i++) {
		char *doc;
		struct got g;

		snprintf(entry, sizeof(entry),
		    "<Ntry><Amt Ccy=\"EUR\">%s</Amt></Ntry>", ok[i].text);
		doc = camt(entry);
		read_str(&g, doc);
		cr_assert_eq(g.rc, 0, "%s: %s", ok[i].text, g.err.msg);
		cr_expect_eq(g.recs[0].amount, ok[i].cents, "%s: %lld",
		    ok[i].text, (long long)g.recs[0].amount);
		free(g.recs);
		free(doc);
	}
}

Test(bankfile_values, bad_values_refused_with_element_and_line)
{
	static const struct bad_case cases[] = {
	    {ENTRY("1.005", "DBIT", ""), SEPA_EINVAL,
	        "element Amt: amount \"1.005\" has more than 2 decimals", 2},
	    {ENTRY("-1.00", "DBIT", ""), SEPA_EINVAL,
	        "element Amt: amount \"-1.00\" is negative", 2},
	    {ENTRY("1e3", "DBIT", ""), SEPA_EINVAL,
	        "element Amt: amount \"1e3\" is written with an exponent (E): "
	        "a decimal number such as 14.75 is expected",
	        2},
	    {ENTRY("1.475E1", "DBIT", ""), SEPA_EINVAL,
	        "element Amt: amount \"1.475E1\" is written with an exponent "
	        "(E): a decimal number such as 14.75 is expected",
	        2},
	    {ENTRY("14.", "DBIT", ""), SEPA_EINVAL,
	        "element Amt: amount \"14.\" has no digit after the decimal "
	        "point",
	        2},
	    {ENTRY("1.2.3", "DBIT", ""), SEPA_EINVAL,
	        "element Amt: amount \"1.2.3\" is not a decimal number", 2},
	    {ENTRY("92233720368547758.08", "DBIT", ""), SEPA_EINVAL,
	        "element Amt: amount \"92233720368547758.08\" is too large", 2},
	    {ENTRY("1", "DEBIT", ""), SEPA_EINVAL,
	        "element CdtDbtInd: \"DEBIT\" is neither CRDT nor DBIT", 2},
	    {ENTRY("1", "DBIT", "<BookgDt>\n<Dt>2026-02-29</Dt></BookgDt>"),
	        SEPA_EINVAL,
	        "element Dt: \"2026-02-29\" is not a date (YYYY-MM-DD, then "
	        "an optional time zone)",
	        3},
	    {ENTRY(
	         "1", "DBIT", "<BookgDt><Dt>2026-10-15Tgarbage</Dt></BookgDt>"),
	        SEPA_EINVAL,
	        "element Dt: \"2026-10-15Tgarbage\" is not a date (YYYY-MM-DD, "
	        "then an optional time zone)",
	        2},
	    {ENTRY("1", "DBIT",
	         "<BookgDt><Dt>2026-10-15T10:00:00</Dt></BookgDt>"),
	        SEPA_EINVAL,
	        "element Dt: \"2026-10-15T10:00:00\" is not a date "
	        "(YYYY-MM-DD, then an optional time zone)",
	        2},
	    {ENTRY("1", "DBIT", "<ValDt><Dt>2026-10-15+1</Dt></ValDt>"),
	        SEPA_EINVAL,
	        "element Dt: \"2026-10-15+1\" is not a date (YYYY-MM-DD, then "
	        "an optional time zone)",
	        2},
	    {ENTRY("1", "DBIT", "<ValDt><DtTm>26-01-01T00:00</DtTm></ValDt>"),
	        SEPA_EINVAL,
	        "element DtTm: \"26-01-01T00:00\" is not a date-time "
	        "(YYYY-MM-DDThh:mm:ss, then an optional fraction and time zone)",
	        2},
	    {ENTRY(
	         "1", "DBIT", "<ValDt><DtTm>2026-10-15Tgarbage</DtTm></ValDt>"),
	        SEPA_EINVAL,
	        "element DtTm: \"2026-10-15Tgarbage\" is not a date-time "
	        "(YYYY-MM-DDThh:mm:ss, then an optional fraction and time zone)",
	        2},
	    {ENTRY("1", "DBIT",
	         "<ValDt><DtTm>2026-10-15T10:00:00.</DtTm></ValDt>"),
	        SEPA_EINVAL,
	        "element DtTm: \"2026-10-15T10:00:00.\" is not a date-time "
	        "(YYYY-MM-DDThh:mm:ss, then an optional fraction and time zone)",
	        2},
	    {ENTRY("1", "DBIT",
	         "<ValDt><DtTm>2026-10-15T24:00:00</DtTm></ValDt>"),
	        SEPA_EINVAL,
	        "element DtTm: \"2026-10-15T24:00:00\" is not a date-time "
	        "(YYYY-MM-DDThh:mm:ss, then an optional fraction and time zone)",
	        2},
	    {"<Ntry><NtryDtls><TxDtls><RltdDts><IntrBkSttlmDt>2026-10-15x"
	     "</IntrBkSttlmDt></RltdDts></TxDtls></NtryDtls></Ntry>",
	        SEPA_EINVAL,
	        "element IntrBkSttlmDt: \"2026-10-15x\" is not a date "
	        "(YYYY-MM-DD, then an optional time zone)",
	        2},
	    {ENTRY("1", "DBIT", "<RvslInd>yes</RvslInd>"), SEPA_EINVAL,
	        "element RvslInd: \"yes\" is not a boolean", 2},
	    {"<Ntry>\n<NtryDtls><TxDtls><Refs><EndToEndId>"
	     "123456789012345678901234567890123456789012345678901234567890"
	     "123456789012345678901234567890123456789012345678901234567890"
	     "123456789012345678901234567890</EndToEndId></Refs></TxDtls>"
	     "</NtryDtls></Ntry>",
	        SEPA_EINVAL,
	        "element EndToEndId: value of 150 bytes is longer than 140", 3},
	    {"<Ntry><NtryRef>A\n<b>x</b>C</NtryRef></Ntry>", SEPA_EINVAL,
	        "element NtryRef holds an element (b) where text is expected",
	        3},
	    {"<Ntry><NtryDtls><Btch><NbOfTxs>two</NbOfTxs></Btch></NtryDtls>"
	     "</Ntry>",
	        SEPA_EINVAL, "element NbOfTxs: \"two\" is not a number", 2},
	};
	size_t i;

	for (i = 0; i < N(cases); i++) {
		char *doc = camt(cases[i].entry);
		struct got g;

		read_str(&g, doc);
		cr_expect_eq(g.rc, cases[i].code, "case %zu: rc %d", i, g.rc);
		cr_expect_str_eq(
		    g.err.msg, cases[i].msg, "case %zu: %s", i, g.err.msg);
		cr_expect_eq(g.err.line, cases[i].line, "case %zu: line %ld", i,
		    g.err.line);
		cr_expect_str_eq(g.err.where, "test.xml");
		free(g.recs);
		free(doc);
	}
}

/* What is not an xs:decimal is refused as such. */
Test(bankfile_values, not_decimal_numbers)
{
	static const char *const bad[] = {
	    ".", "1 000", "1,5", "0x10", "1.2.3", "+-1", "1+", "EUR 1"};
	char entry[256], want[256];

	for (size_t i = 0; i < N(bad); i++) {
		char *doc;
		struct got g;

		snprintf(entry, sizeof(entry),
		    "<Ntry><Amt Ccy=\"EUR\">%s</Amt></Ntry>", bad[i]);
		snprintf(want, sizeof(want),
		    "element Amt: amount \"%s\" is not a decimal number",
		    bad[i]);
		doc = camt(entry);
		read_str(&g, doc);
		cr_expect_eq(g.rc, SEPA_EINVAL, "%s", bad[i]);
		cr_expect_str_eq(g.err.msg, want);
		free(g.recs);
		free(doc);
	}
}

/* The date and date-time forms of xs:date and xs:dateTime are read. */
Test(bankfile_values, date_forms_accepted)
{
	static const char *const ok[] = {
	    "<BookgDt><Dt>2026-10-15</Dt></BookgDt>",
	    "<BookgDt><Dt>2026-10-15Z</Dt></BookgDt>",
	    "<BookgDt><Dt>2026-10-15+02:00</Dt></BookgDt>",
	    "<BookgDt><DtTm>2026-10-15T10:00:00</DtTm></BookgDt>",
	    "<BookgDt><DtTm>2026-10-15T10:00:00.123Z</DtTm></BookgDt>",
	    "<BookgDt><DtTm>2026-10-15T23:59:59-05:30</DtTm></BookgDt>",
	};
	char entry[256];

	for (size_t i = 0; i < N(ok); i++) {
		char *doc;
		struct got g;

		snprintf(entry, sizeof(entry),
		    "<Ntry><Amt Ccy=\"EUR\">1</Amt>%s</Ntry>", ok[i]);
		doc = camt(entry);
		read_str(&g, doc);
		cr_expect_eq(g.rc, 0, "%s: %s", ok[i], g.err.msg);
		cr_expect_eq(g.n, 1);
		if (g.n == 1) {
			cr_expect_eq(g.recs[0].booking_date.year, 2026);
			cr_expect_eq(g.recs[0].booking_date.day, 15);
		}
		free(g.recs);
		free(doc);
	}
}

/* Real samples with one value spoiled (tests/data/bank/SOURCES.md): the
 * whole file is refused, the message names the element and the line. */
Test(bankfile_values, spoiled_samples_refused)
{
	static const struct {
		const char *file;
		const char *msg;
		long line;
	} cases[] = {
	    {"derived/ie_boi_camt.054_amt_exponent.xml",
	        "element Amt: amount \"1.475E1\" is written with an exponent "
	        "(E): a decimal number such as 14.75 is expected",
	        36},
	    {"derived/ie_boi_camt.054_amt_trailing_point.xml",
	        "element Amt: amount \"14.\" has no digit after the decimal "
	        "point",
	        36},
	    {"derived/ie_boi_pain.002_date_garbage.xml",
	        "element ReqdColltnDt: \"2026-10-15Tgarbage\" is not a date "
	        "(YYYY-MM-DD, then an optional time zone)",
	        69},
	};

	for (size_t i = 0; i < N(cases); i++) {
		char path[512];
		struct got g;

		snprintf(path, sizeof(path), DATA "%s", cases[i].file);
		read_path(&g, path);
		cr_expect_eq(
		    g.rc, SEPA_EINVAL, "%s: rc %d", cases[i].file, g.rc);
		cr_expect_str_eq(g.err.msg, cases[i].msg, "%s", cases[i].file);
		cr_expect_eq(g.err.line, cases[i].line, "%s: line %ld",
		    cases[i].file, g.err.line);
		free(g.recs);
	}
}

/* The creation date-time of the group header is checked too. */
Test(bankfile_values, group_header_date_time)
{
	static const char doc[] =
	    "<Document xmlns=\"" NS054 "\"><BkToCstmrDbtCdtNtfctn>"
	    "<GrpHdr><MsgId>M</MsgId>\n<CreDtTm>2026-10-15Tgarbage</CreDtTm>"
	    "</GrpHdr></BkToCstmrDbtCdtNtfctn></Document>";
	struct got g;

	read_str(&g, doc);
	cr_expect_eq(g.rc, SEPA_EINVAL);
	cr_expect_str_eq(g.err.msg,
	    "element CreDtTm: \"2026-10-15Tgarbage\" is not a date-time "
	    "(YYYY-MM-DDThh:mm:ss, then an optional fraction and time zone)");
	cr_expect_eq(g.err.line, 2);
	free(g.recs);
}

/* ---------------------------------------------------------------- versions */

/*
 * Every ISO version sepad knows is read; the next one is refused with the
 * list of the known ones.
 */
Test(bankfile_versions, every_known_version)
{
	static const struct {
		const char *prefix;
		const char *root;
		int min, max;
	} msgs[] = {
	    {"pain.002", "CstmrPmtStsRpt", 3, 14},
	    {"camt.052", "BkToCstmrAcctRpt", 2, 13},
	    {"camt.053", "BkToCstmrStmt", 2, 13},
	    {"camt.054", "BkToCstmrDbtCdtNtfctn", 2, 13},
	};
	char doc[512], id[32], want[256];

	for (size_t i = 0; i < N(msgs); i++) {
		for (int v = msgs[i].min - 1; v <= msgs[i].max + 1; v++) {
			struct got g;

			snprintf(
			    id, sizeof(id), "%s.001.%02d", msgs[i].prefix, v);
			snprintf(doc, sizeof(doc),
			    "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:"
			    "%s\"><%s><GrpHdr><MsgId>M</MsgId></GrpHdr></%s>"
			    "</Document>",
			    id, msgs[i].root, msgs[i].root);
			read_str(&g, doc);
			if (v >= msgs[i].min && v <= msgs[i].max) {
				cr_expect_eq(g.rc, 0, "%s: %s", id, g.err.msg);
				cr_expect_str_eq(g.info.message, id);
			} else {
				cr_expect_eq(g.rc, SEPA_EINVAL, "%s", id);
				snprintf(want, sizeof(want),
				    "unsupported message version %s (known: "
				    "ISO 20022 %s.001.%02d to .%02d",
				    id, msgs[i].prefix, msgs[i].min,
				    msgs[i].max);
				cr_expect(
				    strncmp(g.err.msg, want, strlen(want)) == 0,
				    "%s\nwant %s", g.err.msg, want);
			}
			free(g.recs);
		}
	}
}

/*
 * The BOI samples rewritten in later versions (tests/data/bank/SOURCES.md
 * says what each version changed in them): the same records as the
 * originals. pain.002.001.11 on wraps the mandate in DrctDbtMndt.
 */
Test(bankfile_versions, later_versions_give_the_same_records)
{
	static const struct {
		const char *original;
		const char *derived;
		const char *message;
		int same_lines;
	} cases[] = {
	    {"pain002/ie_boi_pain.002.001.03_sdd_unpaid_4rjct.xml",
	        "derived/ie_boi_pain.002.001.10_from_03.xml", "pain.002.001.10",
	        1},
	    {"pain002/ie_boi_pain.002.001.03_sdd_unpaid_4rjct.xml",
	        "derived/ie_boi_pain.002.001.14_from_03.xml", "pain.002.001.14",
	        1},
	    {"camt054/ie_boi_camt.054.001.02_sdd_return_ac06.xml",
	        "derived/ie_boi_camt.054.001.13_from_02.xml", "camt.054.001.13",
	        0},
	};
	char path[512];

	for (size_t i = 0; i < N(cases); i++) {
		struct got ref, g;

		snprintf(path, sizeof(path), DATA "%s", cases[i].original);
		read_path(&ref, path);
		snprintf(path, sizeof(path), DATA "%s", cases[i].derived);
		read_path(&g, path);
		cr_assert_eq(g.rc, 0, "%s: %s", cases[i].derived, g.err.msg);
		cr_expect_str_eq(g.info.message, cases[i].message);
		cr_expect_gt(g.n, 0);
		cr_expect_str_neq(g.recs[0].mandate_id, "");
		expect_same(&ref, &g, cases[i].same_lines);
		free(ref.recs);
		free(g.recs);
	}
}

/* ------------------------------------------------------------ namespaces */

struct doc_case {
	const char *doc;
	int code;
	const char *msg;
};

/* Each document refused with its code and message, without a record. */
static void
expect_refused_docs(const struct doc_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct got g;

		read_str(&g, cases[i].doc);
		cr_expect_eq(g.rc, cases[i].code, "case %zu: rc %d", i, g.rc);
		cr_expect_str_eq(
		    g.err.msg, cases[i].msg, "case %zu: %s", i, g.err.msg);
		cr_expect_eq(g.n, 0);
		free(g.recs);
	}
}

/* A real sample whose namespace was changed (tests/data/bank/SOURCES.md):
 * refused whole, the namespace quoted with the ISO one it imitates. */
Test(bankfile_namespace, lookalike_namespace_refused)
{
	struct got g;

	read_path(&g, DATA "derived/ie_boi_pain.002_ns_evil.xml");
	cr_expect_eq(g.rc, SEPA_EINVAL, "rc %d", g.rc);
	cr_expect_str_eq(g.err.msg,
	    "unknown namespace \"urn:evil:pain.002.001.03\" for root element "
	    "CstmrPmtStsRpt: it is not the ISO 20022 namespace "
	    "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03 nor a known bank "
	    "variant (known: ISO 20022 pain.002.001.03 to .14; bank variants "
	    "pain.002.002.03, pain.002.003.03, pain.002.001.03.ch.02 (SIX))");
	cr_expect_eq(g.err.line, 7);
	cr_expect_eq(g.n, 0);
	free(g.recs);
}

/* Without a namespace the file is read (sepactl inspect warns, import
 * returns refuses it by default): info says there was none. */
Test(bankfile_namespace, no_namespace_read_and_said)
{
	struct got g;

	read_path(&g, DATA "derived/ie_boi_pain.002_ns_none.xml");
	cr_assert_eq(g.rc, 0, "%s", g.err.msg);
	cr_expect_eq(g.n, 4);
	cr_expect_eq(g.info.type, SEPA_BANKFILE_PAIN002);
	cr_expect_str_eq(g.info.ns, "");
	cr_expect_str_eq(g.info.message, "");
	free(g.recs);
}

/* Exact match: a near miss of a known namespace is refused, every known
 * one is read; the message element, its Document and every element
 * read share one namespace. */
Test(bankfile_namespace, exact_match_only)
{
	static const struct {
		const char *ns;
		const char *message; /* NULL: refused */
	} cases[] = {
	    {"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03",
	        "pain.002.001.03"},
	    {"urn:iso:std:iso:20022:tech:xsd:pain.002.001.14",
	        "pain.002.001.14"},
	    {"urn:iso:std:iso:20022:tech:xsd:pain.002.002.03",
	        "pain.002.002.03"},
	    {"urn:iso:std:iso:20022:tech:xsd:pain.002.003.03",
	        "pain.002.003.03"},
	    {"http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd",
	        "pain.002.001.03"},
	    {"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03.xsd", NULL},
	    {"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03 ", NULL},
	    {"URN:ISO:STD:ISO:20022:TECH:XSD:pain.002.001.03", NULL},
	    {"urn:iso:std:iso:20022:tech:xsd:pain.002.004.03", NULL},
	    {"urn:iso:std:iso:20022:tech:xsd:pain.002.002.10", NULL},
	    {"urn:iso:std:iso:20022:tech:xsd:pain.002.001.3", NULL},
	    {"urn:iso:std:iso:20022:tech:xsd:pain.002.001.15", NULL},
	    {"http://www.six-interbank-clearing.com/fr/pain.002.001.03.ch.02.xsd",
	        NULL},
	    {"http://evil.example/urn:iso:std:iso:20022:tech:xsd:pain.002.001.03",
	        NULL},
	};
	char doc[512];

	for (size_t i = 0; i < N(cases); i++) {
		struct got g;

		snprintf(doc, sizeof(doc),
		    "<Document xmlns=\"%s\"><CstmrPmtStsRpt><GrpHdr><MsgId>M"
		    "</MsgId></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>O"
		    "</OrgnlMsgId><GrpSts>RJCT</GrpSts></OrgnlGrpInfAndSts>"
		    "</CstmrPmtStsRpt></Document>",
		    cases[i].ns);
		read_str(&g, doc);
		if (cases[i].message != NULL) {
			cr_expect_eq(g.rc, 0, "%s: %s", cases[i].ns, g.err.msg);
			cr_expect_str_eq(g.info.message, cases[i].message, "%s",
			    cases[i].ns);
			cr_expect_eq(g.n, 1, "%s", cases[i].ns);
		} else {
			cr_expect_eq(
			    g.rc, SEPA_EINVAL, "%s: rc %d", cases[i].ns, g.rc);
			cr_expect_eq(g.n, 0, "%s", cases[i].ns);
		}
		free(g.recs);
	}
}

Test(bankfile_namespace, one_namespace_for_the_document)
{
	static const struct doc_case cases[] = {
	    {"<Document xmlns=\"urn:evil\"><x:CstmrPmtStsRpt xmlns:x=\"urn:iso:"
	     "std:iso:20022:tech:xsd:pain.002.001.03\"/></Document>",
	        SEPA_EINVAL,
	        "root element CstmrPmtStsRpt is in namespace \"urn:iso:std:iso:"
	        "20022:tech:xsd:pain.002.001.03\" but its Document in "
	        "\"urn:evil\""},
	    {"<Document><x:CstmrPmtStsRpt xmlns:x=\"urn:iso:std:iso:20022:tech:"
	     "xsd:pain.002.001.03\"/></Document>",
	        SEPA_EINVAL,
	        "root element CstmrPmtStsRpt is in namespace \"urn:iso:std:iso:"
	        "20022:tech:xsd:pain.002.001.03\" but its Document in \"\""},
	    {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\">"
	     "<CstmrPmtStsRpt><OrgnlPmtInfAndSts>\n<e:TxInfAndSts "
	     "xmlns:e=\"urn:evil\"><e:TxSts>RJCT</e:TxSts></e:TxInfAndSts>"
	     "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>",
	        SEPA_EINVAL,
	        "element TxInfAndSts is in namespace \"urn:evil\", not in the "
	        "document's \"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\""},
	    {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\">"
	     "<CstmrPmtStsRpt><OrgnlPmtInfAndSts><TxInfAndSts><TxSts "
	     "xmlns=\"\">RJCT</TxSts></TxInfAndSts></OrgnlPmtInfAndSts>"
	     "</CstmrPmtStsRpt></Document>",
	        SEPA_EINVAL,
	        "element TxSts is in namespace \"\", not in the document's "
	        "\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\""},
	};

	expect_refused_docs(cases, N(cases));
}

/* ------------------------------------------------------------- documents */

Test(bankfile_hostile, wrong_documents)
{
	static const struct doc_case cases[] = {
	    {"<Document xmlns=\"urn:example:foo\"><BkToCstmrStmt/></Document>",
	        SEPA_EINVAL,
	        "unknown namespace \"urn:example:foo\" for root element "
	        "BkToCstmrStmt (known: ISO 20022 camt.053.001.02 to .13)"},
	    {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
	     "<BkToCstmrDbtCdtNtfctn/></Document>",
	        SEPA_EINVAL,
	        "root element BkToCstmrDbtCdtNtfctn does not match namespace "
	        "camt.053.001.02"},
	    {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.14\">"
	     "<BkToCstmrDbtCdtNtfctn/></Document>",
	        SEPA_EINVAL,
	        "unsupported message version camt.054.001.14 (known: ISO 20022 "
	        "camt.054.001.02 to .13)"},
	    {"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.02\">"
	     "<CstmrPmtStsRpt/></Document>",
	        SEPA_EINVAL,
	        "unsupported message version pain.002.001.02 (known: ISO 20022 "
	        "pain.002.001.03 to .14; bank variants pain.002.002.03, "
	        "pain.002.003.03, pain.002.001.03.ch.02 (SIX))"},
	    {"<html><body/></html>", SEPA_EINVAL,
	        "not a bank return file: root element html (no namespace)"},
	    {"<Document xmlns=\"urn:x\"><Foo/></Document>", SEPA_EINVAL,
	        "not a bank return file: root element Foo (urn:x)"},
	    {"<Document/>", SEPA_EXML, "no message element in the document"},
	    {"", SEPA_EXML, "empty file"},
	    {" \r\n\t\n", SEPA_EXML, "empty file"},
	    {"hello", SEPA_EXML, "not an XML document: no element found"},
	    {"<Document xmlns=\"" NS054 "\"><BkToCstmrDbtCdtNtfctn>&x;"
	     "</BkToCstmrDbtCdtNtfctn></Document>",
	        SEPA_EXML, "malformed XML: entity 'x' not defined"},
	    {"<Document xmlns=\"" NS054 "\"><BkToCstmrDbtCdtNtfctn></Document>",
	        SEPA_EXML,
	        "malformed XML: opening and ending tag mismatch: "
	        "BkToCstmrDbtCdtNtfctn line 1 and Document"},
	};

	expect_refused_docs(cases, N(cases));
}

Test(bankfile_hostile, external_entity_refused_before_parsing)
{
	static const char *docs[] = {
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "
	    "\"file:///etc/passwd\">]>\n<Document xmlns=\"" NS054 "\">"
	    "<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>&x;</MsgId></GrpHdr>"
	    "</BkToCstmrDbtCdtNtfctn></Document>",
	    /* after a comment, and with a parameter entity */
	    "<!-- x -->\n<!DOCTYPE d SYSTEM \"http://example.invalid/x.dtd\" "
	    "[<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>\n"
	    "<Document/>",
	};
	size_t i;

	for (i = 0; i < N(docs); i++) {
		struct got g;

		read_str(&g, docs[i]);
		cr_expect_eq(g.rc, SEPA_EXML);
		cr_expect_str_eq(
		    g.err.msg, "DOCTYPE not allowed in bank files");
		cr_expect_eq(g.err.line, 2);
		cr_expect_null(strstr(g.info.msg_id, "root:"));
		cr_expect_eq(g.n, 0);
		free(g.recs);
	}
}

/* The same DOCTYPE in UTF-16: the input guard cannot see it, the reader's
 * own node check refuses it. */
Test(bankfile_hostile, doctype_in_utf16)
{
	static const char src[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!DOCTYPE d [<!ENTITY "
	    "x SYSTEM \"file:///etc/passwd\">]><Document>&x;</Document>";
	char buf[2 * sizeof(src) + 2];
	struct got g;
	size_t n = 0;
	size_t i;

	buf[n++] = (char)0xFF;
	buf[n++] = (char)0xFE;
	for (i = 0; src[i] != '\0'; i++) {
		buf[n++] = src[i];
		buf[n++] = '\0';
	}
	read_buf(&g, buf, n, NULL);
	cr_expect_eq(g.rc, SEPA_EXML);
	cr_expect_str_eq(g.err.msg, "DOCTYPE not allowed in bank files");
	cr_expect_null(strstr(g.err.msg, "root:"));
	free(g.recs);
}

Test(bankfile_hostile, entity_expansion_bomb)
{
	static const char doc[] =
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
	    "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
	    "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
	    "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
	    "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
	    "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
	    "]>\n<Document>&g;</Document>\n";
	struct got g;

	read_str(&g, doc);
	cr_expect_eq(g.rc, SEPA_EXML);
	cr_expect_str_eq(g.err.msg, "DOCTYPE not allowed in bank files");
	cr_expect_eq(g.err.line, 2);
	free(g.recs);
}

/* A generator: a camt.054 head, then one text node of `total` bytes. */
struct gen {
	size_t sent;
	size_t total;
};

static long
gen_read(void *arg, char *buf, size_t len)
{
	static const char head[] = "<Document xmlns=\"" NS054 "\">\n"
	                           "<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>";
	struct gen *g = arg;
	size_t n = 0;

	while (n < len && g->sent < g->total) {
		buf[n++] = g->sent < sizeof(head) - 1 ? head[g->sent] : 'A';
		g->sent++;
	}
	return (long)n;
}

Test(bankfile_hostile, one_gigabyte_text_node_refused_quickly)
{
	struct gen gen = {0, (size_t)1 << 30};
	sepa_error err = SEPA_ERROR_INIT;
	sepa_bankfile_info info;
	clock_t t0 = clock();
	int rc;

	rc = sepa_bankfile_read_io(
	    gen_read, &gen, "gen", NULL, NULL, NULL, &info, &err);
	cr_expect_eq(rc, SEPA_ELIMIT);
	cr_expect_str_eq(err.msg, "text longer than 65536 bytes");
	cr_expect_eq(err.line, 2);
	cr_expect_lt(gen.sent, (size_t)1 << 20, "read %zu bytes", gen.sent);
	cr_expect_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 1.0);
}

/* With a text limit above libxml2's own, libxml2 still stops it. */
Test(bankfile_hostile, libxml2_text_limit_still_applies)
{
	struct gen gen = {0, (size_t)1 << 30};
	sepa_bankfile_opts opts = SEPA_BANKFILE_OPTS_INIT;
	sepa_error err = SEPA_ERROR_INIT;
	int rc;

	opts.max_text = (size_t)100 << 20;
	rc = sepa_bankfile_read_io(
	    gen_read, &gen, "gen", &opts, NULL, NULL, NULL, &err);
	cr_expect_eq(rc, SEPA_EXML);
	cr_expect_lt(gen.sent, (size_t)20 << 20, "read %zu bytes", gen.sent);
}

static char *
deep_doc(size_t depth, size_t *len)
{
	static const char head[] = "<Document xmlns=\"" NS054 "\">"
	                           "<BkToCstmrDbtCdtNtfctn><Ntfctn>";
	char *buf = malloc(sizeof(head) + depth * 7 + 1);
	size_t n = sizeof(head) - 1;
	size_t i;

	cr_assert_not_null(buf);
	memcpy(buf, head, n);
	for (i = 0; i < depth; i++, n += 3)
		memcpy(buf + n, "<a>", 3);
	for (i = 0; i < depth; i++, n += 4)
		memcpy(buf + n, "</a>", 4);
	*len = n;
	return buf;
}

Test(bankfile_hostile, deep_nesting)
{
	sepa_bankfile_opts opts = SEPA_BANKFILE_OPTS_INIT;
	struct got g;
	size_t len;
	char *doc = deep_doc(10000, &len);

	read_buf(&g, doc, len, NULL);
	cr_expect_eq(g.rc, SEPA_ELIMIT);
	cr_expect_str_eq(
	    g.err.msg, "elements nested deeper than 64 (element a)");
	free(g.recs);

	/* our limit raised: libxml2's own depth limit refuses it */
	opts.max_depth = 20000;
	read_buf(&g, doc, len, &opts);
	cr_expect_eq(g.rc, SEPA_EXML);
	cr_expect_not_null(strstr(g.err.msg, "depth"), "%s", g.err.msg);
	free(g.recs);
	free(doc);
}

Test(bankfile_hostile, truncated_file)
{
	size_t len;
	char *buf = slurp(
	    DATA "camt054/ie_boi_camt.054.001.02_sdd_return_ac06.xml", &len);
	/* the Document start tag spans lines 2 to 5 */
	size_t cuts[] = {len / 2, len - 20, 200};
	size_t i;
	struct got g;

	for (i = 0; i < N(cuts); i++) {
		read_buf(&g, buf, cuts[i], NULL);
		cr_expect_eq(g.rc, SEPA_EXML, "cut %zu", cuts[i]);
		cr_expect_str_eq(g.err.msg,
		    "truncated file: the input ends before element Document "
		    "(line 5) is closed",
		    "cut %zu: %s", cuts[i], g.err.msg);
		free(g.recs);
	}
	read_buf(&g, buf, 150, NULL);
	cr_expect_eq(g.rc, SEPA_EXML);
	cr_expect_str_eq(g.err.msg,
	    "truncated file: the input ends before the root element is "
	    "complete");
	free(g.recs);
	read_buf(&g, buf, 40, NULL);
	cr_expect_eq(g.rc, SEPA_EXML);
	cr_expect_str_eq(g.err.msg,
	    "truncated file: the input ends before the root element is "
	    "complete");
	free(g.recs);
	free(buf);
}

Test(bankfile_hostile, binary_garbage)
{
	static char buf[1 << 16];
	unsigned int seed;
	size_t i;

	for (seed = 1; seed <= 20; seed++) {
		struct got g;

		srand(seed);
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (char)(rand() & 0xFF);
		if (seed % 2 == 0)
			memcpy(buf, "<Document><BkToCstmrStmt>", 25);
		read_buf(&g, buf, sizeof(buf), NULL);
		cr_expect_lt(g.rc, 0, "seed %u", seed);
		cr_expect_neq(g.err.msg[0], '\0');
		free(g.recs);
	}
}

/* ---------------------------------------------------------------- limits */

Test(bankfile_limits, file_size_records_and_callback)
{
	const char *path =
	    DATA "pain002/ie_boi_pain.002.001.03_sdd_unpaid_4rjct.xml";
	sepa_bankfile_opts opts = SEPA_BANKFILE_OPTS_INIT;
	sepa_error err = SEPA_ERROR_INIT;
	struct got g;
	size_t len;
	char *buf = slurp(path, &len);

	opts.max_bytes = 1000;
	cr_expect_eq(
	    sepa_bankfile_read_file(path, &opts, NULL, NULL, NULL, &err),
	    SEPA_ELIMIT);
	cr_expect_str_eq(err.msg, "file larger than 1000 bytes");
	cr_expect_eq(err.line, 0);

	read_buf(&g, buf, len, &opts);
	cr_expect_eq(g.rc, SEPA_ELIMIT);
	cr_expect_str_eq(g.err.msg, "file larger than 1000 bytes");
	free(g.recs);

	opts = (sepa_bankfile_opts)SEPA_BANKFILE_OPTS_INIT;
	opts.max_records = 3;
	read_buf(&g, buf, len, &opts);
	cr_expect_eq(g.rc, SEPA_ELIMIT);
	cr_expect_str_eq(g.err.msg, "too many records: the limit is 3");
	cr_expect_eq(g.err.line, 276);
	cr_expect_eq(g.n, 3);
	free(g.recs);

	cr_expect_eq(sepa_bankfile_read_file("tests/data/bank/none.xml", NULL,
	                 NULL, NULL, NULL, &err),
	    SEPA_EIO);
	cr_expect_str_eq(err.msg, "could not open: No such file or directory");
	free(buf);
}

static int
stop_cb(const sepa_bankfile_record *rec, void *arg)
{
	int *seen = arg;

	(void)rec;
	return ++*seen == 2 ? SEPA_ENOMEM : 0;
}

static long
fail_read(void *arg, char *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
	errno = EIO;
	return -1;
}

Test(bankfile_limits, callback_stop_and_input_error)
{
	sepa_error err = SEPA_ERROR_INIT;
	int seen = 0;

	cr_expect_eq(sepa_bankfile_read_file(DATA
	                 "pain002/ie_boi_pain.002.001.03_sdd_unpaid_4rjct.xml",
	                 NULL, stop_cb, &seen, NULL, &err),
	    SEPA_ENOMEM);
	cr_expect_eq(seen, 2);
	cr_expect_str_eq(
	    err.msg, "reading stopped by the record callback (-2) at record 1");

	cr_expect_eq(sepa_bankfile_read_io(
	                 fail_read, NULL, "in", NULL, NULL, NULL, NULL, &err),
	    SEPA_EIO);
	cr_expect_str_eq(err.msg, "could not read: Input/output error");
	cr_expect_eq(err.sys_errno, EIO);
}

Test(bankfile_names, names)
{
	cr_expect_str_eq(
	    sepa_bankfile_kind_name(SEPA_BANKFILE_REJECT), "reject");
	cr_expect_str_eq(
	    sepa_bankfile_kind_name(SEPA_BANKFILE_RETURN), "return");
	cr_expect_str_eq(
	    sepa_bankfile_kind_name(SEPA_BANKFILE_REFUND), "refund");
	cr_expect_str_eq(
	    sepa_bankfile_kind_name(SEPA_BANKFILE_REVERSAL), "reversal");
	cr_expect_str_eq(sepa_bankfile_kind_name(SEPA_BANKFILE_CONFIRMATION),
	    "confirmation");
	cr_expect_str_eq(sepa_bankfile_kind_name(SEPA_BANKFILE_INFO), "info");
	cr_expect_str_eq(
	    sepa_bankfile_level_name(SEPA_BANKFILE_GROUP), "group");
	cr_expect_str_eq(
	    sepa_bankfile_level_name(SEPA_BANKFILE_BLOCK), "block");
	cr_expect_str_eq(
	    sepa_bankfile_level_name(SEPA_BANKFILE_TRANSACTION), "transaction");
	cr_expect_str_eq(
	    sepa_bankfile_type_name(SEPA_BANKFILE_CAMT053), "camt.053");
	cr_expect_str_eq(
	    sepa_bankfile_type_name(SEPA_BANKFILE_UNKNOWN), "unknown");
}
