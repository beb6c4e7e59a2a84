/*
 * store_recovery.c - the recovery export: the invoices the families did
 * not pay after their reminder (contract art. 6) go to the treasury as
 * one CSV file, each invoice in exactly one export.
 */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sepa/date.h"
#include "sepa/digest.h"
#include "sepa/error.h"
#include "sepa/money.h"
#include "sepa/reasons.h"
#include "afile.h"
#include "csvout.h"
#include "db_internal.h"
#include "log.h"
#include "store_recovery.h"

/* A reminder line of invoice i, on invoice n. */
#define RECOVERY_REMINDER \
	" FROM invoice_lines l JOIN invoices n ON n.creditor_id = $1" \
	" AND n.id = l.invoice_id WHERE l.creditor_id = $1" \
	" AND l.kind = 'reminder' AND l.reminded_invoice_id = i.id"

/*
 * $1 creditor, $2 today, $3 represent on the next invoice, $4 the grace
 * in days (rejections.recovery_grace_days). Contract art. 6 ("à défaut de
 * paiement après rappel"): an invoice that still owes something on its
 * own goes to recovery once the invoice carrying its reminder is still
 * unpaid more than the grace after its due date (sepad_unpaid_after,
 * migration 032); never reminded, when reminders are off, or when no
 * invoice run reminded it though one billed a later month after it was
 * overdue (the family has no next invoice), after its own due date and
 * the grace. A reminder always comes first: an invoice that was not paid
 * by its due date is reminded by the next invoice run.
 */
static const char recovery_due[] =
    "SELECT i.id, i.number, to_char(i.month, 'YYYY-MM'), i.issued_on,"
    " i.due_on, f.family_ref, f.payer_name, f.street, f.building,"
    " f.postcode, f.town, f.country, i.total_cents,"
    " d.paid_cents, d.due_cents,"
    " coalesce(i.unpaid_reason, ''),"
    " coalesce((SELECT string_agg(DISTINCT c.reason_code, ' ')"
    " FROM collections c WHERE c.creditor_id = $1 AND c.invoice_id = i.id"
    " AND c.reason_code IS NOT NULL), ''),"
    " CASE WHEN EXISTS (SELECT 1" RECOVERY_REMINDER ")"
    " THEN 'impayée après le rappel' WHEN NOT $3::boolean THEN 'impayée'"
    " ELSE 'pas de facture suivante pour la rappeler' END"
    " FROM invoices i"
    " JOIN families f ON f.creditor_id = $1 AND f.id = i.family_id"
    /* its own debt, not the reminders it carried (migration 015) */
    " JOIN invoice_dues d ON d.creditor_id = $1 AND d.invoice_id = i.id"
    " WHERE i.creditor_id = $1"
    " AND i.state IN ('unpaid', 'reminded', 'issued') AND d.due_cents > 0"
    " AND NOT EXISTS (SELECT 1 FROM recovery_export_invoices x"
    " WHERE x.creditor_id = $1 AND x.invoice_id = i.id)"
    " AND (EXISTS (SELECT 1" RECOVERY_REMINDER
    " AND n.state IN ('issued', 'unpaid', 'reminded', 'recovery')"
    " AND sepad_unpaid_after(coalesce(n.collect_due_on, n.due_on),"
    " $4::integer, $2::date))"
    " OR (i.state IN ('unpaid', 'issued')"
    " AND NOT EXISTS (SELECT 1" RECOVERY_REMINDER ")"
    " AND sepad_unpaid_after(coalesce(i.collect_due_on, i.due_on),"
    " $4::integer, $2::date)"
    " AND (NOT $3::boolean OR (NOT EXISTS (SELECT 1 FROM invoices x"
    " WHERE x.creditor_id = $1 AND x.family_id = i.family_id"
    " AND x.month > i.month)"
    " AND EXISTS (SELECT 1 FROM cycle_steps s WHERE s.creditor_id = $1"
    " AND s.step = 'invoice' AND s.month > i.month + interval '1 month'"
    " AND s.done_on > greatest(coalesce(i.collect_due_on, i.due_on),"
    " i.state_since))))))"
    " ORDER BY i.number FOR UPDATE OF i";

static const char recovery_number_sql[] =
    "SELECT nextval(pg_get_serial_sequence('recovery_exports',"
    " 'id'))";

/* $1 id, $2 creditor, $3 file name, $4 SHA-256, $5 business date,
 * $6 invoice count, $7 total. */
