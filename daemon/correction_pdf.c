/*
 * correction_pdf.c - the corrected notice (avis rectificatif) as PDF: the
 * avis d'échéance of the invoice (notice_pdf.c's page: the letterhead,
 * the family, the lines, the totals, the debit or the other ways to pay,
 * the legal mentions) titled "AVIS RECTIFICATIF", dated the day it was
 * written, with a box under the references that names the notice it
 * replaces and says what changed (before, now) and why. What it states
 * (the amount, date, account and mandate) is what was stored when it was
 * written (migration 034), whatever changed since.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/iban.h"
#include "afile.h"
#include "correction_pdf.h"
#include "doc.h"
#include "log.h"
#include "notice_pdf.h"
#include "store_invoice.h"
#include "store_notice.h"

/* The corrected notice's texts, in one place. */
#define CP_TITLE DOC_FR("AVIS RECTIFICATIF")
#define CP_DOC_TITLE DOC_FR("Avis rectificatif %s-R%d")
#define CP_MONTH_TITLE DOC_FR("Avis rectificatifs, consommations de %s")
#define CP_BOX DOC_FR("Avis rectificatif : ce qui change")
#define CP_REPLACES \
	DOC_FR("Cet avis remplace l'avis d'échéance de la facture n° %s " \
	       "du %s.")
#define CP_REPLACES_AGAIN \
	DOC_FR( \
	    "Cet avis remplace l'avis d'échéance de la facture n° %s du %s " \
	    "et l'avis rectificatif du %s.")
#define CP_COL_BEFORE DOC_FR("Annoncé le %s")
#define CP_COL_NOW DOC_FR("Désormais")
#define CP_ACCOUNT DOC_FR("Compte prélevé")
#define CP_DATE DOC_FR("Date du prélèvement")
#define CP_AMOUNT DOC_FR("Montant prélevé")
#define CP_NO_ACCOUNT DOC_FR("aucun")
#define CP_WHY_ACCOUNT \
	DOC_FR( \
	    "Vous nous avez remis de nouvelles coordonnées bancaires : " \
	    "conformément à l'article 3 du contrat, ce prélèvement est fait " \
	    "sur votre nouveau compte.")
#define CP_WHY_DATE \
	DOC_FR("Ce prélèvement ne peut pas être présenté à votre banque à la " \
	       "date annoncée : il est reporté au %s. C'est le cas lorsqu'un " \
	       "premier prélèvement sur votre mandat ou sur votre nouveau " \
	       "compte est déjà présenté ce mois-ci, les règles du " \
	       "prélèvement SEPA n'en admettant qu'un à la fois.")
#define CP_WHY_PAID \
	DOC_FR("Un paiement reçu depuis l'avis précédent a été déduit : seul " \
	       "le reste, %s, est prélevé.")
#define CP_WHY_AMOUNT \
	DOC_FR("Le montant restant dû a changé depuis l'avis précédent : %s " \
	       "est prélevé.")
#define CP_NOTHING_TO_DO \
	DOC_FR("Le reste de la facture ne change pas : vous n'avez rien à " \
	       "faire.")
/* What changed, for the e-mail (correction_what). */
#define CP_WHAT_ACCOUNT DOC_FR("le compte prélevé")
#define CP_WHAT_DATE DOC_FR("la date du prélèvement")
#define CP_WHAT_AMOUNT DOC_FR("le montant prélevé")

/* ---------------------------------------------- the stored corrections */

struct cp_list {
	struct correction *v;
	size_t count, cap, next;
	/* the previous row read: what the next version replaces */
	int64_t prev_invoice;
	int prev_version;
	int64_t prev_amount;
	sepa_date prev_due, prev_written;
	char prev_iban[48];
};

static void
cp_list_free(struct cp_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		struct correction *c = &l->v[i];

		free(c->number);
		free(c->content);
		free(c->iban);
		free(c->rum);
		free(c->email);
		free(c->old_iban);
	}
	free(l->v);
}

/* Keep each corrected notice with what the row before it stated (rows
 * come by invoice number, then version). */
