/*
 * store_collect.c - the monthly export: the invoices due in a collection
 * month become collections recorded in batches (migration 002), then one
 * pain.008 file per batch, written from the recorded rows only.
 *
 * Exactly once: store_collect_prepare records every batch of the month
 * with its whole content fixed in one transaction; store_collect_write
 * writes each prepared batch's file, records it as being placed with its
 * SHA-256 (committed before the rename into the outbox), renames it, and
 * marks it released. A crash before the placing leaves a prepared batch,
 * which the next run writes again, byte for byte: every value in the file
 * (MsgId, CreDtTm, ids, debtor, account, amendment, remittance) comes from
 * the rows. A crash or an outage after it leaves a batch being placed,
 * which the next run finishes from what the outbox holds, never placing
 * the file a second time (docs/design/collect-once.md).
 *
 * Test hooks at a named point (after_record, during_write, after_placing,
 * after_rename, after_release; "point#N" for its N-th time, the part N):
 * SEPAD_CRASH_AT=<point> ends the process with _exit(99),
 * SEPAD_STOP_AT=<point> stops it (SIGSTOP) until SIGCONT.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sepa/date.h"
#include "sepa/digest.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/pain008.h"
#include "sepa/rules.h"
#include "sepa/text.h"
#include "afile.h"
#include "config.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_collect.h"
#include "store_collect_int.h"
#include "store_creditor.h"
#include "store_event.h"

/*
 * Whether the test hook variable `var` names this point: "point" (its
 * first time) or "point#N" (its N-th time: the part N of a month).
 */
static int
collect_hook_at(const char *var, const char *point, int *seen)
{
	const char *at = getenv(var);
	size_t n = strlen(point);
	int want = 1;

	if (at == NULL || strncmp(at, point, n) != 0)
		return 0;
	if (at[n] == '#')
		want = atoi(at + n + 1);
	else if (at[n] != '\0')
		return 0;
	return ++*seen == want;
}

/*
 * Test hooks at a named point: die as a crash would (SEPAD_CRASH_AT,
 * exit 99), or stop (SEPAD_STOP_AT, SIGSTOP) until the test, having
 * stopped the database, sends SIGCONT.
 */
void
collect_crash_point(const char *point)
{
	static int crash_seen, stop_seen;

	if (collect_hook_at("SEPAD_CRASH_AT", point, &crash_seen))
		_exit(99);
	if (collect_hook_at("SEPAD_STOP_AT", point, &stop_seen))
		raise(SIGSTOP);
}

static const char *const collect_month_fr[12] = {"janvier", "fevrier", "mars",
    "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
    "novembre", "decembre"};

/* ---------------------------------------------------------- recording */

/* Columns of collect_other_means_sql, in order. */
enum {
	OM_INVOICE,
	OM_NUMBER,
	OM_FAMILY,
	OM_TOTAL,
	OM_MANDATE,
	OM_STATE,
	OM_RUM
};

/*
 * The mandate that pays invoice i: its own, else the family's (an active
 * one first, then the latest signed).
 */
#define COLLECT_INVOICE_MANDATE \
	"coalesce(i.mandate_id, (SELECT m2.id FROM mandates m2" \
	"  WHERE m2.creditor_id = i.creditor_id AND m2.family_id = i.family_id" \
	"  ORDER BY (m2.state = 'active') DESC, m2.signed_on DESC, m2.id DESC" \
	"  LIMIT 1))"

/* The due date of invoice i's collection: deferred (migration 012) or not. */
#define COLLECT_DUE_ON "coalesce(i.collect_due_on, i.due_on)"

/* What invoice i has been paid by other means. */
#define COLLECT_PAID \
	"coalesce((SELECT sum(p.amount_cents) FROM payments p" \
	"   WHERE p.creditor_id = i.creditor_id AND p.invoice_id = i.id), 0)"

/*
 * The invoices i a collection month ($1 creditor, $2 first day) takes:
 * due in the month, or deferred into it (collect_due_on, migration 012);
 * issued, with a positive total and something left to pay after the
 * payments by other means, no live collection, and in no PES flow that
 * counts (a piece payable by other means has no collection, 042; a
 * bordereau the comptable's acquit rejected does not count, 043).
 */
#define COLLECT_WHERE_IN_MONTH \
	" WHERE i.creditor_id = $1 AND i.state = 'issued'" \
	"  AND i.total_cents > 0" \
	"  AND ((i.collect_due_on IS NULL AND i.due_on >= $2::date" \
	"   AND i.due_on < ($2::date + interval '1 month'))" \
	"   OR (i.collect_due_on >= $2::date" \
	"   AND i.collect_due_on < ($2::date + interval '1 month')))" \
	"  AND i.total_cents > " COLLECT_PAID \
	"  AND NOT EXISTS (SELECT 1 FROM collections c" \
	"   WHERE c.creditor_id = i.creditor_id AND c.invoice_id = i.id" \
	"   AND c.state <> 'cancelled')" \
	"  AND NOT EXISTS (SELECT 1 FROM pes_pieces pp JOIN batches pb" \
	"   ON pb.creditor_id = pp.creditor_id AND pb.id = pp.batch_id" \
	"   JOIN pes_bordereaux pd ON pd.creditor_id = pp.creditor_id" \
	"   AND pd.id = pp.bordereau_id" \
	"   WHERE pp.creditor_id = i.creditor_id AND pp.invoice_id = i.id" \
	"   AND pb.state NOT IN ('rejected', 'cancelled')" \
	"   AND pd.ack_state IS DISTINCT FROM 'rejected')"

/*
 * The collections that debited mandate m: recorded before, this month's
 * earlier parts included, and not rejected before settlement or cancelled.
 */
#define COLLECT_DEBITS \
	" FROM collections c" \
	"   WHERE c.creditor_id = m.creditor_id AND c.mandate_id = m.id" \
	"   AND c.state NOT IN ('rejected', 'cancelled')"

/*
 * A mandate m that the software sepad replaced presented already
 * (migration 035): the account it debited, the mandate's first, for the
 * amendment of a change made before sepad's first debit; else NULL.
 */
#define COLLECT_PRESENTED_IBAN \
	"CASE WHEN m.presented_before THEN (SELECT a0.iban" \
	"   FROM mandate_accounts a0 WHERE a0.creditor_id = m.creditor_id" \
	"   AND a0.mandate_id = m.id ORDER BY a0.applies_from, a0.id" \
	"   LIMIT 1) END"

/*
 * The RUM and ICS the debtor's bank last saw for mandate m (migration
 * 037): those of its last collection that reached it; for a mandate the
 * software sepad replaced presented and sepad never did, its RUM and the
 * creditor's ICS before any change; else NULL.
 */
#define COLLECT_PRESENTED_RUM \
	"CASE WHEN m.presented_before THEN coalesce((SELECT rc.old_rum" \
	"   FROM mandate_rum_changes rc WHERE rc.creditor_id = m.creditor_id" \
	"   AND rc.mandate_id = m.id ORDER BY rc.id LIMIT 1), m.rum) END"
#define COLLECT_PRESENTED_ICS \
	"CASE WHEN m.presented_before THEN coalesce((SELECT x.old_ics" \
	"   FROM creditor_ics_changes x WHERE x.creditor_id = m.creditor_id" \
	"   ORDER BY x.from_on, x.id LIMIT 1), (SELECT cr.ics FROM creditors" \
	"   cr WHERE cr.id = m.creditor_id)) END"

/* The services of invoice i, for the remittance text: "cantine/garderie". */
#define COLLECT_SERVICES \
	"coalesce((SELECT string_agg(DISTINCT lower(s.code), '/')" \
	"   FROM invoice_lines l JOIN services s" \
	"   ON s.creditor_id = l.creditor_id AND s.id = l.service_id" \
	"   WHERE l.creditor_id = i.creditor_id AND l.invoice_id = i.id), '')"

/*
 * The invoices of the month that can be collected (COLLECT_WHERE_IN_MONTH)
 * by a mandate active on the due date; with the amount left to pay, the
 * due date of the collection, the account of the month (latest
 * applies_from <= month), the IBAN last debited on the mandate and
 * whether it was ever debited (COLLECT_DEBITS, or by the software sepad
 * replaced: COLLECT_PRESENTED_IBAN), the RUM and ICS its bank last saw.
 */
#define COLLECT_CANDIDATES_SQL(extra) \
	"WITH inv AS (" \
	" SELECT i.*, " COLLECT_INVOICE_MANDATE " AS mid," \
	"  " COLLECT_DUE_ON " AS cdue," \
	"  i.total_cents - " COLLECT_PAID " AS owed" \
	" FROM invoices i" COLLECT_WHERE_IN_MONTH ")" \
	" SELECT row_number() OVER (ORDER BY i.cdue, i.number)," \
	"  i.id, i.number, i.owed, i.cdue, i.month, m.id, m.rum," \
	"  m.signed_on, a.id, a.iban, coalesce(a.bic, '')," \
	"  coalesce((SELECT c.iban" COLLECT_DEBITS \
	"   ORDER BY c.due_on DESC, c.id DESC LIMIT 1)," \
	"  " COLLECT_PRESENTED_IBAN ", '')," \
	"  m.presented_before OR EXISTS (SELECT 1" COLLECT_DEBITS ")," \
	"  f.payer_name, f.street, f.building, f.postcode, f.town, f.country," \
	"  coalesce(att.n, 0) + 1," \
	"  " COLLECT_SERVICES "," \
	"  coalesce((SELECT c.rum" COLLECT_DEBITS \
	"   ORDER BY c.due_on DESC, c.id DESC LIMIT 1)," \
	"  " COLLECT_PRESENTED_RUM ", '')," \
	"  coalesce((SELECT b.cdtr_ics FROM collections c JOIN batches b" \
	"   ON b.creditor_id = c.creditor_id AND b.id = c.batch_id" \
	"   WHERE c.creditor_id = m.creditor_id AND c.mandate_id = m.id" \
	"   AND c.state NOT IN ('rejected', 'cancelled')" \
	"   ORDER BY c.due_on DESC, c.id DESC LIMIT 1)," \
	"  " COLLECT_PRESENTED_ICS ", '')" extra " FROM inv i" \
	" JOIN families f ON f.creditor_id = i.creditor_id AND f.id = i.family_id" \
	" JOIN mandates m ON m.creditor_id = i.creditor_id AND m.id = i.mid" \
	" LEFT JOIN (SELECT c.invoice_id, count(*) AS n FROM collections c" \
	"  WHERE c.creditor_id = $1 AND c.invoice_id IN (SELECT id FROM inv)" \
	"  GROUP BY c.invoice_id) att ON att.invoice_id = i.id" \
	" JOIN LATERAL (SELECT * FROM mandate_accounts a" \
	"  WHERE a.creditor_id = m.creditor_id AND a.mandate_id = m.id" \
	"  AND a.applies_from <= $2::date" \
	"  ORDER BY a.applies_from DESC LIMIT 1) a ON true" \
	" WHERE m.state = 'active' AND (m.ends_on IS NULL OR m.ends_on >= i.cdue)"

/*
 * The candidates (columns CC_*) stay in the server, in a table of the
 * recording's transaction: the run reads them a FETCH at a time.
 */
#define COLLECT_CAND_TABLE \
	"CREATE TEMP TABLE collect_cand (ord, invoice, number, total, due," \
	" month, mandate, rum, signed, account, iban, bic, last_iban, used," \
	" name, street, building, postcode, town, country, attempt," \
	" services, last_rum, last_ics"
