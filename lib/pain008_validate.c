/*
 * pain008_validate.c - streamed validator of pain.008 files: the libxml2
 * push parser with the XSD plugged into the same SAX pass, and the rules
 * the schema cannot say (SEPA character set, identifiers, IBAN, BIC, ICS,
 * amounts and totals, business days, one block per key, amendments,
 * structured addresses), checked element by element as the bytes arrive.
 * Used on a finished file (sepa_pain008_validate_file) and, chunk by
 * chunk, on a file being written (through checkq.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "internal.h"
#include "pain008_internal.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/money.h"
#include "sepa/pain008.h"
#include "sepa/rules.h"
#include "xsdv.h"

const struct p8_version p8_versions[] = {
    [SEPA_PAIN008_V08] = {"urn:iso:std:iso:20022:tech:xsd:pain.008.001.08",
        "EPC130-08_2025_V1.0_pain.008.001.08.xsd", "BICFI", SEPA_BIC_2019},
    [SEPA_PAIN008_V02] = {"urn:iso:std:iso:20022:tech:xsd:pain.008.001.02",
        "pain.008.001.02.xsd", "BIC", SEPA_BIC_2009},
};

int
p8_keys_add(struct p8_keys *k, const struct p8_key *key, sepa_error *err)
{
	for (size_t i = 0; i < k->n; i++) {
		const struct p8_key *o = &k->v[i];
		char d[SEPA_DATE_BUFSZ], mask[SEPA_IBAN_MASK_BUFSZ];

		if (o->seq == key->seq &&
		    sepa_date_cmp(o->date, key->date) == 0 &&
		    strcmp(o->iban, key->iban) == 0 &&
		    strcmp(o->cid, key->cid) == 0)
			return sepa_error_set(err, SEPA_EINVAL,
			    "a second PmtInf for sequence type %s, due date "
			    "%s, creditor account %s and ICS %s (one block "
			    "per sequence type and date)",
			    p8_seq_name(key->seq), sepa_date_iso(d, key->date),
			    sepa_iban_mask(mask, key->iban), key->cid);
	}
	if (k->n == k->cap) {
		size_t cap = k->cap != 0 ? 2 * k->cap : 8;
		struct p8_key *v = realloc(k->v, cap * sizeof(*v));

		if (v == NULL)
			return sepa_error_set(
			    err, SEPA_ENOMEM, "out of memory for block keys");
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n++] = *key;
	return 0;
}

/* ------------------------------------------------------- validator */

/* Elements the rules look at; everything else is E_OTHER. */
enum p8_el {
	E_OTHER = 0,
	E_ADRLINE,
	E_AMDMNTIND,
	E_AMDMNTINFDTLS,
	E_BIC,
	E_BICFI,
	E_CDTRSCHMEID,
	E_CSTMRDRCTDBTINITN,
	E_CTRLSUM,
	E_CTRY,
	E_DRCTDBTTXINF,
	E_DTOFSGNTR,
	E_ENDTOENDID,
	E_GRPHDR,
	E_IBAN,
	E_ID,
	E_INSTDAMT,
	E_INSTRID,
	E_MNDTID,
	E_MSGID,
	E_NBOFTXS,
	E_ORGNLCDTRSCHMEID,
	E_ORGNLDBTRACCT,
	E_ORGNLDBTRAGT,
	E_ORGNLMNDTID,
	E_PMTINF,
	E_PMTINFID,
	E_PSTLADR,
	E_REQDCOLLTNDT,
	E_SEQTP,
	E_TWNNM
};

struct p8_elname {
	const char *name;
	enum p8_el el;
};

