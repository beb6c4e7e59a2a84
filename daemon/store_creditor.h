/*
 * store_creditor.h - the creditors table (store_creditor.c), and the
 * lock that keeps one sepad per database and creditor.
 */
#ifndef SEPAD_STORE_CREDITOR_H
#define SEPAD_STORE_CREDITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "sepa/error.h"

struct db;

/*
 * Register the creditor (normalised ICS, name) or update its name; *id gets
 * its creditors.id. One database may hold several creditors.
 */
int store_creditor_ensure(struct db *db, const char *ics, const char *name,
    int64_t *id, sepa_error *err);
/* The id of the creditor with this ICS; SEPA_ENOTFOUND when absent. */
int store_creditor_find(
    struct db *db, const char *ics, int64_t *id, sepa_error *err);

/*
 * Take the session lock that keeps one sepad per database and creditor
 * (a PostgreSQL advisory lock, held until the connection closes): *locked
 * is false when another session holds it.
 */
int store_creditor_lock_instance(
    struct db *db, int64_t creditor_id, bool *locked, sepa_error *err);

#endif /* SEPAD_STORE_CREDITOR_H */
