/*
 * cmd_caf.c - `sepactl report caf --year YYYY [--csv] [--html FILE]`: the
 * yearly activity declaration to the CAF (docs/product.md, The CAF
 * declaration). The hours of the services declared to the CAF, réalisées
 * (as recorded) and facturées (as invoiced, after the billing's rounding),
 * per activity, month, CAF period (school weeks, Wednesdays, holidays of
 * the commune's zone) and age band (age on each day of attendance), with
 * the distinct children; the children without a birth date, to complete
 * before declaring; and a check of the hours invoiced against the
 * invoices. As text, as a CSV for French Excel, or as an HTML page.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sepa/caf.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "afile.h"
#include "commands.h"
#include "config.h"
#include "csvout.h"
#include "ctl.h"
#include "htmlout.h"
#include "i18n.h"
#include "log.h"
#include "notice.h"
#include "store_caf.h"

/* Most service codes named per activity in the headings. */
#define CAF_MAX_SERVICES 12
/* Most children without a birth date listed in the text (all in HTML). */
#define CAF_TEXT_UNKNOWN 50

/* A child without a birth date and its hours réalisées. */
struct caf_child {
	int64_t id;
	char *family_ref, *child_ref, *name;
	int64_t recorded_milli;
};

struct caf_report {
	int year;
	const struct sepad_config *cfg;
	sepa_holidays calendar;
	sepa_caf_tally *t;
	char *services[SEPA_CAF_NACTIVITIES][CAF_MAX_SERVICES];
	size_t nservices[SEPA_CAF_NACTIVITIES];
	struct caf_child *unknown;
	size_t nunknown, capunknown;
	int64_t unbilled_lines;
	struct caf_invoiced inv;
	int64_t invoiced_hours_milli; /* inv in hours */
};

/* ---------------------------------------------------------- reading */

static void
caf_add_service(struct caf_report *r, enum sepa_caf_activity a, const char *s)
{
	size_t n = r->nservices[a], at;

	for (size_t i = 0; i < n && i < CAF_MAX_SERVICES; i++)
		if (strcmp(r->services[a][i], s) == 0)
			return;
	r->nservices[a] = n + 1;
	if (n >= CAF_MAX_SERVICES)
		return;
	/* In the order of their codes. */
	for (at = n; at > 0 && strcmp(r->services[a][at - 1], s) > 0; at--)
		r->services[a][at] = r->services[a][at - 1];
	r->services[a][at] = xstrdup(s);
}

static int
caf_on_day(const struct caf_day *d, void *arg, sepa_error *err)
{
	struct caf_report *r = arg;
	struct caf_child *c;
	int64_t h;
	int rc;

	if ((rc = sepa_caf_tally_day(r->t, d->child_id, d->activity, d->unit,
	         d->day, d->has_birth ? &d->birth : NULL, d->recorded_milli,
	         d->billed_milli, err)) != 0)
		return rc;
	r->unbilled_lines += d->unbilled_lines;
	caf_add_service(r, d->activity, d->service);
	if (d->has_birth || (d->recorded_milli == 0 && d->billed_milli == 0))
		return 0;
	/* Days come child by child: a new child starts a new entry. */
	if (r->nunknown == 0 || r->unknown[r->nunknown - 1].id != d->child_id) {
		if (r->nunknown == r->capunknown) {
			r->capunknown = r->capunknown ? r->capunknown * 2 : 16;
			r->unknown = xreallocarray(
			    r->unknown, r->capunknown, sizeof(*r->unknown));
		}
		c = &r->unknown[r->nunknown++];
		c->id = d->child_id;
		c->family_ref = xstrdup(d->family_ref);
		c->child_ref = xstrdup(d->child_ref);
		c->name = xstrdup(d->child_name);
		c->recorded_milli = 0;
	}
	if (sepa_caf_hours(&h, d->unit, d->recorded_milli,
	        r->cfg->caf_hours_per_day, SEPA_HOURS_NONE, err) == 0)
		r->unknown[r->nunknown - 1].recorded_milli += h;
	return 0;
}

