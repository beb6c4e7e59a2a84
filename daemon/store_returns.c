/*
 * store_returns.c - reconciliation of bank returns: one bank file in one
 * transaction. The records the lib reader delivers are COPYed into a
 * temporary staging table as they are read (memory flat in the file's
 * size); once the whole file has been read, set-based SQL stores them,
 * matches them to collections, quarantines what cannot be applied,
 * applies the rest (collections, invoices, batches) and runs the contract
 * rules (two counted rejects in a school year terminate the mandate, a
 * dead-account code suspends it). A refused file is rolled back whole.
 * The rules are documented in schemas/sql/007_returns.sql.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sepa/bankfile.h"
#include "sepa/date.h"
#include "sepa/digest.h"
#include "sepa/error.h"
#include "sepa/io.h"
#include "sepa/rules.h"
#include "config.h"
#include "db_internal.h"
#include "i18n.h"
#include "log.h"
#include "store_event.h"
#include "store_import.h"
#include "store_returns.h"

/* Input of the reader: the file, hashed as it is read. */
struct returns_input {
	int fd;
	EVP_MD_CTX *md;
	size_t size;
};

/* Callback state: the COPY in progress. */
struct returns_copy {
	struct db *db;
	sepa_error *err;
	char *buf;
	size_t len, cap;
	int64_t records;
};

/* db_exec and db_query_int64, timed for `-v` (log_debug). */
static int
returns_exec(struct db *db, const char *what, const char *sql, int n,
    const char *const *p, sepa_error *err)
{
	double t0 = log_clock();
	int rc = db_exec(db, what, sql, n, p, err);

	log_debug("returns: %s: %.3f s", what, log_clock() - t0);
	return rc;
}

static int
returns_int64(struct db *db, int64_t *out, const char *what, const char *sql,
    int n, const char *const *p, sepa_error *err)
{
	double t0 = log_clock();
	int rc = db_query_int64(db, out, what, sql, n, p, err);

	log_debug("returns: %s: %.3f s", what, log_clock() - t0);
	return rc;
}

static long
returns_read(void *arg, char *buf, size_t len)
{
	struct returns_input *in = arg;
	ssize_t n = sepa_read(in->fd, buf, len);

	if (n > 0) {
		if (EVP_DigestUpdate(in->md, buf, (size_t)n) != 1) {
			errno = EIO;
			return -1;
		}
		in->size += (size_t)n;
	}
	return (long)n;
}

static void
returns_put(struct returns_copy *c, const char *s, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		while (c->len + n + 1 > c->cap)
			c->cap = c->cap == 0 ? 4096 : c->cap * 2;
		c->buf = xreallocarray(c->buf, c->cap, 1);
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
}

/* One text field of COPY's text format, then a tab or a newline. */
static void
returns_field(struct returns_copy *c, const char *s, int last)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '\\':
			returns_put(c, "\\\\", 2);
			break;
		case '\t':
			returns_put(c, "\\t", 2);
			break;
		case '\n':
			returns_put(c, "\\n", 2);
			break;
		case '\r':
			returns_put(c, "\\r", 2);
			break;
		default:
			returns_put(c, s, 1);
		}
	}
	if (s == NULL)
		returns_put(c, "\\N", 2);
	returns_put(c, last ? "\n" : "\t", 1);
}

static int
returns_record(const sepa_bankfile_record *rec, void *arg)
{
	struct returns_copy *c = arg;
	char num[3][24], amt[24], bday[SEPA_DATE_BUFSZ], oday[SEPA_DATE_BUFSZ];

	snprintf(num[0], sizeof(num[0]), "%zu", rec->index);
	snprintf(num[1], sizeof(num[1]), "%ld", rec->line);
	snprintf(num[2], sizeof(num[2]), "%zu", rec->details);
	snprintf(amt, sizeof(amt), "%" PRId64, rec->amount);
	c->len = 0;
	returns_field(c, num[0], 0);
	returns_field(c, num[1], 0);
	returns_field(c, sepa_bankfile_kind_name(rec->kind), 0);
	returns_field(c, sepa_bankfile_level_name(rec->level), 0);
	returns_field(c, num[2], 0);
	returns_field(c, rec->status, 0);
	returns_field(c, rec->orig_msg_id, 0);
	returns_field(c, rec->pmt_inf_id, 0);
	returns_field(c, rec->end_to_end_id, 0);
	returns_field(c, rec->mandate_id, 0);
	returns_field(c, rec->has_amount ? amt : NULL, 0);
	returns_field(c, rec->reason, 0);
	returns_field(c, rec->reason_proprietary ? "t" : "f", 0);
	returns_field(c, rec->reason_info, 0);
	returns_field(c,
	    rec->booking_date.year != 0 ? sepa_date_iso(bday, rec->booking_date)
	                                : NULL,
	    0);
	returns_field(c,
	    rec->orig_date.year != 0 ? sepa_date_iso(oday, rec->orig_date)
	                             : NULL,
	    0);
	returns_field(c,
	    rec->cdi == SEPA_BANKFILE_CDI_DEBIT        ? "DBIT"
	        : rec->cdi == SEPA_BANKFILE_CDI_CREDIT ? "CRDT"
	                                               : NULL,
	    1);
	c->records++;
	return db_copy_put(c->db, c->buf, c->len, c->err);
}

