/*
 * store_event.c - the event log: one row per thing that happened (a step
 * ran, a file was imported or refused, a mandate ended...), written in the
 * transaction of the change it records, read by status and reports.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_event.h"

/* Every kind of event the stores record, and what it is. */
static const struct {
	const char *kind;
	const char *label;
} event_labels[] = {
    {"attention.acknowledged", N_("events acknowledged")},
    {"batch.cancelled", N_("file cancelled before its release")},
    {"batch.rejected", N_("file refused by the bank")},
    {"batch.released", N_("file released")},
    {"collect.prepared", N_("collection recorded")},
    {"collections.settled", N_("collections presumed settled")},
    {"consumption.late", N_("consumption received late")},
    {"consumption.missing", N_("consumption not received")},
    {"credit.refunds", N_("credits listed for refund")},
    {"creditor.ics_changed", N_("creditor identifier changed")},
    {"cycle.step", N_("cycle step done")},
    {"file.imported", N_("file imported")},
    {"file.refused", N_("file refused")},
    {"invoice.collect_deferred", N_("invoice's debit deferred")},
    {"invoice.collect_late", N_("invoice too late for its debit")},
    {"invoice.collect_refused", N_("invoice left out of the debit")},
    {"invoice.other_means", N_("invoice payable by other means")},
    {"invoice.recovery_refused", N_("invoice left out of the recovery")},
    {"invoice.run", N_("invoices issued")},
    {"mandate.account_changed", N_("mandate's account changed")},
    {"mandate.end_scheduled", N_("mandate's end scheduled")},
    {"mandate.lapsed", N_("mandate lapsed")},
    {"mandate.reactivated", N_("mandate active again")},
    {"mandate.rum_changed", N_("mandate's RUM changed")},
    {"mandate.suspended", N_("mandate suspended")},
    {"mandate.terminated", N_("mandate terminated")},
    {"notice.mail_failed", N_("notice e-mail failed")},
    {"notice.mail_unknown", N_("notice e-mail of unknown outcome")},
    {"notices.written", N_("notices written")},
    {"payment.recorded", N_("payment recorded")},
    {"pes.acquit", N_("PES acquit imported")},
    {"pes.bordereau_rejected", N_("PES bordereau rejected")},
    {"recovery.exported", N_("invoices sent to recovery")},
    {"returns.imported", N_("bank returns imported")},
    {"returns.quarantine_applied", N_("quarantined record applied")},
    {"returns.quarantine_dismissed", N_("quarantined record dismissed")},
    {"user.added", N_("console user added")},
    {"user.disabled", N_("console user disabled")},
    {"user.password", N_("console password changed")},
    {"web.locked", N_("console account locked")},
    {"web.login", N_("console login")},
    {"web.logout", N_("console logout")},
};

const char *
store_event_label(const char *kind)
{
	for (size_t i = 0; i < sizeof(event_labels) / sizeof(event_labels[0]);
	     i++)
		if (strcmp(kind, event_labels[i].kind) == 0)
			return _(event_labels[i].label);
	return NULL;
}

/* Text form of an optional id (0 = none) into buf; NULL when none. */
static const char *
event_id_param(char *buf, size_t size, int64_t id)
{
	if (id <= 0)
		return NULL;
	snprintf(buf, size, "%" PRId64, id);
	return buf;
}

/* The masked English text and the arguments (text[]) of an event into
 * p[0] and p[1] (owned). */
static void
event_message_params(const struct event *ev, char **p)
{
	const struct i18n_msg *say = ev->say;
	char *args[I18N_MSG_MAXARGS];

	/* status, attention and the journal show it: IBANs masked */
	if (say == NULL) {
		p[0] = sepa_iban_mask_text(xstrdup(ev->message));
		p[1] = NULL;
		return;
	}
	for (size_t i = 0; i < say->nargs; i++)
		args[i] = sepa_iban_mask_text(xstrdup(say->args[i]));
	p[0] = ev->message != NULL
	    ? xstrdup(ev->message)
	    : i18n_render(say->msgid, say->plural, (const char *const *)args,
	          say->nargs, 0);
	sepa_iban_mask_text(p[0]);
	p[1] = db_text_array((const char *const *)args, say->nargs);
	for (size_t i = 0; i < say->nargs; i++)
		free(args[i]);
}

int
store_event_add(
    struct db *db, int64_t creditor_id, const struct event *ev, sepa_error *err)
{
	char cred[24], fam[24], man[24], inv[24], bat[24], col[24], fil[24];
	char cnt[24], amt[24], day[SEPA_DATE_BUFSZ], mon[SEPA_DATE_BUFSZ];
	const char *params[17];
	char *msg[2];
	int rc;

