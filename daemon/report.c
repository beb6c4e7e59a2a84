/*
 * report.c - the month's report for the finance department as a French
 * document: its words (one place, marked N_ like the notices'), the
 * tables' lines, the reject rate, the charts' figures, and the report as
 * text and as a self-contained HTML page (inline style and SVG, a print
 * style sheet for A4). The PDF is in report_pdf.c.
 *
 * The reject rate is the debits of the month's due date that came back
 * (rejected, returned or refunded) over the debits presented to the bank
 * (those of a file it refused whole are not presented), by count and by
 * amount.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/reasons.h"
#include "htmlout.h"
#include "log.h"
#include "report.h"

static const char *const report_debit_labels[] = {
    DOC_FR("Prélèvements présentés à la banque"),
    DOC_FR("Encaissés, confirmés par la banque"),
    DOC_FR("Encaissés, présumés (aucun retour dans le délai)"),
    DOC_FR("Rejetés, retournés ou remboursés"),
    DOC_FR("En attente de la réponse de la banque"),
    DOC_FR("Annulés (fichier refusé en entier par la banque)")};

static const char *const report_invoice_labels[] = {
    DOC_FR("Factures émises dans le mois"),
    DOC_FR("Rappels d'impayés portés sur ces factures"),
    DOC_FR("Avoirs déduits de ces factures"),
    DOC_FR("Avoirs accordés (factures négatives)"),
    DOC_FR("Avoirs à rembourser (familles parties)"),
    DOC_FR("Mis en recouvrement (transmis à la trésorerie)")};

static const struct {
	const char *key, *fr;
} report_words[] = {
    {"rejected", DOC_FR("rejet")},
    {"returned", DOC_FR("retour")},
    {"refunded", DOC_FR("remboursement")},
    {"cheque", DOC_FR("Chèque")},
    {"cash", DOC_FR("Espèces")},
    {"transfer", DOC_FR("Virement")},
    {"card", DOC_FR("Carte bancaire")},
    {"other", DOC_FR("Autre moyen")},
    {"suspended", DOC_FR("Suspendu")},
    {"terminated", DOC_FR("Résilié")},
    {"lapsed", DOC_FR("Caduc")},
    {"two rejects", DOC_FR("deux rejets dans l'année scolaire")},
    {"family letter", DOC_FR("courrier de la famille")},
    {"revoked by the family", DOC_FR("révoqué par la famille")},
};
#define REPORT_T_DEAD DOC_FR("compte inutilisable : %s (%s)")
#define REPORT_T_UNUSED DOC_FR("inutilisé depuis %d mois")
#define REPORT_T_RATE DOC_FR("Taux de rejet : %s en nombre, %s en montant.")

/* The chart's segments and colours. */
static const char *const report_debit_segs[] = {DOC_FR("Encaissés (confirmés)"),
    DOC_FR("Encaissés (présumés)"), DOC_FR("Impayés"), DOC_FR("En attente")};
static const char *const report_debit_colors[] = {
    "#2e7d32", "#81c784", "#c62828", "#9e9e9e"};
static const char *const report_balance_segs[] = {DOC_FR("Prélevé"),
    DOC_FR("Autres moyens"), DOC_FR("Avoirs"), DOC_FR("Impayé"),
    DOC_FR("Recouvrement"), DOC_FR("En cours")};
static const char *const report_balance_colors[] = {
    "#2e7d32", "#1565c0", "#00897b", "#c62828", "#6a1b9a", "#9e9e9e"};

/* The balance's columns, from LB_INVOICES. */
static const char *const report_balance_heads[] = {DOC_FR("Factures"),
    DOC_FR("Facturé"), DOC_FR("Prélevé"), DOC_FR("Autres moyens"),
    DOC_FR("Avoirs"), DOC_FR("Remboursé"), DOC_FR("Avoir à reporter"),
    DOC_FR("Impayé"), DOC_FR("Recouvrement"), DOC_FR("En cours"),
    DOC_FR("Écart")};
#define REPORT_T_MONTHCOL DOC_FR("Mois")

static const char *
report_word(const char *key)
{
	for (size_t i = 0; i < sizeof(report_words) / sizeof(report_words[0]);
	     i++)
		if (strcmp(report_words[i].key, key) == 0)
			return report_words[i].fr;
	return key;
}

