/*
 * pain008_write.c - pain.008 writer, streamed on xmlw.c: every field is
 * checked and reduced to the SEPA Latin set before it is written, the
 * blocks and totals are counted as they go, EndToEndIds are kept unique
 * in a keyed hash table (seen.c), and the file (with its .sha256 sidecar)
 * is written under a temporary name, synced, and renamed only once
 * complete (outfile.c). The SHA-256 and, when asked, the validation run
 * beside it in a second thread (checkq.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pain008_internal.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/money.h"
#include "sepa/pain008.h"
#include "sepa/rules.h"
#include "sepa/text.h"
#include "checkq.h"
#include "fields.h"
#include "outfile.h"
#include "seen.h"
#include "xmlw.h"

#define P8_NAME_MAX 70
#define P8_RMT_MAX 140
#define P8_TOWN_MAX 35
#define P8_STREET_MAX 70
#define P8_SHORT_MAX 16
#define P8_LINE_MAX 70

struct sepa_pain008_writer {
	sepa_pain008_opts opts;
	const struct p8_version *ver;
	struct outfile f;
	struct xmlw x;
	long ann_txs;
	int64_t ann_sum;
	long txs;
	int64_t sum;
	long blocks;
	int in_block;
	char blk_id[SEPA_ID_BUFSZ];
	long blk_ann_txs;
	int64_t blk_ann_sum;
	long blk_txs;
	int64_t blk_sum;
	sepa_date blk_date;
	struct p8_keys keys;
	struct checkq *q; /* the hashing (and validating) thread */
	struct p8v *v; /* the validator, when opts.validate */
	sepa_error verr; /* its error */
	struct seen seen; /* the EndToEndIds already in the file */
};

/* ---------------------------------------------------------- checks */

/* "YYYY-MM-DDThh:mm:ss[.fff][Z|+hh:mm|-hh:mm]" */
static int
p8_datetime(const char *s, sepa_error *err)
{
	const char *p;

	if (p8_empty(s))
		return sepa_error_set(err, SEPA_EINVAL, "CreDtTm is missing");
	if (strlen(s) < 19 || !p8_digits(s, 4) || s[4] != '-' ||
	    !p8_digits(s + 5, 2) || s[7] != '-' || !p8_digits(s + 8, 2) ||
	    s[10] != 'T' || !p8_digits(s + 11, 2) || s[13] != ':' ||
	    !p8_digits(s + 14, 2) || s[16] != ':' || !p8_digits(s + 17, 2))
		goto bad;
	if (!sepa_date_valid(atoi(s), atoi(s + 5), atoi(s + 8)) ||
	    atoi(s + 11) > 23 || atoi(s + 14) > 59 || atoi(s + 17) > 59)
		goto bad;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto bad;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-') {
		if (!p8_digits(p + 1, 2) || p[3] != ':' || !p8_digits(p + 4, 2))
			goto bad;
		p += 6;
	}
	if (*p != '\0')
		goto bad;
	return 0;
bad:
	return sepa_error_set(err, SEPA_EINVAL,
	    "CreDtTm \"%.40s\" is not YYYY-MM-DDThh:mm:ss with an optional "
	    "fraction and zone",
	    s);
}

/* ------------------------------------------------------ XML pieces */

static void
p8_agent(struct sepa_pain008_writer *w, const char *tag, const char *bic)
{
	struct xmlw *x = &w->x;

	xmlw_open(x, tag);
	xmlw_open(x, "FinInstnId");
	if (bic[0] != '\0') {
		xmlw_elem(x, w->ver->bic_tag, bic);
	} else {
		xmlw_open(x, "Othr");
		xmlw_elem(x, "Id", "NOTPROVIDED");
		xmlw_close(x, "Othr");
	}
	xmlw_close(x, "FinInstnId");
	xmlw_close(x, tag);
}

static void
p8_scheme_id(struct xmlw *x, const char *cid)
{
	xmlw_open(x, "Id");
	xmlw_open(x, "PrvtId");
	xmlw_open(x, "Othr");
	xmlw_elem(x, "Id", cid);
	xmlw_open(x, "SchmeNm");
	xmlw_elem(x, "Prtry", "SEPA");
	xmlw_close(x, "SchmeNm");
	xmlw_close(x, "Othr");
	xmlw_close(x, "PrvtId");
	xmlw_close(x, "Id");
}

static void
p8_account(struct xmlw *x, const char *tag, const char *iban)
{
	xmlw_open(x, tag);
	xmlw_open(x, "Id");
	xmlw_elem(x, "IBAN", iban);
	xmlw_close(x, "Id");
	xmlw_close(x, tag);
}

