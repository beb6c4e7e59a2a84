/*
 * report_pdf.c - the month's report as an A4 PDF: the commune's block
 * (doc.c) with the report's title, month, ICS and date beside it, the
 * same sections and charts as the HTML page (report.c), tables whose
 * head comes again on each page they run onto, and "Page n / total" at
 * the foot of each page. Drawn twice: a first pass without cairo counts
 * the pages. The balance's credits, refunds and credits carried share
 * one column here, for the A4 width.
 */
#include <cairo.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "report.h"
#include "report_pdf.h"

#define RP_BOTTOM (DOC_PAGE_H - 48)
#define RP_MAXCOLS 10
#define RP_T_CREDITS_DEF \
	DOC_FR("Avoirs : avoirs déduits, remboursés ou à reporter.")

/* A column of a table: its width and alignment. */
struct rp_col {
	double w;
	enum doc_align al;
};

/* The page being drawn (cr NULL: the first pass, which only counts). */
struct rp {
	struct doc *d;
	cairo_t *cr;
	const char *title; /* of the continuation pages */
	double y;
	int page, pages;
	/* the head of the table being drawn, drawn again after a break */
	const struct rp_col *cols;
	const char *const *head;
	int ncols;
};

static void rp_row(
    struct rp *p, const char *const *cells, enum doc_style st, int shade);

static double
rp_line_h(struct rp *p, enum doc_style st)
{
	return doc_text_height(p->d, 0, st, "Ag") + 4;
}

static void
rp_break(struct rp *p)
{
	if (p->cr != NULL) {
		doc_page_number(p->d, p->cr, p->page, p->pages);
		cairo_show_page(p->cr);
	}
	p->page++;
	p->y = doc_continued(p->d, p->cr, p->title);
	if (p->head != NULL)
		rp_row(p, p->head, DOC_SMALL_BOLD, 1);
}

/* Room for h points, or a new page. */
static void
rp_need(struct rp *p, double h)
{
	if (p->y + h > RP_BOTTOM)
		rp_break(p);
}

/* A row of the current table, as high as its longest cell wraps to; a
 * head is shaded. */
static void
rp_row(struct rp *p, const char *const *cells, enum doc_style st, int shade)
{
	double h = rp_line_h(p, st), x = DOC_MARGIN;

	for (int i = 0; i < p->ncols; i++) {
		double t =
		    doc_text_height(p->d, p->cols[i].w - 6, st, cells[i]);

		if (t + 4 > h)
			h = t + 4;
	}
	rp_need(p, h);
	if (shade)
		doc_shade(p->cr, DOC_MARGIN, p->y, DOC_TEXT_W, h);
	for (int i = 0; i < p->ncols; i++) {
		if (cells[i][0] != '\0')
			doc_text(p->d, p->cr, x + 3, p->y + 2, p->cols[i].w - 6,
			    st, p->cols[i].al, cells[i]);
		x += p->cols[i].w;
	}
	p->y += h;
	doc_rule(p->cr, DOC_MARGIN, DOC_MARGIN + DOC_TEXT_W, p->y, 0.2);
}

/* A section's title, kept with the first `rows` rows below it. */
static void
rp_title(struct rp *p, const char *title, int rows)
{
	double h = rp_line_h(p, DOC_HEAD);

	p->y += 10;
	rp_need(p, h + 4 + rows * rp_line_h(p, DOC_NORMAL));
	doc_text(p->d, p->cr, DOC_MARGIN, p->y, DOC_TEXT_W, DOC_HEAD, DOC_LEFT,
	    title);
	p->y += h;
	doc_rule(p->cr, DOC_MARGIN, DOC_MARGIN + DOC_TEXT_W, p->y - 2, 0.6);
	p->y += 3;
}

static void
rp_par(struct rp *p, enum doc_style st, const char *s)
{
	double h = doc_text_height(p->d, DOC_TEXT_W, st, s);

	rp_need(p, h);
	p->y += 2;
	doc_text(p->d, p->cr, DOC_MARGIN, p->y, DOC_TEXT_W, st, DOC_LEFT, s);
	p->y += h + 2;
}

/* A table begins: its columns, and its head row. */
static void
rp_table(
    struct rp *p, const struct rp_col *cols, int n, const char *const *head)
{
	p->cols = cols;
	p->ncols = n;
	p->head = NULL;
	rp_row(p, head, DOC_SMALL_BOLD, 1);
	p->head = head;
}