static const struct p8_elname p8_els[] = {
    /* sorted by name for bsearch */
    {"AdrLine", E_ADRLINE},
    {"AmdmntInd", E_AMDMNTIND},
    {"AmdmntInfDtls", E_AMDMNTINFDTLS},
    {"BIC", E_BIC},
    {"BICFI", E_BICFI},
    {"CdtrSchmeId", E_CDTRSCHMEID},
    {"CstmrDrctDbtInitn", E_CSTMRDRCTDBTINITN},
    {"CtrlSum", E_CTRLSUM},
    {"Ctry", E_CTRY},
    {"DrctDbtTxInf", E_DRCTDBTTXINF},
    {"DtOfSgntr", E_DTOFSGNTR},
    {"EndToEndId", E_ENDTOENDID},
    {"GrpHdr", E_GRPHDR},
    {"IBAN", E_IBAN},
    {"Id", E_ID},
    {"InstdAmt", E_INSTDAMT},
    {"InstrId", E_INSTRID},
    {"MndtId", E_MNDTID},
    {"MsgId", E_MSGID},
    {"NbOfTxs", E_NBOFTXS},
    {"OrgnlCdtrSchmeId", E_ORGNLCDTRSCHMEID},
    {"OrgnlDbtrAcct", E_ORGNLDBTRACCT},
    {"OrgnlDbtrAgt", E_ORGNLDBTRAGT},
    {"OrgnlMndtId", E_ORGNLMNDTID},
    {"PmtInf", E_PMTINF},
    {"PmtInfId", E_PMTINFID},
    {"PstlAdr", E_PSTLADR},
    {"ReqdColltnDt", E_REQDCOLLTNDT},
    {"SeqTp", E_SEQTP},
    {"TwnNm", E_TWNNM},
};

#define P8V_DEPTH 24
#define P8V_TEXT 1100
#define P8V_CACHE 128

/* Announced and counted totals of a group or block. */
struct p8v_tot {
	int has_n;
	int has_sum;
	long ann_n;
	int64_t ann_sum;
	long n;
	int64_t sum;
};

struct p8v {
	struct xsdv x; /* the parser, the schema and the first failure */
	int version;
	/* Interned element name -> code, so each name is looked up once. */
	struct {
		const xmlChar *name;
		enum p8_el el;
	} cache[P8V_CACHE];
	enum p8_el stack[P8V_DEPTH];
	int depth;
	int leaf;
	char text[P8V_TEXT + 1];
	size_t tlen;
	int text_too_long;
	struct p8v_tot grp;
	struct p8v_tot blk;
	long blocks;
	struct p8_key key;
	int has_date;
	int in_schme; /* depth inside CdtrSchmeId / OrgnlCdtrSchmeId */
	int in_grphdr;
	int in_orig_acct;
	int amdmnt_ind;
	int amdmnt_dtls;
	int smnda;
	int adr_town;
	int adr_ctry;
	int adr_line;
	struct p8_keys keys;
};

static int
p8v_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct p8_elname *)e)->name);
}

static enum p8_el
p8v_lookup(struct p8v *v, const xmlChar *name)
{
	size_t h = ((uintptr_t)name >> 3) % P8V_CACHE;
	const struct p8_elname *hit;
	enum p8_el el = E_OTHER;

	if (v->cache[h].name == name)
		return v->cache[h].el;
	hit = bsearch(name, p8_els, sizeof(p8_els) / sizeof(p8_els[0]),
	    sizeof(p8_els[0]), p8v_cmp);
	if (hit != NULL)
		el = hit->el;
	v->cache[h].name = name;
	v->cache[h].el = el;
	return el;
}

/* A check from another module failed: keep its message, add the line. */
static void
p8v_fail_err(struct p8v *v, sepa_error *e)
{
	xsdv_fail(&v->x, e->code, "%s", e->msg);
}

/* "123", "123.4", "123.45" -> cents; -1 when not such a number. */
static int64_t
p8v_cents(const char *s)
{
	int64_t v = 0;
	int digits = 0;
	int frac = -1;

	for (; *s != '\0'; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || digits >= 15)
			return -1;
		v = v * 10 + (*s - '0');
		digits++;
		if (frac >= 0 && ++frac > 2)
			return -1;
	}
	if (digits == 0)
		return -1;
	for (; frac < 2; frac = frac < 0 ? 1 : frac + 1)
		v *= 10;
	return v;
}

