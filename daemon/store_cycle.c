/*
 * store_cycle.c - the cycle_steps table (migration 002): which step of
 * which cycle month has run (the month on whose day the step is due,
 * migration 011), so each due step runs once and missed ones are caught
 * up.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_cycle.h"
#include "store_event.h"
#include "store_schema.h"

int
store_cycle_last(struct db *db, int64_t creditor_id, const char *step,
    sepa_month *month, sepa_error *err)
{
	char cred[24];
	const char *params[2] = {cred, step};
	int64_t ym;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	rc = db_query_int64(db, &ym, "read the cycle's last step",
	    "SELECT coalesce(max(extract(year FROM month)::int * 100"
	    " + extract(month FROM month)::int), 0) FROM cycle_steps"
	    " WHERE creditor_id = $1 AND step = $2",
	    2, params, err);
	if (rc != 0)
		return rc;
	month->year = (int)(ym / 100);
	month->month = (int)(ym % 100);
	return 0;
}

int
store_cycle_done(struct db *db, int64_t creditor_id, const char *step,
    sepa_month month, int *done, sepa_error *err)
{
	char cred[24], mon[SEPA_DATE_BUFSZ];
	sepa_date first = {month.year, month.month, 1};
	const char *params[3] = {cred, step, NULL};
	int64_t n;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	params[2] = sepa_date_iso(mon, first);
	rc = db_query_int64(db, &n, "read the cycle's steps",
	    "SELECT count(*) FROM cycle_steps WHERE creditor_id = $1"
	    " AND step = $2 AND month = $3",
	    3, params, err);
	*done = rc == 0 && n > 0;
	return rc;
}

int
store_cycle_mark(struct db *db, int64_t creditor_id, const char *step,
    sepa_month month, sepa_date today, sepa_error *err)
{
	char cred[24], mon[SEPA_DATE_BUFSZ], day[SEPA_DATE_BUFSZ];
	sepa_date first = {month.year, month.month, 1};
	const char *params[4] = {cred, step, NULL, NULL};
	struct event ev = {0};
	struct i18n_msg say;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	params[2] = sepa_date_iso(mon, first);
	params[3] = sepa_date_iso(day, today);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	if ((rc = db_exec(db, "record the cycle step",
	         "INSERT INTO cycle_steps (creditor_id, step, month, done_on)"
	         " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
	         4, params, err)) != 0)
		goto cleanup;
	i18n_msg(&say, N_("cycle step %s of %s done"), "tM", step, month);
	ev.kind = "cycle.step";
	ev.say = &say;
	ev.business_date = today;
	ev.month = month;
	if ((rc = store_event_add(db, creditor_id, &ev, err)) != 0)
		goto cleanup;
	rc = db_commit(db, err);
cleanup:
	if (rc != 0)
		db_rollback(db);
	return rc;
}

/*
 * What status shows about the cycle, as (section, text) rows: one line per
 * step and cycle month (migration 011), 'ran' with "STEP YYYY-MM
 * YYYY-MM-DD" (the day it ran); 'batch' with the tab-separated file name,
 * MsgId, state, day recorded and collection month of a file not released;
 * 'attention' with the tab-separated day, kind and message (in the
 * reader's language) of an event needing attention. cmd_status.c words
 * them.
 */
#define CYCLE_STATUS_NONE ", NULL, NULL::text, NULL::text, NULL::text[]"
#define CYCLE_STATUS_SQL(open, msg) \
	"(SELECT 'ran', step || ' ' || to_char(month, 'YYYY-MM')" \
	" || ' ' || to_char(done_on, 'YYYY-MM-DD')" CYCLE_STATUS_NONE \
	" FROM cycle_steps" \
	" WHERE creditor_id = $1 ORDER BY done_at DESC, month DESC, step" \
	" LIMIT 5)" \
	" UNION ALL" \
	" (SELECT 'batch', file_name || E'\\t' || msg_id || E'\\t' || state" \
	" || E'\\t' || to_char(created_at, 'YYYY-MM-DD') || E'\\t'" \
	" || to_char(collection_month, 'YYYY-MM')" CYCLE_STATUS_NONE \
	" FROM batches WHERE creditor_id = $1" \
	" AND state IN ('prepared', 'placing')" \
	" ORDER BY collection_month, part)" \
	" UNION ALL" \
	" (SELECT 'attention', to_char(business_date, 'YYYY-MM-DD') || E'\\t'" \
	" || kind || E'\\t', message" msg " FROM events e" \
	" WHERE creditor_id = $1 AND needs_attention" open \
	" ORDER BY at DESC, id DESC LIMIT $2)" \
	" UNION ALL" \
	" (SELECT 'attention-total', count(*)::text" CYCLE_STATUS_NONE \
	" FROM events e WHERE creditor_id = $1 AND needs_attention" open ")"

/* Not acknowledged (migration 014); before it, every such event. The
 * message in the reader's language from migration 050. */
#define CYCLE_STATUS_UNACKED \
	" AND NOT EXISTS (SELECT 1 FROM event_acks a WHERE a.creditor_id = $1" \
	" AND a.event_id = e.id)"
static const char cycle_status_sql[] =
    CYCLE_STATUS_SQL(CYCLE_STATUS_UNACKED, ", msgid, msgid_plural, msg_args");
static const char cycle_status_sql_049[] =
    CYCLE_STATUS_SQL(CYCLE_STATUS_UNACKED, ", NULL, NULL::text, NULL::text[]");
static const char cycle_status_sql_013[] =
    CYCLE_STATUS_SQL("", ", NULL, NULL::text, NULL::text[]");

int
store_cycle_status(struct db *db, int64_t creditor_id, int limit,
    void (*fn)(void *arg, const char *section, const char *text), void *arg,
    sepa_error *err)
{
	char cred[24], lim[24];
	const char *params[2] = {cred, lim};
	PGresult *res = NULL;
	int rc, version;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	snprintf(lim, sizeof(lim), "%d", limit);
	/* status reads a database not migrated yet too */
	if ((rc = store_schema_version(db, &version, err)) != 0 ||
	    (rc = db_query(db, &res, "read the status",
	         version >= 50       ? cycle_status_sql
	             : version >= 14 ? cycle_status_sql_049
	                             : cycle_status_sql_013,
	         2, params, err)) != 0)
		return rc;
	for (int r = 0; r < PQntuples(res); r++) {
		char *msg, *text;

		if (PQgetisnull(res, r, 2)) {
			fn(arg, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1));
			continue;
		}
		msg = db_message(res, r, 2);
		xasprintf(&text, "%s%s", PQgetvalue(res, r, 1), msg);
		fn(arg, PQgetvalue(res, r, 0), text);
		free(text);
		free(msg);
	}
	PQclear(res);
	return 0;
}
