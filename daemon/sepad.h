/*
 * sepad.h - umbrella header of the daemon side (sepad, sepactl and the
 * store), prototypes grouped by the file that defines them.
 *
 * Only db.c and store_*.c include libpq-fe.h; the rest of the daemon sees
 * query results as the opaque `struct pg_result`.
 */
#ifndef SEPAD_H
#define SEPAD_H

#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdio.h>

#include "sepa/sepa.h"

/* ------------------------------------------------------------- log.c */

/*
 * Messages go to stderr: with a "<N>" syslog priority prefix when stderr is
 * the journal (JOURNAL_STREAM names it), as "PROGNAME: message" otherwise.
 * `verbose` > 0 enables log_debug. fatal() and fatalx() exit with
 * `fatal_status`.
 */
void log_init(const char *progname, int verbose, int fatal_status);
int log_verbose(void);
/* log_warn appends ": strerror(errno)"; the others print the message as is. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* Allocation that cannot fail: fatal() on exhaustion. Free with free(). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
int xasprintf(char **out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---------------------------------------------------------- config.c */

/* A list of strings from the configuration (owned by the config). */
struct config_strlist {
	char **items;
	size_t count;
};

enum config_rounding { CONFIG_ROUND_UP = 0, CONFIG_ROUND_NONE = 1 };
enum config_sequence { CONFIG_SEQ_FRST = 0, CONFIG_SEQ_RCUR = 1 };
enum config_pain { CONFIG_PAIN_001_08 = 0, CONFIG_PAIN_001_02 = 1 };
enum config_encoding { CONFIG_ENC_UTF8 = 0, CONFIG_ENC_CP1252 = 1 };

/*
 * Every setting of sepad.conf. Strings are owned by the structure and freed
 * by config_free(); paths are absolute once loaded: a relative path written
 * in the file is resolved against the directory that holds the file, a
 * default one ("var/pg") against the `default_base` of config_load().
 * Enumerations are stored as the enum above, amounts in cents.
 */
struct sepad_config {
	char *path; /* the file read, or "(defaults)" */
	char *base_dir; /* where relative paths of the file are resolved */

	char *db_conninfo; /* empty: the private cluster in db_data_dir */
	char *db_data_dir;

	char *cred_name;
	char *cred_ics;
	char *cred_iban;
	char *cred_bic;
	char *cred_street;
	char *cred_building;
	char *cred_postcode;
	char *cred_town;
	char *cred_country;

	char *dir_inbox;
	char *dir_outbox;
	char *dir_archive;
	char *dir_rejected;

	int invoice_day;
	int hour_rounding; /* enum config_rounding */

	int account_change_cutoff_day;
	int lapse_months;
	int letter_deadline; /* MMDD: 630 is 30 June */

	int export_day;
	int due_day;
	int prenotification_days;
	int bank_lead_days;
	int first_sequence; /* enum config_sequence */

	int pain_version; /* enum config_pain */
	int64_t max_transactions_per_file; /* 0: no limit */
	int64_t max_amount_per_file; /* cents, 0: no limit */
	bool batch_booking;

	bool represent_on_next_invoice;
	int max_rejects_per_school_year;
	struct config_strlist creditor_side_codes;
	struct config_strlist dead_account_codes;
	bool returns_accept_unqualified; /* bank files without a namespace */

	int import_encoding; /* enum config_encoding */
};

/* Errors found while loading: each is "file:line: message" when formatted. */
#define CONFIG_MAX_ERRORS 32
struct config_errors {
	size_t count;
	size_t dropped; /* errors beyond CONFIG_MAX_ERRORS */
	sepa_error list[CONFIG_MAX_ERRORS];
};

/*
 * Load `path` into *cfg (which the call initialises; free it with
 * config_free() whatever the result); path NULL: the built-in defaults.
 * Default paths are resolved against `default_base` (sepactl: the project
 * root), or against the file's directory when default_base is NULL. Every
 * problem is recorded in *errs (syntax, unknown key, wrong type, out of
 * range, bad identifier); returns 0 when there is none, SEPA_EINVAL (bad
 * content) or SEPA_EIO (unreadable file) otherwise.
 */
int config_load(struct sepad_config *cfg, const char *path,
    const char *default_base, struct config_errors *errs);
void config_free(struct sepad_config *cfg);
/*
 * The table of keys, for documentation checks and listings: the number of
 * keys, then the name, one-line doc and reloadability of key i (static
 * strings; NULL when i is out of range).
 */
size_t config_key_count(void);
const char *config_key_name(size_t i);
const char *config_key_doc(size_t i);
bool config_key_reloadable(size_t i);
/* 1 when `code` is in the list (exact match). */
int config_strlist_has(const struct config_strlist *l, const char *code);
/*
 * The contract's parameters from the configuration, for the rules of
 * sepa/rules.h; every command and the daemon build them here. Returns 0,
 * or SEPA_ERANGE from sepa_rules_check (cannot happen with a loaded
 * configuration: its ranges are narrower).
 */
int config_rules(
    const struct sepad_config *cfg, sepa_rules *rules, sepa_error *err);
/* Whether the creditor part is complete; SEPA_EINVAL says what is missing. */
int config_require_creditor(const struct sepad_config *cfg, sepa_error *err);

/* -------------------------------------------------------------- db.c */

struct db;
struct pg_result; /* PGresult, seen through db.c and store_*.c only */

/* What a failed call means to its caller (from the SQLSTATE). */
enum db_fail {
	DB_FAIL_NONE = 0, /* the last call succeeded */
	DB_FAIL_CONNECTION, /* class 08, or the connection is gone: retry */
	DB_FAIL_SERIALIZATION, /* 40001, 40P01: retry the transaction */
	DB_FAIL_UNIQUE, /* 23505 */
	DB_FAIL_FOREIGN_KEY, /* 23503 */
	DB_FAIL_CHECK, /* 23514, 23502 (not null), 22xxx data exceptions */
	DB_FAIL_UNDEFINED, /* 42P01 table, 42703 column, 3D000 database */
	DB_FAIL_OTHER /* anything else: a bug or the server's state */
};

enum db_isolation { DB_READ_COMMITTED = 0, DB_SERIALIZABLE = 1 };

/* Map a five-character SQLSTATE (NULL: no SQLSTATE) to enum db_fail. */
enum db_fail db_fail_of_sqlstate(const char *sqlstate);
/* Static name of a db_fail ("unique violation"). */
const char *db_fail_name(enum db_fail f);