static int
p8v_date(const char *s, sepa_date *d)
{
	if (strlen(s) != 10 || !p8_digits(s, 4) || s[4] != '-' ||
	    !p8_digits(s + 5, 2) || s[7] != '-' || !p8_digits(s + 8, 2))
		return -1;
	d->year = atoi(s);
	d->month = atoi(s + 5);
	d->day = atoi(s + 8);
	return sepa_date_valid(d->year, d->month, d->day) ? 0 : -1;
}

static void
p8v_total(struct p8v *v, const struct p8v_tot *t, const char *what)
{
	char a[SEPA_MONEY_BUFSZ], b[SEPA_MONEY_BUFSZ];

	if (!t->has_n || !t->has_sum)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "%s: NbOfTxs and CtrlSum are mandatory", what);
	else if (t->ann_n != t->n)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "%s: NbOfTxs says %ld, the file holds %ld", what, t->ann_n,
		    t->n);
	else if (t->ann_sum != t->sum)
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "%s: CtrlSum says %s, the amounts add up to %s", what,
		    sepa_money_xml(a, t->ann_sum), sepa_money_xml(b, t->sum));
}

static void
p8v_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct p8v *v = ctx;
	enum p8_el el;

	(void)prefix;
	(void)nb_namespaces;
	(void)namespaces;
	(void)nb_defaulted;
	if (v->x.failed)
		return;
	if (v->depth == 0 &&
	    (uri == NULL ||
	        strcmp((const char *)uri, p8_versions[v->version].ns) != 0 ||
	        strcmp((const char *)localname, "Document") != 0)) {
		xsdv_fail(&v->x, SEPA_EXML, "the root is not a %s Document",
		    p8_versions[v->version].ns);
		return;
	}
	if (v->depth >= P8V_DEPTH) {
		xsdv_fail(&v->x, SEPA_ELIMIT, "elements nested deeper than %d",
		    P8V_DEPTH);
		return;
	}
	el = p8v_lookup(v, localname);
	v->stack[v->depth++] = el;
	v->leaf = 1;
	v->tlen = 0;
	v->text_too_long = 0;
	switch (el) {
	case E_GRPHDR:
		v->in_grphdr = 1;
		break;
	case E_PMTINF:
		memset(&v->blk, 0, sizeof(v->blk));
		memset(&v->key, 0, sizeof(v->key));
		v->key.seq = -1;
		v->has_date = 0;
		break;
	case E_DRCTDBTTXINF:
		v->amdmnt_ind = 0;
		v->amdmnt_dtls = 0;
		v->smnda = 0;
		break;
	case E_CDTRSCHMEID:
	case E_ORGNLCDTRSCHMEID:
		v->in_schme = v->depth;
		break;
	case E_ORGNLDBTRACCT:
		v->in_orig_acct = v->depth;
		break;
	case E_ORGNLDBTRAGT:
		if (v->smnda)
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "OrgnlDbtrAgt must not be given with "
			    "OrgnlDbtrAcct SMNDA");
		break;
	case E_PSTLADR:
		v->adr_town = v->adr_ctry = v->adr_line = 0;
		break;
	case E_INSTDAMT:
		for (int i = 0; i < nb_attributes; i++) {
			const xmlChar **a = attributes + 5 * i;

			if (strcmp((const char *)a[0], "Ccy") == 0 &&
			    (a[4] - a[3] != 3 || memcmp(a[3], "EUR", 3) != 0))
				xsdv_fail(&v->x, SEPA_EINVAL,
				    "InstdAmt: currency %.*s is not EUR",
				    (int)(a[4] - a[3] < 8 ? a[4] - a[3] : 8),
				    (const char *)a[3]);
		}
		break;
	default:
		break;
	}
}

static void
p8v_chars(void *ctx, const xmlChar *ch, int len)
{
	struct p8v *v = ctx;
	size_t n = (size_t)len;

	if (v->x.failed || !v->leaf)
		return;
	if (v->tlen + n > P8V_TEXT) {
		v->text_too_long = 1;
		n = P8V_TEXT - v->tlen;
	}
	memcpy(v->text + v->tlen, ch, n);
	v->tlen += n;
}