static void
caf_report_free(struct caf_report *r)
{
	for (size_t a = 0; a < SEPA_CAF_NACTIVITIES; a++)
		for (size_t i = 0; i < r->nservices[a] && i < CAF_MAX_SERVICES;
		     i++)
			free(r->services[a][i]);
	for (size_t i = 0; i < r->nunknown; i++) {
		free(r->unknown[i].family_ref);
		free(r->unknown[i].child_ref);
		free(r->unknown[i].name);
	}
	free(r->unknown);
	free(r->t);
	sepa_holidays_free(&r->calendar);
}

/* The calendar of caf.holidays; a refusal says which file and why. */
static int
caf_read_calendar(struct caf_report *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *path = r->cfg->caf_holidays;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return ctl_fail(CTL_REFUSED, NULL,
		    "could not read the school holiday calendar %s "
		    "(caf.holidays): %s",
		    path, strerror(errno));
	rc = sepa_holidays_read(&r->calendar, fd, path, &err);
	close(fd);
	if (rc != 0)
		return ctl_fail(CTL_REFUSED, &err,
		    "could not read the school holiday calendar %s "
		    "(caf.holidays)",
		    path);
	return CTL_OK;
}

/* ------------------------------------------------------- formatting */

/* Hours in thousandths as "1 234,50" (two decimals, `sep` between
 * thousands). */
static char *
caf_hours(char *buf, size_t size, int64_t milli, const char *sep)
{
	int64_t c = milli < 0 ? -((-milli + 5) / 10) : (milli + 5) / 10;
	int64_t a = c < 0 ? -c : c, units = a / 100;
	char digits[32], grouped[128];
	size_t n, j = 0;

	snprintf(digits, sizeof(digits), "%" PRId64, units);
	n = strlen(digits);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			for (const char *p = sep; *p != '\0'; p++)
				grouped[j++] = *p;
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	snprintf(
	    buf, size, "%s%s,%02d", c < 0 ? "-" : "", grouped, (int)(a % 100));
	return buf;
}

static const sepa_caf_cell *
caf_cell(const struct caf_report *r, int a, int m, int p, int b)
{
	return sepa_caf_tally_cell(r->t, a, m, p, b);
}

static int
caf_empty(const sepa_caf_cell *c)
{
	return c->recorded_milli == 0 && c->billed_milli == 0 &&
	    c->children == 0;
}

static int
caf_nbands(const struct caf_report *r)
{
	return (int)sepa_caf_band_count(&r->cfg->caf_age_bands);
}

static const char *
caf_band(char *buf, size_t size, const struct caf_report *r, int b)
{
	if (b == SEPA_CAF_ALL)
		return "tous âges";
	return sepa_caf_band_label(
	    buf, size, &r->cfg->caf_age_bands, (size_t)b);
}

static const char *
caf_period(int p)
{
	return p == SEPA_CAF_ALL
	    ? "toutes périodes"
	    : sepa_caf_period_label((enum sepa_caf_period)p);
}

static const char *
caf_activity(int a)
{
	return a == SEPA_CAF_ALL
	    ? "Toutes activités"
	    : sepa_caf_activity_label((enum sepa_caf_activity)a);
}

/* "ALSH, JOURNEE" */
static void
caf_services(char *buf, size_t size, const struct caf_report *r, int a)
{
	size_t n = r->nservices[a];

	buf[0] = '\0';
	for (size_t i = 0; i < n && i < CAF_MAX_SERVICES; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
		    i > 0 ? ", " : "", r->services[a][i]);
	if (n > CAF_MAX_SERVICES)
		snprintf(buf + strlen(buf), size - strlen(buf),
		    " et %zu autres", n - CAF_MAX_SERVICES);
}

/* "juin 2026", or "année 2026" for SEPA_CAF_ALL. */
static void
caf_month(char *buf, size_t size, int year, int m)
{
	if (m == SEPA_CAF_ALL)
		snprintf(buf, size, "année %d", year);
	else
		snprintf(buf, size, "%s %d", sepa_month_name_fr(m), year);
}