/* A Postgres array literal of reason codes (letters and digits only). */
static char *
returns_codes(const struct config_strlist *l)
{
	size_t cap = 3, len = 0;
	char *s;

	for (size_t i = 0; l != NULL && i < l->count; i++)
		cap += strlen(l->items[i]) + 3;
	s = xmalloc(cap);
	s[len++] = '{';
	for (size_t i = 0; l != NULL && i < l->count; i++) {
		const char *p = l->items[i];

		if (i > 0)
			s[len++] = ',';
		s[len++] = '"';
		for (; *p != '\0'; p++)
			if ((*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9'))
				s[len++] = *p;
		s[len++] = '"';
	}
	s[len++] = '}';
	s[len] = '\0';
	return s;
}

/* A record that changes something: final in the bank's terms. */
#define RETURNS_FINAL \
	"(r.kind = 'reject' OR (r.kind = 'confirmation' AND r.status IN " \
	"('ACSC', 'BOOK')) OR (r.kind IN ('return', 'refund') AND r.status " \
	"= 'BOOK') OR r.kind = 'reversal')"

/*
 * Why a record is quarantined: its msgid and arguments (migration 051),
 * as a text[] {msgid, "T:arg"...} in ret_match.problem. The msgids are
 * the parameters from $3 on, in the order of these tables.
 */
static const char *const returns_tx_problems[] = {
    N_("a reversal (RvslInd) undoes an earlier booking: check it by hand"),
    N_("the record has no EndToEndId"),
    N_("no collection has the EndToEndId %s"),
    N_("original MsgId %s is not %s, the MsgId of the file of EndToEndId %s"),
    N_("PmtInfId %s is not %s, the payment block of EndToEndId %s"),
    N_("mandate %s is not %s, the mandate of EndToEndId %s"),
    N_("amount %s is not %s, the amount of EndToEndId %s"),
    N_("the batch of EndToEndId %s has not been released"),
};

_Static_assert(sizeof(returns_tx_problems) / sizeof(char *) == 8,
    "returns_match_tx takes eight reasons, $3 to $10");

/* $1 creditor, $2 file type name, $3.. returns_tx_problems; from the
 * staging table. */
static const char returns_match_tx[] =
    "INSERT INTO ret_match SELECT r.id, r.idx, r.kind, r.level, r.reason_code,"
    " r.reason_proprietary, r.end_to_end_id, c.id, c.state, c.due_on,"
    " CASE"
    " WHEN r.kind = 'reversal' THEN ARRAY[$3::text]"
    " WHEN r.end_to_end_id = '' THEN ARRAY[$4::text]"
    " WHEN c.id IS NULL THEN ARRAY[$5::text,"
    " 't:' || quote_literal(r.end_to_end_id)]"
    " WHEN $2 = 'pain.002' AND r.orig_msg_id <> '' AND r.orig_msg_id <>"
    " b.msg_id THEN ARRAY[$6::text, 't:' || quote_literal(r.orig_msg_id),"
    " 't:' || quote_literal(b.msg_id),"
    " 't:' || quote_literal(r.end_to_end_id)]"
    " WHEN r.pmt_inf_id <> '' AND r.pmt_inf_id <> c.pmt_inf_id THEN"
    " ARRAY[$7::text, 't:' || quote_literal(r.pmt_inf_id),"
    " 't:' || quote_literal(c.pmt_inf_id),"
    " 't:' || quote_literal(r.end_to_end_id)]"
    " WHEN r.mandate_ref <> '' AND upper(r.mandate_ref) <> upper(c.rum) THEN"
    " ARRAY[$8::text, 't:' || quote_literal(r.mandate_ref),"
    " 't:' || quote_literal(c.rum), 't:' || quote_literal(r.end_to_end_id)]"
    " WHEN r.amount_cents IS NOT NULL AND r.amount_cents <> c.amount_cents"
    " THEN ARRAY[$9::text, 'm:' || r.amount_cents, 'm:' || c.amount_cents,"
    " 't:' || quote_literal(r.end_to_end_id)]"
    " WHEN b.state IN ('prepared', 'placing', 'cancelled') THEN"
    " ARRAY[$10::text, 't:' || quote_literal(r.end_to_end_id)]"
    " END"
    " FROM ret_stage r"
    " LEFT JOIN collections c ON c.creditor_id = $1"
    " AND c.end_to_end_id = r.end_to_end_id"
    " LEFT JOIN batches b ON b.creditor_id = $1 AND b.id = c.batch_id"
    " WHERE r.level = 'transaction' AND " RETURNS_FINAL;

/*
 * A debit booking of one of our payment blocks that the reader could not
 * name (its bank transaction code left out or unknown): without details
 * it can only be returns of that block.
 */
#define RETURNS_UNNAMED_DEBIT \
	"(r.kind = 'info' AND r.level = 'block' AND r.cdi = 'DBIT' AND " \
	"r.status = 'BOOK')"

static const char *const returns_block_problems[] = {
    N_("a reversal (RvslInd) undoes an earlier booking: check it by hand"),
    N_("a debit booking of payment block %s without the details of each "
       "transaction, and no bank transaction code that says what it is "
       "(returns?): check it by hand"),
    N_("no batch has the MsgId %s"),
    N_("no payment block %s was sent"),
    N_("a batch booking of returns without the details of each "
       "transaction: check it by hand"),
    N_("amount %s is not %s, the sum of the collections of the file %s"),
    N_("amount %s is not %s, the sum of the collections of the payment "
       "block %s"),
    N_("the batch has not been released"),
};

_Static_assert(sizeof(returns_block_problems) / sizeof(char *) == 8,
    "returns_match_block takes eight reasons, $3 to $10");

/* $1 creditor, $2 file type name, $3.. returns_block_problems; from the
 * staging table. */
static const char returns_match_block[] =
    "INSERT INTO ret_match SELECT r.id, r.idx, r.kind, r.level, r.reason_code,"
    " r.reason_proprietary, r.end_to_end_id, x.cid, x.state, x.due_on,"
    " CASE"
    " WHEN r.kind = 'reversal' THEN ARRAY[$3::text]"
    " WHEN r.kind = 'info' THEN ARRAY[$4::text,"
    " 't:' || quote_literal(r.pmt_inf_id)]"
    " WHEN x.cid IS NULL AND (r.level = 'group' OR r.pmt_inf_id = '') THEN"
    " ARRAY[$5::text, 't:' || quote_literal(r.orig_msg_id)]"
    " WHEN x.cid IS NULL THEN ARRAY[$6::text,"
    " 't:' || quote_literal(r.pmt_inf_id)]"
    " WHEN r.kind IN ('return', 'refund') THEN ARRAY[$7::text]"
    " WHEN r.amount_cents IS NOT NULL AND r.amount_cents <>"
    " sum(x.amount_cents) OVER (PARTITION BY r.id)"
    /* a credit of the block or file less the debits rejected before */
    " AND NOT (r.kind = 'confirmation' AND r.amount_cents ="
    " coalesce(sum(x.amount_cents) FILTER (WHERE x.state NOT IN"
    " ('rejected', 'cancelled')) OVER (PARTITION BY r.id), 0))"
    " THEN ARRAY[CASE r.level WHEN 'group' THEN $8::text ELSE $9::text END,"
    " 'm:' || r.amount_cents,"
    " 'm:' || sum(x.amount_cents) OVER (PARTITION BY r.id),"
    " 't:' || quote_literal(CASE r.level WHEN 'group' THEN r.orig_msg_id"
    " ELSE r.pmt_inf_id END)]"
    " WHEN bool_or(x.bstate IN ('prepared', 'placing', 'cancelled'))"
    " OVER (PARTITION BY r.id) THEN ARRAY[$10::text]"
    " END"
    " FROM ret_stage r"
    " LEFT JOIN LATERAL (SELECT c.id AS cid, c.state, c.due_on,"
    " c.amount_cents, b.state AS bstate"
    " FROM collections c JOIN batches b ON b.creditor_id = $1"
    " AND b.id = c.batch_id"
    " WHERE c.creditor_id = $1 AND ((r.level = 'group'"
    " AND b.msg_id = r.orig_msg_id) OR (r.level = 'block'"
    " AND c.pmt_inf_id = r.pmt_inf_id AND ($2 <> 'pain.002'"
    " OR r.orig_msg_id = '' OR b.msg_id = r.orig_msg_id))"
    /* a camt booking of a whole file: its batch names the MsgId only */
    " OR (r.level = 'block' AND r.pmt_inf_id = '' AND r.orig_msg_id <> ''"
    " AND $2 <> 'pain.002' AND b.msg_id = r.orig_msg_id))) x ON true"
    " WHERE r.level <> 'transaction' AND (" RETURNS_FINAL
    " OR (" RETURNS_UNNAMED_DEBIT " AND x.cid IS NOT NULL))";

/*
 * $1 creditor, $2 file type name. A credit booking of one of our files or
 * payment blocks (its batch names our MsgId or a PmtInfId of ours) is the
 * bank's confirmation of those debits, even when the entry gives no bank
 * transaction code the reader could name: with or without the details of
 * each transaction (migration 032).
 */
static const char returns_promote_credits[] =
    "UPDATE ret_stage r SET kind = 'confirmation'"
    " WHERE $2 <> 'pain.002' AND r.kind = 'info' AND r.cdi = 'CRDT'"
    " AND r.status = 'BOOK' AND r.level IN ('block', 'transaction')"
    " AND EXISTS (SELECT 1 FROM batches b WHERE b.creditor_id = $1"
    " AND b.state <> 'prepared'"
    " AND ((r.orig_msg_id <> '' AND b.msg_id = r.orig_msg_id)"
    " OR (r.pmt_inf_id <> '' AND left(r.pmt_inf_id, length(b.msg_id) + 2)"
    " = b.msg_id || '-B')))";

/* One quarantine row per record with a problem (no parameter). */
static const char returns_quarantine[] =
    "INSERT INTO ret_q SELECT DISTINCT ON (record_id) record_id,"
    " CASE level WHEN 'transaction' THEN collection_id END, problem"
    " FROM ret_match WHERE problem IS NOT NULL ORDER BY record_id";

/* $1 creditor, $2 creditor-side codes: the effects of this file, one per
 * collection and family, not recorded before. */
static const char returns_effects[] =
    "INSERT INTO ret_eff SELECT DISTINCT ON (m.collection_id, m.family)"
    " m.record_id, m.collection_id, m.family,"
    " CASE WHEN m.kind = 'confirmation' THEN 'settled'"
    " WHEN m.level <> 'transaction' THEN 'cancelled'"
    " WHEN m.kind = 'reject' THEN 'rejected'"
    " WHEN m.kind = 'return' THEN 'returned' ELSE 'refunded' END,"
    " m.reason_code,"
    " m.kind <> 'confirmation' AND m.level = 'transaction'"
    " AND (m.reason_proprietary OR NOT m.reason_code = ANY($2::text[])),"
    /* sepa_rule_reject_school_year: the school year of the due date */
    " sepad_school_year(m.due_on)"
    " FROM (SELECT *, CASE kind WHEN 'confirmation' THEN 'settled'"
    " ELSE 'unpaid' END AS family FROM ret_match) m"
    " WHERE NOT EXISTS (SELECT 1 FROM ret_match q"
    " WHERE q.record_id = m.record_id AND q.problem IS NOT NULL)"
    " AND m.kind <> 'reversal'"
    " AND ((m.kind = 'confirmation' AND (m.cstate = 'sent'"
    /* a presumed settlement (migration 032) is confirmed by the bank */
    " OR (m.cstate = 'settled' AND EXISTS (SELECT 1 FROM"
    " presumed_settlements p WHERE p.creditor_id = $1"
    " AND p.collection_id = m.collection_id))))"
    " OR (m.kind <> 'confirmation' AND m.cstate IN ('sent', 'settled')))"
    " AND NOT EXISTS (SELECT 1 FROM return_effects e"
    " WHERE e.creditor_id = $1 AND e.collection_id = m.collection_id"
    " AND e.family = m.family)"
    " ORDER BY m.collection_id, m.family, m.level = 'transaction' DESC,"
    " m.idx";

/* $1 creditor, $2 the msgid of the reason: a transaction record that
 * found its collection in a state it cannot apply to, and no record
 * (earlier or in this file) that did the same. */
static const char returns_quarantine_state[] =
    "INSERT INTO ret_q SELECT m.record_id, m.collection_id,"
    " ARRAY[$2::text, 't:' || quote_literal(m.end_to_end_id),"
    " 's:collection' || chr(4) || m.cstate, 't:' || m.kind]"
    " FROM ret_match m WHERE m.level = 'transaction'"
    " AND m.problem IS NULL AND m.kind <> 'reversal'"
    " AND NOT (m.kind = 'confirmation' AND m.cstate = 'settled')"
    " AND NOT EXISTS (SELECT 1 FROM ret_eff e"
    " WHERE e.collection_id = m.collection_id"
    " AND e.family = CASE m.kind WHEN 'confirmation' THEN 'settled'"
    " ELSE 'unpaid' END)"
    " AND NOT EXISTS (SELECT 1 FROM return_effects e"
    " WHERE e.creditor_id = $1 AND e.collection_id = m.collection_id"
    " AND e.family = CASE m.kind WHEN 'confirmation' THEN 'settled'"
    " ELSE 'unpaid' END)";

/* $1 creditor, $2 file: the records, each written once with its
 * outcome. */
static const char returns_store[] =
    "INSERT INTO return_records (id, creditor_id, file_id, line, idx, kind,"
    " level, details, status, orig_msg_id, pmt_inf_id, end_to_end_id,"
    " mandate_ref, amount_cents, reason_code, reason_proprietary,"
    " reason_info, booking_date, orig_date, outcome)"
    " OVERRIDING SYSTEM VALUE SELECT s.id, $1, $2, s.line, s.idx, s.kind,"
    " s.level, s.details, s.status, s.orig_msg_id, s.pmt_inf_id,"
    " s.end_to_end_id, s.mandate_ref, s.amount_cents, s.reason_code,"
    " s.reason_proprietary, s.reason_info, s.booking_date, s.orig_date,"
    " CASE o.rank WHEN 1 THEN 'quarantined' WHEN 2 THEN 'applied'"
    " WHEN 3 THEN 'duplicate' ELSE 'stored' END"
    " FROM ret_stage s"
    /* one pass over the three tables: the first outcome that applies */
    " LEFT JOIN (SELECT record_id, min(rank) AS rank FROM"
    " (SELECT record_id, 1 AS rank FROM ret_q UNION ALL"
    " SELECT record_id, 2 FROM ret_eff UNION ALL"
    " SELECT record_id, 3 FROM ret_match) x GROUP BY record_id) o"
    " ON o.record_id = s.id ORDER BY s.idx";

/* $1 creditor, $2 today. */
static const char returns_store_effects[] =
    "INSERT INTO return_effects (creditor_id, record_id, collection_id,"
    " family, new_state, reason_code, counted, school_year, applied_on)"
    " SELECT $1, record_id, collection_id, family, new_state, reason_code,"
    " counted, school_year, $2 FROM ret_eff";

/* $1 creditor: the English reason made of its msgid and arguments. */
static const char returns_store_quarantine[] =
    "INSERT INTO return_quarantine (creditor_id, record_id, collection_id,"
    " reason, reason_msgid, reason_args) SELECT DISTINCT ON (record_id) $1,"
    " record_id, collection_id, sepad_message(problem[1], problem[2:]),"
    " problem[1], problem[2:] FROM ret_q ORDER BY record_id";

/* The effect that wins per collection in this file: an unpaid one over
 * a settlement (filled once the effects are known). */
static const char returns_winners[] =
    "CREATE TEMP TABLE ret_win ON COMMIT DROP AS"
    " SELECT DISTINCT ON (e.collection_id) e.*, s.line FROM ret_eff e"
    " JOIN ret_stage s ON s.id = e.record_id"
    " ORDER BY e.collection_id, e.family = 'unpaid' DESC";
#define RETURNS_WINNERS "ret_win"

/* $1 creditor, $2 today. */
static const char returns_apply_collections[] =
    "UPDATE collections c SET state = w.new_state, state_since = $2,"
    " reason_code = CASE WHEN w.family = 'unpaid' THEN"
    " NULLIF(w.reason_code, '') ELSE c.reason_code END"
    " FROM " RETURNS_WINNERS " w"
    " WHERE c.creditor_id = $1 AND c.id = w.collection_id";

/* $1 creditor, $2 today, $3 file name. */
static const char returns_apply_invoices[] =
    "UPDATE invoices i SET state = CASE w.new_state WHEN 'settled' THEN"
    " 'paid' WHEN 'cancelled' THEN 'issued' ELSE 'unpaid' END,"
    " state_since = $2,"
    " unpaid_reason = CASE WHEN w.new_state IN ('settled', 'cancelled')"
    " THEN i.unpaid_reason ELSE format('%s %s (%s line %s)', w.new_state,"
    " NULLIF(w.reason_code, ''), $3::text, w.line) END"
    " FROM " RETURNS_WINNERS " w"
    " JOIN collections c ON c.creditor_id = $1 AND c.id = w.collection_id"
    " WHERE i.creditor_id = $1 AND i.id = c.invoice_id"
    " AND i.state NOT IN ('recovery', 'cancelled')"
    " AND CASE w.new_state WHEN 'settled' THEN i.state IN ('issued',"
    " 'collecting') WHEN 'cancelled' THEN i.state IN ('issued',"
    " 'collecting') ELSE true END";

/*
 * The invoices reminded on an invoice whose collection this file settled
 * were paid with it (the debit took the reminder lines too); reminded on
 * one whose collection is now rejected, returned or refunded, they are
 * owed again (a refund after settlement). Migration 015. $1 creditor,
 * $2 today.
 */
static const char returns_apply_reminded[] =
    "UPDATE invoices r SET state = CASE WHEN w.new_state = 'settled'"
    " THEN 'paid' ELSE 'reminded' END, state_since = $2"
    " FROM " RETURNS_WINNERS " w"
    " JOIN collections c ON c.creditor_id = $1 AND c.id = w.collection_id"
    " JOIN invoice_lines l ON l.creditor_id = $1"
    " AND l.invoice_id = c.invoice_id AND l.kind = 'reminder'"
    " WHERE r.creditor_id = $1 AND r.id = l.reminded_invoice_id"
    " AND ((w.new_state = 'settled' AND r.state = 'reminded')"
    " OR (w.new_state IN ('rejected', 'returned', 'refunded')"
    " AND r.state = 'paid' AND NOT EXISTS (SELECT 1 FROM payments y"
    " WHERE y.creditor_id = $1 AND y.invoice_id = r.id)))";

/* $1 creditor, $2 file, $3 today, $4 and $5 the message with and without
 * a reason code (returns_event_msgids): an event per collection cancelled
 * (needs attention); the other changes are in return_effects. */
static const char returns_events[] =
    "INSERT INTO events (creditor_id, business_date, kind, month, family_id,"
    " mandate_id, invoice_id, batch_id, collection_id, file_id, amount_cents,"
    " needs_attention, message, msgid, msg_args)"
    " SELECT $1, $3, 'collection.' || w.new_state,"
    " date_trunc('month', c.due_on)::date, m.family_id, c.mandate_id,"
    " c.invoice_id, c.batch_id, c.id, $2, c.amount_cents,"
    " w.new_state = 'cancelled', sepad_message(x.msgid, x.args), x.msgid,"
    " x.args FROM " RETURNS_WINNERS " w"
    " JOIN collections c ON c.creditor_id = $1 AND c.id = w.collection_id"
    " JOIN mandates m ON m.creditor_id = $1 AND m.id = c.mandate_id"
    " CROSS JOIN LATERAL (SELECT CASE WHEN w.reason_code <> '' THEN $4"
    " ELSE $5 END AS msgid, ARRAY['t:' || c.end_to_end_id,"
    " 't:' || w.reason_code] AS args) x"
    " WHERE w.new_state = 'cancelled'";
static const char *const returns_event_msgids[] = {
    N_("collection %s cancelled (%s): the bank refused the whole file or "
       "payment block; the invoice will be collected again"),
    N_("collection %s cancelled: the bank refused the whole file or "
       "payment block; the invoice will be collected again")};

/* $1 creditor, $2 file, $3 today, $4 file name, $5 the event's message
 * (returns_batch_msgid): a whole file refused. */
static const char returns_batches[] =
    "WITH b AS (UPDATE batches b SET state = 'rejected',"
    " state_reason = format('rejected by the bank: %s (%s line %s)',"
    " NULLIF(r.reason_code, ''), $4::text, r.line)"
    " FROM return_records r WHERE r.creditor_id = $1 AND r.file_id = $2"
    " AND r.level = 'group' AND r.kind = 'reject' AND r.outcome = 'applied'"
    " AND b.creditor_id = $1 AND b.msg_id = r.orig_msg_id"
    " AND b.state = 'released' RETURNING b.id, b.msg_id, r.reason_code,"
    " r.line)"
    " INSERT INTO events (creditor_id, business_date, kind, batch_id,"
    " file_id, needs_attention, message, msgid, msg_args)"
    " SELECT $1, $3, 'batch.rejected', b.id, $2, true,"
    " sepad_message($5, x.args), $5, x.args FROM b"
    " CROSS JOIN LATERAL (SELECT ARRAY['t:' || b.msg_id,"
    " 't:' || b.reason_code, 't:' || $4::text, 't:' || b.line] AS args) x";
static const char returns_batch_msgid[] =
    N_("batch %s rejected by the bank: %s (%s line %s); its invoices will "
       "be collected again");

/* $1 creditor, $2 file (for the events), $3 today, $4 max counted per
 * school year, $5 the rule named by it (sepa_rule_rejects_name), $6 the
 * event's msgid, $7 the reason's: the rule (sepad_rejects_terminate,
 * migration 016) for the families of the effects of ret_eff. */
static const char returns_terminate[] =
    "WITH hit AS MATERIALIZED (SELECT m.family_id, c.mandate_id,"
    " e.school_year FROM ret_eff e"
    " JOIN collections c ON c.creditor_id = $1 AND c.id = e.collection_id"
    " JOIN mandates m ON m.creditor_id = $1 AND m.id = c.mandate_id"
    " WHERE e.counted),"
    /* every counted effect of the families hit, in their school years */
    " tally AS (SELECT m.family_id, e.school_year, count(*) AS n"
    " FROM return_effects e"
    " JOIN collections c ON c.creditor_id = $1 AND c.id = e.collection_id"
    " JOIN mandates m ON m.creditor_id = $1 AND m.id = c.mandate_id"
    " WHERE e.creditor_id = $1 AND e.counted"
    " AND (m.family_id, e.school_year) IN (SELECT family_id, school_year"
    " FROM hit) GROUP BY m.family_id, e.school_year"
    " HAVING sepad_rejects_terminate(count(*), $4::integer)),"
    " t AS (UPDATE mandates m SET state = 'terminated',"
    " state_reason = '" STORE_REASON_TWO_REJECTS "', reason_msgid = $7,"
    " reason_args = '{}', state_since = $3, updated_at = now()"
    " FROM (SELECT h.mandate_id, max(t.n) AS n, max(t.school_year) AS sy"
    " FROM hit h JOIN tally t ON t.family_id = h.family_id"
    " AND t.school_year = h.school_year GROUP BY h.mandate_id) x"
    " WHERE m.creditor_id = $1 AND m.id = x.mandate_id"
    " AND m.state <> 'terminated'"
    " RETURNING m.id, m.family_id, m.rum, x.n, x.sy),"
    " ev AS (INSERT INTO events (creditor_id, business_date, kind,"
    " family_id, mandate_id, file_id, count, needs_attention, message,"
    " msgid, msg_args)"
    " SELECT $1, $3, 'mandate.terminated', t.family_id, t.id, $2, t.n, true,"
    " sepad_message($6, x.args), $6, x.args FROM t CROSS JOIN LATERAL"
    " (SELECT ARRAY['t:' || t.rum, 'g:' || $5::text, 'n:' || t.n,"
    " 't:' || t.sy, 't:' || (t.sy + 1)] AS args) x"
    " RETURNING 1) SELECT count(*) FROM ev";
static const char returns_terminate_msgid[] =
    N_("mandate %s terminated: %s (%s counted in school year %s-%s); no "
       "further collection");
/* the msgid of STORE_REASON_TWO_REJECTS, whatever the limit */
static const char returns_two_rejects[] = N_("two rejects");

/* $1 creditor, $2 file (for the events), $3 today, $4 dead-account
 * codes, $5 the event's msgid, $6 the reason's: the mandates of the
 * effects of ret_eff. */
static const char returns_suspend[] =
    "WITH s AS (UPDATE mandates m SET state = 'suspended',"
    " state_reason = sepad_message($6, ARRAY['t:' || x.reason_code]),"
    " reason_msgid = $6, reason_args = ARRAY['t:' || x.reason_code],"
    " state_since = $3, updated_at = now()"
    " FROM (SELECT DISTINCT ON (c.mandate_id) c.mandate_id, e.reason_code"
    " FROM ret_eff e JOIN ret_stage r ON r.id = e.record_id"
    " JOIN collections c ON c.creditor_id = $1 AND c.id = e.collection_id"
    " WHERE e.new_state IN ('rejected', 'returned', 'refunded')"
    " AND NOT r.reason_proprietary AND e.reason_code = ANY($4::text[])"
    " ORDER BY c.mandate_id, r.idx) x"
    " WHERE m.creditor_id = $1 AND m.id = x.mandate_id AND m.state = 'active'"
    " RETURNING m.id, m.family_id, m.rum, x.reason_code),"
    " ev AS (INSERT INTO events (creditor_id, business_date, kind,"
    " family_id, mandate_id, file_id, needs_attention, message, msgid,"
    " msg_args)"
    " SELECT $1, $3, 'mandate.suspended', s.family_id, s.id, $2, true,"
    " sepad_message($5, x.args), $5, x.args FROM s CROSS JOIN LATERAL"
    " (SELECT ARRAY['t:' || s.rum, 't:' || s.reason_code] AS args) x"
    " RETURNING 1) SELECT count(*) FROM ev";
static const char returns_suspend_msgid[] =
    N_("mandate %s suspended: dead account %s; new bank details are needed");
static const char returns_dead_account[] = N_("dead account %s");

/* $1 creditor, $2 file. */
static const char returns_tally[] =
    "SELECT count(*), count(*) FILTER (WHERE outcome = 'applied'),"
    " count(*) FILTER (WHERE outcome = 'duplicate'),"
    " count(*) FILTER (WHERE outcome = 'stored'),"
    " count(*) FILTER (WHERE outcome = 'quarantined')"
    " FROM return_records WHERE creditor_id = $1 AND file_id = $2";

/* The records as the reader delivers them (returns_record). */
static const char returns_copy_stage[] =
    "COPY ret_stage (idx, line, kind, level, details, status,"
    " orig_msg_id, pmt_inf_id, end_to_end_id, mandate_ref,"
    " amount_cents, reason_code, reason_proprietary, reason_info,"
    " booking_date, orig_date, cdi) FROM STDIN";

/* $1 creditor, $2 SHA-256: the same bytes imported before, else 0. */
static const char returns_same_file[] =
    "SELECT coalesce(min(id), 0) FROM imported_files"
    " WHERE creditor_id = $1 AND sha256 = $2"
    " AND kind IN ('pain002', 'camt054', 'camt053')"
    " AND status <> 'refused'";

/* $1 creditor, $2 kind, $3 SHA-256, $4 name, $5 size, $6 records. */
static const char returns_record_file[] =
    "INSERT INTO imported_files (creditor_id, kind, sha256,"
    " file_name, size_bytes, status, rows_total, finished_at)"
    " VALUES ($1, $2, $3, $4, $5, 'imported', $6, now())"
    " RETURNING id";

/* $1 creditor, $2 file. */
static const char returns_changed[] =
    "SELECT count(DISTINCT e.collection_id) FROM return_effects e"
    " JOIN return_records r ON r.creditor_id = $1"
    " AND r.id = e.record_id WHERE e.creditor_id = $1"
    " AND r.file_id = $2";

/* $1 creditor, $2 file, $3 records, $4 collections changed. */
static const char returns_finish[] =
    "UPDATE imported_files SET rows_inserted = $3,"
    " rows_updated = $4 WHERE creditor_id = $1 AND id = $2";

static const char *
returns_kind_of(enum sepa_bankfile_type t)
{
	switch (t) {
	case SEPA_BANKFILE_PAIN002:
		return "pain002";
	case SEPA_BANKFILE_CAMT053:
		return "camt053";
	case SEPA_BANKFILE_CAMT054:
		return "camt054";
	default:
		return NULL;
	}
}

/* One import in progress: what the phases of store_returns_import share. */
struct returns_import {
	struct db *db;
	int64_t creditor_id;
	const char *path;
	const char *base; /* the file name, without its directory */
	const char *tname; /* "pain.002", "camt.054", "camt.053" */
	const char *kind; /* imported_files.kind */
	char cred[24], fid[24], day[SEPA_DATE_BUFSZ];
	struct returns_input in; /* the file, hashed as it is read */
	struct returns_copy cp; /* the records, COPYed as they are read */
	sepa_bankfile_info info;
};

/* Open the file and start its SHA-256. */
static int
returns_open(struct returns_import *im, sepa_error *err)
{
	if ((im->in.fd = open(im->path, O_RDONLY | O_CLOEXEC)) < 0)
		return sepa_error_set(err, SEPA_EIO, "cannot open %s: %s",
		    im->path, strerror(errno));
	if ((im->in.md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(im->in.md, EVP_sha256(), NULL) != 1)
		return sepa_error_set(err, SEPA_ENOMEM, "cannot start SHA-256");
	return 0;
}

/*
 * Begin the transaction and stream the file's records into ret_stage: a
 * file the reader refuses ends the COPY, and the caller rolls back.
 */
static int
returns_load(struct returns_import *im, sepa_error *err)
{
	double t0;
	int rc;

	if ((rc = db_begin(im->db, DB_READ_COMMITTED, err)) != 0 ||
	    (rc = store_returns_begin(im->db, err)) != 0 ||
	    (rc = db_copy_begin(im->db, "load the bank records",
	         returns_copy_stage, err)) != 0)
		return rc;
	t0 = log_clock();
	rc = sepa_bankfile_read_io(returns_read, &im->in, im->path, NULL,
	    returns_record, &im->cp, &im->info, err);
	if (rc != 0) {
		db_copy_abort(im->db, "the bank file was refused");
		return rc;
	}
	rc = db_copy_end(im->db, NULL, err);
	log_debug("returns: read the file and COPY its records: %.3f s",
	    log_clock() - t0);
	if (rc != 0)
		return rc;
	return returns_exec(im->db, "analyze the staging table",
	    "ANALYZE ret_stage", 0, NULL, err);
}

/*
 * Only pain.002, camt.054 and camt.053 files are reconciled, and only
 * with their namespace unless the policy accepts files without one.
 */
static int
returns_check_type(struct returns_import *im, const struct returns_policy *pol,
    struct returns_result *res, sepa_error *err)
{
	im->tname = sepa_bankfile_type_name(im->info.type);
	res->type = im->tname;
	if (im->info.type == SEPA_BANKFILE_CAMT052)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s is a camt.052, an intraday report: its entries may "
		    "still be pending and can change before the day ends, so "
		    "it is not reconciled; import the end-of-day camt.053 "
		    "statement or the camt.054 notification that books them "
		    "(sepactl inspect shows what it says)",
		    im->path);
	if (im->info.ns[0] == '\0' && !pol->accept_unqualified)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s has no XML namespace: it does not say which ISO 20022 "
		    "message and version it is, so its records cannot be "
		    "trusted to be read right; ask the bank for the file with "
		    "its namespace, or set returns.accept_unqualified = true "
		    "in the configuration to import such files (sepactl "
		    "inspect shows what it says)",
		    im->path);
	if ((im->kind = returns_kind_of(im->info.type)) == NULL)
		return sepa_error_set(err, SEPA_EINVAL,
		    "%s is a %s: only pain.002, camt.054 and camt.053 files are "
		    "reconciled (sepactl inspect shows it)",
		    im->path, im->tname);
	return 0;
}

/*
 * The file's row in imported_files: res->file_id. The same bytes
 * imported before: res->already, res->file_id the earlier row, nothing
 * recorded.
 */
static int
returns_register(
    struct returns_import *im, struct returns_result *res, sepa_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char sha[65], size[24], nrec[24];
	int rc;

	if (EVP_DigestFinal_ex(im->in.md, md, &mdlen) != 1 || mdlen != 32)
		return sepa_error_set(
		    err, SEPA_ENOMEM, "cannot finish SHA-256");
	sepa_sha256_hex(sha, md);
	if ((rc = returns_int64(im->db, &res->file_id, "look for the same file",
	         returns_same_file, 2, (const char *const[]){im->cred, sha},
	         err)) != 0)
		return rc;
	if (res->file_id > 0) {
		res->already = true;
		return 0;
	}
	snprintf(size, sizeof(size), "%zu", im->in.size);
	snprintf(nrec, sizeof(nrec), "%" PRId64, im->cp.records);
	if ((rc = returns_int64(im->db, &res->file_id, "record the file",
	         returns_record_file, 6,
	         (const char *const[]){
	             im->cred, im->kind, sha, im->base, size, nrec},
	         err)) != 0)
		return rc;
	snprintf(im->fid, sizeof(im->fid), "%" PRId64, res->file_id);
	return 0;
}

/*
 * Match the records, quarantine what cannot be applied, find the effects,
 * store every record with its outcome, apply the effects and the
 * contract's rules (store_returns_apply_effects), and mark the batches a
 * group reject refused.
 */
static int
returns_reconcile(struct returns_import *im, const struct returns_policy *pol,
    sepa_date today, struct returns_result *res, sepa_error *err)
{
	const char *const p1234[] = {im->cred, im->fid, im->day, im->base};
	const char *const ptype[] = {im->cred, im->tname};
	const char *ptx[10] = {im->cred, im->tname},
	           *pblock[10] = {im->cred, im->tname};
	int rc;

	/* the msgids of the reasons from $3 (8 each) */
	memcpy(ptx + 2, returns_tx_problems, sizeof(returns_tx_problems));
	memcpy(
	    pblock + 2, returns_block_problems, sizeof(returns_block_problems));

	if ((rc = returns_exec(im->db,
	         "read our batch credits as "
	         "confirmations",
	         returns_promote_credits, 2, ptype, err)) != 0 ||
	    (rc = returns_exec(im->db, "match transaction records",
	         returns_match_tx, 10, ptx, err)) != 0 ||
	    (rc = returns_exec(im->db, "match group and block records",
	         returns_match_block, 10, pblock, err)) != 0 ||
	    (rc = returns_exec(im->db, "index the matches",
	         "CREATE INDEX ON ret_match (record_id)", 0, NULL, err)) != 0 ||
	    (rc = returns_exec(im->db, "analyze the matches",
	         "ANALYZE ret_match", 0, NULL, err)) != 0 ||
	    (rc = store_returns_settle(im->db, im->creditor_id, res->file_id,
	         im->base, pol, today, &res->terminated, &res->suspended,
	         err)) != 0)
		return rc;
	return returns_exec(im->db, "mark rejected batches", returns_batches, 5,
	    (const char *const[]){
	        p1234[0], p1234[1], p1234[2], p1234[3], returns_batch_msgid},
	    err);
}

int
store_returns_settle(struct db *db, int64_t creditor_id, int64_t file_id,
    const char *file_name, const struct returns_policy *pol, sepa_date today,
    int64_t *terminated, int64_t *suspended, sepa_error *err)
{
	char cred[24], fid[24];
	const char *const p12[] = {cred, fid};
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	snprintf(fid, sizeof(fid), "%" PRId64, file_id);
	if ((rc = returns_exec(db, "quarantine records", returns_quarantine, 0,
	         NULL, err)) != 0 ||
	    (rc = store_returns_find_effects(db, creditor_id, pol, err)) != 0 ||
	    (rc = returns_exec(db, "store the bank records", returns_store, 2,
	         p12, err)) != 0 ||
	    (rc = returns_exec(db, "record the quarantine",
	         returns_store_quarantine, 1, p12, err)) != 0)
		return rc;
	return store_returns_apply_effects(db, creditor_id, file_id, file_name,
	    pol, today, terminated, suspended, err);
}

/* What the file did: the counts of *res. */
static int
returns_count(
    struct returns_import *im, struct returns_result *res, sepa_error *err)
{
	const char *const p12[] = {im->cred, im->fid};
	PGresult *pr = NULL;
	int rc;

	if ((rc = db_query(im->db, &pr, "count the records", returns_tally, 2,
	         p12, err)) != 0)
		return rc;
	res->records = strtoll(PQgetvalue(pr, 0, 0), NULL, 10);
	res->applied = strtoll(PQgetvalue(pr, 0, 1), NULL, 10);
	res->duplicates = strtoll(PQgetvalue(pr, 0, 2), NULL, 10);
	res->stored = strtoll(PQgetvalue(pr, 0, 3), NULL, 10);
	res->quarantined = strtoll(PQgetvalue(pr, 0, 4), NULL, 10);
	db_result_free(pr);
	return returns_int64(im->db, &res->collections,
	    "count the changed collections", returns_changed, 2, p12, err);
}

/* The returns.imported event: needs attention when records wait in the
 * quarantine. */
static int
returns_event(struct returns_import *im, sepa_date today,
    const struct returns_result *res, sepa_error *err)
{
	struct i18n_msg say;
	struct event ev;

	i18n_msg(&say,
	    N_("%s %s imported: %s records, %s applied, %s duplicates, %s "
	       "stored, %s quarantined"),
	    "ttnnnnn", im->tname, im->base, res->records, res->applied,
	    res->duplicates, res->stored, res->quarantined);
	memset(&ev, 0, sizeof(ev));
	ev.kind = "returns.imported";
	ev.say = &say;
	ev.business_date = today;
	ev.file_id = res->file_id;
	ev.has_count = true;
	ev.count = res->records;
	ev.needs_attention = res->quarantined > 0;
	return store_event_add(im->db, im->creditor_id, &ev, err);
}

/* The file's row: records read, collections changed. */
static int
returns_finish_file(struct returns_import *im, const struct returns_result *res,
    sepa_error *err)
{
	char nrec[24], ncol[24];

	snprintf(nrec, sizeof(nrec), "%" PRId64, im->cp.records);
	snprintf(ncol, sizeof(ncol), "%" PRId64, res->collections);
	return returns_exec(im->db, "finish the file", returns_finish, 4,
	    (const char *const[]){im->cred, im->fid, nrec, ncol}, err);
}

int
store_returns_import(struct db *db, int64_t creditor_id, const char *path,
    const struct returns_policy *pol, sepa_date today,
    struct returns_result *res, sepa_error *err)
{
	struct returns_import im;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&im, 0, sizeof(im));
	im.db = db;
	im.creditor_id = creditor_id;
	im.path = path;
	im.base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	im.in.fd = -1;
	im.cp.db = db;
	im.cp.err = err;
	snprintf(im.cred, sizeof(im.cred), "%" PRId64, creditor_id);
	sepa_date_iso(im.day, today);
	if ((rc = returns_open(&im, err)) != 0 ||
	    (rc = returns_load(&im, err)) != 0 ||
	    (rc = returns_check_type(&im, pol, res, err)) != 0 ||
	    (rc = returns_register(&im, res, err)) != 0 || res->already ||
	    (rc = returns_reconcile(&im, pol, today, res, err)) != 0 ||
	    (rc = returns_count(&im, res, err)) != 0 ||
	    (rc = returns_event(&im, today, res, err)) != 0 ||
	    (rc = returns_finish_file(&im, res, err)) != 0)
		goto cleanup;
	rc = db_commit(db, err);
cleanup:
	if (rc != 0 || res->already)
		db_rollback(db);
	free(im.cp.buf);
	EVP_MD_CTX_free(im.in.md);
	if (im.in.fd >= 0)
		close(im.in.fd);
	return rc;
}

