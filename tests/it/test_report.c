/*
 * test_report.c - `sepactl report --month` after a real December through
 * the binaries (year.h): twelve families of gen-commune from September,
 * family 3 renamed `<script>alert(1)</script>`, family 4's mandate
 * revoked before September was invoiced (payable by other means, then
 * reminded and sent to recovery in December, and paid in part by cheque
 * and by card), family 5 credited in October and its credit used in
 * December, family 6 credited on the invoice issued in December and its
 * mandate revoked; December's debits: family 2 returned AM04, family 3
 * AC04 (its mandate suspended), family 7 booked by the bank, the others
 * presumed settled. Every figure of the report is compared with what the
 * test put in or with a sum of its own in SQL; the HTML is read by
 * Chromium (the hostile name stays text), the PDF checked by qpdf and
 * read by pdftotext.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/money.h"
#include "noiban.h"
#include "reportline.h"
#include "year.h"

#define HOSTILE "<script>alert(1)</script>"

/* "12,50 %" as the report writes it: the hundredths of a percent of
 * num / den rounded half up, a no-break space before the sign. */
static void
want_percent(char *buf, size_t size, int64_t num, int64_t den)
{
	int64_t bp = (num * 20000 + den) / (2 * den);

	snprintf(buf, size, "%lld,%02lld\xc2\xa0%%", (long long)(bp / 100),
	    (long long)(bp % 100));
}

/* The amount of the first collection of `invoice`. */
static int64_t
debit_of(struct year *y, const char *invoice)
{
	char q[256];

	snprintf(q, sizeof(q),
	    "SELECT amount_cents FROM collections WHERE end_to_end_id = "
	    "'%s-1'",
	    invoice);
	return year_int(y, q);
}

/* A count and a sum in cents of `sql` (two columns), for December. */
static void
sql_pair(struct year *y, const char *sql, int64_t *count, int64_t *cents)
{
	char buf[64];
	long long c, s;

	year_text(y, sql, buf, sizeof(buf));
	cr_assert_eq(sscanf(buf, "%lld %lld", &c, &s), 2, "%s: %s", sql, buf);
	*count = c;
	*cents = s;
}

/* The line LABEL of the report has this count and amount. */
static void
expect_line(const char *out, const char *label, int64_t count, int64_t cents)
{
	int64_t got;

	cr_expect_eq(reportline(out, label, &got), count, "%s", label);
	cr_expect_eq(got, cents, "%s: %lld, not %lld", label, (long long)got,
	    (long long)cents);
}

/* The family revokes its mandate, received on `day`, at once. */
static void
revoke_mandate(struct year *y, const char *family, const char *day)
{
	static struct ctlrun r;
	char q[256], rum[64], cmd[256];

	snprintf(q, sizeof(q),
	    "SELECT m.rum FROM mandates m JOIN families f ON f.id = "
	    "m.family_id WHERE f.family_ref = '%s'",
	    family);
	year_text(y, q, rum, sizeof(rum));
	snprintf(cmd, sizeof(cmd),
	    "mandate terminate %s --received %s --immediate", rum, day);
	year_ctl(y, &r, day, cmd);
}

/* September to December as the comment at the top tells. */
static void
report_year(struct year *y)
{
	static struct ctlrun r;
	char cmd[1024];

	year_month(y, "2026-09", "2026-10-01", 1);
	snprintf(cmd, sizeof(cmd),
	    "sed -i 's|^\\(FAM0000003;\\)[^;]*|\\1" HOSTILE
	    "|' %s/in-2026-09/families.csv",
	    y->dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "import families %s/in-2026-09/families.csv",
	    y->dir);
	year_ctl(y, &r, "2026-10-01", cmd);
	cr_assert_eq(year_int(y,
	                 "SELECT count(*) FROM families WHERE payer_name = '"
	                 "<script>alert(1)</script>'"),
	    1);
	revoke_mandate(y, "FAM0000004", "2026-10-01");
	year_ctl(y, &r, "2026-10-01", "cycle");
	year_ctl(y, &r, "2026-10-06", "cycle");
	/* October: family 5 credited */
	year_month_drop(y, "2026-10", "2026-11-02", "FAM0000005");
	year_cantine(
	    y, "FAM0000005", "2026-09-10", -15, "c5.csv", "2026-11-02");
	year_ctl(y, &r, "2026-11-02", "cycle");
	year_ctl(y, &r, "2026-11-06", "cycle");
	/* November: family 5 uses its credit, family 6 is credited */
	year_month_drop(y, "2026-11", "2026-12-01", "FAM000000[56]");
	year_cantine(y, "FAM0000005", "2026-11-10", 10, "n5.csv", "2026-12-01");
	year_cantine(y, "FAM0000006", "2026-10-12", -4, "c6.csv", "2026-12-01");
	year_ctl(y, &r, "2026-12-01", "cycle");
	year_ctl(y, &r, "2026-12-07", "cycle");
	revoke_mandate(y, "FAM0000006", "2026-12-10");
	year_ctl(y, &r, "2026-12-15",
	    "payment record F2026-11-000004 --amount 5,00 --date 2026-12-15 "
	    "--method cheque");
	year_ctl(y, &r, "2026-12-16",
	    "payment record F2026-11-000004 --amount 3,00 --date 2026-12-16 "
	    "--method card");
	/* the bank: two returns, one booking; the rest presumed settled */
	year_bank(y, "r2.xml", "F2026-11-000002", "AM04", "2026-12-20");
	year_bank(y, "r3.xml", "F2026-11-000003", "AC04", "2026-12-20");
	year_bank(y, "b7.xml", "F2026-11-000007", NULL, "2026-12-20");
	snprintf(cmd, sizeof(cmd),
	    "import returns %s/r2.xml %s/r3.xml %s/b7.xml", y->dir, y->dir,
	    y->dir);
	year_ctl(y, &r, "2026-12-21", cmd);
	year_ctl(y, &r, "2026-12-28", "cycle");
}

