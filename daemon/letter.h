/*
 * letter.h - the courrier de rejet (letter.c): one PDF letter to the
 * family for each reject, return or refund of a collection.
 */
#ifndef SEPAD_LETTER_H
#define SEPAD_LETTER_H

#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>

#include "sepa/error.h"

struct db;
struct doc;
struct doc_sender;
struct reject_doc;

/* The settings the letters explain (from the configuration). */
struct letter_policy {
	bool represent; /* rejections.represent_on_next_invoice */
	int max_rejects; /* rejections.max_per_school_year */
};

/* Draw the letter of one reject on cr, ending each page. */
void letter_reject_draw(struct doc *d, cairo_t *cr, const struct reject_doc *r,
    const struct letter_policy *pol);

/*
 * Write the letters of the rejects recorded from bank file `file_id`:
 * OUTBOX/letters/YYYY-MM/REJET-ENDTOENDID.pdf (the month the reject was
 * recorded), each atomically, mode 0640. A letter is named by its
 * collection, which is made unpaid at most once: there is never a
 * second letter for the same reject, and writing them again gives the
 * same bytes (the payer and account are the collection's own copy).
 * *count gets the number of letters, *dir the directory of the last one
 * (caller frees; NULL when none).
 */
int letter_write_file(struct db *db, int64_t creditor_id, int64_t file_id,
    const struct doc_sender *sender, const struct letter_policy *pol,
    const char *outbox, int64_t *count, char **dir, sepa_error *err);

#endif /* SEPAD_LETTER_H */
