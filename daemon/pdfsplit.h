/*
 * pdfsplit.h - runs of pages of a PDF that cairo wrote, each copied into
 * a PDF of its own (pdfsplit.c), without drawing them again.
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

#endif /* SEPAD_PDFSPLIT_H */
