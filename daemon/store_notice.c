/*
 * store_notice.c - the notices (avis d'échéance) as they were first
 * written, and the corrected notices that follow them (migration 034). A
 * notice is stored when first written and written again only from what
 * was stored: the same bytes whatever changed since. What it states (the
 * amount, the date, the account, the mandate) is kept beside its text, so
 * that collect can tell when the debit no longer matches it
 * (store_notice_changes) and a corrected notice must follow.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_event.h"
#include "store_notice.h"

/* The staged rows, in the order store_notice_stage writes them. */
static const char notice_stage_sql[] =
    "CREATE TEMP TABLE notice_stage (invoice_id bigint, version integer,"
    " file_name text, content text, sha256 text, amount_cents bigint,"
    " due_on date, iban text, rum text, merge_row text, reason text)"
    " ON COMMIT DROP";
static const char notice_copy_sql[] =
    "COPY notice_stage (invoice_id, version, file_name, content, sha256,"
    " amount_cents, due_on, iban, rum, merge_row, reason) FROM STDIN";

/* $1 creditor, $2 today: those not stored yet. */
static const char notice_insert_sql[] =
    "WITH ins AS (INSERT INTO notices (creditor_id, invoice_id, version,"
    " file_name, content, sha256, written_on, amount_cents, due_on, iban,"
    " rum, merge_row, reason) SELECT $1, invoice_id, version, file_name,"
    " content, sha256, $2, amount_cents, due_on, iban, rum, merge_row,"
    " reason FROM notice_stage ON CONFLICT DO NOTHING RETURNING version)"
    " SELECT count(*) FILTER (WHERE version = 0),"
    " count(*) FILTER (WHERE version > 0) FROM ins";

/*
 * $1 creditor, $2 the billed month. The column merge_row is no longer
 * read (nor written: ''): the mail merge is written from what the notice
 * states and the family's current address, in the dialect of [export].
 */
#define NOTICE_EACH_SQL \
	"DECLARE notice_cur NO SCROLL CURSOR FOR SELECT n.invoice_id," \
	" n.version, i.number, n.file_name, n.content, n.sha256," \
	" n.amount_cents, n.due_on::text, n.iban, n.rum, n.reason," \
	" i.total_cents, f.file_name, m.family_ref, m.payer_name, m.street," \
	" m.building, m.postcode, m.town, coalesce(m.email, '')," \
	" n.written_on::text, f.written_on::text" \
	" FROM notices n JOIN invoices i ON i.creditor_id = $1" \
	" AND i.id = n.invoice_id" \
	" JOIN notices f ON f.creditor_id = $1 AND f.invoice_id = n.invoice_id" \
	" AND f.version = 0" \
	" JOIN families m ON m.creditor_id = $1 AND m.id = i.family_id" \
	" WHERE n.creditor_id = $1 AND i.month = $2"
static const char notice_each_sql[] =
    NOTICE_EACH_SQL " ORDER BY i.number, n.version";
/* The same, only for the invoices that have a corrected notice. */
static const char notice_each_corrected_sql[] = NOTICE_EACH_SQL
    " AND EXISTS (SELECT 1 FROM notices x WHERE x.creditor_id = $1"
    " AND x.invoice_id = n.invoice_id AND x.version > 0)"
    " ORDER BY i.number, n.version";

/*
 * $1 creditor, $2 the collection month: the latest notice of each
 * invoice whose debit of the month (recorded or sent) or whose deferral
 * states another amount, date or account.
 */