/* 0 when the text of the leaf is in the SEPA Latin set, else -1. */
static int
p8v_leaf_latin(struct p8v *v)
{
	for (size_t i = 0; i < v->tlen; i++)
		if (!sepa_is_latin_char((unsigned char)v->text[i])) {
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "character 0x%02x at column %zu of the text is "
			    "outside the SEPA Latin set",
			    (unsigned char)v->text[i], i + 1);
			return -1;
		}
	return 0;
}

/* MsgId, PmtInfId, EndToEndId, InstrId, MndtId, OrgnlMndtId. */
static void
p8v_leaf_id(struct p8v *v, enum p8_el el, const char *t)
{
	static const char *const what[] = {[E_MSGID] = "MsgId",
	    [E_PMTINFID] = "PmtInfId",
	    [E_ENDTOENDID] = "EndToEndId",
	    [E_INSTRID] = "InstrId",
	    [E_MNDTID] = "MndtId",
	    [E_ORGNLMNDTID] = "OrgnlMndtId"};
	sepa_error e = SEPA_ERROR_INIT;

	if (sepa_id_validate(t, what[el], &e) != 0)
		p8v_fail_err(v, &e);
}

/*
 * NbOfTxs and CtrlSum, announced by the group header or the block, and
 * InstdAmt, added up for the block.
 */
static void
p8v_leaf_total(struct p8v *v, enum p8_el el, const char *t)
{
	struct p8v_tot *tot = v->in_grphdr ? &v->grp : &v->blk;
	int64_t c;

	if (el == E_NBOFTXS) {
		char *end;
		long n = strtol(t, &end, 10);

		if (*end != '\0' || n < 1)
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "NbOfTxs \"%s\" is not a positive count", t);
		tot->ann_n = n;
		tot->has_n = 1;
	} else if (el == E_CTRLSUM) {
		if ((c = p8v_cents(t)) < 0)
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "CtrlSum \"%s\" is not an amount with at most 2 "
			    "decimals",
			    t);
		tot->ann_sum = c;
		tot->has_sum = 1;
	} else {
		c = p8v_cents(t);
		if (c < 1 || c > SEPA_AMOUNT_MAX)
			xsdv_fail(&v->x, SEPA_ERANGE,
			    "InstdAmt \"%s\" is outside 0.01 .. 999999999.99 "
			    "or has more than 2 decimals",
			    t);
		else if (v->blk.sum > INT64_MAX - c)
			xsdv_fail(&v->x, SEPA_ERANGE, "the amounts overflow");
		else
			v->blk.sum += c;
	}
}

/* SeqTp and ReqdColltnDt (the block's key), and DtOfSgntr. */
static void
p8v_leaf_when(struct p8v *v, enum p8_el el, const char *t)
{
	sepa_date d;

	if (el == E_SEQTP) {
		for (int s = SEPA_SEQ_FRST; s <= SEPA_SEQ_FNAL; s++)
			if (strcmp(t, p8_seq_name(s)) == 0)
				v->key.seq = s;
		if (v->key.seq < 0)
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "SeqTp %s is not FRST, RCUR, OOFF or FNAL", t);
	} else if (el == E_REQDCOLLTNDT) {
		if (p8v_date(t, &v->key.date) != 0)
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "ReqdColltnDt %s is not a date", t);
		else if (!sepa_target2_is_business_day(v->key.date))
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "ReqdColltnDt %s is not a TARGET2 business day", t);
		v->has_date = 1;
	} else if (p8v_date(t, &d) != 0) {
		xsdv_fail(&v->x, SEPA_EINVAL, "DtOfSgntr %s is not a date", t);
	} else if (v->has_date && sepa_date_cmp(d, v->key.date) > 0) {
		xsdv_fail(&v->x, SEPA_EINVAL,
		    "DtOfSgntr %s is after the due date", t);
	}
}

/*
 * IBAN, BIC and Id: the codes of the parties. The block's creditor
 * account and ICS make its key; an Id under OrgnlDbtrAcct may be SMNDA.
 */