/*
 * Connect with a libpq connection string. *out is NULL on failure; the
 * message is "could not connect to the database: SERVER MESSAGE". Close
 * with db_close() (NULL is a no-op).
 */
int db_connect(struct db **out, const char *conninfo, sepa_error *err);
void db_close(struct db *db);
/* Outcome and SQLSTATE ("" when none) of the last call. */
enum db_fail db_last_fail(const struct db *db);
const char *db_last_sqlstate(const struct db *db);

/*
 * Run one statement with $1..$n text parameters (NULL entries are SQL
 * NULL). `what` says what is attempted, for the message: "could not WHAT:
 * SERVER MESSAGE". db_exec expects no rows; db_query expects rows and
 * gives the result to the caller (free with db_result_free()).
 * db_query_int64 expects exactly one row with one non-NULL integer.
 */
int db_exec(struct db *db, const char *what, const char *sql, int nparams,
    const char *const *params, sepa_error *err);
int db_query(struct db *db, struct pg_result **out, const char *what,
    const char *sql, int nparams, const char *const *params, sepa_error *err);
int db_query_int64(struct db *db, int64_t *out, const char *what,
    const char *sql, int nparams, const char *const *params, sepa_error *err);
void db_result_free(struct pg_result *res);

/*
 * Run a trusted SQL script (several statements, no parameters): the
 * migrations only, never text built from input.
 */
int db_exec_script(
    struct db *db, const char *what, const char *script, sepa_error *err);

/* Transactions. db_rollback is safe to call when none is open. */
int db_begin(struct db *db, enum db_isolation iso, sepa_error *err);
int db_commit(struct db *db, sepa_error *err);
void db_rollback(struct db *db);

/*
 * COPY ... FROM STDIN: db_copy_begin runs the COPY statement, db_copy_put
 * buffers data (sent in 64 KiB chunks), db_copy_end flushes and finishes
 * (*rows, when not NULL, gets the number of rows copied). To abandon a
 * COPY, call db_copy_abort(), which makes the server fail the COPY.
 */
int db_copy_begin(
    struct db *db, const char *what, const char *sql, sepa_error *err);
int db_copy_put(struct db *db, const char *data, size_t len, sepa_error *err);
int db_copy_end(struct db *db, int64_t *rows, sepa_error *err);
void db_copy_abort(struct db *db, const char *reason);

/* -------------------------------------------------------- pgcluster.c */

/*
 * The private PostgreSQL cluster under `root` (database.data_dir): make
 * sure it is initialised and running (initdb and pg_ctl from `pg_config
 * --bindir`, as the postgres user when run as root), then write its
 * connection string into conninfo (size bytes). Without `force`, a socket
 * in place is taken as a running server (fast); with it, the helper script
 * checks and starts. The script is $SEPAD_PGCLUSTER, else the build-time
 * tools/pgcluster.sh.
 */
int pgcluster_ensure(
    const char *root, int force, char *conninfo, size_t size, sepa_error *err);
/* Stop the cluster under `root` if it runs. */
int pgcluster_stop(const char *root, sepa_error *err);

/* ----------------------------------------------------- store_schema.c */

/* The migrations directory: $SEPAD_SQL_DIR, else the build-time path. */
const char *store_schema_dir(void);
/*
 * Apply the migrations of `dir` (files NNN_name.sql, in order) that the
 * database has not recorded in schema_version, all in one transaction:
 * either every pending one is applied or none. Each is recorded with its
 * SHA-256; a recorded migration whose file has changed, a file numbered
 * below the current version that was never applied, or a database newer
 * than the files are refused (SEPA_ESTATE) before anything is done.
 * *applied (may be NULL) gets how many were applied; *version (may be
 * NULL) the resulting version.
 */
int store_schema_migrate(struct db *db, const char *dir, int *applied,
    int *version, sepa_error *err);
/* The version recorded (0 when the schema_version table is missing). */
int store_schema_version(struct db *db, int *version, sepa_error *err);

/* --------------------------------------------------- store_creditor.c */

/*
 * Register the creditor (normalised ICS, name) or update its name; *id gets
 * its creditors.id. One database may hold several creditors.
 */
int store_creditor_ensure(struct db *db, const char *ics, const char *name,
    int64_t *id, sepa_error *err);
/* The id of the creditor with this ICS; SEPA_ENOTFOUND when absent. */
int store_creditor_find(
    struct db *db, const char *ics, int64_t *id, sepa_error *err);

/* ----------------------------------------------------------- csvout.c */

/* Write one CSV field (quoted when needed), then "," or, last, CRLF. */
void csvout_field(FILE *fp, const char *s, bool last);
/* The same with another separator and line end (';' and "\n" for mail merge). */
void csvout_field_sep(
    FILE *fp, const char *s, char sep, const char *eol, bool last);

/* ---------------------------------------------------- store_returns.c */

/* The contract settings the reconciliation applies (from the config). */
struct returns_policy {
	const struct config_strlist *creditor_side_codes; /* do not count */
	const struct config_strlist *dead_account_codes; /* suspend */
	int max_per_school_year; /* counted rejects that terminate */
	bool accept_unqualified; /* import files without a namespace */
};

/* What one imported bank file did. */
struct returns_result {
	int64_t file_id; /* the imported_files row (the earlier one if dup) */
	bool already; /* same bytes already imported: nothing done */
	const char *type; /* "pain.002", "camt.054", "camt.053" */
	int64_t records;
	int64_t applied; /* records that changed collections */
	int64_t duplicates; /* records already recorded by an earlier one */
	int64_t stored; /* kept, no change (info, pending) */
	int64_t quarantined;
	int64_t collections; /* collections whose state changed */
	int64_t terminated; /* mandates terminated (two rejects) */
	int64_t suspended; /* mandates suspended (dead account) */
};

/*
 * Import one bank file (pain.002, camt.054 or camt.053) for the creditor,
 * in one transaction: every record is stored, matched and applied, the
 * contract rules run, events are logged; or, when the file is refused
 * (cannot be read, a camt.052, a database error), nothing is changed and
 * err says why (SEPA_EINVAL/EXML/ELIMIT: refused input; others: internal).
 * The same bytes imported before: res->already, nothing changed.
 */
int store_returns_import(struct db *db, int64_t creditor_id, const char *path,
    const struct returns_policy *pol, sepa_date today,
    struct returns_result *res, sepa_error *err);