static const char notice_changes_sql[] =
    "WITH last AS (SELECT DISTINCT ON (n.invoice_id) n.* FROM notices n"
    " WHERE n.creditor_id = $1 ORDER BY n.invoice_id, n.version DESC),"
    " now AS (SELECT c.invoice_id, c.amount_cents AS amount, c.due_on AS due,"
    " c.iban, c.rum FROM collections c JOIN batches b ON b.creditor_id = $1"
    " AND b.id = c.batch_id WHERE c.creditor_id = $1"
    " AND b.collection_month = $2::date AND c.state IN ('pending', 'sent')"
    " UNION ALL SELECT i.id, i.total_cents - coalesce((SELECT"
    " sum(y.amount_cents) FROM payments y WHERE y.creditor_id = $1"
    " AND y.invoice_id = i.id), 0), i.collect_due_on, l.iban, l.rum"
    " FROM invoices i JOIN last l ON l.invoice_id = i.id"
    " WHERE i.creditor_id = $1 AND i.state = 'issued'"
    " AND i.collect_due_on IS NOT NULL AND NOT EXISTS (SELECT 1"
    " FROM collections c WHERE c.creditor_id = $1 AND c.invoice_id = i.id"
    " AND c.state <> 'cancelled'))"
    " SELECT w.invoice_id, l.version + 1, i.number, i.month::text,"
    " i.issued_on::text, f.file_name, f.written_on::text, m.family_ref,"
    " m.payer_name, m.street, m.building, m.postcode, m.town, m.country,"
    " coalesce(m.email, ''), l.amount_cents, w.amount, l.due_on::text,"
    " w.due::text, l.iban, w.iban, w.rum"
    " FROM now w JOIN last l ON l.invoice_id = w.invoice_id"
    " JOIN notices f ON f.creditor_id = $1 AND f.invoice_id = w.invoice_id"
    " AND f.version = 0"
    " JOIN invoices i ON i.creditor_id = $1 AND i.id = w.invoice_id"
    " JOIN families m ON m.creditor_id = $1 AND m.id = i.family_id"
    " WHERE (w.amount, w.due, w.iban) IS DISTINCT FROM"
    " (l.amount_cents, l.due_on, l.iban) ORDER BY i.number";

/* One field of COPY's text format, then a tab or, last, a newline. */
static void
notice_copy_field(FILE *fp, const char *s, int last)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
	fputc(last ? '\n' : '\t', fp);
}

int
store_notice_stage(FILE *stage, const struct notice_row *r, sepa_error *err)
{
	char id[24], ver[16], amt[24], due[SEPA_DATE_BUFSZ];

	snprintf(id, sizeof(id), "%" PRId64, r->invoice_id);
	snprintf(ver, sizeof(ver), "%d", r->version);
	snprintf(amt, sizeof(amt), "%" PRId64, r->amount_cents);
	sepa_date_iso(due, r->due_on);
	notice_copy_field(stage, id, 0);
	notice_copy_field(stage, ver, 0);
	notice_copy_field(stage, r->file_name, 0);
	notice_copy_field(stage, r->content, 0);
	notice_copy_field(stage, r->sha256, 0);
	notice_copy_field(stage, amt, 0);
	notice_copy_field(stage, due, 0);
	notice_copy_field(stage, r->iban, 0);
	notice_copy_field(stage, r->rum, 0);
	notice_copy_field(stage, "", 0); /* merge_row: no longer used */
	notice_copy_field(stage, r->reason, 1);
	if (ferror(stage))
		return sepa_error_set(err, SEPA_EIO,
		    "could not stage the notice %s", r->file_name);
	return 0;
}

/* COPY the staging file into notice_stage. */
static int
notice_copy(struct db *db, FILE *stage, sepa_error *err)
{
	char buf[65536];
	size_t n;
	int rc;

	if (fflush(stage) != 0 || fseek(stage, 0, SEEK_SET) != 0)
		return sepa_error_set(
		    err, SEPA_EIO, "could not read the staged notices back");
	if ((rc = db_exec(db, "stage the notices", notice_stage_sql, 0, NULL,
	         err)) != 0 ||
	    (rc = db_copy_begin(
	         db, "load the notices", notice_copy_sql, err)) != 0)
		return rc;
	while ((n = fread(buf, 1, sizeof(buf), stage)) > 0)
		if ((rc = db_copy_put(db, buf, n, err)) != 0)
			return rc;
	if (ferror(stage)) {
		db_copy_abort(db, "the staged notices could not be read");
		return sepa_error_set(
		    err, SEPA_EIO, "could not read the staged notices back");
	}
	return db_copy_end(db, NULL, err);
}