/*
 * The texts of a party the writer reduces, with their XSD length and
 * whether they must be there once reduced: sepa_pain008_add and
 * p8_addr_prepare write by them, sepa_pain008_check_text checks by them.
 */
static const struct p8_text {
	size_t max;
	int required;
	const char *name; /* in messages: "Dbtr/Nm", "Dbtr address street" */
} p8_texts[] = {
    [SEPA_PAIN008_NAME] = {P8_NAME_MAX, 1, "Nm"},
    [SEPA_PAIN008_STREET] = {P8_STREET_MAX, 0, "street"},
    [SEPA_PAIN008_BUILDING] = {P8_SHORT_MAX, 0, "building"},
    [SEPA_PAIN008_POSTCODE] = {P8_SHORT_MAX, 0, "postcode"},
    [SEPA_PAIN008_TOWN] = {P8_TOWN_MAX, 1, "town"},
};

/* An address, checked and transliterated, ready to write. */
struct p8_addr {
	int present;
	char street[P8_STREET_MAX + 1];
	char bldg[P8_SHORT_MAX + 1];
	char postcode[P8_SHORT_MAX + 1];
	char town[P8_TOWN_MAX + 1];
	char country[3];
	char line[2][P8_LINE_MAX + 1];
};

static int
p8_addr_prepare(struct p8_addr *a, const sepa_pain008_address *in,
    unsigned flags, const char *who, sepa_error *err)
{
	char field[64];
	int rc;

	memset(a, 0, sizeof(*a));
	if (in == NULL)
		return 0;
	a->present = 1;
	if (p8_empty(in->town) || p8_empty(in->country))
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s address: town and country are mandatory (structured "
		    "or hybrid address; unstructured addresses are refused "
		    "from 15 November 2026)",
		    who);
	if (strlen(in->country) != 2 || in->country[0] < 'A' ||
	    in->country[0] > 'Z' || in->country[1] < 'A' ||
	    in->country[1] > 'Z')
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s address: country \"%.8s\" is not two capital letters",
		    who, in->country);
	memcpy(a->country, in->country, 3);
#define P8_FIELD(dst, src, max, name, req) \
	do { \
		snprintf(field, sizeof(field), "%s address %s", who, name); \
		rc = field_text(dst, sizeof(dst), src, max, flags, \
		    sepa_text_latin, field, req, err); \
		if (rc != 0) \
			return rc; \
	} while (0)
#define P8_TEXT(dst, src, k) \
	P8_FIELD( \
	    dst, src, p8_texts[k].max, p8_texts[k].name, p8_texts[k].required)
	P8_TEXT(a->street, in->street, SEPA_PAIN008_STREET);
	P8_TEXT(a->bldg, in->building_number, SEPA_PAIN008_BUILDING);
	P8_TEXT(a->postcode, in->postcode, SEPA_PAIN008_POSTCODE);
	P8_TEXT(a->town, in->town, SEPA_PAIN008_TOWN);
#undef P8_TEXT
	P8_FIELD(a->line[0], in->line[0], P8_LINE_MAX, "line 1", 0);
	P8_FIELD(a->line[1], in->line[1], P8_LINE_MAX, "line 2", 0);
#undef P8_FIELD
	return 0;
}

int
sepa_pain008_check_text(enum sepa_pain008_text which, const char *in,
    unsigned text_flags, char *out, size_t outsz, sepa_error *err)
{
	char buf[P8_NAME_MAX + 1], field[64];
	const struct p8_text *t;
	int rc;

	if ((unsigned)which >= sizeof(p8_texts) / sizeof(p8_texts[0]))
		return sepa_error_set(
		    err, SEPA_EINVAL, "unknown text %d", (int)which);
	t = &p8_texts[which];
	snprintf(field, sizeof(field),
	    which == SEPA_PAIN008_NAME ? "Dbtr/%s" : "Dbtr address %s",
	    t->name);
	if ((rc = field_text(buf, sizeof(buf), in, t->max, text_flags,
	         sepa_text_latin, field, t->required, err)) != 0)
		return rc;
	if (out != NULL && outsz > 0 &&
	    (size_t)snprintf(out, outsz, "%s", buf) >= outsz)
		return sepa_error_set(err, SEPA_ELIMIT,
		    "%s does not fit in %zu bytes", field, outsz);
	return 0;
}

