/*
 * store_collect_int.h - what the collection run (store_collect.c) shares
 * with its PES channel (store_collect_pes.c): the candidates' columns and
 * rows, the recording and the file being written, and the helpers both
 * use; and with the recovery export (store_recovery.c), whose PES flow of
 * ordinary titres is recorded and written by the same code. Included by
 * these three files only.
 */
#ifndef SEPAD_STORE_COLLECT_INT_H
#define SEPAD_STORE_COLLECT_INT_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/ident.h"
#include "sepa/pain008.h"
#include "sepa/rules.h"
#include "store_collect.h"

struct db;
struct sepad_config;
struct collect_summary;
struct collect_pes;

/*
 * The main service of invoice i (the most billed), whose CodProdLoc and
 * Nature its PES piece takes (pes.products).
 */
#define COLLECT_MAIN_SERVICE \
	"coalesce((SELECT s.code FROM invoice_lines l JOIN services s" \
	"   ON s.creditor_id = l.creditor_id AND s.id = l.service_id" \
	"   WHERE l.creditor_id = i.creditor_id AND l.invoice_id = i.id" \
	"   GROUP BY s.code ORDER BY sum(l.amount_cents) DESC, s.code" \
	"   LIMIT 1), '')"

/*
 * Columns of the candidates (collect_cand, a temporary table of the
 * recording's transaction), in order: ord numbers them in the candidate
 * order (due date, invoice number).
 */
enum {
	CC_ORD,
	CC_INVOICE,
	CC_NUMBER,
	CC_TOTAL,
	CC_DUE,
	CC_MONTH,
	CC_MANDATE,
	CC_RUM,
	CC_SIGNED,
	CC_ACCOUNT,
	CC_IBAN,
	CC_BIC,
	CC_LAST_IBAN,
	CC_USED,
	CC_NAME,
	CC_STREET,
	CC_BUILDING,
	CC_POSTCODE,
	CC_TOWN,
	CC_COUNTRY,
	CC_ATTEMPT,
	CC_SERVICES,
	CC_LAST_RUM,
	CC_LAST_ICS,
	/* the PES channel only (collect_cand_pes_sql) */
	CC_FAMILY_REF,
	CC_MAIN_SERVICE
};

/*
 * What C decided about each candidate (collect_dec, the other temporary
 * table), read after the candidate's columns by COLLECT_DEC_COLUMNS: the
 * mandate never debited, the sequence type and the amendment (their enum
 * values), the original RUM and ICS (NULL: none); and d_state: 'kept',
 * 'late' (too late for the bank), 'refused' (by the writer), both moved
 * out already, or 'deferred' (behind its mandate's lead, collect_follow).
 */
#define COLLECT_DEC_COLUMNS \
	" d.d_first, d.d_seq, d.d_amend, d.d_orig_rum, d.d_orig_ics"
enum { CD_FIRST, CD_SEQ, CD_AMEND, CD_ORIG_RUM, CD_ORIG_ICS, CD_N };

/* The candidates kept, joined to their decisions. */
#define COLLECT_KEPT \
	" FROM collect_cand c JOIN collect_dec d ON d.ord = c.ord" \
	" WHERE d.d_state = 'kept'"

/* One candidate with what C decides about it. */
struct collect_row {
	int row; /* in run->res, the rows being read */
	int64_t mandate;
	int first; /* the mandate was never debited */
	enum sepa_seq seq;
	enum sepa_amendment amend;
	int part;
	int block;
	int late; /* due too soon for the bank: not collected */
	int refused; /* the writer would refuse it: next month's file */
	const char *orig_rum; /* OrgnlMndtId, NULL: none (sepa_rule_orig_id) */
	const char *orig_ics; /* OrgnlCdtrSchmeId/Id, NULL: none */
};

/* A recording (store_collect_prepare), shared by its phases. */
struct collect_run {
	struct db *db;
	int64_t creditor_id;
	const struct sepad_config *cfg;
	sepa_rules rules;
	sepa_month month;
	sepa_date today;
	struct collect_summary *sum;
	char cred[24];
	char mon[SEPA_DATE_BUFSZ];
	const char *params[2]; /* $1 creditor, $2 the month's first day */
	int64_t part0; /* the highest part the month had before */
	PGresult *res; /* the rows being read (collect_scan) */
	int ncand; /* the columns of collect_cand: the decisions' first */
	int64_t n; /* the candidates kept */
	int64_t nparts;
	int64_t *batch_ids; /* of parts 1..nparts */
	long *part_ntx; /* of parts 1..nparts: transactions and sum */
	int64_t *part_amt;
	char ics[SEPA_CID_BUFSZ]; /* the creditor's ICS today (migration 037) */
	int pes; /* treasury.channel "pes" */
	int recovery; /* a recovery flow (batches.purpose, 043), not collect */
	struct collect_pes *pesr; /* its recording (store_collect_pes.c) */
};