/* The activities to show: those with hours, then all of them. */
static int
caf_shown(const struct caf_report *r, int a)
{
	return a == SEPA_CAF_ALL ||
	    !caf_empty(
	        caf_cell(r, a, SEPA_CAF_ALL, SEPA_CAF_ALL, SEPA_CAF_ALL));
}

/* ------------------------------------------------------------- text */

static void
caf_text_row(FILE *fp, const char *label, const sepa_caf_cell *c)
{
	char rec[32], bil[32], n[24];

	fputs("  ", fp);
	notice_cell(fp, label, 34, 0);
	notice_cell(
	    fp, caf_hours(rec, sizeof(rec), c->recorded_milli, " "), 13, 1);
	notice_cell(
	    fp, caf_hours(bil, sizeof(bil), c->billed_milli, " "), 13, 1);
	snprintf(n, sizeof(n), "%" PRId64, c->children);
	notice_cell(fp, n, 9, 1);
	fputc('\n', fp);
}

static void
caf_text_head(FILE *fp, const char *first)
{
	fputs("  ", fp);
	notice_cell(fp, first, 34, 0);
	notice_cell(fp, "réalisées", 13, 1);
	notice_cell(fp, "facturées", 13, 1);
	notice_cell(fp, "enfants", 9, 1);
	fputc('\n', fp);
}

/* The lines of an activity's two tables, in order. */
enum caf_line {
	CAF_PERIODS, /* the head of the table of periods */
	CAF_PERIOD, /* a period, or the total */
	CAF_BAND, /* an age band of the period above */
	CAF_MONTHS, /* the head of the table of months */
	CAF_MONTH,
	CAF_DONE
};

typedef void caf_line_fn(FILE *fp, const struct caf_report *r, int a,
    enum caf_line k, const char *label, const sepa_caf_cell *c);

/*
 * The lines of activity a (or SEPA_CAF_ALL) for the text and the page:
 * each period with hours and the total, with their age bands; then each
 * month with hours.
 */
static void
caf_lines(FILE *fp, const struct caf_report *r, int a, caf_line_fn *fn)
{
	char label[64];

	fn(fp, r, a, CAF_PERIODS, "période / tranche d'âge", NULL);
	for (int p = 0; p <= SEPA_CAF_NPERIODS; p++) {
		int pp = p == SEPA_CAF_NPERIODS ? SEPA_CAF_ALL : p;
		const sepa_caf_cell *c =
		    caf_cell(r, a, SEPA_CAF_ALL, pp, SEPA_CAF_ALL);

		if (caf_empty(c) && pp != SEPA_CAF_ALL)
			continue;
		fn(fp, r, a, CAF_PERIOD,
		    pp == SEPA_CAF_ALL ? "total" : caf_period(pp), c);
		for (int b = 0; b < caf_nbands(r); b++) {
			const sepa_caf_cell *x =
			    caf_cell(r, a, SEPA_CAF_ALL, pp, b);

			if (!caf_empty(x))
				fn(fp, r, a, CAF_BAND,
				    caf_band(label, sizeof(label), r, b), x);
		}
	}
	fn(fp, r, a, CAF_MONTHS, "mois", NULL);
	for (int m = 1; m <= 12; m++) {
		const sepa_caf_cell *c =
		    caf_cell(r, a, m, SEPA_CAF_ALL, SEPA_CAF_ALL);

		if (caf_empty(c))
			continue;
		caf_month(label, sizeof(label), r->year, m);
		fn(fp, r, a, CAF_MONTH, label, c);
	}
	fn(fp, r, a, CAF_DONE, NULL, NULL);
}

static void
caf_text_line(FILE *fp, const struct caf_report *r, int a, enum caf_line k,
    const char *label, const sepa_caf_cell *c)
{
	char indented[80];

	(void)r;
	(void)a;
	switch (k) {
	case CAF_PERIODS:
		caf_text_head(fp, label);
		break;
	case CAF_MONTHS:
		fputc('\n', fp);
		caf_text_head(fp, label);
		break;
	case CAF_BAND:
		snprintf(indented, sizeof(indented), "  %s", label);
		caf_text_row(fp, indented, c);
		break;
	case CAF_PERIOD:
	case CAF_MONTH:
		caf_text_row(fp, label, c);
		break;
	case CAF_DONE:
		break;
	}
}