static void
p8_addr_write(struct xmlw *x, const struct p8_addr *a)
{
	if (!a->present)
		return;
	xmlw_open(x, "PstlAdr");
	if (a->street[0] != '\0')
		xmlw_elem(x, "StrtNm", a->street);
	if (a->bldg[0] != '\0')
		xmlw_elem(x, "BldgNb", a->bldg);
	if (a->postcode[0] != '\0')
		xmlw_elem(x, "PstCd", a->postcode);
	xmlw_elem(x, "TwnNm", a->town);
	xmlw_elem(x, "Ctry", a->country);
	for (int i = 0; i < 2; i++)
		if (a->line[i][0] != '\0')
			xmlw_elem(x, "AdrLine", a->line[i]);
	xmlw_close(x, "PstlAdr");
}

/* ---------------------------------------------------------- writer */

static void
p8_writer_free(struct sepa_pain008_writer *w)
{
	if (w == NULL)
		return;
	checkq_stop(w->q);
	p8v_free(w->v);
	outfile_discard(&w->f);
	xmlw_free(&w->x);
	seen_free(&w->seen);
	free(w->keys.v);
	free(w);
}

void
sepa_pain008_abort(sepa_pain008_writer *w)
{
	p8_writer_free(w);
}

static int
p8_feed(void *arg, const char *buf, size_t n)
{
	return p8v_feed(arg, buf, n);
}

/* Start the thread that hashes and, when asked, validates what w writes. */
static int
p8_checker(struct sepa_pain008_writer *w, sepa_error *err)
{
	int rc;

	if (w->opts.validate &&
	    (rc = p8v_open(&w->v, w->opts.schema_dir, (int)w->opts.version,
	         w->f.path, &w->verr)) != 0) {
		*err = w->verr;
		return rc;
	}
	return checkq_start(
	    &w->q, &w->x, w->v != NULL ? p8_feed : NULL, w->v, 1, err);
}

int
sepa_pain008_open(sepa_pain008_writer **out, const char *path,
    const sepa_pain008_opts *opts, const sepa_pain008_header *hdr,
    sepa_error *err)
{
	static const sepa_pain008_opts defaults = SEPA_PAIN008_OPTS_INIT;
	struct sepa_pain008_writer *w = NULL;
	char name[P8_NAME_MAX + 1];
	struct xmlw *x;
	int rc;

	*out = NULL;
	if (path == NULL || hdr == NULL)
		return sepa_error_set(
		    err, SEPA_EINVAL, "no file name or no group header");
	if (opts == NULL)
		opts = &defaults;
	if (opts->version != SEPA_PAIN008_V08 &&
	    opts->version != SEPA_PAIN008_V02)
		return outfile_where(err, path,
		    sepa_error_set(err, SEPA_EINVAL,
		        "unknown pain.008 version %d", (int)opts->version));
	if (opts->validate && p8_empty(opts->schema_dir))
		return outfile_where(err, path,
		    sepa_error_set(err, SEPA_EINVAL,
		        "validation needs the schema directory "
		        "(opts.schema_dir)"));
	/* The header first: nothing is created for a bad one. */
	if ((rc = field_id(hdr->msg_id, "MsgId", 1, err)) != 0 ||
	    (rc = p8_datetime(hdr->creation_time, err)) != 0 ||
	    (rc = field_text(name, sizeof(name), hdr->initiating_party,
	         P8_NAME_MAX, opts->text_flags, sepa_text_latin, "InitgPty/Nm",
	         1, err)) != 0)
		return outfile_where(err, path, rc);
	if (hdr->nb_of_txs < 1 || hdr->ctrl_sum < 1)
		return outfile_where(err, path,
		    sepa_error_set(err, SEPA_EINVAL,
		        "GrpHdr: announced NbOfTxs %ld and CtrlSum %lld "
		        "cents must be positive",
		        hdr->nb_of_txs, (long long)hdr->ctrl_sum));

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	w->f.fd = -1;
	w->opts = *opts;
	w->ver = &p8_versions[opts->version];
	w->ann_txs = hdr->nb_of_txs;
	w->ann_sum = hdr->ctrl_sum;
	if ((rc = seen_init(&w->seen, (size_t)hdr->nb_of_txs, err)) != 0 ||
	    (rc = outfile_open(&w->f, path, opts->mode, err)) != 0 ||
	    (rc = xmlw_init(&w->x, w->f.fd, opts->buffer_size, opts->write_hook,
	         opts->write_hook_arg, err)) != 0 ||
	    (rc = p8_checker(w, err)) != 0)
		goto fail;

	x = &w->x;
	xmlw_raw(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39);
	xmlw_raw(x, "<Document xmlns=\"", 17);
	xmlw_raw(x, w->ver->ns, strlen(w->ver->ns));
	xmlw_raw(x, "\">", 2);
	x->depth = 1;
	xmlw_open(x, "CstmrDrctDbtInitn");
	xmlw_open(x, "GrpHdr");
	xmlw_elem(x, "MsgId", hdr->msg_id);
	xmlw_elem(x, "CreDtTm", hdr->creation_time);
	xmlw_elem_long(x, "NbOfTxs", hdr->nb_of_txs);
	xmlw_elem_amount(x, "CtrlSum", hdr->ctrl_sum, NULL);
	xmlw_open(x, "InitgPty");
	xmlw_elem(x, "Nm", name);
	xmlw_close(x, "InitgPty");
	xmlw_close(x, "GrpHdr");
	if ((rc = xmlw_error(x)) != 0) {
		*err = x->err;
		goto fail;
	}
	*out = w;
	return 0;
fail:
	outfile_where(err, path, rc);
	p8_writer_free(w);
	return rc;
}