/*
 * The steps of a reconciliation, shared by the import and by
 * store_quarantine_apply(), inside the caller's transaction:
 * store_returns_begin creates the temporary tables (ret_stage: the
 * records; ret_match: record x collection with a problem or NULL; ret_eff:
 * the effects; ret_q: quarantined) and takes the lock that serialises
 * reconciliations. The caller fills ret_stage and ret_match;
 * store_returns_find_effects fills ret_eff (one effect per collection and
 * family, not recorded before) and ret_q (a record the collection's state
 * refuses); once the records are in return_records,
 * store_returns_apply_effects records ret_eff and applies it: collections,
 * invoices (unpaid_reason names file_name and the record's line),
 * events (with file_id), the two-rejects rule and the dead-account
 * suspension for the families and mandates of ret_eff only.
 */
int store_returns_begin(struct db *db, sepa_error *err);
int store_returns_find_effects(struct db *db, int64_t creditor_id,
    const struct returns_policy *pol, sepa_error *err);
int store_returns_apply_effects(struct db *db, int64_t creditor_id,
    int64_t file_id, const char *file_name, const struct returns_policy *pol,
    sepa_date today, int64_t *terminated, int64_t *suspended, sepa_error *err);

/* -------------------------------------------------- store_quarantine.c */

/* One quarantined bank record, as `quarantine list` shows it (owned
 * strings; "" when absent). */
struct quarantine_row {
	int64_t id; /* return_quarantine.id */
	int64_t record_id;
	char *file_name;
	int line;
	char *kind; /* reject, return, refund, reversal, confirmation */
	char *level; /* group, block, transaction */
	char *end_to_end_id;
	char *orig_msg_id;
	char *pmt_inf_id;
	char *mandate_ref;
	bool has_amount;
	int64_t amount_cents;
	char *reason_code;
	bool reason_proprietary;
	char *booking_date; /* YYYY-MM-DD */
	char *why; /* why it was quarantined */
	char *resolved_on; /* YYYY-MM-DD, "" while open */
	char *resolution;
};

/*
 * The quarantined records of the creditor, open ones only or (all) the
 * resolved ones too, by id. *rows is owned by the caller:
 * store_quarantine_rows_free().
 */
int store_quarantine_list(struct db *db, int64_t creditor_id, bool all,
    struct quarantine_row **rows, size_t *count, sepa_error *err);
void store_quarantine_rows_free(struct quarantine_row *rows, size_t count);

/* What store_quarantine_apply did. */
struct quarantine_applied {
	char new_state[16]; /* of the collection: rejected, returned, ... */
	char invoice[40]; /* its invoice number */
	bool counted; /* toward the two-rejects rule */
	int64_t terminated; /* mandates terminated (two rejects) */
	int64_t suspended; /* mandates suspended (dead account) */
};

/*
 * Apply quarantined record `id` to the collection of EndToEndId e2e,
 * with the rules of an import (store_returns_apply_effects), and mark
 * the quarantine row resolved on `today` (its collection_id becomes that
 * collection), with an event, in one transaction. Refused (SEPA_ENOTFOUND: no such record or collection;
 * SEPA_ESTATE: already resolved, not a transaction record, a reversal,
 * a collection whose state or earlier effect refuses it, batch not
 * released; SEPA_EINVAL: a contradiction), the store unchanged. A
 * mandate, PmtInfId or MsgId that contradicts the collection is accepted
 * only with `force` (the operator's reason, recorded); an amount that
 * contradicts it never is. `why` (may be NULL) is added to the
 * resolution.
 */
int store_quarantine_apply(struct db *db, int64_t creditor_id, int64_t id,
    const char *e2e, const char *force, const char *why,
    const struct returns_policy *pol, sepa_date today,
    struct quarantine_applied *out, sepa_error *err);
/*
 * Mark quarantined record `id` resolved on `today` with the text `why`
 * (not empty) and log an event; nothing else changes. SEPA_ENOTFOUND,
 * SEPA_ESTATE (already resolved), SEPA_EINVAL (empty text).
 */
int store_quarantine_dismiss(struct db *db, int64_t creditor_id, int64_t id,
    const char *why, sepa_date today, sepa_error *err);

/* ---------------------------------------------------- store_recovery.c */

/*
 * Export the invoices due for recovery as a CSV into `outbox` (written
 * atomically, with NAME.sha256 beside it), mark them 'recovery' and
 * record the export, in one transaction. Due: unpaid and represent off,
 * or unpaid with no active mandate of the family, or still unpaid after
 * the reminder (the invoice that carried the reminder is unpaid, or not
 * collected past its due date); paid by other means: not due. *path gets
 * the file written (free it), NULL when nothing is due; *count, *total
 * the number of invoices and the sum due.
 */
int store_recovery_export(struct db *db, int64_t creditor_id,
    const char *outbox, bool represent, sepa_date today, char **path,
    int64_t *count, int64_t *total, sepa_error *err);

/* ------------------------------------------------------ store_report.c */

/* Unpaid collections of one state and reason code in a month. */
struct report_reason {
	char state[16]; /* rejected, returned, refunded */
	char code[36]; /* "" when the bank gave none */
	int64_t count;
	int64_t cents;
};

/* The figures of one month (see store_report.c for what counts where). */
struct report {
	sepa_month month;
	int64_t presented, presented_cents; /* collections due, sent */
	int64_t settled, settled_cents;
	int64_t cancelled; /* in files or blocks the bank refused whole */
	struct report_reason *reasons; /* owned; store_report_free() */
	size_t nreasons;
	int64_t suspended, terminated; /* mandates, by business date */
	int64_t recovery, recovery_cents; /* invoices exported */
};

int store_report_month(struct db *db, int64_t creditor_id, sepa_month month,
    struct report *out, sepa_error *err);
void store_report_free(struct report *r);

/* ------------------------------------------------------ store_event.c */

/*
 * One row of the events table (migration 002). kind is a dotted lower-case
 * name ("mandate.terminated", "batch.released", "file.refused"); ids are 0
 * when they do not apply; month.year 0 when no month applies.
 * needs_attention puts the event on `sepactl status`'s list of what needs
 * a human.
 */
struct event {
	const char *kind;
	const char *message;
	sepa_date business_date;
	sepa_month month;
	int64_t family_id;
	int64_t mandate_id;
	int64_t invoice_id;
	int64_t batch_id;
	int64_t collection_id;
	int64_t file_id;
	bool has_count;
	int64_t count;
	bool has_amount;
	int64_t amount_cents;
	bool needs_attention;
};

