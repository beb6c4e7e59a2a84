/*
 * store_credit.c - the credits families leave behind (migration 033). A
 * negative invoice's credit is carried onto the family's next invoices by
 * the invoice run (store_invoice.c); a family that has left, with credit
 * still to carry and no invoice for billing.credit_refund_after_months
 * (sepa_rule_credit_refund_due), is listed here for the treasury to
 * refund: one CSV in the outbox, with its .sha256, each credit listed
 * once (credit_refunds), its invoice then closed ('paid').
 */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/digest.h"
#include "sepa/error.h"
#include "sepa/money.h"
#include "sepa/rules.h"
#include "afile.h"
#include "csvout.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_credit.h"
#include "store_event.h"

/* One refund list at a time, and none while an invoice run uses credits. */
static const char credit_lock_sql[] =
    "SELECT id FROM creditors WHERE id = $1 FOR UPDATE";

/* Columns of credit_candidates_sql. */
enum {
	CR_INVOICE,
	CR_NUMBER,
	CR_MONTH,
	CR_FAMILY,
	CR_PAYER,
	CR_STREET,
	CR_BUILDING,
	CR_POSTCODE,
	CR_TOWN,
	CR_COUNTRY,
	CR_REMAINING,
	CR_LAST,
	CR_NCOLS
};

/* $1 creditor: the credits still to carry, with the family's last
 * invoice date. */
static const char credit_candidates_sql[] =
    "SELECT i.id, i.number, to_char(i.month, 'YYYY-MM'), f.family_ref,"
    " f.payer_name, f.street, f.building, f.postcode, f.town, f.country,"
    " k.remaining_cents, (SELECT max(x.issued_on) FROM invoices x"
    " WHERE x.creditor_id = $1 AND x.family_id = i.family_id)::text"
    " FROM invoice_credits k"
    " JOIN invoices i ON i.creditor_id = $1 AND i.id = k.invoice_id"
    " JOIN families f ON f.creditor_id = $1 AND f.id = i.family_id"
    " WHERE k.creditor_id = $1 AND k.remaining_cents > 0"
    " AND i.state = 'issued' ORDER BY i.number";

/* $1 creditor, $2 invoice, $3 amount, $4 today, $5 file name. */
static const char credit_record_sql[] =
    "INSERT INTO credit_refunds (creditor_id, invoice_id, amount_cents,"
    " listed_on, file_name) VALUES ($1, $2, $3, $4, $5)";

/* $1 creditor, $2 invoice, $3 today: the credit is closed. */
static const char credit_close_sql[] =
    "UPDATE invoices SET state = 'paid', state_since = $3"
    " WHERE creditor_id = $1 AND id = $2 AND state = 'issued'";

/* A refund list being made. */
struct credit_list {
	struct db *db;
	int64_t creditor_id;
	char cred[24], day[SEPA_DATE_BUFSZ], name[128];
	struct afile af;
	struct csvout w; /* on af.fp */
	const struct csvout_dialect *csv;
	int open; /* af holds a temporary file */
	int64_t count, total;
};

/* Record one credit listed and close its invoice. */
static int
credit_list_one(struct credit_list *l, PGresult *res, int r, sepa_error *err)
{
	const char *inv = PQgetvalue(res, r, CR_INVOICE);
	const char *amt = PQgetvalue(res, r, CR_REMAINING);
	int rc;

	if ((rc = db_exec(l->db, "record the refund", credit_record_sql, 5,
	         (const char *const[]){l->cred, inv, amt, l->day, l->name},
	         err)) != 0 ||
	    (rc = db_exec(l->db, "close the credit", credit_close_sql, 3,
	         (const char *const[]){l->cred, inv, l->day}, err)) != 0)
		return rc;
	csvout_text(&l->w, PQgetvalue(res, r, CR_NUMBER));
	csvout_month(&l->w, PQgetvalue(res, r, CR_MONTH));
	for (int c = CR_FAMILY; c <= CR_COUNTRY; c++)
		csvout_text(&l->w, PQgetvalue(res, r, c));
	csvout_cents(&l->w, strtoll(amt, NULL, 10));
	csvout_date_iso(&l->w, PQgetvalue(res, r, CR_LAST));
	csvout_end(&l->w);
	l->count++;
	l->total += strtoll(amt, NULL, 10);
	return 0;
}

/* The columns of the refund list, in the order of credit_list_one. */
static const char *const credit_head[] = {"Facture", "Mois facturé", "Famille",
    "Payeur", "Rue", "Bâtiment", "Code postal", "Commune", "Pays",
    "Avoir à rembourser (€)", "Dernière facture le"};