static const char collect_cand_sql[] =
    COLLECT_CAND_TABLE ") ON COMMIT DROP AS " COLLECT_CANDIDATES_SQL("");
/*
 * The PES channel also needs the family's reference (RefTiers) and the
 * invoice's main service (COLLECT_MAIN_SERVICE).
 */
static const char collect_cand_pes_sql[] = COLLECT_CAND_TABLE
    ", family_ref, main_service) ON COMMIT DROP AS " COLLECT_CANDIDATES_SQL(
        ", f.family_ref, " COLLECT_MAIN_SERVICE);

/* What C decides about each candidate (COLLECT_DEC_COLUMNS, CS_*). */
static const char collect_dec_sql[] =
    "CREATE TEMP TABLE collect_dec (ord bigint, d_first boolean,"
    " d_seq int, d_amend int, d_orig_rum text, d_orig_ics text,"
    " d_state text) ON COMMIT DROP";
static const char collect_dec_copy_sql[] =
    "COPY collect_dec (ord, d_first, d_seq, d_amend, d_orig_rum,"
    " d_orig_ics, d_state) FROM STDIN";

/* The candidates in their order. */
static const char collect_cand_cur_sql[] =
    "DECLARE collect_cur NO SCROLL CURSOR FOR"
    " SELECT * FROM collect_cand ORDER BY ord";

/*
 * The kept candidates of the mandates that have more than one, by
 * mandate then in candidate order (collect_follow), and those deferred.
 */
static const char collect_shared_cur_sql[] =
    "DECLARE collect_cur NO SCROLL CURSOR FOR"
    " SELECT c.*," COLLECT_DEC_COLUMNS COLLECT_KEPT
    " AND c.mandate IN (SELECT c2.mandate FROM collect_cand c2"
    "  JOIN collect_dec d2 ON d2.ord = c2.ord WHERE d2.d_state = 'kept'"
    "  GROUP BY c2.mandate HAVING count(*) > 1)"
    " ORDER BY c.mandate, c.ord";
static const char collect_deferred_sql[] =
    "CREATE TEMP TABLE collect_deferred (ord bigint) ON COMMIT DROP";
static const char collect_deferred_copy_sql[] =
    "COPY collect_deferred (ord) FROM STDIN";
static const char collect_mark_deferred_sql[] =
    "UPDATE collect_dec d SET d_state = 'deferred' FROM collect_deferred x"
    " WHERE x.ord = d.ord";

/* The kept candidates in file order: sequence type, candidate order. */
static const char collect_cut_cur_sql[] =
    "DECLARE collect_cur NO SCROLL CURSOR FOR"
    " SELECT d.d_seq, c.due, c.total" COLLECT_KEPT " ORDER BY d.d_seq, c.ord";
static const char collect_kept_cur_sql[] =
    "DECLARE collect_cur NO SCROLL CURSOR FOR"
    " SELECT c.*," COLLECT_DEC_COLUMNS COLLECT_KEPT " ORDER BY d.d_seq, c.ord";

/* The rows of a cursor a FETCH brings: the client's memory stays flat. */
static const char collect_cur_fetch_sql[] = "FETCH 2000 FROM collect_cur";

/*
 * The month's invoices i (COLLECT_WHERE_IN_MONTH) that no mandate m can
 * collect: none, or not active, or ended by the due date.
 */
#define COLLECT_NO_MANDATE \
	" LEFT JOIN mandates m ON m.creditor_id = i.creditor_id" \
	"  AND m.id = " COLLECT_INVOICE_MANDATE COLLECT_WHERE_IN_MONTH \
	"  AND (m.id IS NULL OR m.state <> 'active'" \
	"   OR (m.ends_on IS NOT NULL AND m.ends_on < " COLLECT_DUE_ON "))"

/*
 * The PES channel: those invoices as pieces without a debit, with what a
 * piece needs (amount left to pay, services, debtor, main service).
 */
const char collect_oth_sql[] =
    "CREATE TEMP TABLE collect_oth (ord, invoice, number, owed, month,"
    " services, name, street, building, postcode, town, country,"
    " family_ref, main_service) ON COMMIT DROP AS"
    " SELECT row_number() OVER (ORDER BY i.number), i.id, i.number,"
    " i.total_cents - " COLLECT_PAID ", i.month,"
    " " COLLECT_SERVICES ","
    " f.payer_name, f.street, f.building, f.postcode, f.town, f.country,"
    " f.family_ref, " COLLECT_MAIN_SERVICE
    " FROM invoices i JOIN families f ON f.creditor_id = i.creditor_id"
    "  AND f.id = i.family_id" COLLECT_NO_MANDATE;

/* The same month's invoices that no mandate can collect, not yet flagged. */
static const char collect_other_means_sql[] =
    "DECLARE collect_cur NO SCROLL CURSOR FOR"
    " SELECT i.id, i.number, i.family_id, i.total_cents,"
    " coalesce(m.id, 0), coalesce(m.state, 'none'), coalesce(m.rum, '')"
    " FROM invoices i" COLLECT_NO_MANDATE
    "  AND NOT EXISTS (SELECT 1 FROM events e WHERE e.creditor_id = $1"
    "   AND e.kind = 'invoice.other_means' AND e.invoice_id = i.id)"
    " ORDER BY i.number";

/* $1 creditor: one preparation at a time per creditor. */
static const char collect_lock_creditor_sql[] =
    "SELECT id FROM creditors WHERE id = $1 FOR UPDATE";

/*
 * $1 creditor, $2 month: the month's batches that count (a file refused
 * whole, or cancelled before its release, does not), and the highest
 * part, those included.
 */
static const char collect_count_batches_sql[] =
    "SELECT count(*) FROM batches WHERE creditor_id = $1"
    " AND collection_month = $2::date AND purpose = 'collect'"
    " AND state NOT IN ('rejected', 'cancelled')";
static const char collect_last_part_sql[] =
    "SELECT coalesce(max(part), 0) FROM batches WHERE"
    " creditor_id = $1 AND collection_month = $2::date";

/* $1 creditor, $2 invoice: whether it was already reported late. */
static const char collect_late_seen_sql[] =
    "SELECT count(*) FROM events WHERE creditor_id = $1 AND kind ="
    " 'invoice.collect_late' AND invoice_id = $2";

/* $1 creditor, $2 invoice, $3 the next month's due date. */
static const char collect_defer_sql[] =
    "UPDATE invoices SET collect_due_on = $3 WHERE"
    " creditor_id = $1 AND id = $2";

/* A batch (part) with the creditor as it is configured today. */
static const char collect_insert_batch_sql[] =
    "INSERT INTO batches (creditor_id, collection_month, part, msg_id,"
    " created_at, pain_version, file_name, nb_of_txs, ctrl_sum_cents,"
    " cdtr_name, cdtr_iban, cdtr_bic, cdtr_ics, cdtr_street,"
    " cdtr_building, cdtr_postcode, cdtr_town, cdtr_country,"
    " batch_booking, channel, purpose)"
    " VALUES ($1, $2, $3, $4, date_trunc('second', now()), $5, $6, $7,"
    " $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
    " RETURNING id";

/* The columns collect_copy_row writes, in its order. */
static const char collect_copy_sql[] =
    "COPY collections (creditor_id, batch_id, invoice_id,"
    " mandate_id, account_id, pmt_inf_id, end_to_end_id,"
    " seq_type, due_on, amount_cents, rum, signed_on,"
    " debtor_name, debtor_street, debtor_building,"
    " debtor_postcode, debtor_town, debtor_country, iban, bic,"
    " amendment, orig_iban, remittance, orig_rum, orig_ics, state_since)"
    " FROM STDIN";

/*
 * $1 creditor, $2 the run's first batch: this run's collections are in
 * its batches, the creditor's newest (the creditor is locked). The
 * amendment of an account is carried by this collection, once.
 */
static const char collect_mark_amendments_sql[] =
    "UPDATE mandate_accounts a SET amended_by_collection ="
    " c.id FROM collections c WHERE c.creditor_id = $1"
    " AND c.batch_id >= $2 AND c.amendment <> 'none'"
    " AND a.creditor_id = $1 AND a.amendment_required"
    " AND a.id = c.account_id";

/*
 * $1 creditor, $2 the run's first batch: the invoices collected, only
 * those still 'issued' (one paid meanwhile must not be debited: payments
 * wait for the creditor's lock, this is the last guard); how many moved.
 */
static const char collect_mark_invoices_sql[] =
    "WITH u AS (UPDATE invoices i SET state = 'collecting',"
    " state_since = c.state_since FROM collections c"
    " WHERE c.creditor_id = $1 AND c.batch_id >= $2"
    " AND i.creditor_id = $1 AND i.id = c.invoice_id"
    " AND i.state = 'issued' RETURNING 1)"
    " SELECT count(*) FROM u";

/* Room for `more` bytes. */
static void
collect_buf_reserve(struct collect_buf *b, size_t more)
{
	while (b->len + more > b->cap) {
		b->cap = b->cap * 2 + 64;
		b->data = xreallocarray(b->data, b->cap, 1);
	}
}

/* A value of the candidates, as text or as an integer. */
const char *
collect_value(const struct collect_run *run, int row, int col)
{
	return PQgetvalue(run->res, row, col);
}

int64_t
collect_int(const struct collect_run *run, int row, int col)
{
	return strtoll(PQgetvalue(run->res, row, col), NULL, 10);
}

/*
 * The debtor of a collection into tx and a: row r of res holds its name,
 * street, building, postcode, town and country from column `name` on (a
 * candidate's CC_NAME, a recorded collection's CR_NAME).
 */
static void
collect_debtor(sepa_pain008_tx *tx, sepa_pain008_address *a, PGresult *res,
    int r, int name)
{
	tx->debtor_name = PQgetvalue(res, r, name);
	a->street = PQgetvalue(res, r, name + 1);
	a->building_number = PQgetvalue(res, r, name + 2);
	a->postcode = PQgetvalue(res, r, name + 3);
	a->town = PQgetvalue(res, r, name + 4);
	a->country = PQgetvalue(res, r, name + 5);
	tx->debtor_address = a;
}

/* Whether candidate cr declares an amendment: account, RUM or ICS. */
static int
collect_amended(const struct collect_row *cr)
{
	return cr->amend != SEPA_AMEND_NONE || cr->orig_rum != NULL ||
	    cr->orig_ics != NULL;
}

/* The amendment of candidate cr into am; NULL when it has none. */
const sepa_pain008_amendment *
collect_amendment(const struct collect_run *run, const struct collect_row *cr,
    sepa_pain008_amendment *am)
{
	memset(am, 0, sizeof(*am));
	if (!collect_amended(cr))
		return NULL;
	am->account = cr->amend;
	if (cr->amend == SEPA_AMEND_SAME_BANK)
		am->orig_debtor_iban =
		    collect_value(run, cr->row, CC_LAST_IBAN);
	am->orig_mandate_id = cr->orig_rum;
	am->orig_creditor_id = cr->orig_ics;
	return am;
}

/* The EndToEndId of candidate `row`: invoice number and attempt. */
static const char *
collect_e2e(const struct collect_run *run, int row, char *buf, size_t size)
{
	snprintf(buf, size, "%s-%s", collect_value(run, row, CC_NUMBER),
	    collect_value(run, row, CC_ATTEMPT));
	return buf;
}

/*
 * The remittance text of candidate `row`: "Facture <number> - <services>
 * <month> <year>" (the consumption's month).
 */
