/*
 * test_doc.c - what the families' documents print (doc.c): amounts in
 * French with no-break spaces, months in French, the address lines; and
 * runs of pages copied out of a PDF, and PDFs merged (pdfsplit.c).
 */
#include <cairo-pdf.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc.h"
#include "pdfsplit.h"

Test(doc, money_never_breaks)
{
	static const struct {
		int64_t cents;
		const char *want;
	} cases[] = {
	    {0, "0,00\u00a0€"},
	    {5, "0,05\u00a0€"},
	    {123456, "1\u202f234,56\u00a0€"},
	    {-123456, "-1\u202f234,56\u00a0€"},
	    {123456789012, "1\u202f234\u202f567\u202f890,12\u00a0€"},
	};
	char buf[DOC_MONEY_BUFSZ];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_str_eq(doc_money(buf, cases[i].cents), cases[i].want,
		    "%lld", (long long)cases[i].cents);
}

Test(doc, month_and_address)
{
	const char *addr[5];
	char buf[128], m[32];
	size_t n;

	cr_expect_str_eq(
	    doc_month_fr(m, sizeof(m), (sepa_month){2026, 8}), "août 2026");
	cr_expect_str_eq(
	    doc_month_fr(m, sizeof(m), (sepa_month){2026, 13}), "? 2026");
	n = doc_address(addr, buf, sizeof(buf), "Noël L'Hôte", "3",
	    "rue des Écoles", "99999", "Saint-Exemple", "FR");
	cr_assert_eq(n, 3);
	cr_expect_str_eq(addr[1], "3 rue des Écoles");
	cr_expect_str_eq(addr[2], "99999 Saint-Exemple");
	n = doc_address(addr, buf, sizeof(buf), "Ana Pereira", "", "", "1000",
	    "Bruxelles", "BE");
	cr_assert_eq(n, 3);
	cr_expect_str_eq(addr[1], "1000 Bruxelles");
	cr_expect_str_eq(addr[2], "BE");
}

/* A PDF of `pages` pages drawn with cairo alone (a rectangle and an image
 * each), as the month's file is. */
static void
split_source(const char *path, int pages)
{
	cairo_surface_t *img =
	    cairo_image_surface_create(CAIRO_FORMAT_RGB24, 4, 4);
	cairo_surface_t *s = cairo_pdf_surface_create(path, 595, 842);
	cairo_t *cr = cairo_create(s);

	for (int i = 0; i < pages; i++) {
		cairo_rectangle(cr, 10 + i, 10, 100, 50);
		cairo_fill(cr);
		cairo_set_source_surface(cr, img, 200, 200);
		cairo_paint(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	cairo_surface_destroy(img);
}

Test(doc, split_copies_runs_of_pages)
{
	char src[] = "/tmp/split-src-XXXXXX", out[64], cmd[256];
	sepa_error err = SEPA_ERROR_INIT;
	struct pdfsplit *ps;
	FILE *fp;
	int fd = mkstemp(src);

	cr_assert_geq(fd, 0);
	close(fd);
	split_source(src, 3);
	cr_assert_eq(pdfsplit_open(&ps, src, &err), 0, "%s", err.msg);
	cr_assert_eq(pdfsplit_pages(ps), 3);
	snprintf(out, sizeof(out), "%s.out", src);
	fp = fopen(out, "w");
	cr_assert_not_null(fp);
	cr_assert_eq(pdfsplit_write(ps, 1, 2, fp, "Avis d'échéance",
	                 (sepa_date){2026, 10, 1}, &err),
	    0, "%s", err.msg);
	fclose(fp);
	cr_expect_eq(pdfsplit_write(
	                 ps, 2, 2, stdout, "x", (sepa_date){2026, 10, 1}, &err),
	    SEPA_EINVAL);
	pdfsplit_close(ps);
	snprintf(cmd, sizeof(cmd),
	    "qpdf --check %s >/dev/null && pdfinfo %s | grep -q '^Pages: *2$' "
	    "&& pdfinfo %s | grep -q '^Title: *Avis d.échéance$'",
	    out, out, out);
	cr_expect_eq(system(cmd), 0, "%s", cmd);
	/* anything but cairo's shape is refused */
	fp = fopen(out, "w");
	fputs("%PDF-1.5\nnot really\n", fp);
	fclose(fp);
	cr_expect_eq(pdfsplit_open(&ps, out, &err), SEPA_EINVAL);
	unlink(out);
	unlink(src);
}

/* The whole file at path (caller frees), its size in *len. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(fp, "%s", path);
	cr_assert_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n, "%s", path);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* Two sources' pages into one PDF, its cross-references spooled. */
Test(doc, merge_appends_the_pages_of_each_source)
{
	char a[] = "/tmp/merge-a-XXXXXX", b[] = "/tmp/merge-b-XXXXXX", out[64],
	     cmd[512];
	sepa_error err = SEPA_ERROR_INIT;
	struct pdfsplit *ps;
	struct pdfmerge *m;
	FILE *fp, *spool = tmpfile();
	char *pdf;
	size_t len;
	int fa = mkstemp(a), fb = mkstemp(b);

	cr_assert_geq(fa, 0);
	cr_assert_geq(fb, 0);
	cr_assert_not_null(spool);
	split_source(a, 3);
	split_source(b, 2);
	snprintf(out, sizeof(out), "%s.out", a);
	fp = fopen(out, "w");
	cr_assert_not_null(fp);
	cr_assert_eq(pdfmerge_begin(&m, fp, spool, &err), 0, "%s", err.msg);
	cr_assert_eq(pdfsplit_open(&ps, a, &err), 0, "%s", err.msg);
	cr_assert_eq(pdfmerge_add(m, ps, &err), 0, "%s", err.msg);
	pdfsplit_close(ps);
	/* b read from memory */
	pdf = slurp(b, &len);
	cr_assert_eq(pdfsplit_open_mem(&ps, pdf, len, &err), 0, "%s", err.msg);
	cr_assert_eq(pdfmerge_add(m, ps, &err), 0, "%s", err.msg);
	pdfsplit_close(ps);
	/* cut short, it is refused */
	cr_expect_eq(pdfsplit_open_mem(&ps, pdf, len / 2, &err), SEPA_EINVAL);
	free(pdf);
	cr_assert_eq(pdfmerge_end(m, "Avis d'échéance, septembre",
	                 (sepa_date){2026, 10, 1}, &err),
	    0, "%s", err.msg);
	pdfmerge_free(m);
	fclose(fp);
	fclose(spool);
	close(fa);
	close(fb);
	snprintf(cmd, sizeof(cmd),
	    "qpdf --check %s >/dev/null && pdfinfo %s | grep -q '^Pages: *5$' "
	    "&& pdfinfo %s | grep -q '^Title: *Avis d.échéance, septembre$' "
	    "&& pdftotext %s - >/dev/null",
	    out, out, out, out);
	cr_expect_eq(system(cmd), 0, "%s", cmd);
	/* nothing added: refused */
	fp = fopen(out, "w");
	spool = tmpfile();
	cr_assert_eq(pdfmerge_begin(&m, fp, spool, &err), 0, "%s", err.msg);
	cr_expect_eq(
	    pdfmerge_end(m, "x", (sepa_date){2026, 10, 1}, &err), SEPA_EINVAL);
	pdfmerge_free(m);
	fclose(fp);
	fclose(spool);
	unlink(out);
	unlink(a);
	unlink(b);
}
