/*
 * store_recovery.c - the recovery export: the invoices the families did
 * not pay after their reminder (contract art. 6) go to the treasury as
 * one CSV file, or with treasury.channel "pes" as one PES_Aller flow of
 * ordinary titres (recorded and written as collect's flows are,
 * store_collect_pes.c), each invoice in exactly one export.
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
#include "config.h"
#include "csvout.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_collect.h"
#include "store_collect_int.h"
#include "store_event.h"
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
    " ELSE 'pas de facture suivante pour la rappeler' END, " COLLECT_MAIN_SERVICE
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

/* Columns of recovery_due. */
enum {
	RD_INVOICE,
	RD_NUMBER,
	RD_MONTH,
	RD_FAMILY_REF = 5,
	RD_NAME, /* payer, street, building, postcode, town, country */
	RD_DUE = 14,
	RD_CODES = 16,
	RD_WHY,
	RD_SERVICE
};

/* $1 id, $2 creditor, $3 file name, $4 SHA-256 (NULL: the batch's),
 * $5 business date, $6 invoice count, $7 total, $8 the PES flow's batch
 * (043) or NULL. */
static const char recovery_record_sql[] =
    "INSERT INTO recovery_exports (id, creditor_id, file_name,"
    " sha256, business_date, invoice_count, total_cents, batch_id)"
    " OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/* $1 creditor, $2 export, $3 the invoice ids ("{1,2}"): each for what it
 * owes on its own, and the state it leaves (043). */
static const char recovery_record_invoices_sql[] =
    "INSERT INTO recovery_export_invoices (creditor_id, export_id,"
    " invoice_id, due_cents, state_before) SELECT $1, $2, d.invoice_id,"
    " d.due_cents, i.state FROM invoice_dues d JOIN invoices i"
    " ON i.creditor_id = $1 AND i.id = d.invoice_id"
    " WHERE d.creditor_id = $1 AND d.invoice_id = ANY($3::bigint[])";

/* $1 creditor, $2 business date, $3 the invoice ids. */
static const char recovery_mark_sql[] =
    "UPDATE invoices SET state = 'recovery', state_since = $2"
    " WHERE creditor_id = $1 AND id = ANY($3::bigint[])";

/* $1 creditor, $2 business date, $3 count, $4 total, $5 file name, $6
 * the msgid. */
static const char recovery_log_sql[] =
    "INSERT INTO events (creditor_id, business_date, kind, count,"
    " amount_cents, message, msgid, msg_args) SELECT $1, $2,"
    " 'recovery.exported', $3::integer, $4::bigint,"
    " sepad_message($6, x.args), $6, x.args FROM (SELECT ARRAY['n:' ||"
    " $3::integer, 't:' || $4::bigint, 't:' || $5::text] AS args) x";

/* An export being made: its name, its CSV and the invoices it holds. */
struct recovery_export {
	char cred[24], day[SEPA_DATE_BUFSZ], id[24], name[128], hex[65];
	char batch[24]; /* the PES flow's batch, "" for a CSV */
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
	if ((rc = db_exec(db, "record the export", recovery_record_sql, 8,
	         (const char *const[]){x->id, x->cred, x->name,
	             x->batch[0] != '\0' ? NULL : x->hex, x->day, cnt, tot,
	             x->batch[0] != '\0' ? x->batch : NULL},
	         err)) != 0 ||
	    (rc = db_exec(db, "record the exported invoices",
	         recovery_record_invoices_sql, 3,
	         (const char *const[]){x->cred, x->id, x->ids}, err)) != 0 ||
	    (rc = db_exec(db, "mark the invoices", recovery_mark_sql, 3,
	         (const char *const[]){x->cred, x->day, x->ids}, err)) != 0)
		return rc;
	return db_exec(db, "log the export", recovery_log_sql, 6,
	    (const char *const[]){x->cred, x->day, cnt, tot, x->name,
	        N_("%s invoices (%s cents) exported for recovery in %s")},
	    err);
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

/* ------------------------------------------------ the PES channel */

/* The reason of row r in French, for ObjPce. */
static const char *
recovery_why_fr(PGresult *res, int r)
{
	const char *why = PQgetvalue(res, r, RD_WHY);

	if (strcmp(why, "impayée après le rappel") == 0)
		return "Impayé après relance";
	if (strcmp(why, "impayée") == 0)
		return "Impayé";
	return "Impayé, sans facture suivante pour le relancer";
}

/* Row r of recovery_due as a titre. */
static void
recovery_titre(PGresult *res, int r, struct collect_titre *t)
{
	t->invoice = strtoll(PQgetvalue(res, r, RD_INVOICE), NULL, 10);
	t->number = PQgetvalue(res, r, RD_NUMBER);
	t->month = PQgetvalue(res, r, RD_MONTH);
	t->why = recovery_why_fr(res, r);
	t->codes = PQgetvalue(res, r, RD_CODES);
	t->amount = strtoll(PQgetvalue(res, r, RD_DUE), NULL, 10);
	t->service = PQgetvalue(res, r, RD_SERVICE);
	t->family_ref = PQgetvalue(res, r, RD_FAMILY_REF);
	t->name = PQgetvalue(res, r, RD_NAME);
	t->street = PQgetvalue(res, r, RD_NAME + 1);
	t->building = PQgetvalue(res, r, RD_NAME + 2);
	t->postcode = PQgetvalue(res, r, RD_NAME + 3);
	t->town = PQgetvalue(res, r, RD_NAME + 4);
	t->country = PQgetvalue(res, r, RD_NAME + 5);
}

/* A titre the PES writer would refuse: left out, with an event. */
static int
recovery_refused(struct db *db, int64_t creditor_id, sepa_date today,
    const struct collect_titre *t, const sepa_error *why, sepa_error *err)
{
	struct event ev = {0};
	struct i18n_msg say;

	i18n_msg(&say,
	    N_("invoice %s: due for recovery, but the PES writer would refuse "
	       "its titre (%s); left out of the recovery flow: correct it and "
	       "run sepactl recovery export again"),
	    "tt", t->number, why->msg);
	ev.kind = "invoice.recovery_refused";
	ev.say = &say;
	ev.business_date = today;
	ev.invoice_id = t->invoice;
	ev.has_amount = true;
	ev.amount_cents = t->amount;
	ev.needs_attention = true;
	return store_event_add(db, creditor_id, &ev, err);
}

/*
 * The titres of the invoices due (res), those the writer would refuse
 * left out with their event; the ids of the others into x->ids, their
 * count and total. A service without its codes: SEPA_EINVAL, nothing.
 */
static int
recovery_titres(struct db *db, int64_t creditor_id,
    const struct sepad_config *cfg, sepa_date today, PGresult *res,
    struct collect_titre *t, int *n, struct recovery_export *x,
    int64_t *refused, sepa_error *err)
{
	FILE *idl = open_memstream(&x->ids, &x->isize);
	int rc = 0;

	if (idl == NULL)
		fatal("open_memstream");
	fputc('{', idl);
	*n = 0;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		sepa_error why = SEPA_ERROR_INIT;

		recovery_titre(res, r, &t[*n]);
		rc = collect_pes_titre_check(cfg, &t[*n], &why);
		if (rc == SEPA_ENOTFOUND) {
			*err = why;
			rc = err->code = SEPA_EINVAL;
		} else if (rc != 0) {
			(*refused)++;
			rc = recovery_refused(
			    db, creditor_id, today, &t[*n], &why, err);
		} else {
			fprintf(idl, "%s%" PRId64, *n > 0 ? "," : "",
			    t[*n].invoice);
			x->count++;
			x->total += t[*n].amount;
			(*n)++;
		}
	}
	fputc('}', idl);
	fclose(idl);
	return rc;
}