static int
p8_sticky(struct sepa_pain008_writer *w, sepa_error *err)
{
	if (w->x.failed) {
		if (err != NULL)
			*err = w->x.err;
		return outfile_where(err, w->f.path, w->x.err.code);
	}
	return 0;
}

/* Check and normalise a block's fields. */
static int
p8_block_check(struct sepa_pain008_writer *w, const sepa_pain008_block *b,
    char name[P8_NAME_MAX + 1], char bic[SEPA_BIC_BUFSZ], struct p8_key *key,
    struct p8_addr *addr, sepa_error *err)
{
	char d[SEPA_DATE_BUFSZ];
	int rc;

	if (p8_seq_name(b->seq) == NULL)
		return sepa_error_set(err, SEPA_EINVAL,
		    "SeqTp %d is not FRST, RCUR, OOFF or FNAL", (int)b->seq);
	if (b->nb_of_txs < 1 || b->ctrl_sum < 1)
		return sepa_error_set(err, SEPA_EINVAL,
		    "announced NbOfTxs %ld and CtrlSum %lld cents must be "
		    "positive",
		    b->nb_of_txs, (long long)b->ctrl_sum);
	if (b->batch_booking < -1 || b->batch_booking > 1)
		return sepa_error_set(
		    err, SEPA_EINVAL, "BtchBookg must be -1 (absent), 0 or 1");
	if ((rc = field_date(b->due_date, "ReqdColltnDt", err)) != 0)
		return rc;
	if (!sepa_target2_is_business_day(b->due_date))
		return sepa_error_set(err, SEPA_EINVAL,
		    "ReqdColltnDt %s is not a TARGET2 business day",
		    sepa_date_iso(d, b->due_date));
	if ((rc = field_text(name, P8_NAME_MAX + 1, b->creditor_name,
	         P8_NAME_MAX, w->opts.text_flags, sepa_text_latin, "Cdtr/Nm", 1,
	         err)) != 0 ||
	    (rc = field_code(key->iban, b->creditor_iban, sepa_iban_parse,
	         "CdtrAcct", err)) != 0 ||
	    (rc = field_bic(bic, b->creditor_bic, w->ver->bic_rule, "CdtrAgt",
	         err)) != 0 ||
	    (rc = field_code(key->cid, b->creditor_id, sepa_cid_parse,
	         "CdtrSchmeId", err)) != 0)
		return rc;
	return p8_addr_prepare(
	    addr, b->creditor_address, w->opts.text_flags, "Cdtr", err);
}

