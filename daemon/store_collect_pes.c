/*
 * store_collect_pes.c - the treasury's channel (treasury.channel "pes"):
 * a collection month handed to the comptable public as one PES V2
 * PES_Aller ORMC flow instead of pain.008 files (docs/design/pes.md, For
 * the daemon).
 *
 * Only the hand-off changes. The invoices debited, their account,
 * sequence type, amendments, deferrals and cut-off are those the
 * collection run selects and decides (store_collect.c), recorded as the
 * same collections; the flow adds one piece per invoice, the month's
 * invoices payable by other means included (without a debit). Exactly
 * once, as the pain.008 (docs/design/collect-once.md): the flow is a
 * batch (channel 'pes') recorded with its header, bordereaux and pieces
 * in the run's one transaction (migration 042), then written from those
 * rows only, validated while written, placed and released by the same
 * code.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/pes.h"
#include "sepa/text.h"
#include "config.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_collect.h"
#include "store_collect_int.h"
#include "store_event.h"

/* A bordereau holds at most this many pieces (NbrPce has 5 digits). */
#define PES_MAX_PIECES 99999

/* The rôle's object, in French, per collection month. */
static const char *const pes_month_fr[12] = {"de janvier", "de février",
    "de mars", "d'avril", "de mai", "de juin", "de juillet", "d'août",
    "de septembre", "d'octobre", "de novembre", "de décembre"};

struct collect_pes {
	enum sepa_pes_kind kind; /* ORMC (collect) or ordinary titres */
	const struct collect_titre *titres; /* recovery: borrowed */
	int64_t nitems; /* pieces */
	int64_t total;
	int exer;
	long id_bord0;
	int nbord;
	long *bord_n; /* of bordereaux 1..nbord: pieces and sum */
	int64_t *bord_sum;
	char nom_fic[128];
	char msg_id[64];
	int64_t batch_id;
};

/* The texts a piece is built from, kept while it is checked or copied. */
struct pes_texts {
	char prenom[160];
	char nom[320];
	char adr2[320];
	char label[256];
	char num[24];
	sepa_pes_line line;
	sepa_pes_debtor debtor;
	sepa_pes_debit debit;
	sepa_pes_piece piece;
};

/* A family's payer and address, as the store has them. */
struct pes_family {
	const char *payer, *street, *building, *postcode, *town, *country;
	const char *ref; /* family_ref */
};

/*
 * Row r of res, whose name, street, building, postcode, town and country
 * are columns name..name+5 and the family reference column ref.
 */
static struct pes_family
pes_family_of(PGresult *res, int r, int name, int ref)
{
	struct pes_family f;

	f.payer = PQgetvalue(res, r, name);
	f.street = PQgetvalue(res, r, name + 1);
	f.building = PQgetvalue(res, r, name + 2);
	f.postcode = PQgetvalue(res, r, name + 3);
	f.town = PQgetvalue(res, r, name + 4);
	f.country = PQgetvalue(res, r, name + 5);
	f.ref = PQgetvalue(res, r, ref);
	return f;
}

/*
 * The debtor of family f: the payer's first word is the Prenom, the rest
 * the Nom; Adr2 is the building number and the street. The families have
 * no civility: pes.civility for all. An address outside France needs an
 * INSEE country code that sepad does not have: refused (why).
 */
static int
pes_debtor(const struct sepad_config *cfg, const struct pes_family *f,
    struct pes_texts *t, sepa_error *why)
{
	const char *payer = f->payer;
	const char *street = f->street;
	const char *building = f->building;
	const char *country = f->country;
	size_t sp;

	memset(&t->debtor, 0, sizeof(t->debtor));
	payer += strspn(payer, " ");
	sp = strcspn(payer, " ");
	if (payer[sp] == '\0') {
		t->prenom[0] = '\0';
		snprintf(t->nom, sizeof(t->nom), "%s", payer);
	} else {
		snprintf(t->prenom, sizeof(t->prenom), "%.*s", (int)sp, payer);
		snprintf(t->nom, sizeof(t->nom), "%s",
		    payer + sp + strspn(payer + sp, " "));
	}
	snprintf(t->adr2, sizeof(t->adr2), "%s%s%s", building,
	    building[0] != '\0' && street[0] != '\0' ? " " : "", street);
	if (strcmp(country, "FR") != 0)
		return sepa_error_set(why, SEPA_EINVAL,
		    "an address outside France (%s) needs its INSEE country "
		    "code, which sepad does not have",
		    country);
	t->debtor.ref_tiers = f->ref;
	t->debtor.civilite = cfg->pes_civility;
	t->debtor.nom = t->nom;
	t->debtor.prenom = t->prenom[0] != '\0' ? t->prenom : NULL;
	t->debtor.adr2 = t->adr2;
	t->debtor.cp = f->postcode;
	t->debtor.ville = f->town;
	return 0;
}

/*
 * NumDette: the digits of the invoice number (F2026-10-000042 gives
 * 202610000042), 1 to 13 of them.
 */
static int
pes_num_dette(const char *number, char *out, size_t size, sepa_error *why)
{
	size_t n = 0;

	for (const char *p = number; *p != '\0'; p++)
		if (*p >= '0' && *p <= '9' && n + 1 < size)
			out[n++] = *p;
	out[n] = '\0';
	while (out[0] == '0' && out[1] != '\0')
		memmove(out, out + 1, strlen(out));
	if (n == 0 || strcmp(out, "0") == 0 || strlen(out) > 13)
		return sepa_error_set(why, SEPA_EINVAL,
		    "NumDette: the invoice number %s does not give 1 to 13 "
		    "digits",
		    number);
	return 0;
}

/*
 * The line of a piece: the amount left to pay, under the CodProdLoc and
 * Nature of the invoice's main service (pes.products). A service the
 * configuration does not name stops the run (SEPA_ENOTFOUND).
 */
static int
pes_line(const struct sepad_config *cfg, const char *service, int64_t amount,
    struct pes_texts *t, sepa_error *why)
{
	const struct config_pes_product *p = config_pes_product(cfg, service);

