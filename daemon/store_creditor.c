/*
 * store_creditor.c - the creditors table: the configured creditor is
 * registered by `sepactl init` and found by its ICS by every command that
 * touches its data, whichever of its identifiers the configuration names
 * (a change of ICS, migration 037: `sepactl creditor change-ics`).
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/ident.h"
#include "db_internal.h"
#include "i18n.h"
#include "store_creditor.h"
#include "store_event.h"

/* $1 ICS: the creditor registered with it. */
static const char creditor_find_sql[] =
    "SELECT coalesce((SELECT id FROM creditors WHERE ics = $1), 0)";

/* Whether the creditors' ICS changes are kept (migration 037). */
static const char creditor_has_changes_sql[] =
    "SELECT (to_regclass('creditor_ics_changes') IS NOT NULL)::int";

/* $1 ICS: the creditor that had it, or has it since a change. */
static const char creditor_find_changed_sql[] =
    "SELECT coalesce((SELECT creditor_id FROM creditor_ics_changes"
    " WHERE new_ics = $1 OR old_ics = $1 LIMIT 1), 0)";

/* $1 creditor, $2 day: its ICS on that day. */
static const char creditor_ics_on_sql[] =
    "SELECT coalesce((SELECT new_ics FROM creditor_ics_changes"
    " WHERE creditor_id = $1 AND from_on <= $2::date"
    " ORDER BY from_on DESC, id DESC LIMIT 1),"
    " (SELECT ics FROM creditors WHERE id = $1))";

/* $1 creditor: its latest ICS (changes to come included), last change. */
static const char creditor_latest_sql[] =
    "SELECT coalesce((SELECT new_ics FROM creditor_ics_changes"
    " WHERE creditor_id = $1 ORDER BY from_on DESC, id DESC LIMIT 1),"
    " (SELECT ics FROM creditors WHERE id = $1)),"
    " coalesce((SELECT max(from_on)::text FROM creditor_ics_changes"
    " WHERE creditor_id = $1), '')";

/* $1 ICS: whether any creditor has or had it. */
static const char creditor_ics_taken_sql[] =
    "SELECT count(*) FROM (SELECT 1 FROM creditors WHERE ics = $1"
    " UNION ALL SELECT 1 FROM creditor_ics_changes WHERE new_ics = $1"
    " OR old_ics = $1) x";

/* $1 creditor, $2 old ICS, $3 new ICS, $4 from. */
static const char creditor_change_ics_sql[] =
    "INSERT INTO creditor_ics_changes (creditor_id, old_ics, new_ics,"
    " from_on) VALUES ($1, $2, $3, $4)";

/* $1 creditor: the mandates that may be debited again. */
static const char creditor_mandates_sql[] =
    "SELECT count(*) FROM mandates WHERE creditor_id = $1"
    " AND state IN ('active', 'suspended')";

int
store_creditor_ensure(struct db *db, const char *ics, const char *name,
    int64_t *id, sepa_error *err)
{
	const char *params[2] = {ics, name};
	sepa_error e = SEPA_ERROR_INIT;
	char cid[24];
	int rc;

	/* An ICS it had or has since a change is the same creditor. */
	if ((rc = store_creditor_find(db, ics, id, &e)) == 0) {
		snprintf(cid, sizeof(cid), "%" PRId64, *id);
		return db_exec(db, "rename the creditor",
		    "UPDATE creditors SET name = $2 WHERE id = $1", 2,
		    (const char *const[]){cid, name}, err);
	}
	if (rc != SEPA_ENOTFOUND) {
		*err = e;
		return rc;
	}
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
	int64_t changes = 0;
	int rc;

	rc = db_query_int64(
	    db, id, "look up the creditor", creditor_find_sql, 1, params, err);
	if (rc == 0 && *id == 0 &&
	    (rc = db_query_int64(db, &changes, "look for ICS changes",
	         creditor_has_changes_sql, 0, NULL, err)) == 0 &&
	    changes > 0)
		rc = db_query_int64(db, id,
		    "look up the creditor by an ICS "
		    "it had or has",
		    creditor_find_changed_sql, 1, params, err);
	if (rc == 0 && *id == 0)
		rc = sepa_error_set(err, SEPA_ENOTFOUND,
		    "creditor %s is not in the database (run sepactl init)",
		    ics);
	return rc;
}

