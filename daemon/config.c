/*
 * config.c - sepad.conf: one declarative table of keys drives the libconfig
 * lookups, defaults, type and range checks, the "file:line: ..." error list
 * and the documentation check of conf/sepad.conf.example.
 */
#include <ctype.h>
#include <arpa/inet.h>
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sepa/caf.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/iban.h"
#include "sepa/ident.h"
#include "sepa/pes.h"
#include "sepa/reasons.h"
#include "sepa/rules.h"
#include "config.h"
#include "i18n.h"
#include "log.h"

enum cfg_type {
	CFG_STR, /* free text */
	CFG_PATH, /* text; a relative path is made absolute */
	CFG_INT, /* int within min..max */
	CFG_INT64, /* int64_t within min..max */
	CFG_EUROS, /* whole euros within min..max, stored as int64_t cents */
	CFG_BOOL,
	CFG_ENUM, /* one of `choices` (any case), stored as its index (int) */
	CFG_CODES, /* list of ISO reason codes (4 upper-case alphanumerics) */
	CFG_COUNTRY, /* ISO 3166 alpha-2 country code */
	CFG_MONTHDAY, /* "MM-DD", a day of January..August, stored as int MMDD */
	CFG_AGES, /* array of ascending ages, stored as sepa_caf_bands */
	CFG_PRODUCTS /* list of { service; cod_prod_loc; nature; } groups */
};

struct cfg_key {
	const char *name;
	enum cfg_type type;
	size_t offset;
	const char *sdef; /* default of text, path, enum and list keys */
	int64_t idef; /* default of numbers and booleans */
	int64_t min, max;
	bool reloadable;
	const char *const *choices; /* CFG_ENUM, NULL-terminated */
	const char *doc;
};

static const char *const cfg_rounding[] = {"up", "none", NULL};
static const char *const cfg_sequence[] = {"FRST", "RCUR", NULL};
static const char *const cfg_pain[] = {"001.08", "001.02", NULL};
static const char *const cfg_encoding[] = {"UTF-8", "WINDOWS-1252", NULL};
static const char *const cfg_zone[] = {"A", "B", "C", NULL};
static const char *const cfg_separator[] = {";", ",", "tab", NULL};
static const char *const cfg_eol[] = {"CRLF", "LF", NULL};
static const char *const cfg_decimal[] = {",", ".", NULL};
static const char *const cfg_dates[] = {"DD/MM/YYYY", "YYYY-MM-DD", NULL};
static const char *const cfg_channel[] = {"pain008", "pes", NULL};

#define OFF(f) offsetof(struct sepad_config, f)
#define S(n, t, f, d, r, doc) \
	{ \
		n, t, OFF(f), d, 0, 0, 0, r, NULL, doc \
	}
#define I(n, t, f, d, lo, hi, r, doc) \
	{ \
		n, t, OFF(f), NULL, d, lo, hi, r, NULL, doc \
	}
#define E(n, f, d, ch, r, doc) \
	{ \
		n, CFG_ENUM, OFF(f), d, 0, 0, 0, r, ch, doc \
	}