int
sepa_pain008_begin_block(
    sepa_pain008_writer *w, const sepa_pain008_block *b, sepa_error *err)
{
	char name[P8_NAME_MAX + 1];
	char bic[SEPA_BIC_BUFSZ];
	struct p8_key key;
	struct p8_addr addr;
	const char *seq;
	struct xmlw *x;
	int rc;

	if (w == NULL || b == NULL)
		return sepa_error_set(err, SEPA_EINVAL, "no writer or block");
	if ((rc = p8_sticky(w, err)) != 0)
		return rc;
	if (w->in_block)
		return outfile_where(err, w->f.path,
		    sepa_error_set(err, SEPA_ESTATE, "PmtInf %s is still open",
		        w->blk_id));
	memset(&key, 0, sizeof(key));
	seq = p8_seq_name(b->seq);
	if ((rc = field_id(b->pmt_inf_id, "PmtInfId", 1, err)) != 0)
		return outfile_where(err, w->f.path, rc);
	rc = p8_block_check(w, b, name, bic, &key, &addr, err);
	if (rc == 0) {
		key.seq = (int)b->seq;
		key.date = b->due_date;
		rc = p8_keys_add(&w->keys, &key, err);
	}
	if (rc != 0) {
		sepa_error_prefix(err, "PmtInf %s", b->pmt_inf_id);
		return outfile_where(err, w->f.path, rc);
	}

	x = &w->x;
	xmlw_open(x, "PmtInf");
	xmlw_elem(x, "PmtInfId", b->pmt_inf_id);
	xmlw_elem(x, "PmtMtd", "DD");
	if (b->batch_booking >= 0)
		xmlw_elem(x, "BtchBookg", b->batch_booking ? "true" : "false");
	xmlw_elem_long(x, "NbOfTxs", b->nb_of_txs);
	xmlw_elem_amount(x, "CtrlSum", b->ctrl_sum, NULL);
	xmlw_open(x, "PmtTpInf");
	xmlw_open(x, "SvcLvl");
	xmlw_elem(x, "Cd", "SEPA");
	xmlw_close(x, "SvcLvl");
	xmlw_open(x, "LclInstrm");
	xmlw_elem(x, "Cd", "CORE");
	xmlw_close(x, "LclInstrm");
	xmlw_elem(x, "SeqTp", seq);
	xmlw_close(x, "PmtTpInf");
	xmlw_elem_date(x, "ReqdColltnDt", b->due_date.year, b->due_date.month,
	    b->due_date.day);
	xmlw_open(x, "Cdtr");
	xmlw_elem(x, "Nm", name);
	p8_addr_write(x, &addr);
	xmlw_close(x, "Cdtr");
	p8_account(x, "CdtrAcct", key.iban);
	p8_agent(w, "CdtrAgt", bic);
	xmlw_elem(x, "ChrgBr", "SLEV");
	xmlw_open(x, "CdtrSchmeId");
	p8_scheme_id(x, key.cid);
	xmlw_close(x, "CdtrSchmeId");
	if ((rc = p8_sticky(w, err)) != 0)
		return rc;
	w->in_block = 1;
	snprintf(w->blk_id, sizeof(w->blk_id), "%s", b->pmt_inf_id);
	w->blk_ann_txs = b->nb_of_txs;
	w->blk_ann_sum = b->ctrl_sum;
	w->blk_txs = 0;
	w->blk_sum = 0;
	w->blk_date = b->due_date;
	w->blocks++;
	return 0;
}

/* Check an amendment; the old values are normalised into the buffers. */
struct p8_amend {
	char mndt[SEPA_ID_BUFSZ];
	char cname[P8_NAME_MAX + 1];
	char cid[SEPA_CID_BUFSZ];
	char iban[SEPA_IBAN_BUFSZ];
};

static int
p8_amend_prepare(struct p8_amend *a, const sepa_pain008_amendment *in,
    const sepa_pain008_tx *tx, const char *dbtr_iban, unsigned flags,
    sepa_error *err)
{
	int rc;

	memset(a, 0, sizeof(*a));
	if (p8_empty(in->orig_mandate_id) && p8_empty(in->orig_creditor_name) &&
	    p8_empty(in->orig_creditor_id) && in->account == SEPA_AMEND_NONE)
		return sepa_error_set(
		    err, SEPA_EINVAL, "amendment without any original value");
	if (!p8_empty(in->orig_mandate_id)) {
		if ((rc = field_id(
		         in->orig_mandate_id, "OrgnlMndtId", 1, err)) != 0)
			return rc;
		if (strcmp(in->orig_mandate_id, tx->mandate_id) == 0)
			return sepa_error_set(err, SEPA_EINVAL,
			    "OrgnlMndtId is the same as MndtId %s",
			    tx->mandate_id);
		snprintf(a->mndt, sizeof(a->mndt), "%s", in->orig_mandate_id);
	}
	if ((rc = field_text(a->cname, sizeof(a->cname), in->orig_creditor_name,
	         P8_NAME_MAX, flags, sepa_text_latin, "OrgnlCdtrSchmeId/Nm", 0,
	         err)) != 0)
		return rc;
	if (!p8_empty(in->orig_creditor_id) &&
	    (rc = field_code(a->cid, in->orig_creditor_id, sepa_cid_parse,
	         "OrgnlCdtrSchmeId", err)) != 0)
		return rc;
	switch (in->account) {
	case SEPA_AMEND_NONE:
		break;
	case SEPA_AMEND_SAME_BANK:
		if ((rc = field_old_iban(a->iban, in->orig_debtor_iban,
		         dbtr_iban, "OrgnlDbtrAcct", "DbtrAcct",
		         "use the new bank amendment (SMNDA)", err)) != 0)
			return rc;
		break;
	case SEPA_AMEND_OTHER_BANK:
		break;
	default:
		return sepa_error_set(err, SEPA_EINVAL,
		    "unknown account change %d", (int)in->account);
	}
	return 0;
}

