/*
 * pes_read.c - streaming reader of PES_Aller flows (one record per
 * piece) and of PES_ACQUIT acknowledgements (one record per error, or
 * per element without one): the guarded xmlTextReader of xmlin.c, so
 * untrusted input is refused as the bank-file reader refuses it, and the
 * element table of pes.c, with which unknown elements are skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

#include "pes_internal.h"
#include "sepa/iban.h"
#include "sepa/money.h"
#include "sepa/pes.h"
#include "xmlin.h"

#define PR_PROLOG 256
#define PR_DEPTH_CAP 1024

struct pr_ctx {
	struct xmlin in;
	sepa_pes_read_opts o;
	sepa_pes_record_cb record_cb;
	sepa_pes_ack_cb ack_cb;
	void *arg;
	sepa_pes_read_info *info;
	struct pes_cache cache;
	unsigned char *stack;
	/* the input, and its first bytes for the XML declaration */
	xmlin_input_fn input;
	void *input_arg;
	char prolog[PR_PROLOG];
	size_t prolog_len;
	/* the root, for the truncation message */
	char root[16];
	long root_line;
	int open;
	/* PES_Aller */
	char exer[SEPA_PES_CODE_BUFSZ];
	char id_bord[SEPA_PES_CODE_BUFSZ];
	char typ_bord[SEPA_PES_CODE_BUFSZ];
	sepa_pes_record rec;
	size_t line_no; /* the piece's lines, from 1 */
	int tiers_no; /* Tiers of the current line */
	/* PES_ACQUIT */
	sepa_pes_ack elem; /* the ElementACQUIT being read */
	sepa_pes_ack ack; /* the Erreur being read */
	size_t elem_errors;
};

/* The input, keeping its first bytes. */
static long
pr_input(void *arg, char *buf, size_t len)
{
	struct pr_ctx *c = arg;
	long n = c->input(c->input_arg, buf, len);

	if (n > 0 && c->prolog_len < sizeof(c->prolog)) {
		size_t k = sizeof(c->prolog) - c->prolog_len;

		if (k > (size_t)n)
			k = (size_t)n;
		memcpy(c->prolog + c->prolog_len, buf, k);
		c->prolog_len += k;
	}
	return n;
}

static void
pr_date(sepa_date *d, const char *v)
{
	if (sepa_date_parse(d, v, NULL) != 0)
		memset(d, 0, sizeof(*d));
}

static int
pr_emit_record(struct pr_ctx *c)
{
	sepa_pes_record *r = &c->rec;
	char cle1, cle2;
	int r0, rc;

	if (c->info->records >= c->o.max_records)
		return xmlin_fail(&c->in, SEPA_ELIMIT, r->line,
		    "too many records: the limit is %zu", c->o.max_records);
	r->keys_ok = -1;
	if (r->num_dette[0] != '\0' && r->per[0] != '\0' &&
	    r->cle1[0] != '\0' && r->cle2[0] != '\0') {
		if (pes_keys(c->info->cod_col, c->id_bord, c->exer, r->per,
		        r->num_dette, &cle1, &cle2, &r0, NULL) != 0)
			r->keys_ok = 0;
		else
			r->keys_ok = r->cle2[0] == cle2 && r->cle2[1] == '\0' &&
			    r->cle1[1] == '\0' &&
			    (r->cle1[0] == cle1 || (r0 && r->cle1[0] == '0'));
	}
	r->index = c->info->records++;
	if (c->record_cb == NULL)
		return 0;
	if ((rc = c->record_cb(r, c->arg)) != 0)
		return xmlin_fail(&c->in, rc < 0 ? rc : SEPA_ESTATE, r->line,
		    "reading stopped by the record callback (%d) at record %zu",
		    rc, r->index);
	return 0;
}

static int
pr_emit_ack(struct pr_ctx *c, sepa_pes_ack *a)
{
	int rc;

	if (c->info->records >= c->o.max_records)
		return xmlin_fail(&c->in, SEPA_ELIMIT, a->line,
		    "too many records: the limit is %zu", c->o.max_records);
	a->index = c->info->records++;
	if (c->ack_cb == NULL)
		return 0;
	if ((rc = c->ack_cb(a, c->arg)) != 0)
		return xmlin_fail(&c->in, rc < 0 ? rc : SEPA_ESTATE, a->line,
		    "reading stopped by the record callback (%d) at record %zu",
		    rc, a->index);
	return 0;
}