static void
p8v_leaf_code(struct p8v *v, enum p8_el el, enum p8_el parent, const char *t)
{
	sepa_error e = SEPA_ERROR_INIT;
	char bic[SEPA_BIC_BUFSZ];
	char cid[SEPA_CID_BUFSZ];

	if (el == E_IBAN) {
		if (sepa_iban_validate(t, &e) != 0) {
			p8v_fail_err(v, &e);
			return;
		}
		/* The creditor account of the block (its key). */
		if (parent == E_ID && v->depth >= 3 && !v->in_orig_acct &&
		    v->blk.n == 0 && v->key.iban[0] == '\0')
			snprintf(v->key.iban, sizeof(v->key.iban), "%s", t);
	} else if (el == E_BIC || el == E_BICFI) {
		if (sepa_bic_parse(
		        bic, t, p8_versions[v->version].bic_rule, &e) != 0)
			p8v_fail_err(v, &e);
		else if (strcmp(bic, t) != 0)
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "BIC %s is not in normal form (%s)", t, bic);
	} else if (v->in_schme && parent == E_OTHER) {
		/* CdtrSchmeId/Id/PrvtId/Othr/Id: an ICS. */
		if (v->depth != v->in_schme + 4)
			return;
		if (sepa_cid_parse(cid, t, &e) != 0)
			p8v_fail_err(v, &e);
		else if (v->stack[v->in_schme - 1] == E_CDTRSCHMEID)
			snprintf(v->key.cid, sizeof(v->key.cid), "%s", cid);
	} else if (v->in_orig_acct && strcmp(t, "SMNDA") == 0) {
		v->smnda = 1;
	}
}

/* Handle the text of a leaf element (and check its character set). */
static void
p8v_leaf(struct p8v *v, enum p8_el el, enum p8_el parent)
{
	const char *t = v->text;

	if (p8v_leaf_latin(v) != 0)
		return;
	switch (el) {
	case E_MSGID:
	case E_PMTINFID:
	case E_ENDTOENDID:
	case E_INSTRID:
	case E_MNDTID:
	case E_ORGNLMNDTID:
		p8v_leaf_id(v, el, t);
		break;
	case E_NBOFTXS:
	case E_CTRLSUM:
	case E_INSTDAMT:
		p8v_leaf_total(v, el, t);
		break;
	case E_SEQTP:
	case E_REQDCOLLTNDT:
	case E_DTOFSGNTR:
		p8v_leaf_when(v, el, t);
		break;
	case E_AMDMNTIND:
		v->amdmnt_ind = strcmp(t, "true") == 0 || strcmp(t, "1") == 0;
		break;
	case E_IBAN:
	case E_BIC:
	case E_BICFI:
	case E_ID:
		p8v_leaf_code(v, el, parent, t);
		break;
	case E_TWNNM:
		v->adr_town = 1;
		break;
	case E_CTRY:
		v->adr_ctry = 1;
		break;
	case E_ADRLINE:
		v->adr_line++;
		break;
	default:
		break;
	}
}

