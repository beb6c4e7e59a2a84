/*
 * store_event.c - the event log: one row per thing that happened (a step
 * ran, a file was imported or refused, a mandate ended...), written in the
 * transaction of the change it records, read by status and reports.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

#include "sepad.h"

/* Text form of an optional id (0 = none) into buf; NULL when none. */
static const char *
event_id_param(char *buf, size_t size, int64_t id)
{
	if (id <= 0)
		return NULL;
	snprintf(buf, size, "%" PRId64, id);
	return buf;
}

int
store_event_add(
    struct db *db, int64_t creditor_id, const struct event *ev, sepa_error *err)
{
	char cred[24], fam[24], man[24], inv[24], bat[24], col[24], fil[24];
	char cnt[24], amt[24], day[SEPA_DATE_BUFSZ], mon[SEPA_DATE_BUFSZ];
	const char *params[14];

	if (ev->kind == NULL || ev->message == NULL || ev->message[0] == '\0')
		return sepa_error_set(
		    err, SEPA_EINVAL, "an event needs a kind and a message");
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	params[0] = cred;
	params[1] = sepa_date_iso(day, ev->business_date);
	params[2] = ev->kind;
	if (ev->month.year != 0) {
		sepa_date first = {ev->month.year, ev->month.month, 1};

		params[3] = sepa_date_iso(mon, first);
	} else {
		params[3] = NULL;
	}
	params[4] = event_id_param(fam, sizeof(fam), ev->family_id);
	params[5] = event_id_param(man, sizeof(man), ev->mandate_id);
	params[6] = event_id_param(inv, sizeof(inv), ev->invoice_id);
	params[7] = event_id_param(bat, sizeof(bat), ev->batch_id);
	params[8] = event_id_param(col, sizeof(col), ev->collection_id);
	params[9] = event_id_param(fil, sizeof(fil), ev->file_id);
	if (ev->has_count) {
		snprintf(cnt, sizeof(cnt), "%" PRId64, ev->count);
		params[10] = cnt;
	} else {
		params[10] = NULL;
	}
	if (ev->has_amount) {
		snprintf(amt, sizeof(amt), "%" PRId64, ev->amount_cents);
		params[11] = amt;
	} else {
		params[11] = NULL;
	}
	params[12] = ev->needs_attention ? "true" : "false";
	params[13] = ev->message;
	return db_exec(db, "record an event",
	    "INSERT INTO events (creditor_id, business_date, kind, month, "
	    "family_id, mandate_id, invoice_id, batch_id, collection_id, "
	    "file_id, count, amount_cents, needs_attention, message) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
	    "$14)",
	    14, params, err);
}

int
store_event_list_after(struct db *db, int64_t creditor_id, int64_t after,
    struct event_row **rows, size_t *count, sepa_error *err)
{
	char cred[24], from[24];
	const char *params[2] = {cred, from};
	struct pg_result *pres;
	PGresult *res;
	int n;

	*rows = NULL;
	*count = 0;
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	snprintf(from, sizeof(from), "%" PRId64, after);
	if (db_query(db, &pres, "read the event log",
	        "SELECT id, kind, message, coalesce(to_char(month, "
	        "'YYYY-MM'), ''), needs_attention, count, amount_cents "
	        "FROM events WHERE creditor_id = $1 AND id > $2 "
	        "ORDER BY id LIMIT 1000",
	        2, params, err) != 0)
		return SEPA_EIO;
	res = (PGresult *)pres;
	n = PQntuples(res);
	if (n > 0) {
		*rows = xcalloc((size_t)n, sizeof(**rows));
		for (int i = 0; i < n; i++) {
			struct event_row *r = &(*rows)[i];

			r->id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
			r->kind = xstrdup(PQgetvalue(res, i, 1));
			r->message = xstrdup(PQgetvalue(res, i, 2));
			snprintf(r->month, sizeof(r->month), "%s",
			    PQgetvalue(res, i, 3));
			r->needs_attention = PQgetvalue(res, i, 4)[0] == 't';
			r->has_count = !PQgetisnull(res, i, 5);
			if (r->has_count)
				r->count =
				    strtoll(PQgetvalue(res, i, 5), NULL, 10);
			r->has_amount = !PQgetisnull(res, i, 6);
			if (r->has_amount)
				r->amount_cents =
				    strtoll(PQgetvalue(res, i, 6), NULL, 10);
		}
	}
	*count = (size_t)n;
	db_result_free(pres);
	return 0;
}

void
store_event_rows_free(struct event_row *rows, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(rows[i].kind);
		free(rows[i].message);
	}
	free(rows);
}