static const struct cfg_key cfg_table[] = {
    S("database.conninfo", CFG_STR, db_conninfo, "", false,
        "libpq connection string; empty: the private cluster in data_dir"),
    S("database.data_dir", CFG_PATH, db_data_dir, "var/pg", false,
        "directory of the private PostgreSQL cluster"),
    S("creditor.name", CFG_STR, cred_name, "", true,
        "creditor name sent to the bank (the commune)"),
    S("creditor.ics", CFG_STR, cred_ics, "", false,
        "SEPA creditor identifier (ICS)"),
    S("creditor.iban", CFG_STR, cred_iban, "", false,
        "account credited by the collections"),
    S("creditor.bic", CFG_STR, cred_bic, "", false,
        "BIC of the creditor's bank (optional)"),
    S("creditor.address.street", CFG_STR, cred_street, "", true,
        "street name of the creditor address"),
    S("creditor.address.building", CFG_STR, cred_building, "", true,
        "building number in the street"),
    S("creditor.address.postcode", CFG_STR, cred_postcode, "", true,
        "postcode of the creditor address"),
    S("creditor.address.town", CFG_STR, cred_town, "", true,
        "town of the creditor address"),
    S("creditor.address.country", CFG_COUNTRY, cred_country, "FR", true,
        "ISO 3166 country code"),
    S("directories.inbox", CFG_PATH, dir_inbox, "var/inbox", true,
        "where files to import arrive"),
    S("directories.outbox", CFG_PATH, dir_outbox, "var/outbox", true,
        "where pain.008 files and notices are written for the treasury"),
    S("directories.archive", CFG_PATH, dir_archive, "var/archive", true,
        "where processed input files are kept"),
    S("directories.rejected", CFG_PATH, dir_rejected, "var/rejected", true,
        "where refused input files are moved"),
    I("billing.invoice_day", CFG_INT, invoice_day, 1, 1, 28, true,
        "day of month M on which M-1 is invoiced"),
    E("billing.hour_rounding", hour_rounding, "up", cfg_rounding, true,
        "hour services: round up per child, service and day, or not"),
    I("billing.credit_refund_after_months", CFG_INT, credit_refund_after_months,
        3, 1, 36, true,
        "a family's credit with no invoice for this many months is listed "
        "for refund"),
    I("billing.wait_for_consumption", CFG_BOOL, wait_for_consumption, 1, 0, 1,
        true,
        "the cycle bills a month once a consumption file of that month is "
        "imported"),
    I("billing.wait_for_consumption_days", CFG_INT, consumption_wait_days, 10,
        0, 28, true,
        "days after the invoice day the cycle waits, then bills what it has"),
    I("mandates.account_change_cutoff_day", CFG_INT, account_change_cutoff_day,
        5, 1, 28, true,
        "last day of month M an account change applies to M's collection"),
    I("mandates.lapse_months", CFG_INT, lapse_months, 36, 1, 36, true,
        "a mandate unused this many months lapses"),
    S("mandates.letter_deadline", CFG_MONTHDAY, letter_deadline, "06-30", true,
        "a family's letter received before this day (MM-DD) ends the mandate "
        "on 31 August"),
    I("collection.export_day", CFG_INT, export_day, 6, 1, 28, true,
        "day of month M the pain.008 is written"),
    I("collection.due_day", CFG_INT, due_day, 15, 1, 28, true,
        "due day of month M, moved to a TARGET2 business day"),
    I("collection.prenotification_days", CFG_INT, prenotification_days, 14, 1,
        60, true, "calendar days between the notice and the due date"),
    I("collection.bank_lead_days", CFG_INT, bank_lead_days, 2, 1, 10, true,
        "TARGET2 business days the bank needs before the due date"),
    E("collection.first_sequence", first_sequence, "FRST", cfg_sequence, true,
        "sequence type of a mandate's first collection"),
    E("bank.pain_version", pain_version, "001.08", cfg_pain, true,
        "pain.008 version of the exported files"),
    I("bank.max_transactions_per_file", CFG_INT64, max_transactions_per_file, 0,
        0, 10000000, true,
        "split files above this many transactions (0: no limit)"),
    I("bank.max_amount_per_file", CFG_EUROS, max_amount_per_file, 0, 0,
        999999999, true,
        "split files above this amount in euros (0: no limit)"),
    I("bank.batch_booking", CFG_BOOL, batch_booking, 1, 0, 1, true,
        "ask the bank for one booking per batch"),
    I("rejections.represent_on_next_invoice", CFG_BOOL,
        represent_on_next_invoice, 1, 0, 1, true,
        "an unpaid amount is a reminder line on the next invoice"),
    I("rejections.max_per_school_year", CFG_INT, max_rejects_per_school_year, 2,
        1, 10, true, "rejects in one school year that end the mandate"),
    S("rejections.creditor_side_codes", CFG_CODES, creditor_side_codes,
        "AM05 FF01 BE05 FOCR AG02 FF05 DUPL RR03", true,
        "reason codes caused by the creditor, not counted against the family"),
    S("rejections.dead_account_codes", CFG_CODES, dead_account_codes,
        "AC01 AC04 AC06 AG01 MD01 MD07 DNOR SL01", true,
        "reason codes that suspend the mandate until new bank details"),
    I("rejections.recovery_grace_days", CFG_INT, recovery_grace_days, 0, 0, 365,
        true,
        "days after a reminder's due date before an unpaid invoice goes to "
        "recovery"),
    I("returns.accept_unqualified", CFG_BOOL, returns_accept_unqualified, 0, 0,
        1, true,
        "import bank files whose XML has no namespace (message version "
        "unknown)"),
    I("returns.settle_after_business_days", CFG_INT, settle_after_days, 5, 0,
        30, true,
        "TARGET2 days after the due date a debit the bank did not answer is "
        "presumed settled"),
    E("import.encoding", import_encoding, "UTF-8", cfg_encoding, true,
        "encoding of imported CSV files"),
    S("documents.logo", CFG_PATH, doc_logo, "", true,
        "PNG image printed at the top of the families' documents (optional)"),
    S("documents.department", CFG_STR, doc_department, "", true,
        "the service that bills, under the commune's name"),
    S("documents.phone", CFG_STR, doc_phone, "", true,
        "telephone number printed on the families' documents"),
    S("documents.email", CFG_STR, doc_email, "", true,
        "e-mail address printed on the families' documents"),
    S("documents.hours", CFG_STR, doc_hours, "", true,
        "opening hours printed on the families' documents"),
    S("documents.mayor", CFG_STR, doc_mayor, "Monsieur le Maire", true,
        "to whom questions about an invoice are addressed"),
    S("documents.appeal_address", CFG_STR, doc_appeal, "", true,
        "where an amicable appeal is sent (empty: the mayor at the "
        "creditor's address)"),
    S("mail.host", CFG_STR, mail_host, "", true,
        "SMTP relay that sends the notices by e-mail (empty: none)"),
    I("mail.port", CFG_INT, mail_port, 587, 1, 65535, true,
        "port of the SMTP relay"),
    I("mail.starttls", CFG_BOOL, mail_starttls, 1, 0, 1, true,
        "require STARTTLS before anything is sent"),
    S("mail.user", CFG_STR, mail_user, "", true,
        "login on the relay (empty: none)"),
    S("mail.password_file", CFG_PATH, mail_password_file, "", true,
        "file whose first line is the relay password"),
    S("mail.from", CFG_STR, mail_from, "", true,
        "sender address of the e-mails to the families"),
    I("mail.per_minute", CFG_INT, mail_per_minute, 60, 1, 100000, true,
        "at most this many e-mails a minute"),
    E("caf.zone", caf_zone, "B", cfg_zone, true,
        "school holiday zone of the commune (A, B or C), for the CAF periods"),
    S("caf.holidays", CFG_PATH, caf_holidays, "conf/vacances-scolaires.csv",
        true, "school holiday calendar: zone;name;first_day;last_day"),
    I("caf.hours_per_day", CFG_INT, caf_hours_per_day, 10, 1,
        SEPA_CAF_MAX_HOURS_PER_DAY, true,
        "hours the CAF counts for a day of a service billed per day"),
    S("caf.age_bands", CFG_AGES, caf_age_bands, "6", true,
        "ages at which the CAF age bands start (6: under 6, 6 and over)"),
    E("export.separator", export_separator, ";", cfg_separator, true,
        "field separator of the CSV files for people: \";\", \",\" or "
        "\"tab\""),
    I("export.bom", CFG_BOOL, export_bom, 1, 0, 1, true,
        "start the CSV files with a UTF-8 byte-order mark (Excel needs it "
        "to read UTF-8)"),
    E("export.line_end", export_line_end, "CRLF", cfg_eol, true,
        "line end of the CSV files for people: \"CRLF\" or \"LF\""),
    E("export.decimal_mark", export_decimal, ",", cfg_decimal, true,
        "decimal mark of the amounts and quantities in the CSV files: "
        "\",\" or \".\""),
    E("export.date_format", export_dates, "DD/MM/YYYY", cfg_dates, true,
        "dates in the CSV files: \"DD/MM/YYYY\" or \"YYYY-MM-DD\""),
    E("treasury.channel", treasury_channel, "pain008", cfg_channel, true,
        "what collect hands to the treasury: pain008 files for the bank, "
        "or pes flows for the comptable public"),
    S("pes.siret", CFG_STR, pes_siret, "", true,
        "SIRET of the budget (IdColl of the PES flows)"),
    S("pes.cod_col", CFG_STR, pes_cod_col, "", true,
        "code of the collectivity given by the DGFiP (CodCol, 3 digits)"),
    S("pes.cod_bud", CFG_STR, pes_cod_bud, "", true,
        "code of the budget (CodBud, 2 characters)"),
    S("pes.id_post", CFG_STR, pes_id_post, "", true,
        "codique of the poste comptable (IdPost)"),
    S("pes.civility", CFG_STR, pes_civility, "M. ou Mme", true,
        "civility written for every family (the families have none)"),
    S("pes.products", CFG_PRODUCTS, pes_products, "", true,
        "per service: { service; cod_prod_loc; nature; } (service \"*\": "
        "any other)"),
    S("pes.recovery_nature", CFG_STR, pes_recovery_nature, "", true,
        "budget account (Nature) of the recovery titres; empty: the "
        "nature of the invoice's main service in pes.products"),
    I("web.enabled", CFG_BOOL, web_enabled, 1, 0, 1, false,
        "serve the web console (French pages and their JSON API)"),
    S("web.address", CFG_STR, web_address, "127.0.0.1", false,
        "IPv4 or IPv6 address the console listens on; other than loopback "
        "only with web.behind_proxy"),
    I("web.port", CFG_INT, web_port, 8750, 1, 65535, false,
        "TCP port of the console"),
    S("web.socket", CFG_PATH, web_socket, "", false,
        "unix socket the console listens on instead of address and port "
        "(empty: none)"),
    I("web.behind_proxy", CFG_BOOL, web_behind_proxy, 0, 0, 1, false,
        "a reverse proxy in front of the console does TLS: the cookie is "
        "Secure, and a non-loopback address is allowed"),
    S("web.root", CFG_PATH, web_root, "", false,
        "directory of the console's pages (empty: those installed with "
        "sepad)"),
    I("web.threads", CFG_INT, web_threads, 4, 1, 64, false,
        "requests served at once, each with a database connection of its "
        "own"),
    I("web.session_idle_minutes", CFG_INT, web_session_idle_minutes, 30, 1,
        1440, false, "a console session unused this long ends"),
    I("web.max_failed_logins", CFG_INT, web_max_failed_logins, 5, 2, 100, false,
        "wrong passwords in a row that lock a console account"),
    I("web.lockout_minutes", CFG_INT, web_lockout_minutes, 15, 1, 1440, false,
        "how long a locked console account stays locked"),
    I("web.max_body_kb", CFG_INT, web_max_body_kb, 64, 1, 1024, false,
        "largest request body the console's API accepts, in KiB"),
    I("web.max_upload_kb", CFG_INT, web_max_upload_kb, 20480, 16, 1048576,
        false, "largest bank file the console accepts, in KiB"),
};

