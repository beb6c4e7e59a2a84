/*
 * notice_pdf.c - the avis d'échéance as PDF: the commune's letterhead,
 * the family's address, one line per child and service with the
 * service's name, quantity and unit price, the regularisations and
 * reminders, the total, how it is paid (the debit date, the masked
 * account, the RUM and the ICS, or the other ways to pay) and the legal
 * mentions. The month's notices are drawn a chunk at a time; each
 * family's file is its pages copied out of its chunk, and the month's
 * file for printing the chunks' pages copied one after the other
 * (pdfsplit.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/iban.h"
#include "afile.h"
#include "doc.h"
#include "log.h"
#include "notice_pdf.h"
#include "pdfsplit.h"
#include "store_invoice.h"

/* The notice's texts, in one place (for gettext later). */
#define NP_TITLE DOC_FR("AVIS D'ÉCHÉANCE")
#define NP_DOC_TITLE DOC_FR("Avis d'échéance %s")
#define NP_NUMBER DOC_FR("Facture n°")
#define NP_ISSUED DOC_FR("Date")
#define NP_FAMILY DOC_FR("Famille")
#define NP_PERIOD DOC_FR("Période")
#define NP_PERIOD_V DOC_FR("consommations de %s")
#define NP_COL_CHILD DOC_FR("Enfant")
#define NP_COL_SERVICE DOC_FR("Prestation")
#define NP_COL_QTY DOC_FR("Quantité")
#define NP_COL_PRICE DOC_FR("Prix unitaire")
#define NP_COL_AMOUNT DOC_FR("Montant")
#define NP_NONE DOC_FR("Aucune consommation ce mois-ci.")
#define NP_REGUL \
	DOC_FR("Régularisations : consommations des mois précédents reçues " \
	       "après leur facturation")
#define NP_REGUL_LINE DOC_FR("%s (%s)")
#define NP_REMIND DOC_FR("Rappels : factures précédentes restées impayées")
#define NP_REMIND_LINE DOC_FR("Facture %s (%s) restée impayée")
#define NP_HOURS DOC_FR("%s h")
#define NP_DAYS DOC_FR("%s j")
#define NP_TOTAL DOC_FR("Total de la facture")
#define NP_PAID DOC_FR("Déjà réglé")
#define NP_DUE DOC_FR("Reste à payer")
#define NP_CREDIT DOC_FR("Montant en votre faveur")
#define NP_DEBIT_TITLE DOC_FR("Prélèvement automatique")
#define NP_DEBIT \
	DOC_FR("Le montant de %s sera prélevé le %s sur le compte %s.\n" \
	       "Référence unique de mandat (RUM) : %s\n" \
	       "Identifiant créancier SEPA (ICS) : %s")
#define NP_PAY_TITLE DOC_FR("Comment régler cette facture")
#define NP_PAY \
	DOC_FR( \
	    "Vous n'avez pas de mandat de prélèvement SEPA actif : merci de " \
	    "régler %s avant le %s, en rappelant le numéro de facture %s :\n" \
	    "•  à la Trésorerie, en espèces ou par carte bancaire ;\n" \
	    "•  par chèque à l'ordre du Trésor public, adressé à %s, %s ;\n" \
	    "•  en ligne par carte bancaire ou prélèvement unique sur " \
	    "www.payfip.gouv.fr.\n" \
	    "Pour être prélevé automatiquement, demandez un mandat SEPA à " \
	    "la mairie.")
#define NP_NOTHING_TITLE DOC_FR("Rien à payer")
#define NP_NOTHING DOC_FR("Aucun paiement n'est demandé pour cette facture.")
#define NP_NOTHING_CREDIT \
	DOC_FR("Aucun paiement n'est demandé pour cette facture : le montant " \
	       "en votre faveur sera déduit de vos prochaines factures.")
#define NP_NEXT_PAGE DOC_FR("Suite page suivante")