int
store_creditor_ics_on(struct db *db, int64_t creditor_id, sepa_date day,
    char ics[SEPA_CID_BUFSZ], sepa_error *err)
{
	char cred[24], d[SEPA_DATE_BUFSZ];
	PGresult *res = NULL;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(d, day);
	if ((rc = db_query(db, &res, "find the creditor's ICS",
	         creditor_ics_on_sql, 2, (const char *const[]){cred, d},
	         err)) != 0)
		return rc;
	snprintf(ics, SEPA_CID_BUFSZ, "%s", PQgetvalue(res, 0, 0));
	db_result_free(res);
	return 0;
}

/*
 * Inside the transaction: the creditor's latest ICS into res->old_ics,
 * and SEPA_EINVAL when `new_ics` (normalised) cannot follow it from
 * `from`.
 */
static int
creditor_change_check(struct db *db, const char *cred, const char *new_ics,
    const char *from, struct creditor_ics_change *res, sepa_error *err)
{
	char on[I18N_DATE_TEXT_BUFSZ];
	PGresult *q = NULL;
	int64_t taken;
	int rc;

	if ((rc = db_query(db, &q, "read the creditor's ICS",
	         creditor_latest_sql, 1, (const char *const[]){cred}, err)) !=
	    0)
		return rc;
	snprintf(res->old_ics, sizeof(res->old_ics), "%s", PQgetvalue(q, 0, 0));
	if (PQgetvalue(q, 0, 1)[0] != '\0' &&
	    strcmp(from, PQgetvalue(q, 0, 1)) < 0)
		rc = sepa_error_set(err, SEPA_EINVAL,
		    "a change of ICS from %s is recorded already: this one "
		    "cannot come before it",
		    i18n_date_text(on, PQgetvalue(q, 0, 1)));
	db_result_free(q);
	if (rc != 0)
		return rc;
	if (strcmp(res->old_ics, new_ics) == 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s is the creditor's ICS already", new_ics);
	if ((rc = db_query_int64(db, &taken, "look for the new ICS",
	         creditor_ics_taken_sql, 1, (const char *const[]){new_ics},
	         err)) != 0)
		return rc;
	if (taken > 0)
		return sepa_error_set(err, SEPA_EINVAL,
		    "ICS %s is, or was, a creditor's identifier in this "
		    "database",
		    new_ics);
	return 0;
}

int
store_creditor_change_ics(struct db *db, int64_t creditor_id,
    const char *new_ics, sepa_date from, sepa_date today,
    struct creditor_ics_change *res, sepa_error *err)
{
	char cred[24], fr[SEPA_DATE_BUFSZ];
	struct event ev = {0};
	struct i18n_msg say;
	int64_t one;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = sepa_cid_parse(res->new_ics, new_ics, err)) != 0)
		return rc;
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(fr, from);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	/* A collection records with the creditor locked: not meanwhile. */
	if ((rc = db_query_int64(db, &one, "lock the creditor",
	         "SELECT count(*) FROM (SELECT 1 FROM creditors WHERE id = $1"
	         " FOR UPDATE) x",
	         1, (const char *const[]){cred}, err)) != 0 ||
	    (rc = creditor_change_check(
	         db, cred, res->new_ics, fr, res, err)) != 0 ||
	    (rc = db_exec(db, "record the change of ICS",
	         creditor_change_ics_sql, 4,
	         (const char *const[]){cred, res->old_ics, res->new_ics, fr},
	         err)) != 0 ||
	    (rc = db_query_int64(db, &res->mandates, "count the mandates",
	         creditor_mandates_sql, 1, (const char *const[]){cred}, err)) !=
	        0)
		goto cleanup;
	i18n_msg(&say,
	    N_("creditor identifier %s becomes %s from %s: each mandate's "
	       "next debit declares the old one (OrgnlCdtrSchmeId), once"),
	    "ttd", res->old_ics, res->new_ics, from);
	ev.kind = "creditor.ics_changed";
	ev.say = &say;
	ev.business_date = today;
	ev.has_count = true;
	ev.count = res->mandates;
	if ((rc = store_event_add(db, creditor_id, &ev, err)) != 0)
		goto cleanup;
	rc = db_commit(db, err);
cleanup:
	if (rc != 0)
		db_rollback(db);
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
