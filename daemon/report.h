/*
 * report.h - the month's report for the finance department, a French
 * document like the notices (report.c: its words, the text and the HTML
 * page; report_pdf.c: the PDF). The figures come from store_report.c.
 */
#ifndef SEPAD_REPORT_H
#define SEPAD_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "doc.h"
#include "store_report.h"

/* What the three forms of the report show. */
struct report_doc {
	const struct report *r;
	const char *name, *ics; /* the commune */
	sepa_date today; /* the date it is made on */
};

/* The texts of the report, in one place (N_: for gettext later). */
#define REPORT_T_TITLE DOC_FR("Rapport mensuel des prélèvements")
#define REPORT_T_MONTH DOC_FR("Mois des échéances : %s")
#define REPORT_T_ICS DOC_FR("Identifiant créancier SEPA (ICS) : %s")
#define REPORT_T_MADE DOC_FR("Édité le %s")
#define REPORT_T_DEBITS DOC_FR("Prélèvements du mois")
#define REPORT_T_RATE_DEF \
	DOC_FR( \
	    "Les prélèvements du mois rejetés, retournés ou remboursés, " \
	    "rapportés aux prélèvements présentés à la banque, en nombre et " \
	    "en montant.")
#define REPORT_T_REASONS DOC_FR("Rejets par motif")
#define REPORT_T_FAMILIES DOC_FR("Familles concernées par un rejet")
#define REPORT_T_OTHER DOC_FR("Paiements par d'autres moyens")
#define REPORT_T_INVOICES DOC_FR("Factures, rappels, avoirs et recouvrement")
#define REPORT_T_MANDATES DOC_FR("Mandats suspendus, résiliés ou caducs")
#define REPORT_T_SERVICES DOC_FR("Totaux par service (écriture comptable)")
#define REPORT_T_SERVICES_DEF \
	DOC_FR("Consommations et régularisations des factures émises dans le " \
	       "mois ; les rappels et les avoirs déplacent une dette déjà " \
	       "facturée et n'y figurent pas.")
#define REPORT_T_BALANCE DOC_FR("Équilibre par mois facturé")
#define REPORT_T_BALANCE_DEF \
	DOC_FR( \
	    "Chaque euro facturé se trouve à un seul endroit : facturé = " \
	    "prélevé + autres moyens + avoirs + remboursé + avoir à reporter " \
	    "+ impayé + recouvrement + en cours. L'écart doit être nul.")
#define REPORT_T_BALANCE_OK DOC_FR("L'équilibre est respecté : écart nul.")
#define REPORT_T_BALANCE_KO \
	DOC_FR("L'équilibre n'est pas respecté : %s inexpliqués ; voir " \
	       "sepactl family show pour les familles concernées.")
#define REPORT_T_CHART_DEBITS DOC_FR("Les euros présentés au prélèvement")
#define REPORT_T_CHART_BALANCE DOC_FR("Ce que sont devenus les euros facturés")
#define REPORT_T_NONE DOC_FR("Aucun.")
#define REPORT_T_TOTAL DOC_FR("Total")

/* A line of a table of figures: its label, a count and an amount (count
 * < 0: none shown; cents == INT64_MIN: none shown). */
struct report_line {
	const char *label;
	int64_t count, cents;
};
#define REPORT_NO_AMOUNT INT64_MIN

/* The lines of the first table (debits), of the invoices table; return
 * their count (at most 8). */
size_t report_debit_lines(const struct report *r, struct report_line out[8]);
size_t report_invoice_lines(const struct report *r, struct report_line out[8]);

/* "2,50 %" (a no-break space before the sign); "—" when den is 0. */
char *report_percent(char *buf, size_t size, int64_t num, int64_t den);
/* The reject rate by count and by amount, as one French sentence. */
char *report_rate(char *buf, size_t size, const struct report *r);

/* French words: a reason code's label ("motif inconnu", "aucun motif
 * donné"), the state of an unpaid debit, a payment method, a mandate's
 * change and its reason (into buf). */
const char *report_reason_fr(const char *code);
const char *report_state_fr(const char *state);
const char *report_method_fr(const char *method);
const char *report_mandate_fr(const char *kind);
const char *report_mandate_reason_fr(char *buf, size_t size, const char *why);
/* "CODE : label" of a service, or its code when it has no label. */
const char *report_service_name(
    char *buf, size_t size, const struct report_service *s);

/*
 * The two charts, in euros: the debits presented (one bar: settled,
 * presumed, unpaid, waiting) and what became of each billed month's
 * euros (one bar a month, with what the month billed written after it).
 * Segments below 0 count as 0.
 */
#define REPORT_NSEG 6
struct report_bar {
	char label[32];
	int64_t seg[REPORT_NSEG];
	int64_t total; /* of the segments: the bar's length */
	int64_t shown; /* the amount written after the bar */
};
struct report_chart {
	const char *title;
	int nseg;
	const char *const *names; /* nseg */
	const char *const *colors; /* nseg, "#rrggbb" */
	struct report_bar *bars; /* owned: report_chart_free */
	size_t nbars;
};
void report_chart_debits(const struct report *r, struct report_chart *c);
void report_chart_balance(const struct report *r, struct report_chart *c);
void report_chart_free(struct report_chart *c);

/* The report as French text, and as a self-contained HTML page. */
void report_text(FILE *fp, const struct report_doc *d);
void report_html(FILE *fp, const struct report_doc *d);

#endif /* SEPAD_REPORT_H */
