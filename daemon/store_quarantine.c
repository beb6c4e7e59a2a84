/*
 * store_quarantine.c - the bank records an import could not apply
 * (return_quarantine, migration 007): list them, apply one to a
 * collection the operator names (with the import's own rules:
 * store_returns_find_effects and store_returns_apply_effects), or
 * dismiss one. A quarantine row is never deleted; resolving it sets
 * resolved_on (the business date) and resolution, and logs an event.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/money.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_event.h"
#include "store_quarantine.h"
#include "store_returns.h"

/* $1 creditor, $2 all (boolean). */
static const char quarantine_list_sql[] =
    "SELECT q.id, r.id, f.file_name, r.line, r.kind, r.level,"
    " r.end_to_end_id, r.orig_msg_id, r.pmt_inf_id, r.mandate_ref,"
    " r.amount_cents, r.reason_code, r.reason_proprietary,"
    " coalesce(to_char(r.booking_date, 'YYYY-MM-DD'), ''), q.reason,"
    " q.reason_msgid, NULL, q.reason_args,"
    " coalesce(to_char(q.resolved_on, 'YYYY-MM-DD'), ''),"
    " coalesce(q.resolution, '')"
    " FROM return_quarantine q"
    " JOIN return_records r ON r.creditor_id = $1 AND r.id = q.record_id"
    " JOIN imported_files f ON f.creditor_id = $1 AND f.id = r.file_id"
    " WHERE q.creditor_id = $1 AND ($2::boolean OR q.resolved_on IS NULL)"
    " ORDER BY q.id";

/* $1 creditor, $2 quarantine id: the row, locked, with its record. */
static const char quarantine_row_sql[] =
    "SELECT q.id, r.id, f.file_name, r.line, r.kind, r.level,"
    " r.end_to_end_id, r.orig_msg_id, r.pmt_inf_id, r.mandate_ref,"
    " r.amount_cents, r.reason_code, r.reason_proprietary,"
    " coalesce(to_char(r.booking_date, 'YYYY-MM-DD'), ''), q.reason,"
    " q.reason_msgid, NULL, q.reason_args,"
    " coalesce(to_char(q.resolved_on, 'YYYY-MM-DD'), ''),"
    " coalesce(q.resolution, ''), r.file_id, f.kind"
    " FROM return_quarantine q"
    " JOIN return_records r ON r.creditor_id = $1 AND r.id = q.record_id"
    " JOIN imported_files f ON f.creditor_id = $1 AND f.id = r.file_id"
    " WHERE q.creditor_id = $1 AND q.id = $2 FOR UPDATE OF q";

/* $1 creditor, $2 EndToEndId: the collection, locked. */
static const char quarantine_collection_sql[] =
    "SELECT c.id, c.state, c.amount_cents, c.rum, c.pmt_inf_id, b.msg_id,"
    " b.state, i.number FROM collections c"
    " JOIN batches b ON b.creditor_id = $1 AND b.id = c.batch_id"
    " JOIN invoices i ON i.creditor_id = $1 AND i.id = c.invoice_id"
    " WHERE c.creditor_id = $1 AND c.end_to_end_id = $2 FOR UPDATE OF c";

/* $1 creditor, $2 record, $3 collection: the record and its match. */
static const char quarantine_stage_sql[] =
    "INSERT INTO ret_stage (id, idx, line, kind, level, details, status,"
    " orig_msg_id, pmt_inf_id, end_to_end_id, mandate_ref, amount_cents,"
    " reason_code, reason_proprietary, reason_info, booking_date,"
    " orig_date) SELECT id, idx, line, kind, level, details, status,"
    " orig_msg_id, pmt_inf_id, end_to_end_id, mandate_ref, amount_cents,"
    " reason_code, reason_proprietary, reason_info, booking_date, orig_date"
    " FROM return_records WHERE creditor_id = $1 AND id = $2";