/*
 * Record the flow of the invoices due, in one transaction: the batch
 * (purpose 'recovery'), its flow, bordereaux and pieces, the export and
 * its invoices, the invoices in 'recovery', the event.
 */
static int
recovery_record_pes(struct db *db, int64_t creditor_id,
    const struct sepad_config *cfg, sepa_date today,
    struct store_recovery_result *out, sepa_error *err)
{
	struct collect_summary sum = {0};
	struct collect_run run = {.db = db,
	    .creditor_id = creditor_id,
	    .cfg = cfg,
	    .month = {today.year, today.month},
	    .today = today,
	    .sum = &sum,
	    .pes = 1,
	    .recovery = 1};
	struct recovery_export x = {.data = NULL};
	struct collect_titre *t = NULL;
	sepa_date first = {today.year, today.month, 1};
	PGresult *res = NULL;
	char grace[24];
	int64_t expid = 0, batch = 0;
	int rc, n = 0;

	snprintf(x.cred, sizeof(x.cred), "%" PRId64, creditor_id);
	sepa_date_iso(x.day, today);
	snprintf(grace, sizeof(grace), "%d", cfg->recovery_grace_days);
	memcpy(run.cred, x.cred, sizeof(run.cred));
	run.params[0] = run.cred;
	run.params[1] = sepa_date_iso(run.mon, first);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	if ((rc = collect_lock_month(&run, err)) != 0 ||
	    (rc = db_query(db, &res, "select the invoices due for recovery",
	         recovery_due, 4,
	         (const char *const[]){x.cred, x.day,
	             cfg->represent_on_next_invoice ? "true" : "false", grace},
	         err)) != 0)
		goto cleanup;
	t = xcalloc((size_t)PQntuples(res) + 1, sizeof(*t));
	if ((rc = recovery_titres(db, creditor_id, cfg, today, res, t, &n, &x,
	         &out->refused, err)) != 0)
		goto cleanup;
	if (n > 0) {
		if ((rc = collect_pes_record_titres(&run, t, n, &batch, x.name,
		         sizeof(x.name), err)) != 0 ||
		    (rc = db_query_int64(db, &expid, "number the export",
		         recovery_number_sql, 0, NULL, err)) != 0)
			goto cleanup;
		snprintf(x.id, sizeof(x.id), "%" PRId64, expid);
		snprintf(x.batch, sizeof(x.batch), "%" PRId64, batch);
		if ((rc = recovery_record(db, &x, err)) != 0)
			goto cleanup;
	}
	if ((rc = db_commit(db, err)) != 0)
		goto cleanup;
	out->count = x.count;
	out->total = x.total;
	if (n > 0)
		collect_crash_point("after_record");
cleanup:
	if (rc != 0)
		db_rollback(db);
	collect_pes_free(&run);
	free(run.batch_ids);
	free(t);
	free(x.ids);
	db_result_free(res);
	return rc;
}

int
store_recovery_export_pes(struct db *db, int64_t creditor_id,
    const struct sepad_config *cfg, const char *outbox, const char *schema_dir,
    sepa_date today, collect_file_fn on_file, void *arg,
    struct store_recovery_result *out, sepa_error *err)
{
	struct collect_summary sum = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = config_require_creditor(cfg, err)) != 0 ||
	    (rc = recovery_record_pes(db, creditor_id, cfg, today, out, err)) !=
	        0 ||
	    (rc = afile_mkdirs(outbox, err)) != 0)
		return rc;
	rc = store_collect_write_recovery(db, creditor_id, today, outbox,
	    schema_dir, on_file, arg, &sum, err);
	out->written = sum.written + sum.taken;
	return rc;
}