static int
cp_list_one(const struct notice_row *r, void *arg, sepa_error *err)
{
	struct cp_list *l = arg;
	struct correction *c;

	if (r->version > 0 && r->invoice_id == l->prev_invoice &&
	    r->version == l->prev_version + 1) {
		if (l->count == l->cap) {
			l->cap = l->cap == 0 ? 16 : l->cap * 2;
			l->v = xreallocarray(l->v, l->cap, sizeof(*c));
		}
		c = &l->v[l->count++];
		*c = (struct correction){.invoice_id = r->invoice_id,
		    .version = r->version,
		    .number = xstrdup(r->number),
		    .content = xstrdup(r->content),
		    .iban = xstrdup(r->iban),
		    .rum = xstrdup(r->rum),
		    .email = xstrdup(r->email),
		    .amount_cents = r->amount_cents,
		    .due_on = r->due_on,
		    .written_on = r->written_on,
		    .first_written = r->first_written,
		    .old_amount = l->prev_amount,
		    .old_due = l->prev_due,
		    .old_written = l->prev_written,
		    .old_iban = xstrdup(l->prev_iban)};
	} else if (r->version > 0) {
		return sepa_error_set(err, SEPA_ESTATE,
		    "corrected notice %s of invoice %s follows no notice",
		    r->file_name, r->number);
	}
	l->prev_invoice = r->invoice_id;
	l->prev_version = r->version;
	l->prev_amount = r->amount_cents;
	l->prev_due = r->due_on;
	l->prev_written = r->written_on;
	snprintf(l->prev_iban, sizeof(l->prev_iban), "%s", r->iban);
	return 0;
}

struct cp_walk {
	struct cp_list list;
	int (*fn)(const struct correction *c, const struct invoice_doc *doc,
	    void *arg, sepa_error *err);
	void *arg;
};

/* The corrected notices of one invoice, each with the invoice as it
 * states it. */
static int
cp_walk_one(const struct invoice_doc *doc, void *arg, sepa_error *err)
{
	struct cp_walk *w = arg;
	struct cp_list *l = &w->list;
	int rc = 0;

	/* both in invoice number order: a cursor that only moves on */
	while (
	    l->next < l->count && strcmp(l->v[l->next].number, doc->number) < 0)
		l->next++;
	for (; rc == 0 && l->next < l->count &&
	     l->v[l->next].invoice_id == doc->id;
	     l->next++) {
		const struct correction *c = &l->v[l->next];
		struct invoice_doc as_stated = *doc;

		as_stated.paid_cents = doc->total_cents - c->amount_cents;
		as_stated.due_on = c->due_on;
		as_stated.iban = c->iban;
		as_stated.rum = c->rum;
		as_stated.has_mandate = c->iban[0] != '\0';
		rc = w->fn(c, &as_stated, w->arg, err);
	}
	return rc;
}

int
correction_each(struct db *db, int64_t creditor_id, sepa_month month,
    int (*fn)(const struct correction *c, const struct invoice_doc *doc,
        void *arg, sepa_error *err),
    void *arg, sepa_error *err)
{
	struct cp_walk w = {.fn = fn, .arg = arg};
	int rc;

	w.list.prev_invoice = -1;
	rc = store_notice_each_corrected(
	    db, creditor_id, month, cp_list_one, &w.list, err);
	if (rc == 0 && w.list.count > 0)
		rc = store_invoice_each_corrected(
		    db, creditor_id, month, cp_walk_one, &w, err);
	cp_list_free(&w.list);
	return rc;
}

/* -------------------------------------------------------------- drawing */

char *
correction_pdf_name(char *buf, size_t size, const struct correction *c)
{
	snprintf(buf, size, "%s-R%d.pdf", c->number, c->version);
	return buf;
}

char *
correction_pdf_title(char *buf, size_t size, const struct correction *c)
{
	snprintf(buf, size, CP_DOC_TITLE, c->number, c->version);
	return buf;
}

char *
correction_what(char *buf, size_t size, const struct correction *c)
{
	const char *what[3];
	size_t n = 0;

	if (strcmp(c->old_iban, c->iban) != 0)
		what[n++] = CP_WHAT_ACCOUNT;
	if (sepa_date_cmp(c->old_due, c->due_on) != 0)
		what[n++] = CP_WHAT_DATE;
	if (c->old_amount != c->amount_cents)
		what[n++] = CP_WHAT_AMOUNT;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
		    i == 0           ? ""
		        : i + 1 == n ? DOC_FR(" et ")
		                     : ", ",
		    what[i]);
	return buf;
}

/* The columns of the box's table: what, as announced, now. */
#define CP_X (DOC_MARGIN + 8)
#define CP_X_BEFORE (DOC_MARGIN + 160)
#define CP_X_NOW (DOC_MARGIN + 320)
#define CP_COL_W 150.0
#define CP_ROW_H 13.0