const char *
collect_remittance_of(const char *number, const char *services,
    const char *consumed, char *buf, size_t size)
{
	int cm = atoi(consumed + 5);

	if (cm < 1 || cm > 12)
		cm = 1;
	if (services[0] != '\0')
		snprintf(buf, size, "Facture %s - %s %s %.4s", number, services,
		    collect_month_fr[cm - 1], consumed);
	else
		snprintf(buf, size, "Facture %s - %s %.4s", number,
		    collect_month_fr[cm - 1], consumed);
	return buf;
}

const char *
collect_remittance(
    const struct collect_run *run, int row, char *buf, size_t size)
{
	return collect_remittance_of(collect_value(run, row, CC_NUMBER),
	    collect_value(run, row, CC_SERVICES),
	    collect_value(run, row, CC_MONTH), buf, size);
}

/*
 * An event about candidate `row` that needs attention: its invoice,
 * mandate and amount.
 */
static int
collect_row_event(const struct collect_run *run, int row, const char *kind,
    const struct i18n_msg *say, sepa_error *err)
{
	struct event ev = {0};

	ev.kind = kind;
	ev.say = say;
	ev.business_date = run->today;
	ev.month = run->month;
	ev.invoice_id = collect_int(run, row, CC_INVOICE);
	ev.mandate_id = collect_int(run, row, CC_MANDATE);
	ev.has_amount = true;
	ev.amount_cents = collect_int(run, row, CC_TOTAL);
	ev.needs_attention = true;
	return store_event_add(run->db, run->creditor_id, &ev, err);
}

/*
 * Whether the bank can still get the file for this invoice's due date
 * (sepa_rule_in_time, handed over today). When not, *late is 1 and an
 * "invoice.collect_late" event (needs attention) is recorded, once.
 */
static int
collect_check_in_time(
    struct collect_run *run, int r, int *late, sepa_error *err)
{
	const char *params[2] = {run->cred, collect_value(run, r, CC_INVOICE)};
	struct i18n_msg say;
	sepa_date due;
	int64_t seen;
	int rc;

	*late = 0;
	if ((rc = sepa_date_parse(&due, collect_value(run, r, CC_DUE), err)) !=
	    0)
		return rc;
	if (sepa_rule_in_time(&run->rules, run->today, due))
		return 0;
	*late = 1;
	run->sum->late++;
	if ((rc = db_query_int64(run->db, &seen,
	         "look for an earlier late event", collect_late_seen_sql, 2,
	         params, err)) != 0 ||
	    seen > 0)
		return rc;
	i18n_msg(&say,
	    N_("invoice %s: due on %s, too late for the bank on %s; not "
	       "collected"),
	    "tDd", collect_value(run, r, CC_NUMBER),
	    collect_value(run, r, CC_DUE), run->today);
	return collect_row_event(run, r, "invoice.collect_late", &say, err);
}

/*
 * One mandate with several invoices in this run (a month caught up late,
 * an invoice collected again after a file refused whole, an invoice
 * deferred from last month next to this month's): its first collection
 * in candidate order is the lead. When the lead is the mandate's first
 * debit (FRST) or the first on a new account (amendment), the EPC
 * rulebook wants that one collection to carry it, and only once; a FRST
 * and a RCUR of one mandate presented together (same file, same or close
 * dates) may reach the debtor's bank in either order, and a RCUR without
 * the amendment on an account the bank does not know yet for this
 * mandate, or a second debit behind a rejected first one, would come back
 * as a second reject counted against the family (two rejects end the
 * mandate). So the lead goes alone and the mandate's other invoices are
 * deferred to the next month's file, where they are RCUR on an account
 * already announced (collect_defer). A lead that is a plain RCUR takes
 * the others along, RCUR without amendment like itself. Called with the
 * kept candidates by mandate, then in candidate order.
 */
struct collect_lead {
	int64_t mandate;
	int seen; /* a lead was read */
	int alone; /* it goes alone: the others are deferred */
	struct collect_sink deferred; /* their ord */
};

static int collect_defer(
    struct collect_run *run, const struct collect_row *cr, sepa_error *err);

static int
collect_follow(struct collect_run *run, int r, void *arg, sepa_error *err)
{
	struct collect_lead *l = arg;
	struct collect_row cr;

	collect_row_read(run, r, &cr);
	if (!l->seen || cr.mandate != l->mandate) {
		l->seen = 1;
		l->mandate = cr.mandate;
		l->alone = cr.first || collect_amended(&cr);
		return 0;
	}
	if (!l->alone)
		return 0;
	collect_copy_field(&l->deferred.b, collect_value(run, r, CC_ORD), 1);
	return collect_defer(run, &cr, err);
}

/*
 * Move candidate `row` to the next month's file: its collection due date
 * becomes that month's (sepa_rule_due_date, notified today), into due.
 */
static int
collect_to_next_month(struct collect_run *run, int row,
    char due[SEPA_DATE_BUFSZ], sepa_error *err)
{
	sepa_month next = sepa_month_add(run->month, 1);
	const char *params[3] = {
	    run->cred, collect_value(run, row, CC_INVOICE), NULL};

	params[2] = sepa_date_iso(
	    due, sepa_rule_due_date(&run->rules, next, run->today));
	return db_exec(run->db, "defer an invoice to the next month",
	    collect_defer_sql, 3, params, err);
}

/*
 * Defer one invoice to the next month's file: its collection due date
 * becomes the next month's (sepa_rule_due_date, notified today), recorded
 * in invoices.collect_due_on, and an "invoice.collect_deferred" event
 * that needs attention says why (the family's notice gave another date).
 */
static int
collect_defer(
    struct collect_run *run, const struct collect_row *cr, sepa_error *err)
{
	char due[SEPA_DATE_BUFSZ];
	sepa_month next = sepa_month_add(run->month, 1);
	struct i18n_msg say;
	int rc;

	if ((rc = collect_to_next_month(run, cr->row, due, err)) != 0)
		return rc;
	i18n_msg(&say,
	    cr->amend != SEPA_AMEND_NONE
	        ? N_("invoice %s: mandate %s has its first collection on a new "
	             "account in this file; collected with the file of %s, "
	             "due on %s")
	        : collect_amended(cr)
	        ? N_("invoice %s: mandate %s has its first collection under "
	             "its new RUM or creditor identifier in this file; "
	             "collected with the file of %s, due on %s")
	        : N_("invoice %s: mandate %s has its first collection in this "
	             "file; collected with the file of %s, due on %s"),
	    "ttMD", collect_value(run, cr->row, CC_NUMBER),
	    collect_value(run, cr->row, CC_RUM), next, due);
	run->sum->deferred++;
	return collect_row_event(
	    run, cr->row, "invoice.collect_deferred", &say, err);
}

/* Append s to the COPY data in text format, escaped. */
static void
collect_copy_text(struct collect_buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		const char *esc = NULL;

		collect_buf_reserve(b, 3);
		switch (*s) {
		case '\\':
			esc = "\\\\";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		default:
			break;
		}
		if (esc != NULL) {
			memcpy(b->data + b->len, esc, 2);
			b->len += 2;
		} else {
			b->data[b->len++] = *s;
		}
	}
}

/* One field of the COPY data (NULL: SQL NULL), then a tab or newline. */
void
collect_copy_field(struct collect_buf *b, const char *s, int last)
{
	collect_copy_text(b, s);
	collect_buf_reserve(b, 3);
	if (s == NULL) { /* \N: SQL NULL */
		b->data[b->len++] = '\\';
		b->data[b->len++] = 'N';
	}
	b->data[b->len++] = last ? '\n' : '\t';
}

/* MsgId, file name: the ICS's national part, the month, the part. */
static int
collect_names(const char *ics, sepa_month month, int part, char *msg_id,
    char *file_name, size_t size, sepa_error *err)
{
	const char *national = strlen(ics) > 7 ? ics + 7 : "";

	snprintf(msg_id, size, "SEPAD-%s-%04d%02d-%d", national, month.year,
	    month.month, part);
	snprintf(file_name, size, "pain008-%s-%04d-%02d-%d.xml", ics,
	    month.year, month.month, part);
	return sepa_id_validate(msg_id, "MsgId", err);
}

/*
 * Lock the creditor (one recording at a time, payments wait) and look at
 * the month's batches: how many count (sum->already_recorded: what is
 * recorded is never changed; invoices that were in none of the earlier
 * parts go into new parts) and the highest part (run->part0: a file the
 * bank refused whole, 'rejected', its collections cancelled, does not
 * close the month, its invoices are collected again after it).
 */
int
collect_lock_month(struct collect_run *run, sepa_error *err)
{
	int64_t id;
	int rc;

	if ((rc = db_query_int64(run->db, &id, "lock the creditor",
	         collect_lock_creditor_sql, 1, run->params, err)) != 0)
		return rc;
	/* One big query: JIT compilation costs more than it saves. */
	if ((rc = db_exec(run->db, "set up the transaction",
	         "SET LOCAL jit = off", 0, NULL, err)) != 0)
		return rc;
	if ((rc = db_query_int64(run->db, &run->sum->already_recorded,
	         "count the month's batches", collect_count_batches_sql, 2,
	         run->params, err)) != 0)
		return rc;
	/* The ICS the files of today carry (a change from a date, 037). */
	if ((rc = store_creditor_ics_on(
	         run->db, run->creditor_id, run->today, run->ics, err)) != 0)
		return rc;
	snprintf(run->sum->ics, sizeof(run->sum->ics), "%s", run->ics);
	return db_query_int64(run->db, &run->part0,
	    "number the month's batches", collect_last_part_sql, 2, run->params,
	    err);
}

/* Why an invoice is payable by other means: its mandate's state on the
 * due date (none: no mandate; active: ended by then). */
static const char *
collect_other_means_msgid(const char *state)
{
	if (strcmp(state, "none") == 0)
		return N_("invoice %s: no mandate; payable by other means");
	if (strcmp(state, "suspended") == 0)
		return N_(
		    "invoice %s: mandate %s is suspended on the due date; "
		    "payable by other means");
	if (strcmp(state, "terminated") == 0)
		return N_("invoice %s: mandate %s is terminated on the due "
		          "date; payable by other means");
	if (strcmp(state, "lapsed") == 0)
		return N_("invoice %s: mandate %s is lapsed on the due date; "
		          "payable by other means");
	return N_("invoice %s: mandate %s is ended on the due date; payable "
	          "by other means");
}

/* Log an invoice no active mandate can collect (row r), once. */
static int
collect_other_means_row(
    struct collect_run *run, int r, void *arg, sepa_error *err)
{
	PGresult *res = run->res;
	struct event ev = {0};
	struct i18n_msg say;
	const char *state = PQgetvalue(res, r, OM_STATE);
	int rc;

	(void)arg;
	i18n_msg(&say, collect_other_means_msgid(state), "tt",
	    PQgetvalue(res, r, OM_NUMBER), PQgetvalue(res, r, OM_RUM));
	ev.kind = "invoice.other_means";
	ev.say = &say;
	ev.business_date = run->today;
	ev.month = run->month;
	ev.invoice_id = strtoll(PQgetvalue(res, r, OM_INVOICE), NULL, 10);
	ev.family_id = strtoll(PQgetvalue(res, r, OM_FAMILY), NULL, 10);
	ev.mandate_id = strtoll(PQgetvalue(res, r, OM_MANDATE), NULL, 10);
	ev.has_amount = true;
	ev.amount_cents = strtoll(PQgetvalue(res, r, OM_TOTAL), NULL, 10);
	ev.needs_attention = true;
	if ((rc = store_event_add(run->db, run->creditor_id, &ev, err)) == 0)
		run->sum->other_means++;
	return rc;
}