	if (p == NULL)
		return sepa_error_set(why, SEPA_ENOTFOUND,
		    "%s: service \"%s\" has no CodProdLoc and Nature: add it "
		    "to pes.products (or a \"*\" entry)",
		    cfg->path, service);
	memset(&t->line, 0, sizeof(t->line));
	t->line.cod_prod_loc = p->cod_prod_loc;
	t->line.nature = p->nature;
	t->line.amount = amount;
	return 0;
}

/* t's piece from its parts: one line, ObjPce the label, debited or not. */
static void
pes_assemble(struct pes_texts *t, int debited)
{
	memset(&t->piece, 0, sizeof(t->piece));
	t->piece.id_pce = 1;
	t->piece.objet = t->label;
	t->piece.num_dette = strtoull(t->num, NULL, 10);
	t->piece.lines = &t->line;
	t->piece.nb_lines = 1;
	t->piece.debtor = &t->debtor;
	t->piece.debit = debited ? &t->debit : NULL;
}

/* The piece of candidate cr (debited), as the writer will get it. */
static int
pes_candidate_piece(const struct collect_run *run, const struct collect_row *cr,
    struct pes_texts *t, sepa_error *why)
{
	const char *number = collect_value(run, cr->row, CC_NUMBER);
	struct pes_family f =
	    pes_family_of(run->res, cr->row, CC_NAME, CC_FAMILY_REF);
	int rc;

	if ((rc = pes_num_dette(number, t->num, sizeof(t->num), why)) != 0 ||
	    (rc = pes_line(run->cfg,
	         collect_value(run, cr->row, CC_MAIN_SERVICE),
	         collect_int(run, cr->row, CC_TOTAL), t, why)) != 0 ||
	    (rc = pes_debtor(run->cfg, &f, t, why)) != 0)
		return rc;
	t->debtor.iban = collect_value(run, cr->row, CC_IBAN);
	t->debtor.bic = collect_value(run, cr->row, CC_BIC);
	memset(&t->debit, 0, sizeof(t->debit));
	if ((rc = sepa_date_parse(&t->debit.due_date,
	         collect_value(run, cr->row, CC_DUE), why)) != 0 ||
	    (rc = sepa_date_parse(&t->debit.signature_date,
	         collect_value(run, cr->row, CC_SIGNED), why)) != 0)
		return rc;
	t->debit.seq = cr->seq;
	t->debit.rum = collect_value(run, cr->row, CC_RUM);
	t->debit.label =
	    collect_remittance(run, cr->row, t->label, sizeof(t->label));
	t->debit.old_rum = cr->orig_rum;
	t->debit.old_ics = cr->orig_ics;
	t->debit.account = cr->amend;
	if (cr->amend == SEPA_AMEND_SAME_BANK)
		t->debit.old_iban = collect_value(run, cr->row, CC_LAST_IBAN);
	pes_assemble(t, 1);
	return 0;
}

int
collect_pes_check(
    struct collect_run *run, const struct collect_row *cr, sepa_error *why)
{
	struct pes_texts t;
	int rc;

	if ((rc = pes_candidate_piece(run, cr, &t, why)) != 0)
		return rc;
	return sepa_pes_check_piece(
	    SEPA_PES_ORMC, SEPA_TEXT_DEFAULT, &t.piece, why);
}

/*
 * Where a row holds what the piece of an invoice payable by other means
 * needs: collect_oth (PO_*) or the flow's pieces (PES_ITEMS, CC_*).
 */
struct pes_other_cols {
	int number, owed, month, services, name, ref, service;
};
static const struct pes_other_cols pes_oth_cols = {PO_NUMBER, PO_OWED, PO_MONTH,
    PO_SERVICES, PO_NAME, PO_FAMILY_REF, PO_MAIN_SERVICE};
static const struct pes_other_cols pes_item_cols = {CC_NUMBER, CC_TOTAL,
    CC_MONTH, CC_SERVICES, CC_NAME, CC_FAMILY_REF, CC_MAIN_SERVICE};

/* The piece of row r of o (no debit), its columns at c. */
static int
pes_other_piece(const struct collect_run *run, PGresult *o, int r,
    const struct pes_other_cols *c, struct pes_texts *t, sepa_error *why)
{
	struct pes_family f = pes_family_of(o, r, c->name, c->ref);
	const char *number = PQgetvalue(o, r, c->number);
	int rc;

	if ((rc = pes_num_dette(number, t->num, sizeof(t->num), why)) != 0 ||
	    (rc = pes_line(run->cfg, PQgetvalue(o, r, c->service),
	         strtoll(PQgetvalue(o, r, c->owed), NULL, 10), t, why)) != 0 ||
	    (rc = pes_debtor(run->cfg, &f, t, why)) != 0)
		return rc;
	collect_remittance_of(number, PQgetvalue(o, r, c->services),
	    PQgetvalue(o, r, c->month), t->label, sizeof(t->label));
	pes_assemble(t, 0);
	return 0;
}

/*
 * The ordinary titre of an invoice sent to recovery: no NumDette, no
 * debit; ObjPce says why and names the invoice ("Impayé après relance ;
 * rejet de prélèvement AM04 - facture F2026-09-000004 de septembre
 * 2026"); Nature pes.recovery_nature, else the service's.
 */
static int
pes_titre_piece(const struct sepad_config *cfg, const struct collect_titre *ti,
    struct pes_texts *t, sepa_error *why)
{
	struct pes_family f = {ti->name, ti->street, ti->building, ti->postcode,
	    ti->town, ti->country, ti->family_ref};
	int month = atoi(ti->month + 5), rc;

	if ((rc = pes_line(cfg, ti->service, ti->amount, t, why)) != 0 ||
	    (rc = pes_debtor(cfg, &f, t, why)) != 0)
		return rc;
	if (cfg->pes_recovery_nature[0] != '\0')
		t->line.nature = cfg->pes_recovery_nature;
	snprintf(t->label, sizeof(t->label), "%s%s%s - facture %s %s %.4s",
	    ti->why, ti->codes[0] != '\0' ? " ; rejet de prélèvement " : "",
	    ti->codes, ti->number,
	    month >= 1 && month <= 12 ? pes_month_fr[month - 1] : "du",
	    ti->month);
	t->num[0] = '\0';
	pes_assemble(t, 0);
	return 0;
}

