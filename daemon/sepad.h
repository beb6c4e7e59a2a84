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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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

	int export_day;
	int due_day;
	int prenotification_days;
	int first_sequence; /* enum config_sequence */

	int pain_version; /* enum config_pain */
	int64_t max_transactions_per_file; /* 0: no limit */
	int64_t max_amount_per_file; /* cents, 0: no limit */
	bool batch_booking;

	bool represent_on_next_invoice;
	int max_rejects_per_school_year;
	struct config_strlist creditor_side_codes;
	struct config_strlist dead_account_codes;

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

/* sepactl.c helpers, for the commands (in libsepad.a: ctl.c). */
int ctl_db(struct ctl *ctl, struct db **out);
int ctl_fail(int status, const sepa_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* cmd_init.c */
int cmd_init(struct ctl *ctl, int argc, char **argv);
/* cmd_status.c */
int cmd_status(struct ctl *ctl, int argc, char **argv);
/* cmd_db.c */
int cmd_db(struct ctl *ctl, int argc, char **argv);

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
 * temporary file. `fp` is for writing.
 */
struct afile {
	FILE *fp;
	char *path;
	char *tmp;
};
int afile_open(struct afile *af, const char *path, sepa_error *err);
int afile_commit(struct afile *af, sepa_error *err);
void afile_abort(struct afile *af);
/* fsync a directory. */
int afile_sync_dir(const char *dir, sepa_error *err);
/* mkdir -p with mode 0755 (existing directories are fine). */
int afile_mkdirs(const char *dir, sepa_error *err);

/* ----------------------------------------------------------- notice.c */

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
/* cmd_payment.c */
int cmd_payment(struct ctl *ctl, int argc, char **argv);

#endif /* SEPAD_H */