static void
caf_text_unknown(FILE *fp, const struct caf_report *r)
{
	char h[32];

	fprintf(fp,
	    "\nEnfants sans date de naissance (tranche « âge inconnu ») : "
	    "%zu\n",
	    r->nunknown);
	if (r->nunknown == 0)
		return;
	for (size_t i = 0; i < r->nunknown && i < CAF_TEXT_UNKNOWN; i++)
		fprintf(fp, "  famille %s, enfant %s, %s : %s h réalisées\n",
		    r->unknown[i].family_ref, r->unknown[i].child_ref,
		    r->unknown[i].name,
		    caf_hours(h, sizeof(h), r->unknown[i].recorded_milli, " "));
	if (r->nunknown > CAF_TEXT_UNKNOWN)
		fprintf(fp, "  ... et %zu autres (la liste entière : --html)\n",
		    r->nunknown - CAF_TEXT_UNKNOWN);
	fputs("  Avant de déclarer, complétez leur date de naissance dans un "
	      "fichier\n  child_ref;family_ref;child_name;birth_date et "
	      "importez-le avec\n  sepactl import children.\n",
	    fp);
}

/* What the hours are, in one sentence (`brk` in its middle). */
static void
caf_method(char *buf, size_t size, const struct caf_report *r, const char *brk)
{
	snprintf(buf, size,
	    "Heures réalisées : telles que pointées ; heures facturées : après "
	    "l'arrondi%sde la facturation (%s) ; 1 journée = %d heures.",
	    brk,
	    r->cfg->hour_rounding == CONFIG_ROUND_UP
	        ? "à l'heure supérieure par enfant, service et jour"
	        : "aucun",
	    r->cfg->caf_hours_per_day);
}

/* The hours invoiced against the invoices: "" when they agree. */
static void
caf_check(char *buf, size_t size, const struct caf_report *r)
{
	const sepa_caf_cell *all =
	    caf_cell(r, SEPA_CAF_ALL, SEPA_CAF_ALL, SEPA_CAF_ALL, SEPA_CAF_ALL);
	char a[32], b[32], d[32];

	buf[0] = '\0';
	if (all->billed_milli == r->invoiced_hours_milli)
		return;
	snprintf(buf, size,
	    "les factures comptent %s heures pour ces services et ces mois, "
	    "la déclaration %s (écart %s) : billing.hour_rounding ou "
	    "caf.hours_per_day a-t-il changé depuis la facturation ?",
	    caf_hours(a, sizeof(a), r->invoiced_hours_milli, " "),
	    caf_hours(b, sizeof(b), all->billed_milli, " "),
	    caf_hours(d, sizeof(d), all->billed_milli - r->invoiced_hours_milli,
	        " "));
}

static void
caf_text(FILE *fp, const struct caf_report *r)
{
	const sepa_caf_cell *all =
	    caf_cell(r, SEPA_CAF_ALL, SEPA_CAF_ALL, SEPA_CAF_ALL, SEPA_CAF_ALL);
	char svc[512], h[32], check[512];

	fprintf(fp, "Déclaration d'activité à la Caf, année %d\n", r->year);
	fprintf(fp, "%s ; zone de vacances scolaires %c (%s)\n",
	    r->cfg->cred_name[0] != '\0' ? r->cfg->cred_name : "(sans nom)",
	    'A' + r->cfg->caf_zone, r->cfg->caf_holidays);
	caf_method(check, sizeof(check), r, "\n");
	fprintf(fp, "%s\n", check);
	for (int a = 1; a <= SEPA_CAF_NACTIVITIES; a++) {
		int aa = a == SEPA_CAF_NACTIVITIES ? SEPA_CAF_ALL : a;

		if (!caf_shown(r, aa))
			continue;
		if (aa == SEPA_CAF_ALL) {
			fprintf(fp, "\n%s\n", caf_activity(aa));
		} else {
			caf_services(svc, sizeof(svc), r, aa);
			fprintf(fp, "\n%s (%s)\n", caf_activity(aa), svc);
		}
		caf_lines(fp, r, aa, caf_text_line);
	}
	caf_text_unknown(fp, r);
	caf_check(check, sizeof(check), r);
	fprintf(fp, "\nContrôle : %s heures facturées, %s d'après les factures",
	    caf_hours(svc, sizeof(svc), all->billed_milli, " "),
	    caf_hours(h, sizeof(h), r->invoiced_hours_milli, " "));
	fputs(check[0] == '\0' ? " : identiques.\n" : " : ÉCART.\n", fp);
	if (check[0] != '\0')
		fprintf(fp, "  %s\n", check);
	if (r->unbilled_lines > 0)
		fprintf(fp,
		    "Pas encore facturées : %" PRId64
		    " lignes de consommation de %d (comptées en heures "
		    "réalisées seulement).\n",
		    r->unbilled_lines, r->year);
}