int
collect_pes_titre_check(const struct sepad_config *cfg,
    const struct collect_titre *ti, sepa_error *why)
{
	struct pes_texts t;
	int rc;

	if ((rc = pes_titre_piece(cfg, ti, &t, why)) != 0)
		return rc;
	return sepa_pes_check_piece(
	    SEPA_PES_TITRE, SEPA_TEXT_DEFAULT, &t.piece, why);
}

/* An invoice of the others that the PES writer would refuse: an event. */
static int
pes_other_refused(struct collect_run *run, PGresult *o, int r,
    const sepa_error *why, sepa_error *err)
{
	struct event ev = {0};
	struct i18n_msg say;
	char text[SEPA_ERROR_MSG_MAX];

	snprintf(text, sizeof(text), "%s", why->msg);
	collect_mask_ibans(text);
	i18n_msg(&say,
	    N_("invoice %s: payable by other means, the PES writer would "
	       "refuse its piece (%s); left out of the flow of %s: correct it "
	       "and run collect again"),
	    "ttM", PQgetvalue(o, r, PO_NUMBER), text, run->month);
	ev.kind = "invoice.collect_refused";
	ev.say = &say;
	ev.business_date = run->today;
	ev.month = run->month;
	ev.invoice_id = strtoll(PQgetvalue(o, r, PO_INVOICE), NULL, 10);
	ev.has_amount = true;
	ev.amount_cents = strtoll(PQgetvalue(o, r, PO_OWED), NULL, 10);
	ev.needs_attention = true;
	run->sum->refused++;
	return store_event_add(run->db, run->creditor_id, &ev, err);
}

/*
 * Invoice r of collect_oth: left out of the flow when the writer would
 * refuse its piece (its ord to the sink arg, an event); a service without
 * a CodProdLoc stops the run.
 */
static int
pes_other_check(struct collect_run *run, int r, void *arg, sepa_error *err)
{
	struct collect_sink *out = arg;
	sepa_error why = SEPA_ERROR_INIT;
	struct pes_texts t;
	int rc;

	rc = pes_other_piece(run, run->res, r, &pes_oth_cols, &t, &why);
	if (rc == 0)
		rc = sepa_pes_check_piece(
		    SEPA_PES_ORMC, SEPA_TEXT_DEFAULT, &t.piece, &why);
	if (rc == SEPA_ENOTFOUND) {
		*err = why;
		return err->code = SEPA_EINVAL;
	}
	if (rc == 0)
		return 0;
	collect_copy_field(&out->b, PQgetvalue(run->res, r, PO_ORD), 1);
	return pes_other_refused(run, run->res, r, &why, err);
}

static const char pes_oth_out_sql[] =
    "CREATE TEMP TABLE collect_oth_out (ord bigint) ON COMMIT DROP";
static const char pes_oth_out_copy_sql[] =
    "COPY collect_oth_out (ord) FROM STDIN";
static const char pes_oth_cur_sql[] = "DECLARE collect_cur NO SCROLL CURSOR FOR"
                                      " SELECT * FROM collect_oth ORDER BY ord";

/*
 * The pieces of the flow (columns CC_*, COLLECT_DEC_COLUMNS, whether
 * debited): the candidates kept and the month's invoices payable by
 * other means that the writer takes.
 */
#define PES_ITEMS \
	"(SELECT c.*," COLLECT_DEC_COLUMNS ", true AS debited" COLLECT_KEPT \
	" UNION ALL SELECT o.ord, o.invoice, o.number, o.owed, NULL, o.month," \
	" NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, o.name, o.street," \
	" o.building, o.postcode, o.town, o.country, NULL, o.services, NULL," \
	" NULL, o.family_ref, o.main_service, NULL, NULL, NULL, NULL, NULL," \
	" false FROM collect_oth o WHERE NOT EXISTS (SELECT 1" \
	" FROM collect_oth_out x WHERE x.ord = o.ord)) it"

/* In invoice number order, as strcmp sorts (the flow's order). */
#define PES_ITEMS_ORDER " ORDER BY it.number COLLATE \"C\""

/* $1 the pieces of a bordereau: the bordereaux' pieces and sums. */
static const char pes_bords_count_sql[] =
    "SELECT count(*), sum(total) FROM (SELECT (row_number() OVER (" PES_ITEMS_ORDER
    ") - 1) / $1::int AS k, it.total FROM " PES_ITEMS
    ") s GROUP BY k ORDER BY k";

/* The candidates kept: how many, and their sum. */
static const char pes_kept_sql[] =
    "SELECT count(*), coalesce(sum(c.total), 0)" COLLECT_KEPT;

/*
 * The pieces of the flow: the month's invoices payable by other means
 * that the writer takes (collect_oth, pes_other_check), with the
 * candidates kept; how many in each bordereau, their sums.
 */
static int
pes_items(struct collect_run *run, sepa_error *err)
{
	struct collect_pes *p = run->pesr;
	struct collect_sink out = {N_("record the pieces left out"),
	    pes_oth_out_copy_sql, {NULL, 0, 0}};
	char max[16];
	const char *params[1] = {max};
	PGresult *res = NULL;
	int rc;

	snprintf(max, sizeof(max), "%d", PES_MAX_PIECES);
	if ((rc = db_exec(run->db, "list the invoices payable by other means",
	         collect_oth_sql, 2, run->params, err)) != 0 ||
	    (rc = db_exec(run->db, out.what, pes_oth_out_sql, 0, NULL, err)) !=
	        0 ||
	    (rc = collect_scan(run, "read the invoices payable by other means",
	         pes_oth_cur_sql, 0, NULL, pes_other_check, &out, &out, err)) !=
	        0 ||
	    (rc = db_query(run->db, &res, "count the pieces",
	         pes_bords_count_sql, 1, params, err)) != 0)
		return rc;
	p->bord_n = xcalloc((size_t)PQntuples(res) + 1, sizeof(*p->bord_n));
	p->bord_sum = xcalloc((size_t)PQntuples(res) + 1, sizeof(*p->bord_sum));
	for (int k = 0; k < PQntuples(res); k++) {
		p->bord_n[k] = atol(PQgetvalue(res, k, 0));
		p->bord_sum[k] = strtoll(PQgetvalue(res, k, 1), NULL, 10);
		p->nitems += p->bord_n[k];
		p->total += p->bord_sum[k];
	}
	PQclear(res);
	return 0;
}

