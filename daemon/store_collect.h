/*
 * store_collect.h - the collection run (store_collect.c): a month's
 * collections recorded in batches, then their pain.008 files written and
 * released.
 */
#ifndef SEPAD_STORE_COLLECT_H
#define SEPAD_STORE_COLLECT_H

#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/ident.h"

struct db;
struct sepad_config;

/* What a collect run did (counts of this run). */
struct collect_summary {
	int64_t prepared; /* batches recorded by this run */
	int64_t already_recorded; /* batches the month had before the run */
	int64_t collections; /* collections recorded by this run */
	int64_t amount_cents; /* their sum */
	int64_t other_means; /* invoices newly flagged payable by other means */
	int64_t late; /* invoices due too soon for the bank: not collected */
	int64_t deferred; /* invoices deferred to the next month's file */
	int64_t refused; /* left out: the writer would refuse their debit */
	char ics[SEPA_CID_BUFSZ]; /* the creditor's ICS in the files recorded */
	int64_t written; /* files written (or verified) and released */
	int64_t taken; /* placed earlier, taken since: released, not written */
	int64_t already_released; /* batches released by an earlier run */
	/* treasury.channel "pes": the flow's pieces (debited or not) */
	int64_t pes_pieces;
	int64_t pes_amount; /* their sum, cents */
};

enum collect_outcome {
	COLLECT_FILE_WRITTEN = 0, /* written and released by this run */
	COLLECT_FILE_VERIFIED, /* found in the outbox, identical, released */
	COLLECT_FILE_ALREADY, /* released by an earlier run: not touched */
	/* placed by an earlier run, then taken from the outbox before its
	 * release was recorded: released now, never written again */
	COLLECT_FILE_TAKEN
};

/* One file of the month, for the caller's report (borrowed strings). */
struct collect_file {
	enum collect_outcome outcome;
	const char *file_name;
	const char *path;
	const char *sha256;
	int64_t nb_of_txs; /* a PES flow: its pieces */
	int64_t ctrl_sum;
	int pes; /* a PES flow (treasury.channel "pes"), not a pain.008 */
};
typedef void (*collect_file_fn)(void *arg, const struct collect_file *f);
/* Progress while a file is written: `done` of `total` transactions. */
typedef void (*collect_progress_fn)(
    void *arg, const char *file_name, int64_t done, int64_t total);

/*
 * Record the collections of collection month `month` (the invoices issued,
 * with something left to pay after payments by other means, due in the
 * month or deferred into it, with no live collection and a mandate
 * active on the due date), for the amount left to pay, grouped per
 * (sequence type, due date) and split into batches by
 * bank.max_transactions_per_file / max_amount_per_file, each with its
 * whole content fixed, in ONE transaction; the amendments carried are
 * marked (mandate_accounts.amended_by_collection) and the invoices set
 * 'collecting'. Invoices no mandate can collect get an
 * "invoice.other_means" event (needs attention), once; those due too
 * soon for the bank (sepa_rule_in_time, handed over `today`) are left
 * out with an "invoice.collect_late" event, once. When a mandate's
 * collection is its first or the first on a new account, its other
 * invoices of the run are deferred to the next month's file
 * (invoices.collect_due_on, an "invoice.collect_deferred" event).
 * Recorded batches never change: a month run again records the invoices
 * that were in none of its parts in new parts after the last one
 * (sum->already_recorded counts the earlier ones; EndToEndId attempt + 1
 * after a file refused whole); with none, it records nothing. An
 * account the writer would refuse refuses the run (SEPA_EINVAL, nothing
 * recorded); an invoice that changes state meanwhile, SEPA_ESTATE.
 */
int store_collect_prepare(struct db *db, int64_t creditor_id,
    const struct sepad_config *cfg, sepa_month month, sepa_date today,
    struct collect_summary *sum, sepa_error *err);
/*
 * Write the file of every prepared batch of `month` into `outbox` with the
 * pain.008 writer (validated against the XSDs of schema_dir, with its
 * .sha256), from the recorded rows only; record the batch as being placed
 * with the file's SHA-256 (a committed transaction) before the file is
 * renamed into the outbox, then mark it released in a transaction. A
 * batch found being placed (an earlier run stopped between the two) is
 * finished from what the outbox holds (see collect_finish_placing): its
 * file is never placed a second time. A file already under the final name
 * that is not the batch's: SEPA_ESTATE, not released.
 * Released batches are reported, never written again; rejected and
 * cancelled ones are skipped. One writer per creditor and month (a PostgreSQL advisory
 * lock): a concurrent run waits. on_file (may be
 * NULL) is called for each batch of the month, in part order; progress
 * (may be NULL) every 10,000 transactions written. `sum` is added to.
 */
int store_collect_write(struct db *db, int64_t creditor_id, sepa_month month,
    sepa_date today, const char *outbox, const char *schema_dir,
    collect_file_fn on_file, collect_progress_fn progress, void *arg,
    struct collect_summary *sum, sepa_error *err);

/*
 * The same for the recovery flows (treasury.channel "pes", 043: batches
 * of purpose 'recovery', which store_collect_write leaves alone): every
 * one recorded and not released yet, whatever its month, is written,
 * placed and released, or finished as store_collect_write finishes a
 * batch being placed.
 */
int store_collect_write_recovery(struct db *db, int64_t creditor_id,
    sepa_date today, const char *outbox, const char *schema_dir,
    collect_file_fn on_file, void *arg, struct collect_summary *sum,
    sepa_error *err);

/*
 * Take (lock 1) or give back (lock 0) the writer's lock of a creditor's
 * collection month (a session advisory lock): what store_collect_write
 * holds while it writes, for whoever must not change the month's batches
 * under a writer (store_batch_cancel).
 */
int store_collect_month_lock(struct db *db, int64_t creditor_id,
    sepa_month month, int lock, sepa_error *err);

#endif /* SEPAD_STORE_COLLECT_H */