#define CFG_NKEYS (sizeof(cfg_table) / sizeof(cfg_table[0]))

static void cfg_err(struct config_errors *errs, const char *file, long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
cfg_err(struct config_errors *errs, const char *file, long line,
    const char *fmt, ...)
{
	sepa_error *e;
	va_list ap;

	if (errs->count >= CONFIG_MAX_ERRORS) {
		errs->dropped++;
		return;
	}
	e = &errs->list[errs->count++];
	sepa_error_clear(e);
	e->code = SEPA_EINVAL;
	e->line = line;
	snprintf(e->where, sizeof(e->where), "%s", file != NULL ? file : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), _(fmt), ap);
	va_end(ap);
}

size_t
config_key_count(void)
{
	return CFG_NKEYS;
}

const char *
config_key_name(size_t i)
{
	return i < CFG_NKEYS ? cfg_table[i].name : NULL;
}

const char *
config_key_doc(size_t i)
{
	return i < CFG_NKEYS ? cfg_table[i].doc : NULL;
}

bool
config_key_reloadable(size_t i)
{
	return i < CFG_NKEYS && cfg_table[i].reloadable;
}

static const struct cfg_key *
cfg_find(const char *name)
{
	for (size_t i = 0; i < CFG_NKEYS; i++)
		if (strcmp(cfg_table[i].name, name) == 0)
			return &cfg_table[i];
	return NULL;
}

/* 1 when some key lives under the group `prefix` ("creditor.address"). */
static int
cfg_is_group(const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; i < CFG_NKEYS; i++)
		if (strncmp(cfg_table[i].name, prefix, n) == 0 &&
		    cfg_table[i].name[n] == '.')
			return 1;
	return 0;
}

/*
 * value made absolute against the base directory; leading "./" and "../"
 * are folded lexically ("/p/conf" + "../var" = "/p/var").
 */
