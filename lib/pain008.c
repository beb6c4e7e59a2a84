/*
 * pain008.c - pain.008 writer (streamed, on xmlw.c) and streamed
 * validator (libxml2 push parser + XSD plugged into the same SAX pass).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <openssl/evp.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>

#include "internal.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/money.h"
#include "sepa/pain008.h"
#include "sepa/rules.h"
#include "sepa/text.h"
#include "xmlw.h"

#define P8_NAME_MAX 70
#define P8_RMT_MAX 140
#define P8_TOWN_MAX 35
#define P8_STREET_MAX 70
#define P8_SHORT_MAX 16
#define P8_LINE_MAX 70

/* What differs between the two versions; everything else is shared. */
struct p8_version {
	const char *ns;
	const char *xsd;
	const char *bic_tag;
	enum sepa_bic_rule bic_rule;
};

static const struct p8_version p8_versions[] = {
    [SEPA_PAIN008_V08] = {"urn:iso:std:iso:20022:tech:xsd:pain.008.001.08",
        "EPC130-08_2025_V1.0_pain.008.001.08.xsd", "BICFI", SEPA_BIC_2019},
    [SEPA_PAIN008_V02] = {"urn:iso:std:iso:20022:tech:xsd:pain.008.001.02",
        "pain.008.001.02.xsd", "BIC", SEPA_BIC_2009},
};

/* A payment block's grouping key: one PmtInf per key in a file. */
struct p8_key {
	int seq;
	sepa_date date;
	char iban[SEPA_IBAN_BUFSZ];
	char cid[SEPA_CID_BUFSZ];
};

struct p8_keys {
	struct p8_key *v;
	size_t n;
	size_t cap;
};

/*
 * EndToEndIds already in the file, as 64-bit keyed hashes in an open
 * addressing table (8 bytes per id: 16 MB at 1M). Two different ids
 * sharing a hash would be refused as a duplicate; the key is drawn at
 * random for each file, so the odds (below 1e-7 for 1M ids) do not
 * repeat when the batch is written again.
 */
struct p8_seen {
	uint64_t *slot;
	size_t cap; /* power of two */
	size_t n;
	uint64_t key;
};

struct sepa_pain008_writer {
	sepa_pain008_opts opts;
	const struct p8_version *ver;
	char *path;
	char *tmp_path;
	char *dir;
	const char *base;
	int fd;
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
	struct p8q *q; /* the validator thread, when opts.validate */
	struct p8_seen seen;
};

/* "FRST" ... "FNAL", or NULL for a value outside the enum. */
static const char *
p8_seq_name(int seq)
{
	if (seq < SEPA_SEQ_FRST || seq > SEPA_SEQ_FNAL)
		return NULL;
	return sepa_seq_name((enum sepa_seq)seq);
}

static int
p8_empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* Put the file name in err->where, keeping the message. */
static int
p8_where(sepa_error *err, const char *path, int rc)
{
	if (err != NULL && rc != 0)
		snprintf(err->where, sizeof(err->where), "%s", path);
	return rc;
}

/* Add a key; SEPA_EINVAL when the file already has a block with it. */
static int
p8_keys_add(struct p8_keys *k, const struct p8_key *key, sepa_error *err)
{
	for (size_t i = 0; i < k->n; i++) {
		const struct p8_key *o = &k->v[i];
		char d[SEPA_DATE_BUFSZ];

		if (o->seq == key->seq &&
		    sepa_date_cmp(o->date, key->date) == 0 &&
		    strcmp(o->iban, key->iban) == 0 &&
		    strcmp(o->cid, key->cid) == 0)
			return sepa_error_set(err, SEPA_EINVAL,
			    "a second PmtInf for sequence type %s, due date "
			    "%s, creditor account %s and ICS %s (one block "
			    "per sequence type and date)",
			    p8_seq_name(key->seq), sepa_date_iso(d, key->date),
			    key->iban, key->cid);
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

static uint64_t
p8_hash(const char *s, uint64_t key)
{
	uint64_t h = UINT64_C(14695981039346656037) ^ key;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(1099511628211);
	}
	/* Final mix (murmur3) so that close ids spread over the table. */
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h != 0 ? h : 1;
}

static void
p8_seen_put(struct p8_seen *t, uint64_t h)
{
	size_t i = (size_t)h & (t->cap - 1);

	while (t->slot[i] != 0)
		i = (i + 1) & (t->cap - 1);
	t->slot[i] = h;
	t->n++;
}

/* 1 when h is already in the table, else add it; -1 out of memory. */
static int
p8_seen_add(struct p8_seen *t, uint64_t h)
{
	size_t i;

	if (2 * (t->n + 1) > t->cap) {
		struct p8_seen g = *t;

		g.cap = t->cap != 0 ? 2 * t->cap : 1024;
		g.n = 0;
		if ((g.slot = calloc(g.cap, sizeof(*g.slot))) == NULL)
			return -1;
		for (i = 0; i < t->cap; i++)
			if (t->slot[i] != 0)
				p8_seen_put(&g, t->slot[i]);
		free(t->slot);
		*t = g;
	}
	for (i = (size_t)h & (t->cap - 1); t->slot[i] != 0;
	     i = (i + 1) & (t->cap - 1))
		if (t->slot[i] == h)
			return 1;
	p8_seen_put(t, h);
	return 0;
}

/* ---------------------------------------------------------- checks */

/* Transliterate `in` to the SEPA Latin set, cut at max characters. */
static int
p8_latin(char *out, size_t outsz, const char *in, size_t max, unsigned flags,
    const char *field, int required, sepa_error *err)
{
	int rc;

	out[0] = '\0';
	if (p8_empty(in)) {
		if (required)
			return sepa_error_set(
			    err, SEPA_EINVAL, "%s is missing", field);
		return 0;
	}
	rc = sepa_text_latin(out, outsz, in, max, flags, NULL, err);
	if (rc != 0) {
		sepa_error_prefix(err, "%s", field);
		return rc;
	}
	if (required && out[0] == '\0')
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s is empty once reduced to the SEPA character set",
		    field);
	return 0;
}