	if (ev->kind == NULL ||
	    (ev->say == NULL &&
	        (ev->message == NULL || ev->message[0] == '\0')))
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
	event_message_params(ev, msg);
	params[13] = msg[0];
	params[14] = ev->say != NULL ? ev->say->msgid : NULL;
	params[15] = ev->say != NULL ? ev->say->plural : NULL;
	params[16] = msg[1];
	rc = db_exec(db, "record an event",
	    "INSERT INTO events (creditor_id, business_date, kind, month, "
	    "family_id, mandate_id, invoice_id, batch_id, collection_id, "
	    "file_id, count, amount_cents, needs_attention, message, msgid, "
	    "msgid_plural, msg_args) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
	    "$14, $15, $16, $17)",
	    17, params, err);
	free(msg[0]);
	free(msg[1]);
	return rc;
}

int
store_event_last_id(
    struct db *db, int64_t creditor_id, int64_t *id, sepa_error *err)
{
	char cred[24];
	const char *params[1] = {cred};

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	return db_query_int64(db, id, "read the event log",
	    "SELECT coalesce(max(id), 0) FROM events WHERE creditor_id = $1", 1,
	    params, err);
}

int
store_event_list_after(struct db *db, int64_t creditor_id, int64_t after,
    struct event_row **rows, size_t *count, sepa_error *err)
{
	char cred[24], from[24];
	const char *params[2] = {cred, from};
	PGresult *res;
	int n;

	*rows = NULL;
	*count = 0;
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	snprintf(from, sizeof(from), "%" PRId64, after);
	if (db_query(db, &res, "read the event log",
	        "SELECT id, kind, message, coalesce(to_char(month, "
	        "'YYYY-MM'), ''), needs_attention, count, amount_cents "
	        "FROM events WHERE creditor_id = $1 AND id > $2 "
	        "ORDER BY id LIMIT 1000",
	        2, params, err) != 0)
		return SEPA_EIO;
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
	db_result_free(res);
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

/* ------------------------------------------------------------ attention */

int
store_attention_list(struct db *db, int64_t creditor_id, bool all,
    struct attention_row **rows, size_t *count, sepa_error *err)
{
	char cred[24];
	PGresult *res;
	int n;

	*rows = NULL;
	*count = 0;
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	if (db_query(db, &res, "read the events needing attention",
	        "SELECT e.id, to_char(e.business_date, 'YYYY-MM-DD'), e.kind, "
	        "e.message, e.msgid, e.msgid_plural, e.msg_args, "
	        "coalesce(to_char(a.acknowledged_on, "
	        "'YYYY-MM-DD'), ''), coalesce(a.note, '') FROM events e "
	        "LEFT JOIN event_acks a ON a.creditor_id = e.creditor_id AND "
	        "a.event_id = e.id WHERE e.creditor_id = $1 AND "
	        "e.needs_attention AND ($2::boolean OR a.event_id IS NULL) "
	        "ORDER BY e.id",
	        2, (const char *const[]){cred, all ? "true" : "false"},
	        err) != 0)
		return SEPA_EIO;
	n = PQntuples(res);
	if (n > 0) {
		*rows = xcalloc((size_t)n, sizeof(**rows));
		for (int i = 0; i < n; i++) {
			struct attention_row *r = &(*rows)[i];

			r->id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
			snprintf(r->business_date, sizeof(r->business_date),
			    "%s", PQgetvalue(res, i, 1));
			r->kind = xstrdup(PQgetvalue(res, i, 2));
			r->message = db_message(res, i, 3);
			snprintf(r->acknowledged_on, sizeof(r->acknowledged_on),
			    "%s", PQgetvalue(res, i, 7));
			r->note = xstrdup(PQgetvalue(res, i, 8));
		}
	}
	*count = (size_t)n;
	db_result_free(res);
	return 0;
}

void
store_attention_rows_free(struct attention_row *rows, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(rows[i].kind);
		free(rows[i].message);
		free(rows[i].note);
	}
	free(rows);
}

/* The ids as a PostgreSQL array literal, "{1,2,3}" (owned). */
static char *
attention_ids(const int64_t *ids, size_t n)
{
	char *s = xmalloc(n * 21 + 3);
	size_t len = 0;

	s[len++] = '{';
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(
		    s + len, "%s%" PRId64, i > 0 ? "," : "", ids[i]);
	s[len++] = '}';
	s[len] = '\0';
	return s;
}