static char *
cfg_abspath(const char *dir, const char *value)
{
	char *base, *out, *slash;

	if (value[0] == '/' || value[0] == '\0')
		return xstrdup(value);
	base = xstrdup(dir);
	for (;;) {
		if (strncmp(value, "./", 2) == 0) {
			value += 2;
		} else if (strncmp(value, "../", 3) == 0 &&
		    (slash = strrchr(base, '/')) != NULL && base[1] != '\0') {
			slash[slash == base] = '\0';
			value += 3;
		} else {
			break;
		}
	}
	xasprintf(&out, "%s%s%s", base,
	    base[strlen(base) - 1] == '/' ? "" : "/", value);
	free(base);
	return out;
}

static int
cfg_err_cmp(const void *a, const void *b)
{
	const sepa_error *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

static void
cfg_strlist_free(struct config_strlist *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

static void
cfg_strlist_add(struct config_strlist *l, const char *s, size_t len)
{
	l->items = xreallocarray(l->items, l->count + 1, sizeof(char *));
	l->items[l->count] = xmalloc(len + 1);
	memcpy(l->items[l->count], s, len);
	l->items[l->count][len] = '\0';
	l->count++;
}

static int
cfg_is_code(const char *s)
{
	if (strlen(s) != 4)
		return 0;
	for (int i = 0; i < 4; i++)
		if (!isupper((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
cfg_is_country(const char *s)
{
	return strlen(s) == 2 && isupper((unsigned char)s[0]) &&
	    isupper((unsigned char)s[1]);
}

/*
 * "MM-DD" of a day that exists in every year, January to August (a
 * deadline within the school year that ends on 31 August): *out = MMDD.
 * Returns 1 when it is one, 0 otherwise (*out unchanged).
 */
static int
cfg_monthday(const char *s, int *out)
{
	int m, d;

	if (strlen(s) != 5 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || s[2] != '-' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return 0;
	m = (s[0] - '0') * 10 + (s[1] - '0');
	d = (s[3] - '0') * 10 + (s[4] - '0');
	if (m < 1 || m > 8 || !sepa_date_valid(2001, m, d))
		return 0;
	*out = m * 100 + d;
	return 1;
}

static const char *
cfg_type_name(int t)
{
	switch (t) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a decimal number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	default:
		return "an unknown type";
	}
}

static const char *
cfg_expected(enum cfg_type t)
{
	switch (t) {
	case CFG_INT:
	case CFG_INT64:
	case CFG_EUROS:
		return "an integer";
	case CFG_BOOL:
		return "true or false";
	case CFG_CODES:
		return "an array of strings";
	case CFG_AGES:
		return "an array of integers";
	case CFG_PRODUCTS:
		return "a list of groups";
	default:
		return "a string";
	}
}

/* Set the default of key k; a relative default path is made absolute
 * against defaults_base. */
static void
cfg_set_default(struct sepad_config *cfg, const struct cfg_key *k,
    const char *defaults_base)
{
	char *base = (char *)cfg + k->offset;

	switch (k->type) {
	case CFG_STR:
	case CFG_COUNTRY:
		*(char **)(void *)base = xstrdup(k->sdef);
		break;
	case CFG_PRODUCTS:
		memset(base, 0, sizeof(struct config_pes_products));
		break;
	case CFG_PATH:
		*(char **)(void *)base = cfg_abspath(defaults_base, k->sdef);
		break;
	case CFG_INT:
		*(int *)(void *)base = (int)k->idef;
		break;
	case CFG_MONTHDAY:
		cfg_monthday(k->sdef, (int *)(void *)base);
		break;
	case CFG_INT64:
		*(int64_t *)(void *)base = k->idef;
		break;
	case CFG_EUROS:
		*(int64_t *)(void *)base = k->idef * 100;
		break;
	case CFG_BOOL:
		*(bool *)(void *)base = k->idef != 0;
		break;
	case CFG_ENUM:
		for (int i = 0; k->choices[i] != NULL; i++)
			if (strcmp(k->choices[i], k->sdef) == 0)
				*(int *)(void *)base = i;
		break;
	case CFG_AGES: {
		sepa_caf_bands *b = (sepa_caf_bands *)(void *)base;
		const char *p = k->sdef;
		char *end;

		memset(b, 0, sizeof(*b));
		while (*p != '\0' && b->nlimits < SEPA_CAF_MAX_BANDS - 1) {
			b->limits[b->nlimits++] = (int)strtol(p, &end, 10);
			p = end + strspn(end, " ");
		}
		break;
	}
	case CFG_CODES: {
		struct config_strlist *l =
		    (struct config_strlist *)(void *)base;
		const char *p = k->sdef;

		cfg_strlist_free(l);
		while (*p != '\0') {
			size_t n = strcspn(p, " ");

			cfg_strlist_add(l, p, n);
			p += n;
			p += strspn(p, " ");
		}
		break;
	}
	}
}

/* An array of ascending ages (caf.age_bands), or why it is not one. */
static void
cfg_set_ages(sepa_caf_bands *out, const struct cfg_key *k,
    const config_setting_t *s, const char *file, struct config_errors *errs)
{
	long line = (long)config_setting_source_line(s);
	int n = config_setting_length(s);
	sepa_error e = SEPA_ERROR_INIT;
	sepa_caf_bands b;

	memset(&b, 0, sizeof(b));
	for (int i = 0; i < n; i++) {
		const config_setting_t *x =
		    config_setting_get_elem(s, (unsigned)i);
		int t = config_setting_type(x);

		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) {
			cfg_err(errs, file, line,
			    "key \"%s\": element %d (%s) is not an integer",
			    k->name, i + 1, cfg_type_name(t));
			return;
		}
		if (b.nlimits < SEPA_CAF_MAX_BANDS - 1)
			b.limits[b.nlimits] = (int)config_setting_get_int(x);
		b.nlimits++;
	}
	if (b.nlimits > SEPA_CAF_MAX_BANDS - 1 ||
	    sepa_caf_bands_check(&b, &e) != 0) {
		if (b.nlimits > SEPA_CAF_MAX_BANDS - 1)
			snprintf(e.msg, sizeof(e.msg),
			    "%zu age limits: 1 to %d are allowed", b.nlimits,
			    SEPA_CAF_MAX_BANDS - 1);
		cfg_err(errs, file, line, "key \"%s\": %s", k->name, e.msg);
		return;
	}
	*out = b;
}

static void
cfg_products_free(struct config_pes_products *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].service);
		free(l->items[i].cod_prod_loc);
		free(l->items[i].nature);
	}
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

/* Member `name` of group g as a string, or NULL. */
static const char *
cfg_member(const config_setting_t *g, const char *name)
{
	const config_setting_t *m = config_setting_get_member(g, name);

	return m != NULL && config_setting_type(m) == CONFIG_TYPE_STRING
	    ? config_setting_get_string(m)
	    : NULL;
}

/*
 * One element of pes.products: a group of exactly service, cod_prod_loc
 * and nature, the codes in the forms the PES writer takes. 0, or 1 when
 * an error was recorded.
 */
static int
cfg_product(const config_setting_t *g, const struct cfg_key *k, int i,
    const char *file, struct config_errors *errs)
{
	static const char *const fields[] = {
	    "service", "cod_prod_loc", "nature"};
	static const char *const codes[] = {NULL, "CodProdLoc", "Nature"};
	long line = (long)config_setting_source_line(g);
	sepa_error e = SEPA_ERROR_INIT;

	if (!config_setting_is_group(g)) {
		cfg_err(errs, file, line,
		    "key \"%s\": element %d is not a group { service; "
		    "cod_prod_loc; nature; }",
		    k->name, i + 1);
		return 1;
	}
	if (config_setting_length(g) != 3) {
		cfg_err(errs, file, line,
		    "key \"%s\": element %d must have exactly service, "
		    "cod_prod_loc and nature",
		    k->name, i + 1);
		return 1;
	}
	for (size_t f = 0; f < 3; f++) {
		const char *v = cfg_member(g, fields[f]);

		if (v == NULL || v[0] == '\0') {
			cfg_err(errs, file, line,
			    "key \"%s\": element %d: %s is missing or not a "
			    "string",
			    k->name, i + 1, fields[f]);
			return 1;
		}
		if (codes[f] != NULL &&
		    sepa_pes_code_check(codes[f], v, &e) != 0) {
			cfg_err(errs, file, line, "key \"%s\": element %d: %s",
			    k->name, i + 1, e.msg);
			return 1;
		}
	}
	return 0;
}

/* pes.products: each element checked, no service twice. */
static void
cfg_set_products(struct config_pes_products *out, const struct cfg_key *k,
    const config_setting_t *s, const char *file, struct config_errors *errs)
{
	int n = config_setting_length(s);

	for (int i = 0; i < n; i++) {
		const config_setting_t *g =
		    config_setting_get_elem(s, (unsigned)i);

		if (cfg_product(g, k, i, file, errs) != 0)
			return;
		for (int j = 0; j < i; j++)
			if (strcmp(cfg_member(g, "service"),
			        cfg_member(
			            config_setting_get_elem(s, (unsigned)j),
			            "service")) == 0) {
				cfg_err(errs, file,
				    (long)config_setting_source_line(g),
				    "key \"%s\": element %d: service \"%s\" "
				    "is given twice",
				    k->name, i + 1, cfg_member(g, "service"));
				return;
			}
	}
	cfg_products_free(out);
	out->items = xcalloc(n > 0 ? (size_t)n : 1, sizeof(*out->items));
	for (int i = 0; i < n; i++) {
		const config_setting_t *g =
		    config_setting_get_elem(s, (unsigned)i);

		out->items[i].service = xstrdup(cfg_member(g, "service"));
		out->items[i].cod_prod_loc =
		    xstrdup(cfg_member(g, "cod_prod_loc"));
		out->items[i].nature = xstrdup(cfg_member(g, "nature"));
	}
	out->count = (size_t)n;
}

/* Read setting s into key k, or record why it does not fit. */
static void
cfg_set_value(struct sepad_config *cfg, const struct cfg_key *k,
    const config_setting_t *s, const char *file, struct config_errors *errs)
{
	char *base = (char *)cfg + k->offset;
	long line = (long)config_setting_source_line(s);
	int t = config_setting_type(s);
	int ok;

	switch (k->type) {
	case CFG_INT:
	case CFG_INT64:
	case CFG_EUROS:
		ok = t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
		break;
	case CFG_BOOL:
		ok = t == CONFIG_TYPE_BOOL;
		break;
	case CFG_CODES:
	case CFG_AGES:
		ok = t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST;
		break;
	case CFG_PRODUCTS:
		ok = t == CONFIG_TYPE_LIST;
		break;
	default:
		ok = t == CONFIG_TYPE_STRING;
		break;
	}
	if (!ok) {
		cfg_err(errs, file, line, "key \"%s\": expected %s, found %s",
		    k->name, cfg_expected(k->type), cfg_type_name(t));
		return;
	}

	switch (k->type) {
	case CFG_AGES:
		cfg_set_ages((sepa_caf_bands *)(void *)base, k, s, file, errs);
		break;
	case CFG_PRODUCTS:
		cfg_set_products((struct config_pes_products *)(void *)base, k,
		    s, file, errs);
		break;
	case CFG_MONTHDAY: {
		const char *v = config_setting_get_string(s);

		if (!cfg_monthday(v, (int *)(void *)base))
			cfg_err(errs, file, line,
			    "key \"%s\": \"%s\" is not a day MM-DD between 01-01 and 08-31",
			    k->name, v);
		break;
	}
	case CFG_STR:
	case CFG_PATH:
	case CFG_COUNTRY: {
		const char *v = config_setting_get_string(s);
		char **dst = (char **)(void *)base;

		if (k->type == CFG_COUNTRY && !cfg_is_country(v)) {
			cfg_err(errs, file, line,
			    "key \"%s\": \"%s\" is not a country code (two upper-case letters)",
			    k->name, v);
			return;
		}
		free(*dst);
		*dst = k->type == CFG_PATH ? cfg_abspath(cfg->base_dir, v)
		                           : xstrdup(v);
		break;
	}
	case CFG_INT:
	case CFG_INT64:
	case CFG_EUROS: {
		long long v = config_setting_get_int64(s);

		if (v < k->min || v > k->max) {
			cfg_err(errs, file, line,
			    "key \"%s\": %lld is out of range %lld..%lld",
			    k->name, v, (long long)k->min, (long long)k->max);
			return;
		}
		if (k->type == CFG_INT)
			*(int *)(void *)base = (int)v;
		else if (k->type == CFG_INT64)
			*(int64_t *)(void *)base = v;
		else
			*(int64_t *)(void *)base = v * 100;
		break;
	}
	case CFG_BOOL:
		*(bool *)(void *)base = config_setting_get_bool(s) != 0;
		break;
	case CFG_ENUM: {
		const char *v = config_setting_get_string(s);
		char choices[256] = "";

		for (int i = 0; k->choices[i] != NULL; i++) {
			if (strcasecmp(k->choices[i], v) == 0) {
				*(int *)(void *)base = i;
				return;
			}
			snprintf(choices + strlen(choices),
			    sizeof(choices) - strlen(choices), "%s\"%s\"",
			    i > 0 ? ", " : "", k->choices[i]);
		}
		cfg_err(errs, file, line, "key \"%s\": \"%s\" is not one of %s",
		    k->name, v, choices);
		break;
	}
	case CFG_CODES: {
		struct config_strlist *l =
		    (struct config_strlist *)(void *)base;
		int n = config_setting_length(s);

		for (int i = 0; i < n; i++) {
			const config_setting_t *e =
			    config_setting_get_elem(s, (unsigned)i);
			const char *v = config_setting_get_string(e);

			if (v != NULL && cfg_is_code(v) &&
			    sepa_reason_find(v) == NULL) {
				cfg_err(errs, file, line,
				    "key \"%s\": element %d \"%s\" is not a known ISO reason code",
				    k->name, i + 1, v);
				return;
			}
			if (v == NULL || !cfg_is_code(v)) {
				cfg_err(errs, file, line,
				    "key \"%s\": element %d %s%s%s is not a reason code (4 upper-case letters or digits)",
				    k->name, i + 1, v != NULL ? "\"" : "(",
				    v != NULL
				        ? v
				        : cfg_type_name(config_setting_type(e)),
				    v != NULL ? "\"" : ")");
				return;
			}
		}
		cfg_strlist_free(l);
		for (int i = 0; i < n; i++) {
			const char *v = config_setting_get_string(
			    config_setting_get_elem(s, (unsigned)i));

			cfg_strlist_add(l, v, strlen(v));
		}
		break;
	}
	}
}

/* Record every setting of `group` that the table does not know. */
static void
cfg_check_unknown(const config_setting_t *group, const char *prefix,
    const char *file, struct config_errors *errs)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		config_setting_t *s =
		    config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		char full[256];

		if (name == NULL)
			continue;
		snprintf(full, sizeof(full), "%s%s%s", prefix,
		    prefix[0] != '\0' ? "." : "", name);
		if (config_setting_is_group(s) && cfg_is_group(full))
			cfg_check_unknown(s, full, file, errs);
		else if (cfg_find(full) == NULL)
			cfg_err(errs, file, (long)config_setting_source_line(s),
			    "unknown key \"%s\"", full);
	}
}

static long
cfg_line(config_t *cf, const char *name)
{
	config_setting_t *s = config_lookup(cf, name);

	return s != NULL ? (long)config_setting_source_line(s) : 0;
}

/*
 * The creditor's identifiers through the lib validators: each is replaced
 * by its normalised form (no spaces, upper case). The BIC must fit the
 * pattern of the pain.008 version in use.
 */
static void
cfg_check_creditor(struct sepad_config *cfg, config_t *cf, const char *file,
    struct config_errors *errs)
{
	char ics[SEPA_CID_BUFSZ], iban[SEPA_IBAN_BUFSZ], bic[SEPA_BIC_BUFSZ];
	sepa_error e = SEPA_ERROR_INIT;

	if (cfg->cred_ics[0] != '\0') {
		if (sepa_cid_parse(ics, cfg->cred_ics, &e) != 0) {
			cfg_err(errs, file, cfg_line(cf, "creditor.ics"),
			    "key \"creditor.ics\": %s", e.msg);
		} else {
			free(cfg->cred_ics);
			cfg->cred_ics = xstrdup(ics);
		}
	}
	if (cfg->cred_iban[0] != '\0') {
		if (sepa_iban_parse(iban, cfg->cred_iban, &e) != 0) {
			cfg_err(errs, file, cfg_line(cf, "creditor.iban"),
			    "key \"creditor.iban\": %s", e.msg);
		} else {
			free(cfg->cred_iban);
			cfg->cred_iban = xstrdup(iban);
		}
	}
	if (cfg->cred_bic[0] != '\0') {
		if (sepa_bic_parse(
		        bic, cfg->cred_bic, config_bic_rule(cfg), &e) != 0) {
			cfg_err(errs, file, cfg_line(cf, "creditor.bic"),
			    "key \"creditor.bic\": %s", e.msg);
		} else {
			free(cfg->cred_bic);
			cfg->cred_bic = xstrdup(bic);
		}
	}
}

/*
 * The PES codes in the forms the writer takes (sepa_pes_code_check);
 * with treasury.channel "pes", the four codes and at least one product
 * must be given.
 */
static void
cfg_check_pes(struct sepad_config *cfg, config_t *cf, const char *file,
    struct config_errors *errs)
{
	static const struct {
		const char *key;
		const char *field;
		size_t offset;
	} codes[] = {
	    {"pes.siret", "IdColl", OFF(pes_siret)},
	    {"pes.cod_col", "CodCol", OFF(pes_cod_col)},
	    {"pes.cod_bud", "CodBud", OFF(pes_cod_bud)},
	    {"pes.id_post", "IdPost", OFF(pes_id_post)},
	};
	int pes = cfg->treasury_channel == CONFIG_CHANNEL_PES;
	long chan = cfg_line(cf, "treasury.channel");
	sepa_error e = SEPA_ERROR_INIT;

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *v =
		    *(char *const *)(const void *)((const char *)cfg +
		        codes[i].offset);

		if (v[0] == '\0') {
			if (pes)
				cfg_err(errs, file, chan,
				    "key \"%s\" must be set when "
				    "treasury.channel is \"pes\"",
				    codes[i].key);
		} else if (sepa_pes_code_check(codes[i].field, v, &e) != 0) {
			cfg_err(errs, file, cfg_line(cf, codes[i].key),
			    "key \"%s\": %s", codes[i].key, e.msg);
		}
	}
	if (pes && cfg->pes_products.count == 0)
		cfg_err(errs, file, chan,
		    "key \"pes.products\" must give the CodProdLoc and Nature "
		    "of the services when treasury.channel is \"pes\"");
	if (sepa_pes_code_check("Civilite", cfg->pes_civility, &e) != 0)
		cfg_err(errs, file, cfg_line(cf, "pes.civility"),
		    "key \"pes.civility\": %s", e.msg);
	if (cfg->pes_recovery_nature[0] != '\0' &&
	    sepa_pes_code_check("Nature", cfg->pes_recovery_nature, &e) != 0)
		cfg_err(errs, file, cfg_line(cf, "pes.recovery_nature"),
		    "key \"pes.recovery_nature\": %s", e.msg);
}