/* Log the invoices no active mandate can collect, once each. */
static int
collect_other_means(struct collect_run *run, sepa_error *err)
{
	return collect_scan(run, "list the invoices payable by other means",
	    collect_other_means_sql, 2, run->params, collect_other_means_row,
	    NULL, NULL, err);
}

/*
 * "IBAN <anything>:" in msg becomes "IBAN FR76****0189:" (the lib's
 * messages show the IBAN they refuse; events never do).
 */
void
collect_mask_ibans(char *msg)
{
	char *p = msg, *colon;

	while ((p = strstr(p, "IBAN ")) != NULL &&
	    (colon = strchr(p + 5, ':')) != NULL) {
		char raw[64], mask[SEPA_IBAN_MASK_BUFSZ];
		size_t n = (size_t)(colon - (p + 5)), m;

		if (n >= sizeof(raw)) {
			p = colon;
			continue;
		}
		memcpy(raw, p + 5, n);
		raw[n] = '\0';
		sepa_iban_mask(mask, raw);
		m = strlen(mask);
		memmove(p + 5 + m, colon, strlen(colon) + 1);
		memcpy(p + 5, mask, m);
		p += 5 + m;
	}
}

/*
 * Candidate cr as the pain.008 writer would get it, checked by the
 * writer's own rules (sepa_pain008_check_tx) before anything is recorded:
 * a file the writer would refuse must never be recorded, since what is
 * recorded never changes. One it refuses is left out of the month
 * (cr->refused) and moved to the next month's file, with an
 * "invoice.collect_refused" event that needs attention: corrected by
 * then it goes with that file, or the family pays by other means.
 */
static int
collect_check_writer(
    struct collect_run *run, struct collect_row *cr, sepa_error *err)
{
	sepa_pain008_tx tx = {0};
	sepa_pain008_amendment am = {0};
	sepa_pain008_address addr = {0};
	sepa_error why = SEPA_ERROR_INIT;
	char e2e[64], remit[256], due[SEPA_DATE_BUFSZ];
	struct i18n_msg say;
	sepa_date day;
	int r = cr->row, rc;

	tx.end_to_end_id = collect_e2e(run, r, e2e, sizeof(e2e));
	tx.amount = collect_int(run, r, CC_TOTAL);
	tx.mandate_id = collect_value(run, r, CC_RUM);
	collect_debtor(&tx, &addr, run->res, r, CC_NAME);
	tx.debtor_iban = collect_value(run, r, CC_IBAN);
	tx.debtor_bic = collect_value(run, r, CC_BIC);
	tx.amendment = collect_amendment(run, cr, &am);
	tx.remittance = collect_remittance(run, r, remit, sizeof(remit));
	if ((rc = sepa_date_parse(&tx.signature_date,
	         collect_value(run, r, CC_SIGNED), err)) != 0 ||
	    (rc = sepa_date_parse(&day, collect_value(run, r, CC_DUE), err)) !=
	        0)
		return rc;
	if (sepa_pain008_check_tx(&tx,
	        run->cfg->pain_version == CONFIG_PAIN_001_02 ? SEPA_PAIN008_V02
	                                                     : SEPA_PAIN008_V08,
	        SEPA_TEXT_DEFAULT, day, &why) == 0 &&
	    (!run->pes || collect_pes_check(run, cr, &why) == 0))
		return 0;
	if (why.code == SEPA_ENOTFOUND) { /* no CodProdLoc: the run stops */
		*err = why;
		return err->code = SEPA_EINVAL;
	}
	cr->refused = 1;
	run->sum->refused++;
	if ((rc = collect_to_next_month(run, r, due, err)) != 0)
		return rc;
	collect_mask_ibans(why.msg);
	i18n_msg(&say,
	    N_("invoice %s: mandate %s: the %s writer would refuse its "
	       "debit (%s); left out of the file of %s, moved to the next "
	       "month's, due on %s: correct it by then, or record a payment "
	       "by other means"),
	    "ttttMD", collect_value(run, r, CC_NUMBER),
	    collect_value(run, r, CC_RUM), run->pes ? "PES" : "pain.008",
	    why.msg, run->month, due);
	return collect_row_event(run, r, "invoice.collect_refused", &say, err);
}

/* Candidate `row` of run->res, with its decisions (collect_dec), into cr. */
void
collect_row_read(const struct collect_run *run, int row, struct collect_row *cr)
{
	PGresult *res = run->res;
	int d = run->ncand;

	memset(cr, 0, sizeof(*cr));
	cr->row = row;
	cr->mandate = collect_int(run, row, CC_MANDATE);
	cr->first = PQgetvalue(res, row, d + CD_FIRST)[0] == 't';
	cr->seq = (enum sepa_seq)atoi(PQgetvalue(res, row, d + CD_SEQ));
	cr->amend =
	    (enum sepa_amendment)atoi(PQgetvalue(res, row, d + CD_AMEND));
	if (!PQgetisnull(res, row, d + CD_ORIG_RUM))
		cr->orig_rum = PQgetvalue(res, row, d + CD_ORIG_RUM);
	if (!PQgetisnull(res, row, d + CD_ORIG_ICS))
		cr->orig_ics = PQgetvalue(res, row, d + CD_ORIG_ICS);
}

/* Send the sink's lines (one COPY), keeping its buffer for the next. */
static int
collect_sink_flush(struct db *db, struct collect_sink *s, sepa_error *err)
{
	int rc;

	if (s->b.len == 0)
		return 0;
	if ((rc = db_copy_begin(db, s->what, s->copy_sql, err)) != 0)
		return rc;
	if ((rc = collect_copy_send(db, &s->b, 1, err)) != 0) {
		db_copy_abort(db, "not sent");
		return rc;
	}
	return db_copy_end(db, NULL, err);
}

/* What collect_scan hands db_fetch_each. */
struct collect_scan_arg {
	struct collect_run *run;
	int (*row)(struct collect_run *run, int r, void *arg, sepa_error *err);
	void *arg;
	struct collect_sink *sink;
};

static int
collect_scan_row(void *arg, PGresult *res, int r, sepa_error *err)
{
	struct collect_scan_arg *s = arg;
	int rc;

	s->run->res = res;
	rc = s->row(s->run, r, s->arg, err);
	s->run->res = NULL;
	/* The last row of the FETCH: its lines go, before the next FETCH. */
	if (rc == 0 && s->sink != NULL && r == PQntuples(res) - 1)
		rc = collect_sink_flush(s->run->db, s->sink, err);
	return rc;
}

int
collect_scan(struct collect_run *run, const char *what, const char *declare_sql,
    int nparams, const char *const *params,
    int (*row)(struct collect_run *run, int r, void *arg, sepa_error *err),
    void *arg, struct collect_sink *sink, sepa_error *err)
{
	struct collect_scan_arg s = {run, row, arg, sink};
	int rc;

	if ((rc = db_exec(run->db, what, declare_sql, nparams, params, err)) ==
	        0 &&
	    (rc = db_fetch_each(run->db, what, collect_cur_fetch_sql,
	         collect_scan_row, NULL, &s, err)) == 0)
		rc = db_exec(run->db, "close the cursor", "CLOSE collect_cur",
		    0, NULL, err);
	if (sink != NULL) {
		free(sink->b.data);
		sink->b.data = NULL;
		sink->b.len = sink->b.cap = 0;
	}
	return rc;
}

/*
 * Decide for candidate r: the sequence type, the amendment, whether the
 * writer will take its debit (one it would refuse is left out:
 * collect_check_writer) and whether the bank can still meet the due
 * date; the decision goes to collect_dec (the sink arg).
 */
static int
collect_decide(struct collect_run *run, int r, void *arg, sepa_error *err)
{
	struct collect_sink *dec = arg;
	struct collect_row cr = {0};
	int used = collect_value(run, r, CC_USED)[0] == 't', rc;
	char seq[8], amend[8];

	cr.row = r;
	cr.mandate = collect_int(run, r, CC_MANDATE);
	cr.first = !used;
	cr.seq = sepa_rule_sequence(&run->rules, used);
	cr.amend = sepa_rule_amendment(collect_value(run, r, CC_LAST_IBAN),
	    collect_value(run, r, CC_IBAN));
	cr.orig_rum = sepa_rule_orig_id(
	    collect_value(run, r, CC_LAST_RUM), collect_value(run, r, CC_RUM));
	cr.orig_ics =
	    sepa_rule_orig_id(collect_value(run, r, CC_LAST_ICS), run->ics);
	if ((rc = collect_check_writer(run, &cr, err)) != 0)
		return rc;
	if (!cr.refused &&
	    (rc = collect_check_in_time(run, r, &cr.late, err)) != 0)
		return rc;
	snprintf(seq, sizeof(seq), "%d", (int)cr.seq);
	snprintf(amend, sizeof(amend), "%d", (int)cr.amend);
	collect_copy_field(&dec->b, collect_value(run, r, CC_ORD), 0);
	collect_copy_field(&dec->b, cr.first ? "t" : "f", 0);
	collect_copy_field(&dec->b, seq, 0);
	collect_copy_field(&dec->b, amend, 0);
	collect_copy_field(&dec->b, cr.orig_rum, 0);
	collect_copy_field(&dec->b, cr.orig_ics, 0);
	collect_copy_field(&dec->b,
	    cr.refused    ? "refused"
	        : cr.late ? "late"
	                  : "kept",
	    1);
	return 0;
}

/*
 * Select the candidates into collect_cand, in the server, and decide for
 * each, in candidate order (collect_decide), into collect_dec.
 */
static int
collect_candidates(struct collect_run *run, sepa_error *err)
{
	struct collect_sink dec = {
	    N_("record the decisions"), collect_dec_copy_sql, {NULL, 0, 0}};
	int rc;

	run->ncand = run->pes ? CC_MAIN_SERVICE + 1 : CC_LAST_ICS + 1;
	/* The candidates are sorted in the server's memory, not on disk. */
	if ((rc = db_exec(run->db, "size the sorts",
	         "SET LOCAL work_mem = '128MB'", 0, NULL, err)) != 0 ||
	    (rc = db_exec(run->db, "select the invoices to collect",
	         run->pes ? collect_cand_pes_sql : collect_cand_sql, 2,
	         run->params, err)) != 0 ||
	    (rc = db_exec(run->db, "record the decisions", collect_dec_sql, 0,
	         NULL, err)) != 0)
		return rc;
	return collect_scan(run, "read the invoices to collect",
	    collect_cand_cur_sql, 0, NULL, collect_decide, &dec, &dec, err);
}

/*
 * Leave out what is not collected this time: the invoices too late for
 * the bank or refused by the writer (flagged already), and the followers
 * of a mandate's first debit or account change, deferred to next month
 * (collect_follow).
 */
static int
collect_set_aside(struct collect_run *run, sepa_error *err)
{
	struct collect_lead l = {0};
	int rc;

	l.deferred.what = N_("record the deferred invoices");
	l.deferred.copy_sql = collect_deferred_copy_sql;
	if ((rc = db_exec(run->db, l.deferred.what, collect_deferred_sql, 0,
	         NULL, err)) != 0 ||
	    (rc = collect_scan(run, "read the mandates' invoices",
	         collect_shared_cur_sql, 0, NULL, collect_follow, &l,
	         &l.deferred, err)) != 0)
		return rc;
	return db_exec(
	    run->db, l.deferred.what, collect_mark_deferred_sql, 0, NULL, err);
}