const char *
report_reason_fr(const char *code)
{
	const sepa_reason *r;

	if (code[0] == '\0')
		return DOC_FR("aucun motif donné par la banque");
	r = sepa_reason_find(code);
	return r != NULL ? sepa_reason_label_fr(r, SEPA_REASON_DIRECT_DEBIT)
	                 : DOC_FR("motif inconnu");
}

const char *
report_state_fr(const char *state)
{
	return report_word(state);
}

const char *
report_method_fr(const char *method)
{
	return report_word(method);
}

const char *
report_mandate_fr(const char *kind)
{
	return report_word(kind);
}

const char *
report_mandate_reason_fr(char *buf, size_t size, const char *why)
{
	int months;

	if (strncmp(why, "dead account ", 13) == 0) {
		snprintf(buf, size, REPORT_T_DEAD, report_reason_fr(why + 13),
		    why + 13);
		return buf;
	}
	if (sscanf(why, "unused %d months", &months) == 1) {
		snprintf(buf, size, REPORT_T_UNUSED, months);
		return buf;
	}
	return report_word(why);
}

const char *
report_service_name(char *buf, size_t size, const struct report_service *s)
{
	snprintf(
	    buf, size, "%s%s%s", s->code, s->label[0] ? " : " : "", s->label);
	return buf;
}

size_t
report_debit_lines(const struct report *r, struct report_line out[8])
{
	const int64_t c[][2] = {{r->presented, r->presented_cents},
	    {r->settled - r->presumed, r->settled_cents - r->presumed_cents},
	    {r->presumed, r->presumed_cents},
	    {r->unpaid.count, r->unpaid.cents},
	    {r->presented - r->settled - r->unpaid.count,
	        r->presented_cents - r->settled_cents - r->unpaid.cents},
	    {r->cancelled, REPORT_NO_AMOUNT}};
	size_t n = sizeof(c) / sizeof(c[0]);

	for (size_t i = 0; i < n; i++)
		out[i] = (struct report_line){
		    report_debit_labels[i], c[i][0], c[i][1]};
	return n;
}

size_t
report_invoice_lines(const struct report *r, struct report_line out[8])
{
	const struct report_sum s[] = {r->invoices, r->reminders,
	    r->credits_used, r->credits_granted, r->refunds,
	    {r->recovery, r->recovery_cents}};
	size_t n = sizeof(s) / sizeof(s[0]);

	for (size_t i = 0; i < n; i++)
		out[i] = (struct report_line){
		    report_invoice_labels[i], s[i].count, s[i].cents};
	return n;
}

char *
report_percent(char *buf, size_t size, int64_t num, int64_t den)
{
	int64_t bp;

	if (den <= 0) {
		snprintf(buf, size, "—");
		return buf;
	}
	/* hundredths of a percent, rounded half up (a double is exact
	 * enough for what is shown) */
	bp = (int64_t)((double)num * 10000.0 / (double)den + 0.5);
	snprintf(buf, size, "%" PRId64 ",%02" PRId64 "\xc2\xa0%%", bp / 100,
	    bp % 100);
	return buf;
}

char *
report_rate(char *buf, size_t size, const struct report *r)
{
	char n[32], a[32];

	snprintf(buf, size, REPORT_T_RATE,
	    report_percent(n, sizeof(n), r->unpaid.count, r->presented),
	    report_percent(a, sizeof(a), r->unpaid.cents, r->presented_cents));
	return buf;
}

/* "2026-09" as "09/2026". */
static void
report_month_label(char *buf, size_t size, const char *iso)
{
	snprintf(buf, size, "%.2s/%.4s", iso + 5, iso);
}

static void
report_bar_add(struct report_bar *b, int i, int64_t cents)
{
	b->seg[i] = cents > 0 ? cents : 0;
	b->total += b->seg[i];
}

void
report_chart_debits(const struct report *r, struct report_chart *c)
{
	struct report_bar *b = xcalloc(1, sizeof(*b));

	*c = (struct report_chart){REPORT_T_CHART_DEBITS, 4, report_debit_segs,
	    report_debit_colors, b, 1};
	snprintf(b->label, sizeof(b->label), "%02d/%04d", r->month.month,
	    r->month.year);
	report_bar_add(b, 0, r->settled_cents - r->presumed_cents);
	report_bar_add(b, 1, r->presumed_cents);
	report_bar_add(b, 2, r->unpaid.cents);
	report_bar_add(
	    b, 3, r->presented_cents - r->settled_cents - r->unpaid.cents);
	b->shown = r->presented_cents;
}