/* The table's columns: x and width. */
enum { NP_CHILD, NP_SERVICE, NP_QTY, NP_PRICE, NP_AMOUNT, NP_NCOLS };
static const struct {
	double x, w;
} np_col[NP_NCOLS] = {
    [NP_CHILD] = {DOC_MARGIN + 4, 150},
    [NP_SERVICE] = {DOC_MARGIN + 158, 156},
    [NP_QTY] = {DOC_MARGIN + 316, 42},
    [NP_PRICE] = {DOC_MARGIN + 362, 62},
    [NP_AMOUNT] = {DOC_MARGIN + 428, 67},
};
#define NP_ROW_H 13.0

/* One notice being laid out: the page, where the next row goes. */
struct np {
	struct doc *d;
	cairo_t *cr; /* NULL: counting the pages */
	const struct invoice_doc *doc;
	int page, pages;
	double y;
	const struct notice_pdf_look *look; /* NULL: the avis d'échéance */
};

/* 12000 -> "12", 2500 -> "2,5", -50 -> "-0,05". */
static char *
np_qty(char *buf, size_t size, int64_t milli)
{
	int64_t a = milli < 0 ? -milli : milli;
	char frac[8];
	int n = 3;

	snprintf(frac, sizeof(frac), "%03d", (int)(a % 1000));
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	snprintf(buf, size, "%s%lld%s%s", milli < 0 ? "-" : "",
	    (long long)(a / 1000), n > 0 ? "," : "", frac);
	return buf;
}

static void
np_header_row(struct np *p)
{
	static const char *const h[NP_NCOLS] = {NP_COL_CHILD, NP_COL_SERVICE,
	    NP_COL_QTY, NP_COL_PRICE, NP_COL_AMOUNT};

	doc_shade(p->cr, DOC_MARGIN, p->y, DOC_TEXT_W, NP_ROW_H + 2);
	for (int c = 0; c < NP_NCOLS; c++)
		doc_cell(p->d, p->cr, np_col[c].x, p->y + 2, np_col[c].w,
		    DOC_SMALL_BOLD, c >= NP_QTY ? DOC_RIGHT : DOC_LEFT, h[c]);
	p->y += NP_ROW_H + 4;
}

/* Room for h more points on this page, or a new page. */
static void
np_need(struct np *p, double h, int table)
{
	if (p->y + h <= DOC_PAGE_H - DOC_MARGIN - 14)
		return;
	if (p->cr != NULL) {
		doc_text(p->d, p->cr, DOC_MARGIN, DOC_PAGE_H - DOC_MARGIN - 10,
		    DOC_TEXT_W, DOC_SMALL, DOC_LEFT, NP_NEXT_PAGE);
		doc_page_number(p->d, p->cr, p->page, p->pages);
		cairo_show_page(p->cr);
	}
	p->page++;
	p->y = doc_continued(p->d, p->cr, p->doc->number);
	if (table)
		np_header_row(p);
}

static void
np_row(struct np *p, const char *child, const char *service, const char *qty,
    const char *price, const char *amount)
{
	const char *v[NP_NCOLS] = {child, service, qty, price, amount};

	np_need(p, NP_ROW_H, 1);
	for (int c = 0; c < NP_NCOLS; c++)
		doc_cell(p->d, p->cr, np_col[c].x, p->y, np_col[c].w,
		    DOC_NORMAL, c >= NP_QTY ? DOC_RIGHT : DOC_LEFT, v[c]);
	p->y += NP_ROW_H;
}

/* A text over the first four columns, then an amount (a reminder). */
static void
np_wide_row(struct np *p, const char *text, const char *amount)
{
	np_need(p, NP_ROW_H, 1);
	doc_cell(p->d, p->cr, np_col[NP_CHILD].x, p->y,
	    np_col[NP_PRICE].x + np_col[NP_PRICE].w - np_col[NP_CHILD].x,
	    DOC_NORMAL, DOC_LEFT, text);
	doc_cell(p->d, p->cr, np_col[NP_AMOUNT].x, p->y, np_col[NP_AMOUNT].w,
	    DOC_NORMAL, DOC_RIGHT, amount);
	p->y += NP_ROW_H;
}