/*
 * The cut of the kept rows, in file order, into parts (files) by the
 * bank's limits, numbered from 1; inside a part, payment blocks by
 * (sequence type, due date).
 */
struct collect_cut {
	int64_t nparts;
	long ntx;
	int64_t amt;
	int block;
	enum sepa_seq seq;
	char due[SEPA_DATE_BUFSZ];
};

/* The part and block of the next row (seq, due, amount a). */
static void
collect_cut_next(const struct sepad_config *cfg, struct collect_cut *k,
    enum sepa_seq seq, const char *due, int64_t a, int *part, int *block)
{
	int newpart = k->nparts == 0 ||
	    (cfg->max_transactions_per_file > 0 &&
	        k->ntx + 1 > cfg->max_transactions_per_file) ||
	    (cfg->max_amount_per_file > 0 &&
	        k->amt + a > cfg->max_amount_per_file);

	if (newpart) {
		k->nparts++;
		k->ntx = 0;
		k->amt = 0;
		k->block = 0;
	}
	if (newpart || seq != k->seq || strcmp(due, k->due) != 0)
		k->block++;
	k->seq = seq;
	snprintf(k->due, sizeof(k->due), "%s", due);
	*part = (int)k->nparts;
	*block = k->block;
	k->ntx++;
	k->amt += a;
}

/* Columns of collect_cut_cur_sql. */
enum { CT_SEQ, CT_DUE, CT_TOTAL };

/* Count row r into its part (run->part_ntx, run->part_amt). */
static int
collect_count_row(struct collect_run *run, int r, void *arg, sepa_error *err)
{
	struct collect_cut *k = arg;
	int64_t a = collect_int(run, r, CT_TOTAL);
	int part, block;

	(void)err;
	collect_cut_next(run->cfg, k,
	    (enum sepa_seq)atoi(collect_value(run, r, CT_SEQ)),
	    collect_value(run, r, CT_DUE), a, &part, &block);
	if (part > run->nparts) {
		run->part_ntx = xreallocarray(
		    run->part_ntx, (size_t)part, sizeof(*run->part_ntx));
		run->part_amt = xreallocarray(
		    run->part_amt, (size_t)part, sizeof(*run->part_amt));
		run->part_ntx[part - 1] = 0;
		run->part_amt[part - 1] = 0;
		run->nparts = part;
	}
	run->part_ntx[part - 1]++;
	run->part_amt[part - 1] += a;
	run->n++;
	return 0;
}

/* The parts of the kept rows and what each holds (collect_count_row). */
static int
collect_cut_parts(struct collect_run *run, sepa_error *err)
{
	struct collect_cut k = {0};

	return collect_scan(run, "cut the collections into files",
	    collect_cut_cur_sql, 0, NULL, collect_count_row, &k, NULL, err);
}

/* Insert one batch (part), named msg_id and file_name, and get its id. */
int
collect_insert_batch(const struct collect_run *run, int part, long ntx,
    int64_t ctrl, const char *msg_id, const char *file_name, int64_t *id,
    sepa_error *err)
{
	const struct sepad_config *cfg = run->cfg;
	char partb[16], ntxb[24], ctrlb[24];
	const char *params[20];

	snprintf(partb, sizeof(partb), "%d", part);
	snprintf(ntxb, sizeof(ntxb), "%ld", ntx);
	snprintf(ctrlb, sizeof(ctrlb), "%" PRId64, ctrl);
	params[0] = run->cred;
	params[1] = run->mon;
	params[2] = partb;
	params[3] = msg_id;
	params[4] =
	    cfg->pain_version == CONFIG_PAIN_001_02 ? "001.02" : "001.08";
	params[5] = file_name;
	params[6] = ntxb;
	params[7] = ctrlb;
	params[8] = cfg->cred_name;
	params[9] = cfg->cred_iban;
	params[10] = cfg->cred_bic[0] != '\0' ? cfg->cred_bic : NULL;
	params[11] = run->ics;
	params[12] = cfg->cred_street;
	params[13] = cfg->cred_building;
	params[14] = cfg->cred_postcode;
	params[15] = cfg->cred_town;
	params[16] = cfg->cred_country;
	params[17] = cfg->batch_booking ? "true" : "false";
	params[18] = run->pes ? "pes" : "pain008";
	params[19] = run->recovery ? "recovery" : "collect";
	return db_query_int64(run->db, id, "record a batch",
	    collect_insert_batch_sql, 20, params, err);
}

/* Record a batch per part, numbered after the month's last part. */
static int
collect_record_batches(struct collect_run *run, sepa_error *err)
{
	int rc;

	run->batch_ids = xcalloc(
	    run->nparts > 0 ? (size_t)run->nparts : 1, sizeof(*run->batch_ids));
	for (int p = 1; p <= run->nparts; p++) {
		long ntx = run->part_ntx[p - 1];
		int64_t amt = run->part_amt[p - 1];
		char msg_id[128], file_name[128];

		if ((rc = collect_names(run->ics, run->month,
		         (int)run->part0 + p, msg_id, file_name, sizeof(msg_id),
		         err)) != 0 ||
		    (rc = collect_insert_batch(run, (int)run->part0 + p, ntx,
		         amt, msg_id, file_name, &run->batch_ids[p - 1],
		         err)) != 0)
			return rc;
		run->sum->collections += ntx;
		run->sum->amount_cents += amt;
	}
	run->sum->prepared = run->nparts;
	return 0;
}

/* The COPY line of one collection. */
static int
collect_copy_row(const struct collect_run *run, const struct collect_row *cr,
    const char *msg_id, struct collect_buf *b, sepa_error *err)
{
	char bat[24], pmt[64], e2e[64], day[SEPA_DATE_BUFSZ];
	char remit[256];
	const char *number = collect_value(run, cr->row, CC_NUMBER);
	const char *bic = collect_value(run, cr->row, CC_BIC);
	const char *amend = "none";
	int rc;

	snprintf(bat, sizeof(bat), "%" PRId64, run->batch_ids[cr->part - 1]);
	snprintf(pmt, sizeof(pmt), "%s-B%03d", msg_id, cr->block);
	collect_e2e(run, cr->row, e2e, sizeof(e2e));
	if ((rc = sepa_id_validate(pmt, "PmtInfId", err)) != 0 ||
	    (rc = sepa_id_validate(e2e, "EndToEndId", err)) != 0) {
		sepa_error_prefix(err, "invoice %s", number);
		return rc;
	}
	collect_remittance(run, cr->row, remit, sizeof(remit));
	if (cr->amend == SEPA_AMEND_SAME_BANK)
		amend = "same_bank";
	else if (cr->amend == SEPA_AMEND_OTHER_BANK)
		amend = "other_bank";
	collect_copy_field(b, run->cred, 0);
	collect_copy_field(b, bat, 0);
	collect_copy_field(b, collect_value(run, cr->row, CC_INVOICE), 0);
	collect_copy_field(b, collect_value(run, cr->row, CC_MANDATE), 0);
	collect_copy_field(b, collect_value(run, cr->row, CC_ACCOUNT), 0);
	collect_copy_field(b, pmt, 0);
	collect_copy_field(b, e2e, 0);
	collect_copy_field(b, sepa_seq_name(cr->seq), 0);
	collect_copy_field(b, collect_value(run, cr->row, CC_DUE), 0);
	collect_copy_field(b, collect_value(run, cr->row, CC_TOTAL), 0);
	collect_copy_field(b, collect_value(run, cr->row, CC_RUM), 0);
	collect_copy_field(b, collect_value(run, cr->row, CC_SIGNED), 0);
	for (int c = CC_NAME; c <= CC_COUNTRY; c++)
		collect_copy_field(b, collect_value(run, cr->row, c), 0);
	collect_copy_field(b, collect_value(run, cr->row, CC_IBAN), 0);
	collect_copy_field(b, bic[0] != '\0' ? bic : NULL, 0);
	collect_copy_field(b, amend, 0);
	collect_copy_field(b,
	    cr->amend == SEPA_AMEND_SAME_BANK
	        ? collect_value(run, cr->row, CC_LAST_IBAN)
	        : NULL,
	    0);
	collect_copy_field(b, remit, 0);
	collect_copy_field(b, cr->orig_rum, 0);
	collect_copy_field(b, cr->orig_ics, 0);
	collect_copy_field(b, sepa_date_iso(day, run->today), 1);
	return 0;
}

/*
 * The COPY line of kept candidate r, in the part and block the cut gives
 * it (the PES channel's one flow: part 1, block 1).
 */
struct collect_copy {
	struct collect_sink sink;
	struct collect_cut cut;
};

static int
collect_copy_kept(struct collect_run *run, int r, void *arg, sepa_error *err)
{
	struct collect_copy *c = arg;
	struct collect_row cr;
	char msg_id[128], file_name[128];

	collect_row_read(run, r, &cr);
	cr.part = cr.block = 1;
	if (!run->pes)
		collect_cut_next(run->cfg, &c->cut, cr.seq,
		    collect_value(run, r, CC_DUE),
		    collect_int(run, r, CC_TOTAL), &cr.part, &cr.block);
	collect_names(run->ics, run->month, (int)run->part0 + cr.part, msg_id,
	    file_name, sizeof(msg_id), err);
	return collect_copy_row(run, &cr, msg_id, &c->sink.b, err);
}

int
collect_copy_rows(struct collect_run *run, sepa_error *err)
{
	struct collect_copy c = {
	    {N_("record the collections"), collect_copy_sql, {NULL, 0, 0}},
	    {0}};

	return collect_scan(run, "read the collections to record",
	    collect_kept_cur_sql, 0, NULL, collect_copy_kept, &c, &c.sink, err);
}

int
collect_copy_send(
    struct db *db, struct collect_buf *b, int all, sepa_error *err)
{
	int rc = 0;

	if (b->len >= (all ? 1 : 65536)) {
		rc = db_copy_put(db, b->data, b->len, err);
		b->len = 0;
	}
	return rc;
}

int
collect_copy_end(struct db *db, struct collect_buf *b, int rc, const char *why,
    sepa_error *err)
{
	if (rc == 0)
		rc = collect_copy_send(db, b, 1, err);
	free(b->data);
	b->data = NULL;
	if (rc != 0) {
		db_copy_abort(db, why);
		return rc;
	}
	return db_copy_end(db, NULL, err);
}

/*
 * After the copy: the amendments carried, the invoices 'collecting'. If
 * fewer invoices moved than debits were recorded, one changed state
 * under the run: SEPA_ESTATE, for the caller to roll back.
 */
int
collect_mark_run(struct collect_run *run, sepa_error *err)
{
	char first_batch[24];
	const char *params[2] = {run->cred, first_batch};
	int64_t marked;
	int rc;

	/* Statistics for the joins below (fresh rows, no stats yet). */
	if ((rc = db_exec(run->db, "analyze the collections",
	         "ANALYZE collections", 0, NULL, err)) != 0)
		return rc;
	snprintf(
	    first_batch, sizeof(first_batch), "%" PRId64, run->batch_ids[0]);
	if ((rc = db_exec(run->db, "mark the amendments carried",
	         collect_mark_amendments_sql, 2, params, err)) != 0 ||
	    (rc = db_query_int64(run->db, &marked,
	         "mark the invoices collecting", collect_mark_invoices_sql, 2,
	         params, err)) != 0)
		return rc;
	if (marked != run->sum->collections)
		return sepa_error_set(err, SEPA_ESTATE,
		    "%04d-%02d: %" PRId64 " of %" PRId64
		    " invoices changed state while their collections "
		    "were recorded; nothing recorded, run collect again",
		    run->month.year, run->month.month,
		    run->sum->collections - marked, run->sum->collections);
	return 0;
}