/*
 * $1 creditor, $2 year, $3 budget, $4 bordereau type: the last IdBord of
 * the series (ORMC 06, ordinary titres 01).
 */
static const char pes_last_bord_sql[] =
    "SELECT coalesce(max(id_bord), 0) FROM pes_bordereaux"
    " WHERE creditor_id = $1 AND exer = $2 AND cod_bud = $3"
    " AND typ_bord = $4";

/* TypBord, TypFic of a flow of p's kind. */
#define PES_TYP_BORD(p) ((p)->kind == SEPA_PES_TITRE ? "01" : "06")
#define PES_TYP_FIC(p) ((p)->kind == SEPA_PES_TITRE ? "PESALR1" : "PESORMC")

/*
 * The flow's numbers: IdBord after the last of the year and budget (the
 * series never gives a number twice, 042), its NomFic and MsgId.
 */
static int
pes_numbers(struct collect_run *run, sepa_error *err)
{
	struct collect_pes *p = run->pesr;
	const struct sepad_config *cfg = run->cfg;
	char year[8];
	const char *params[4] = {
	    run->cred, year, cfg->pes_cod_bud, PES_TYP_BORD(p)};
	int64_t last;
	int rc;

	p->exer = run->today.year;
	snprintf(year, sizeof(year), "%d", p->exer);
	if ((rc = db_query_int64(run->db, &last, "number the bordereaux",
	         pes_last_bord_sql, 4, params, err)) != 0)
		return rc;
	p->nbord = (p->nitems + PES_MAX_PIECES - 1) / PES_MAX_PIECES;
	p->id_bord0 = (long)last + 1;
	if (p->id_bord0 + p->nbord - 1 > 9999999)
		return sepa_error_set(err, SEPA_ELIMIT,
		    "the IdBord series of %d, budget %s, is full", p->exer,
		    cfg->pes_cod_bud);
	/* the MsgId of a recovery flow is its TypFic's: another series */
	snprintf(p->msg_id, sizeof(p->msg_id), "%s-%s-%d-%ld",
	    p->kind == SEPA_PES_TITRE ? "PESALR1" : "PES", cfg->pes_cod_bud,
	    p->exer, p->id_bord0);
	return sepa_pes_file_name_of(p->nom_fic, sizeof(p->nom_fic), p->kind,
	    cfg->pes_siret, p->exer, p->id_bord0, err);
}

static const char pes_insert_flow_sql[] =
    "INSERT INTO pes_flows (creditor_id, batch_id, nom_fic, dte_str,"
    " sigle, adresse, id_post, id_coll, cod_col, cod_bud,"
    " libelle_col_bud, typ_fic) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
    " $9, $10, $11, $12)";

static const char pes_insert_bord_sql[] =
    "INSERT INTO pes_bordereaux (creditor_id, batch_id, position, exer,"
    " cod_bud, typ_bord, id_bord, dte_bord_em, objet, nbr_pce,"
    " mt_bord_ht_cents) VALUES ($1, $2, $3, $4, $5, $11, $6, $7, $8,"
    " $9, $10) RETURNING id";

/* $1 creditor, $2 batch: the pieces with their collection's id. */
static const char pes_items_cur_sql[] =
    "DECLARE collect_cur NO SCROLL CURSOR FOR SELECT it.*, k.id FROM " PES_ITEMS
    " LEFT JOIN collections k ON k.creditor_id = $1"
    " AND k.batch_id = $2 AND it.debited AND k.invoice_id = it.invoice" PES_ITEMS_ORDER;

static const char pes_copy_sql[] =
    "COPY pes_pieces (creditor_id, batch_id, bordereau_id, id_pce,"
    " invoice_id, collection_id, num_dette, per, cle1, cle2, objet,"
    " cod_prod_loc, nature, amount_cents, ref_tiers, civilite, nom,"
    " prenom, adr2, cp, ville, cod_pays) FROM STDIN";

/* The header row of the flow. */
static int
pes_insert_flow(struct collect_run *run, const char *batch, sepa_error *err)
{
	const struct sepad_config *cfg = run->cfg;
	char day[SEPA_DATE_BUFSZ];
	const char *params[12];

	params[0] = run->cred;
	params[1] = batch;
	params[2] = run->pesr->nom_fic;
	params[3] = sepa_date_iso(day, run->today);
	params[4] = "sepad";
	params[5] = "sepad " SEPAD_VERSION;
	params[6] = cfg->pes_id_post;
	params[7] = cfg->pes_siret;
	params[8] = cfg->pes_cod_col;
	params[9] = cfg->pes_cod_bud;
	params[10] = cfg->cred_name;
	params[11] = PES_TYP_FIC(run->pesr);
	return db_exec(run->db, "record the PES flow", pes_insert_flow_sql, 12,
	    params, err);
}

/* Bordereau k (0-based) of the flow: its row, its id into *id. */
static int
pes_insert_bord(struct collect_run *run, const char *batch, int k, int64_t *id,
    sepa_error *err)
{
	struct collect_pes *p = run->pesr;
	char pos[16], exer[16], idb[24], day[SEPA_DATE_BUFSZ], objet[96];
	char nbr[16], mt[24];
	const char *params[11];

	snprintf(pos, sizeof(pos), "%d", k + 1);
	snprintf(exer, sizeof(exer), "%d", p->exer);
	snprintf(idb, sizeof(idb), "%ld", p->id_bord0 + k);
	/* the rôle's object; an ordinary titre's bordereau has none */
	if (p->kind == SEPA_PES_TITRE)
		objet[0] = '\0';
	else
		snprintf(objet, sizeof(objet), "Rôle des factures %s %d",
		    pes_month_fr[run->month.month - 1], run->month.year);
	snprintf(nbr, sizeof(nbr), "%ld", p->bord_n[k]);
	snprintf(mt, sizeof(mt), "%" PRId64, p->bord_sum[k]);
	params[0] = run->cred;
	params[1] = batch;
	params[2] = pos;
	params[3] = exer;
	params[4] = run->cfg->pes_cod_bud;
	params[5] = idb;
	params[6] = sepa_date_iso(day, run->today);
	params[7] = objet;
	params[8] = nbr;
	params[9] = mt;
	params[10] = PES_TYP_BORD(p);
	return db_query_int64(run->db, id, "record a bordereau",
	    pes_insert_bord_sql, 11, params, err);
}