static void
rp_table_end(struct rp *p)
{
	p->head = NULL;
	p->y += 2;
}

static const char *const rp_head_fig[] = {
    DOC_FR("Libellé"), DOC_FR("Nombre"), DOC_FR("Montant")};
static const struct rp_col rp_cols_fig[] = {
    {DOC_TEXT_W - 170, DOC_LEFT}, {60, DOC_RIGHT}, {110, DOC_RIGHT}};

/* A line of label, count and amount (see struct report_line). */
static void
rp_fig(struct rp *p, const char *label, int64_t count, int64_t cents,
    enum doc_style st)
{
	char c[24] = "", a[DOC_MONEY_BUFSZ] = "";

	if (count >= 0)
		snprintf(c, sizeof(c), "%" PRId64, count);
	if (cents != REPORT_NO_AMOUNT)
		doc_money(a, cents);
	rp_row(p, (const char *const[]){label, c, a}, st, 0);
}

static void
rp_figs(struct rp *p, const char *title, const struct report_line *l, size_t n)
{
	rp_title(p, title, 3);
	rp_table(p, rp_cols_fig, 3, rp_head_fig);
	for (size_t i = 0; i < n; i++)
		rp_fig(p, l[i].label, l[i].count, l[i].cents, DOC_NORMAL);
	rp_table_end(p);
}

static void
rp_color(cairo_t *cr, const char *hex)
{
	unsigned v = (unsigned)strtoul(hex + 1, NULL, 16);

	cairo_set_source_rgb(cr, ((v >> 16) & 0xff) / 255.0,
	    ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0);
}

static void
rp_box(cairo_t *cr, double x, double y, double w, double h, const char *hex)
{
	if (cr == NULL)
		return;
	cairo_save(cr);
	rp_color(cr, hex);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
	cairo_restore(cr);
}

/* The chart's legend, two entries a line (with amounts: each segment's
 * sum and share). */
static void
rp_legend(struct rp *p, const struct report_chart *c, int amounts)
{
	int64_t seg[REPORT_NSEG] = {0}, all = 0;
	char buf[160], a[DOC_MONEY_BUFSZ], pc[32];

	for (size_t i = 0; i < c->nbars; i++)
		for (int k = 0; k < c->nseg; k++) {
			seg[k] += c->bars[i].seg[k];
			all += c->bars[i].seg[k];
		}
	for (int k = 0; k < c->nseg; k++) {
		double x = DOC_MARGIN + (k % 2) * DOC_TEXT_W / 2;

		if (amounts)
			snprintf(buf, sizeof(buf), "%s : %s (%s)", c->names[k],
			    doc_money(a, seg[k]),
			    report_percent(pc, sizeof(pc), seg[k], all));
		else
			snprintf(buf, sizeof(buf), "%s", c->names[k]);
		rp_box(p->cr, x, p->y + 1, 7, 7, c->colors[k]);
		doc_cell(p->d, p->cr, x + 11, p->y, DOC_TEXT_W / 2 - 14,
		    DOC_SMALL, DOC_LEFT, buf);
		if (k % 2 == 1 || k == c->nseg - 1)
			p->y += 11;
	}
}

/* A chart: one bar a row, as long as its euros, then the legend. */
static void
rp_chart(struct rp *p, const struct report_chart *c, int amounts)
{
	const double x0 = DOC_MARGIN + 44, bw = DOC_TEXT_W - 44 - 80, bh = 12;
	char a[DOC_MONEY_BUFSZ];
	int64_t max = 1;

	for (size_t i = 0; i < c->nbars; i++)
		if (c->bars[i].total > max)
			max = c->bars[i].total;
	rp_need(p, 14 + (double)c->nbars * (bh + 4) + 11.0 * 3);
	p->y += 6;
	p->y += doc_text(p->d, p->cr, DOC_MARGIN, p->y, DOC_TEXT_W, DOC_BOLD,
	    DOC_LEFT, c->title);
	p->y += 3;
	for (size_t i = 0; i < c->nbars; i++) {
		const struct report_bar *b = &c->bars[i];
		double x = x0;

		rp_need(p, bh + 4);
		doc_cell(p->d, p->cr, DOC_MARGIN, p->y + 2, 42, DOC_SMALL,
		    DOC_LEFT, b->label);
		for (int k = 0; k < c->nseg; k++) {
			double w = bw * (double)b->seg[k] / (double)max;

			rp_box(p->cr, x, p->y, w, bh, c->colors[k]);
			x += w;
		}
		doc_cell(p->d, p->cr, x + 4, p->y + 2, 90, DOC_SMALL, DOC_LEFT,
		    doc_money(a, b->shown));
		p->y += bh + 4;
	}
	p->y += 2;
	rp_legend(p, c, amounts);
}