/* What the scenario must have made, before the report is read. */
static void
report_preconditions(struct year *y)
{
	cr_assert_eq(year_int(y,
	                 "SELECT count(*) FROM collections WHERE due_on >= "
	                 "'2026-12-01' AND due_on < '2027-01-01' AND state = "
	                 "'sent'"),
	    0);
	cr_assert_gt(
	    year_int(y, "SELECT count(*) FROM presumed_settlements"), 0);
	cr_assert_gt(year_int(y,
	                 "SELECT count(*) FROM recovery_exports WHERE "
	                 "business_date >= '2026-12-01'"),
	    0);
	cr_assert_eq(year_int(y,
	                 "SELECT count(*) FROM invoices WHERE number = "
	                 "'F2026-11-000006' AND total_cents < 0"),
	    1);
}

/* The debits: presented, confirmed, presumed, returned, the rate. */
static void
check_debits(struct year *y, const char *out)
{
	int64_t n, cents, a2, a3, a7;
	char want[256], pn[32], pa[32];

	sql_pair(y,
	    "SELECT count(*) || ' ' || sum(amount_cents) FROM collections "
	    "WHERE to_char(due_on, 'YYYY-MM') = '2026-12' AND state IN "
	    "('sent', 'settled', 'rejected', 'returned', 'refunded')",
	    &n, &cents);
	cr_assert_gt(n, 5);
	a2 = debit_of(y, "F2026-11-000002");
	a3 = debit_of(y, "F2026-11-000003");
	a7 = debit_of(y, "F2026-11-000007");
	expect_line(out, "Prélèvements présentés à la banque", n, cents);
	expect_line(out, "Encaissés, confirmés par la banque", 1, a7);
	expect_line(out, "Encaissés, présumés (aucun retour dans le délai)",
	    n - 3, cents - a2 - a3 - a7);
	expect_line(out, "Rejetés, retournés ou remboursés", 2, a2 + a3);
	expect_line(out, "En attente de la réponse de la banque", 0, 0);
	cr_expect_eq(
	    reportline(
	        out, "Annulés (fichier refusé en entier par la banque)", NULL),
	    0);
	/* rejects / debits presented, by count and by amount */
	want_percent(pn, sizeof(pn), 2, n);
	want_percent(pa, sizeof(pa), a2 + a3, cents);
	snprintf(want, sizeof(want),
	    "Taux de rejet : %s en nombre, %s en montant.", pn, pa);
	cr_expect(strstr(out, want) != NULL, "%s in\n%s", want, out);
	expect_line(out, "provision insuffisante (AM04, retour)", 1, a2);
	expect_line(out, "compte du débiteur clôturé (AC04, retour)", 1, a3);
	cr_expect(strstr(out, "\n  FAM0000002   ") != NULL &&
	        strstr(out, "\n  FAM0000003   " HOSTILE) != NULL &&
	        strstr(out, " F2026-11-000003  AC04 retour") != NULL,
	    "%s", out);
}