int
store_returns_begin(struct db *db, sepa_error *err)
{
	int rc;

	/* The sorts and hashes of a big file in memory, not in temporary
	 * files (100,000 records need about 12 MB); this transaction only. */
	if ((rc = returns_exec(db, "give the sorts memory",
	         "SET LOCAL work_mem = '64MB'", 0, NULL, err)) != 0)
		return rc;
	/* The ids of return_records are drawn as the records arrive: its
	 * identity sequence, named once here (a pg_get_serial_sequence()
	 * in the default was looked up again for every row: 0.2 s for
	 * 100,000). */
	if ((rc = returns_exec(db, "create the staging table",
	         "CREATE TEMP TABLE ret_stage (id bigint NOT NULL DEFAULT"
	         " nextval('return_records_id_seq'::regclass),"
	         " idx integer, line integer,"
	         " kind text, level text, details integer, status text,"
	         " orig_msg_id text, pmt_inf_id text, end_to_end_id text,"
	         " mandate_ref text, amount_cents bigint, reason_code text,"
	         " reason_proprietary boolean, reason_info text,"
	         " booking_date date, orig_date date, cdi text)"
	         " ON COMMIT DROP",
	         0, NULL, err)) != 0 ||
	    (rc = returns_exec(db, "create the match table",
	         "CREATE TEMP TABLE ret_match (record_id bigint, idx integer,"
	         " kind text, level text, reason_code text,"
	         " reason_proprietary boolean, end_to_end_id text,"
	         " collection_id bigint, cstate text, due_on date,"
	         " problem text[]) ON COMMIT DROP",
	         0, NULL, err)) != 0 ||
	    (rc = returns_exec(db, "create the effects table",
	         "CREATE TEMP TABLE ret_eff (record_id bigint,"
	         " collection_id bigint, family text, new_state text,"
	         " reason_code text, counted boolean, school_year integer)"
	         " ON COMMIT DROP",
	         0, NULL, err)) != 0 ||
	    (rc = returns_exec(db, "create the quarantine table",
	         "CREATE TEMP TABLE ret_q (record_id bigint,"
	         " collection_id bigint, problem text[]) ON COMMIT DROP",
	         0, NULL, err)) != 0 ||
	    (rc = returns_exec(db, "serialise the imports",
	         "LOCK TABLE return_effects IN SHARE ROW EXCLUSIVE MODE", 0,
	         NULL, err)) != 0)
		return rc;
	return 0;
}