static void
p8_amend_write(
    struct xmlw *x, const struct p8_amend *a, enum sepa_amendment acct)
{
	xmlw_elem(x, "AmdmntInd", "true");
	xmlw_open(x, "AmdmntInfDtls");
	if (a->mndt[0] != '\0')
		xmlw_elem(x, "OrgnlMndtId", a->mndt);
	if (a->cname[0] != '\0' || a->cid[0] != '\0') {
		xmlw_open(x, "OrgnlCdtrSchmeId");
		if (a->cname[0] != '\0')
			xmlw_elem(x, "Nm", a->cname);
		if (a->cid[0] != '\0')
			p8_scheme_id(x, a->cid);
		xmlw_close(x, "OrgnlCdtrSchmeId");
	}
	if (acct == SEPA_AMEND_SAME_BANK) {
		p8_account(x, "OrgnlDbtrAcct", a->iban);
	} else if (acct == SEPA_AMEND_OTHER_BANK) {
		xmlw_open(x, "OrgnlDbtrAcct");
		xmlw_open(x, "Id");
		xmlw_open(x, "Othr");
		xmlw_elem(x, "Id", "SMNDA");
		xmlw_close(x, "Othr");
		xmlw_close(x, "Id");
		xmlw_close(x, "OrgnlDbtrAcct");
	}
	xmlw_close(x, "AmdmntInfDtls");
}

/* A transaction checked and reduced, ready to write. */
struct p8_tx {
	char name[P8_NAME_MAX + 1];
	char ultimate[P8_NAME_MAX + 1];
	char rmt[P8_RMT_MAX + 1];
	char iban[SEPA_IBAN_BUFSZ];
	char bic[SEPA_BIC_BUFSZ];
	struct p8_addr addr;
	struct p8_amend amend;
};

/*
 * Every check of one transaction that needs nothing else of the file (not
 * the EndToEndIds already in it, nor the block's totals), for a block due
 * on `due`: sepa_pain008_add writes what it fills, sepa_pain008_check_tx
 * only asks.
 */
static int
p8_tx_prepare(struct p8_tx *t, const sepa_pain008_tx *tx,
    const struct p8_version *ver, unsigned flags, sepa_date due,
    sepa_error *err)
{
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = field_id(tx->end_to_end_id, "EndToEndId", 1, err)) != 0 ||
	    (rc = field_id(tx->instr_id, "InstrId", 0, err)) != 0 ||
	    (rc = field_amount(tx->amount, "InstdAmt", err)) != 0 ||
	    (rc = field_id(tx->mandate_id, "MndtId", 1, err)) != 0 ||
	    (rc = field_date(tx->signature_date, "DtOfSgntr", err)) != 0)
		return rc;
	if (sepa_date_cmp(tx->signature_date, due) > 0) {
		char d1[SEPA_DATE_BUFSZ], d2[SEPA_DATE_BUFSZ];

		return sepa_error_set(err, SEPA_EINVAL,
		    "DtOfSgntr %s is after the due date %s",
		    sepa_date_iso(d1, tx->signature_date),
		    sepa_date_iso(d2, due));
	}
	if ((rc = field_code(t->iban, tx->debtor_iban, sepa_iban_parse,
	         "DbtrAcct", err)) != 0 ||
	    (rc = field_bic(
	         t->bic, tx->debtor_bic, ver->bic_rule, "DbtrAgt", err)) != 0 ||
	    (rc = sepa_pain008_check_text(SEPA_PAIN008_NAME, tx->debtor_name,
	         flags, t->name, sizeof(t->name), err)) != 0 ||
	    (rc = field_text(t->ultimate, sizeof(t->ultimate),
	         tx->ultimate_debtor, P8_NAME_MAX, flags, sepa_text_latin,
	         "UltmtDbtr/Nm", 0, err)) != 0 ||
	    (rc = field_text(t->rmt, sizeof(t->rmt), tx->remittance, P8_RMT_MAX,
	         flags, sepa_text_latin, "RmtInf/Ustrd", 0, err)) != 0 ||
	    (rc = p8_addr_prepare(
	         &t->addr, tx->debtor_address, flags, "Dbtr", err)) != 0)
		return rc;
	if (tx->amendment != NULL)
		return p8_amend_prepare(
		    &t->amend, tx->amendment, tx, t->iban, flags, err);
	return 0;
}

int
sepa_pain008_check_tx(const sepa_pain008_tx *tx,
    enum sepa_pain008_version version, unsigned text_flags, sepa_date due,
    sepa_error *err)
{
	struct p8_tx t;

	if (tx == NULL || (unsigned)version > SEPA_PAIN008_V02)
		return sepa_error_set(
		    err, SEPA_EINVAL, "no transaction or unknown version");
	return p8_tx_prepare(
	    &t, tx, &p8_versions[version], text_flags, due, err);
}