static int
p8_id(const char *id, const char *field, int required, sepa_error *err)
{
	if (p8_empty(id)) {
		if (required)
			return sepa_error_set(
			    err, SEPA_EINVAL, "%s is missing", field);
		return 0;
	}
	return sepa_id_validate(id, field, err);
}

static int
p8_iban(char *out, const char *in, const char *field, sepa_error *err)
{
	int rc;

	if (p8_empty(in))
		return sepa_error_set(err, SEPA_EINVAL, "%s is missing", field);
	rc = sepa_iban_parse(out, in, err);
	if (rc != 0)
		sepa_error_prefix(err, "%s", field);
	return rc;
}

static int
p8_bic(char *out, const char *in, enum sepa_bic_rule rule, const char *field,
    sepa_error *err)
{
	int rc;

	out[0] = '\0';
	if (p8_empty(in))
		return 0;
	rc = sepa_bic_parse(out, in, rule, err);
	if (rc != 0)
		sepa_error_prefix(err, "%s", field);
	return rc;
}

static int
p8_cid(char *out, const char *in, const char *field, sepa_error *err)
{
	int rc;

	if (p8_empty(in))
		return sepa_error_set(err, SEPA_EINVAL, "%s is missing", field);
	rc = sepa_cid_parse(out, in, err);
	if (rc != 0)
		sepa_error_prefix(err, "%s", field);
	return rc;
}

static int
p8_amount(int64_t cents, const char *field, sepa_error *err)
{
	if (cents < 1 || cents > SEPA_AMOUNT_MAX) {
		char buf[SEPA_MONEY_BUFSZ];

		return sepa_error_set(err, SEPA_ERANGE,
		    "%s %s is outside 0.01 .. 999999999.99", field,
		    sepa_money_xml(buf, cents));
	}
	return 0;
}

static int
p8_date(sepa_date d, const char *field, sepa_error *err)
{
	if (!sepa_date_valid(d.year, d.month, d.day))
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s %04d-%02d-%02d is not a date", field, d.year, d.month,
		    d.day);
	return 0;
}

static int
p8_digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

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
		rc = p8_latin( \
		    dst, sizeof(dst), src, max, flags, field, req, err); \
		if (rc != 0) \
			return rc; \
	} while (0)
	P8_FIELD(a->street, in->street, P8_STREET_MAX, "street", 0);
	P8_FIELD(a->bldg, in->building_number, P8_SHORT_MAX, "building", 0);
	P8_FIELD(a->postcode, in->postcode, P8_SHORT_MAX, "postcode", 0);
	P8_FIELD(a->town, in->town, P8_TOWN_MAX, "town", 1);
	P8_FIELD(a->line[0], in->line[0], P8_LINE_MAX, "line 1", 0);
	P8_FIELD(a->line[1], in->line[1], P8_LINE_MAX, "line 2", 0);
#undef P8_FIELD
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

struct p8q;
static int p8q_start(
    struct sepa_pain008_writer *w, int validate, sepa_error *err);
static int p8q_finish(
    struct p8q *q, sepa_pain008_info *info, char hex[65], sepa_error *err);
static void p8q_stop(struct p8q *q);

static void
p8_writer_free(struct sepa_pain008_writer *w)
{
	if (w == NULL)
		return;
	p8q_stop(w->q);
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp_path != NULL)
		unlink(w->tmp_path);
	xmlw_free(&w->x);
	free(w->seen.slot);
	free(w->keys.v);
	free(w->path);
	free(w->tmp_path);
	free(w->dir);
	free(w);
}

void
sepa_pain008_abort(sepa_pain008_writer *w)
{
	p8_writer_free(w);
}

/* Split path into a malloc'd directory and a pointer to the base name. */
static int
p8_split(const char *path, char **dir, const char **base, sepa_error *err)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		*dir = strdup(".");
		*base = path;
	} else if (slash == path) {
		*dir = strdup("/");
		*base = slash + 1;
	} else {
		*dir = strndup(path, (size_t)(slash - path));
		*base = slash + 1;
	}
	if (*dir == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	if ((*base)[0] == '\0')
		return sepa_error_set(
		    err, SEPA_EINVAL, "the file name is empty");
	return 0;
}