static const char quarantine_match_sql[] =
    "INSERT INTO ret_match SELECT r.id, r.idx, r.kind, r.level,"
    " r.reason_code, r.reason_proprietary, c.end_to_end_id, c.id, c.state,"
    " c.due_on, NULL FROM return_records r, collections c"
    " WHERE r.creditor_id = $1 AND r.id = $2 AND c.creditor_id = $1"
    " AND c.id = $3";

/* $1 creditor, $2 quarantine id, $3 today, $4 resolution, $5 collection
 * (NULL: unchanged). */
static const char quarantine_resolve_sql[] =
    "UPDATE return_quarantine SET resolved_on = $3, resolution = $4,"
    " collection_id = coalesce($5::bigint, collection_id)"
    " WHERE creditor_id = $1 AND id = $2 AND resolved_on IS NULL";

static char *
quarantine_dup(PGresult *res, int row, int col)
{
	return xstrdup(PQgetvalue(res, row, col));
}

/* Run a query with (creditor, key) that finds one row or none: *pr is
 * NULL when none. */
static int
quarantine_one(struct db *db, PGresult **pr, const char *what, const char *sql,
    const char *cred, const char *key, sepa_error *err)
{
	int rc = db_query(
	    db, pr, what, sql, 2, (const char *const[]){cred, key}, err);

	if (rc == 0 && PQntuples(*pr) != 1) {
		db_result_free(*pr);
		*pr = NULL;
	}
	return rc;
}

/* Columns 0..19 of quarantine_list_sql / quarantine_row_sql. */
static void
quarantine_fill(struct quarantine_row *q, PGresult *res, int i)
{
	q->id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
	q->record_id = strtoll(PQgetvalue(res, i, 1), NULL, 10);
	q->file_name = quarantine_dup(res, i, 2);
	q->line = (int)strtol(PQgetvalue(res, i, 3), NULL, 10);
	q->kind = quarantine_dup(res, i, 4);
	q->level = quarantine_dup(res, i, 5);
	q->end_to_end_id = quarantine_dup(res, i, 6);
	q->orig_msg_id = quarantine_dup(res, i, 7);
	q->pmt_inf_id = quarantine_dup(res, i, 8);
	q->mandate_ref = quarantine_dup(res, i, 9);
	q->has_amount = !PQgetisnull(res, i, 10);
	q->amount_cents =
	    q->has_amount ? strtoll(PQgetvalue(res, i, 10), NULL, 10) : 0;
	q->reason_code = quarantine_dup(res, i, 11);
	q->reason_proprietary = PQgetvalue(res, i, 12)[0] == 't';
	q->booking_date = quarantine_dup(res, i, 13);
	q->why = db_message(res, i, 14); /* in the reader's language */
	q->why_stored = quarantine_dup(res, i, 14);
	q->resolved_on = quarantine_dup(res, i, 18);
	q->resolution = quarantine_dup(res, i, 19);
}

static void
quarantine_row_clear(struct quarantine_row *q)
{
	free(q->file_name);
	free(q->why_stored);
	free(q->kind);
	free(q->level);
	free(q->end_to_end_id);
	free(q->orig_msg_id);
	free(q->pmt_inf_id);
	free(q->mandate_ref);
	free(q->reason_code);
	free(q->booking_date);
	free(q->why);
	free(q->resolved_on);
	free(q->resolution);
	memset(q, 0, sizeof(*q));
}

void
store_quarantine_rows_free(struct quarantine_row *rows, size_t count)
{
	for (size_t i = 0; i < count; i++)
		quarantine_row_clear(&rows[i]);
	free(rows);
}

int
store_quarantine_list(struct db *db, int64_t creditor_id, bool all,
    struct quarantine_row **rows, size_t *count, sepa_error *err)
{
	PGresult *res = NULL;
	char cred[24];
	int n, rc;

