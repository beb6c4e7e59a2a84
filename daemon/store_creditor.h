/*
 * store_creditor.h - the creditors table (store_creditor.c).
 */
#ifndef SEPAD_STORE_CREDITOR_H
#define SEPAD_STORE_CREDITOR_H

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

#endif /* SEPAD_STORE_CREDITOR_H */