/* Create DIR/.BASE<suffix>.XXXXXX, mode 0600 until the end. */
static int
p8_mktemp(const char *dir, const char *base, const char *suffix, char **out,
    int *fd, sepa_error *err)
{
	size_t n = strlen(dir) + strlen(base) + strlen(suffix) + 16;
	char *t = malloc(n);

	*fd = -1;
	*out = NULL;
	if (t == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	snprintf(t, n, "%s/.%s%s.XXXXXX", dir, base, suffix);
	*fd = mkstemp(t);
	if (*fd < 0) {
		int rc = sepa_error_set(err, SEPA_EIO,
		    "could not create a temporary file in %s: %s", dir,
		    strerror(errno));

		free(t);
		return rc;
	}
	*out = t;
	return 0;
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
		return p8_where(err, path,
		    sepa_error_set(err, SEPA_EINVAL,
		        "unknown pain.008 version %d", (int)opts->version));
	if (opts->validate && p8_empty(opts->schema_dir))
		return p8_where(err, path,
		    sepa_error_set(err, SEPA_EINVAL,
		        "validation needs the schema directory "
		        "(opts.schema_dir)"));
	/* The header first: nothing is created for a bad one. */
	if ((rc = p8_id(hdr->msg_id, "MsgId", 1, err)) != 0 ||
	    (rc = p8_datetime(hdr->creation_time, err)) != 0 ||
	    (rc = p8_latin(name, sizeof(name), hdr->initiating_party,
	         P8_NAME_MAX, opts->text_flags, "InitgPty/Nm", 1, err)) != 0)
		return p8_where(err, path, rc);
	if (hdr->nb_of_txs < 1 || hdr->ctrl_sum < 1)
		return p8_where(err, path,
		    sepa_error_set(err, SEPA_EINVAL,
		        "GrpHdr: announced NbOfTxs %ld and CtrlSum %lld "
		        "cents must be positive",
		        hdr->nb_of_txs, (long long)hdr->ctrl_sum));

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	w->fd = -1;
	w->opts = *opts;
	w->ver = &p8_versions[opts->version];
	w->ann_txs = hdr->nb_of_txs;
	w->ann_sum = hdr->ctrl_sum;
	if (getrandom(&w->seen.key, sizeof(w->seen.key), 0) !=
	    (ssize_t)sizeof(w->seen.key))
		w->seen.key = (uint64_t)(uintptr_t)w;
	/* Sized once from the announced count: no rehash peak at 1M. */
	w->seen.cap = 1024;
	while (w->seen.cap < ((size_t)1 << 24) &&
	    w->seen.cap < 2 * (size_t)hdr->nb_of_txs)
		w->seen.cap *= 2;
	if ((w->seen.slot = calloc(w->seen.cap, sizeof(uint64_t))) == NULL) {
		rc = sepa_error_set(err, SEPA_ENOMEM, "out of memory");
		goto fail;
	}
	if ((w->path = strdup(path)) == NULL) {
		rc = sepa_error_set(err, SEPA_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = p8_split(w->path, &w->dir, &w->base, err)) != 0 ||
	    (rc = p8_mktemp(w->dir, w->base, "", &w->tmp_path, &w->fd, err)) !=
	        0 ||
	    (rc = xmlw_init(&w->x, w->fd, opts->buffer_size, opts->write_hook,
	         opts->write_hook_arg, err)) != 0 ||
	    (rc = p8q_start(w, opts->validate, err)) != 0)
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
	p8_where(err, path, rc);
	p8_writer_free(w);
	return rc;
}

static int
p8_sticky(struct sepa_pain008_writer *w, sepa_error *err)
{
	if (w->x.failed) {
		if (err != NULL)
			*err = w->x.err;
		return p8_where(err, w->path, w->x.err.code);
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
	if ((rc = p8_date(b->due_date, "ReqdColltnDt", err)) != 0)
		return rc;
	if (!sepa_target2_is_business_day(b->due_date))
		return sepa_error_set(err, SEPA_EINVAL,
		    "ReqdColltnDt %s is not a TARGET2 business day",
		    sepa_date_iso(d, b->due_date));
	if ((rc = p8_latin(name, P8_NAME_MAX + 1, b->creditor_name, P8_NAME_MAX,
	         w->opts.text_flags, "Cdtr/Nm", 1, err)) != 0 ||
	    (rc = p8_iban(key->iban, b->creditor_iban, "CdtrAcct", err)) != 0 ||
	    (rc = p8_bic(bic, b->creditor_bic, w->ver->bic_rule, "CdtrAgt",
	         err)) != 0 ||
	    (rc = p8_cid(key->cid, b->creditor_id, "CdtrSchmeId", err)) != 0)
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
		return p8_where(err, w->path,
		    sepa_error_set(err, SEPA_ESTATE, "PmtInf %s is still open",
		        w->blk_id));
	memset(&key, 0, sizeof(key));
	seq = p8_seq_name(b->seq);
	if ((rc = p8_id(b->pmt_inf_id, "PmtInfId", 1, err)) != 0)
		return p8_where(err, w->path, rc);
	rc = p8_block_check(w, b, name, bic, &key, &addr, err);
	if (rc == 0) {
		key.seq = (int)b->seq;
		key.date = b->due_date;
		rc = p8_keys_add(&w->keys, &key, err);
	}
	if (rc != 0) {
		sepa_error_prefix(err, "PmtInf %s", b->pmt_inf_id);
		return p8_where(err, w->path, rc);
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
		if ((rc = p8_id(in->orig_mandate_id, "OrgnlMndtId", 1, err)) !=
		    0)
			return rc;
		if (strcmp(in->orig_mandate_id, tx->mandate_id) == 0)
			return sepa_error_set(err, SEPA_EINVAL,
			    "OrgnlMndtId is the same as MndtId %s",
			    tx->mandate_id);
		snprintf(a->mndt, sizeof(a->mndt), "%s", in->orig_mandate_id);
	}
	if ((rc = p8_latin(a->cname, sizeof(a->cname), in->orig_creditor_name,
	         P8_NAME_MAX, flags, "OrgnlCdtrSchmeId/Nm", 0, err)) != 0)
		return rc;
	if (!p8_empty(in->orig_creditor_id) &&
	    (rc = p8_cid(
	         a->cid, in->orig_creditor_id, "OrgnlCdtrSchmeId", err)) != 0)
		return rc;
	switch (in->account) {
	case SEPA_AMEND_NONE:
		break;
	case SEPA_AMEND_SAME_BANK:
		if ((rc = p8_iban(a->iban, in->orig_debtor_iban,
		         "OrgnlDbtrAcct", err)) != 0)
			return rc;
		if (strcmp(a->iban, dbtr_iban) == 0)
			return sepa_error_set(err, SEPA_EINVAL,
			    "OrgnlDbtrAcct is the same IBAN as DbtrAcct");
		{
			char b1[SEPA_IBAN_BANK_BUFSZ], b2[SEPA_IBAN_BANK_BUFSZ];

			/* Only when both banks are known can we tell. */
			if (sepa_iban_bank_id(b1, a->iban, NULL) == 0 &&
			    sepa_iban_bank_id(b2, dbtr_iban, NULL) == 0 &&
			    strcmp(b1, b2) != 0)
				return sepa_error_set(err, SEPA_EINVAL,
				    "OrgnlDbtrAcct: the old IBAN is at "
				    "another bank (%s, now %s): use the new "
				    "bank amendment (SMNDA)",
				    b1, b2);
		}
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

int
sepa_pain008_add(
    sepa_pain008_writer *w, const sepa_pain008_tx *tx, sepa_error *err)
{
	char name[P8_NAME_MAX + 1];
	char ultimate[P8_NAME_MAX + 1];
	char rmt[P8_RMT_MAX + 1];
	char iban[SEPA_IBAN_BUFSZ];
	char bic[SEPA_BIC_BUFSZ];
	struct p8_addr addr;
	struct p8_amend amend;
	unsigned flags;
	struct xmlw *x;
	int rc;

	if (w == NULL || tx == NULL)
		return sepa_error_set(
		    err, SEPA_EINVAL, "no writer or transaction");
	if ((rc = p8_sticky(w, err)) != 0)
		return rc;
	if (!w->in_block)
		return p8_where(err, w->path,
		    sepa_error_set(err, SEPA_ESTATE,
		        "a transaction outside a PmtInf block"));
	flags = w->opts.text_flags;
	if ((rc = p8_id(tx->end_to_end_id, "EndToEndId", 1, err)) != 0 ||
	    (rc = p8_id(tx->instr_id, "InstrId", 0, err)) != 0 ||
	    (rc = p8_amount(tx->amount, "InstdAmt", err)) != 0 ||
	    (rc = p8_id(tx->mandate_id, "MndtId", 1, err)) != 0 ||
	    (rc = p8_date(tx->signature_date, "DtOfSgntr", err)) != 0)
		goto refused;
	if (sepa_date_cmp(tx->signature_date, w->blk_date) > 0) {
		char d1[SEPA_DATE_BUFSZ], d2[SEPA_DATE_BUFSZ];

		rc = sepa_error_set(err, SEPA_EINVAL,
		    "DtOfSgntr %s is after the due date %s",
		    sepa_date_iso(d1, tx->signature_date),
		    sepa_date_iso(d2, w->blk_date));
		goto refused;
	}
	if ((rc = p8_iban(iban, tx->debtor_iban, "DbtrAcct", err)) != 0 ||
	    (rc = p8_bic(
	         bic, tx->debtor_bic, w->ver->bic_rule, "DbtrAgt", err)) != 0 ||
	    (rc = p8_latin(name, sizeof(name), tx->debtor_name, P8_NAME_MAX,
	         flags, "Dbtr/Nm", 1, err)) != 0 ||
	    (rc = p8_latin(ultimate, sizeof(ultimate), tx->ultimate_debtor,
	         P8_NAME_MAX, flags, "UltmtDbtr/Nm", 0, err)) != 0 ||
	    (rc = p8_latin(rmt, sizeof(rmt), tx->remittance, P8_RMT_MAX, flags,
	         "RmtInf/Ustrd", 0, err)) != 0 ||
	    (rc = p8_addr_prepare(
	         &addr, tx->debtor_address, flags, "Dbtr", err)) != 0)
		goto refused;
	if (tx->amendment != NULL &&
	    (rc = p8_amend_prepare(
	         &amend, tx->amendment, tx, iban, flags, err)) != 0)
		goto refused;
	switch (
	    p8_seen_add(&w->seen, p8_hash(tx->end_to_end_id, w->seen.key))) {
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
		p8_amend_write(x, &amend, tx->amendment->account);
	xmlw_close(x, "MndtRltdInf");
	xmlw_close(x, "DrctDbtTx");
	p8_agent(w, "DbtrAgt", bic);
	xmlw_open(x, "Dbtr");
	xmlw_elem(x, "Nm", name);
	p8_addr_write(x, &addr);
	xmlw_close(x, "Dbtr");
	p8_account(x, "DbtrAcct", iban);
	if (ultimate[0] != '\0') {
		xmlw_open(x, "UltmtDbtr");
		xmlw_elem(x, "Nm", ultimate);
		xmlw_close(x, "UltmtDbtr");
	}
	if (rmt[0] != '\0') {
		xmlw_open(x, "RmtInf");
		xmlw_elem(x, "Ustrd", rmt);
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
	return p8_where(err, w->path, rc);
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
		return p8_where(err, w->path,
		    sepa_error_set(
		        err, SEPA_ESTATE, "no PmtInf block is open"));
	if (w->blk_txs != w->blk_ann_txs)
		return p8_where(err, w->path,
		    sepa_error_set(err, SEPA_EINVAL,
		        "PmtInf %s: NbOfTxs announced %ld, written %ld",
		        w->blk_id, w->blk_ann_txs, w->blk_txs));
	if (w->blk_sum != w->blk_ann_sum)
		return p8_where(err, w->path,
		    sepa_error_set(err, SEPA_EINVAL,
		        "PmtInf %s: CtrlSum announced %s, written %s",
		        w->blk_id, sepa_money_xml(a, w->blk_ann_sum),
		        sepa_money_xml(b, w->blk_sum)));
	if (w->sum > INT64_MAX - w->blk_sum || w->txs > LONG_MAX - w->blk_txs)
		return p8_where(err, w->path,
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

/* Write DIR/.BASE.sha256.XXXXXX with "<hex>  BASE\n", synced. */
static int
p8_sidecar(
    struct sepa_pain008_writer *w, const char *hex, char **tmp, sepa_error *err)
{
	char line[64 + 2 + NAME_MAX + 2];
	int fd = -1;
	int rc;
	int n;

	n = snprintf(line, sizeof(line), "%s  %s\n", hex, w->base);
	if (n < 0 || (size_t)n >= sizeof(line))
		return sepa_error_set(err, SEPA_EINVAL, "file name too long");
	if ((rc = p8_mktemp(w->dir, w->base, ".sha256", tmp, &fd, err)) != 0)
		return rc;
	if (write(fd, line, (size_t)n) != n || fchmod(fd, w->opts.mode) != 0 ||
	    fsync(fd) != 0) {
		rc = sepa_error_set(err, SEPA_EIO,
		    "could not write the checksum file: %s", strerror(errno));
		close(fd);
		return rc;
	}
	if (close(fd) != 0)
		return sepa_error_set(err, SEPA_EIO,
		    "could not write the checksum file: %s", strerror(errno));
	return 0;
}

static int
p8_fsync_dir(const char *dir, sepa_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return sepa_error_set(err, SEPA_EIO, "could not open %s: %s",
		    dir, strerror(errno));
	if (fsync(fd) != 0)
		rc = sepa_error_set(err, SEPA_EIO, "could not sync %s: %s", dir,
		    strerror(errno));
	close(fd);
	return rc;
}

int
sepa_pain008_close(
    sepa_pain008_writer *w, sepa_pain008_info *info, sepa_error *err)
{
	char a[SEPA_MONEY_BUFSZ], b[SEPA_MONEY_BUFSZ];
	char hex[65];
	char *side_tmp = NULL;
	char *side_path = NULL;
	sepa_pain008_info vi;
	int renamed = 0;
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
	if ((rc = xmlw_finish(&w->x, hex, err)) != 0)
		goto done;
	if (fchmod(w->fd, w->opts.mode) != 0 || fsync(w->fd) != 0) {
		rc = sepa_error_set(err, SEPA_EIO, "could not sync %s: %s",
		    w->tmp_path, strerror(errno));
		goto done;
	}
	rc = close(w->fd);
	w->fd = -1;
	if (rc != 0) {
		rc = sepa_error_set(err, SEPA_EIO, "could not close %s: %s",
		    w->tmp_path, strerror(errno));
		goto done;
	}
	/* The thread has seen the same bytes as the file. */
	rc = p8q_finish(w->q, w->opts.validate ? &vi : NULL, hex, err);
	if (rc != 0) {
		if (w->opts.validate)
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
	if (w->opts.sidecar && (rc = p8_sidecar(w, hex, &side_tmp, err)) != 0)
		goto done;
	if (rename(w->tmp_path, w->path) != 0) {
		rc = sepa_error_set(err, SEPA_EIO, "could not rename %s: %s",
		    w->tmp_path, strerror(errno));
		goto done;
	}
	renamed = 1;
	free(w->tmp_path);
	w->tmp_path = NULL;
	if (side_tmp != NULL) {
		size_t n = strlen(w->path) + 8;

		if ((side_path = malloc(n)) == NULL) {
			rc = sepa_error_set(err, SEPA_ENOMEM, "out of memory");
			goto done;
		}
		snprintf(side_path, n, "%s.sha256", w->path);
		if (rename(side_tmp, side_path) != 0) {
			rc = sepa_error_set(err, SEPA_EIO,
			    "could not rename %s: %s", side_tmp,
			    strerror(errno));
			goto done;
		}
		free(side_tmp);
		side_tmp = NULL;
	}
	if ((rc = p8_fsync_dir(w->dir, err)) != 0)
		goto done;
	if (info != NULL) {
		info->version = w->opts.version;
		info->nb_of_txs = w->txs;
		info->ctrl_sum = w->sum;
		info->nb_of_blocks = w->blocks;
		info->bytes = w->x.bytes;
		memcpy(info->sha256, hex, sizeof(info->sha256));
	}
done:
	if (rc != 0) {
		/* Nothing may stay under the final names. */
		if (renamed) {
			unlink(w->path);
			if (side_path != NULL && side_tmp == NULL)
				unlink(side_path);
		}
		if (side_tmp != NULL)
			unlink(side_tmp);
		p8_where(err, w->path, rc);
	}
	free(side_tmp);
	free(side_path);
	p8_writer_free(w);
	return rc;
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
#define P8V_CHUNK (64 * 1024)

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
	xmlParserCtxtPtr ctxt;
	sepa_error *err;
	int failed;
	int version;
	const char *path;
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
	uint64_t bytes;
	xmlSchemaParserCtxtPtr pctxt;
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vctxt;
	xmlSchemaSAXPlugPtr plug;
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

static long
p8v_line(struct p8v *v)
{
	return v->ctxt != NULL ? xmlSAX2GetLineNumber(v->ctxt) : 0;
}

static void p8v_fail(struct p8v *v, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
p8v_fail(struct p8v *v, int code, const char *fmt, ...)
{
	va_list ap;
	char msg[SEPA_ERROR_MSG_MAX];

	if (v->failed)
		return;
	v->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sepa_error_setw(v->err, code, v->path, p8v_line(v), "%s", msg);
	if (v->ctxt != NULL)
		xmlStopParser(v->ctxt);
}

/* A check from another module failed: keep its message, add the line. */
static void
p8v_fail_err(struct p8v *v, sepa_error *e)
{
	p8v_fail(v, e->code, "%s", e->msg);
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
		p8v_fail(v, SEPA_EINVAL,
		    "%s: NbOfTxs and CtrlSum are mandatory", what);
	else if (t->ann_n != t->n)
		p8v_fail(v, SEPA_EINVAL,
		    "%s: NbOfTxs says %ld, the file holds %ld", what, t->ann_n,
		    t->n);
	else if (t->ann_sum != t->sum)
		p8v_fail(v, SEPA_EINVAL,
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
	if (v->failed)
		return;
	if (v->depth == 0 &&
	    (uri == NULL ||
	        strcmp((const char *)uri, p8_versions[v->version].ns) != 0 ||
	        strcmp((const char *)localname, "Document") != 0)) {
		p8v_fail(v, SEPA_EXML, "the root is not a %s Document",
		    p8_versions[v->version].ns);
		return;
	}
	if (v->depth >= P8V_DEPTH) {
		p8v_fail(v, SEPA_ELIMIT, "elements nested deeper than %d",
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
			p8v_fail(v, SEPA_EINVAL,
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
				p8v_fail(v, SEPA_EINVAL,
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

	if (v->failed || !v->leaf)
		return;
	if (v->tlen + n > P8V_TEXT) {
		v->text_too_long = 1;
		n = P8V_TEXT - v->tlen;
	}
	memcpy(v->text + v->tlen, ch, n);
	v->tlen += n;
}

/* Handle the text of a leaf element (and check its character set). */
static void
p8v_leaf(struct p8v *v, enum p8_el el, enum p8_el parent)
{
	const char *t = v->text;
	sepa_error e = SEPA_ERROR_INIT;
	int64_t c;

	for (size_t i = 0; i < v->tlen; i++)
		if (!sepa_is_latin_char((unsigned char)t[i])) {
			p8v_fail(v, SEPA_EINVAL,
			    "character 0x%02x at column %zu of the text is "
			    "outside the SEPA Latin set",
			    (unsigned char)t[i], i + 1);
			return;
		}
	switch (el) {
	case E_MSGID:
	case E_PMTINFID:
	case E_ENDTOENDID:
	case E_INSTRID:
	case E_MNDTID:
	case E_ORGNLMNDTID: {
		static const char *const what[] = {[E_MSGID] = "MsgId",
		    [E_PMTINFID] = "PmtInfId",
		    [E_ENDTOENDID] = "EndToEndId",
		    [E_INSTRID] = "InstrId",
		    [E_MNDTID] = "MndtId",
		    [E_ORGNLMNDTID] = "OrgnlMndtId"};

		if (sepa_id_validate(t, what[el], &e) != 0)
			p8v_fail_err(v, &e);
		break;
	}
	case E_NBOFTXS:
	case E_CTRLSUM: {
		struct p8v_tot *tot = v->in_grphdr ? &v->grp : &v->blk;

		if (el == E_NBOFTXS) {
			char *end;
			long n = strtol(t, &end, 10);

			if (*end != '\0' || n < 1)
				p8v_fail(v, SEPA_EINVAL,
				    "NbOfTxs \"%s\" is not a positive count",
				    t);
			tot->ann_n = n;
			tot->has_n = 1;
		} else {
			if ((c = p8v_cents(t)) < 0)
				p8v_fail(v, SEPA_EINVAL,
				    "CtrlSum \"%s\" is not an amount with at "
				    "most 2 decimals",
				    t);
			tot->ann_sum = c;
			tot->has_sum = 1;
		}
		break;
	}
	case E_INSTDAMT:
		c = p8v_cents(t);
		if (c < 1 || c > SEPA_AMOUNT_MAX) {
			p8v_fail(v, SEPA_ERANGE,
			    "InstdAmt \"%s\" is outside 0.01 .. 999999999.99 "
			    "or has more than 2 decimals",
			    t);
			break;
		}
		if (v->blk.sum > INT64_MAX - c) {
			p8v_fail(v, SEPA_ERANGE, "the amounts overflow");
			break;
		}
		v->blk.sum += c;
		break;
	case E_SEQTP:
		for (int s = SEPA_SEQ_FRST; s <= SEPA_SEQ_FNAL; s++)
			if (strcmp(t, p8_seq_name(s)) == 0)
				v->key.seq = s;
		if (v->key.seq < 0)
			p8v_fail(v, SEPA_EINVAL,
			    "SeqTp %s is not FRST, RCUR, OOFF or FNAL", t);
		break;
	case E_REQDCOLLTNDT:
		if (p8v_date(t, &v->key.date) != 0)
			p8v_fail(
			    v, SEPA_EINVAL, "ReqdColltnDt %s is not a date", t);
		else if (!sepa_target2_is_business_day(v->key.date))
			p8v_fail(v, SEPA_EINVAL,
			    "ReqdColltnDt %s is not a TARGET2 business day", t);
		v->has_date = 1;
		break;
	case E_DTOFSGNTR: {
		sepa_date d;

		if (p8v_date(t, &d) != 0)
			p8v_fail(
			    v, SEPA_EINVAL, "DtOfSgntr %s is not a date", t);
		else if (v->has_date && sepa_date_cmp(d, v->key.date) > 0)
			p8v_fail(v, SEPA_EINVAL,
			    "DtOfSgntr %s is after the due date", t);
		break;
	}
	case E_AMDMNTIND:
		v->amdmnt_ind = strcmp(t, "true") == 0 || strcmp(t, "1") == 0;
		break;
	case E_IBAN:
		if (sepa_iban_validate(t, &e) != 0) {
			p8v_fail_err(v, &e);
			break;
		}
		/* The creditor account of the block (its key). */
		if (parent == E_ID && v->depth >= 3 && !v->in_orig_acct &&
		    v->blk.n == 0 && v->key.iban[0] == '\0')
			snprintf(v->key.iban, sizeof(v->key.iban), "%s", t);
		break;
	case E_BIC:
	case E_BICFI: {
		char bic[SEPA_BIC_BUFSZ];

		if (sepa_bic_parse(
		        bic, t, p8_versions[v->version].bic_rule, &e) != 0)
			p8v_fail_err(v, &e);
		else if (strcmp(bic, t) != 0)
			p8v_fail(v, SEPA_EINVAL,
			    "BIC %s is not in normal form (%s)", t, bic);
		break;
	}
	case E_ID:
		if (v->in_schme && parent == E_OTHER) {
			char cid[SEPA_CID_BUFSZ];

			/* CdtrSchmeId/Id/PrvtId/Othr/Id: an ICS. */
			if (v->depth != v->in_schme + 4)
				break;
			if (sepa_cid_parse(cid, t, &e) != 0)
				p8v_fail_err(v, &e);
			else if (v->stack[v->in_schme - 1] == E_CDTRSCHMEID)
				snprintf(
				    v->key.cid, sizeof(v->key.cid), "%s", cid);
		} else if (v->in_orig_acct && strcmp(t, "SMNDA") == 0) {
			v->smnda = 1;
		}
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
	if (v->failed || v->depth == 0)
		return;
	el = v->stack[v->depth - 1];
	parent = v->depth >= 2 ? v->stack[v->depth - 2] : E_OTHER;
	if (v->leaf) {
		v->text[v->tlen] = '\0';
		if (v->text_too_long)
			p8v_fail(v, SEPA_ELIMIT,
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
			p8v_fail(v, SEPA_EINVAL,
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
			p8v_fail(v, SEPA_EINVAL,
			    "PstlAdr without TwnNm and Ctry (unstructured "
			    "addresses are refused from 15 November 2026)");
		break;
	case E_PMTINF:
		if (v->failed)
			break;
		p8v_total(v, &v->blk, "PmtInf");
		if (v->failed)
			break;
		if (p8_keys_add(&v->keys, &v->key, &e) != 0) {
			p8v_fail_err(v, &e);
			break;
		}
		if (v->grp.sum > INT64_MAX - v->blk.sum) {
			p8v_fail(v, SEPA_ERANGE, "the amounts overflow");
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

/* libxml2 2.12 made the error const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *p8v_xml_err;
#else
typedef xmlErrorPtr p8v_xml_err;
#endif

static void
p8v_serror(void *ctx, p8v_xml_err xe)
{
	struct p8v *v = ctx;
	char msg[SEPA_ERROR_MSG_MAX];
	size_t n;

	if (v->failed || xe == NULL || xe->level < XML_ERR_ERROR)
		return;
	snprintf(msg, sizeof(msg), "%s",
	    xe->message != NULL ? xe->message : "XML error");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	v->failed = 1;
	sepa_error_setw(v->err, SEPA_EXML, v->path,
	    xe->line > 0 ? xe->line : p8v_line(v), "%s", msg);
	if (v->ctxt != NULL)
		xmlStopParser(v->ctxt);
}

/* The parser stopped on an error no callback reported. */
static void
p8v_parse_error(struct p8v *v)
{
	p8v_xml_err xe = xmlCtxtGetLastError(v->ctxt);

	if (xe != NULL && xe->message != NULL)
		p8v_serror(v, xe);
	if (!v->failed)
		p8v_fail(v, SEPA_EXML, "the XML is not well-formed");
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

static void
p8v_free(struct p8v *v)
{
	if (v == NULL)
		return;
	if (v->plug != NULL)
		xmlSchemaSAXUnplug(v->plug);
	if (v->ctxt != NULL)
		xmlFreeParserCtxt(v->ctxt);
	xmlSchemaFreeValidCtxt(v->vctxt);
	xmlSchemaFree(v->schema);
	xmlSchemaFreeParserCtxt(v->pctxt);
	free(v->keys.v);
	free(v);
}

/*
 * Set up a streamed validation of a document of the given version:
 * schema loaded from schema_dir, push parser with the schema plugged in.
 * `name` (borrowed) names the document in messages; every later error
 * goes to err (borrowed until p8v_free).
 */
static int
p8v_open(struct p8v **out, const char *schema_dir, int version,
    const char *name, sepa_error *err)
{
	xmlSAXHandler sax;
	struct p8v *v;
	char xsd[PATH_MAX];
	int fd;
	int rc;

	*out = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	v->err = err;
	v->version = version;
	snprintf(
	    xsd, sizeof(xsd), "%s/%s", schema_dir, p8_versions[version].xsd);
	/* Checked here: libxml2 would print its own warning on stderr. */
	if ((fd = open(xsd, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = sepa_error_setw(err, SEPA_EXML, xsd, 0,
		    "could not open the schema: %s", strerror(errno));
		goto fail;
	}
	close(fd);
	v->path = xsd;
	v->pctxt = xmlSchemaNewParserCtxt(xsd);
	if (v->pctxt != NULL) {
		xmlSchemaSetParserStructuredErrors(v->pctxt, p8v_serror, v);
		v->schema = xmlSchemaParse(v->pctxt);
	}
	if (v->schema == NULL) {
		if (!v->failed)
			sepa_error_setw(err, SEPA_EXML, xsd, 0,
			    "could not load the schema");
		rc = err != NULL ? err->code : SEPA_EXML;
		goto fail;
	}
	v->path = name;
	v->vctxt = xmlSchemaNewValidCtxt(v->schema);
	if (v->vctxt == NULL) {
		rc = sepa_error_set(err, SEPA_ENOMEM, "out of memory");
		goto fail;
	}
	xmlSchemaSetValidStructuredErrors(v->vctxt, p8v_serror, v);

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = p8v_start;
	sax.endElementNs = p8v_end;
	sax.characters = p8v_chars;
	sax.cdataBlock = p8v_chars;
	sax.serror = p8v_serror;
	v->ctxt = xmlCreatePushParserCtxt(&sax, v, NULL, 0, name);
	if (v->ctxt == NULL) {
		rc = sepa_error_set(err, SEPA_ENOMEM, "out of memory");
		goto fail;
	}
	xmlCtxtUseOptions(v->ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA);
	v->plug = xmlSchemaSAXPlug(v->vctxt, &v->ctxt->sax, &v->ctxt->userData);
	if (v->plug == NULL) {
		rc = sepa_error_set(
		    err, SEPA_ENOMEM, "could not plug the schema validator");
		goto fail;
	}
	*out = v;
	return 0;
fail:
	v->path = NULL;
	p8v_free(v);
	return rc;
}

/* Parse the next n bytes. Returns 0, or -1 once the document failed. */
static int
p8v_feed(struct p8v *v, const char *buf, size_t n)
{
	while (n > 0 && !v->failed) {
		int k = n > (1 << 20) ? 1 << 20 : (int)n;

		if (xmlParseChunk(v->ctxt, buf, k, 0) != 0 && !v->failed)
			p8v_parse_error(v);
		v->bytes += (uint64_t)k;
		buf += k;
		n -= (size_t)k;
	}
	return v->failed ? -1 : 0;
}

/* End of input: the last checks, then the totals into info. */
static int
p8v_finish(struct p8v *v, sepa_pain008_info *info)
{
	if (!v->failed && xmlParseChunk(v->ctxt, NULL, 0, 1) != 0 && !v->failed)
		p8v_parse_error(v);
	if (!v->failed && (!v->ctxt->wellFormed || v->grp.n == 0))
		p8v_fail(v, SEPA_EXML, "the document is incomplete");
	if (v->failed)
		return v->err != NULL && v->err->code != 0 ? v->err->code
		                                           : SEPA_EXML;
	if (info != NULL) {
		memset(info, 0, sizeof(*info));
		info->version = (enum sepa_pain008_version)v->version;
		info->nb_of_txs = v->grp.n;
		info->ctrl_sum = v->grp.sum;
		info->nb_of_blocks = v->blocks;
		info->bytes = v->bytes;
	}
	return 0;
}

int
sepa_pain008_validate_file(const char *path, const char *schema_dir,
    sepa_pain008_info *info, sepa_error *err)
{
	struct p8v *v = NULL;
	char *buf = NULL;
	ssize_t n;
	int version;
	int fd = -1;
	int rc = 0;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if (path == NULL || p8_empty(schema_dir))
		return sepa_error_set(err, SEPA_EINVAL,
		    "validation needs a file and the schema directory");
	if ((buf = malloc(P8V_CHUNK)) == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = sepa_error_setw(err, SEPA_EIO, path, 0,
		    "could not open: %s", strerror(errno));
		goto cleanup;
	}
	for (;;) {
		do
			n = read(fd, buf, P8V_CHUNK);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			rc = sepa_error_setw(err, SEPA_EIO, path, 0,
			    "could not read: %s", strerror(errno));
			goto cleanup;
		}
		if (v == NULL) {
			/* The first chunk tells the version, so the XSD. */
			version = p8v_detect(buf, (size_t)n);
			if (version < 0) {
				rc = sepa_error_setw(err, SEPA_EXML, path, 1,
				    "not a pain.008.001.08 or pain.008.001.02 "
				    "document");
				goto cleanup;
			}
			if ((rc = p8v_open(
			         &v, schema_dir, version, path, err)) != 0)
				goto cleanup;
		}
		if (n == 0)
			break;
		if (p8v_feed(v, buf, (size_t)n) != 0)
			break;
	}
	rc = p8v_finish(v, info);
cleanup:
	p8v_free(v);
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}

/* ------------------------------------------- validation while writing */

/*
 * The writer hands every chunk it writes to a second thread that hashes
 * it (SHA-256 for the sidecar) and, when asked, validates it (XSD +
 * rules) as the file grows, so a 1M-transaction file costs about
 * max(format, hash + validate) instead of their sum. A bounded ring of
 * chunk copies keeps memory flat; the writer waits when it is full.
 */
#define P8Q_SLOTS 8

struct p8q {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *buf[P8Q_SLOTS];
	size_t len[P8Q_SLOTS];
	size_t cap[P8Q_SLOTS];
	unsigned head; /* next slot the thread reads */
	unsigned tail; /* next slot the writer fills */
	int done;
	int nomem;
	int started;
	pthread_t th;
	EVP_MD_CTX *md;
	int md_failed;
	struct p8v *v; /* NULL: hash only */
	sepa_error err;
};

static void *
p8q_main(void *arg)
{
	struct p8q *q = arg;

	for (;;) {
		unsigned i;

		pthread_mutex_lock(&q->mu);
		while (q->head == q->tail && !q->done)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->head == q->tail) {
			pthread_mutex_unlock(&q->mu);
			break;
		}
		i = q->head % P8Q_SLOTS;
		pthread_mutex_unlock(&q->mu);
		if (EVP_DigestUpdate(q->md, q->buf[i], q->len[i]) != 1)
			q->md_failed = 1;
		if (q->v != NULL)
			p8v_feed(q->v, q->buf[i], q->len[i]);
		pthread_mutex_lock(&q->mu);
		q->head++;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
	}
	return NULL;
}

/* xmlw tap: copy the chunk into the next free slot. */
static void
p8q_push(void *arg, const char *buf, size_t n)
{
	struct p8q *q = arg;
	unsigned i;

	pthread_mutex_lock(&q->mu);
	while (q->tail - q->head == P8Q_SLOTS)
		pthread_cond_wait(&q->cv, &q->mu);
	i = q->tail % P8Q_SLOTS;
	pthread_mutex_unlock(&q->mu);
	/* The slot is the writer's until tail moves past it. */
	if (n > q->cap[i]) {
		char *b = realloc(q->buf[i], n);

		if (b == NULL) {
			q->nomem = 1;
			n = 0;
		} else {
			q->buf[i] = b;
			q->cap[i] = n;
		}
	}
	memcpy(q->buf[i], buf, n);
	q->len[i] = n;
	pthread_mutex_lock(&q->mu);
	q->tail++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

static void
p8q_free(struct p8q *q)
{
	for (int i = 0; i < P8Q_SLOTS; i++)
		free(q->buf[i]);
	p8v_free(q->v);
	EVP_MD_CTX_free(q->md);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q);
}

static int
p8q_start(struct sepa_pain008_writer *w, int validate, sepa_error *err)
{
	struct p8q *q = calloc(1, sizeof(*q));
	int rc;

	if (q == NULL)
		return sepa_error_set(err, SEPA_ENOMEM, "out of memory");
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	for (int i = 0; i < P8Q_SLOTS; i++) {
		q->cap[i] = w->x.cap;
		if ((q->buf[i] = malloc(q->cap[i])) == NULL) {
			p8q_free(q);
			return sepa_error_set(
			    err, SEPA_ENOMEM, "out of memory");
		}
	}
	q->md = EVP_MD_CTX_new();
	if (q->md == NULL ||
	    EVP_DigestInit_ex(q->md, EVP_sha256(), NULL) != 1) {
		p8q_free(q);
		return sepa_error_set(
		    err, SEPA_ENOMEM, "could not set up the SHA-256 digest");
	}
	xmlInitParser();
	if (validate &&
	    (rc = p8v_open(&q->v, w->opts.schema_dir, (int)w->opts.version,
	         w->path, &q->err)) != 0) {
		*err = q->err;
		p8q_free(q);
		return rc;
	}
	if ((rc = pthread_create(&q->th, NULL, p8q_main, q)) != 0) {
		p8q_free(q);
		errno = rc;
		return sepa_error_set(err, SEPA_EIO,
		    "could not start the validation thread: %s", strerror(rc));
	}
	q->started = 1;
	w->q = q;
	w->x.tap = p8q_push;
	w->x.tap_arg = q;
	w->x.hash = 0;
	return 0;
}

/* No more chunks: wait for the thread, then the last checks. */
static int
p8q_join(struct p8q *q)
{
	if (!q->started)
		return 0;
	pthread_mutex_lock(&q->mu);
	q->done = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	q->started = 0;
	return pthread_join(q->th, NULL);
}

static int
p8q_finish(
    struct p8q *q, sepa_pain008_info *info, char hex[65], sepa_error *err)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int rc;

	hex[0] = '\0';
	p8q_join(q);
	if (q->nomem)
		return sepa_error_set(
		    err, SEPA_ENOMEM, "out of memory in the checking thread");
	if (q->md_failed || EVP_DigestFinal_ex(q->md, md, &mdlen) != 1 ||
	    mdlen != 32)
		return sepa_error_set(
		    err, SEPA_EIO, "could not compute the SHA-256");
	for (unsigned int i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
	if (q->v == NULL)
		return 0;
	rc = p8v_finish(q->v, info);
	if (rc != 0 && err != NULL)
		*err = q->err;
	return rc;
}

static void
p8q_stop(struct p8q *q)
{
	if (q == NULL)
		return;
	p8q_join(q);
	p8q_free(q);
}