static void
np_section(struct np *p, const char *title)
{
	np_need(p, 2 * NP_ROW_H + 4, 1);
	p->y += 4;
	doc_cell(p->d, p->cr, np_col[NP_CHILD].x, p->y, DOC_TEXT_W - 8,
	    DOC_SMALL_BOLD, DOC_LEFT, title);
	p->y += NP_ROW_H - 2;
}

/* The lines of one kind; the child's name on its first line only. */
static void
np_lines(struct np *p, enum invoice_line_kind k)
{
	const struct invoice_doc *doc = p->doc;
	char q[32], pr[DOC_MONEY_BUFSZ], am[DOC_MONEY_BUFSZ], svc[192], mo[32],
	    text[192];
	const char *prev = NULL;
	int page;

	for (size_t i = 0; i < doc->nlines; i++) {
		const struct invoice_doc_line *l = &doc->lines[i];

		if (l->kind != k)
			continue;
		/* A new page names the child again. */
		page = p->page;
		np_need(p, NP_ROW_H, 1);
		if (p->page != page)
			prev = NULL;
		if (k == INVOICE_LINE_REMINDER) {
			doc_month_fr(mo, sizeof(mo), l->reminded_month);
			snprintf(text, sizeof(text), NP_REMIND_LINE,
			    l->reminded_number, mo);
			np_wide_row(p, text, doc_money(am, l->amount_cents));
			continue;
		}
		np_qty(q, sizeof(q), l->quantity_milli);
		if (strcmp(l->unit, "hour") == 0 ||
		    strcmp(l->unit, "day") == 0) {
			snprintf(text, sizeof(text),
			    l->unit[0] == 'h' ? NP_HOURS : NP_DAYS, q);
			snprintf(q, sizeof(q), "%s", text);
		}
		if (k == INVOICE_LINE_REGULARISATION) {
			doc_month_fr(mo, sizeof(mo), l->consumed_month);
			snprintf(svc, sizeof(svc), NP_REGUL_LINE, l->label, mo);
		} else {
			snprintf(svc, sizeof(svc), "%s", l->label);
		}
		np_row(p,
		    prev != NULL && strcmp(prev, l->child) == 0 ? "" : l->child,
		    svc, q, doc_money(pr, l->unit_price_cents),
		    doc_money(am, l->amount_cents));
		prev = l->child;
	}
}

static int
np_has(const struct invoice_doc *doc, enum invoice_line_kind k)
{
	for (size_t i = 0; i < doc->nlines; i++)
		if (doc->lines[i].kind == k)
			return 1;
	return 0;
}

/* The title and the invoice's references, under the letterhead. */
static void
np_title(struct np *p)
{
	const struct invoice_doc *doc = p->doc;
	char date[SEPA_DATE_BUFSZ], mo[32], period[64];
	const struct notice_pdf_look *look = p->look;
	const char *k[] = {NP_NUMBER, NP_ISSUED, NP_FAMILY, NP_PERIOD};
	const char *v[] = {doc->number,
	    sepa_date_fr(date, look != NULL ? look->date : doc->issued_on),
	    doc->family_ref, period};

	doc_month_fr(mo, sizeof(mo), doc->month);
	snprintf(period, sizeof(period), NP_PERIOD_V, mo);
	p->y += doc_text(p->d, p->cr, DOC_MARGIN, p->y, 0, DOC_TITLE, DOC_LEFT,
	    look != NULL ? look->title : NP_TITLE);
	p->y += 4;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		doc_text(p->d, p->cr, DOC_MARGIN, p->y, 0, DOC_NORMAL, DOC_LEFT,
		    k[i]);
		p->y += doc_text(p->d, p->cr, DOC_MARGIN + 80, p->y, 0,
		    DOC_BOLD, DOC_LEFT, v[i]);
	}
	p->y += 12;
	if (look != NULL && look->block != NULL)
		p->y += look->block(p->d, p->cr, p->y, look->arg) + 12;
}