	*rows = NULL;
	*count = 0;
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	if ((rc = db_query(db, &res, "read the quarantine", quarantine_list_sql,
	         2, (const char *const[]){cred, all ? "true" : "false"},
	         err)) != 0)
		return rc;
	n = PQntuples(res);
	if (n > 0) {
		*rows = xcalloc((size_t)n, sizeof(**rows));
		for (int i = 0; i < n; i++)
			quarantine_fill(&(*rows)[i], res, i);
	}
	*count = (size_t)n;
	db_result_free(res);
	return 0;
}

/*
 * The quarantine row `id` locked into *q (with its file id and file
 * kind), or a refusal: no such row, or already resolved.
 */
static int
quarantine_lock(struct db *db, const char *cred, int64_t id,
    struct quarantine_row *q, int64_t *file_id, char *fkind, size_t fsize,
    sepa_error *err)
{
	PGresult *res = NULL;
	char qid[24];
	int rc;

	snprintf(qid, sizeof(qid), "%" PRId64, id);
	if ((rc = quarantine_one(db, &res, "read the quarantined record",
	         quarantine_row_sql, cred, qid, err)) != 0)
		return rc;
	if (res == NULL)
		return sepa_error_set(err, SEPA_ENOTFOUND,
		    "quarantined record %" PRId64
		    " does not exist (sepactl quarantine list --all shows them)",
		    id);
	quarantine_fill(q, res, 0);
	*file_id = strtoll(PQgetvalue(res, 0, 20), NULL, 10);
	snprintf(fkind, fsize, "%s", PQgetvalue(res, 0, 21));
	db_result_free(res);
	if (q->resolved_on[0] != '\0') {
		char on[I18N_DATE_TEXT_BUFSZ];

		return sepa_error_set(err, SEPA_ESTATE,
		    "quarantined record %" PRId64
		    " was already resolved on %s: %s",
		    id, i18n_date_text(on, q->resolved_on), q->resolution);
	}
	return 0;
}

/*
 * Mark the locked row q resolved on `today` with `resolution` (and the
 * collection it was applied to; 0: unchanged), and log the event `kind`
 * naming its file and line.
 */
static int
quarantine_resolve(struct db *db, int64_t creditor_id,
    const struct quarantine_row *q, int64_t file_id, sepa_date today,
    const char *resolution, int64_t collection_id, const char *kind,
    sepa_error *err)
{
	char cred[24], qid[24], cid[24], day[SEPA_DATE_BUFSZ];
	const char *dismissed = "dismissed: ";
	struct i18n_msg say;
	struct event ev;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	snprintf(qid, sizeof(qid), "%" PRId64, q->id);
	snprintf(cid, sizeof(cid), "%" PRId64, collection_id);
	sepa_date_iso(day, today);
	if ((rc = db_exec(db, "resolve the quarantined record",
	         quarantine_resolve_sql, 5,
	         (const char *const[]){cred, qid, day, resolution,
	             collection_id > 0 ? cid : NULL},
	         err)) != 0)
		return rc;
	/* the operator's words stay as they were typed */
	if (strncmp(resolution, dismissed, strlen(dismissed)) == 0)
		i18n_msg(&say,
		    N_("quarantined record %s (%s line %s) dismissed: %s"),
		    "ntnt", q->id, q->file_name, (int64_t)q->line,
		    resolution + strlen(dismissed));
	else
		i18n_msg(&say, N_("quarantined record %s (%s line %s) %s"),
		    "ntnt", q->id, q->file_name, (int64_t)q->line, resolution);
	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.say = &say;
	ev.business_date = today;
	ev.file_id = file_id;
	ev.collection_id = collection_id;
	return store_event_add(db, creditor_id, &ev, err);
}

/* The collection named by the operator. */
struct quarantine_coll {
	int64_t id;
	char state[16];
	int64_t amount_cents;
	char *rum, *pmt_inf_id, *msg_id, *invoice;
	bool released;
};

static int
quarantine_collection(struct db *db, const char *cred, const char *e2e,
    struct quarantine_coll *c, sepa_error *err)
{
	PGresult *res = NULL;
	int rc;