static const char recovery_record_sql[] =
    "INSERT INTO recovery_exports (id, creditor_id, file_name,"
    " sha256, business_date, invoice_count, total_cents)"
    " OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7)";

/* $1 creditor, $2 export, $3 the invoice ids ("{1,2}"): each for what it
 * owes on its own. */
static const char recovery_record_invoices_sql[] =
    "INSERT INTO recovery_export_invoices (creditor_id, export_id,"
    " invoice_id, due_cents) SELECT $1, $2, d.invoice_id,"
    " d.due_cents FROM invoice_dues d WHERE d.creditor_id = $1"
    " AND d.invoice_id = ANY($3::bigint[])";

/* $1 creditor, $2 business date, $3 the invoice ids. */
static const char recovery_mark_sql[] =
    "UPDATE invoices SET state = 'recovery', state_since = $2"
    " WHERE creditor_id = $1 AND id = ANY($3::bigint[])";

/* $1 creditor, $2 business date, $3 count, $4 total, $5 file name. */
static const char recovery_log_sql[] =
    "INSERT INTO events (creditor_id, business_date, kind, count,"
    " amount_cents, message) VALUES ($1, $2, 'recovery.exported',"
    " $3::integer, $4::bigint, format('%s invoices (%s cents)"
    " exported for recovery in %s', $3::integer, $4::bigint,"
    " $5::text))";

/* An export being made: its name, its CSV and the invoices it holds. */
struct recovery_export {
	char cred[24], day[SEPA_DATE_BUFSZ], id[24], name[128], hex[65];
	char *data; /* the CSV */
	size_t dsize;
	const struct csvout_dialect *csv;
	char *ids; /* the invoice ids, as an array literal "{1,2}" */
	size_t isize;
	int64_t count, total;
};