/* -------------------------------------------------------------- CSV */

static void
caf_csv_row(struct csvout *w, const struct caf_report *r, int a, int m, int p,
    int b, const sepa_caf_cell *c)
{
	char buf[64];
	sepa_date d1 = {r->year, m == SEPA_CAF_ALL ? 1 : m, 1};
	sepa_date d2 = {r->year, m == SEPA_CAF_ALL ? 12 : m,
	    sepa_days_in_month(r->year, m == SEPA_CAF_ALL ? 12 : m)};

	csvout_int(w, r->year);
	csvout_text(w, caf_activity(a));
	caf_month(buf, sizeof(buf), r->year, m);
	csvout_text(w, buf);
	csvout_date(w, d1);
	csvout_date(w, d2);
	csvout_text(w, caf_period(p));
	csvout_text(w, caf_band(buf, sizeof(buf), r, b));
	csvout_milli(w, c->recorded_milli);
	csvout_milli(w, c->billed_milli);
	csvout_int(w, c->children);
	csvout_end(w);
}

/*
 * One row per activity, month, period and band that has hours, then the
 * totals ("toutes périodes", "tous âges", "année"), for each activity and
 * for all of them.
 */
static void
caf_csv(FILE *fp, const struct caf_report *r)
{
	static const char *const head[] = {"Année", "Activité", "Mois", "Du",
	    "Au", "Période", "Tranche d'âge", "Heures réalisées",
	    "Heures facturées", "Enfants"};
	struct csvout_dialect d = csvout_dialect_of(r->cfg);
	struct csvout w;

	csvout_begin(&w, fp, &d, head, sizeof(head) / sizeof(head[0]));
	for (int a = 1; a <= SEPA_CAF_NACTIVITIES; a++) {
		int aa = a == SEPA_CAF_NACTIVITIES ? SEPA_CAF_ALL : a;

		if (!caf_shown(r, aa))
			continue;
		for (int m = 1; m <= 13; m++) {
			int mm = m == 13 ? SEPA_CAF_ALL : m;

			if (mm != SEPA_CAF_ALL &&
			    caf_empty(caf_cell(
			        r, aa, mm, SEPA_CAF_ALL, SEPA_CAF_ALL)))
				continue;
			for (int p = 0; p <= SEPA_CAF_NPERIODS; p++) {
				int pp =
				    p == SEPA_CAF_NPERIODS ? SEPA_CAF_ALL : p;

				for (int b = 0; b <= caf_nbands(r); b++) {
					int bb = b == caf_nbands(r)
					    ? SEPA_CAF_ALL
					    : b;
					const sepa_caf_cell *c =
					    caf_cell(r, aa, mm, pp, bb);

					if (caf_empty(c) &&
					    (pp != SEPA_CAF_ALL ||
					        bb != SEPA_CAF_ALL))
						continue;
					caf_csv_row(&w, r, aa, mm, pp, bb, c);
				}
			}
		}
	}
}

/* ------------------------------------------------------------- HTML */