/* A refusal found by `sql` ($1 creditor, $2 ids): its first row. */
static int
attention_refusal(struct db *db, const char *what, const char *sql,
    const char *const *params, PGresult **out, sepa_error *err)
{
	int rc = db_query(db, out, what, sql, 2, params, err);

	if (rc == 0 && PQntuples(*out) == 0) {
		db_result_free(*out);
		*out = NULL;
	}
	return rc;
}

int
store_attention_ack(struct db *db, int64_t creditor_id, const int64_t *ids,
    size_t n, sepa_date today, const char *note, int64_t *done, sepa_error *err)
{
	char cred[24], day[SEPA_DATE_BUFSZ], *list = NULL;
	const char *params[4];
	PGresult *bad = NULL;
	struct i18n_msg say;
	struct event ev;
	int rc;

	*done = 0;
	if (note == NULL || note[0] == '\0')
		return sepa_error_set(err, SEPA_EINVAL,
		    "an acknowledgement needs a note: who saw to it, and how");
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(day, today);
	list = n > 0 ? attention_ids(ids, n) : NULL;
	params[0] = cred;
	params[1] = list;
	params[2] = day;
	params[3] = note;
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		goto cleanup;
	/* One acknowledgement at a time per creditor. */
	if ((rc = db_exec(db, "lock the acknowledgements",
	         "LOCK TABLE event_acks IN SHARE ROW EXCLUSIVE MODE", 0, NULL,
	         err)) != 0)
		goto cleanup;
	if (n > 0) {
		if ((rc = attention_refusal(db, "check the events",
		         "SELECT x FROM unnest($2::bigint[]) x WHERE NOT EXISTS "
		         "(SELECT 1 FROM events e WHERE e.creditor_id = $1 AND "
		         "e.id = x AND e.needs_attention) ORDER BY x LIMIT 1",
		         params, &bad, err)) != 0)
			goto cleanup;
		if (bad != NULL) {
			rc = sepa_error_set(err, SEPA_ENOTFOUND,
			    "event %s is not an event that needs attention "
			    "(sepactl attention list shows them)",
			    PQgetvalue(bad, 0, 0));
			goto cleanup;
		}
		if ((rc = attention_refusal(db, "check the acknowledgements",
		         "SELECT a.event_id, to_char(a.acknowledged_on, "
		         "'YYYY-MM-DD'), a.note FROM event_acks a WHERE "
		         "a.creditor_id = $1 AND a.event_id = ANY($2::bigint[]) "
		         "ORDER BY a.event_id LIMIT 1",
		         params, &bad, err)) != 0)
			goto cleanup;
		if (bad != NULL) {
			char on[I18N_DATE_TEXT_BUFSZ];

			rc = sepa_error_set(err, SEPA_ESTATE,
			    "event %s was acknowledged on %s: %s",
			    PQgetvalue(bad, 0, 0),
			    i18n_date_text(on, PQgetvalue(bad, 0, 1)),
			    PQgetvalue(bad, 0, 2));
			goto cleanup;
		}
	}
	/* $2 NULL: every open one. */
	if ((rc = db_query_int64(db, done, "acknowledge the events",
	         "WITH ins AS (INSERT INTO event_acks (creditor_id, event_id, "
	         "acknowledged_on, note) SELECT $1, e.id, $3, $4 FROM events "
	         "e WHERE e.creditor_id = $1 AND e.needs_attention AND ($2::bigint[] IS "
	         "NULL OR e.id = ANY($2::bigint[])) AND NOT EXISTS (SELECT 1 "
	         "FROM event_acks a WHERE a.creditor_id = $1 AND a.event_id = "
	         "e.id) RETURNING 1) SELECT count(*) FROM ins",
	         4, params, err)) != 0)
		goto cleanup;
	i18n_msg(&say,
	    NN_("%s event needing attention acknowledged",
	        "%s events needing attention acknowledged"),
	    "N", *done);
	memset(&ev, 0, sizeof(ev));
	ev.kind = "attention.acknowledged";
	ev.say = &say;
	ev.business_date = today;
	ev.has_count = true;
	ev.count = *done;
	if ((rc = store_event_add(db, creditor_id, &ev, err)) != 0)
		goto cleanup;
	rc = db_commit(db, err);
cleanup:
	db_result_free(bad);
	if (rc != 0) {
		db_rollback(db);
		*done = 0;
	}
	free(list);
	return rc;
}