int
sepa_pain008_add(
    sepa_pain008_writer *w, const sepa_pain008_tx *tx, sepa_error *err)
{
	struct p8_tx t;
	struct xmlw *x;
	int rc;

	if (w == NULL || tx == NULL)
		return sepa_error_set(
		    err, SEPA_EINVAL, "no writer or transaction");
	if ((rc = p8_sticky(w, err)) != 0)
		return rc;
	if (!w->in_block)
		return outfile_where(err, w->f.path,
		    sepa_error_set(err, SEPA_ESTATE,
		        "a transaction outside a PmtInf block"));
	if ((rc = p8_tx_prepare(
	         &t, tx, w->ver, w->opts.text_flags, w->blk_date, err)) != 0)
		goto refused;
	switch (
	    seen_add(&w->seen, seen_hash_str(&w->seen, tx->end_to_end_id))) {
	case 0:
		break;
	case 1:
		rc = sepa_error_set(err, SEPA_EINVAL,
		    "EndToEndId %s is already in this file", tx->end_to_end_id);
		goto refused;
	default:
		rc = sepa_error_set(err, SEPA_ENOMEM, "out of memory");
		goto refused;
	}
	if (w->blk_sum > INT64_MAX - tx->amount || w->blk_txs == LONG_MAX) {
		rc = sepa_error_set(err, SEPA_ERANGE, "block total overflows");
		goto refused;
	}

	x = &w->x;
	xmlw_open(x, "DrctDbtTxInf");
	xmlw_open(x, "PmtId");
	if (!p8_empty(tx->instr_id))
		xmlw_elem(x, "InstrId", tx->instr_id);
	xmlw_elem(x, "EndToEndId", tx->end_to_end_id);
	xmlw_close(x, "PmtId");
	xmlw_elem_amount(x, "InstdAmt", tx->amount, "EUR");
	xmlw_open(x, "DrctDbtTx");
	xmlw_open(x, "MndtRltdInf");
	xmlw_elem(x, "MndtId", tx->mandate_id);
	xmlw_elem_date(x, "DtOfSgntr", tx->signature_date.year,
	    tx->signature_date.month, tx->signature_date.day);
	if (tx->amendment != NULL)
		p8_amend_write(x, &t.amend, tx->amendment->account);
	xmlw_close(x, "MndtRltdInf");
	xmlw_close(x, "DrctDbtTx");
	p8_agent(w, "DbtrAgt", t.bic);
	xmlw_open(x, "Dbtr");
	xmlw_elem(x, "Nm", t.name);
	p8_addr_write(x, &t.addr);
	xmlw_close(x, "Dbtr");
	p8_account(x, "DbtrAcct", t.iban);
	if (t.ultimate[0] != '\0') {
		xmlw_open(x, "UltmtDbtr");
		xmlw_elem(x, "Nm", t.ultimate);
		xmlw_close(x, "UltmtDbtr");
	}
	if (t.rmt[0] != '\0') {
		xmlw_open(x, "RmtInf");
		xmlw_elem(x, "Ustrd", t.rmt);
		xmlw_close(x, "RmtInf");
	}
	xmlw_close(x, "DrctDbtTxInf");
	if ((rc = p8_sticky(w, err)) != 0)
		return rc;
	w->blk_txs++;
	w->blk_sum += tx->amount;
	return 0;
refused:
	sepa_error_prefix(err, "PmtInf %s, transaction %ld (EndToEndId %s)",
	    w->blk_id, w->blk_txs + 1,
	    p8_empty(tx->end_to_end_id) ? "-" : tx->end_to_end_id);
	return outfile_where(err, w->f.path, rc);
}

int
sepa_pain008_end_block(sepa_pain008_writer *w, sepa_error *err)
{
	char a[SEPA_MONEY_BUFSZ], b[SEPA_MONEY_BUFSZ];
	int rc;

	if (w == NULL)
		return sepa_error_set(err, SEPA_EINVAL, "no writer");
	if ((rc = p8_sticky(w, err)) != 0)
		return rc;
	if (!w->in_block)
		return outfile_where(err, w->f.path,
		    sepa_error_set(
		        err, SEPA_ESTATE, "no PmtInf block is open"));
	if (w->blk_txs != w->blk_ann_txs)
		return outfile_where(err, w->f.path,
		    sepa_error_set(err, SEPA_EINVAL,
		        "PmtInf %s: NbOfTxs announced %ld, written %ld",
		        w->blk_id, w->blk_ann_txs, w->blk_txs));
	if (w->blk_sum != w->blk_ann_sum)
		return outfile_where(err, w->f.path,
		    sepa_error_set(err, SEPA_EINVAL,
		        "PmtInf %s: CtrlSum announced %s, written %s",
		        w->blk_id, sepa_money_xml(a, w->blk_ann_sum),
		        sepa_money_xml(b, w->blk_sum)));
	if (w->sum > INT64_MAX - w->blk_sum || w->txs > LONG_MAX - w->blk_txs)
		return outfile_where(err, w->f.path,
		    sepa_error_set(err, SEPA_ERANGE,
		        "the file totals overflow at PmtInf %s", w->blk_id));
	xmlw_close(&w->x, "PmtInf");
	if ((rc = p8_sticky(w, err)) != 0)
		return rc;
	w->in_block = 0;
	w->txs += w->blk_txs;
	w->sum += w->blk_sum;
	return 0;
}