/* A leaf of the header, the bordereau or the piece. */
static int
pr_leaf_flow(
    struct pr_ctx *c, int field, const char *v, const char *elem, long line)
{
	sepa_pes_read_info *i = c->info;
	sepa_pes_record *r = &c->rec;

	switch (field) {
	case PF_NOMFIC:
		return xmlin_copy(
		    &c->in, i->nom_fic, sizeof(i->nom_fic), v, elem, line);
	case PF_TYPFIC:
		return xmlin_copy(
		    &c->in, i->typ_fic, sizeof(i->typ_fic), v, elem, line);
	case PF_IDPOST:
		return xmlin_copy(
		    &c->in, i->id_post, sizeof(i->id_post), v, elem, line);
	case PF_IDCOLL:
		return xmlin_copy(
		    &c->in, i->id_coll, sizeof(i->id_coll), v, elem, line);
	case PF_CODCOL:
		return xmlin_copy(
		    &c->in, i->cod_col, sizeof(i->cod_col), v, elem, line);
	case PF_CODBUD:
		return xmlin_copy(
		    &c->in, i->cod_bud, sizeof(i->cod_bud), v, elem, line);
	case PF_DTESTR:
		pr_date(&i->dte_str, v);
		return 0;
	case PF_EXER:
		return xmlin_copy(
		    &c->in, c->exer, sizeof(c->exer), v, elem, line);
	case PF_IDBORD:
		return xmlin_copy(
		    &c->in, c->id_bord, sizeof(c->id_bord), v, elem, line);
	case PF_TYPBORD:
		return xmlin_copy(
		    &c->in, c->typ_bord, sizeof(c->typ_bord), v, elem, line);
	case PF_IDPCE:
		return xmlin_copy(
		    &c->in, r->id_pce, sizeof(r->id_pce), v, elem, line);
	case PF_TYPPCE:
		return xmlin_copy(
		    &c->in, r->typ_pce, sizeof(r->typ_pce), v, elem, line);
	case PF_NATPCE:
		return xmlin_copy(
		    &c->in, r->nat_pce, sizeof(r->nat_pce), v, elem, line);
	case PF_OBJPCE:
		return xmlin_copy(
		    &c->in, r->obj_pce, sizeof(r->obj_pce), v, elem, line);
	case PF_NUMDETTE:
		return xmlin_copy(
		    &c->in, r->num_dette, sizeof(r->num_dette), v, elem, line);
	case PF_PER:
		return xmlin_copy(
		    &c->in, r->per, sizeof(r->per), v, elem, line);
	case PF_CLE1:
		return xmlin_copy(
		    &c->in, r->cle1, sizeof(r->cle1), v, elem, line);
	case PF_CLE2:
		return xmlin_copy(
		    &c->in, r->cle2, sizeof(r->cle2), v, elem, line);
	case PF_MTHT: {
		int64_t cents;

		if (r->amount >= 0 && sepa_money_parse(&cents, v, NULL) == 0 &&
		    cents > 0 && r->amount <= INT64_MAX - cents)
			r->amount += cents;
		else
			r->amount = -1;
		return 0;
	}
	default:
		return 0;
	}
}

/* A leaf of the first line's debit or debtor. */
static int
pr_leaf_debtor(
    struct pr_ctx *c, int field, const char *v, const char *elem, long line)
{
	sepa_pes_record *r = &c->rec;
	const char *seq;

	if (c->line_no != 1 || c->tiers_no > 1)
		return 0;
	switch (field) {
	case PF_SEQ:
		seq = pes_seq_name(v);
		snprintf(r->sequence, sizeof(r->sequence), "%s",
		    seq != NULL ? seq : "");
		return 0;
	case PF_RUM:
		return xmlin_copy(
		    &c->in, r->rum, sizeof(r->rum), v, elem, line);
	case PF_DTEPREL:
		pr_date(&r->due_date, v);
		return 0;
	case PF_DATESIGN:
		pr_date(&r->signature_date, v);
		return 0;
	case PF_LIBPREL:
		return xmlin_copy(
		    &c->in, r->label, sizeof(r->label), v, elem, line);
	case PF_OLDRUM:
		return xmlin_copy(
		    &c->in, r->old_rum, sizeof(r->old_rum), v, elem, line);
	case PF_OLDICS:
		return xmlin_copy(
		    &c->in, r->old_ics, sizeof(r->old_ics), v, elem, line);
	case PF_OLDBANK:
		r->old_bank = strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0;
		return 0;
	case PF_OLDIBAN:
		sepa_iban_mask(r->old_iban_masked, v);
		return 0;
	case PF_REFTIERS:
		return xmlin_copy(
		    &c->in, r->ref_tiers, sizeof(r->ref_tiers), v, elem, line);
	case PF_CIVILITE:
		return xmlin_copy(
		    &c->in, r->civilite, sizeof(r->civilite), v, elem, line);
	case PF_NOM:
		return xmlin_copy(
		    &c->in, r->nom, sizeof(r->nom), v, elem, line);
	case PF_PRENOM:
		return xmlin_copy(
		    &c->in, r->prenom, sizeof(r->prenom), v, elem, line);
	case PF_CP:
		return xmlin_copy(&c->in, r->cp, sizeof(r->cp), v, elem, line);
	case PF_VILLE:
		return xmlin_copy(
		    &c->in, r->ville, sizeof(r->ville), v, elem, line);
	case PF_IBAN:
		sepa_iban_mask(r->iban_masked, v);
		return 0;
	case PF_BIC:
		return xmlin_copy(
		    &c->in, r->bic, sizeof(r->bic), v, elem, line);
	default:
		return 0;
	}
}