static void
p8v_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct p8v *v = ctx;
	enum p8_el el;
	enum p8_el parent;
	sepa_error e = SEPA_ERROR_INIT;

	(void)localname;
	(void)prefix;
	(void)uri;
	if (v->x.failed || v->depth == 0)
		return;
	el = v->stack[v->depth - 1];
	parent = v->depth >= 2 ? v->stack[v->depth - 2] : E_OTHER;
	if (v->leaf) {
		v->text[v->tlen] = '\0';
		if (v->text_too_long)
			xsdv_fail(&v->x, SEPA_ELIMIT,
			    "text longer than %d characters", P8V_TEXT);
		else
			p8v_leaf(v, el, parent);
	}
	v->leaf = 0;
	switch (el) {
	case E_GRPHDR:
		v->in_grphdr = 0;
		break;
	case E_DRCTDBTTXINF:
		v->blk.n++;
		if (v->amdmnt_ind != v->amdmnt_dtls)
			xsdv_fail(&v->x, SEPA_EINVAL,
			    v->amdmnt_ind ? "AmdmntInd is true but "
			                    "AmdmntInfDtls is missing"
			                  : "AmdmntInfDtls without AmdmntInd "
			                    "true");
		break;
	case E_AMDMNTINFDTLS:
		v->amdmnt_dtls = 1;
		break;
	case E_CDTRSCHMEID:
	case E_ORGNLCDTRSCHMEID:
		v->in_schme = 0;
		break;
	case E_ORGNLDBTRACCT:
		v->in_orig_acct = 0;
		break;
	case E_PSTLADR:
		if (!v->adr_town || !v->adr_ctry)
			xsdv_fail(&v->x, SEPA_EINVAL,
			    "PstlAdr without TwnNm and Ctry (unstructured "
			    "addresses are refused from 15 November 2026)");
		break;
	case E_PMTINF:
		if (v->x.failed)
			break;
		p8v_total(v, &v->blk, "PmtInf");
		if (v->x.failed)
			break;
		if (p8_keys_add(&v->keys, &v->key, &e) != 0) {
			p8v_fail_err(v, &e);
			break;
		}
		if (v->grp.sum > INT64_MAX - v->blk.sum) {
			xsdv_fail(&v->x, SEPA_ERANGE, "the amounts overflow");
			break;
		}
		v->grp.n += v->blk.n;
		v->grp.sum += v->blk.sum;
		v->blocks++;
		break;
	case E_CSTMRDRCTDBTINITN:
		p8v_total(v, &v->grp, "GrpHdr");
		break;
	default:
		break;
	}
	v->depth--;
}

/* Which version the first bytes of a file declare. */
static int
p8v_detect(const char *buf, size_t n)
{
	const char *p;
	size_t ln = strlen(p8_versions[0].ns) - 2;

	for (p = buf; p + ln + 2 <= buf + n; p++) {
		if (memcmp(p, p8_versions[0].ns, ln) != 0)
			continue;
		if (memcmp(p + ln, "08", 2) == 0)
			return SEPA_PAIN008_V08;
		if (memcmp(p + ln, "02", 2) == 0)
			return SEPA_PAIN008_V02;
	}
	return -1;
}

void
p8v_free(struct p8v *v)
{
	if (v == NULL)
		return;
	xsdv_close(&v->x);
	free(v->keys.v);
	free(v);
}

/*
 * A validator for the document `name` of `version`: over `shared` (parsed
 * once by sepa_pain008_schemas_load, borrowed) or, NULL, over the XSD
 * loaded from schema_dir.
 */