	if ((rc = quarantine_one(db, &res, "read the collection",
	         quarantine_collection_sql, cred, e2e, err)) != 0)
		return rc;
	if (res == NULL)
		return sepa_error_set(err, SEPA_ENOTFOUND,
		    "no collection has the EndToEndId '%s'", e2e);
	c->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	snprintf(c->state, sizeof(c->state), "%s", PQgetvalue(res, 0, 1));
	c->amount_cents = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	c->rum = quarantine_dup(res, 0, 3);
	c->pmt_inf_id = quarantine_dup(res, 0, 4);
	c->msg_id = quarantine_dup(res, 0, 5);
	/* a file being placed is not released yet (migration 031) */
	c->released = strcmp(PQgetvalue(res, 0, 6), "prepared") != 0 &&
	    strcmp(PQgetvalue(res, 0, 6), "placing") != 0;
	c->invoice = quarantine_dup(res, 0, 7);
	db_result_free(res);
	return 0;
}

/*
 * What the record says that the collection contradicts, as the import
 * words it, into buf ("" when nothing). The amount is checked apart.
 */
static void
quarantine_contradictions(const struct quarantine_row *q, const char *fkind,
    const char *e2e, const struct quarantine_coll *c, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (strcmp(fkind, "pain002") == 0 && q->orig_msg_id[0] != '\0' &&
	    strcmp(q->orig_msg_id, c->msg_id) != 0)
		len += (size_t)snprintf(buf + len, size - len,
		    "%soriginal MsgId '%s' is not '%s', the MsgId of the file "
		    "of EndToEndId '%s'",
		    len > 0 ? "; " : "", q->orig_msg_id, c->msg_id, e2e);
	if (len < size && q->pmt_inf_id[0] != '\0' &&
	    strcmp(q->pmt_inf_id, c->pmt_inf_id) != 0)
		len += (size_t)snprintf(buf + len, size - len,
		    "%sPmtInfId '%s' is not '%s', the payment block of "
		    "EndToEndId '%s'",
		    len > 0 ? "; " : "", q->pmt_inf_id, c->pmt_inf_id, e2e);
	if (len < size && q->mandate_ref[0] != '\0' &&
	    /* a RUM is ASCII, compared as the import does, in any case */
	    strcasecmp(q->mandate_ref, c->rum) != 0)
		snprintf(buf + len, size - len,
		    "%smandate '%s' is not '%s', the mandate of EndToEndId '%s'",
		    len > 0 ? "; " : "", q->mandate_ref, c->rum, e2e);
}

/*
 * The checks that need no database: the record's level and kind, the
 * batch, the amount, the identifiers (unless forced). *forced gets what
 * --force overrode ("" when nothing).
 */
static int
quarantine_check(const struct quarantine_row *q, const char *fkind,
    const char *e2e, const struct quarantine_coll *c, const char *force,
    char *forced, size_t fsize, sepa_error *err)
{
	char a[SEPA_MONEY_BUFSZ], b[SEPA_MONEY_BUFSZ];

	forced[0] = '\0';
	if (strcmp(q->level, "transaction") != 0)
		return sepa_error_set(err, SEPA_ESTATE,
		    "quarantined record %" PRId64
		    " is a %s-level %s: it stands for several collections, "
		    "and apply takes one transaction record; settle it by "
		    "hand, then dismiss it",
		    q->id, q->level, q->kind);
	if (strcmp(q->kind, "reversal") == 0)
		return sepa_error_set(err, SEPA_ESTATE,
		    "quarantined record %" PRId64
		    " is a reversal: it undoes an earlier booking and is not a "
		    "return of the collection; settle it by hand, then dismiss "
		    "it",
		    q->id);
	if (!c->released)
		return sepa_error_set(err, SEPA_ESTATE,
		    "the batch of EndToEndId '%s' has not been released", e2e);
	if (q->has_amount && q->amount_cents != c->amount_cents)
		return sepa_error_set(err, SEPA_EINVAL,
		    "amount %s is not %s, the amount of EndToEndId '%s': a "
		    "record is never applied to a collection of another "
		    "amount, even with --force",
		    sepa_money_xml(a, q->amount_cents),
		    sepa_money_xml(b, c->amount_cents), e2e);
	quarantine_contradictions(q, fkind, e2e, c, forced, fsize);
	if (forced[0] != '\0' && force == NULL)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s; once the bank has confirmed that record %" PRId64
		    " is this collection's, apply it with --force REASON",
		    forced, q->id);
	return 0;
}