/* The COPY data being built, in the text format. */
struct collect_buf {
	char *data;
	size_t len;
	size_t cap;
};

/* Batch columns (collect_batches_sql), in order. */
enum {
	CB_ID,
	CB_PART,
	CB_MSG,
	CB_CREATED,
	CB_VERSION,
	CB_FILE,
	CB_NTX,
	CB_CTRL,
	CB_NAME,
	CB_IBAN,
	CB_BIC,
	CB_ICS,
	CB_STREET,
	CB_BUILDING,
	CB_POSTCODE,
	CB_TOWN,
	CB_COUNTRY,
	CB_BOOKING,
	CB_STATE,
	CB_SHA,
	CB_CHANNEL
};

/* One batch's file being written. */
struct collect_file_writer {
	struct db *db;
	int64_t creditor_id;
	int *in_tx; /* the cursor's transaction is open */
	const char *before; /* SHA-256 of a file under the final name, or "" */
	PGresult *b; /* the month's batches */
	int br; /* this one's row */
	PGresult *blocks; /* its payment blocks */
	int bi; /* the current block's row, -1 before the first */
	int in_block;
	sepa_pain008_address caddr; /* the creditor's, from the batch */
	sepa_pain008_writer *w;
	int chunk_written; /* test hook: the first chunk is out */
};

/*
 * $1 creditor, $2 the month's first day: the month's invoices no mandate
 * can collect, as PES pieces without a debit, into the temporary table
 * collect_oth (columns PO_*, ord in invoice number order).
 */
extern const char collect_oth_sql[];
enum {
	PO_ORD,
	PO_INVOICE,
	PO_NUMBER,
	PO_OWED,
	PO_MONTH,
	PO_SERVICES,
	PO_NAME,
	PO_STREET,
	PO_BUILDING,
	PO_POSTCODE,
	PO_TOWN,
	PO_COUNTRY,
	PO_FAMILY_REF,
	PO_MAIN_SERVICE
};

/*
 * An unpaid invoice handed to the comptable for recovery as an ordinary
 * titre (store_recovery.c): its debt, why, and the debtor. Borrowed.
 */
struct collect_titre {
	int64_t invoice;
	const char *number;
	const char *month; /* billed, "YYYY-MM" */
	const char *why; /* the reason, in French ("Impayé après relance") */
	const char *codes; /* the reject codes of its debits ("AM04"), or "" */
	int64_t amount; /* what it owes on its own (invoice_dues) */
	const char *service; /* COLLECT_MAIN_SERVICE */
	const char *family_ref;
	const char *name, *street, *building, *postcode, *town, *country;
};

/* Test hooks at a named point (SEPAD_CRASH_AT, SEPAD_STOP_AT). */
void collect_crash_point(const char *point);
/* The test hook inside a writer: the first chunk reached its file. */
ssize_t collect_crash_write(int fd, const void *data, size_t len, void *arg);
/* A value of the rows being read, as text or as an integer. */
const char *collect_value(const struct collect_run *run, int row, int col);
int64_t collect_int(const struct collect_run *run, int row, int col);
/* Candidate `row` of run->res, with its decisions, into cr. */
void collect_row_read(
    const struct collect_run *run, int row, struct collect_row *cr);
/*
 * The COPY lines built while rows are read (b), sent into copy_sql after
 * each FETCH: the client never holds more than one.
 */
struct collect_sink {
	const char *what;
	const char *copy_sql;
	struct collect_buf b;
};
/*
 * Read cursor collect_cur (declare_sql with its parameters), a FETCH at a
 * time, to row(run, r, arg) with run->res the rows fetched; then the
 * sink's lines (sink may be NULL). Closes the cursor, frees sink's lines.
 */
int collect_scan(struct collect_run *run, const char *what,
    const char *declare_sql, int nparams, const char *const *params,
    int (*row)(struct collect_run *run, int r, void *arg, sepa_error *err),
    void *arg, struct collect_sink *sink, sepa_error *err);