/*
 * Record an event, inside the caller's transaction (so it is kept exactly
 * when the change it describes is).
 */
int store_event_add(struct db *db, int64_t creditor_id, const struct event *ev,
    sepa_error *err);

/* ---------------------------------------------------- store_collect.c */

/* What a collect run did (counts of this run). */
struct collect_summary {
	int64_t prepared; /* batches recorded by this run */
	int64_t already_recorded; /* batches the month had before the run */
	int64_t collections; /* collections recorded by this run */
	int64_t amount_cents; /* their sum */
	int64_t other_means; /* invoices newly flagged payable by other means */
	int64_t late; /* invoices due too soon for the bank: not collected */
	int64_t deferred; /* invoices deferred to the next month's file */
	int64_t written; /* files written (or verified) and released */
	int64_t already_released; /* batches released by an earlier run */
};

enum collect_outcome {
	COLLECT_FILE_WRITTEN = 0, /* written and released by this run */
	COLLECT_FILE_VERIFIED, /* found in the outbox, identical, released */
	COLLECT_FILE_ALREADY /* released by an earlier run: not touched */
};

/* One file of the month, for the caller's report (borrowed strings). */
struct collect_file {
	enum collect_outcome outcome;
	const char *file_name;
	const char *path;
	const char *sha256;
	int64_t nb_of_txs;
	int64_t ctrl_sum;
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
 * .sha256), from the recorded rows only, then mark the batch released in
 * a transaction. A file already under the final name (crash before the
 * release) must be identical to the regeneration, else SEPA_ESTATE.
 * Released batches are reported, never written again; rejected ones are
 * skipped. One writer per creditor and month (a PostgreSQL advisory
 * lock): a concurrent run waits. on_file (may be
 * NULL) is called for each batch of the month, in part order; progress
 * (may be NULL) every 10,000 transactions written. `sum` is added to.
 */
int store_collect_write(struct db *db, int64_t creditor_id, sepa_month month,
    sepa_date today, const char *outbox, const char *schema_dir,
    collect_file_fn on_file, collect_progress_fn progress, void *arg,
    struct collect_summary *sum, sepa_error *err);
/* An event as read back (for the journal). */
struct event_row {
	int64_t id;
	char *kind;
	char *message;
	char month[SEPA_MONTH_BUFSZ]; /* "" when none */
	bool needs_attention;
	bool has_count;
	int64_t count;
	bool has_amount;
	int64_t amount_cents;
};

/*
 * The events of a creditor with id > after, oldest first (at most 1000
 * per call). Free with store_event_rows_free().
 */
int store_event_list_after(struct db *db, int64_t creditor_id, int64_t after,
    struct event_row **rows, size_t *count, sepa_error *err);
void store_event_rows_free(struct event_row *rows, size_t count);

/* An event that needs attention, as `sepactl attention list` shows it. */
struct attention_row {
	int64_t id;
	char business_date[SEPA_DATE_BUFSZ];
	char *kind;
	char *message;
	char acknowledged_on[SEPA_DATE_BUFSZ]; /* "" while open */
	char *note; /* "" while open */
};

/*
 * The creditor's events that need attention, oldest first: the open ones,
 * or all with their acknowledgement (`all`). Free with
 * store_attention_rows_free().
 */
int store_attention_list(struct db *db, int64_t creditor_id, bool all,
    struct attention_row **rows, size_t *count, sepa_error *err);
void store_attention_rows_free(struct attention_row *rows, size_t count);

/*
 * Acknowledge events that need attention, in one transaction: the `n`
 * ids given, or every open one when n is 0. Refused whole (SEPA_ENOTFOUND
 * or SEPA_ESTATE, nothing changed) when an id is not an event of the
 * creditor that needs attention, or is acknowledged already. *done gets
 * the number acknowledged.
 */
int store_attention_ack(struct db *db, int64_t creditor_id, const int64_t *ids,
    size_t n, sepa_date today, const char *note, int64_t *done,
    sepa_error *err);

/* ----------------------------------------------------------- notify.c */

/* Event kinds with a stable journal MESSAGE_ID (systemd/sepad.catalog). */
enum notify_msg {
	NOTIFY_STEP_STARTED,
	NOTIFY_STEP_FINISHED,
	NOTIFY_FILE_IMPORTED,
	NOTIFY_FILE_REFUSED,
	NOTIFY_PAIN008_RELEASED,
	NOTIFY_RETURNS_RECONCILED,
	NOTIFY_MANDATE_TERMINATED,
	NOTIFY_MANDATE_SUSPENDED,
	NOTIFY_RECOVERY_EXPORTED,
	NOTIFY_NEEDS_ATTENTION,
	NOTIFY_DAEMON_READY,
	NOTIFY_DB_DOWN,
	NOTIFY_DB_UP,
	NOTIFY_CONFIG
};

/* The structured fields of a journal entry; NULL/unset ones are left out. */
struct notify_event {
	const char *month; /* SEPAD_MONTH, "2026-10" */
	const char *step; /* SEPAD_STEP, "invoice", "collect"... */
	const char *file; /* SEPAD_FILE */
	const char *batch; /* SEPAD_BATCH (MsgId) */
	const char *rum; /* SEPAD_RUM */
	const char *reason; /* SEPAD_REASON (ISO reason code) */
	bool has_count;
	int64_t count; /* SEPAD_COUNT */
	bool has_amount;
	int64_t amount_cents; /* SEPAD_AMOUNT_CENTS */
};

#define NOTIFY_MAX_FIELDS 16
#define NOTIFY_FIELD_MAX 1152
/* The "NAME=value" strings of one entry (built by notify_build_fields). */
struct notify_fields_buf {
	size_t count;
	char text[NOTIFY_MAX_FIELDS][NOTIFY_FIELD_MAX];
};

/* foreground (-d): journal entries are printed as plain log lines. */
void notify_init(int foreground);
/* The 32-hex-digit MESSAGE_ID and a short name of a kind (static). */
const char *notify_msgid(enum notify_msg msg);
const char *notify_msg_name(enum notify_msg msg);
size_t notify_msg_count(void);
/* sd_notify: no-ops without NOTIFY_SOCKET. */
void notify_ready(void);
void notify_reloading(void); /* RELOADING=1 with MONOTONIC_USEC */
void notify_stopping(void);
void notify_watchdog(void);
void notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* WatchdogSec in microseconds, 0 when the watchdog is off. */
uint64_t notify_watchdog_usec(void);
/*
 * Replace every valid IBAN inside text by its masked form (FR76****0189),
 * in place: no full IBAN ever reaches the journal.
 */