void
report_chart_balance(const struct report *r, struct report_chart *c)
{
	struct report_bar *bars = xcalloc(r->nbalance + 1, sizeof(*bars));

	*c = (struct report_chart){REPORT_T_CHART_BALANCE, 6,
	    report_balance_segs, report_balance_colors, bars, r->nbalance};
	for (size_t i = 0; i < r->nbalance; i++) {
		const int64_t *v = r->balance[i].v;

		report_month_label(
		    bars[i].label, sizeof(bars[i].label), r->balance[i].month);
		report_bar_add(&bars[i], 0, v[LB_DEBIT]);
		report_bar_add(&bars[i], 1, v[LB_OTHER]);
		report_bar_add(&bars[i], 2,
		    v[LB_CREDITS] + v[LB_REFUNDED] + v[LB_CARRIED]);
		report_bar_add(&bars[i], 3, v[LB_UNPAID]);
		report_bar_add(&bars[i], 4, v[LB_RECOVERY]);
		report_bar_add(&bars[i], 5, v[LB_COLLECTING]);
		bars[i].shown = v[LB_BILLED];
	}
}

void
report_chart_free(struct report_chart *c)
{
	free(c->bars);
	c->bars = NULL;
	c->nbars = 0;
}

/* ------------------------------------------------------------ text */

/* Characters, not bytes (UTF-8). */
static size_t
report_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* s in a column w characters wide, padded left (right-aligned) or right. */
static void
report_pad(FILE *fp, const char *s, size_t w, int right)
{
	size_t n = report_width(s);

	if (right)
		for (; n < w; n++)
			fputc(' ', fp);
	fputs(s, fp);
	if (!right)
		for (; n < w; n++)
			fputc(' ', fp);
}

static void
report_text_line(FILE *fp, const char *label, int64_t count, int64_t cents)
{
	char c[24] = "", a[DOC_MONEY_BUFSZ] = "";

	if (count >= 0)
		snprintf(c, sizeof(c), "%" PRId64, count);
	if (cents != REPORT_NO_AMOUNT)
		doc_money(a, cents);
	fputs("  ", fp);
	report_pad(fp, label, 52, 0);
	report_pad(fp, c, 8, 1);
	if (a[0] != '\0')
		report_pad(fp, a, 18, 1);
	fputc('\n', fp);
}

/* A paragraph, indented, cut between words before 78 characters. */
static void
report_text_par(FILE *fp, const char *s)
{
	while (*s != '\0') {
		const char *cut = NULL, *p = s;
		size_t n = 0;

		for (; *p != '\0' && (n < 76 || cut == NULL); p++) {
			if (*p == ' ')
				cut = p;
			n += ((unsigned char)*p & 0xc0) != 0x80;
		}
		if (*p == '\0')
			cut = p;
		fprintf(fp, "  %.*s\n", (int)(cut - s), s);
		s = *cut == ' ' ? cut + 1 : cut;
	}
}

static void
report_text_lines(FILE *fp, const struct report_line *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		report_text_line(fp, l[i].label, l[i].count, l[i].cents);
}

static void
report_text_debits(FILE *fp, const struct report *r)
{
	struct report_line l[8];
	char buf[512];

	fprintf(fp, "\n%s\n", REPORT_T_DEBITS);
	report_text_lines(fp, l, report_debit_lines(r, l));
	report_text_par(fp, report_rate(buf, sizeof(buf), r));
	report_text_par(fp, REPORT_T_RATE_DEF);
	fprintf(fp, "\n%s\n", REPORT_T_REASONS);
	if (r->nreasons == 0)
		fprintf(fp, "  %s\n", REPORT_T_NONE);
	for (size_t i = 0; i < r->nreasons; i++) {
		const struct report_reason *x = &r->reasons[i];

		snprintf(buf, sizeof(buf), "%s (%s, %s)",
		    report_reason_fr(x->code), x->code[0] ? x->code : "-",
		    report_state_fr(x->state));
		report_text_line(fp, buf, x->count, x->cents);
	}
	fprintf(fp, "\n%s\n", REPORT_T_FAMILIES);
	if (r->nfamilies == 0)
		fprintf(fp, "  %s\n", REPORT_T_NONE);
	for (size_t i = 0; i < r->nfamilies; i++) {
		const struct report_unpaid *u = &r->families[i];
		char a[DOC_MONEY_BUFSZ];

		fputs("  ", fp);
		report_pad(fp, u->family_ref, 12, 0);
		fputc(' ', fp);
		report_pad(fp, u->payer, 30, 0);
		fputc(' ', fp);
		report_pad(fp, u->invoice, 16, 0);
		snprintf(buf, sizeof(buf), " %s %s", u->code[0] ? u->code : "-",
		    report_state_fr(u->state));
		report_pad(fp, buf, 20, 0);
		report_pad(fp, doc_money(a, u->cents), 14, 1);
		fputc('\n', fp);
	}
}