int
config_is_loopback(const char *address)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, address, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, address, a) == 1)
		return memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0;
	return 0;
}

/* The console's address: an address, and loopback unless behind a proxy
 * (the console speaks plain HTTP: TLS is the proxy's). */
static void
cfg_check_web(const struct sepad_config *cfg, config_t *cf, const char *file,
    struct config_errors *errs)
{
	unsigned char a[16];
	const char *v = cfg->web_address;

	if (!cfg->web_enabled || cfg->web_socket[0] != '\0')
		return;
	if (inet_pton(AF_INET, v, a) != 1 && inet_pton(AF_INET6, v, a) != 1)
		cfg_err(errs, file, cfg_line(cf, "web.address"),
		    "key \"web.address\": \"%s\" is not an IPv4 or IPv6 "
		    "address",
		    v);
	else if (!config_is_loopback(v) && !cfg->web_behind_proxy)
		cfg_err(errs, file, cfg_line(cf, "web.address"),
		    "key \"web.address\": %s is not a loopback address: the "
		    "console speaks plain HTTP, so it listens elsewhere only "
		    "behind a reverse proxy that does TLS (set "
		    "web.behind_proxy = true)",
		    v);
}

/* Checks that involve several keys, or the identifier validators. */
static void
cfg_check_cross(struct sepad_config *cfg, config_t *cf, const char *file,
    struct config_errors *errs)
{
	config_setting_t *s;