/* The "collect.prepared" event of the run. */
int
collect_log_prepared(const struct collect_run *run, sepa_error *err)
{
	struct event ev = {0};
	struct i18n_msg say;

	i18n_msg(&say, N_("%s: %s collections recorded in %s file(s)"), "Mnn",
	    run->month, run->sum->collections, (int64_t)run->nparts);
	ev.kind = "collect.prepared";
	ev.say = &say;
	ev.business_date = run->today;
	ev.month = run->month;
	ev.has_count = true;
	ev.count = run->sum->collections;
	ev.has_amount = true;
	ev.amount_cents = run->sum->amount_cents;
	return store_event_add(run->db, run->creditor_id, &ev, err);
}

int
store_collect_prepare(struct db *db, int64_t creditor_id,
    const struct sepad_config *cfg, sepa_month month, sepa_date today,
    struct collect_summary *sum, sepa_error *err)
{
	struct collect_run run = {.db = db,
	    .creditor_id = creditor_id,
	    .cfg = cfg,
	    .month = month,
	    .today = today,
	    .sum = sum,
	    .pes = cfg->treasury_channel == CONFIG_CHANNEL_PES};
	sepa_date first = {month.year, month.month, 1};
	int rc;

	memset(sum, 0, sizeof(*sum));
	snprintf(run.cred, sizeof(run.cred), "%" PRId64, creditor_id);
	run.params[0] = run.cred;
	run.params[1] = sepa_date_iso(run.mon, first);
	if ((rc = config_require_creditor(cfg, err)) != 0 ||
	    (rc = config_rules(cfg, &run.rules, err)) != 0)
		return rc;
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	if ((rc = collect_lock_month(&run, err)) != 0 ||
	    (rc = collect_other_means(&run, err)) != 0 ||
	    (rc = collect_candidates(&run, err)) != 0 ||
	    (rc = collect_set_aside(&run, err)) != 0)
		goto cleanup;
	/* The comptable's channel: one PES flow instead of the pain.008. */
	if (run.pes) {
		if ((rc = collect_pes_record(&run, err)) != 0 ||
		    (rc = db_commit(db, err)) != 0)
			goto cleanup;
		if (run.nparts > 0)
			collect_crash_point("after_record");
		goto cleanup;
	}
	if ((rc = collect_cut_parts(&run, err)) != 0 ||
	    (rc = collect_record_batches(&run, err)) != 0)
		goto cleanup;
	if (run.n > 0 &&
	    ((rc = collect_copy_rows(&run, err)) != 0 ||
	        (rc = collect_mark_run(&run, err)) != 0 ||
	        (rc = collect_log_prepared(&run, err)) != 0))
		goto cleanup;
	if ((rc = db_commit(db, err)) != 0)
		goto cleanup;
	if (run.nparts > 0)
		collect_crash_point("after_record");
cleanup:
	if (rc != 0)
		db_rollback(db);
	collect_pes_free(&run);
	free(run.part_ntx);
	free(run.part_amt);
	free(run.batch_ids);
	return rc;
}

/* ------------------------------------------------------------ writing */

/* Payment block columns (collect_blocks_sql), in order. */
enum { CK_PMT, CK_SEQ, CK_DUE, CK_NTX, CK_SUM };

/* Collection columns (collect_rows_sql), in order. */
enum {
	CR_PMT,
	CR_E2E,
	CR_AMOUNT,
	CR_RUM,
	CR_SIGNED,
	CR_NAME,
	CR_STREET,
	CR_BUILDING,
	CR_POSTCODE,
	CR_TOWN,
	CR_COUNTRY,
	CR_IBAN,
	CR_BIC,
	CR_AMEND,
	CR_ORIG_IBAN,
	CR_REMIT,
	CR_ORIG_RUM,
	CR_ORIG_ICS
};

/*
 * $1 creditor, $2 month as YYYYMM: one writer per creditor and month, a
 * session lock (released by collect_unlock_sql or with the connection).
 */
static const char collect_lock_sql[] =
    "SELECT count(*) FROM (SELECT pg_advisory_lock($1::int,"
    " $2::int)) s";
static const char collect_unlock_sql[] =
    "SELECT count(*) FROM (SELECT pg_advisory_unlock($1::int,"
    " $2::int)) s";

/*
 * $1 creditor, $2 month, $3 purpose: the month's batches of collect, or
 * its recovery flows (043), in part order.
 */
static const char collect_batches_sql[] =
    "SELECT id, part, msg_id,"
    " to_char(created_at AT TIME ZONE 'UTC',"
    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), pain_version,"
    " file_name, nb_of_txs, ctrl_sum_cents, cdtr_name, cdtr_iban,"
    " coalesce(cdtr_bic, ''), cdtr_ics, cdtr_street, cdtr_building,"
    " cdtr_postcode, cdtr_town, cdtr_country, batch_booking,"
    " state, coalesce(sha256, ''), channel FROM batches"
    " WHERE creditor_id = $1 AND collection_month = $2::date"
    " AND purpose = $3 ORDER BY part";

/* $1 creditor: the months of the recovery flows not released yet. */
static const char collect_recovery_months_sql[] =
    "SELECT DISTINCT to_char(collection_month, 'YYYY-MM') FROM batches"
    " WHERE creditor_id = $1 AND purpose = 'recovery'"
    " AND state IN ('prepared', 'placing') ORDER BY 1";

/* $1 creditor, $2 batch: its payment blocks. */
static const char collect_blocks_sql[] =
    "SELECT pmt_inf_id, seq_type, due_on, count(*),"
    " sum(amount_cents) FROM collections WHERE creditor_id = $1"
    " AND batch_id = $2 GROUP BY pmt_inf_id, seq_type, due_on"
    " ORDER BY pmt_inf_id";

/* $1 creditor, $2 batch: its collections, through a cursor. */
static const char collect_rows_sql[] =
    "DECLARE collect_rows NO SCROLL CURSOR FOR"
    " SELECT pmt_inf_id, end_to_end_id, amount_cents, rum,"
    " signed_on, debtor_name, debtor_street, debtor_building,"
    " debtor_postcode, debtor_town, debtor_country, iban,"
    " coalesce(bic, ''), amendment, coalesce(orig_iban, ''),"
    " remittance, coalesce(orig_rum, ''), coalesce(orig_ics, '')"
    " FROM collections WHERE creditor_id = $1"
    " AND batch_id = $2 ORDER BY pmt_inf_id, id";

/* The next rows of the cursor: memory stays flat. */
static const char collect_fetch_sql[] = "FETCH 10000 FROM collect_rows";

/*
 * $1 creditor, $2 batch, $3 SHA-256: about to be placed in the outbox
 * (migration 031), committed before the rename; only if still prepared.
 */
static const char collect_placing_sql[] =
    "WITH u AS (UPDATE batches SET state = 'placing', sha256 = $3,"
    " placing_at = now() WHERE creditor_id = $1 AND id = $2"
    " AND state = 'prepared' RETURNING 1) SELECT count(*) FROM u";

/*
 * $1 creditor, $2 batch, $3 SHA-256: its file was never placed (its
 * temporary file is still there): prepared again, to be written again.
 */
static const char collect_unplace_sql[] =
    "WITH u AS (UPDATE batches SET state = 'prepared', sha256 = NULL,"
    " placing_at = NULL WHERE creditor_id = $1 AND id = $2"
    " AND state = 'placing' AND sha256 = $3 RETURNING 1)"
    " SELECT count(*) FROM u";

/*
 * $1 creditor, $2 batch, $3 SHA-256: placed, so released, only if it is
 * being placed with that SHA-256 (another run may have released it
 * meanwhile); how many rows changed.
 */
static const char collect_release_sql[] =
    "WITH u AS (UPDATE batches SET state = 'released', released_at = now()"
    " WHERE creditor_id = $1 AND id = $2 AND state = 'placing'"
    " AND sha256 = $3 RETURNING 1) SELECT count(*) FROM u";

/* $1 creditor, $2 batch, $3 SHA-256, $4 today: its collections sent. */
static const char collect_sent_sql[] =
    "UPDATE collections SET state = 'sent', state_since = $4"
    " WHERE creditor_id = $1 AND batch_id = $2 AND state ="
    " 'pending' AND $3 <> ''";

/* Lower-case hex SHA-256 of a file; SEPA_EIO when it cannot be read. */
static int
collect_file_sha256(const char *path, char hex[65], sepa_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return sepa_error_set(err, SEPA_EIO, "%s: could not open: %s",
		    path, strerror(errno));
	rc = sepa_sha256_fd(fd, path, hex, NULL, err);
	close(fd);
	return rc;
}

/*
 * Test hook inside the writer: the first chunk of each file has reached
 * its temporary file (arg: this file's flag).
 */
ssize_t
collect_crash_write(int fd, const void *data, size_t len, void *arg)
{
	ssize_t n = write(fd, data, len);
	int *written = arg;

	if (!*written) {
		*written = 1;
		collect_crash_point("during_write");
	}
	return n;
}

/*
 * Read the batch's payment blocks, then open a transaction and a cursor
 * on its collections (*in_tx is 1 once the transaction is open).
 */
static int
collect_open_rows(struct db *db, int64_t creditor_id,
    struct collect_file_writer *fw, int *in_tx, sepa_error *err)
{
	char cred[24];
	const char *params[2] = {cred, PQgetvalue(fw->b, fw->br, CB_ID)};
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	if ((rc = db_query(db, &fw->blocks, "read the batch's payment blocks",
	         collect_blocks_sql, 2, params, err)) != 0)
		return rc;
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	*in_tx = 1;
	return db_exec(db, "open the batch's collections", collect_rows_sql, 2,
	    params, err);
}

/*
 * The writer's last step before the rename (before_place): every row has
 * been read, so the cursor's transaction ends; then the batch is recorded
 * as being placed with the file's SHA-256, in a transaction of its own,
 * committed before the file can be seen. Whatever happens next, the
 * batch's state tells whether its file may have been placed.
 */