static void
report_text_others(FILE *fp, const struct report *r)
{
	struct report_line l[8];
	char buf[512];

	fprintf(fp, "\n%s\n", REPORT_T_OTHER);
	for (size_t i = 0; i < r->nmethods; i++)
		report_text_line(fp, report_method_fr(r->methods[i].method),
		    r->methods[i].sum.count, r->methods[i].sum.cents);
	report_text_line(fp, REPORT_T_TOTAL, r->other.count, r->other.cents);
	fprintf(fp, "\n%s\n", REPORT_T_INVOICES);
	report_text_lines(fp, l, report_invoice_lines(r, l));
	fprintf(fp, "\n%s\n", REPORT_T_MANDATES);
	if (r->nmandates == 0)
		fprintf(fp, "  %s\n", REPORT_T_NONE);
	for (size_t i = 0; i < r->nmandates; i++) {
		const struct report_mandate *m = &r->mandates[i];
		char d[SEPA_DATE_BUFSZ];

		fputs("  ", fp);
		report_pad(fp, report_mandate_fr(m->kind), 10, 0);
		fprintf(fp, " %s ", sepa_date_fr(d, m->on));
		report_pad(fp, m->family_ref, 12, 0);
		fputc(' ', fp);
		report_pad(fp, m->payer, 30, 0);
		fprintf(fp, " %s : %s\n", m->rum,
		    report_mandate_reason_fr(buf, sizeof(buf), m->reason));
	}
	fprintf(fp, "\n%s\n", REPORT_T_SERVICES);
	for (size_t i = 0; i < r->nservices; i++) {
		const struct report_service *s = &r->services[i];

		report_text_line(fp, report_service_name(buf, sizeof(buf), s),
		    s->lines, s->cents);
	}
	report_text_line(
	    fp, REPORT_T_TOTAL, r->service_total.count, r->service_total.cents);
	report_text_par(fp, REPORT_T_SERVICES_DEF);
}

static void
report_text_row(FILE *fp, const char *label, const int64_t *v)
{
	char c[24], a[DOC_MONEY_BUFSZ];

	fputs("  ", fp);
	report_pad(fp, label, 7, 0);
	snprintf(c, sizeof(c), "%" PRId64, v[LB_INVOICES]);
	report_pad(fp, c, 9, 1);
	for (int k = LB_BILLED; k < LB_NCOLS; k++)
		report_pad(fp, doc_money(a, v[k]), 17, 1);
	fputc('\n', fp);
}

static void
report_text_balance(FILE *fp, const struct report *r)
{
	char buf[512], a[DOC_MONEY_BUFSZ];

	fprintf(fp, "\n%s\n", REPORT_T_BALANCE);
	report_text_par(fp, REPORT_T_BALANCE_DEF);
	fputs("  ", fp);
	report_pad(fp, REPORT_T_MONTHCOL, 7, 0);
	report_pad(fp, report_balance_heads[0], 9, 1);
	for (int k = LB_BILLED; k < LB_NCOLS; k++)
		report_pad(fp, report_balance_heads[k - LB_INVOICES], 17, 1);
	fputc('\n', fp);
	for (size_t i = 0; i < r->nbalance; i++) {
		report_month_label(buf, sizeof(buf), r->balance[i].month);
		report_text_row(fp, buf, r->balance[i].v);
	}
	report_text_row(fp, REPORT_T_TOTAL, r->total.v);
	if (r->total.v[LB_DIFFERENCE] == 0)
		report_text_par(fp, REPORT_T_BALANCE_OK);
	else {
		snprintf(buf, sizeof(buf), REPORT_T_BALANCE_KO,
		    doc_money(a, r->total.v[LB_DIFFERENCE]));
		report_text_par(fp, buf);
	}
}