/* The totals, right-aligned under the amounts. */
static void
np_totals(struct np *p, int64_t due)
{
	char am[DOC_MONEY_BUFSZ];
	double lx = np_col[NP_PRICE].x - 150, lw = np_col[NP_PRICE].w + 150;

	doc_rule(p->cr, DOC_MARGIN, DOC_PAGE_W - DOC_MARGIN, p->y + 2, 0.6);
	p->y += 6;
	doc_text(p->d, p->cr, lx, p->y, lw, DOC_BOLD, DOC_RIGHT, NP_TOTAL);
	doc_text(p->d, p->cr, np_col[NP_AMOUNT].x, p->y, np_col[NP_AMOUNT].w,
	    DOC_BOLD, DOC_RIGHT, doc_money(am, p->doc->total_cents));
	p->y += NP_ROW_H + 1;
	if (p->doc->paid_cents > 0) {
		doc_text(
		    p->d, p->cr, lx, p->y, lw, DOC_NORMAL, DOC_RIGHT, NP_PAID);
		doc_text(p->d, p->cr, np_col[NP_AMOUNT].x, p->y,
		    np_col[NP_AMOUNT].w, DOC_NORMAL, DOC_RIGHT,
		    doc_money(am, p->doc->paid_cents));
		p->y += NP_ROW_H + 1;
	}
	if (p->doc->paid_cents > 0 || due < 0) {
		doc_text(p->d, p->cr, lx, p->y, lw, DOC_BOLD, DOC_RIGHT,
		    due < 0 ? NP_CREDIT : NP_DUE);
		doc_text(p->d, p->cr, np_col[NP_AMOUNT].x, p->y,
		    np_col[NP_AMOUNT].w, DOC_BOLD, DOC_RIGHT,
		    doc_money(am, due < 0 ? -due : due));
		p->y += NP_ROW_H + 1;
	}
	p->y += 10;
}

/* How the amount due is paid: its box's title and text (in buf). */
static const char *
np_payment(const struct invoice_doc *doc, const struct doc_sender *s,
    int64_t due, char *buf, size_t size)
{
	char am[DOC_MONEY_BUFSZ], date[SEPA_DATE_BUFSZ], addr[256],
	    mask[SEPA_IBAN_MASK_BUFSZ];

	sepa_date_fr(date, doc->due_on);
	doc_money(am, due);
	if (due <= 0) {
		snprintf(buf, size, "%s",
		    doc->total_cents < 0 ? NP_NOTHING_CREDIT : NP_NOTHING);
		return NP_NOTHING_TITLE;
	}
	if (doc->has_mandate) {
		snprintf(buf, size, NP_DEBIT, am, date,
		    sepa_iban_mask(mask, doc->iban), doc->rum, s->ics);
		return NP_DEBIT_TITLE;
	}
	snprintf(addr, sizeof(addr), "%s%s%s, %s %s", s->building,
	    s->building[0] != '\0' ? " " : "", s->street, s->postcode, s->town);
	snprintf(buf, size, NP_PAY, am, date, doc->number, s->name, addr);
	return NP_PAY_TITLE;
}

/* The payment box and the legal mentions, on a page of their own when
 * the table left too little room. */
static void
np_end(struct np *p)
{
	const struct invoice_doc *doc = p->doc;
	int64_t due = doc->total_cents - doc->paid_cents;
	char text[1024];
	const char *title;
	double th, h;

	title = np_payment(doc, doc_sender(p->d), due, text, sizeof(text));
	th = doc_text(
	    p->d, NULL, 0, 0, DOC_TEXT_W - 16, DOC_NORMAL, DOC_LEFT, text);
	h = 4 * (NP_ROW_H + 1) + 16 + th + 20;
	if (p->y + h > DOC_PAGE_H - 40 - doc_legal_height(p->d))
		np_need(p, DOC_PAGE_H, 0);
	np_totals(p, due);
	doc_shade(p->cr, DOC_MARGIN, p->y, DOC_TEXT_W, th + 24);
	doc_text(p->d, p->cr, DOC_MARGIN + 8, p->y + 4, 0, DOC_BOLD, DOC_LEFT,
	    title);
	doc_text(p->d, p->cr, DOC_MARGIN + 8, p->y + 18, DOC_TEXT_W - 16,
	    DOC_NORMAL, DOC_LEFT, text);
	p->y += th + 24;
	if (p->cr != NULL) {
		doc_legal(p->d, p->cr);
		if (p->pages > 1)
			doc_page_number(p->d, p->cr, p->page, p->pages);
		cairo_show_page(p->cr);
	}
}