/*
 * The COPY line of piece t (of invoice, for amount, debited by collection
 * coll or NULL; a titre or not), the piece IdPce of bordereau `bord`.
 */
static int
pes_copy_piece(struct collect_run *run, const char *batch, const char *bord,
    long id_bord, long id_pce, const struct pes_texts *t, int64_t invoice,
    int64_t amount, const char *coll, int titre, struct collect_buf *b,
    sepa_error *err)
{
	struct collect_pes *p = run->pesr;
	char pce[16], inv[24], amt[24], nat[16], exer[8], cle[2][2];
	int rc;

	snprintf(nat, sizeof(nat), "%ld", id_bord);
	snprintf(exer, sizeof(exer), "%d", p->exer);
	if (!titre &&
	    (rc = sepa_pes_keys(run->cfg->pes_cod_col, nat, exer, "0", t->num,
	         &cle[0][0], &cle[1][0], err)) != 0)
		return rc;
	cle[0][1] = cle[1][1] = '\0';
	snprintf(pce, sizeof(pce), "%ld", id_pce);
	snprintf(inv, sizeof(inv), "%" PRId64, invoice);
	snprintf(amt, sizeof(amt), "%" PRId64, amount);
	collect_copy_field(b, run->cred, 0);
	collect_copy_field(b, batch, 0);
	collect_copy_field(b, bord, 0);
	collect_copy_field(b, pce, 0);
	collect_copy_field(b, inv, 0);
	collect_copy_field(b, coll, 0);
	/* NumDette, Per and the keys: ORMC only (NULL for a titre, 043) */
	collect_copy_field(b, titre ? NULL : t->num, 0);
	collect_copy_field(b, titre ? NULL : "0", 0);
	collect_copy_field(b, titre ? NULL : cle[0], 0);
	collect_copy_field(b, titre ? NULL : cle[1], 0);
	collect_copy_field(b, t->label, 0);
	collect_copy_field(b, t->line.cod_prod_loc, 0);
	collect_copy_field(b, t->line.nature, 0);
	collect_copy_field(b, amt, 0);
	collect_copy_field(b, t->debtor.ref_tiers, 0);
	collect_copy_field(b, t->debtor.civilite, 0);
	collect_copy_field(b, t->debtor.nom, 0);
	collect_copy_field(b, t->prenom, 0);
	collect_copy_field(b, t->debtor.adr2, 0);
	collect_copy_field(b, t->debtor.cp, 0);
	collect_copy_field(b, t->debtor.ville, 0);
	collect_copy_field(b, "", 1);
	return 0;
}

/* The flow's bordereaux, their ids into bord[0..nbord-1]. */
static int
pes_record_bords(
    struct collect_run *run, const char *batch, int64_t *bord, sepa_error *err)
{
	int rc = 0;

	for (int k = 0; k < run->pesr->nbord && rc == 0; k++)
		rc = pes_insert_bord(run, batch, k, &bord[k], err);
	return rc;
}

/* The pieces of the flow being recorded (pes_copy_item). */
struct pes_pieces {
	struct collect_sink sink;
	const char *batch;
	int64_t *bord; /* the bordereaux' ids */
	long i; /* the pieces copied */
};

/* The COPY line of piece r of the flow (PES_ITEMS, then its collection). */
static int
pes_copy_item(struct collect_run *run, int r, void *arg, sepa_error *err)
{
	struct pes_pieces *pp = arg;
	PGresult *res = run->res;
	int d = run->ncand + CD_N, k = (int)(pp->i / PES_MAX_PIECES), rc;
	int debited = PQgetvalue(res, r, d)[0] == 't';
	const char *coll =
	    PQgetisnull(res, r, d + 1) ? NULL : PQgetvalue(res, r, d + 1);
	sepa_error why = SEPA_ERROR_INIT;
	struct collect_row cr;
	struct pes_texts t;
	char bid[24];

	if (debited) {
		collect_row_read(run, r, &cr);
		rc = pes_candidate_piece(run, &cr, &t, &why);
	} else {
		rc = pes_other_piece(run, res, r, &pes_item_cols, &t, &why);
	}
	if (rc != 0 || (debited && coll == NULL)) {
		*err = why;
		return sepa_error_set(err, SEPA_ESTATE,
		    "invoice %s: its piece cannot be recorded (%s)",
		    collect_value(run, r, CC_NUMBER), why.msg);
	}
	snprintf(bid, sizeof(bid), "%" PRId64, pp->bord[k]);
	rc = pes_copy_piece(run, pp->batch, bid, run->pesr->id_bord0 + k,
	    (long)(pp->i % PES_MAX_PIECES) + 1, &t,
	    collect_int(run, r, CC_INVOICE), collect_int(run, r, CC_TOTAL),
	    coll, 0, &pp->sink.b, err);
	pp->i++;
	return rc;
}

/* The bordereaux and their pieces, from the pieces of the flow. */
static int
pes_record_pieces(struct collect_run *run, const char *batch, sepa_error *err)
{
	struct pes_pieces pp = {
	    {N_("record the PES pieces"), pes_copy_sql, {NULL, 0, 0}}, batch,
	    NULL, 0};
	const char *params[2] = {run->cred, batch};
	int rc;

	pp.bord = xcalloc((size_t)run->pesr->nbord, sizeof(*pp.bord));
	if ((rc = pes_record_bords(run, batch, pp.bord, err)) == 0)
		rc = collect_scan(run, "read the pieces to record",
		    pes_items_cur_sql, 2, params, pes_copy_item, &pp, &pp.sink,
		    err);
	free(pp.bord);
	return rc;
}