static void
caf_html_row(FILE *fp, const char *label, int indent, const sepa_caf_cell *c)
{
	char rec[48], bil[48];

	fprintf(fp, "<tr%s><th>", indent ? " class=\"band\"" : "");
	htmlout_text(fp, label);
	fprintf(fp, "</th><td>%s</td><td>%s</td><td>%" PRId64 "</td></tr>\n",
	    caf_hours(rec, sizeof(rec), c->recorded_milli, "&#8239;"),
	    caf_hours(bil, sizeof(bil), c->billed_milli, "&#8239;"),
	    c->children);
}

static void
caf_html_head(FILE *fp, const char *first)
{
	fputs("<table>\n<tr><th>", fp);
	htmlout_text(fp, first);
	fputs("</th><th>heures réalisées</th><th>heures facturées</th>"
	      "<th>enfants</th></tr>\n",
	    fp);
}

/* A column per month: the hours réalisées, 120 px for the largest. */
static void
caf_html_chart(FILE *fp, const struct caf_report *r, int a)
{
	static const char *const abbr[12] = {"janv.", "févr.", "mars", "avr.",
	    "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."};
	int64_t max = 1;

	for (int m = 1; m <= 12; m++) {
		const sepa_caf_cell *c =
		    caf_cell(r, a, m, SEPA_CAF_ALL, SEPA_CAF_ALL);

		if (c->recorded_milli > max)
			max = c->recorded_milli;
	}
	fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" "
	      "height=\"170\" role=\"img\" aria-label=\"heures réalisées par "
	      "mois\">\n",
	    fp);
	for (int m = 1; m <= 12; m++) {
		const sepa_caf_cell *c =
		    caf_cell(r, a, m, SEPA_CAF_ALL, SEPA_CAF_ALL);
		int64_t h =
		    c->recorded_milli > 0 ? c->recorded_milli * 120 / max : 0;
		int x = (m - 1) * 50;
		char v[48];

		fprintf(fp,
		    "<rect x=\"%d\" y=\"%" PRId64 "\" width=\"34\" "
		    "height=\"%" PRId64 "\" fill=\"#2f6f9f\"/>"
		    "<text x=\"%d\" y=\"%" PRId64 "\" font-size=\"10\">%s"
		    "</text><text x=\"%d\" y=\"160\" font-size=\"11\">%s"
		    "</text>\n",
		    x, 140 - h, h, x, 136 - h,
		    c->recorded_milli > 0
		        ? caf_hours(v, sizeof(v), c->recorded_milli, "&#8239;")
		        : "",
		    x, abbr[m - 1]);
	}
	fputs("</svg>\n", fp);
}

static void
caf_html_line(FILE *fp, const struct caf_report *r, int a, enum caf_line k,
    const char *label, const sepa_caf_cell *c)
{
	switch (k) {
	case CAF_PERIODS:
		caf_html_head(fp, label);
		break;
	case CAF_MONTHS:
		fputs("</table>\n", fp);
		caf_html_head(fp, label);
		break;
	case CAF_PERIOD:
	case CAF_MONTH:
	case CAF_BAND:
		caf_html_row(fp, label, k == CAF_BAND, c);
		break;
	case CAF_DONE:
		fputs("</table>\n", fp);
		caf_html_chart(fp, r, a);
		break;
	}
}

static void
caf_html_activity(FILE *fp, const struct caf_report *r, int a)
{
	char svc[512];

	fputs("<h2>", fp);
	htmlout_text(fp, caf_activity(a));
	fputs("</h2>\n", fp);
	if (a != SEPA_CAF_ALL) {
		caf_services(svc, sizeof(svc), r, a);
		fputs("<p>Services : ", fp);
		htmlout_text(fp, svc);
		fputs("</p>\n", fp);
	}
	caf_lines(fp, r, a, caf_html_line);
}