/* A leaf of an acknowledgement. */
static int
pr_leaf_ack(
    struct pr_ctx *c, int field, const char *v, const char *elem, long line)
{
	sepa_pes_ack *e = &c->elem;
	char *end;
	long n;

	switch (field) {
	case PF_DOMAINE:
		n = strtol(v, &end, 10);
		e->domaine = *v != '\0' && *end == '\0' && n >= 0 && n < 1000
		    ? (int)n
		    : -1;
		return 0;
	case PF_ETAT:
		e->etat = strcmp(v, "1") == 0 ? 1
		    : strcmp(v, "0") == 0     ? 0
		                              : -1;
		return 0;
	case PF_NUMBORD:
		return xmlin_copy(
		    &c->in, e->num_bord, sizeof(e->num_bord), v, elem, line);
	case PF_EXERBORD:
		return xmlin_copy(
		    &c->in, e->exer, sizeof(e->exer), v, elem, line);
	case PF_IDUNIQUE:
		return xmlin_copy(
		    &c->in, e->id_unique, sizeof(e->id_unique), v, elem, line);
	case PF_NUMPIECE:
		return xmlin_copy(
		    &c->in, e->num_piece, sizeof(e->num_piece), v, elem, line);
	case PF_NUMLIGNE:
		return xmlin_copy(
		    &c->in, e->num_ligne, sizeof(e->num_ligne), v, elem, line);
	case PF_ANO:
		return xmlin_copy(
		    &c->in, c->ack.code, sizeof(c->ack.code), v, elem, line);
	case PF_LIBANO:
		return xmlin_copy(
		    &c->in, c->ack.label, sizeof(c->ack.label), v, elem, line);
	default:
		return 0;
	}
}

static int
pr_leaf(struct pr_ctx *c, int field, const char *elem, long line)
{
	const char *v;
	int rc;

	if (xmlTextReaderMoveToAttribute(c->in.reader, (const xmlChar *)"V") !=
	    1)
		return 0;
	v = (const char *)xmlTextReaderConstValue(c->in.reader);
	if (v == NULL)
		rc = xmlin_fail(&c->in, SEPA_ENOMEM, line, "out of memory");
	else if (field >= PF_DOMAINE)
		rc = pr_leaf_ack(c, field, v, elem, line);
	else if (field >= PF_NATPREL && field <= PF_TITCPTE &&
	    field != PF_MTPREL)
		rc = pr_leaf_debtor(c, field, v, elem, line);
	else
		rc = pr_leaf_flow(c, field, v, elem, line);
	xmlTextReaderMoveToElement(c->in.reader);
	return rc;
}

static void
pr_open(struct pr_ctx *c, int state, long line)
{
	switch (state) {
	case PA_BORD:
		c->exer[0] = c->id_bord[0] = c->typ_bord[0] = '\0';
		break;
	case PA_PIECE:
		memset(&c->rec, 0, sizeof(c->rec));
		c->rec.line = line;
		memcpy(c->rec.exer, c->exer, sizeof(c->exer));
		memcpy(c->rec.id_bord, c->id_bord, sizeof(c->id_bord));
		memcpy(c->rec.typ_bord, c->typ_bord, sizeof(c->typ_bord));
		c->line_no = 0;
		break;
	case PA_LIGNE:
		c->line_no++;
		c->rec.nb_lines++;
		c->tiers_no = 0;
		break;
	case PA_SEPA:
		if (c->line_no == 1)
			c->rec.debit = 1;
		break;
	case PA_TIERS:
		c->tiers_no++;
		break;
	case PQ_ELEM:
		memset(&c->elem, 0, sizeof(c->elem));
		c->elem.line = line;
		c->elem.domaine = c->elem.etat = -1;
		c->elem_errors = 0;
		break;
	case PQ_PIECE:
		c->elem.num_piece[0] = '\0';
		break;
	case PQ_LIGNE:
		c->elem.num_ligne[0] = '\0';
		break;
	case PQ_ERR:
		c->ack.code[0] = c->ack.label[0] = '\0';
		c->ack.line = line;
		break;
	default:
		break;
	}
}

