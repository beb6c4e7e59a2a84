/*
 * store_creditor.c - the creditors table: the configured creditor is
 * registered by `sepactl init` and found by its ICS by every command that
 * touches its data.
 */
#include "sepad.h"

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