static void
recovery_labels(char *buf, size_t size, const char *codes)
{
	char copy[256], *save = NULL, *tok;
	size_t len = 0;

	buf[0] = '\0';
	snprintf(copy, sizeof(copy), "%s", codes);
	for (tok = strtok_r(copy, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save)) {
		const sepa_reason *r = sepa_reason_find(tok);
		int n = snprintf(buf + len, size - len, "%s%s: %s",
		    len > 0 ? "; " : "", tok,
		    r != NULL ? r->label_fr : "code inconnu");

		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
}

/* The columns of the recovery CSV, in the order of recovery_csv. */
static const char *const recovery_head[] = {"Facture", "Mois facturé",
    "Émise le", "Échéance", "Famille", "Payeur", "Rue", "Bâtiment",
    "Code postal", "Commune", "Pays", "Total (€)", "Payé autrement (€)",
    "Dû (€)", "Pourquoi", "Codes motif", "Motifs", "Motif de l'impayé"};

/*
 * The CSV of the invoices of res (rows of recovery_due) and the list of
 * their ids, in memory; their count and total; the CSV's SHA-256.
 */
static int
recovery_csv(struct recovery_export *x, PGresult *res, sepa_error *err)
{
	FILE *csv = open_memstream(&x->data, &x->dsize);
	FILE *idl = open_memstream(&x->ids, &x->isize);
	struct csvout w;

	if (csv == NULL || idl == NULL)
		fatal("open_memstream");
	csvout_begin(&w, csv, x->csv, recovery_head,
	    sizeof(recovery_head) / sizeof(recovery_head[0]));
	fputc('{', idl);
	for (int r = 0; r < PQntuples(res); r++) {
		char labels[1024];

		x->count += 1;
		x->total += strtoll(PQgetvalue(res, r, 14), NULL, 10);
		recovery_labels(labels, sizeof(labels), PQgetvalue(res, r, 16));
		csvout_text(&w, PQgetvalue(res, r, 1));
		csvout_month(&w, PQgetvalue(res, r, 2));
		csvout_date_iso(&w, PQgetvalue(res, r, 3));
		csvout_date_iso(&w, PQgetvalue(res, r, 4));
		for (int c = 5; c <= 11; c++)
			csvout_text(&w, PQgetvalue(res, r, c));
		for (int c = 12; c <= 14; c++)
			csvout_cents(
			    &w, strtoll(PQgetvalue(res, r, c), NULL, 10));
		csvout_text(&w, PQgetvalue(res, r, 17));
		csvout_text(&w, PQgetvalue(res, r, 16));
		csvout_text(&w, labels);
		csvout_text(&w, PQgetvalue(res, r, 15));
		csvout_end(&w);
		fprintf(idl, "%s%s", r > 0 ? "," : "", PQgetvalue(res, r, 0));
	}
	fputc('}', idl);
	fclose(csv);
	fclose(idl);
	return sepa_sha256_buf(x->data, x->dsize, x->hex, err);
}

/* Record the export and its invoices, mark them 'recovery', log it. */
static int
recovery_record(struct db *db, const struct recovery_export *x, sepa_error *err)
{
	char cnt[24], tot[24];
	int rc;

	snprintf(cnt, sizeof(cnt), "%" PRId64, x->count);
	snprintf(tot, sizeof(tot), "%" PRId64, x->total);
	if ((rc = db_exec(db, "record the export", recovery_record_sql, 7,
	         (const char *const[]){
	             x->id, x->cred, x->name, x->hex, x->day, cnt, tot},
	         err)) != 0 ||
	    (rc = db_exec(db, "record the exported invoices",
	         recovery_record_invoices_sql, 3,
	         (const char *const[]){x->cred, x->id, x->ids}, err)) != 0 ||
	    (rc = db_exec(db, "mark the invoices", recovery_mark_sql, 3,
	         (const char *const[]){x->cred, x->day, x->ids}, err)) != 0)
		return rc;
	return db_exec(db, "log the export", recovery_log_sql, 5,
	    (const char *const[]){x->cred, x->day, cnt, tot, x->name}, err);
}

/* Write data to path atomically (afile: tmp, fsync, rename, dir fsync). */
static int
recovery_write(const char *path, const char *data, size_t len, sepa_error *err)
{
	struct afile af;
	int rc;

	if ((rc = afile_open(&af, path, AFILE_MODE, err)) != 0)
		return rc;
	if (fwrite(data, 1, len, af.fp) != len) {
		rc = sepa_error_set(err, SEPA_EIO, "could not write %s: %s",
		    af.tmp, strerror(errno));
		afile_abort(&af);
		return rc;
	}
	return afile_commit(&af, err);
}

int
store_recovery_export(struct db *db, int64_t creditor_id, const char *outbox,
    const struct csvout_dialect *csv, bool represent, int grace_days,
    sepa_date today, char **path, int64_t *count, int64_t *total,
    sepa_error *err)
{
	char grace[24];

	struct recovery_export x = {.data = NULL, .csv = csv};
	PGresult *res = NULL;
	char shapath[4200], *full = NULL, *shaline = NULL;
	int64_t expid = 0;
	int rc, written = 0;

	*path = NULL;
	*count = *total = 0;
	snprintf(x.cred, sizeof(x.cred), "%" PRId64, creditor_id);
	sepa_date_iso(x.day, today);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		goto cleanup;
	snprintf(grace, sizeof(grace), "%d", grace_days);
	if ((rc = db_query(db, &res, "select the invoices due for recovery",
	         recovery_due, 4,
	         (const char *const[]){
	             x.cred, x.day, represent ? "true" : "false", grace},
	         err)) != 0)
		goto cleanup;
	if (PQntuples(res) == 0) {
		db_rollback(db);
		goto cleanup;
	}
	if ((rc = db_query_int64(db, &expid, "number the export",
	         recovery_number_sql, 0, NULL, err)) != 0)
		goto cleanup;
	snprintf(x.id, sizeof(x.id), "%" PRId64, expid);
	snprintf(x.name, sizeof(x.name), "recovery-%s-%" PRId64 ".csv", x.day,
	    expid);
	if ((rc = recovery_csv(&x, res, err)) != 0 ||
	    (rc = recovery_record(db, &x, err)) != 0)
		goto cleanup;
	*count = x.count;
	*total = x.total;
	/* Written before the commit: see docs/design/debts-counted-once.md. */
	xasprintf(&full, "%s/%s", outbox, x.name);
	snprintf(shapath, sizeof(shapath), "%s.sha256", full);
	xasprintf(&shaline, "%s  %s\n", x.hex, x.name);
	if ((rc = afile_mkdirs(outbox, err)) != 0 ||
	    (rc = recovery_write(full, x.data, x.dsize, err)) != 0)
		goto cleanup;
	written = 1;
	rc = recovery_write(shapath, shaline, strlen(shaline), err);
	if (rc != 0 || (rc = db_commit(db, err)) != 0)
		goto cleanup;
	*path = full;
	full = NULL;
cleanup:
	if (rc != 0) {
		db_rollback(db);
		if (written) {
			unlink(full);
			unlink(shapath);
		}
		*count = *total = 0;
	}
	db_result_free(res);
	free(x.data);
	free(x.ids);
	free(full);
	free(shaline);
	return rc;
}