/* Open the file of the list, named after its first credit. */
static int
credit_open(struct credit_list *l, const char *outbox, const char *first,
    char **path, sepa_error *err)
{
	int rc;

	snprintf(l->name, sizeof(l->name), "refunds-%s-%s.csv", l->day, first);
	xasprintf(path, "%s/%s", outbox, l->name);
	if ((rc = afile_open(&l->af, *path, AFILE_MODE, err)) != 0)
		return rc;
	l->open = 1;
	csvout_begin(&l->w, l->af.fp, l->csv, credit_head,
	    sizeof(credit_head) / sizeof(credit_head[0]));
	return 0;
}

/*
 * The credits whose family has had no invoice for the months of the
 * rule, listed and recorded; *path NULL when there is none.
 */
static int
credit_list_due(struct credit_list *l, const char *outbox,
    const sepa_rules *rules, sepa_date today, char **path, sepa_error *err)
{
	PGresult *res = NULL;
	int rc;

	if ((rc = db_query(l->db, &res, "read the credits to carry",
	         credit_candidates_sql, 1, (const char *const[]){l->cred},
	         err)) != 0)
		return rc;
	for (int r = 0; r < PQntuples(res); r++) {
		sepa_date last;

		if ((rc = sepa_date_parse(
		         &last, PQgetvalue(res, r, CR_LAST), err)) != 0)
			break;
		if (!sepa_rule_credit_refund_due(rules, last, today))
			continue;
		if (!l->open &&
		    (rc = credit_open(l, outbox, PQgetvalue(res, r, CR_INVOICE),
		         path, err)) != 0)
			break;
		if ((rc = credit_list_one(l, res, r, err)) != 0)
			break;
	}
	db_result_free(res);
	return rc;
}

/* The credit.refunds event. */
static int
credit_log(struct credit_list *l, sepa_date today, sepa_error *err)
{
	struct event ev = {0};
	struct i18n_msg say;

	i18n_msg(&say,
	    N_("%s credits (%s) of families with no invoice any more listed "
	       "for refund in %s"),
	    "net", l->count, l->total, l->name);
	ev.kind = "credit.refunds";
	ev.say = &say;
	ev.business_date = today;
	ev.has_count = true;
	ev.count = l->count;
	ev.has_amount = true;
	ev.amount_cents = l->total;
	return store_event_add(l->db, l->creditor_id, &ev, err);
}

/* The list's .sha256 beside it, once the list is in place. */
static int
credit_sidecar(const char *path, const char *name, sepa_error *err)
{
	char hex[SEPA_SHA256_HEX_BUFSZ], *side = NULL;
	struct afile af;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "rb")) == NULL)
		return sepa_error_set(
		    err, SEPA_EIO, "cannot read %s: %s", path, strerror(errno));
	rc = sepa_sha256_fd(fileno(fp), path, hex, NULL, err);
	fclose(fp);
	if (rc != 0)
		return rc;
	xasprintf(&side, "%s.sha256", path);
	if ((rc = afile_open(&af, side, AFILE_MODE, err)) == 0) {
		fprintf(af.fp, "%s  %s\n", hex, name);
		rc = afile_commit(&af, err);
	}
	free(side);
	return rc;
}

int
store_credit_refunds(struct db *db, int64_t creditor_id, const char *outbox,
    const struct csvout_dialect *csv, const sepa_rules *rules, sepa_date today,
    char **path, int64_t *count, int64_t *total, sepa_error *err)
{
	struct credit_list l = {
	    .db = db, .creditor_id = creditor_id, .csv = csv};
	PGresult *res = NULL;
	int rc;

	*path = NULL;
	*count = *total = 0;
	snprintf(l.cred, sizeof(l.cred), "%" PRId64, creditor_id);
	sepa_date_iso(l.day, today);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	if ((rc = db_query(db, &res, "lock the creditor", credit_lock_sql, 1,
	         (const char *const[]){l.cred}, err)) != 0)
		goto cleanup;
	if ((rc = credit_list_due(&l, outbox, rules, today, path, err)) != 0 ||
	    !l.open || (rc = credit_log(&l, today, err)) != 0)
		goto cleanup;
	/* The file is complete before the commit and in place after it: a
	 * failed commit leaves no file, and nothing is listed twice. */
	if (fflush(l.af.fp) != 0 || ferror(l.af.fp))
		rc = sepa_error_set(err, SEPA_EIO, "could not write %s: %s",
		    l.af.tmp, strerror(errno));
	if (rc != 0 || (rc = db_commit(db, err)) != 0)
		goto cleanup;
	l.open = 0;
	if ((rc = afile_commit(&l.af, err)) != 0 ||
	    (rc = credit_sidecar(*path, l.name, err)) != 0)
		goto cleanup;
	*count = l.count;
	*total = l.total;
cleanup:
	db_result_free(res);
	if (l.open)
		afile_abort(&l.af);
	if (rc != 0 || *count == 0) {
		db_rollback(db);
		free(*path);
		*path = NULL;
	}
	return rc;
}