/* The bordereaux and their pieces, from the titres (COPY). */
static int
pes_record_titres(struct collect_run *run, const char *batch, sepa_error *err)
{
	struct collect_pes *p = run->pesr;
	struct collect_buf b = {NULL, 0, 0};
	int64_t *bord = xcalloc((size_t)p->nbord, sizeof(*bord));
	int rc;

	if ((rc = pes_record_bords(run, batch, bord, err)) == 0)
		rc = db_copy_begin(
		    run->db, "record the PES pieces", pes_copy_sql, err);
	if (rc != 0) {
		free(bord);
		return rc;
	}
	for (int i = 0; i < p->nitems && rc == 0; i++) {
		const struct collect_titre *ti = &p->titres[i];
		sepa_error why = SEPA_ERROR_INIT;
		struct pes_texts t;
		char bid[24];
		int k = i / PES_MAX_PIECES;

		if ((rc = pes_titre_piece(run->cfg, ti, &t, &why)) != 0) {
			*err = why;
			rc = sepa_error_set(err, SEPA_ESTATE,
			    "invoice %s: its piece cannot be recorded (%s)",
			    ti->number, why.msg);
			break;
		}
		snprintf(bid, sizeof(bid), "%" PRId64, bord[k]);
		rc = pes_copy_piece(run, batch, bid, p->id_bord0 + k,
		    (long)(i % PES_MAX_PIECES) + 1, &t, ti->invoice, ti->amount,
		    NULL, 1, &b, err);
		if (rc == 0)
			rc = collect_copy_send(run->db, &b, 0, err);
	}
	free(bord);
	return collect_copy_end(run->db, &b, rc, "piece refused", err);
}

int
collect_pes_record(struct collect_run *run, sepa_error *err)
{
	struct collect_pes *p;
	char batch[24];
	PGresult *kept = NULL;
	int rc;

	run->pesr = p = xcalloc(1, sizeof(*p));
	if ((rc = pes_items(run, err)) != 0 || p->nitems == 0)
		return rc;
	if ((rc = pes_numbers(run, err)) != 0)
		return rc;
	run->nparts = 1;
	run->batch_ids = xcalloc(1, sizeof(*run->batch_ids));
	if ((rc = collect_insert_batch(run, (int)run->part0 + 1,
	         (long)p->nitems, p->total, p->msg_id, p->nom_fic, &p->batch_id,
	         err)) != 0)
		return rc;
	run->batch_ids[0] = p->batch_id;
	snprintf(batch, sizeof(batch), "%" PRId64, p->batch_id);
	run->sum->prepared = 1;
	run->sum->pes_pieces = p->nitems;
	run->sum->pes_amount = p->total;
	if ((rc = db_query(run->db, &kept, "count the collections",
	         pes_kept_sql, 0, NULL, err)) != 0)
		return rc;
	run->n = strtoll(PQgetvalue(kept, 0, 0), NULL, 10);
	run->sum->collections = run->n;
	run->sum->amount_cents = strtoll(PQgetvalue(kept, 0, 1), NULL, 10);
	PQclear(kept);
	if (run->n > 0 &&
	    ((rc = collect_copy_rows(run, err)) != 0 ||
	        (rc = collect_mark_run(run, err)) != 0))
		return rc;
	if ((rc = pes_insert_flow(run, batch, err)) != 0 ||
	    (rc = pes_record_pieces(run, batch, err)) != 0)
		return rc;
	return collect_log_prepared(run, err);
}

int
collect_pes_record_titres(struct collect_run *run,
    const struct collect_titre *t, int n, int64_t *batch_id, char *nom_fic,
    size_t size, sepa_error *err)
{
	struct collect_pes *p;
	char batch[24];
	int rc;

	run->pesr = p = xcalloc(1, sizeof(*p));
	p->kind = SEPA_PES_TITRE;
	p->titres = t;
	p->nitems = n;
	for (int i = 0; i < n; i++)
		p->total += t[i].amount;
	if ((rc = pes_numbers(run, err)) != 0)
		return rc;
	p->bord_n = xcalloc((size_t)p->nbord + 1, sizeof(*p->bord_n));
	p->bord_sum = xcalloc((size_t)p->nbord + 1, sizeof(*p->bord_sum));
	for (int i = 0; i < n; i++) {
		p->bord_n[i / PES_MAX_PIECES]++;
		p->bord_sum[i / PES_MAX_PIECES] += t[i].amount;
	}
	if ((rc = collect_insert_batch(run, (int)run->part0 + 1, n, p->total,
	         p->msg_id, p->nom_fic, &p->batch_id, err)) != 0)
		return rc;
	snprintf(batch, sizeof(batch), "%" PRId64, p->batch_id);
	*batch_id = p->batch_id;
	snprintf(nom_fic, size, "%s", p->nom_fic);
	if ((rc = pes_insert_flow(run, batch, err)) != 0)
		return rc;
	return pes_record_titres(run, batch, err);
}

void
collect_pes_free(struct collect_run *run)
{
	struct collect_pes *p = run->pesr;

	if (p == NULL)
		return;
	free(p->bord_n);
	free(p->bord_sum);
	free(p);
	run->pesr = NULL;
}

/* ------------------------------------------------------------ writing */

/* $1 creditor, $2 batch: the flow's header (PF_*). */
static const char pes_flow_sql[] =
    "SELECT nom_fic, dte_str, sigle, adresse, id_post, id_coll, cod_col,"
    " cod_bud, libelle_col_bud, typ_fic FROM pes_flows"
    " WHERE creditor_id = $1 AND batch_id = $2";
enum {
	PF_NOM_FIC,
	PF_DTE_STR,
	PF_SIGLE,
	PF_ADRESSE,
	PF_ID_POST,
	PF_ID_COLL,
	PF_COD_COL,
	PF_COD_BUD,
	PF_LIBELLE,
	PF_TYP_FIC
};

