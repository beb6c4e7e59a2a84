/*
 * store_creditor.c - the creditors table: the configured creditor is
 * registered by `sepactl init` and found by its ICS by every command that
 * touches its data.
 */
#include <inttypes.h>
#include <stdio.h>

#include "sepa/error.h"
#include "db_internal.h"
#include "store_creditor.h"

int
store_creditor_ensure(struct db *db, const char *ics, const char *name,
    int64_t *id, sepa_error *err)
{
	const char *params[2] = {ics, name};

	/* The ICS is the identity; the name follows the configuration. */
	return db_query_int64(db, id, "register the creditor",
	    "INSERT INTO creditors (ics, name) VALUES ($1, $2) "
	    "ON CONFLICT (ics) DO UPDATE SET name = EXCLUDED.name "
	    "RETURNING id",
	    2, params, err);
}

int
store_creditor_find(
    struct db *db, const char *ics, int64_t *id, sepa_error *err)
{
	const char *params[1] = {ics};
	int rc;

	rc = db_query_int64(db, id, "look up the creditor",
	    "SELECT coalesce((SELECT id FROM creditors WHERE ics = $1), 0)", 1,
	    params, err);
	if (rc == 0 && *id == 0)
		rc = sepa_error_set(err, SEPA_ENOTFOUND,
		    "creditor %s is not in the database (run sepactl init)",
		    ics);
	return rc;
}

int
store_creditor_lock_instance(
    struct db *db, int64_t creditor_id, bool *locked, sepa_error *err)
{
	char cred[24];
	const char *params[1] = {cred};
	int64_t got;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	rc = db_query_int64(db, &got, "take the instance lock",
	    "SELECT pg_try_advisory_lock(hashtext('sepad'), $1::integer)"
	    "::integer",
	    1, params, err);
	if (rc == 0)
		*locked = got == 1;
	return rc;
}