void notify_mask_ibans(char *text);
/* Build the fields of an entry (for notify_journal and its tests). */
int notify_build_fields(struct notify_fields_buf *b, enum notify_msg msg,
    int priority, const struct notify_event *ev, const char *message);
/*
 * One structured journal entry (priority: LOG_INFO, LOG_WARNING...);
 * without a journal, or in the foreground, a plain log line instead. The
 * message has its IBANs masked.
 */
void notify_journal(enum notify_msg msg, int priority,
    const struct notify_event *ev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* ----------------------------------------------------- store_mandate.c */

/*
 * Definitions shared by the functions below:
 *   - collection month M is closed once a batch of M is 'prepared' or
 *     'released' (its content is fixed); the first open month follows the
 *     last closed one;
 *   - an earlier collection on a mandate "reached the debtor's bank" when
 *     its batch's collection month is before M and its state is neither
 *     'rejected' (refused before settlement) nor 'cancelled': pending,
 *     sent, settled, returned and refunded count.
 */

/* The account a collection month debits, and what it must declare. */
struct mandate_account {
	int64_t account_id; /* mandate_accounts.id: collections.account_id */
	char iban[SEPA_IBAN_BUFSZ];
	char bic[SEPA_BIC_BUFSZ]; /* "" when none was given */
	sepa_month applies_from;
	/*
	 * IBAN of the last earlier collection that reached the bank ("" when
	 * none); with a SEPA_AMEND_SAME_BANK amendment it is OrgnlDbtrAcct
	 * (collections.orig_iban); SEPA_AMEND_OTHER_BANK writes SMNDA.
	 */
	char last_debited_iban[SEPA_IBAN_BUFSZ];
	enum sepa_amendment amendment;
};

/*
 * The account to debit for collection month `collection_month` (the row
 * with the latest applies_from <= M) and the amendment to declare:
 * sepa_rule_amendment(last debited IBAN, account IBAN). The amendment is
 * carried exactly once: once a collection of an earlier month on the new
 * account reached the bank, it is the last debited account and the next
 * collection declares none; a rejected or cancelled carrier does not
 * count, so the next collection declares it again. Two changes before a
 * collection: the amendment refers to the account last debited.
 * SEPA_ENOTFOUND when the mandate has no account for that month.
 *
 * The collection run, for each mandate of month M, inside the transaction
 * that records the batch:
 *     store_mandate_account_for(db, cred, mandate_id, M, &acc, &err);
 *     store_mandate_sequence(db, cred, mandate_id, M, &rules, &seq, &err);
 *     INSERT the collection with account_id = acc.account_id, iban,
 *     bic, amendment, orig_iban = acc.last_debited_iban when same bank;
 *     if (acc.amendment != SEPA_AMEND_NONE)
 *         store_mandate_amendment_carried(db, cred, acc.account_id,
 *             collection_id, &err);
 * Mandates to collect are those in state 'active' whose ends_on is NULL
 * or not before the due date (run store_mandate_sweep first). The run
 * records a batch holding its creditor row FOR UPDATE (SELECT ... FROM
 * creditors WHERE id = $1 FOR UPDATE), the lock that
 * store_mandate_change_account takes shared: an account change then either
 * lands before the batch reads the accounts or sees the month closed.
 */
int store_mandate_account_for(struct db *db, int64_t creditor_id,
    int64_t mandate_id, sepa_month collection_month,
    struct mandate_account *out, sepa_error *err);

/*
 * FRST or RCUR for the mandate's collection of month M, by
 * sepa_rule_sequence: "used" when an earlier collection reached the bank
 * (see above; a rejected FRST leaves the next one FRST).
 */
int store_mandate_sequence(struct db *db, int64_t creditor_id,
    int64_t mandate_id, sepa_month collection_month, const sepa_rules *rules,
    enum sepa_seq *seq, sepa_error *err);

/*
 * Record that collection `collection_id` carries the amendment of account
 * `account_id` (mandate_accounts.amended_by_collection), in the caller's
 * transaction. A carrier that was later rejected or cancelled is
 * replaced; SEPA_ESTATE when another collection that reached the bank
 * already carried it, or the account is unknown.
 */
int store_mandate_amendment_carried(struct db *db, int64_t creditor_id,
    int64_t account_id, int64_t collection_id, sepa_error *err);

/* ------------------------------------------------------ store_cycle.c */

/*
 * The cycle's record (cycle_steps): the latest month `step` ran for
 * (month.year 0 when never); whether it ran for `month`; record that it
 * ran (with a "cycle.step" event), in a transaction of its own. `month`
 * is always the cycle month, the month on whose day the step is due:
 * the invoice step of M bills M - 1 (store_invoice_run records it too).
 */
int store_cycle_last(struct db *db, int64_t creditor_id, const char *step,
    sepa_month *month, sepa_error *err);
int store_cycle_done(struct db *db, int64_t creditor_id, const char *step,
    sepa_month month, int *done, sepa_error *err);
int store_cycle_mark(struct db *db, int64_t creditor_id, const char *step,
    sepa_month month, sepa_date today, sepa_error *err);
/*
 * For status: fn(arg, section, text) per row: "ran" (the latest five
 * steps), "attention" (batches recorded but not released, then the
 * latest `limit` events that need a human, newest first), and one
 * "attention-total" (the number of such events).
 */
int store_cycle_status(struct db *db, int64_t creditor_id, int limit,
    void (*fn)(void *arg, const char *section, const char *text), void *arg,
    sepa_error *err);

/* An account change as the family gave it (sepactl mandate change-account). */
struct mandate_change {
	const char *rum;
	const char *iban; /* normalised (sepa_iban_parse) */
	const char *bic; /* normalised (sepa_bic_parse), NULL or "": none */
	sepa_date received; /* the day the form arrived */
	sepa_date sent; /* the day the family sent it (<= received) */
};

struct mandate_change_result {
	int64_t mandate_id;
	int64_t account_id; /* the new mandate_accounts row */
	char rum[64]; /* as stored */
	sepa_month applies_from; /* first collection month on the new account */
	bool replaced; /* a change not yet debited gave way (last one wins) */
	bool reactivated; /* the mandate was suspended and is active again */
	/* "sent on 2026-10-06, after the 5th: applies from the 2026-11
	 * collection" */
	char why[256];
};

/*
 * Record a new account for a mandate, in one transaction with its
 * 'mandate.account_changed' event: applies_from =
 * sepa_rule_account_change_month(sent, first open month); any row from
 * that month on that no collection used is replaced (last one wins);
 * amendment_required is set when the mandate had an account before. A
 * suspended mandate becomes active ('mandate.reactivated'). Refused,
 * database unchanged: an invalid IBAN, sent after received, received
 * after `today`, a country outside SEPA (SEPA_EINVAL), the same IBAN as the account in force from
 * the latest change (SEPA_EINVAL), an unknown RUM (SEPA_ENOTFOUND), a
 * terminated or lapsed mandate (SEPA_ESTATE).
 */
int store_mandate_change_account(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, const struct mandate_change *chg, sepa_date today,
    struct mandate_change_result *res, sepa_error *err);

struct mandate_end_result {
	int64_t mandate_id;
	char rum[64];
	sepa_date ends_on; /* last day the mandate may be collected */
	bool terminated_now; /* --immediate, or an end already past */
	bool kept_earlier; /* an earlier scheduled end was kept */
	char why[256]; /* "letter received on 2026-06-29, before 30 June" */
};

/*
 * The family's letter: ends_on = sepa_rule_letter_end(received,
 * immediate), never later than an end already scheduled. The mandate stays
 * active until then (the collection run skips mandates whose ends_on is
 * before the due date; store_mandate_sweep terminates them after it);
 * immediate, or an end already past: terminated now. One transaction with
 * a 'mandate.terminated' or 'mandate.end_scheduled' event. Refused:
 * received after `today` (SEPA_EINVAL), unknown RUM (SEPA_ENOTFOUND),
 * already terminated or lapsed (SEPA_ESTATE).
 */
int store_mandate_terminate(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, const char *rum, sepa_date received,
    bool immediate, sepa_date today, struct mandate_end_result *res,
    sepa_error *err);

struct mandate_sweep_result {
	int64_t terminated; /* ends_on passed: 'family letter' */
	int64_t lapsed; /* unused lapse_months months */
};

/*
 * The lifecycle sweep the cycle runs each business day, before the
 * collection run: active or suspended mandates whose ends_on < today are
 * terminated ('family letter'); those whose last use (due date of the
 * last collection not cancelled, else the signature date) is more than
 * rules->lapse_months months before today (sepa_rule_lapsed) lapse
 * ('unused N months'). One transaction; one event per mandate
 * ('mandate.terminated', 'mandate.lapsed'). The change of school year is
 * not an end: mandates renew by themselves.
 */
int store_mandate_sweep(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, sepa_date today, struct mandate_sweep_result *res,
    sepa_error *err);

/* One account of a mandate, for `sepactl mandate show`. */
struct mandate_history {
	int64_t id;
	char iban[SEPA_IBAN_BUFSZ];
	char bic[SEPA_BIC_BUFSZ];
	sepa_month applies_from;
	sepa_date received_on;
	bool amendment_required;
	char carried_by[36]; /* EndToEndId of the carrier, "" when none */
	sepa_month carried_month; /* its collection month */
	bool debited; /* a collection on it reached the bank */
};

/* What `sepactl mandate show` prints; free with store_mandate_info_free. */
struct mandate_info {
	int64_t id;
	char rum[64];
	char family_ref[128];
	char payer_name[256];
	sepa_date signed_on;
	char state[16];
	char reason[128];
	sepa_date since; /* year 0: never changed */
	sepa_date ends_on; /* year 0: no end scheduled */
	sepa_date last_use; /* last collection presented, else signature */
	sepa_date usable_until; /* lapses the day after, unless collected */
	size_t naccounts;
	struct mandate_history *accounts; /* oldest first, owned */
	bool has_last; /* a collection exists */
	sepa_month last_month;
	sepa_date last_due;
	char last_state[16];
	char last_seq[8];
	char last_reason[8];
	char last_iban[SEPA_IBAN_BUFSZ];
	int64_t last_amount;
	sepa_month next_month; /* first open collection month */
	enum sepa_seq next_seq;
	bool has_next_account;
	struct mandate_account next_account;
	int school_year; /* of `today` */
	int64_t rejects; /* rejected, returned, refunded, counted codes */
};

/*
 * Everything known about the mandate of `rum`: accounts, last collection,
 * next collection (first open month: sequence, account, amendment), and
 * the rejects counted in today's school year (collections rejected,
 * returned or refunded with a due date in it, except the codes of
 * `not_counted`, rejections.creditor_side_codes). SEPA_ENOTFOUND for an
 * unknown RUM.
 */
int store_mandate_show(struct db *db, int64_t creditor_id,
    const sepa_rules *rules, const struct config_strlist *not_counted,
    const char *rum, sepa_date today, struct mandate_info *info,
    sepa_error *err);
void store_mandate_info_free(struct mandate_info *info);

/* One row of `sepactl mandate list`; strings valid during the callback. */
struct mandate_list_row {
	const char *rum;
	const char *family_ref;
	const char *payer_name;
	const char *state;
	const char *reason; /* "" when active */
	sepa_date signed_on;
	sepa_date since; /* year 0: none */
	sepa_date ends_on; /* year 0: none */
	const char *iban; /* account of today's month, "" when none yet */
};

/*
 * Call fn for each mandate (in `state` when not NULL), by RUM; a non-zero
 * return of fn stops and is returned.
 */
int store_mandate_list(struct db *db, int64_t creditor_id, const char *state,
    sepa_date today, int (*fn)(void *arg, const struct mandate_list_row *row),
    void *arg, sepa_error *err);

/* ----------------------------------------------------- store_import.c */

/* The CSV files `sepactl import` takes (PRODUCT.md section 4). */
enum import_kind {
	IMPORT_FAMILIES = 0,
	IMPORT_MANDATES = 1,
	IMPORT_TARIFFS = 2,
	IMPORT_CONSUMPTION = 3
};

/* state_reason of a mandate ended for too many rejects in a school year. */
#define STORE_REASON_TWO_REJECTS "two rejects"

/* Problems kept for the report; the rest are only counted. */
#define IMPORT_MAX_ISSUES 100

/* One problem of one row: column "" when it concerns the whole row. */
struct import_issue {
	long line; /* physical line of the file */
	char column[32];
	char value[96]; /* as written, clipped */
	char reason[400];
};

/*
 * The outcome of store_import_file. `already`: the same bytes were
 * imported before as file #file_id on already_on, and nothing was done.
 * Otherwise file_id is the new imported_files row (0 when refused).
 * rows_inserted / rows_updated count the rows of the kind's table
 * (families inserted and updated; mandates, tariffs or consumption lines
 * inserted); `created` counts what was created on the side: mandate
 * accounts, services, children. bad_rows counts refused rows, issues_total
 * every problem found, of which the first IMPORT_MAX_ISSUES are in issues
 * (C checks in file order, then the database checks by line).
 */
struct import_result {
	int already;
	char already_on[SEPA_DATE_BUFSZ];
	int64_t file_id;
	int64_t rows_total;
	int64_t rows_inserted;
	int64_t rows_updated;
	int64_t created;
	int64_t bad_rows;
	int64_t issues_total;
	size_t nissues;
	struct import_issue issues[IMPORT_MAX_ISSUES];
};

/* "families", "mandates", ... (static); NULL for an unknown kind. */
const char *store_import_kind_name(enum import_kind kind);
/* The kind named `name`; SEPA_EINVAL when there is none. */
int store_import_kind_parse(enum import_kind *out, const char *name);
/*
 * Import the CSV file `path` of `kind` for the creditor, in one
 * transaction: 0 when imported (or already imported: res->already), with
 * the counts in *res; SEPA_EINVAL when refused: either bad rows
 * (res->bad_rows > 0, the problems in res->issues) or a problem of the
 * whole file (err says which: empty, missing column, no data row);
 * SEPA_EIO for an unreadable file or a database failure. When refused
 * the database is left exactly as it was. `encoding` is enum
 * sepa_csv_encoding; `today` is the business date (a mandate signed
 * after it is refused, and the rule on new mandates after two rejects).
 * A mandate's first account applies from the month of signed_on and is
 * received on signed_on. *res is large: allocate it on the heap.
 */
int store_import_file(struct db *db, int64_t creditor_id, enum import_kind kind,
    const char *path, int encoding, sepa_date today, struct import_result *res,
    sepa_error *err);

/* --------------------------------------------------- sepactl commands */

/* Exit status of sepactl (PRODUCT.md section 6). */
enum ctl_status {
	CTL_OK = 0,
	CTL_REFUSED = 1, /* the input was refused */
	CTL_USAGE = 2, /* bad command line */
	CTL_INTERNAL = 3 /* internal or database error */
};

/* What every command gets. */
struct ctl {
	const char *progname;
	const char *config_path; /* NULL: built-in defaults */
	struct sepad_config cfg;
	sepa_date today; /* --today, SEPAD_TODAY, else the local date */
	struct db *db; /* opened by ctl_db() */
};

struct ctl_command {
	const char *name;
	const char *args; /* usage after the name */
	const char *summary;
	const char *help; /* paragraph for `sepactl COMMAND --help` */
	int (*run)(
	    struct ctl *ctl, int argc, char **argv); /* enum ctl_status */
};

/* commands.c: the command table (sepactl's, run in-process by sepad). */
const struct ctl_command *ctl_commands(size_t *count);
const struct ctl_command *ctl_command_find(const char *name);

/* sepactl.c helpers, for the commands (in libsepad.a: ctl.c). */
int ctl_db(struct ctl *ctl, struct db **out);
/* The same without a message: *err says why (sepad retries quietly). */
int ctl_db_open(struct ctl *ctl, struct db **out, sepa_error *err);
/* A record or event id typed by the operator: a positive decimal number
 * (0), else -1. */
int ctl_parse_id(const char *s, int64_t *id);
int ctl_fail(int status, const sepa_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* cmd_inspect.c */
int cmd_inspect(struct ctl *ctl, int argc, char **argv);
/* cmd_returns.c: import returns, recovery export, report */
/* Open the database and find the configured creditor (only its ICS is
 * needed), or say what to do (enum ctl_status). */
int ctl_returns_creditor(struct ctl *ctl, struct db **db, int64_t *id);
/* The contract's rules on returns, from the configuration (pointers into
 * ctl->cfg). */
void ctl_returns_policy(struct ctl *ctl, struct returns_policy *pol);
int cmd_import_returns(struct ctl *ctl, int argc, char **argv);
int cmd_recovery(struct ctl *ctl, int argc, char **argv);
/* Export the invoices due for recovery (recovery export, cycle). */
int ctl_recovery_export(struct ctl *ctl);
int cmd_report(struct ctl *ctl, int argc, char **argv);
/* cmd_quarantine.c: quarantine list|apply|dismiss */
int cmd_quarantine(struct ctl *ctl, int argc, char **argv);
/* cmd_attention.c: attention list|ack */
int cmd_attention(struct ctl *ctl, int argc, char **argv);
/* cmd_init.c */
int cmd_init(struct ctl *ctl, int argc, char **argv);
/* cmd_status.c */
int cmd_status(struct ctl *ctl, int argc, char **argv);
/* cmd_db.c */
int cmd_db(struct ctl *ctl, int argc, char **argv);
/* cmd_collect.c */
int cmd_collect(struct ctl *ctl, int argc, char **argv);
/* Collect one month (collect and the cycle): enum ctl_status. */
int ctl_collect_month(struct ctl *ctl, sepa_month month);
/* cmd_cycle.c */
int cmd_cycle(struct ctl *ctl, int argc, char **argv);
/* "next: STEP of MONTH on DATE" for each step of the cycle (status). */
int ctl_cycle_next(struct ctl *ctl, int64_t creditor, FILE *out);
/* cmd_mandate.c */
int cmd_mandate(struct ctl *ctl, int argc, char **argv);
/* cmd_import.c */
int cmd_import(struct ctl *ctl, int argc, char **argv);

/* ------------------------------------------------------ store_invoice.c */

/* What `invoice run` needs beside the database. */
struct invoice_run_opts {
	sepa_month month; /* the CONSUMPTION month billed (M-1) */
	sepa_date today; /* business date: issue date and notice date */
	sepa_rules rules; /* due_day, prenotification_days */
	enum sepa_hour_rounding rounding; /* billing.hour_rounding */
	bool represent_unpaid; /* rejections.represent_on_next_invoice */
};

struct invoice_run_result {
	bool already; /* the month was invoiced before: nothing changed */
	int64_t invoices; /* the month's invoices (issued now or before) */
	int64_t without_mandate; /* of which payable by other means */
	int64_t total_cents;
	int64_t lines; /* consumption and regularisation lines created */
	int64_t regularisations;
	int64_t reminders;
	int64_t consumption_lines; /* input lines billed */
	sepa_date due; /* the due date of the month's invoices */
};

/*
 * Bill month o->month (consumption month; collected in the next month),
 * in one transaction: one invoice per family with something to bill,
 * numbered F<YYYY-MM>-<NNNNNN> in family_ref order, due on
 * sepa_rule_due_date(next month, o->today), with the family's mandate
 * active on the due date (NULL: payable by other means). Records the
 * 'invoice' cycle step (month = the consumption month) and an
 * "invoice.run" event. A month invoiced before is left as it is
 * (r->already, with its figures). SEPA_EINVAL: the month is not over on
 * o->today, or a consumption line has no tariff (the message names the
 * service, bracket, date, family, file and line); nothing is changed.
 */
int store_invoice_run(struct db *db, int64_t creditor_id,
    const struct invoice_run_opts *o, struct invoice_run_result *r,
    sepa_error *err);

enum invoice_line_kind {
	INVOICE_LINE_CONSUMPTION = 0,
	INVOICE_LINE_REGULARISATION = 1,
	INVOICE_LINE_REMINDER = 2
};

struct invoice_doc_line {
	enum invoice_line_kind kind;
	char child[128]; /* child's name ("" for a reminder) */
	char service[64]; /* service code */
	char unit[8]; /* meal, slot, hour */
	sepa_month consumed_month;
	int64_t quantity_milli;
	int64_t unit_price_cents;
	int64_t amount_cents;
	char reminded_number[40]; /* reminder: the unpaid invoice */
	sepa_month reminded_month;
};

/* One invoice as the notices need it (strings owned by the reader). */
struct invoice_doc {
	int64_t id;
	const char *number;
	sepa_month month;
	sepa_date issued_on;
	sepa_date due_on;
	int64_t total_cents;
	int64_t paid_cents; /* payments by other means */
	char state[16];
	const char *family_ref, *payer, *street, *building, *postcode, *town,
	    *country, *email;
	bool has_mandate;
	const char *rum; /* "" without mandate */
	const char *iban; /* account debited on the due date, or "" */
	size_t nlines;
	struct invoice_doc_line *lines;
	char *strings; /* storage of the strings above */
};

/*
 * Call fn for each invoice of `month` in number order, in one read-only
 * snapshot, streamed (memory holds one invoice). fn's non-zero return
 * stops the walk and is returned.
 */
int store_invoice_each(struct db *db, int64_t creditor_id, sepa_month month,
    int (*fn)(const struct invoice_doc *doc, void *arg, sepa_error *err),
    void *arg, sepa_error *err);

/* ------------------------------------------------------ store_payment.c */

enum payment_method {
	PAYMENT_CHEQUE = 0,
	PAYMENT_CASH,
	PAYMENT_TRANSFER,
	PAYMENT_CARD,
	PAYMENT_OTHER
};

struct payment_result {
	int64_t payment_id;
	int64_t total_cents; /* the invoice's total */
	int64_t paid_cents; /* paid by other means, this payment included */
	int64_t due_cents; /* still due */
	bool fully_paid; /* the invoice moved to 'paid' */
	char state[16]; /* the invoice's state after the payment */
};

/*
 * Record a payment by other means on invoice `number`, in one
 * transaction; when it settles the invoice, the invoice moves to 'paid'
 * (which stops the reminder and recovery chain). Refused (nothing
 * changed): SEPA_ENOTFOUND unknown invoice; SEPA_EINVAL amount <= 0, more
 * than what is due, a date after `today`; SEPA_ESTATE an invoice paid,
 * cancelled or being collected. `reference` may be NULL.
 */
int store_payment_record(struct db *db, int64_t creditor_id, const char *number,
    int64_t amount_cents, sepa_date paid_on, enum payment_method method,
    const char *reference, sepa_date today, struct payment_result *r,
    sepa_error *err);
/* "cheque", "cash", ...; parse: SEPA_EINVAL listing the valid names. */
const char *payment_method_name(enum payment_method m);
int payment_method_parse(
    enum payment_method *m, const char *s, sepa_error *err);

/* ------------------------------------------------------------ afile.c */

/*
 * A file written atomically: created as PATH.tmp-PID beside its final
 * name, renamed over it by afile_commit after fflush and fsync (the
 * directory is fsynced after the rename). afile_abort removes the
 * temporary file. `fp` is for writing; `mode` is the new file's mode
 * (before the umask).
 */
struct afile {
	FILE *fp;
	char *path;
	char *tmp;
};
int afile_open(
    struct afile *af, const char *path, mode_t mode, sepa_error *err);
int afile_commit(struct afile *af, sepa_error *err);
void afile_abort(struct afile *af);
/* fsync a directory. */
int afile_sync_dir(const char *dir, sepa_error *err);
/* mkdir -p with mode 0755 (existing directories are fine). */
int afile_mkdirs(const char *dir, sepa_error *err);

/* ----------------------------------------------------------- notice.c */

/* Characters (not bytes) of a UTF-8 string. */
size_t notice_width(const char *s);
/* s left-aligned (right when `right`) in a field of `w` characters (for
 * the notices' and the terminal's tables). */
void notice_cell(FILE *fp, const char *s, size_t w, int right);

/* The creditor as the notices show it (strings borrowed). */
struct notice_creditor {
	const char *name, *ics, *street, *building, *postcode, *town;
};

/*
 * Write one notice (avis d'échéance) to fp, plain UTF-8 French text.
 */
int notice_write(FILE *fp, const struct notice_creditor *cred,
    const struct invoice_doc *doc, sepa_error *err);
/*
 * Write the notices of `month` under outbox: notices/YYYY-MM/NUMBER.txt,
 * all of them built in a temporary directory, synced, then put in place
 * by a rename (the month's set appears whole), and
 * notices/notices-YYYY-MM.csv for mail merge (atomic file). Running it
 * again writes the same bytes. *count gets the number of notices.
 */
int notice_write_month(struct db *db, int64_t creditor_id,
    const struct notice_creditor *cred, sepa_month month, const char *outbox,
    int64_t *count, sepa_error *err);

/* cmd_invoice.c */
int cmd_invoice(struct ctl *ctl, int argc, char **argv);
/* Bill a consumption month and write its notices (invoice run, cycle). */
int ctl_invoice_month(struct ctl *ctl, sepa_month month);
/* cmd_payment.c */
int cmd_payment(struct ctl *ctl, int argc, char **argv);

#endif /* SEPAD_H */