/* Lay the notice out on cr (NULL: only count); returns the pages. */
static int
np_run(struct doc *d, cairo_t *cr, const struct invoice_doc *doc, int pages,
    const struct notice_pdf_look *look)
{
	struct np p = {d, cr, doc, 1, pages, 0, look};
	const char *addr[5];
	char abuf[512];
	size_t n;

	n = doc_address(addr, abuf, sizeof(abuf), doc->payer, doc->building,
	    doc->street, doc->postcode, doc->town, doc->country);
	p.y = doc_letterhead(d, cr, addr, n);
	np_title(&p);
	np_header_row(&p);
	if (np_has(doc, INVOICE_LINE_CONSUMPTION))
		np_lines(&p, INVOICE_LINE_CONSUMPTION);
	else
		np_row(&p, NP_NONE, "", "", "", "");
	if (np_has(doc, INVOICE_LINE_REGULARISATION)) {
		np_section(&p, NP_REGUL);
		np_lines(&p, INVOICE_LINE_REGULARISATION);
	}
	if (np_has(doc, INVOICE_LINE_REMINDER)) {
		np_section(&p, NP_REMIND);
		np_lines(&p, INVOICE_LINE_REMINDER);
	}
	np_end(&p);
	return p.page;
}

int
notice_pdf_draw(struct doc *d, cairo_t *cr, const struct invoice_doc *doc)
{
	return notice_pdf_draw_as(d, cr, doc, NULL);
}

int
notice_pdf_draw_as(struct doc *d, cairo_t *cr, const struct invoice_doc *doc,
    const struct notice_pdf_look *look)
{
	return np_run(d, cr, doc, np_run(d, NULL, doc, 0, look), look);
}

/* ------------------------------------------------- the stored notices */

void
notice_as_sent(const struct invoice_doc *doc, struct invoice_doc *out)
{
	*out = *doc;
	if (!doc->has_sent)
		return;
	out->due_on = doc->sent_due_on;
	out->iban = doc->sent_iban;
	out->rum = doc->sent_rum;
	out->has_mandate = doc->sent_iban[0] != '\0';
}

/* ------------------------------------------------------ the month's set */

char *
notice_pdf_path(const char *outbox, sepa_month month, const char *number)
{
	char m[SEPA_MONTH_BUFSZ], *p;

	xasprintf(&p, "%s/notices/pdf/%s/%s.pdf", outbox,
	    sepa_month_iso(m, month), number);
	return p;
}

char *
notice_pdf_month_path(const char *outbox, sepa_month month)
{
	char m[SEPA_MONTH_BUFSZ], *p;

	xasprintf(&p, "%s/notices/pdf/notices-%s.pdf", outbox,
	    sepa_month_iso(m, month));
	return p;
}

/* One notice of the chunk being drawn: its invoice and its pages. */
struct np_entry {
	char number[48];
	sepa_date issued_on;
	int pages;
};

/*
 * The month's notices, drawn a chunk at a time into memory; each chunk
 * split into the families' files, then appended to the month's file
 * (pdfsplit.c). Memory holds one chunk.
 */
struct np_month {
	struct doc *d;
	const char *title; /* of the chunks (not copied) */
	sepa_date first; /* the month's first day */
	size_t chunk; /* notices a chunk */
	FILE *chunk_fp; /* the chunk's PDF, written into chunk_buf */
	char *chunk_buf;
	size_t chunk_len;
	struct doc_pdf pdf; /* the chunk being drawn, surface NULL: none */
	struct np_entry *entries; /* its notices */
	size_t count, cap;
	int64_t total; /* notices drawn */
	struct doc_set *set; /* the families' files */
	struct pdfmerge *all; /* the month's file */
	double drawing, copying; /* seconds */
};