/* The notices.written event. */
static int
notice_log(struct db *db, int64_t creditor_id, sepa_date today, int64_t notices,
    int64_t corrected, sepa_error *err)
{
	struct event ev = {0};
	struct i18n_msg say;

	if (corrected == 0)
		i18n_msg(&say, NN_("%s notice written", "%s notices written"),
		    "N", notices);
	else
		i18n_msg(&say,
		    NN_("%s corrected notice (avis rectificatif) written: "
		        "send it to the family (sepactl notices send, or "
		        "notices/pdf/corrections-*.pdf by post)",
		        "%s corrected notices (avis rectificatifs) written: "
		        "send them to the families (sepactl notices send, or "
		        "notices/pdf/corrections-*.pdf by post)"),
		    "N", corrected);
	ev.kind = "notices.written";
	ev.say = &say;
	ev.business_date = today;
	ev.has_count = true;
	ev.count = notices + corrected;
	ev.needs_attention = corrected > 0;
	return store_event_add(db, creditor_id, &ev, err);
}

int
store_notice_add(struct db *db, int64_t creditor_id, sepa_date today,
    FILE *stage, int64_t *added, sepa_error *err)
{
	char cred[24], day[SEPA_DATE_BUFSZ];
	PGresult *res = NULL;
	int64_t first = 0, corrected = 0;
	int rc;

	*added = 0;
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(day, today);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	if ((rc = notice_copy(db, stage, err)) != 0 ||
	    (rc = db_query(db, &res, "store the notices", notice_insert_sql, 2,
	         (const char *const[]){cred, day}, err)) != 0)
		goto cleanup;
	first = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	corrected = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	if (first + corrected > 0 &&
	    (rc = notice_log(db, creditor_id, today, first, corrected, err)) !=
	        0)
		goto cleanup;
	rc = db_commit(db, err);
	*added = rc == 0 ? first + corrected : 0;
cleanup:
	db_result_free(res);
	if (rc != 0)
		db_rollback(db);
	return rc;
}

/* A date column ("" for NULL). */
static sepa_date
notice_date(PGresult *res, int r, int c)
{
	const char *s = PQgetvalue(res, r, c);
	sepa_date d = {0, 0, 0};

	if (strlen(s) >= 10)
		d = (sepa_date){atoi(s), atoi(s + 5), atoi(s + 8)};
	return d;
}

/* The caller's callback, for db_fetch_each. */
struct notice_each {
	int (*fn)(const struct notice_row *r, void *arg, sepa_error *err);
	void *arg;
};

/* Hand the notice of row r of res to the caller's callback. */
static int
notice_row_at(void *arg, PGresult *res, int r, sepa_error *err)
{
	const struct notice_each *each = arg;
	struct notice_row n = {
	    .invoice_id = strtoll(PQgetvalue(res, r, 0), NULL, 10),
	    .version = atoi(PQgetvalue(res, r, 1)),
	    .number = PQgetvalue(res, r, 2),
	    .file_name = PQgetvalue(res, r, 3),
	    .content = PQgetvalue(res, r, 4),
	    .sha256 = PQgetvalue(res, r, 5),
	    .amount_cents = strtoll(PQgetvalue(res, r, 6), NULL, 10),
	    .due_on = notice_date(res, r, 7),
	    .iban = PQgetvalue(res, r, 8),
	    .rum = PQgetvalue(res, r, 9),
	    .reason = PQgetvalue(res, r, 10),
	    .total_cents = strtoll(PQgetvalue(res, r, 11), NULL, 10),
	    .first_file = PQgetvalue(res, r, 12),
	    .family_ref = PQgetvalue(res, r, 13),
	    .payer = PQgetvalue(res, r, 14),
	    .street = PQgetvalue(res, r, 15),
	    .building = PQgetvalue(res, r, 16),
	    .postcode = PQgetvalue(res, r, 17),
	    .town = PQgetvalue(res, r, 18),
	    .email = PQgetvalue(res, r, 19),
	    .written_on = notice_date(res, r, 20),
	    .first_written = notice_date(res, r, 21)};

	return each->fn(&n, each->arg, err);
}