/* What the finished file holds. */
static void
p8_info(const struct sepa_pain008_writer *w, const char *hex,
    sepa_pain008_info *info)
{
	memset(info, 0, sizeof(*info));
	info->version = w->opts.version;
	info->nb_of_txs = w->txs;
	info->ctrl_sum = w->sum;
	info->nb_of_blocks = w->blocks;
	info->bytes = w->x.bytes;
	memcpy(info->sha256, hex, sizeof(info->sha256));
}

/* opts.before_place, called by outfile_publish with what the file holds. */
struct p8_place {
	const sepa_pain008_opts *opts;
	const sepa_pain008_info *info;
};

static int
p8_before_place(void *arg, sepa_error *err)
{
	const struct p8_place *p = arg;

	return p->opts->before_place(p->info, p->opts->before_place_arg, err);
}

int
sepa_pain008_close(
    sepa_pain008_writer *w, sepa_pain008_info *info, sepa_error *err)
{
	char a[SEPA_MONEY_BUFSZ], b[SEPA_MONEY_BUFSZ];
	char hex[65];
	sepa_pain008_info vi, pi;
	struct p8_place place;
	int rc;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if (w == NULL)
		return 0;
	if ((rc = p8_sticky(w, err)) != 0)
		goto done;
	if (w->in_block) {
		rc = sepa_error_set(
		    err, SEPA_ESTATE, "PmtInf %s is still open", w->blk_id);
		goto done;
	}
	if (w->blocks == 0) {
		rc = sepa_error_set(err, SEPA_EINVAL, "no PmtInf block");
		goto done;
	}
	if (w->txs != w->ann_txs) {
		rc = sepa_error_set(err, SEPA_EINVAL,
		    "GrpHdr: NbOfTxs announced %ld, written %ld", w->ann_txs,
		    w->txs);
		goto done;
	}
	if (w->sum != w->ann_sum) {
		rc = sepa_error_set(err, SEPA_EINVAL,
		    "GrpHdr: CtrlSum announced %s, written %s",
		    sepa_money_xml(a, w->ann_sum), sepa_money_xml(b, w->sum));
		goto done;
	}
	xmlw_close(&w->x, "CstmrDrctDbtInitn");
	xmlw_raw(&w->x, "\n</Document>\n", 13);
	if ((rc = xmlw_finish(&w->x, hex, err)) != 0 ||
	    (rc = outfile_sync(&w->f, err)) != 0)
		goto done;
	/* The thread has seen the same bytes as the file. */
	if ((rc = checkq_finish(w->q, hex, err)) != 0)
		goto done;
	if (w->v != NULL && (rc = p8v_finish(w->v, &vi)) != 0) {
		if (err != NULL)
			*err = w->verr;
		sepa_error_prefix(err, "the written file is not valid");
		goto done;
	}
	if (w->opts.validate &&
	    (vi.nb_of_txs != w->txs || vi.ctrl_sum != w->sum ||
	        vi.bytes != w->x.bytes)) {
		rc = sepa_error_set(err, SEPA_EXML,
		    "the validator saw %ld transactions in %llu bytes, "
		    "not %ld in %llu",
		    vi.nb_of_txs, (unsigned long long)vi.bytes, w->txs,
		    (unsigned long long)w->x.bytes);
		goto done;
	}
	p8_info(w, hex, &pi);
	place.opts = &w->opts;
	place.info = &pi;
	/*
	 * With before_place, from its call on nothing is removed: the caller
	 * may have recorded the placing, and the files are its evidence.
	 */
	if ((rc = outfile_publish(&w->f, w->opts.sidecar ? hex : NULL,
	         w->opts.before_place != NULL ? p8_before_place : NULL, &place,
	         err)) != 0)
		goto done;
	if (info != NULL)
		*info = pi;
done:
	if (rc != 0)
		outfile_where(err, w->f.path, rc);
	p8_writer_free(w);
	return rc;
}