/* The notices a chunk: SEPAD_PDF_CHUNK, else NOTICE_PDF_CHUNK. */
static size_t
np_chunk_size(void)
{
	const char *env = getenv("SEPAD_PDF_CHUNK");
	char *end;
	long n;

	if (env == NULL || env[0] == '\0')
		return NOTICE_PDF_CHUNK;
	n = strtol(env, &end, 10);
	if (*end != '\0' || n < 1 || n > 1000000) {
		log_warnx("SEPAD_PDF_CHUNK=%s is not a number from 1 to "
		          "1000000: %d notices a chunk",
		    env, NOTICE_PDF_CHUNK);
		return NOTICE_PDF_CHUNK;
	}
	return (size_t)n;
}

/* A new chunk: a PDF surface writing into memory (a chunk's PDF is
 * about 1.5 KB a notice). */
static int
np_chunk_open(struct np_month *m, sepa_error *err)
{
	if ((m->chunk_fp = open_memstream(&m->chunk_buf, &m->chunk_len)) ==
	    NULL)
		fatal("open_memstream");
	return doc_pdf_open(&m->pdf, m->chunk_fp, m->title, m->first, err);
}

/* The chunk's PDF and its buffer, gone. */
static void
np_chunk_free(struct np_month *m)
{
	if (m->chunk_fp != NULL)
		fclose(m->chunk_fp);
	free(m->chunk_buf);
	m->chunk_fp = NULL;
	m->chunk_buf = NULL;
	m->chunk_len = 0;
}

/* Each family's file of the chunk: its pages, with the fonts they use. */
static int
np_split(struct np_month *m, struct pdfsplit *ps, sepa_error *err)
{
	size_t page = 0;
	int rc = 0;

	for (size_t i = 0; i < m->count && rc == 0; i++) {
		const struct np_entry *e = &m->entries[i];
		char name[64], title[96];
		FILE *fp;

		snprintf(name, sizeof(name), "%s.pdf", e->number);
		snprintf(title, sizeof(title), NP_DOC_TITLE, e->number);
		if ((fp = doc_set_file(m->set, name, err)) == NULL)
			return SEPA_EIO;
		rc = pdfsplit_write(
		    ps, page, (size_t)e->pages, fp, title, e->issued_on, err);
		if (fclose(fp) != 0 && rc == 0)
			rc = sepa_error_set(
			    err, SEPA_EIO, "could not write %s", name);
		page += (size_t)e->pages;
	}
	return rc;
}

/* Finish the chunk drawn: split it, append it to the month's file. */
static int
np_chunk_close(struct np_month *m, sepa_error *err)
{
	struct pdfsplit *ps;
	double t0 = log_clock();
	int rc;

	if ((rc = doc_pdf_close(&m->pdf, err)) != 0)
		return rc;
	if (fflush(m->chunk_fp) != 0)
		fatal("open_memstream");
	m->drawing += log_clock() - t0;
	t0 = log_clock();
	if ((rc = pdfsplit_open_mem(&ps, m->chunk_buf, m->chunk_len, err)) != 0)
		return rc;
	if ((rc = np_split(m, ps, err)) == 0)
		rc = pdfmerge_add(m->all, ps, err);
	pdfsplit_close(ps);
	np_chunk_free(m);
	m->count = 0;
	m->copying += log_clock() - t0;
	return rc;
}

/* Draw one notice into the chunk, and remember its pages. */
static int
np_one(const struct invoice_doc *doc, void *arg, sepa_error *err)
{
	struct np_month *m = arg;
	struct invoice_doc as_sent;
	struct np_entry *e;
	double t0;
	int rc;

	/* Invoice numbers are ours ("F2026-09-000123"), never a path. */
	if (!afile_name_safe(doc->number, sizeof(e->number) - 5))
		return sepa_error_set(err, SEPA_EINVAL,
		    "invoice number \"%s\" cannot be a file name", doc->number);
	if (m->pdf.surface == NULL && (rc = np_chunk_open(m, err)) != 0)
		return rc;
	if (m->count == m->cap) {
		m->cap = m->cap == 0 ? 64 : m->cap * 2;
		m->entries = xreallocarray(m->entries, m->cap, sizeof(*e));
	}
	e = &m->entries[m->count++];
	snprintf(e->number, sizeof(e->number), "%s", doc->number);
	e->issued_on = doc->issued_on;
	notice_as_sent(doc, &as_sent);
	t0 = log_clock();
	e->pages = notice_pdf_draw(m->d, m->pdf.cr, &as_sent);
	m->drawing += log_clock() - t0;
	m->total++;
	if (m->count == m->chunk)
		return np_chunk_close(m, err);
	return 0;
}