static void
caf_html(FILE *fp, const struct caf_report *r)
{
	const sepa_caf_cell *all =
	    caf_cell(r, SEPA_CAF_ALL, SEPA_CAF_ALL, SEPA_CAF_ALL, SEPA_CAF_ALL);
	char check[512], h1[48], h2[48],
	    zone[2] = {(char)('A' + r->cfg->caf_zone), '\0'};

	fputs("<!DOCTYPE html>\n<html lang=\"fr\"><head><meta "
	      "charset=\"utf-8\"><title>Déclaration Caf ",
	    fp);
	fprintf(fp, "%d — ", r->year);
	htmlout_text(fp, r->cfg->cred_name);
	fputs(
	    "</title><style>body{font-family:sans-serif;margin:1.5em}"
	    "table{border-collapse:collapse;margin:.6em 0}"
	    "td,th{padding:2px 10px;border-bottom:1px solid #ddd}"
	    "th{text-align:left}td{text-align:right;"
	    "font-variant-numeric:tabular-nums}"
	    "tr.band th{font-weight:normal;padding-left:2em}td.t{text-align:left}"
	    ".warn{color:#a00000;font-weight:bold}</style></head><body>\n",
	    fp);
	fprintf(fp, "<h1>Déclaration d'activité à la Caf — année %d</h1>\n",
	    r->year);
	fputs("<p>", fp);
	htmlout_text(fp, r->cfg->cred_name);
	fputs(" — zone de vacances scolaires ", fp);
	htmlout_text(fp, zone);
	caf_method(check, sizeof(check), r, " ");
	fputs(". ", fp);
	htmlout_text(fp, check);
	fputs("</p>\n", fp);
	for (int a = 1; a <= SEPA_CAF_NACTIVITIES; a++) {
		int aa = a == SEPA_CAF_NACTIVITIES ? SEPA_CAF_ALL : a;

		if (caf_shown(r, aa))
			caf_html_activity(fp, r, aa);
	}
	fprintf(fp,
	    "<h2>Enfants sans date de naissance (« âge inconnu ») : "
	    "%zu</h2>\n",
	    r->nunknown);
	if (r->nunknown > 0) {
		fputs("<p class=\"warn\">À compléter avant de déclarer : un "
		      "fichier child_ref;family_ref;child_name;birth_date, "
		      "importé avec sepactl import children.</p>\n<table>\n"
		      "<tr><th>famille</th><th>enfant</th><th>nom</th>"
		      "<th>heures réalisées</th></tr>\n",
		    fp);
		for (size_t i = 0; i < r->nunknown; i++) {
			fputs("<tr><td class=\"t\">", fp);
			htmlout_text(fp, r->unknown[i].family_ref);
			fputs("</td><td class=\"t\">", fp);
			htmlout_text(fp, r->unknown[i].child_ref);
			fputs("</td><td class=\"t\">", fp);
			htmlout_text(fp, r->unknown[i].name);
			fprintf(fp, "</td><td>%s</td></tr>\n",
			    caf_hours(h1, sizeof(h1),
			        r->unknown[i].recorded_milli, "&#8239;"));
		}
		fputs("</table>\n", fp);
	}
	caf_check(check, sizeof(check), r);
	fprintf(fp,
	    "<h2>Contrôle</h2>\n<p>%s heures facturées déclarées, %s d'après "
	    "les factures : %s</p>\n",
	    caf_hours(h1, sizeof(h1), all->billed_milli, "&#8239;"),
	    caf_hours(h2, sizeof(h2), r->invoiced_hours_milli, "&#8239;"),
	    check[0] == '\0' ? "identiques."
	                     : "<span class=\"warn\">écart.</span>");
	if (check[0] != '\0') {
		fputs("<p class=\"warn\">", fp);
		htmlout_text(fp, check);
		fputs("</p>\n", fp);
	}
	if (r->unbilled_lines > 0)
		fprintf(fp,
		    "<p>Pas encore facturées : %" PRId64
		    " lignes de consommation de %d (comptées en heures "
		    "réalisées seulement).</p>\n",
		    r->unbilled_lines, r->year);
	fputs("</body></html>\n", fp);
}