/*
 * After store_returns_find_effects: ret_q holds a refusal by the
 * collection's state, or ret_eff is empty because the collection already
 * has this effect; either way nothing may be applied.
 */
static int
quarantine_effect_or_refuse(struct db *db, const char *cred, int64_t qid,
    const char *e2e, const struct quarantine_coll *c,
    struct quarantine_applied *out, sepa_error *err)
{
	PGresult *res = NULL;
	int rc;

	if ((rc = db_query(db, &res, "read the effect",
	         "SELECT 'q', sepad_message(problem[1], problem[2:]), false,"
	         " problem[1], NULL, problem[2:] FROM ret_q UNION ALL"
	         " SELECT 'e', new_state, counted, NULL, NULL, NULL"
	         " FROM ret_eff",
	         0, NULL, err)) != 0)
		return rc;
	if (PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 'e') {
		snprintf(out->new_state, sizeof(out->new_state), "%s",
		    PQgetvalue(res, 0, 1));
		out->counted = PQgetvalue(res, 0, 2)[0] == 't';
		db_result_free(res);
		return 0;
	}
	if (PQntuples(res) > 0 && PQgetvalue(res, 0, 0)[0] == 'q') {
		char *why = db_message_at(res, 0, 1, 3);

		rc = sepa_error_set(err, SEPA_ESTATE, "%s", why);
		free(why);
		db_result_free(res);
		return rc;
	}
	db_result_free(res);
	/* No effect: an earlier record did it, or a settled collection is
	 * confirmed again. */
	if ((rc = db_query(db, &res, "read the earlier effect",
	         "SELECT e.record_id, e.new_state, e.reason_code"
	         " FROM return_effects e, ret_match m"
	         " WHERE e.creditor_id = $1 AND e.collection_id ="
	         " m.collection_id AND e.family = CASE m.kind WHEN"
	         " 'confirmation' THEN 'settled' ELSE 'unpaid' END",
	         1, (const char *const[]){cred}, err)) != 0)
		return rc;
	if (PQntuples(res) > 0)
		rc = sepa_error_set(err, SEPA_ESTATE,
		    "the collection of EndToEndId '%s' is already %s%s%s%s by "
		    "bank record %s: applying record %" PRId64
		    " would count it twice; dismiss it",
		    e2e, i18n_state(I18N_COLLECTION, PQgetvalue(res, 0, 1)),
		    PQgetvalue(res, 0, 2)[0] != '\0' ? " (" : "",
		    PQgetvalue(res, 0, 2),
		    PQgetvalue(res, 0, 2)[0] != '\0' ? ")" : "",
		    PQgetvalue(res, 0, 0), qid);
	else
		rc = sepa_error_set(err, SEPA_ESTATE,
		    "the collection of EndToEndId '%s' is %s: record %" PRId64
		    " changes nothing; dismiss it",
		    e2e, i18n_state(I18N_COLLECTION, c->state), qid);
	db_result_free(res);
	return rc;
}

int
store_quarantine_apply(struct db *db, int64_t creditor_id, int64_t id,
    const char *e2e, const char *force, const char *why,
    const struct returns_policy *pol, sepa_date today,
    struct quarantine_applied *out, sepa_error *err)
{
	struct quarantine_row q;
	struct quarantine_coll c;
	char cred[24], rid[24], cid[24], fkind[16], forced[1024];
	char *resolution = NULL;
	int64_t file_id = 0;
	int rc;