int
collect_place(
    struct collect_file_writer *fw, const char *sha256, sepa_error *err)
{
	char cred[24];
	const char *params[3] = {
	    cred, PQgetvalue(fw->b, fw->br, CB_ID), sha256};
	int64_t changed;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, fw->creditor_id);
	*fw->in_tx = 0;
	/* Someone else's file under the name: left for a person to see. */
	if (fw->before[0] != '\0' && strcmp(fw->before, sha256) != 0) {
		db_rollback(fw->db);
		return sepa_error_set(err, SEPA_ESTATE,
		    "the file found in the outbox (sha256 %s) differs from its "
		    "batch (sha256 %s); left as it is, the batch not released",
		    fw->before, sha256);
	}
	if ((rc = db_commit(fw->db, err)) != 0 ||
	    (rc = db_begin(fw->db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	if ((rc = db_query_int64(fw->db, &changed,
	         "record the file as being placed", collect_placing_sql, 3,
	         params, err)) != 0 ||
	    (changed == 0 &&
	        (rc = sepa_error_set(err, SEPA_ESTATE,
	             "its batch is no longer prepared; run collect again")) !=
	            0)) {
		db_rollback(fw->db);
		return rc;
	}
	if ((rc = db_commit(fw->db, err)) != 0)
		return rc;
	collect_crash_point("after_placing");
	return 0;
}

static int
collect_before_place(const sepa_pain008_info *info, void *arg, sepa_error *err)
{
	return collect_place(arg, info->sha256, err);
}

/* Open the pain.008 writer on `path` with the batch's header. */
static int
collect_open_writer(struct collect_file_writer *fw, const char *path,
    const char *schema_dir, sepa_error *err)
{
	sepa_pain008_opts o = SEPA_PAIN008_OPTS_INIT;
	sepa_pain008_header hdr = {0};
	PGresult *b = fw->b;
	int br = fw->br;

	o.version = strcmp(PQgetvalue(b, br, CB_VERSION), "001.02") == 0
	    ? SEPA_PAIN008_V02
	    : SEPA_PAIN008_V08;
	o.schema_dir = schema_dir;
	o.validate = 1;
	o.before_place = collect_before_place;
	o.before_place_arg = fw;
	if (getenv("SEPAD_CRASH_AT") != NULL ||
	    getenv("SEPAD_STOP_AT") != NULL) {
		o.write_hook = collect_crash_write;
		o.write_hook_arg = &fw->chunk_written;
	}
	hdr.msg_id = PQgetvalue(b, br, CB_MSG);
	hdr.creation_time = PQgetvalue(b, br, CB_CREATED);
	hdr.initiating_party = PQgetvalue(b, br, CB_NAME);
	hdr.nb_of_txs = atol(PQgetvalue(b, br, CB_NTX));
	hdr.ctrl_sum = strtoll(PQgetvalue(b, br, CB_CTRL), NULL, 10);
	fw->caddr.street = PQgetvalue(b, br, CB_STREET);
	fw->caddr.building_number = PQgetvalue(b, br, CB_BUILDING);
	fw->caddr.postcode = PQgetvalue(b, br, CB_POSTCODE);
	fw->caddr.town = PQgetvalue(b, br, CB_TOWN);
	fw->caddr.country = PQgetvalue(b, br, CB_COUNTRY);
	return sepa_pain008_open(&fw->w, path, &o, &hdr, err);
}

/* End the current payment block, if any, and begin the next one. */
static int
collect_next_block(struct collect_file_writer *fw, sepa_error *err)
{
	sepa_pain008_block blk = {0};
	PGresult *b = fw->b, *k = fw->blocks;
	int br = fw->br, bi, rc;

	if (fw->in_block && (rc = sepa_pain008_end_block(fw->w, err)) != 0)
		return rc;
	bi = ++fw->bi;
	blk.pmt_inf_id = PQgetvalue(k, bi, CK_PMT);
	blk.seq = strcmp(PQgetvalue(k, bi, CK_SEQ), "FRST") == 0
	    ? SEPA_SEQ_FRST
	    : SEPA_SEQ_RCUR;
	if ((rc = sepa_date_parse(
	         &blk.due_date, PQgetvalue(k, bi, CK_DUE), err)) != 0)
		return rc;
	blk.batch_booking = PQgetvalue(b, br, CB_BOOKING)[0] == 't' ? 1 : 0;
	blk.nb_of_txs = atol(PQgetvalue(k, bi, CK_NTX));
	blk.ctrl_sum = strtoll(PQgetvalue(k, bi, CK_SUM), NULL, 10);
	blk.creditor_name = PQgetvalue(b, br, CB_NAME);
	blk.creditor_iban = PQgetvalue(b, br, CB_IBAN);
	blk.creditor_bic = PQgetvalue(b, br, CB_BIC);
	blk.creditor_id = PQgetvalue(b, br, CB_ICS);
	blk.creditor_address = &fw->caddr;
	if ((rc = sepa_pain008_begin_block(fw->w, &blk, err)) != 0)
		return rc;
	fw->in_block = 1;
	return 0;
}

/* What collect_each_row hands db_fetch_each: the row callback and the
 * progress of the file. */
struct collect_fetch {
	int (*row)(void *arg, PGresult *res, int r, sepa_error *err);
	void *arg;
	collect_progress_fn progress;
	void *parg;
	const char *file;
	int64_t total;
};

static int
collect_fetch_row(void *arg, PGresult *res, int r, sepa_error *err)
{
	struct collect_fetch *f = arg;

	return f->row(f->arg, res, r, err);
}

static void
collect_fetch_progress(void *arg, int64_t done)
{
	struct collect_fetch *f = arg;

	f->progress(f->parg, f->file, done, f->total);
}

int
collect_each_row(struct db *db, const char *what, const char *fetch_sql,
    const char *file, int64_t total, collect_progress_fn progress, void *parg,
    int (*row)(void *arg, PGresult *res, int r, sepa_error *err), void *arg,
    sepa_error *err)
{
	struct collect_fetch f = {row, arg, progress, parg, file, total};

	return db_fetch_each(db, what, fetch_sql, collect_fetch_row,
	    progress != NULL ? collect_fetch_progress : NULL, &f, err);
}

enum sepa_amendment
collect_amendment_of(const char *column)
{
	if (strcmp(column, "same_bank") == 0)
		return SEPA_AMEND_SAME_BANK;
	if (strcmp(column, "other_bank") == 0)
		return SEPA_AMEND_OTHER_BANK;
	return SEPA_AMEND_NONE;
}

/* Write collection row r of res, in a new block when its PmtInfId is. */
static int
collect_write_row(void *arg, PGresult *res, int r, sepa_error *err)
{
	struct collect_file_writer *fw = arg;
	sepa_pain008_tx tx = {0};
	sepa_pain008_amendment am = {0};
	sepa_pain008_address daddr = {0};
	const char *amend = PQgetvalue(res, r, CR_AMEND);
	int rc;

	if ((!fw->in_block ||
	        strcmp(PQgetvalue(res, r, CR_PMT),
	            PQgetvalue(fw->blocks, fw->bi, CK_PMT)) != 0) &&
	    (rc = collect_next_block(fw, err)) != 0)
		return rc;
	tx.end_to_end_id = PQgetvalue(res, r, CR_E2E);
	tx.amount = strtoll(PQgetvalue(res, r, CR_AMOUNT), NULL, 10);
	tx.mandate_id = PQgetvalue(res, r, CR_RUM);
	if ((rc = sepa_date_parse(
	         &tx.signature_date, PQgetvalue(res, r, CR_SIGNED), err)) != 0)
		return rc;
	collect_debtor(&tx, &daddr, res, r, CR_NAME);
	tx.debtor_iban = PQgetvalue(res, r, CR_IBAN);
	tx.debtor_bic = PQgetvalue(res, r, CR_BIC);
	if (strcmp(amend, "none") != 0) {
		am.account = collect_amendment_of(amend);
		am.orig_debtor_iban = PQgetvalue(res, r, CR_ORIG_IBAN);
		tx.amendment = &am;
	}
	/* A new RUM or creditor identifier (migration 037). */
	if (PQgetvalue(res, r, CR_ORIG_RUM)[0] != '\0')
		am.orig_mandate_id = PQgetvalue(res, r, CR_ORIG_RUM);
	if (PQgetvalue(res, r, CR_ORIG_ICS)[0] != '\0')
		am.orig_creditor_id = PQgetvalue(res, r, CR_ORIG_ICS);
	if (am.orig_mandate_id != NULL || am.orig_creditor_id != NULL)
		tx.amendment = &am;
	tx.remittance = PQgetvalue(res, r, CR_REMIT);
	/* A refusal names the PmtInf and the EndToEndId. */
	return sepa_pain008_add(fw->w, &tx, err);
}

/* Write one batch's file from its rows to `path`. */
static int
collect_write_file(struct db *db, int64_t creditor_id, PGresult *b, int br,
    const char *path, const char *before, const char *schema_dir,
    collect_progress_fn progress, void *arg, sepa_pain008_info *info,
    sepa_error *err)
{
	struct collect_file_writer fw = {0};
	int rc, in_tx = 0;

	fw.db = db;
	fw.creditor_id = creditor_id;
	fw.in_tx = &in_tx;
	fw.before = before;
	fw.b = b;
	fw.br = br;
	fw.bi = -1;
	if ((rc = collect_open_rows(db, creditor_id, &fw, &in_tx, err)) != 0 ||
	    (rc = collect_open_writer(&fw, path, schema_dir, err)) != 0)
		goto cleanup;
	if ((rc = collect_each_row(db, "read the batch's collections",
	         collect_fetch_sql, PQgetvalue(b, br, CB_FILE),
	         strtoll(PQgetvalue(b, br, CB_NTX), NULL, 10), progress, arg,
	         collect_write_row, &fw, err)) != 0)
		goto cleanup;
	if (fw.in_block && (rc = sepa_pain008_end_block(fw.w, err)) != 0)
		goto cleanup;
	/* before_place ends the cursor's transaction, then records placing */
	rc = sepa_pain008_close(fw.w, info, err);
	fw.w = NULL;
cleanup:
	if (in_tx)
		db_rollback(db);
	sepa_pain008_abort(fw.w);
	if (fw.blocks != NULL)
		PQclear(fw.blocks);
	return rc;
}

/*
 * The temporary files the pain.008 writer makes beside `file`
 * (".NAME.XXXXXX", and ".NAME.sha256.XXXXXX" for the sidecar, with
 * `sidecar`), in *g; 0 when there is none.
 */
static size_t
collect_temps(const char *outbox, const char *file, int sidecar, glob_t *g)
{
	char *pat = NULL;

	xasprintf(
	    &pat, "%s/.%s%s.??????", outbox, file, sidecar ? ".sha256" : "");
	if (glob(pat, GLOB_NOSORT, NULL, g) != 0) {
		g->gl_pathc = 0;
		g->gl_pathv = NULL;
	}
	free(pat);
	return g->gl_pathc;
}

/*
 * Remove what an earlier writer left of this file: its temporary files.
 * One that cannot be removed stops the run: a temporary file still there
 * says that its file was not placed, so none may outlive its writer.
 */
static int
collect_remove_stale(const char *outbox, const char *file, sepa_error *err)
{
	int rc = 0;

	for (int side = 0; side < 2 && rc == 0; side++) {
		glob_t g;

		if (collect_temps(outbox, file, side, &g) == 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
			if (unlink(g.gl_pathv[i]) != 0 && errno != ENOENT)
				rc = sepa_error_set(err, SEPA_EIO,
				    "could not remove %s: %s", g.gl_pathv[i],
				    strerror(errno));
		globfree(&g);
	}
	return rc;
}

/* Whether the writer's temporary file of `file` is there (not the sidecar). */
static int
collect_temp_left(const char *outbox, const char *file)
{
	glob_t g;
	size_t n = collect_temps(outbox, file, 0, &g);

	if (n > 0)
		globfree(&g);
	return n > 0;
}

/*
 * Write PATH.sha256 ("<hex>  NAME", as the writer does) when it is
 * missing or says something else: the file was placed, its sidecar not.
 */
static int
collect_sidecar(
    const char *path, const char *file, const char *sha, sepa_error *err)
{
	char *side = NULL, line[128 + 256] = "", want[128 + 256];
	struct afile af;
	FILE *fp;
	int rc = 0;

	snprintf(want, sizeof(want), "%s  %s\n", sha, file);
	xasprintf(&side, "%s.sha256", path);
	if ((fp = fopen(side, "r")) != NULL) {
		if (fgets(line, sizeof(line), fp) == NULL)
			line[0] = '\0';
		fclose(fp);
	}
	if (strcmp(line, want) != 0 &&
	    (rc = afile_open(&af, side, AFILE_MODE, err)) == 0) {
		fputs(want, af.fp);
		rc = afile_commit(&af, err);
	}
	free(side);
	return rc;
}

/* Mark a batch released with its SHA-256, in one transaction. */
static int
collect_release(struct db *db, int64_t creditor_id, PGresult *b, int br,
    const char *sha, sepa_date today, sepa_error *err)
{
	char cred[24], day[SEPA_DATE_BUFSZ];
	const char *params[4];
	struct event ev = {0};
	struct i18n_msg say;
	int64_t changed;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	params[0] = cred;
	params[1] = PQgetvalue(b, br, CB_ID);
	params[2] = sha;
	params[3] = sepa_date_iso(day, today);
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		return rc;
	if ((rc = db_query_int64(db, &changed, "mark the batch released",
	         collect_release_sql, 3, params, err)) != 0)
		goto cleanup;
	if (changed == 0) {
		rc = db_commit(db, err);
		goto cleanup;
	}
	if ((rc = db_exec(db, "mark the collections sent", collect_sent_sql, 4,
	         params, err)) != 0)
		goto cleanup;
	i18n_msg(&say, N_("%s released (%s transactions, sha256 %s)"), "ttt",
	    PQgetvalue(b, br, CB_FILE), PQgetvalue(b, br, CB_NTX), sha);
	ev.kind = "batch.released";
	ev.say = &say;
	ev.business_date = today;
	ev.batch_id = strtoll(PQgetvalue(b, br, CB_ID), NULL, 10);
	ev.has_count = true;
	ev.count = strtoll(PQgetvalue(b, br, CB_NTX), NULL, 10);
	ev.has_amount = true;
	ev.amount_cents = strtoll(PQgetvalue(b, br, CB_CTRL), NULL, 10);
	if ((rc = store_event_add(db, creditor_id, &ev, err)) != 0)
		goto cleanup;
	rc = db_commit(db, err);
cleanup:
	if (rc != 0)
		db_rollback(db);
	return rc;
}

/*
 * Write a prepared batch's file into the outbox (at `path`) and release
 * it. A file already under the final name (placed by a version of sepad
 * before migration 031, whose batch stayed prepared) must come out
 * identical (*outcome COLLECT_FILE_VERIFIED), else it is left as it is
 * and the batch not placed (SEPA_ESTATE).
 */
static int
collect_write_batch(struct db *db, int64_t creditor_id, PGresult *b, int br,
    const char *outbox, const char *path, const char *schema_dir,
    sepa_date today, collect_progress_fn progress, void *arg,
    sepa_pain008_info *info, enum collect_outcome *outcome, sepa_error *err)
{
	const char *file = PQgetvalue(b, br, CB_FILE);
	char before[65] = "";
	struct stat st;
	int rc;

	if ((rc = collect_remove_stale(outbox, file, err)) != 0)
		return rc;
	/* A file under the final name: a crash before the release. */
	if (stat(path, &st) == 0 &&
	    (rc = collect_file_sha256(path, before, err)) != 0)
		return rc;
	if (strcmp(PQgetvalue(b, br, CB_CHANNEL), "pes") == 0) {
		memset(info, 0, sizeof(*info));
		rc = collect_pes_write_file(db, creditor_id, b, br, path,
		    before, schema_dir, progress, arg, info->sha256, err);
	} else {
		rc = collect_write_file(db, creditor_id, b, br, path, before,
		    schema_dir, progress, arg, info, err);
	}
	if (rc != 0) {
		/* The writer's own errors name the file already. */
		if (err->where[0] == '\0')
			sepa_error_prefix(err, "%s", file);
		return rc;
	}
	/* Placed: recorded as being placed, then renamed into the outbox. */
	collect_crash_point("after_rename");
	if ((rc = collect_release(
	         db, creditor_id, b, br, info->sha256, today, err)) != 0) {
		sepa_error_prefix(err,
		    "%s: placed in the outbox, its release not recorded (the "
		    "next collect records it)",
		    file);
		return rc;
	}
	collect_crash_point("after_release");
	*outcome =
	    before[0] != '\0' ? COLLECT_FILE_VERIFIED : COLLECT_FILE_WRITTEN;
	return 0;
}

/*
 * A batch recorded as being placed (migration 031): its file was renamed
 * into the outbox, or was about to be. The outbox says which:
 * - the file is there, with the SHA-256 recorded: placed; its sidecar
 *   written if it was not, and the batch released (COLLECT_FILE_VERIFIED);
 * - its temporary file is there: the rename never happened; the batch is
 *   prepared again and *again set, to be written as any prepared one;
 * - neither: placed, then taken from the outbox (by the treasury) before
 *   the release was recorded; released, never written again
 *   (COLLECT_FILE_TAKEN);
 * - another file under its name: SEPA_ESTATE, not released.
 */
static int
collect_finish_placing(struct db *db, int64_t creditor_id, PGresult *b, int br,
    const char *outbox, const char *path, sepa_date today,
    enum collect_outcome *outcome, int *again, sepa_error *err)
{
	const char *file = PQgetvalue(b, br, CB_FILE);
	const char *sha = PQgetvalue(b, br, CB_SHA);
	char found[65] = "", cred[24];
	const char *params[3] = {cred, PQgetvalue(b, br, CB_ID), sha};
	struct stat st;
	int64_t changed;
	int rc;

	*again = 0;
	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	if (stat(path, &st) == 0) {
		if ((rc = collect_file_sha256(path, found, err)) != 0)
			return rc;
		if (strcmp(found, sha) != 0)
			return sepa_error_set(err, SEPA_ESTATE,
			    "%s: the file found in the outbox (sha256 %s) is "
			    "not the one its batch was placing (sha256 %s); "
			    "not released",
			    path, found, sha);
		if ((rc = collect_sidecar(path, file, sha, err)) != 0)
			return rc;
		*outcome = COLLECT_FILE_VERIFIED;
	} else if (collect_temp_left(outbox, file)) {
		if ((rc = db_query_int64(db, &changed,
		         "record the file as not placed", collect_unplace_sql,
		         3, params, err)) != 0)
			return rc;
		*again = 1;
		return 0;
	} else {
		*outcome = COLLECT_FILE_TAKEN;
	}
	if ((rc = collect_remove_stale(outbox, file, err)) != 0)
		return rc;
	if ((rc = collect_release(db, creditor_id, b, br, sha, today, err)) !=
	    0) {
		sepa_error_prefix(
		    err, "%s: placed in the outbox earlier", file);
		return rc;
	}
	collect_crash_point("after_release");
	return 0;
}

/* Take (lock 1) or give back (lock 0) the month's writer lock. */
static int
collect_writer_lock(struct db *db, int64_t creditor_id, sepa_month month,
    int lock, sepa_error *err)
{
	char cred[24], ym[16];
	const char *params[2] = {cred, ym};
	int64_t one;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	snprintf(ym, sizeof(ym), "%d", month.year * 100 + month.month);
	return lock ? db_query_int64(db, &one, "wait for the month's writer",
	                  collect_lock_sql, 2, params, err)
	            : db_query_int64(db, &one, "release the month's writer",
	                  collect_unlock_sql, 2, params, err);
}

int
store_collect_month_lock(struct db *db, int64_t creditor_id, sepa_month month,
    int lock, sepa_error *err)
{
	return collect_writer_lock(db, creditor_id, month, lock, err);
}

/* Write, place and release the month's batches of `purpose`. */
static int
collect_write_month(struct db *db, int64_t creditor_id, sepa_month month,
    const char *purpose, sepa_date today, const char *outbox,
    const char *schema_dir, collect_file_fn on_file,
    collect_progress_fn progress, void *arg, struct collect_summary *sum,
    sepa_error *err)
{
	char cred[24], mon[SEPA_DATE_BUFSZ];
	sepa_date first = {month.year, month.month, 1};
	const char *params[3] = {cred, sepa_date_iso(mon, first), purpose};
	sepa_error ignored = SEPA_ERROR_INIT;
	PGresult *b = NULL;
	char *path = NULL;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	/* A second run waits here, then finds the batches released. */
	if ((rc = collect_writer_lock(db, creditor_id, month, 1, err)) != 0)
		return rc;
	if ((rc = db_query(db, &b, "read the month's batches",
	         collect_batches_sql, 3, params, err)) != 0)
		goto cleanup;
	for (int br = 0; br < PQntuples(b); br++) {
		const char *state = PQgetvalue(b, br, CB_STATE);
		struct collect_file cf = {0};
		sepa_pain008_info info;

		if (strcmp(state, "rejected") == 0 ||
		    strcmp(state, "cancelled") == 0)
			continue; /* refused whole by the bank, or cancelled
			             before its release (036): history */
		free(path);
		path = NULL;
		xasprintf(&path, "%s/%s", outbox, PQgetvalue(b, br, CB_FILE));
		cf.file_name = PQgetvalue(b, br, CB_FILE);
		cf.path = path;
		cf.nb_of_txs = strtoll(PQgetvalue(b, br, CB_NTX), NULL, 10);
		cf.ctrl_sum = strtoll(PQgetvalue(b, br, CB_CTRL), NULL, 10);
		cf.sha256 = PQgetvalue(b, br, CB_SHA);
		cf.pes = strcmp(PQgetvalue(b, br, CB_CHANNEL), "pes") == 0;
		if (strcmp(state, "placing") == 0) {
			int again;

			if ((rc = collect_finish_placing(db, creditor_id, b, br,
			         outbox, path, today, &cf.outcome, &again,
			         err)) != 0)
				goto cleanup;
			if (!again) {
				if (cf.outcome == COLLECT_FILE_TAKEN)
					sum->taken++;
				else
					sum->written++;
				if (on_file != NULL)
					on_file(arg, &cf);
				continue;
			}
			state = "prepared"; /* not placed: written again */
		}
		if (strcmp(state, "prepared") != 0) {
			cf.outcome = COLLECT_FILE_ALREADY;
			sum->already_released++;
		} else {
			if ((rc = collect_write_batch(db, creditor_id, b, br,
			         outbox, path, schema_dir, today, progress, arg,
			         &info, &cf.outcome, err)) != 0)
				goto cleanup;
			cf.sha256 = info.sha256;
			sum->written++;
		}
		if (on_file != NULL)
			on_file(arg, &cf);
	}
cleanup:
	collect_writer_lock(db, creditor_id, month, 0, &ignored);
	free(path);
	if (b != NULL)
		PQclear(b);
	return rc;
}

int
store_collect_write(struct db *db, int64_t creditor_id, sepa_month month,
    sepa_date today, const char *outbox, const char *schema_dir,
    collect_file_fn on_file, collect_progress_fn progress, void *arg,
    struct collect_summary *sum, sepa_error *err)
{
	return collect_write_month(db, creditor_id, month, "collect", today,
	    outbox, schema_dir, on_file, progress, arg, sum, err);
}

int
store_collect_write_recovery(struct db *db, int64_t creditor_id,
    sepa_date today, const char *outbox, const char *schema_dir,
    collect_file_fn on_file, void *arg, struct collect_summary *sum,
    sepa_error *err)
{
	char cred[24];
	const char *params[1] = {cred};
	PGresult *m = NULL;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	if ((rc = db_query(db, &m, "find the recovery flows to write",
	         collect_recovery_months_sql, 1, params, err)) != 0)
		return rc;
	for (int r = 0; r < PQntuples(m) && rc == 0; r++) {
		sepa_month month;

		if ((rc = sepa_month_parse(&month, PQgetvalue(m, r, 0), err)) ==
		    0)
			rc = collect_write_month(db, creditor_id, month,
			    "recovery", today, outbox, schema_dir, on_file,
			    NULL, arg, sum, err);
	}
	PQclear(m);
	return rc;
}