static int
caf_write_html(const char *path, const struct caf_report *r)
{
	sepa_error err = SEPA_ERROR_INIT;
	struct afile af;

	if (afile_open(&af, path, AFILE_MODE, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err, "could not write %s", path);
	caf_html(af.fp, r);
	if (afile_commit(&af, &err) != 0)
		return ctl_fail(CTL_INTERNAL, &err, "could not write %s", path);
	return CTL_OK;
}

/* ------------------------------------------------------------ entry */

int
cmd_report_caf(struct ctl *ctl, int argc, char **argv)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *year_arg = NULL, *html = NULL;
	struct caf_report r;
	sepa_caf_params p;
	struct db *db;
	int64_t cred;
	int csv = 0, rc;
	char *end;
	long year;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--year") == 0 && i + 1 < argc)
			year_arg = argv[++i];
		else if (strcmp(argv[i], "--html") == 0 && i + 1 < argc)
			html = argv[++i];
		else if (strcmp(argv[i], "--csv") == 0)
			csv = 1;
		else {
			log_warnx("report caf: unexpected \"%s\" (see sepactl "
			          "report --help)",
			    argv[i]);
			return CTL_USAGE;
		}
	}
	if (year_arg == NULL) {
		log_warnx("report caf needs --year YYYY");
		return CTL_USAGE;
	}
	errno = 0;
	year = strtol(year_arg, &end, 10);
	if (errno != 0 || *end != '\0' || strlen(year_arg) != 4 ||
	    year < 1900 || year > 9998) {
		log_warnx(
		    "report caf: --year \"%s\" is not a year YYYY", year_arg);
		return CTL_USAGE;
	}
	memset(&r, 0, sizeof(r));
	r.year = (int)year;
	r.cfg = &ctl->cfg;
	if ((rc = caf_read_calendar(&r)) != CTL_OK)
		goto cleanup;
	p.calendar = &r.calendar;
	p.zone = (char)('A' + ctl->cfg.caf_zone);
	p.hours_per_day = ctl->cfg.caf_hours_per_day;
	p.rounding = ctl->cfg.hour_rounding == CONFIG_ROUND_UP
	    ? SEPA_HOURS_UP
	    : SEPA_HOURS_NONE;
	p.bands = ctl->cfg.caf_age_bands;
	r.t = xcalloc(1, sizeof(*r.t));
	if (sepa_caf_tally_init(r.t, &p, &err) != 0) {
		rc = ctl_fail(CTL_REFUSED, &err,
		    "could not make the CAF "
		    "declaration");
		goto cleanup;
	}
	if ((rc = ctl_returns_creditor(ctl, &db, &cred)) != CTL_OK)
		goto cleanup;
	if ((rc = store_caf_year(
	         db, cred, r.year, caf_on_day, &r, &r.inv, &err)) != 0) {
		/* A day the calendar does not cover: the data to add. */
		rc = rc == SEPA_ERANGE
		    ? ctl_fail(CTL_REFUSED, &err,
		          "could not make the CAF declaration of %d; add the "
		          "school holidays of that school year to %s",
		          r.year, ctl->cfg.caf_holidays)
		    : ctl_fail(CTL_INTERNAL, &err,
		          "could not read the CAF declaration of %d", r.year);
		goto cleanup;
	}
	r.invoiced_hours_milli =
	    r.inv.hour_milli + r.inv.day_milli * ctl->cfg.caf_hours_per_day;
	{
		char check[512];

		caf_check(check, sizeof(check), &r);
		if (check[0] != '\0')
			log_warnx(
			    "the hours invoiced do not match the invoices: "
			    "%s",
			    check);
	}
	if (csv) {
		caf_csv(stdout, &r);
		if (r.nunknown > 0)
			log_warnx(
			    ngettext("%zu child without a birth date is in "
			             "\"âge inconnu\" (the list: sepactl "
			             "report caf --year %d)",
			        "%zu children without a birth date are in "
			        "\"âge inconnu\" (the list: sepactl report "
			        "caf --year %d)",
			        r.nunknown),
			    r.nunknown, r.year);
	} else {
		caf_text(stdout, &r);
	}
	if (fflush(stdout) != 0) {
		rc = ctl_fail(CTL_INTERNAL, NULL, "could not write the report");
		goto cleanup;
	}
	if (html != NULL && (rc = caf_write_html(html, &r)) != CTL_OK)
		goto cleanup;
	rc = CTL_OK;
cleanup:
	caf_report_free(&r);
	return rc;
}