/* The remittance text of candidate `row` ("Facture ..."). */
const char *collect_remittance(
    const struct collect_run *run, int row, char *buf, size_t size);
/* "Facture <number> - <services> <month> <year>" from its parts. */
const char *collect_remittance_of(const char *number, const char *services,
    const char *consumed, char *buf, size_t size);
/* The remittance of a candidate and its amendment, for the writers. */
const sepa_pain008_amendment *collect_amendment(const struct collect_run *run,
    const struct collect_row *cr, sepa_pain008_amendment *am);
/* collections.amendment ("none", "same_bank", "other_bank") as an enum. */
enum sepa_amendment collect_amendment_of(const char *column);
/* "IBAN <anything>:" masked in a message. */
void collect_mask_ibans(char *msg);
/* COPY data in the text format. */
void collect_copy_field(struct collect_buf *b, const char *s, int last);
/* Send the COPY data once 64 KiB are built (all: whatever there is). */
int collect_copy_send(
    struct db *db, struct collect_buf *b, int all, sepa_error *err);
/* End a COPY: the rest sent and b freed, or aborted (why) when rc != 0. */
int collect_copy_end(struct db *db, struct collect_buf *b, int rc,
    const char *why, sepa_error *err);
/* Record a batch (part) of the run, its id into *id. */
int collect_insert_batch(const struct collect_run *run, int part, long ntx,
    int64_t ctrl, const char *msg_id, const char *file_name, int64_t *id,
    sepa_error *err);
/*
 * Record the kept candidates as collections (state 'pending') in the
 * run's batches, in file order (sequence type, candidate order).
 */
int collect_copy_rows(struct collect_run *run, sepa_error *err);
/*
 * In the recording's transaction, run->params set: lock the creditor,
 * count the month's batches of collect, the ICS of today, the month's
 * highest part (run->part0).
 */
int collect_lock_month(struct collect_run *run, sepa_error *err);
int collect_mark_run(struct collect_run *run, sepa_error *err);
int collect_log_prepared(const struct collect_run *run, sepa_error *err);
/*
 * Every row of an open cursor, fetch_sql at a time, to row(arg, res, r);
 * progress (may be NULL) after each fetch, of `total` rows of `file`.
 */
int collect_each_row(struct db *db, const char *what, const char *fetch_sql,
    const char *file, int64_t total, collect_progress_fn progress, void *parg,
    int (*row)(void *arg, PGresult *res, int r, sepa_error *err), void *arg,
    sepa_error *err);
/*
 * The writer's last step before the rename: the cursor's transaction
 * ends, the batch is recorded as being placed with the file's SHA-256.
 */
int collect_place(
    struct collect_file_writer *fw, const char *sha256, sepa_error *err);

/* ------------------------------------------------ store_collect_pes.c */

/* Whether the PES writer would take candidate cr's piece (why: not). */
int collect_pes_check(
    struct collect_run *run, const struct collect_row *cr, sepa_error *why);
/*
 * The PES recording: the month's pieces payable by other means, then the
 * batch (one flow), its collections, bordereaux and pieces.
 */
int collect_pes_record(struct collect_run *run, sepa_error *err);
void collect_pes_free(struct collect_run *run);
/*
 * Whether the PES writer would take titre t as an ordinary titre (why:
 * not); SEPA_ENOTFOUND when its service has no CodProdLoc (pes.products).
 */
int collect_pes_titre_check(const struct sepad_config *cfg,
    const struct collect_titre *t, sepa_error *why);
/*
 * The recovery flow of titres t[0..n-1] (n > 0, each checked), in the
 * caller's transaction after collect_lock_month: a batch of purpose
 * 'recovery' (run->recovery) in today's month, its flow (TypFic PESALR1)
 * with the next IdBord of the ordinary titres' series, its bordereaux
 * and pieces; *batch_id, nom_fic (its file name) out.
 */
int collect_pes_record_titres(struct collect_run *run,
    const struct collect_titre *t, int n, int64_t *batch_id, char *nom_fic,
    size_t size, sepa_error *err);
/* Write the flow of batch row br of b from its rows (the SHA-256 out). */
int collect_pes_write_file(struct db *db, int64_t creditor_id, PGresult *b,
    int br, const char *path, const char *before, const char *schema_dir,
    collect_progress_fn progress, void *parg, char sha256[65], sepa_error *err);

#endif /* SEPAD_STORE_COLLECT_INT_H */