int
store_returns_find_effects(struct db *db, int64_t creditor_id,
    const struct returns_policy *pol, sepa_error *err)
{
	char cred[24], *credcodes;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	credcodes = returns_codes(pol->creditor_side_codes);
	if ((rc = returns_exec(db, "find the effects", returns_effects, 2,
	         (const char *const[]){cred, credcodes}, err)) == 0)
		rc = returns_exec(db, "quarantine records",
		    returns_quarantine_state, 2,
		    (const char *const[]){cred,
		        N_("the collection of EndToEndId %s is %s: a %s cannot "
		           "apply to it")},
		    err);
	free(credcodes);
	return rc;
}

int
store_returns_apply_effects(struct db *db, int64_t creditor_id, int64_t file_id,
    const char *file_name, const struct returns_policy *pol, sepa_date today,
    int64_t *terminated, int64_t *suspended, sepa_error *err)
{
	char cred[24], fid[24], day[SEPA_DATE_BUFSZ], maxn[24];
	char *deadcodes;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	snprintf(fid, sizeof(fid), "%" PRId64, file_id);
	snprintf(maxn, sizeof(maxn), "%d", pol->max_per_school_year);
	sepa_date_iso(day, today);
	deadcodes = returns_codes(pol->dead_account_codes);
	if ((rc = returns_exec(db, "record the effects", returns_store_effects,
	         2, (const char *const[]){cred, day}, err)) == 0 &&
	    (rc = returns_exec(db, "analyze the new rows",
	         "ANALYZE return_records, return_effects", 0, NULL, err)) ==
	        0 &&
	    (rc = returns_exec(db, "choose the winning effects",
	         returns_winners, 0, NULL, err)) == 0 &&
	    (rc = returns_exec(db, "update the collections",
	         returns_apply_collections, 2, (const char *const[]){cred, day},
	         err)) == 0 &&
	    (rc = returns_exec(db, "update the invoices",
	         returns_apply_invoices, 3,
	         (const char *const[]){cred, day, file_name}, err)) == 0 &&
	    (rc = returns_exec(db, "settle the reminded invoices",
	         returns_apply_reminded, 2, (const char *const[]){cred, day},
	         err)) == 0 &&
	    (rc = returns_exec(db, "log the collections", returns_events, 5,
	         (const char *const[]){cred, fid, day, returns_event_msgids[0],
	             returns_event_msgids[1]},
	         err)) == 0 &&
	    (rc = returns_int64(db, terminated, "apply the two-rejects rule",
	         returns_terminate, 7,
	         (const char *const[]){cred, fid, day, maxn,
	             sepa_rule_rejects_name(pol->max_per_school_year),
	             returns_terminate_msgid, returns_two_rejects},
	         err)) == 0)
		rc = returns_int64(db, suspended,
		    "suspend dead-account mandates", returns_suspend, 6,
		    (const char *const[]){cred, fid, day, deadcodes,
		        returns_suspend_msgid, returns_dead_account},
		    err);
	free(deadcodes);
	return rc;
}