/* Payments, invoices, reminders, credits, recovery, mandates. */
static void
check_others(struct year *y, const char *out)
{
	int64_t n, cents;

	expect_line(out, "Chèque", 1, 500);
	expect_line(out, "Carte bancaire", 1, 300);
	expect_line(out, "Total", 2, 800); /* the first total: payments */
	sql_pair(y,
	    "SELECT count(*) || ' ' || sum(total_cents) FROM invoices WHERE "
	    "to_char(issued_on, 'YYYY-MM') = '2026-12'",
	    &n, &cents);
	expect_line(out, "Factures émises dans le mois", n, cents);
	sql_pair(y,
	    "SELECT count(*) || ' ' || coalesce(sum(l.amount_cents), 0) FROM "
	    "invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE "
	    "l.kind = 'reminder' AND to_char(i.issued_on, 'YYYY-MM') = "
	    "'2026-12'",
	    &n, &cents);
	cr_expect_gt(n, 0);
	expect_line(out, "Rappels d'impayés portés sur ces factures", n, cents);
	expect_line(out, "Avoirs déduits de ces factures", 1,
	    -year_int(y,
	        "SELECT l.amount_cents FROM invoice_lines l JOIN invoices i "
	        "ON i.id = l.invoice_id WHERE l.kind = 'credit' AND "
	        "i.number = 'F2026-11-000005'"));
	expect_line(out, "Avoirs accordés (factures négatives)", 1,
	    -year_int(y,
	        "SELECT total_cents FROM invoices WHERE number = "
	        "'F2026-11-000006'"));
	expect_line(out, "Avoirs à rembourser (familles parties)", 0, 0);
	sql_pair(y,
	    "SELECT count(*) || ' ' || sum(x.due_cents) FROM "
	    "recovery_export_invoices x JOIN recovery_exports e ON e.id = "
	    "x.export_id WHERE e.business_date BETWEEN '2026-12-01' AND "
	    "'2026-12-31'",
	    &n, &cents);
	cr_expect_gt(n, 0);
	expect_line(
	    out, "Mis en recouvrement (transmis à la trésorerie)", n, cents);
	cr_expect(
	    strstr(out, "\n  Suspendu   21/12/2026 FAM0000003   " HOSTILE) !=
	            NULL &&
	        strstr(out,
	            ": compte inutilisable : compte du débiteur "
	            "clôturé (AC04)\n") != NULL &&
	        strstr(out, "\n  Résilié    10/12/2026 FAM0000006   ") !=
	            NULL &&
	        strstr(out, ": révoqué par la famille\n") != NULL &&
	        strstr(out, "Résilié    01/10/2026") == NULL,
	    "%s", out);
}

/* The services, for the accounting entry, and the balance. */
static void
check_services_balance(struct year *y, const char *out)
{
	sepa_error err = SEPA_ERROR_INIT;
	int64_t lines = 0, sum = 0;
	PGresult *res;

	cr_assert_eq(db_query(y->db, &res, "the services",
	                 "SELECT s.code || ' : ' || s.label, count(*), "
	                 "sum(l.amount_cents) FROM invoice_lines l JOIN "
	                 "invoices i ON i.id = l.invoice_id JOIN services s ON "
	                 "s.id = l.service_id WHERE l.kind IN ('consumption', "
	                 "'regularisation') AND to_char(i.issued_on, "
	                 "'YYYY-MM') = '2026-12' GROUP BY 1",
	                 0, NULL, &err),
	    0, "%s", err.msg);
	cr_assert_gt(PQntuples(res), 1);
	for (int i = 0; i < PQntuples(res); i++) {
		int64_t n = strtoll(PQgetvalue(res, i, 1), NULL, 10);
		int64_t c = strtoll(PQgetvalue(res, i, 2), NULL, 10);

		expect_line(out, PQgetvalue(res, i, 0), n, c);
		lines += n;
		sum += c;
	}
	db_result_free(res);
	{
		const char *t = strstr(out, "Totaux par service");

		cr_assert_not_null(t, "%s", out);
		expect_line(t, "Total", lines, sum);
	}
	cr_expect_eq(reportline(out, "09/2026", NULL), 12);
	cr_expect_eq(reportline(out, "11/2026", NULL),
	    year_int(
	        y, "SELECT count(*) FROM invoices WHERE month = '2026-11-01'"));
	cr_expect(strstr(out, "L'équilibre est respecté : écart nul.") != NULL,
	    "%s", out);
}