/* One line of the table: what, before, now. */
static double
cp_row(struct doc *d, cairo_t *cr, double y, enum doc_style st,
    const char *what, const char *before, const char *now)
{
	doc_cell(d, cr, CP_X, y, CP_COL_W, st, DOC_LEFT, what);
	doc_cell(d, cr, CP_X_BEFORE, y, CP_COL_W, st, DOC_LEFT, before);
	doc_cell(d, cr, CP_X_NOW, y, CP_COL_W, st, DOC_LEFT, now);
	return CP_ROW_H;
}

/* A paragraph of the box; returns its height and a gap. */
static double
cp_para(struct doc *d, cairo_t *cr, double y, enum doc_style st, const char *s)
{
	return doc_text(d, cr, CP_X, y, DOC_TEXT_W - 16, st, DOC_LEFT, s) + 3;
}

/* What changed, before and now. */
static double
cp_changes(struct doc *d, cairo_t *cr, double y, const struct correction *c)
{
	char when[SEPA_DATE_BUFSZ], head[64], b[64], n[64];
	double y0 = y;

	snprintf(head, sizeof(head), CP_COL_BEFORE,
	    sepa_date_fr(when, c->old_written));
	y += cp_row(d, cr, y, DOC_SMALL_BOLD, "", head, CP_COL_NOW);
	if (strcmp(c->old_iban, c->iban) != 0) {
		if (c->old_iban[0] != '\0')
			sepa_iban_mask(b, c->old_iban);
		if (c->iban[0] != '\0')
			sepa_iban_mask(n, c->iban);
		y += cp_row(d, cr, y, DOC_NORMAL, CP_ACCOUNT,
		    c->old_iban[0] != '\0' ? b : CP_NO_ACCOUNT,
		    c->iban[0] != '\0' ? n : CP_NO_ACCOUNT);
	}
	if (sepa_date_cmp(c->old_due, c->due_on) != 0)
		y += cp_row(d, cr, y, DOC_NORMAL, CP_DATE,
		    sepa_date_fr(b, c->old_due), sepa_date_fr(n, c->due_on));
	if (c->old_amount != c->amount_cents)
		y += cp_row(d, cr, y, DOC_NORMAL, CP_AMOUNT,
		    doc_money(b, c->old_amount), doc_money(n, c->amount_cents));
	return y - y0;
}

/* Why it changed, one sentence per change. */
static double
cp_why(struct doc *d, cairo_t *cr, double y, const struct correction *c)
{
	char text[512], v[DOC_MONEY_BUFSZ];
	double y0 = y;

	if (strcmp(c->old_iban, c->iban) != 0 && c->iban[0] != '\0')
		y += cp_para(d, cr, y, DOC_NORMAL, CP_WHY_ACCOUNT);
	if (sepa_date_cmp(c->old_due, c->due_on) != 0) {
		snprintf(text, sizeof(text), CP_WHY_DATE,
		    sepa_date_fr(v, c->due_on));
		y += cp_para(d, cr, y, DOC_NORMAL, text);
	}
	if (c->old_amount != c->amount_cents) {
		snprintf(text, sizeof(text),
		    c->amount_cents < c->old_amount ? CP_WHY_PAID
		                                    : CP_WHY_AMOUNT,
		    doc_money(v, c->amount_cents));
		y += cp_para(d, cr, y, DOC_NORMAL, text);
	}
	if (c->iban[0] != '\0')
		y += cp_para(d, cr, y, DOC_NORMAL, CP_NOTHING_TO_DO);
	return y - y0;
}

/* The box's content at y; returns its height. */
static double
cp_box_run(struct doc *d, cairo_t *cr, double y, const struct correction *c)
{
	char text[512], d1[SEPA_DATE_BUFSZ], d2[SEPA_DATE_BUFSZ];
	double y0 = y;

	y += 6;
	y += cp_para(d, cr, y, DOC_BOLD, CP_BOX);
	if (c->version == 1)
		snprintf(text, sizeof(text), CP_REPLACES, c->number,
		    sepa_date_fr(d1, c->first_written));
	else
		snprintf(text, sizeof(text), CP_REPLACES_AGAIN, c->number,
		    sepa_date_fr(d1, c->first_written),
		    sepa_date_fr(d2, c->old_written));
	y += cp_para(d, cr, y, DOC_NORMAL, text) + 3;
	y += cp_changes(d, cr, y, c) + 6;
	y += cp_why(d, cr, y, c) + 3;
	return y - y0;
}

/* notice_pdf's block: the box, shaded. */
static double
cp_box(struct doc *d, cairo_t *cr, double y, const void *arg)
{
	double h = cp_box_run(d, NULL, y, arg);

	doc_shade(cr, DOC_MARGIN, y, DOC_TEXT_W, h);
	if (cr != NULL)
		cp_box_run(d, cr, y, arg);
	return h;
}

