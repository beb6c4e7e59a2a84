/*
 * pdfsplit.h - runs of pages of a PDF that cairo wrote, each copied into
 * a PDF of its own, and the pages of several such PDFs copied into one
 * (pdfsplit.c), without drawing them again.
 */
#ifndef SEPAD_PDFSPLIT_H
#define SEPAD_PDFSPLIT_H

#include <stddef.h>
#include <stdio.h>

#include "sepa/date.h"
#include "sepa/error.h"

/*
 * A PDF as cairo 1.16 writes it: a classic cross-reference table, one
 * flat page tree, no object streams. Only its cross-reference table and
 * its list of pages are held in memory; objects are read when copied.
 */
struct pdfsplit;

/* SEPA_EIO: unreadable; SEPA_EINVAL: not a PDF of that shape. */
int pdfsplit_open(struct pdfsplit **out, const char *path, sepa_error *err);
/* The same on a PDF in memory, `size` bytes at pdf (kept until
 * pdfsplit_close). */
int pdfsplit_open_mem(
    struct pdfsplit **out, const char *pdf, size_t size, sepa_error *err);
void pdfsplit_close(struct pdfsplit *s);
size_t pdfsplit_pages(const struct pdfsplit *s);

/*
 * Write pages first .. first + count - 1 to fp as a PDF of their own:
 * the objects they use (contents, resources, fonts, images, forms)
 * copied byte for byte, renumbered; `title` (UTF-8) and `date` in its
 * metadata. The same pages give the same bytes.
 */
int pdfsplit_write(struct pdfsplit *s, size_t first, size_t count, FILE *fp,
    const char *title, sepa_date date, sepa_error *err);

/*
 * One PDF made of the pages of several (pdfmerge_add, in order), written
 * to fp as they come: each source's pages under a page tree node of
 * their own, their objects copied as pdfsplit_write copies them. Memory
 * does not grow with the pages: the cross-reference entries wait in
 * `spool` (a scratch file open for writing and reading, 20 bytes an
 * object) until pdfmerge_end, which writes the catalog, the root of the
 * page tree, the metadata and the cross-reference table. SEPA_EIO: fp or
 * the spool could not be written; SEPA_EINVAL: no pages (pdfmerge_end).
 * The same sources give the same bytes.
 */
struct pdfmerge;
int pdfmerge_begin(
    struct pdfmerge **out, FILE *fp, FILE *spool, sepa_error *err);
int pdfmerge_add(struct pdfmerge *m, struct pdfsplit *s, sepa_error *err);
int pdfmerge_end(
    struct pdfmerge *m, const char *title, sepa_date date, sepa_error *err);
void pdfmerge_free(struct pdfmerge *m);

#endif /* SEPAD_PDFSPLIT_H */
