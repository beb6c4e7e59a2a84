/*
 * store_status.h - the figures `sepactl status` counts
 * (store_status.c).
 */
#ifndef SEPAD_STORE_STATUS_H
#define SEPAD_STORE_STATUS_H

#include <stdint.h>

#include "sepa/error.h"

struct db;

/* One figure of status: what is counted, how many (static strings). */
struct status_count {
	const char *label; /* "families", "bank records in quarantine"... */
	int64_t count;
	const char *hint; /* what to run when count is not 0, or NULL */
};

/*
 * Count what the database holds, for status: fn(arg, count) per figure,
 * in a fixed order, leaving out the tables that schema version `version`
 * does not have yet.
 */
int store_status_counts(struct db *db, int version,
    void (*fn)(void *arg, const struct status_count *c), void *arg,
    sepa_error *err);

#endif /* SEPAD_STORE_STATUS_H */