int
correction_pdf_draw(struct doc *d, cairo_t *cr, const struct correction *c,
    const struct invoice_doc *doc)
{
	const struct notice_pdf_look look = {
	    CP_TITLE, c->written_on, cp_box, c};

	return notice_pdf_draw_as(d, cr, doc, &look);
}

/* ------------------------------------------------------ the month's set */

void
correction_pdf_paths(
    const char *outbox, sepa_month month, char **dir, char **all)
{
	char m[SEPA_MONTH_BUFSZ];

	sepa_month_iso(m, month);
	if (dir != NULL)
		xasprintf(dir, "%s/notices/pdf/corrections-%s", outbox, m);
	if (all != NULL)
		xasprintf(all, "%s/notices/pdf/corrections-%s.pdf", outbox, m);
}

struct cp_month {
	const struct doc_sender *sender;
	const char *dir, *allpath, *title; /* the set, the month's file */
	sepa_date first;
	struct doc *d; /* NULL until the first corrected notice */
	struct afile all;
	struct doc_pdf pdf; /* the month's file, on all.fp */
	struct doc_set set; /* one file each */
	int64_t count;
};

/* The fonts, the set and the month's file, at the first one. */
static int
cp_open(struct cp_month *m, sepa_error *err)
{
	int rc;

	if ((rc = doc_new(&m->d, m->sender, err)) != 0 ||
	    (rc = doc_set_begin(&m->set, m->dir, err)) != 0 ||
	    (rc = afile_open(&m->all, m->allpath, AFILE_MODE, err)) != 0)
		return rc;
	return doc_pdf_open(&m->pdf, m->all.fp, m->title, m->first, err);
}

/* One corrected notice into the month's file and into a file of its own. */
static int
cp_one(const struct correction *c, const struct invoice_doc *doc, void *arg,
    sepa_error *err)
{
	struct cp_month *m = arg;
	struct doc_pdf one;
	char name[80], title[96];
	FILE *fp;
	int rc;

	/* Invoice numbers are ours ("F2026-09-000123"), never a path. */
	if (!afile_name_safe(c->number, 0))
		return sepa_error_set(err, SEPA_EINVAL,
		    "invoice number \"%s\" cannot be a file name", c->number);
	if (m->d == NULL && (rc = cp_open(m, err)) != 0)
		return rc;
	correction_pdf_draw(m->d, m->pdf.cr, c, doc);
	correction_pdf_name(name, sizeof(name), c);
	if ((fp = doc_set_file(&m->set, name, err)) == NULL)
		return SEPA_EIO;
	if ((rc = doc_pdf_open(&one, fp,
	         correction_pdf_title(title, sizeof(title), c), c->written_on,
	         err)) == 0) {
		correction_pdf_draw(m->d, one.cr, c, doc);
		rc = doc_pdf_close(&one, err);
	}
	if (fclose(fp) != 0 && rc == 0)
		rc = sepa_error_set(err, SEPA_EIO, "could not write %s", name);
	m->count++;
	return rc;
}

int
correction_pdf_write_month(struct db *db, int64_t creditor_id,
    const struct doc_sender *sender, sepa_month month, const char *outbox,
    int64_t *count, sepa_error *err)
{
	struct cp_month m;
	char *dir, *allpath, mo[32], title[96];
	sepa_error ignored = SEPA_ERROR_INIT;
	int rc;

	*count = 0;
	correction_pdf_paths(outbox, month, &dir, &allpath);
	snprintf(title, sizeof(title), CP_MONTH_TITLE,
	    doc_month_fr(mo, sizeof(mo), month));
	memset(&m, 0, sizeof(m));
	m.sender = sender;
	m.dir = dir;
	m.allpath = allpath;
	m.title = title;
	m.first = (sepa_date){month.year, month.month, 1};
	/* a month without corrected notices gets no file */
	if ((rc = correction_each(db, creditor_id, month, cp_one, &m, err)) !=
	        0 ||
	    m.count == 0)
		goto cleanup;
	if ((rc = doc_pdf_close(&m.pdf, err)) != 0 ||
	    (rc = doc_set_commit(&m.set, err)) != 0 ||
	    (rc = afile_commit(&m.all, err)) != 0)
		goto cleanup;
	*count = m.count;
cleanup:
	doc_pdf_close(&m.pdf, &ignored);
	if (m.all.fp != NULL)
		afile_abort(&m.all);
	doc_set_end(&m.set);
	doc_free(m.d);
	free(allpath);
	free(dir);
	return rc;
}