static int
p8v_new(struct p8v **out, const char *schema_dir,
    const struct xsdv_schema *shared, int version, const char *name,
    sepa_error *err)
{
	xmlSAXHandler sax;
	struct p8v *v;
	char xsd[PATH_MAX];
	int rc;

	*out = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	v->version = version;
	snprintf(xsd, sizeof(xsd), "%s/%s",
	    schema_dir != NULL ? schema_dir : "", p8_versions[version].xsd);
	memset(&sax, 0, sizeof(sax));
	sax.startElementNs = p8v_start;
	sax.endElementNs = p8v_end;
	sax.characters = p8v_chars;
	sax.cdataBlock = p8v_chars;
	if ((rc = xsdv_open(&v->x, xsd, shared, &sax, v, name, err)) != 0) {
		p8v_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

int
p8v_open(struct p8v **out, const char *schema_dir, int version,
    const char *name, sepa_error *err)
{
	return p8v_new(out, schema_dir, NULL, version, name, err);
}

int
p8v_feed(struct p8v *v, const char *buf, size_t n)
{
	return xsdv_feed(&v->x, buf, n);
}

int
p8v_finish(struct p8v *v, sepa_pain008_info *info)
{
	int rc;

	if (xsdv_end(&v->x) == 0 && v->grp.n == 0)
		xsdv_fail(&v->x, SEPA_EXML, "the document is incomplete");
	if ((rc = xsdv_code(&v->x)) != 0)
		return rc;
	if (info != NULL) {
		memset(info, 0, sizeof(*info));
		info->version = (enum sepa_pain008_version)v->version;
		info->nb_of_txs = v->grp.n;
		info->ctrl_sum = v->grp.sum;
		info->nb_of_blocks = v->blocks;
		info->bytes = v->x.bytes;
	}
	return 0;
}

/* A file being validated: the validator is set up from its first bytes. */
struct p8v_file {
	struct p8v *v;
	const char *schema_dir;
	const char *path;
	sepa_error *err;
	int rc;
};

static int
p8v_file_feed(void *arg, const char *buf, size_t n)
{
	struct p8v_file *f = arg;
	int version;

	if (f->v == NULL) {
		/* The first chunk tells the version, so the XSD. */
		if ((version = p8v_detect(buf, n)) < 0) {
			f->rc = sepa_error_setw(f->err, SEPA_EXML, f->path, 1,
			    "not a pain.008.001.08 or pain.008.001.02 "
			    "document");
			return -1;
		}
		if ((f->rc = p8v_open(
		         &f->v, f->schema_dir, version, f->path, f->err)) != 0)
			return -1;
	}
	return p8v_feed(f->v, buf, n);
}

int
sepa_pain008_validate_file(const char *path, const char *schema_dir,
    sepa_pain008_info *info, sepa_error *err)
{
	struct p8v_file f = {NULL, schema_dir, path, err, 0};
	int rc;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if (path == NULL || p8_empty(schema_dir))
		return sepa_error_set(err, SEPA_EINVAL,
		    "validation needs a file and the schema directory");
	rc = xsdv_feed_file(path, p8v_file_feed, &f, err);
	if (rc == 0 && f.rc == 0 && f.v == NULL) /* an empty file */
		p8v_file_feed(&f, "", 0);
	if (rc == 0)
		rc = f.rc != 0 ? f.rc : p8v_finish(f.v, info);
	p8v_free(f.v);
	return rc;
}

/* Both XSDs, parsed once. */
struct sepa_pain008_schemas {
	struct xsdv_schema xsd[2];
};

int
sepa_pain008_schemas_load(
    sepa_pain008_schemas **out, const char *schema_dir, sepa_error *err)
{
	sepa_pain008_schemas *s;
	char xsd[PATH_MAX];
	int rc = 0;

	*out = NULL;
	if (p8_empty(schema_dir))
		return sepa_error_set(
		    err, SEPA_EINVAL, "the schema directory is missing");
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	for (int ver = 0; ver < 2 && rc == 0; ver++) {
		snprintf(xsd, sizeof(xsd), "%s/%s", schema_dir,
		    p8_versions[ver].xsd);
		rc = xsdv_schema_load(&s->xsd[ver], xsd, err);
	}
	if (rc != 0) {
		sepa_pain008_schemas_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
sepa_pain008_schemas_free(sepa_pain008_schemas *s)
{
	if (s == NULL)
		return;
	for (int ver = 0; ver < 2; ver++)
		xsdv_schema_free(&s->xsd[ver]);
	free(s);
}

int
sepa_pain008_validate_mem(const char *buf, size_t len, const char *name,
    const sepa_pain008_schemas *schemas, sepa_pain008_info *info,
    sepa_error *err)
{
	struct p8v *v = NULL;
	int version, rc;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if (schemas == NULL || (buf == NULL && len > 0))
		return sepa_error_set(err, SEPA_EINVAL,
		    "validation needs a document and the schemas");
	if (name == NULL)
		name = "pain.008";
	/* As validate_file: the version is declared in the first chunk. */
	version = p8v_detect(buf, len < XSDV_CHUNK ? len : XSDV_CHUNK);
	if (version < 0)
		return sepa_error_setw(err, SEPA_EXML, name, 1,
		    "not a pain.008.001.08 or pain.008.001.02 document");
	if ((rc = p8v_new(
	         &v, NULL, &schemas->xsd[version], version, name, err)) != 0)
		return rc;
	if (len > 0)
		p8v_feed(v, buf, len);
	rc = p8v_finish(v, info);
	p8v_free(v);
	return rc;
}
