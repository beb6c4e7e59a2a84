/*
 * config.h - sepad.conf (config.c): the settings, their loading and
 * checks, the table of keys, and the contract's rules built from them.
 */
#ifndef SEPAD_CONFIG_H
#define SEPAD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sepa/caf.h"
#include "sepa/error.h"
#include "sepa/ident.h"
#include "sepa/rules.h"

/* A list of strings from the configuration (owned by the config). */
struct config_strlist {
	char **items;
	size_t count;
};

enum config_rounding { CONFIG_ROUND_UP = 0, CONFIG_ROUND_NONE = 1 };
enum config_sequence { CONFIG_SEQ_FRST = 0, CONFIG_SEQ_RCUR = 1 };
enum config_pain { CONFIG_PAIN_001_08 = 0, CONFIG_PAIN_001_02 = 1 };
enum config_encoding { CONFIG_ENC_UTF8 = 0, CONFIG_ENC_CP1252 = 1 };
enum config_zone { CONFIG_ZONE_A = 0, CONFIG_ZONE_B = 1, CONFIG_ZONE_C = 2 };
/* export.*: the dialect of the CSV files for people (csvout.h) */
enum config_separator {
	CONFIG_SEP_SEMICOLON = 0,
	CONFIG_SEP_COMMA = 1,
	CONFIG_SEP_TAB = 2
};
enum config_eol { CONFIG_EOL_CRLF = 0, CONFIG_EOL_LF = 1 };
enum config_decimal { CONFIG_DECIMAL_COMMA = 0, CONFIG_DECIMAL_POINT = 1 };
enum config_dates { CONFIG_DATES_FR = 0, CONFIG_DATES_ISO = 1 };
enum config_channel { CONFIG_CHANNEL_PAIN008 = 0, CONFIG_CHANNEL_PES = 1 };

/* What the comptable books a service's revenue under (pes.products). */
struct config_pes_product {
	char *service; /* a service code, or "*" for every other one */
	char *cod_prod_loc; /* CodProdLoc */
	char *nature; /* Nature */
};
struct config_pes_products {
	struct config_pes_product *items;
	size_t count;
};

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
	int credit_refund_after_months;
	int wait_for_consumption; /* bool */
	int consumption_wait_days;

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
	int recovery_grace_days;
	bool returns_accept_unqualified; /* bank files without a namespace */
	int settle_after_days; /* TARGET2 days after the due date */

	int import_encoding; /* enum config_encoding */

	/* documents.*: what the families' PDF documents show */
	char *doc_logo; /* PNG, "" for none */
	char *doc_department;
	char *doc_phone;
	char *doc_email;
	char *doc_hours;
	char *doc_mayor;
	char *doc_appeal;

	/* mail.*: the SMTP relay of `sepactl notices send` */
	char *mail_host; /* "" : no e-mail */
	int mail_port;
	bool mail_starttls;
	char *mail_user;
	char *mail_password_file;
	char *mail_from;
	int mail_per_minute;
	/* The yearly declaration to the CAF (sepactl report caf). */
	int caf_zone; /* enum config_zone */
	char *caf_holidays; /* the school holiday calendar */
	int caf_hours_per_day; /* 1 journée = 10 heures */
	sepa_caf_bands caf_age_bands;
	/* export.*: the CSV files for people (csvout.h) */
	int export_separator; /* enum config_separator */
	bool export_bom;
	int export_line_end; /* enum config_eol */
	int export_decimal; /* enum config_decimal */
	int export_dates; /* enum config_dates */

	/* treasury.channel and pes.*: the PES V2 flows to the comptable */
	int treasury_channel; /* enum config_channel */
	char *pes_siret; /* IdColl */
	char *pes_cod_col;
	char *pes_cod_bud;
	char *pes_id_post;
	char *pes_civility; /* Civilite of every debtor */
	char *pes_recovery_nature; /* Nature of the recovery titres, or "" */
	struct config_pes_products pes_products;
	/* web.*: the console sepad serves (daemon/web.c) */
	bool web_enabled;
	char *web_address; /* an IPv4 or IPv6 address */
	int web_port;
	char *web_socket; /* a unix socket instead of the address ("": none) */
	bool web_behind_proxy; /* TLS is the reverse proxy's: Secure cookie */
	char *web_root; /* the pages ("": the ones installed with sepad) */
	int web_threads;
	int web_session_idle_minutes;
	int web_max_failed_logins;
	int web_lockout_minutes;
	int web_max_body_kb;
	int web_max_upload_kb; /* a bank file sent from the console */
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
/* The BIC rule of the configured pain.008 version (sepa_bic_parse). */
enum sepa_bic_rule config_bic_rule(const struct sepad_config *cfg);
/*
 * The CodProdLoc and Nature of service `code` (pes.products: its own
 * entry, else the "*" one), or NULL when the configuration has none.
 */
const struct config_pes_product *config_pes_product(
    const struct sepad_config *cfg, const char *code);
/* Whether address is a loopback address (127.0.0.0/8, ::1), 0 when not
 * or when it is no address at all. */
int config_is_loopback(const char *address);
/* Whether the creditor part is complete; SEPA_EINVAL says what is missing. */
int config_require_creditor(const struct sepad_config *cfg, sepa_error *err);
/* The creditor keys config_require_creditor needs. */
#define CONFIG_CREDITOR_KEYS 5
/* Every creditor key config_require_creditor finds missing, one error
 * each into errs (at most max); returns how many (0: complete). */
size_t config_creditor_missing(
    const struct sepad_config *cfg, sepa_error *errs, size_t max);

#endif /* SEPAD_CONFIG_H */