/* The first page's top: the commune on the left, the report on the
 * right. */
static void
rp_head(struct rp *p, const struct report_doc *d)
{
	const double x = DOC_ADDR_X, w = DOC_PAGE_W - DOC_MARGIN - DOC_ADDR_X;
	char m[64], t[SEPA_DATE_BUFSZ], buf[256];
	double left = doc_sender_block(p->d, p->cr), y = 40;

	doc_month_fr(m, sizeof(m), d->r->month);
	y +=
	    doc_text(p->d, p->cr, x, y, w, DOC_TITLE, DOC_LEFT, REPORT_T_TITLE);
	snprintf(buf, sizeof(buf), REPORT_T_MONTH, m);
	y += 3 + doc_text(p->d, p->cr, x, y + 3, w, DOC_BOLD, DOC_LEFT, buf);
	snprintf(buf, sizeof(buf), REPORT_T_ICS, d->ics);
	y += 2 + doc_text(p->d, p->cr, x, y + 2, w, DOC_SMALL, DOC_LEFT, buf);
	snprintf(buf, sizeof(buf), REPORT_T_MADE, sepa_date_fr(t, d->today));
	y += doc_text(p->d, p->cr, x, y, w, DOC_NORMAL, DOC_LEFT, buf);
	p->y = (left > y ? left : y) + 8;
	doc_rule(p->cr, DOC_MARGIN, DOC_MARGIN + DOC_TEXT_W, p->y, 1.0);
	p->y += 4;
}

static const char *const rp_head_reasons[] = {DOC_FR("Motif"), DOC_FR("Code"),
    DOC_FR("Nature"), DOC_FR("Nombre"), DOC_FR("Montant")};
static const struct rp_col rp_cols_reasons[] = {{DOC_TEXT_W - 280, DOC_LEFT},
    {45, DOC_LEFT}, {75, DOC_LEFT}, {50, DOC_RIGHT}, {110, DOC_RIGHT}};
static const char *const rp_head_families[] = {DOC_FR("Famille"),
    DOC_FR("Payeur"), DOC_FR("Facture"), DOC_FR("Motif"), DOC_FR("Montant")};
static const struct rp_col rp_cols_families[] = {{58, DOC_LEFT},
    {125, DOC_LEFT}, {76, DOC_LEFT}, {DOC_TEXT_W - 334, DOC_LEFT},
    {75, DOC_RIGHT}};

static void
rp_debits(struct rp *p, const struct report *r)
{
	struct report_line l[8];
	struct report_chart c;
	char buf[512], n[24], a[DOC_MONEY_BUFSZ];

	rp_figs(p, REPORT_T_DEBITS, l, report_debit_lines(r, l));
	rp_par(p, DOC_BOLD, report_rate(buf, sizeof(buf), r));
	rp_par(p, DOC_SMALL, REPORT_T_RATE_DEF);
	report_chart_debits(r, &c);
	rp_chart(p, &c, 1);
	report_chart_free(&c);
	rp_title(p, REPORT_T_REASONS, 2);
	rp_table(p, rp_cols_reasons, 5, rp_head_reasons);
	for (size_t i = 0; i < r->nreasons; i++) {
		const struct report_reason *x = &r->reasons[i];

		snprintf(n, sizeof(n), "%" PRId64, x->count);
		rp_row(p,
		    (const char *const[]){report_reason_fr(x->code), x->code,
		        report_state_fr(x->state), n, doc_money(a, x->cents)},
		    DOC_NORMAL, 0);
	}
	if (r->nreasons == 0)
		rp_row(p, (const char *const[]){REPORT_T_NONE, "", "", "", ""},
		    DOC_NORMAL, 0);
	rp_table_end(p);
	rp_title(p, REPORT_T_FAMILIES, 2);
	rp_table(p, rp_cols_families, 5, rp_head_families);
	for (size_t i = 0; i < r->nfamilies; i++) {
		const struct report_unpaid *u = &r->families[i];

		snprintf(buf, sizeof(buf), "%s (%s, %s)",
		    report_reason_fr(u->code), u->code[0] ? u->code : "-",
		    report_state_fr(u->state));
		rp_row(p,
		    (const char *const[]){u->family_ref, u->payer, u->invoice,
		        buf, doc_money(a, u->cents)},
		    DOC_SMALL, 0);
	}
	if (r->nfamilies == 0)
		rp_row(p, (const char *const[]){REPORT_T_NONE, "", "", "", ""},
		    DOC_NORMAL, 0);
	rp_table_end(p);
}