	cfg_check_creditor(cfg, cf, file, errs);
	cfg_check_pes(cfg, cf, file, errs);
	cfg_check_web(cfg, cf, file, errs);
	/* A code cannot be the creditor's fault and a dead account at once. */
	for (size_t i = 0; i < cfg->creditor_side_codes.count; i++) {
		const char *c = cfg->creditor_side_codes.items[i];

		if (config_strlist_has(&cfg->dead_account_codes, c)) {
			cfg_err(errs, file,
			    cfg_line(cf, "rejections.dead_account_codes"),
			    "key \"rejections.dead_account_codes\": \"%s\" is also in rejections.creditor_side_codes",
			    c);
			break;
		}
	}

	/* a decimal comma in a ','-separated file would need quotes */
	if (cfg->export_separator == CONFIG_SEP_COMMA &&
	    cfg->export_decimal == CONFIG_DECIMAL_COMMA)
		cfg_err(errs, file, cfg_line(cf, "export.separator"),
		    "key \"export.separator\": \",\" is also export.decimal_mark: set export.decimal_mark = \".\" or another separator");

	if (cfg->account_change_cutoff_day >= cfg->export_day) {
		s = config_lookup(cf, "mandates.account_change_cutoff_day");
		if (s == NULL)
			s = config_lookup(cf, "collection.export_day");
		cfg_err(errs, file,
		    s != NULL ? (long)config_setting_source_line(s) : 0,
		    "key \"mandates.account_change_cutoff_day\": %d must be before collection.export_day (%d)",
		    cfg->account_change_cutoff_day, cfg->export_day);
	}
}

