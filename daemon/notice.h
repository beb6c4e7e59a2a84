/*
 * notice.h - the payers' notices (notice.c): avis d'échéance as text
 * files and the month's mail-merge CSV, and the width helpers of the
 * terminal's tables.
 */
#ifndef SEPAD_NOTICE_H
#define SEPAD_NOTICE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "csvout.h"

struct db;
struct invoice_doc;

/* Characters (not bytes) of a UTF-8 string. */
size_t notice_width(const char *s);
/* s left-aligned (right when `right`) in a field of `w` characters (for
 * the notices' and the terminal's tables). */
void notice_cell(FILE *fp, const char *s, size_t w, int right);
/* A quantity in thousandths as the notices write it: "2", "1,5". */
void notice_qty(char *buf, size_t size, int64_t milli);

/* The creditor as the notices show it (strings borrowed), and the
 * dialect of the mail-merge CSV (all zero: csvout_french_excel). */
struct notice_creditor {
	const char *name, *ics, *street, *building, *postcode, *town;
	struct csvout_dialect csv;
};

/*
 * Write one notice (avis d'échéance) to fp, plain UTF-8 French text.
 */
int notice_write(FILE *fp, const struct notice_creditor *cred,
    const struct invoice_doc *doc, sepa_error *err);
/*
 * Write the notices of `month` under outbox: notices/YYYY-MM/NUMBER.txt,
 * all of them built in a temporary directory, synced, then put in place
 * by a rename (the month's set appears whole), and
 * notices/notices-YYYY-MM.csv for mail merge (atomic file). Running it
 * again writes the same bytes. *count gets the number of notices.
 */
int notice_write_month(struct db *db, int64_t creditor_id,
    const struct notice_creditor *cred, sepa_month month, const char *outbox,
    sepa_date today, int64_t *count, sepa_error *err);
/*
 * The corrected notices (avis rectificatifs) of collection month `month`:
 * for each invoice whose debit (recorded or sent) or deferral no longer
 * has the amount, date or account its latest notice states, a corrected
 * notice NUMBER-Rn.txt stored and written beside the notice it replaces,
 * listed in notices/corrections-YYYY-MM.csv (the billed month's
 * directory and CSV are written again from what is stored). *count: the
 * corrected notices written now; billed: the billed months they belong
 * to (at most NOTICE_MONTHS_MAX), their number in *nbilled.
 */
#define NOTICE_MONTHS_MAX 24
int notice_correct_month(struct db *db, int64_t creditor_id,
    const struct notice_creditor *cred, sepa_month month, const char *outbox,
    sepa_date today, int64_t *count, sepa_month billed[NOTICE_MONTHS_MAX],
    size_t *nbilled, sepa_error *err);

#endif /* SEPAD_NOTICE_H */
