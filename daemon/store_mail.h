/*
 * store_mail.h - the notices and corrected notices e-mailed to the
 * families (store_mail.c, table notice_mails of migrations 041 and 052):
 * each at most once.
 */
#ifndef SEPAD_STORE_MAIL_H
#define SEPAD_STORE_MAIL_H

#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;

/*
 * Start a sending run for the creditor: take the lock that lets one run
 * at a time (SEPA_ESTATE when another holds it), then turn every notice
 * left 'sending' by an interrupted run into 'unknown', each with an
 * event needing attention (never sent again by the program). *unknown
 * gets their number. store_mail_end releases the lock.
 */
int store_mail_begin(struct db *db, int64_t creditor_id, sepa_date today,
    int64_t *unknown, sepa_error *err);
void store_mail_end(struct db *db, int64_t creditor_id);

/* The document e-mailed: version 0 of an invoice's notice is the avis
 * d'échéance, 1 and up its corrected notices (notices.version). */
struct mail_doc {
	int64_t invoice_id;
	int version;
};

/*
 * Record, committed, that document m is being sent to email:
 * *claimed = 1. A document already recorded is not claimed again
 * (*claimed = 0) and state gets its state (sent, failed, unknown).
 */
int store_mail_claim(struct db *db, int64_t creditor_id,
    const struct mail_doc *m, const char *email, int *claimed, char state[16],
    sepa_error *err);
/*
 * The relay accepted it ("sent"), or refused it ("failed", why in
 * `error`, with an event needing attention on `today`).
 */
int store_mail_finish(struct db *db, int64_t creditor_id,
    const struct mail_doc *m, const char *state, const char *error,
    sepa_date today, sepa_error *err);
/* Nothing reached the relay (no connection): the claim is withdrawn. */
int store_mail_release(struct db *db, int64_t creditor_id,
    const struct mail_doc *m, sepa_error *err);

#endif /* SEPAD_STORE_MAIL_H */