static void
cfg_set_base(
    struct sepad_config *cfg, const char *path, const char *default_base)
{
	char *dir, *slash, *real;

	if (path == NULL) {
		cfg->base_dir =
		    xstrdup(default_base != NULL ? default_base : ".");
		return;
	}
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash == NULL) {
		free(dir);
		dir = xstrdup(".");
	} else if (slash == dir) {
		slash[1] = '\0';
	} else {
		*slash = '\0';
	}
	real = realpath(dir, NULL);
	cfg->base_dir = real != NULL ? real : xstrdup(dir);
	free(dir);
}

int
config_load(struct sepad_config *cfg, const char *path,
    const char *default_base, struct config_errors *errs)
{
	config_t cf;
	FILE *fp = NULL;
	int rc = 0;

	memset(cfg, 0, sizeof(*cfg));
	memset(errs, 0, sizeof(*errs));
	config_init(&cf);
	cfg->path = xstrdup(path != NULL ? path : "(defaults)");
	cfg_set_base(cfg, path, default_base);
	for (size_t i = 0; i < CFG_NKEYS; i++)
		cfg_set_default(cfg, &cfg_table[i],
		    default_base != NULL ? default_base : cfg->base_dir);
	if (path == NULL)
		goto cleanup;

	if ((fp = fopen(path, "r")) == NULL) {
		cfg_err(errs, path, 0, "could not open the configuration: %s",
		    strerror(errno));
		errs->list[0].code = SEPA_EIO;
		errs->list[0].sys_errno = errno;
		rc = SEPA_EIO;
		goto cleanup;
	}
	config_set_include_dir(&cf, cfg->base_dir);
	if (config_read(&cf, fp) != CONFIG_TRUE) {
		cfg_err(errs, path, (long)config_error_line(&cf), "%s",
		    config_error_text(&cf));
		rc = SEPA_EINVAL;
		goto cleanup;
	}
	cfg_check_unknown(config_root_setting(&cf), "", path, errs);
	for (size_t i = 0; i < CFG_NKEYS; i++) {
		const config_setting_t *s =
		    config_lookup(&cf, cfg_table[i].name);

		if (s != NULL)
			cfg_set_value(cfg, &cfg_table[i], s, path, errs);
	}
	cfg_check_cross(cfg, &cf, path, errs);
	if (errs->count > 0)
		rc = SEPA_EINVAL;
	/* In file order; insertion sort keeps the table order within a line. */
	for (size_t i = 1; i < errs->count; i++)
		for (size_t j = i; j > 0 &&
		     cfg_err_cmp(&errs->list[j - 1], &errs->list[j]) > 0;
		     j--) {
			sepa_error t = errs->list[j];

			errs->list[j] = errs->list[j - 1];
			errs->list[j - 1] = t;
		}
cleanup:
	if (fp != NULL)
		fclose(fp);
	config_destroy(&cf);
	return rc;
}