static int
notice_each(struct db *db, int64_t creditor_id, sepa_month month,
    const char *sql,
    int (*fn)(const struct notice_row *r, void *arg, sepa_error *err),
    void *arg, sepa_error *err)
{
	char cred[24], first[SEPA_DATE_BUFSZ];
	struct notice_each each = {fn, arg};
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(first, sepa_month_day(month, 1));
	/* A read-only snapshot, streamed: memory flat in the month's size. */
	if ((rc = db_begin(db, DB_SNAPSHOT, err)) != 0)
		return rc;
	if ((rc = db_exec(db, "open the notices", sql, 2,
	         (const char *const[]){cred, first}, err)) != 0)
		goto cleanup;
	if ((rc = db_fetch_each(db, "read the notices",
	         "FETCH 2000 FROM notice_cur", notice_row_at, NULL, &each,
	         err)) != 0)
		goto cleanup;
	rc = db_commit(db, err);
cleanup:
	if (rc != 0)
		db_rollback(db);
	return rc;
}

int
store_notice_each(struct db *db, int64_t creditor_id, sepa_month month,
    int (*fn)(const struct notice_row *r, void *arg, sepa_error *err),
    void *arg, sepa_error *err)
{
	return notice_each(
	    db, creditor_id, month, notice_each_sql, fn, arg, err);
}

int
store_notice_each_corrected(struct db *db, int64_t creditor_id,
    sepa_month month,
    int (*fn)(const struct notice_row *r, void *arg, sepa_error *err),
    void *arg, sepa_error *err)
{
	return notice_each(
	    db, creditor_id, month, notice_each_corrected_sql, fn, arg, err);
}

int
store_notice_changes(struct db *db, int64_t creditor_id, sepa_month month,
    int (*fn)(const struct notice_change *c, void *arg, sepa_error *err),
    void *arg, sepa_error *err)
{
	char cred[24], first[SEPA_DATE_BUFSZ];
	PGresult *res = NULL;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(first, sepa_month_day(month, 1));
	if ((rc = db_query(db, &res, "read what changed since the notices",
	         notice_changes_sql, 2, (const char *const[]){cred, first},
	         err)) != 0)
		return rc;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		sepa_date m = notice_date(res, r, 3);
		struct notice_change c = {
		    .invoice_id = strtoll(PQgetvalue(res, r, 0), NULL, 10),
		    .version = atoi(PQgetvalue(res, r, 1)),
		    .number = PQgetvalue(res, r, 2),
		    .month = {m.year, m.month},
		    .issued_on = notice_date(res, r, 4),
		    .first_file = PQgetvalue(res, r, 5),
		    .first_written = notice_date(res, r, 6),
		    .family_ref = PQgetvalue(res, r, 7),
		    .payer = PQgetvalue(res, r, 8),
		    .street = PQgetvalue(res, r, 9),
		    .building = PQgetvalue(res, r, 10),
		    .postcode = PQgetvalue(res, r, 11),
		    .town = PQgetvalue(res, r, 12),
		    .country = PQgetvalue(res, r, 13),
		    .email = PQgetvalue(res, r, 14),
		    .old_amount = strtoll(PQgetvalue(res, r, 15), NULL, 10),
		    .new_amount = strtoll(PQgetvalue(res, r, 16), NULL, 10),
		    .old_due = notice_date(res, r, 17),
		    .new_due = notice_date(res, r, 18),
		    .old_iban = PQgetvalue(res, r, 19),
		    .new_iban = PQgetvalue(res, r, 20),
		    .rum = PQgetvalue(res, r, 21)};

		rc = fn(&c, arg, err);
	}
	db_result_free(res);
	return rc;
}