static int
pr_close(struct pr_ctx *c, int state, int parent)
{
	sepa_pes_ack a;

	switch (state) {
	case PA_PIECE:
		return pr_emit_record(c);
	case PA_BORD:
		c->info->bordereaux++;
		return 0;
	case PQ_ERR:
		a = c->elem;
		a.line = c->ack.line;
		a.level = parent == PQ_LIGNE ? SEPA_PES_ACK_LINE
		    : parent == PQ_PIECE     ? SEPA_PES_ACK_PIECE
		                             : SEPA_PES_ACK_ELEMENT;
		if (a.level < SEPA_PES_ACK_LINE)
			a.num_ligne[0] = '\0';
		if (a.level < SEPA_PES_ACK_PIECE)
			a.num_piece[0] = '\0';
		memcpy(a.code, c->ack.code, sizeof(a.code));
		memcpy(a.label, c->ack.label, sizeof(a.label));
		c->elem_errors++;
		return pr_emit_ack(c, &a);
	case PQ_ELEM:
		if (c->elem_errors > 0)
			return 0;
		a = c->elem;
		a.level = SEPA_PES_ACK_ELEMENT;
		a.num_piece[0] = a.num_ligne[0] = '\0';
		return pr_emit_ack(c, &a);
	default:
		return 0;
	}
}

static int
pr_start(struct pr_ctx *c)
{
	const char *elem =
	    (const char *)xmlTextReaderConstLocalName(c->in.reader);
	int depth = xmlTextReaderDepth(c->in.reader);
	long line = xmlin_line(&c->in);
	const struct pes_row *row;
	int rc = 0;

	if (elem == NULL)
		return xmlin_fail(&c->in, SEPA_ENOMEM, line, "out of memory");
	if (depth < 0 || depth >= c->o.max_depth)
		return xmlin_fail(&c->in, SEPA_ELIMIT, line,
		    "elements nested deeper than %d (element %s)",
		    c->o.max_depth, elem);
	row = pes_step(
	    &c->cache, depth == 0 ? PS_TOP : c->stack[depth - 1], elem);
	if (depth == 0) {
		if (row->to == PS_SKIP)
			return xmlin_fail(&c->in, SEPA_EINVAL, line,
			    "not a PES_Aller or PES_ACQUIT: root element %.40s",
			    elem);
		c->info->doc = row->to == PA_ROOT ? SEPA_PES_DOC_ALLER
		                                  : SEPA_PES_DOC_ACQUIT;
		pes_declared_encoding(c->prolog, c->prolog_len,
		    c->info->encoding, sizeof(c->info->encoding));
		snprintf(c->root, sizeof(c->root), "%s", elem);
		c->root_line = line;
	}
	c->stack[depth] = row->to;
	c->open = depth + 1;
	if (row->to == PS_LEAF)
		rc = pr_leaf(c, row->field, elem, line);
	else
		pr_open(c, row->to, line);
	if (rc == 0 && xmlTextReaderIsEmptyElement(c->in.reader)) {
		c->open = depth;
		rc = pr_close(
		    c, row->to, depth > 0 ? c->stack[depth - 1] : PS_TOP);
	}
	return rc;
}

static int
pr_run(struct pr_ctx *c)
{
	int ret = 0;
	int rc = 0;

	while (rc == 0 && (ret = xmlTextReaderRead(c->in.reader)) == 1) {
		int type = xmlTextReaderNodeType(c->in.reader);
		int depth;

		switch (type) {
		case XML_READER_TYPE_ELEMENT:
			rc = pr_start(c);
			break;
		case XML_READER_TYPE_END_ELEMENT:
			depth = xmlTextReaderDepth(c->in.reader);
			if (depth >= 0 && depth < c->o.max_depth) {
				c->open = depth;
				rc = pr_close(c, c->stack[depth],
				    depth > 0 ? c->stack[depth - 1] : PS_TOP);
			}
			break;
		default:
			rc = xmlin_refuse_node(&c->in, type);
			break;
		}
	}
	c->info->bytes = c->in.g.total;
	if (rc != 0)
		return rc;
	return xmlin_result(
	    &c->in, ret, c->open > 0 ? c->root : NULL, c->root_line);
}