void
config_free(struct sepad_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < CFG_NKEYS; i++) {
		char *base = (char *)cfg + cfg_table[i].offset;

		switch (cfg_table[i].type) {
		case CFG_STR:
		case CFG_PATH:
		case CFG_COUNTRY:
			free(*(char **)(void *)base);
			break;
		case CFG_CODES:
			cfg_strlist_free((struct config_strlist *)(void *)base);
			break;
		case CFG_PRODUCTS:
			cfg_products_free(
			    (struct config_pes_products *)(void *)base);
			break;
		default:
			break;
		}
	}
	free(cfg->path);
	free(cfg->base_dir);
	memset(cfg, 0, sizeof(*cfg));
}

int
config_strlist_has(const struct config_strlist *l, const char *code)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i], code) == 0)
			return 1;
	return 0;
}

const struct config_pes_product *
config_pes_product(const struct sepad_config *cfg, const char *code)
{
	const struct config_pes_product *any = NULL;

	for (size_t i = 0; i < cfg->pes_products.count; i++) {
		const struct config_pes_product *p =
		    &cfg->pes_products.items[i];

		if (strcmp(p->service, code) == 0)
			return p;
		if (strcmp(p->service, "*") == 0)
			any = p;
	}
	return any;
}

size_t
config_creditor_missing(
    const struct sepad_config *cfg, sepa_error *errs, size_t max)
{
	static const struct {
		const char *key;
		size_t offset;
	} req[CONFIG_CREDITOR_KEYS] = {
	    {"creditor.name", OFF(cred_name)},
	    {"creditor.ics", OFF(cred_ics)},
	    {"creditor.iban", OFF(cred_iban)},
	    {"creditor.address.town", OFF(cred_town)},
	    {"creditor.address.country", OFF(cred_country)},
	};
	size_t n = 0;

	for (size_t i = 0; i < CONFIG_CREDITOR_KEYS && n < max; i++) {
		const char *v =
		    *(char *const *)(const void *)((const char *)cfg +
		        req[i].offset);

		if (v == NULL || v[0] == '\0')
			sepa_error_setw(&errs[n++], SEPA_EINVAL, cfg->path, 0,
			    "key \"%s\" must be set to collect", req[i].key);
	}
	return n;
}

int
config_require_creditor(const struct sepad_config *cfg, sepa_error *err)
{
	return config_creditor_missing(cfg, err, 1) > 0 ? SEPA_EINVAL : 0;
}

enum sepa_bic_rule
config_bic_rule(const struct sepad_config *cfg)
{
	return cfg->pain_version == CONFIG_PAIN_001_02 ? SEPA_BIC_2009
	                                               : SEPA_BIC_2019;
}

int
config_rules(const struct sepad_config *cfg, sepa_rules *rules, sepa_error *err)
{
	sepa_rules r = SEPA_RULES_INIT;

	r.account_change_cutoff_day = cfg->account_change_cutoff_day;
	r.letter_deadline_month = cfg->letter_deadline / 100;
	r.letter_deadline_day = cfg->letter_deadline % 100;
	r.lapse_months = cfg->lapse_months;
	r.max_rejects_per_school_year = cfg->max_rejects_per_school_year;
	r.first_is_frst = cfg->first_sequence == CONFIG_SEQ_FRST;
	r.due_day = cfg->due_day;
	r.prenotification_days = cfg->prenotification_days;
	r.bank_lead_days = cfg->bank_lead_days;
	r.settle_after_days = cfg->settle_after_days;
	r.recovery_grace_days = cfg->recovery_grace_days;
	r.credit_refund_after_months = cfg->credit_refund_after_months;
	r.wait_for_consumption = cfg->wait_for_consumption;
	r.consumption_wait_days = cfg->consumption_wait_days;
	*rules = r;
	return sepa_rules_check(rules, err);
}