	memset(&q, 0, sizeof(q));
	memset(&c, 0, sizeof(c));
	memset(out, 0, sizeof(*out));
	if (force != NULL && force[0] == '\0')
		return sepa_error_set(err, SEPA_EINVAL,
		    "--force needs the reason, not an empty text");
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0 ||
	    (rc = store_returns_begin(db, err)) != 0 ||
	    (rc = quarantine_lock(
	         db, cred, id, &q, &file_id, fkind, sizeof(fkind), err)) != 0 ||
	    (rc = quarantine_collection(db, cred, e2e, &c, err)) != 0 ||
	    (rc = quarantine_check(
	         &q, fkind, e2e, &c, force, forced, sizeof(forced), err)) != 0)
		goto cleanup;
	snprintf(rid, sizeof(rid), "%" PRId64, q.record_id);
	snprintf(cid, sizeof(cid), "%" PRId64, c.id);
	snprintf(out->invoice, sizeof(out->invoice), "%s", c.invoice);
	if ((rc = db_exec(db, "stage the record", quarantine_stage_sql, 2,
	         (const char *const[]){cred, rid}, err)) != 0 ||
	    (rc = db_exec(db, "match the record", quarantine_match_sql, 3,
	         (const char *const[]){cred, rid, cid}, err)) != 0 ||
	    (rc = store_returns_find_effects(db, creditor_id, pol, err)) != 0 ||
	    (rc = quarantine_effect_or_refuse(
	         db, cred, id, e2e, &c, out, err)) != 0 ||
	    (rc = store_returns_apply_effects(db, creditor_id, file_id,
	         q.file_name, pol, today, &out->terminated, &out->suspended,
	         err)) != 0)
		goto cleanup;
	xasprintf(&resolution,
	    "applied to EndToEndId '%s' (invoice %s): %s%s%s%s%s%s%s%s%s", e2e,
	    c.invoice, out->new_state, q.reason_code[0] != '\0' ? " " : "",
	    q.reason_code, forced[0] != '\0' ? "; forced (" : "", forced,
	    forced[0] != '\0' ? "): " : "", forced[0] != '\0' ? force : "",
	    why != NULL && why[0] != '\0' ? "; " : "", why != NULL ? why : "");
	if ((rc = quarantine_resolve(db, creditor_id, &q, file_id, today,
	         resolution, c.id, "returns.quarantine_applied", err)) != 0)
		goto cleanup;
	out->file_id = file_id;
	rc = db_commit(db, err);
cleanup:
	if (rc != 0)
		db_rollback(db);
	free(resolution);
	free(c.rum);
	free(c.pmt_inf_id);
	free(c.msg_id);
	free(c.invoice);
	quarantine_row_clear(&q);
	return rc;
}

int
store_quarantine_dismiss(struct db *db, int64_t creditor_id, int64_t id,
    const char *why, sepa_date today, sepa_error *err)
{
	struct quarantine_row q;
	char cred[24], fkind[16], *resolution = NULL;
	int64_t file_id = 0;
	int rc;

	memset(&q, 0, sizeof(q));
	if (why == NULL || why[0] == '\0')
		return sepa_error_set(err, SEPA_EINVAL,
		    "dismissing a record needs the reason (--why TEXT)");
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0 ||
	    (rc = quarantine_lock(
	         db, cred, id, &q, &file_id, fkind, sizeof(fkind), err)) != 0)
		goto cleanup;
	xasprintf(&resolution, "dismissed: %s", why);
	if ((rc = quarantine_resolve(db, creditor_id, &q, file_id, today,
	         resolution, 0, "returns.quarantine_dismissed", err)) != 0)
		goto cleanup;
	rc = db_commit(db, err);
cleanup:
	if (rc != 0)
		db_rollback(db);
	free(resolution);
	quarantine_row_clear(&q);
	return rc;
}