void
report_text(FILE *fp, const struct report_doc *d)
{
	char m[64], t[SEPA_DATE_BUFSZ];

	doc_month_fr(m, sizeof(m), d->r->month);
	fprintf(fp, "%s : %s\n%s\n", REPORT_T_TITLE, m, d->name);
	fprintf(fp, REPORT_T_ICS, d->ics);
	fputc('\n', fp);
	fprintf(fp, REPORT_T_MONTH, m);
	fputs(" ; ", fp);
	fprintf(fp, REPORT_T_MADE, sepa_date_fr(t, d->today));
	fputc('\n', fp);
	report_text_debits(fp, d->r);
	report_text_others(fp, d->r);
	report_text_balance(fp, d->r);
}

/* ------------------------------------------------------------ HTML */

static const char report_css[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;color:#222;"
    "font-size:14px;max-width:62em;margin:1.5em auto;padding:0 1em}"
    "header{display:flex;justify-content:space-between;align-items:flex-end;"
    "border-bottom:2px solid #333;padding-bottom:.5em}"
    "header p{margin:.15em 0}h1{font-size:1.45em;margin:0 0 .2em}"
    ".meta{text-align:right}"
    "h2{font-size:1.1em;margin:1.6em 0 .4em;padding-bottom:.15em;"
    "border-bottom:1px solid #bbb}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{padding:3px 7px;text-align:left;border-bottom:1px solid #e3e3e3;"
    "vertical-align:top}"
    "th{background:#eee;font-weight:600}"
    ".n{text-align:right;white-space:nowrap}.id{white-space:nowrap}"
    "tr.total td{font-weight:bold;border-top:1.5px solid #333}"
    "p.def{font-size:.88em;color:#555;margin:.3em 0}"
    "p.rate{font-size:1.08em;font-weight:bold;margin:.5em 0 .2em}"
    "p.ok{color:#2e7d32;font-weight:bold}p.ko{color:#c62828;"
    "font-weight:bold}"
    "table.balance{font-size:.8em}table.balance td,table.balance th"
    "{padding:3px 4px}table.balance th{white-space:normal}"
    "figure{margin:1em 0}figcaption{font-weight:600;margin-bottom:.3em}"
    "svg{max-width:100%;height:auto}"
    "@page{size:A4;margin:14mm 12mm}"
    "@media print{body{font-size:9pt;max-width:none;margin:0;padding:0}"
    "section,figure,tr{break-inside:avoid}h2{break-after:avoid}"
    "table.balance{font-size:6.5pt}"
    "th,svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

static void
report_html_cell(FILE *fp, const char *tag, const char *cls, const char *s)
{
	fprintf(fp, "<%s%s%s%s>", tag, cls != NULL ? " class=\"" : "",
	    cls != NULL ? cls : "", cls != NULL ? "\"" : "");
	htmlout_text(fp, s);
	fprintf(fp, "</%s>", tag);
}

static void
report_html_line(
    FILE *fp, const char *label, int64_t count, int64_t cents, const char *cls)
{
	char c[24] = "", a[DOC_MONEY_BUFSZ] = "";

	if (count >= 0)
		snprintf(c, sizeof(c), "%" PRId64, count);
	if (cents != REPORT_NO_AMOUNT)
		doc_money(a, cents);
	fprintf(fp, "<tr%s%s%s>", cls ? " class=\"" : "", cls ? cls : "",
	    cls ? "\"" : "");
	report_html_cell(fp, "td", NULL, label);
	report_html_cell(fp, "td", "n", c);
	report_html_cell(fp, "td", "n", a);
	fputs("</tr>\n", fp);
}

/* <section><h2>title</h2>, and a table's head row of the columns. */
static void
report_html_table(FILE *fp, const char *title, const char *const *cols,
    const char *num, const char *cls)
{
	fputs("<section><h2>", fp);
	htmlout_text(fp, title);
	fprintf(fp, "</h2>\n<table%s%s%s><tr>", cls ? " class=\"" : "",
	    cls ? cls : "", cls ? "\"" : "");
	for (size_t i = 0; cols[i] != NULL; i++)
		report_html_cell(fp, "th", num[i] == 'n' ? "n" : NULL, cols[i]);
	fputs("</tr>\n", fp);
}

static const char *const report_cols_fig[] = {
    DOC_FR("Libellé"), DOC_FR("Nombre"), DOC_FR("Montant"), NULL};

static void
report_html_lines(
    FILE *fp, const char *title, const struct report_line *l, size_t n)
{
	report_html_table(fp, title, report_cols_fig, "-nn", NULL);
	for (size_t i = 0; i < n; i++)
		report_html_line(fp, l[i].label, l[i].count, l[i].cents, NULL);
	fputs("</table>\n", fp);
}

/* The legend of a chart: two entries a line; with `amounts`, each
 * segment's sum and its share of the whole. */
static void
report_html_legend(
    FILE *fp, const struct report_chart *c, double y0, int amounts)
{
	int64_t seg[REPORT_NSEG] = {0}, all = 0;

	for (size_t i = 0; i < c->nbars; i++)
		for (int k = 0; k < c->nseg; k++) {
			seg[k] += c->bars[i].seg[k];
			all += c->bars[i].seg[k];
		}
	for (int k = 0; k < c->nseg; k++) {
		double x = (k % 2) * 360.0, y = y0 + 20.0 * (k / 2);
		char a[DOC_MONEY_BUFSZ], p[32];

		fprintf(fp,
		    "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" "
		    "fill=\"%s\"/><text x=\"%.0f\" y=\"%.0f\">",
		    x, y, c->colors[k], x + 18, y + 10);
		htmlout_text(fp, c->names[k]);
		if (amounts) {
			fputs(" : ", fp);
			htmlout_text(fp, doc_money(a, seg[k]));
			fputs(" (", fp);
			htmlout_text(
			    fp, report_percent(p, sizeof(p), seg[k], all));
			fputc(')', fp);
		}
		fputs("</text>\n", fp);
	}
}

/* "Aucun." across a table of ncols columns with no row. */
static void
report_html_none(FILE *fp, size_t nrows, int ncols)
{
	if (nrows > 0)
		return;
	fprintf(fp, "<tr><td colspan=\"%d\">", ncols);
	htmlout_text(fp, REPORT_T_NONE);
	fputs("</td></tr>\n", fp);
}

/* A chart: one bar a row, as long as its euros, the legend below (SVG). */
static void
report_html_chart(FILE *fp, const struct report_chart *c, int amounts)
{
	const double x0 = 70, bw = 480, bh = 22, gap = 8;
	char a[DOC_MONEY_BUFSZ];
	int64_t max = 1;
	double h, y = 0;

	for (size_t i = 0; i < c->nbars; i++)
		if (c->bars[i].total > max)
			max = c->bars[i].total;
	h = (double)c->nbars * (bh + gap) + 12 + 20.0 * ((c->nseg + 1) / 2);
	fputs("<figure><figcaption>", fp);
	htmlout_text(fp, c->title);
	fprintf(fp,
	    "</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 720 %.0f\" width=\"720\" height=\"%.0f\" "
	    "role=\"img\" font-family=\"DejaVu Sans, Arial, sans-serif\" "
	    "font-size=\"12\">\n",
	    h, h);
	for (size_t i = 0; i < c->nbars; i++, y += bh + gap) {
		const struct report_bar *b = &c->bars[i];
		double x = x0;

		fprintf(fp, "<text x=\"0\" y=\"%.0f\">", y + 15);
		htmlout_text(fp, b->label);
		fputs("</text>\n", fp);
		for (int k = 0; k < c->nseg; k++) {
			double w = bw * (double)b->seg[k] / (double)max;

			if (b->seg[k] == 0)
				continue;
			fprintf(fp,
			    "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" "
			    "height=\"%.0f\" fill=\"%s\"><title>",
			    x, y, w, bh, c->colors[k]);
			htmlout_text(fp, c->names[k]);
			fputs(" : ", fp);
			htmlout_text(fp, doc_money(a, b->seg[k]));
			fputs("</title></rect>\n", fp);
			x += w;
		}
		fprintf(fp, "<text x=\"%.1f\" y=\"%.0f\">", x + 6, y + 15);
		htmlout_text(fp, doc_money(a, b->shown));
		fputs("</text>\n", fp);
	}
	report_html_legend(fp, c, y + 8, amounts);
	fputs("</svg></figure>\n", fp);
}

static void
report_html_head(FILE *fp, const struct report_doc *d)
{
	char m[64], t[SEPA_DATE_BUFSZ], buf[256];

	doc_month_fr(m, sizeof(m), d->r->month);
	fputs(
	    "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\"><title>",
	    fp);
	snprintf(buf, sizeof(buf), "%s : %s, %s", REPORT_T_TITLE, m, d->name);
	htmlout_text(fp, buf);
	fprintf(fp, "</title><style>%s</style></head><body>\n<header><div><h1>",
	    report_css);
	htmlout_text(fp, REPORT_T_TITLE);
	fputs("</h1><p><strong>", fp);
	htmlout_text(fp, d->name);
	fputs("</strong></p><p>", fp);
	snprintf(buf, sizeof(buf), REPORT_T_ICS, d->ics);
	htmlout_text(fp, buf);
	fputs("</p></div><div class=\"meta\"><p><strong>", fp);
	snprintf(buf, sizeof(buf), REPORT_T_MONTH, m);
	htmlout_text(fp, buf);
	fputs("</strong></p><p>", fp);
	snprintf(buf, sizeof(buf), REPORT_T_MADE, sepa_date_fr(t, d->today));
	htmlout_text(fp, buf);
	fputs("</p></div></header>\n", fp);
}

static const char *const report_cols_reasons[] = {DOC_FR("Motif"),
    DOC_FR("Code"), DOC_FR("Nature"), DOC_FR("Nombre"), DOC_FR("Montant"),
    NULL};
static const char *const report_cols_families[] = {DOC_FR("Famille"),
    DOC_FR("Payeur"), DOC_FR("Facture"), DOC_FR("Motif"), DOC_FR("Montant"),
    NULL};

static void
report_html_debits(FILE *fp, const struct report *r)
{
	struct report_line l[8];
	struct report_chart c;
	char buf[512], a[DOC_MONEY_BUFSZ];

	report_html_lines(fp, REPORT_T_DEBITS, l, report_debit_lines(r, l));
	fputs("<p class=\"rate\">", fp);
	htmlout_text(fp, report_rate(buf, sizeof(buf), r));
	fputs("</p><p class=\"def\">", fp);
	htmlout_text(fp, REPORT_T_RATE_DEF);
	fputs("</p>\n", fp);
	report_chart_debits(r, &c);
	report_html_chart(fp, &c, 1);
	report_chart_free(&c);
	fputs("</section>\n", fp);
	report_html_table(
	    fp, REPORT_T_REASONS, report_cols_reasons, "---nn", NULL);
	report_html_none(fp, r->nreasons, 5);
	for (size_t i = 0; i < r->nreasons; i++) {
		const struct report_reason *x = &r->reasons[i];

		fputs("<tr>", fp);
		report_html_cell(fp, "td", NULL, report_reason_fr(x->code));
		report_html_cell(fp, "td", NULL, x->code);
		report_html_cell(fp, "td", NULL, report_state_fr(x->state));
		snprintf(buf, sizeof(buf), "%" PRId64, x->count);
		report_html_cell(fp, "td", "n", buf);
		report_html_cell(fp, "td", "n", doc_money(a, x->cents));
		fputs("</tr>\n", fp);
	}
	fputs("</table></section>\n", fp);
	report_html_table(
	    fp, REPORT_T_FAMILIES, report_cols_families, "----n", NULL);
	report_html_none(fp, r->nfamilies, 5);
	for (size_t i = 0; i < r->nfamilies; i++) {
		const struct report_unpaid *u = &r->families[i];

		fputs("<tr>", fp);
		report_html_cell(fp, "td", "id", u->family_ref);
		report_html_cell(fp, "td", NULL, u->payer);
		report_html_cell(fp, "td", "id", u->invoice);
		snprintf(buf, sizeof(buf), "%s (%s, %s)",
		    report_reason_fr(u->code), u->code[0] ? u->code : "-",
		    report_state_fr(u->state));
		report_html_cell(fp, "td", NULL, buf);
		report_html_cell(fp, "td", "n", doc_money(a, u->cents));
		fputs("</tr>\n", fp);
	}
	fputs("</table></section>\n", fp);
}

static const char *const report_cols_mandates[] = {DOC_FR("Situation"),
    DOC_FR("Date"), DOC_FR("Famille"), DOC_FR("Payeur"), DOC_FR("RUM"),
    DOC_FR("Motif"), NULL};
static const char *const report_cols_services[] = {
    DOC_FR("Service"), DOC_FR("Lignes"), DOC_FR("Montant"), NULL};

static void
report_html_others(FILE *fp, const struct report *r)
{
	struct report_line l[8];
	char buf[512];

	report_html_table(fp, REPORT_T_OTHER, report_cols_fig, "-nn", NULL);
	for (size_t i = 0; i < r->nmethods; i++)
		report_html_line(fp, report_method_fr(r->methods[i].method),
		    r->methods[i].sum.count, r->methods[i].sum.cents, NULL);
	report_html_line(
	    fp, REPORT_T_TOTAL, r->other.count, r->other.cents, "total");
	fputs("</table></section>\n", fp);
	report_html_lines(fp, REPORT_T_INVOICES, l, report_invoice_lines(r, l));
	fputs("</section>\n", fp);
	report_html_table(
	    fp, REPORT_T_MANDATES, report_cols_mandates, "------", NULL);
	report_html_none(fp, r->nmandates, 6);
	for (size_t i = 0; i < r->nmandates; i++) {
		const struct report_mandate *m = &r->mandates[i];
		char d[SEPA_DATE_BUFSZ];

		fputs("<tr>", fp);
		report_html_cell(fp, "td", NULL, report_mandate_fr(m->kind));
		report_html_cell(fp, "td", "id", sepa_date_fr(d, m->on));
		report_html_cell(fp, "td", "id", m->family_ref);
		report_html_cell(fp, "td", NULL, m->payer);
		report_html_cell(fp, "td", "id", m->rum);
		report_html_cell(fp, "td", NULL,
		    report_mandate_reason_fr(buf, sizeof(buf), m->reason));
		fputs("</tr>\n", fp);
	}
	fputs("</table></section>\n", fp);
	report_html_table(
	    fp, REPORT_T_SERVICES, report_cols_services, "-nn", NULL);
	for (size_t i = 0; i < r->nservices; i++)
		report_html_line(fp,
		    report_service_name(buf, sizeof(buf), &r->services[i]),
		    r->services[i].lines, r->services[i].cents, NULL);
	report_html_line(fp, REPORT_T_TOTAL, r->service_total.count,
	    r->service_total.cents, "total");
	fputs("</table><p class=\"def\">", fp);
	htmlout_text(fp, REPORT_T_SERVICES_DEF);
	fputs("</p></section>\n", fp);
}

static void
report_html_row(FILE *fp, const char *label, const int64_t *v, int total)
{
	char c[24], a[DOC_MONEY_BUFSZ];

	fputs(total ? "<tr class=\"total\">" : "<tr>", fp);
	report_html_cell(fp, "td", NULL, label);
	snprintf(c, sizeof(c), "%" PRId64, v[LB_INVOICES]);
	report_html_cell(fp, "td", "n", c);
	for (int k = LB_BILLED; k < LB_NCOLS; k++)
		report_html_cell(fp, "td", "n", doc_money(a, v[k]));
	fputs("</tr>\n", fp);
}

static void
report_html_balance(FILE *fp, const struct report *r)
{
	const char *cols[LB_NCOLS + 1];
	struct report_chart c;
	char buf[256], a[DOC_MONEY_BUFSZ];

	cols[0] = REPORT_T_MONTHCOL;
	for (int k = LB_INVOICES; k < LB_NCOLS; k++)
		cols[k] = report_balance_heads[k - LB_INVOICES];
	cols[LB_NCOLS] = NULL;
	report_html_table(
	    fp, REPORT_T_BALANCE, cols, "-nnnnnnnnnnn", "balance");
	for (size_t i = 0; i < r->nbalance; i++) {
		report_month_label(buf, sizeof(buf), r->balance[i].month);
		report_html_row(fp, buf, r->balance[i].v, 0);
	}
	report_html_row(fp, REPORT_T_TOTAL, r->total.v, 1);
	fputs("</table><p class=\"def\">", fp);
	htmlout_text(fp, REPORT_T_BALANCE_DEF);
	if (r->total.v[LB_DIFFERENCE] == 0) {
		fputs("</p><p class=\"ok\">", fp);
		htmlout_text(fp, REPORT_T_BALANCE_OK);
	} else {
		fputs("</p><p class=\"ko\">", fp);
		snprintf(buf, sizeof(buf), REPORT_T_BALANCE_KO,
		    doc_money(a, r->total.v[LB_DIFFERENCE]));
		htmlout_text(fp, buf);
	}
	fputs("</p>\n", fp);
	report_chart_balance(r, &c);
	report_html_chart(fp, &c, 0);
	report_chart_free(&c);
	fputs("</section>\n", fp);
}

void
report_html(FILE *fp, const struct report_doc *d)
{
	report_html_head(fp, d);
	report_html_debits(fp, d->r);
	report_html_others(fp, d->r);
	report_html_balance(fp, d->r);
	fputs("</body></html>\n", fp);
}