static const char *const rp_head_mandates[] = {DOC_FR("Situation"),
    DOC_FR("Date"), DOC_FR("Famille"), DOC_FR("Payeur"), DOC_FR("RUM"),
    DOC_FR("Motif")};
static const struct rp_col rp_cols_mandates[] = {{46, DOC_LEFT}, {48, DOC_LEFT},
    {58, DOC_LEFT}, {105, DOC_LEFT}, {100, DOC_LEFT},
    {DOC_TEXT_W - 357, DOC_LEFT}};
static const char *const rp_head_services[] = {
    DOC_FR("Service"), DOC_FR("Lignes"), DOC_FR("Montant")};

static void
rp_others(struct rp *p, const struct report *r)
{
	struct report_line l[8];
	char buf[512], d[SEPA_DATE_BUFSZ];

	rp_title(p, REPORT_T_OTHER, 2);
	rp_table(p, rp_cols_fig, 3, rp_head_fig);
	for (size_t i = 0; i < r->nmethods; i++)
		rp_fig(p, report_method_fr(r->methods[i].method),
		    r->methods[i].sum.count, r->methods[i].sum.cents,
		    DOC_NORMAL);
	rp_fig(p, REPORT_T_TOTAL, r->other.count, r->other.cents, DOC_BOLD);
	rp_table_end(p);
	rp_figs(p, REPORT_T_INVOICES, l, report_invoice_lines(r, l));
	rp_title(p, REPORT_T_MANDATES, 2);
	rp_table(p, rp_cols_mandates, 6, rp_head_mandates);
	for (size_t i = 0; i < r->nmandates; i++) {
		const struct report_mandate *m = &r->mandates[i];

		rp_row(p,
		    (const char *const[]){report_mandate_fr(m->kind),
		        sepa_date_fr(d, m->on), m->family_ref, m->payer, m->rum,
		        report_mandate_reason_fr(buf, sizeof(buf), m->reason)},
		    DOC_SMALL, 0);
	}
	if (r->nmandates == 0)
		rp_row(p,
		    (const char *const[]){REPORT_T_NONE, "", "", "", "", ""},
		    DOC_NORMAL, 0);
	rp_table_end(p);
	rp_title(p, REPORT_T_SERVICES, 2);
	rp_table(p, rp_cols_fig, 3, rp_head_services);
	for (size_t i = 0; i < r->nservices; i++)
		rp_fig(p,
		    report_service_name(buf, sizeof(buf), &r->services[i]),
		    r->services[i].lines, r->services[i].cents, DOC_NORMAL);
	rp_fig(p, REPORT_T_TOTAL, r->service_total.count,
	    r->service_total.cents, DOC_BOLD);
	rp_table_end(p);
	rp_par(p, DOC_SMALL, REPORT_T_SERVICES_DEF);
}

/* The balance in 10 columns: month, invoices, then 8 amounts. */
static const char *const rp_head_balance[] = {DOC_FR("Mois"),
    DOC_FR("Factures"), DOC_FR("Facturé"), DOC_FR("Prélevé"),
    DOC_FR("Autres moyens"), DOC_FR("Avoirs"), DOC_FR("Impayé"),
    DOC_FR("Recouvrement"), DOC_FR("En cours"), DOC_FR("Écart")};