static int
pr_read(xmlin_input_fn input, void *input_arg, const char *name,
    const sepa_pes_read_opts *opts, sepa_pes_record_cb record_cb,
    sepa_pes_ack_cb ack_cb, void *arg, sepa_pes_read_info *info,
    sepa_error *err)
{
	static const sepa_pes_read_opts defaults = SEPA_PES_READ_OPTS_INIT;
	sepa_pes_read_info local;
	struct pr_ctx *c;
	int rc;

	if (info == NULL)
		info = &local;
	memset(info, 0, sizeof(*info));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return sepa_error_setw(
		    err, SEPA_ENOMEM, name, 0, "out of memory");
	c->o = defaults;
	if (opts != NULL) {
		if (opts->max_bytes > 0)
			c->o.max_bytes = opts->max_bytes;
		if (opts->max_depth > 0)
			c->o.max_depth = opts->max_depth < PR_DEPTH_CAP
			    ? opts->max_depth
			    : PR_DEPTH_CAP;
		if (opts->max_text > 0)
			c->o.max_text = opts->max_text;
		if (opts->max_records > 0)
			c->o.max_records = opts->max_records;
	}
	c->record_cb = record_cb;
	c->ack_cb = ack_cb;
	c->arg = arg;
	c->info = info;
	c->input = input;
	c->input_arg = input_arg;
	if ((c->stack = calloc((size_t)c->o.max_depth, 1)) == NULL)
		rc =
		    sepa_error_setw(err, SEPA_ENOMEM, name, 0, "out of memory");
	else if ((rc = xmlin_open(&c->in, pr_input, c, name, "PES files",
	              c->o.max_bytes, c->o.max_text, err)) == 0)
		rc = pr_run(c);
	xmlin_close(&c->in);
	free(c->stack);
	free(c);
	return rc;
}

int
sepa_pes_read_mem(const char *buf, size_t len, const char *name,
    const sepa_pes_read_opts *opts, sepa_pes_record_cb record_cb,
    sepa_pes_ack_cb ack_cb, void *arg, sepa_pes_read_info *info,
    sepa_error *err)
{
	struct xmlin_mem in = {buf, buf != NULL ? len : 0, 0};

	return pr_read(xmlin_mem_input, &in, name, opts, record_cb, ack_cb, arg,
	    info, err);
}

int
sepa_pes_read_file(const char *path, const sepa_pes_read_opts *opts,
    sepa_pes_record_cb record_cb, sepa_pes_ack_cb ack_cb, void *arg,
    sepa_pes_read_info *info, sepa_error *err)
{
	static const sepa_pes_read_opts defaults = SEPA_PES_READ_OPTS_INIT;
	size_t max = opts != NULL && opts->max_bytes > 0 ? opts->max_bytes
	                                                 : defaults.max_bytes;
	int fd;
	int rc;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if ((rc = xmlin_open_file(path, max, &fd, err)) != 0)
		return rc;
	rc = pr_read(
	    xmlin_fd_input, &fd, path, opts, record_cb, ack_cb, arg, info, err);
	close(fd);
	return rc;
}

enum sepa_pes_doc
sepa_pes_sniff(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *name, *colon;
	size_t n;

	while (p < end) {
		p = memchr(p, '<', (size_t)(end - p));
		if (p == NULL || p + 1 >= end)
			return SEPA_PES_DOC_UNKNOWN;
		p++;
		if (*p != '?' && *p != '!')
			break;
	}
	if (p >= end)
		return SEPA_PES_DOC_UNKNOWN;
	for (name = p; p < end && *p != ' ' && *p != '\t' && *p != '\r' &&
	     *p != '\n' && *p != '>' && *p != '/';
	     p++)
		;
	colon = memchr(name, ':', (size_t)(p - name));
	if (colon != NULL)
		name = colon + 1;
	n = (size_t)(p - name);
	if (n == 9 && memcmp(name, "PES_Aller", 9) == 0)
		return SEPA_PES_DOC_ALLER;
	if (n == 10 && memcmp(name, "PES_ACQUIT", 10) == 0)
		return SEPA_PES_DOC_ACQUIT;
	return SEPA_PES_DOC_UNKNOWN;
}
