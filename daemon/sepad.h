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
int ctl_fail(int status, const sepa_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* cmd_init.c */
int cmd_init(struct ctl *ctl, int argc, char **argv);
/* cmd_status.c */
int cmd_status(struct ctl *ctl, int argc, char **argv);
/* cmd_db.c */
int cmd_db(struct ctl *ctl, int argc, char **argv);

#endif /* SEPAD_H */