/* The chunks, then the month's file finished (into all, at allpath). */
static int
np_draw_month(struct np_month *m, struct db *db, int64_t creditor_id,
    sepa_month month, FILE *all, const char *allpath, sepa_error *err)
{
	char *dir = xstrdup(allpath), *slash = strrchr(dir, '/');
	FILE *spool = NULL;
	int rc;

	*slash = '\0';
	if ((spool = afile_scratch(dir, ".notices-xref")) == NULL) {
		rc = sepa_error_set(err, SEPA_EIO,
		    "could not write the PDF notices' scratch file: %s",
		    strerror(errno));
		goto done;
	}
	if ((rc = pdfmerge_begin(&m->all, all, spool, err)) != 0 ||
	    (rc = store_invoice_each(
	         db, creditor_id, month, false, np_one, m, err)) != 0)
		goto done;
	/* A month without invoices still gets its (empty) file. */
	if (m->total == 0 && (rc = np_chunk_open(m, err)) == 0)
		cairo_show_page(m->pdf.cr);
	if (rc == 0 && m->pdf.surface != NULL)
		rc = np_chunk_close(m, err);
	if (rc == 0)
		rc = pdfmerge_end(m->all, m->title, m->first, err);
done:
	if (spool != NULL)
		fclose(spool);
	free(dir);
	return rc;
}

int
notice_pdf_write_month(struct db *db, int64_t creditor_id,
    const struct doc_sender *sender, sepa_month month, const char *outbox,
    int64_t *count, sepa_error *err)
{
	struct np_month m;
	struct doc_set set;
	struct afile all = {0};
	char *dir = NULL, *allpath, mo[32], title[96];
	sepa_error ignored = SEPA_ERROR_INIT;
	double t0;
	int rc;

	*count = 0;
	memset(&m, 0, sizeof(m));
	memset(&set, 0, sizeof(set));
	allpath = notice_pdf_month_path(outbox, month);
	xasprintf(
	    &dir, "%s/notices/pdf/%04d-%02d", outbox, month.year, month.month);
	snprintf(title, sizeof(title),
	    DOC_FR("Avis d'échéance, consommations de %s"),
	    doc_month_fr(mo, sizeof(mo), month));
	m.title = title;
	m.first = (sepa_date){month.year, month.month, 1};
	m.chunk = np_chunk_size();
	m.set = &set;
	if ((rc = doc_new(&m.d, sender, err)) != 0 ||
	    (rc = doc_set_begin(&set, dir, err)) != 0 ||
	    (rc = afile_open(&all, allpath, AFILE_MODE, err)) != 0)
		goto cleanup;
	t0 = log_clock();
	if ((rc = np_draw_month(
	         &m, db, creditor_id, month, all.fp, allpath, err)) != 0)
		goto cleanup;
	log_debug("PDF notices: %" PRId64 " drawn in %.2f s, split and merged "
	          "in %.2f s (%zu a chunk), all at %.2f s",
	    m.total, m.drawing, m.copying, m.chunk, log_clock() - t0);
	if ((rc = doc_set_commit(&set, err)) != 0 ||
	    (rc = afile_commit(&all, err)) != 0)
		goto cleanup;
	log_debug("PDF notices: synced at %.2f s", log_clock() - t0);
	*count = m.total;
cleanup:
	doc_pdf_close(&m.pdf, &ignored);
	np_chunk_free(&m);
	pdfmerge_free(m.all);
	if (all.fp != NULL)
		afile_abort(&all);
	doc_set_end(&set);
	doc_free(m.d);
	free(m.entries);
	free(allpath);
	free(dir);
	return rc;
}