/* The page: the name escaped, self-contained, read by Chromium. */
static void
check_html(struct year *y, const char *path)
{
	char *html = ctlrun_read(path), cmd[1024], dom[512];

	cr_expect(
	    strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL &&
	        strstr(html, "<script") == NULL,
	    "%s", html);
	/* inline style and SVG only: nothing fetched */
	cr_expect(strstr(html, "src=") == NULL &&
	        strstr(html, "href") == NULL && strstr(html, "url(") == NULL &&
	        strstr(html, "@import") == NULL,
	    "%s", html);
	cr_expect(strstr(html, "@media print") != NULL &&
	        strstr(html, "@page{size:A4") != NULL &&
	        strstr(html, "<svg xmlns") != NULL,
	    "%s", html);
	cr_expect(strstr(html, "Rapport mensuel des prélèvements") != NULL &&
	        strstr(html, "Mois des échéances : décembre 2026") != NULL &&
	        strstr(html, "Édité le 28/12/2026") != NULL &&
	        strstr(html, "Identifiant créancier SEPA (ICS) : ") != NULL &&
	        strstr(html, "Familles concernées par un rejet") != NULL &&
	        strstr(html, "Totaux par service") != NULL &&
	        strstr(html, "Équilibre par mois facturé") != NULL,
	    "%s", html);
	no_iban("the report's HTML", html);
	free(html);
	/* a real browser: the name is text, no script element */
	snprintf(dom, sizeof(dom), "%s/dom.html", y->dir);
	snprintf(cmd, sizeof(cmd),
	    "chromium --headless --no-sandbox --disable-gpu --dump-dom "
	    "file://%s >%s 2>/dev/null",
	    path, dom);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	html = ctlrun_read(dom);
	cr_expect(
	    strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL &&
	        strstr(html, "<script") == NULL &&
	        strstr(html, "Taux de rejet : ") != NULL,
	    "%s", html);
	free(html);
}

/* The no-break spaces of s as spaces, in place, for comparing. */
static void
plain_spaces(char *s)
{
	char *o = s;

	while (*s != '\0') {
		if (strncmp(s, "\xc2\xa0", 2) == 0) {
			*o++ = ' ';
			s += 2;
		} else if (strncmp(s, "\xe2\x80\xaf", 3) == 0) {
			*o++ = ' ';
			s += 3;
		} else
			*o++ = *s++;
	}
	*o = '\0';
}

/* The PDF: valid, and its text shows the figures. */
static void
check_pdf(struct year *y, const char *path, const char *out)
{
	char cmd[1024], txt[512], want[128], m[SEPA_MONEY_BUFSZ];
	const char *rate;
	char *text;

	snprintf(cmd, sizeof(cmd), "qpdf --check %s >/dev/null", path);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	snprintf(txt, sizeof(txt), "%s/report.txt", y->dir);
	snprintf(cmd, sizeof(cmd), "pdftotext %s %s", path, txt);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	text = ctlrun_read(txt);
	plain_spaces(text);
	cr_expect(strstr(text, "Rapport mensuel des") != NULL &&
	        strstr(text, "Mois des échéances : décembre 2026") != NULL &&
	        strstr(text, "Édité le 28/12/2026") != NULL &&
	        strstr(text, "FAM0000003") != NULL &&
	        strstr(text, HOSTILE) != NULL &&
	        strstr(text, "Page 1 / ") != NULL,
	    "%s", text);
	snprintf(want, sizeof(want), "%s",
	    sepa_money_fr(m,
	        year_int(y,
	            "SELECT sum(amount_cents) FROM collections WHERE "
	            "to_char(due_on, 'YYYY-MM') = '2026-12' AND state <> "
	            "'cancelled'")));
	cr_expect(strstr(text, want) != NULL, "%s in\n%s", want, text);
	/* the same rate as the text's */
	rate = strstr(out, "Taux de rejet : ");
	cr_assert_not_null(rate);
	snprintf(
	    want, sizeof(want), "%.*s", (int)(strchr(rate, '.') - rate), rate);
	plain_spaces(want);
	cr_expect(strstr(text, want) != NULL, "%s in\n%s", want, text);
	no_iban("the report's PDF", text);
	free(text);
}

Test(report, a_month_for_the_finance_department, .timeout = 240)
{
	static const char title[] =
	    "Rapport mensuel des prélèvements : décembre 2026\n";
	static struct ctlrun r;
	char args[512], html[256], pdf[256];
	struct year y;

	year_open(&y);
	report_year(&y);
	report_preconditions(&y);
	snprintf(html, sizeof(html), "%s/report-2026-12.html", y.dir);
	snprintf(pdf, sizeof(pdf), "%s/report-2026-12.pdf", y.dir);
	snprintf(args, sizeof(args),
	    "report --month 2026-12 --html %s --pdf %s", html, pdf);
	year_ctl(&y, &r, "2026-12-28", args);
	cr_expect(strncmp(r.out, title, strlen(title)) == 0 &&
	        strstr(r.out,
	            "Mois des échéances : décembre 2026 ; Édité le "
	            "28/12/2026\n") != NULL,
	    "%s", r.out);
	no_iban("the report", r.out);
	check_debits(&y, r.out);
	check_others(&y, r.out);
	check_services_balance(&y, r.out);
	check_html(&y, html);
	check_pdf(&y, pdf, r.out);
	year_close(&y);
}