/* $1 creditor, $2 batch: its bordereaux in order (PB_*). */
static const char pes_bords_sql[] =
    "SELECT id, exer, id_bord, dte_bord_em, objet, nbr_pce,"
    " mt_bord_ht_cents FROM pes_bordereaux"
    " WHERE creditor_id = $1 AND batch_id = $2 ORDER BY position";
enum { PB_ID, PB_EXER, PB_ID_BORD, PB_DTE, PB_OBJET, PB_NBR, PB_MT };

/* $1 creditor, $2 batch: its pieces, with their debit (PP_*). */
static const char pes_rows_sql[] =
    "DECLARE pes_rows NO SCROLL CURSOR FOR"
    " SELECT p.bordereau_id, p.id_pce, p.objet, p.num_dette, p.per,"
    " p.cod_prod_loc, p.nature, p.amount_cents, p.ref_tiers, p.civilite,"
    " p.nom, p.prenom, p.adr2, p.cp, p.ville, p.cod_pays,"
    " c.id IS NOT NULL, coalesce(c.due_on::text, ''),"
    " coalesce(c.seq_type, ''), coalesce(c.rum, ''),"
    " coalesce(c.signed_on::text, ''), coalesce(c.remittance, ''),"
    " coalesce(c.iban, ''), coalesce(c.bic, ''),"
    " coalesce(c.amendment, 'none'), coalesce(c.orig_iban, ''),"
    " coalesce(c.orig_rum, ''), coalesce(c.orig_ics, '')"
    " FROM pes_pieces p LEFT JOIN collections c"
    " ON c.creditor_id = p.creditor_id AND c.id = p.collection_id"
    " WHERE p.creditor_id = $1 AND p.batch_id = $2"
    " ORDER BY p.bordereau_id, p.id_pce";
enum {
	PP_BORD,
	PP_ID_PCE,
	PP_OBJET,
	PP_NUM_DETTE,
	PP_PER,
	PP_COD,
	PP_NATURE,
	PP_AMOUNT,
	PP_REF,
	PP_CIV,
	PP_NOM,
	PP_PRENOM,
	PP_ADR2,
	PP_CP,
	PP_VILLE,
	PP_PAYS,
	PP_DEBITED,
	PP_DUE,
	PP_SEQ,
	PP_RUM,
	PP_SIGNED,
	PP_LABEL,
	PP_IBAN,
	PP_BIC,
	PP_AMEND,
	PP_ORIG_IBAN,
	PP_ORIG_RUM,
	PP_ORIG_ICS
};

static const char pes_fetch_sql[] = "FETCH 10000 FROM pes_rows";

/* The flow being written. */
struct pes_file {
	struct collect_file_writer fw; /* for collect_place */
	PGresult *flow;
	PGresult *bords;
	int bi; /* the open bordereau's row, -1 before the first */
	sepa_pes_writer *w;
};

static int
pes_before_place(const sepa_pes_info *info, void *arg, sepa_error *err)
{
	return collect_place(arg, info->sha256, err);
}

/* Open the writer on `path` with the flow's recorded header. */
static int
pes_open(struct pes_file *pf, const char *path, const char *schema_dir,
    sepa_error *err)
{
	sepa_pes_opts o = SEPA_PES_OPTS_INIT;
	sepa_pes_header h = {0};
	PGresult *f = pf->flow;
	int rc;

	o.schema_dir = schema_dir;
	o.validate = 1;
	o.kind = strcmp(PQgetvalue(f, 0, PF_TYP_FIC), "PESALR1") == 0
	    ? SEPA_PES_TITRE
	    : SEPA_PES_ORMC;
	o.before_place = pes_before_place;
	o.before_place_arg = &pf->fw;
	if (getenv("SEPAD_CRASH_AT") != NULL ||
	    getenv("SEPAD_STOP_AT") != NULL) {
		o.write_hook = collect_crash_write;
		o.write_hook_arg = &pf->fw.chunk_written;
	}
	h.nom_fic = PQgetvalue(f, 0, PF_NOM_FIC);
	h.sigle = PQgetvalue(f, 0, PF_SIGLE);
	h.adresse = PQgetvalue(f, 0, PF_ADRESSE);
	if ((rc = sepa_date_parse(
	         &h.dte_str, PQgetvalue(f, 0, PF_DTE_STR), err)) != 0)
		return rc;
	h.id_post = PQgetvalue(f, 0, PF_ID_POST);
	h.id_coll = PQgetvalue(f, 0, PF_ID_COLL);
	h.cod_col = PQgetvalue(f, 0, PF_COD_COL);
	h.cod_bud = PQgetvalue(f, 0, PF_COD_BUD);
	h.libelle_col_bud = PQgetvalue(f, 0, PF_LIBELLE);
	return sepa_pes_open(&pf->w, path, &o, &h, err);
}

/* End the open bordereau, if any, and begin the next one. */
static int
pes_next_bord(struct pes_file *pf, sepa_error *err)
{
	sepa_pes_bordereau bd = {0};
	PGresult *k = pf->bords;
	int bi, rc;

	if (pf->bi >= 0 && (rc = sepa_pes_end_bordereau(pf->w, err)) != 0)
		return rc;
	if ((bi = ++pf->bi) >= PQntuples(k))
		return sepa_error_set(
		    err, SEPA_ESTATE, "a piece outside the flow's bordereaux");
	bd.exer = atoi(PQgetvalue(k, bi, PB_EXER));
	bd.id_bord = atol(PQgetvalue(k, bi, PB_ID_BORD));
	if ((rc = sepa_date_parse(
	         &bd.dte_bord_em, PQgetvalue(k, bi, PB_DTE), err)) != 0)
		return rc;
	bd.objet = PQgetvalue(k, bi, PB_OBJET); /* "": none (titres) */
	bd.nbr_pce = atol(PQgetvalue(k, bi, PB_NBR));
	bd.mt_bord_ht = strtoll(PQgetvalue(k, bi, PB_MT), NULL, 10);
	return sepa_pes_begin_bordereau(pf->w, &bd, err);
}