#define RP_AMOUNT_W ((DOC_TEXT_W - 74) / 8)
static const struct rp_col rp_cols_balance[] = {{36, DOC_LEFT}, {38, DOC_RIGHT},
    {RP_AMOUNT_W, DOC_RIGHT}, {RP_AMOUNT_W, DOC_RIGHT},
    {RP_AMOUNT_W, DOC_RIGHT}, {RP_AMOUNT_W, DOC_RIGHT},
    {RP_AMOUNT_W, DOC_RIGHT}, {RP_AMOUNT_W, DOC_RIGHT},
    {RP_AMOUNT_W, DOC_RIGHT}, {RP_AMOUNT_W, DOC_RIGHT}};

static void
rp_balance_row(struct rp *p, const char *label, const int64_t *v, int total)
{
	const int64_t w[8] = {v[LB_BILLED], v[LB_DEBIT], v[LB_OTHER],
	    v[LB_CREDITS] + v[LB_REFUNDED] + v[LB_CARRIED], v[LB_UNPAID],
	    v[LB_RECOVERY], v[LB_COLLECTING], v[LB_DIFFERENCE]};
	char n[24], a[8][DOC_MONEY_BUFSZ];

	snprintf(n, sizeof(n), "%" PRId64, v[LB_INVOICES]);
	for (int i = 0; i < 8; i++)
		doc_money(a[i], w[i]);
	rp_row(p,
	    (const char *const[]){
	        label, n, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]},
	    total ? DOC_SMALL_BOLD : DOC_SMALL, 0);
}

static void
rp_balance(struct rp *p, const struct report *r)
{
	struct report_chart c;
	char buf[256], a[DOC_MONEY_BUFSZ];

	rp_title(p, REPORT_T_BALANCE, 3);
	rp_table(p, rp_cols_balance, 10, rp_head_balance);
	for (size_t i = 0; i < r->nbalance; i++) {
		snprintf(buf, sizeof(buf), "%.2s/%.4s", r->balance[i].month + 5,
		    r->balance[i].month);
		rp_balance_row(p, buf, r->balance[i].v, 0);
	}
	rp_balance_row(p, REPORT_T_TOTAL, r->total.v, 1);
	rp_table_end(p);
	rp_par(p, DOC_SMALL, REPORT_T_BALANCE_DEF);
	rp_par(p, DOC_SMALL, RP_T_CREDITS_DEF);
	if (r->total.v[LB_DIFFERENCE] == 0)
		rp_par(p, DOC_BOLD, REPORT_T_BALANCE_OK);
	else {
		snprintf(buf, sizeof(buf), REPORT_T_BALANCE_KO,
		    doc_money(a, r->total.v[LB_DIFFERENCE]));
		rp_par(p, DOC_BOLD, buf);
	}
	report_chart_balance(r, &c);
	rp_chart(p, &c, 0);
	report_chart_free(&c);
}

/* The whole report; returns the number of pages. */
static int
rp_draw(struct doc *doc, cairo_t *cr, const struct report_doc *d, int pages)
{
	char m[64], title[160];
	struct rp p = {.d = doc, .cr = cr, .page = 1, .pages = pages};

	doc_month_fr(m, sizeof(m), d->r->month);
	snprintf(title, sizeof(title), "%s, %s", REPORT_T_TITLE, m);
	p.title = title;
	rp_head(&p, d);
	rp_debits(&p, d->r);
	rp_others(&p, d->r);
	rp_balance(&p, d->r);
	if (cr != NULL) {
		doc_page_number(doc, cr, p.page, pages);
		cairo_show_page(cr);
	}
	return p.page;
}

int
report_pdf(FILE *fp, const struct report_doc *d, const struct doc_sender *s,
    sepa_error *err)
{
	struct doc_pdf pdf;
	struct doc *doc = NULL;
	char m[64], title[160];
	int rc, pages;

	if ((rc = doc_new(&doc, s, err)) != 0)
		return rc;
	doc_month_fr(m, sizeof(m), d->r->month);
	snprintf(title, sizeof(title), "%s, %s", REPORT_T_TITLE, m);
	pages = rp_draw(doc, NULL, d, 0);
	if ((rc = doc_pdf_open(&pdf, fp, title, d->today, err)) == 0) {
		rp_draw(doc, pdf.cr, d, pages);
		rc = doc_pdf_close(&pdf, err);
	}
	doc_free(doc);
	return rc;
}
