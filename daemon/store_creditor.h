/*
 * store_creditor.h - the creditors table (store_creditor.c), and the
 * lock that keeps one sepad per database and creditor.
 */
#ifndef SEPAD_STORE_CREDITOR_H
#define SEPAD_STORE_CREDITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/ident.h"

struct db;

/*
 * Register the creditor (normalised ICS, name) or update its name; *id gets
 * its creditors.id. One database may hold several creditors. An ICS the
 * creditor had, or has since a change, names the same creditor.
 */
int store_creditor_ensure(struct db *db, const char *ics, const char *name,
    int64_t *id, sepa_error *err);
/*
 * The id of the creditor with this ICS, as registered, or one it had or
 * has since a change (migration 037); SEPA_ENOTFOUND when absent.
 */
int store_creditor_find(
    struct db *db, const char *ics, int64_t *id, sepa_error *err);

/*
 * The creditor's ICS on `day`: the newest change in force then (its
 * from_on not after the day), else the one it was registered with. The
 * files recorded on that day carry it.
 */
int store_creditor_ics_on(struct db *db, int64_t creditor_id, sepa_date day,
    char ics[SEPA_CID_BUFSZ], sepa_error *err);

/* What `sepactl creditor change-ics` did. */
struct creditor_ics_change {
	char old_ics[SEPA_CID_BUFSZ]; /* the one it replaces */
	char new_ics[SEPA_CID_BUFSZ]; /* normalised */
	int64_t mandates; /* active or suspended: each declares the old one */
};

/*
 * The creditor takes ICS `new_ics` from `from` (creditor_ics_changes,
 * migration 037), in one transaction with its 'creditor.ics_changed'
 * event: files recorded from that day carry it, and each mandate's next
 * debit declares the old one (OrgnlCdtrSchmeId, sepa_rule_orig_id),
 * once. Refused (SEPA_EINVAL): not a valid ICS, the creditor's latest
 * already, one a creditor of the database has or had, or `from` before a
 * change already recorded.
 */
int store_creditor_change_ics(struct db *db, int64_t creditor_id,
    const char *new_ics, sepa_date from, sepa_date today,
    struct creditor_ics_change *res, sepa_error *err);

/*
 * Take the session lock that keeps one sepad per database and creditor
 * (a PostgreSQL advisory lock, held until the connection closes): *locked
 * is false when another session holds it.
 */
int store_creditor_lock_instance(
    struct db *db, int64_t creditor_id, bool *locked, sepa_error *err);

#endif /* SEPAD_STORE_CREDITOR_H */