/* The debit of piece row r of res into d. */
static int
pes_row_debit(PGresult *res, int r, sepa_pes_debit *d, sepa_error *err)
{
	static const char *const seqs[] = {"FRST", "RCUR", "OOFF", "FNAL"};
	const char *seq = PQgetvalue(res, r, PP_SEQ);
	const char *amend = PQgetvalue(res, r, PP_AMEND);
	int rc;

	memset(d, 0, sizeof(*d));
	for (int i = 0; i < 4; i++)
		if (strcmp(seq, seqs[i]) == 0)
			d->seq = (enum sepa_seq)i;
	if ((rc = sepa_date_parse(
	         &d->due_date, PQgetvalue(res, r, PP_DUE), err)) != 0 ||
	    (rc = sepa_date_parse(
	         &d->signature_date, PQgetvalue(res, r, PP_SIGNED), err)) != 0)
		return rc;
	d->rum = PQgetvalue(res, r, PP_RUM);
	d->label = PQgetvalue(res, r, PP_LABEL);
	d->old_rum = PQgetvalue(res, r, PP_ORIG_RUM);
	d->old_ics = PQgetvalue(res, r, PP_ORIG_ICS);
	d->account = collect_amendment_of(amend);
	if (d->account == SEPA_AMEND_SAME_BANK)
		d->old_iban = PQgetvalue(res, r, PP_ORIG_IBAN);
	return 0;
}

/* Write piece row r of res, in the next bordereau when it is. */
static int
pes_write_row(void *arg, PGresult *res, int r, sepa_error *err)
{
	struct pes_file *pf = arg;
	sepa_pes_piece p = {0};
	sepa_pes_line l = {0};
	sepa_pes_debtor d = {0};
	sepa_pes_debit debit;
	int rc;

	if ((pf->bi < 0 ||
	        strcmp(PQgetvalue(res, r, PP_BORD),
	            PQgetvalue(pf->bords, pf->bi, PB_ID)) != 0) &&
	    (rc = pes_next_bord(pf, err)) != 0)
		return rc;
	l.cod_prod_loc = PQgetvalue(res, r, PP_COD);
	l.nature = PQgetvalue(res, r, PP_NATURE);
	l.amount = strtoll(PQgetvalue(res, r, PP_AMOUNT), NULL, 10);
	d.ref_tiers = PQgetvalue(res, r, PP_REF);
	d.civilite = PQgetvalue(res, r, PP_CIV);
	d.nom = PQgetvalue(res, r, PP_NOM);
	d.prenom = PQgetvalue(res, r, PP_PRENOM);
	d.adr2 = PQgetvalue(res, r, PP_ADR2);
	d.cp = PQgetvalue(res, r, PP_CP);
	d.ville = PQgetvalue(res, r, PP_VILLE);
	d.cod_pays = PQgetvalue(res, r, PP_PAYS);
	p.id_pce = atol(PQgetvalue(res, r, PP_ID_PCE));
	p.objet = PQgetvalue(res, r, PP_OBJET);
	p.num_dette = strtoull(PQgetvalue(res, r, PP_NUM_DETTE), NULL, 10);
	p.per = atoi(PQgetvalue(res, r, PP_PER));
	p.lines = &l;
	p.nb_lines = 1;
	p.debtor = &d;
	if (PQgetvalue(res, r, PP_DEBITED)[0] == 't') {
		d.iban = PQgetvalue(res, r, PP_IBAN);
		d.bic = PQgetvalue(res, r, PP_BIC);
		if ((rc = pes_row_debit(res, r, &debit, err)) != 0)
			return rc;
		p.debit = &debit;
	}
	return sepa_pes_add(pf->w, &p, err);
}

/* Read the flow's header and bordereaux, open the cursor on its pieces. */
static int
pes_open_rows(struct pes_file *pf, int *in_tx, sepa_error *err)
{
	char cred[24];
	const char *params[2] = {cred, PQgetvalue(pf->fw.b, pf->fw.br, CB_ID)};
	struct db *db = pf->fw.db;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, pf->fw.creditor_id);
	if ((rc = db_query(db, &pf->flow, "read the PES flow", pes_flow_sql, 2,
	         params, err)) != 0 ||
	    (rc = db_query(db, &pf->bords, "read the PES bordereaux",
	         pes_bords_sql, 2, params, err)) != 0)
		return rc;
	if (PQntuples(pf->flow) != 1)
		return sepa_error_set(err, SEPA_ESTATE,
		    "batch %s has no PES flow recorded", params[1]);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	*in_tx = 1;
	return db_exec(
	    db, "open the flow's pieces", pes_rows_sql, 2, params, err);
}

int
collect_pes_write_file(struct db *db, int64_t creditor_id, PGresult *b, int br,
    const char *path, const char *before, const char *schema_dir,
    collect_progress_fn progress, void *parg, char sha256[65], sepa_error *err)
{
	struct pes_file pf = {0};
	sepa_pes_info info;
	int rc, in_tx = 0;

	pf.fw.db = db;
	pf.fw.creditor_id = creditor_id;
	pf.fw.in_tx = &in_tx;
	pf.fw.before = before;
	pf.fw.b = b;
	pf.fw.br = br;
	pf.bi = -1;
	if ((rc = pes_open_rows(&pf, &in_tx, err)) != 0 ||
	    (rc = pes_open(&pf, path, schema_dir, err)) != 0)
		goto cleanup;
	if ((rc = collect_each_row(db, "read the flow's pieces", pes_fetch_sql,
	         PQgetvalue(b, br, CB_FILE),
	         strtoll(PQgetvalue(b, br, CB_NTX), NULL, 10), progress, parg,
	         pes_write_row, &pf, err)) != 0)
		goto cleanup;
	if (pf.bi >= 0 && (rc = sepa_pes_end_bordereau(pf.w, err)) != 0)
		goto cleanup;
	/* before_place ends the cursor's transaction, then records placing */
	rc = sepa_pes_close(pf.w, &info, err);
	pf.w = NULL;
	if (rc == 0)
		memcpy(sha256, info.sha256, 65);
cleanup:
	if (in_tx)
		db_rollback(db);
	sepa_pes_abort(pf.w);
	if (pf.flow != NULL)
		PQclear(pf.flow);
	if (pf.bords != NULL)
		PQclear(pf.bords);
	return rc;
}
