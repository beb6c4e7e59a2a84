/*
 * test_config.c - config.c: defaults, the documented example, and every
 * kind of bad value reported as "file:line: ...".
 */
#include <libconfig.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "sepa/error.h"
#include "sepa/reasons.h"
#include "config.h"

#define EXAMPLE SEPAD_SRCDIR "/conf/sepad.conf.example"

/* Write text to a temporary file; its path goes to path (64 bytes). */
static void
write_conf(char *path, const char *text)
{
	FILE *fp;
	int fd;

	snprintf(path, 64, "/tmp/sepad-test-conf-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	cr_assert_not_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
format_all(const struct config_errors *errs, char *out, size_t size)
{
	char line[SEPA_ERROR_MSG_MAX + SEPA_ERROR_WHERE_MAX + 64];

	out[0] = '\0';
	for (size_t i = 0; i < errs->count; i++) {
		sepa_error_format(&errs->list[i], line, sizeof(line));
		snprintf(out + strlen(out), size - strlen(out), "%s\n", line);
	}
}

Test(config, defaults_without_a_file)
{
	struct sepad_config cfg;
	struct config_errors errs;

	cr_assert_eq(config_load(&cfg, NULL, "/srv/sepad", &errs), 0);
	cr_assert_str_eq(cfg.path, "(defaults)");
	cr_assert_str_eq(cfg.db_conninfo, "");
	cr_assert_str_eq(cfg.db_data_dir, "/srv/sepad/var/pg");
	cr_assert_str_eq(cfg.dir_outbox, "/srv/sepad/var/outbox");
	cr_assert_eq(cfg.invoice_day, 1);
	cr_assert_eq(cfg.hour_rounding, CONFIG_ROUND_UP);
	cr_assert_eq(cfg.account_change_cutoff_day, 5);
	cr_assert_eq(cfg.lapse_months, 36);
	cr_assert_eq(cfg.export_day, 6);
	cr_assert_eq(cfg.due_day, 15);
	cr_assert_eq(cfg.prenotification_days, 14);
	cr_assert_eq(cfg.first_sequence, CONFIG_SEQ_FRST);
	cr_assert_eq(cfg.pain_version, CONFIG_PAIN_001_08);
	cr_assert_eq(cfg.max_transactions_per_file, 0);
	cr_assert_eq(cfg.max_amount_per_file, 0);
	cr_assert(cfg.batch_booking);
	cr_assert(cfg.represent_on_next_invoice);
	cr_assert_eq(cfg.max_rejects_per_school_year, 2);
	cr_assert(config_strlist_has(&cfg.creditor_side_codes, "AM05"));
	cr_assert(config_strlist_has(&cfg.dead_account_codes, "AC04"));
	cr_assert_not(config_strlist_has(&cfg.dead_account_codes, "AM04"));
	cr_assert_eq(cfg.import_encoding, CONFIG_ENC_UTF8);
	cr_assert_str_eq(cfg.cred_country, "FR");
	/* The default lists hold known codes of the right class. */
	for (size_t i = 0; i < cfg.creditor_side_codes.count; i++)
		cr_expect_eq(
		    sepa_reason_find(cfg.creditor_side_codes.items[i])->cls,
		    SEPA_REASON_CREDITOR, "%s",
		    cfg.creditor_side_codes.items[i]);
	for (size_t i = 0; i < cfg.dead_account_codes.count; i++)
		cr_expect_eq(
		    sepa_reason_find(cfg.dead_account_codes.items[i])->cls,
		    SEPA_REASON_DEAD, "%s", cfg.dead_account_codes.items[i]);
	config_free(&cfg);
	config_free(&cfg); /* twice is harmless */
}

/* The example loads cleanly and sets every key of the table. */
Test(config, example_documents_every_key)
{
	struct sepad_config cfg;
	struct config_errors errs;
	char all[8192];
	config_t cf;

	cr_assert_eq(config_load(&cfg, EXAMPLE, NULL, &errs), 0);
	format_all(&errs, all, sizeof(all));
	cr_assert_eq(errs.count, 0, "%s", all);
	cr_assert_str_eq(cfg.cred_ics, "FR72ZZZ123456");
	config_free(&cfg);

	config_init(&cf);
	cr_assert_eq(config_read_file(&cf, EXAMPLE), CONFIG_TRUE);
	cr_assert_geq(config_key_count(), 30);
	for (size_t i = 0; i < config_key_count(); i++) {
		cr_expect_not_null(config_lookup(&cf, config_key_name(i)),
		    "key \"%s\" is not in conf/sepad.conf.example",
		    config_key_name(i));
		cr_expect_gt(strlen(config_key_doc(i)), 5);
	}
	cr_assert_null(config_key_name(config_key_count()));
	config_destroy(&cf);
}

Test(config, values_are_read_and_paths_resolved)
{
	struct sepad_config cfg;
	struct config_errors errs;
	char path[64];

	write_conf(path,
	    "database: { conninfo = \"dbname=x\"; data_dir = \"pg\"; };\n"
	    "directories: { inbox = \"/abs/in\"; outbox = \"./out\"; };\n"
	    "billing: { hour_rounding = \"NONE\"; };\n"
	    "bank: { pain_version = \"001.02\"; max_amount_per_file = 5000;\n"
	    "  max_transactions_per_file = 20000L; batch_booking = false; };\n"
	    "rejections: { dead_account_codes = [\"AC04\"]; };\n"
	    "import: { encoding = \"windows-1252\"; };\n");
	cr_assert_eq(config_load(&cfg, path, "/srv/sepad", &errs), 0);
	cr_assert_str_eq(cfg.db_conninfo, "dbname=x");
	/* Written in the file: against the file's directory. */
	cr_assert_str_eq(cfg.db_data_dir, "/tmp/pg");
	cr_assert_str_eq(cfg.dir_inbox, "/abs/in");
	cr_assert_str_eq(cfg.dir_outbox, "/tmp/out");
	/* Defaults: against the given base. */
	cr_assert_str_eq(cfg.dir_archive, "/srv/sepad/var/archive");
	cr_assert_eq(cfg.hour_rounding, CONFIG_ROUND_NONE);
	cr_assert_eq(cfg.pain_version, CONFIG_PAIN_001_02);
	cr_assert_eq(cfg.max_amount_per_file, 500000);
	cr_assert_eq(cfg.max_transactions_per_file, 20000);
	cr_assert_not(cfg.batch_booking);
	cr_assert_eq(cfg.dead_account_codes.count, 1);
	cr_assert_eq(cfg.import_encoding, CONFIG_ENC_CP1252);
	config_free(&cfg);
	unlink(path);
}

/* One bad file per line: its text and the error list, "F" for the file. */
static const struct {
	const char *text;
	const char *errors;
} bad[] = {
    {"collection: { due_day = 32; };\n",
        "F:1: key \"collection.due_day\": 32 is out of range 1..28\n"},
    {"\n\ncollection: {\n  due_day = 0;\n};\n",
        "F:4: key \"collection.due_day\": 0 is out of range 1..28\n"},
    {"collection: { due_dya = 15; };\n",
        "F:1: unknown key \"collection.due_dya\"\n"},
    {"colection: { due_day = 15; };\n", "F:1: unknown key \"colection\"\n"},
    {"verbose = true;\n", "F:1: unknown key \"verbose\"\n"},
    {"creditor: { adress: { town = \"X\"; }; };\n",
        "F:1: unknown key \"creditor.adress\"\n"},
    {"creditor = \"x\";\n", "F:1: unknown key \"creditor\"\n"},
    {"billing: { invoice_day = \"1\"; };\n",
        "F:1: key \"billing.invoice_day\": expected an integer, found a string\n"},
    {"billing: { invoice_day = 1.5; };\n",
        "F:1: key \"billing.invoice_day\": expected an integer, found a "
        "decimal number\n"},
    {"billing: { hour_rounding = \"down\"; };\n",
        "F:1: key \"billing.hour_rounding\": \"down\" is not one of \"up\", "
        "\"none\"\n"},
    {"bank: { batch_booking = 1; };\n",
        "F:1: key \"bank.batch_booking\": expected true or false, found an "
        "integer\n"},
    {"bank: { max_amount_per_file = -1; };\n",
        "F:1: key \"bank.max_amount_per_file\": -1 is out of range "
        "0..999999999\n"},
    {"rejections: { creditor_side_codes = \"AM05\"; };\n",
        "F:1: key \"rejections.creditor_side_codes\": expected an array of "
        "strings, found a string\n"},
    {"rejections: { creditor_side_codes = [\"AM05\", \"am04\"]; };\n",
        "F:1: key \"rejections.creditor_side_codes\": element 2 \"am04\" is "
        "not a reason code (4 upper-case letters or digits)\n"},
    {"rejections: { creditor_side_codes = [1, 2]; };\n",
        "F:1: key \"rejections.creditor_side_codes\": element 1 (an integer) "
        "is not a reason code (4 upper-case letters or digits)\n"},
    {"creditor: { address: { country = \"France\"; }; };\n",
        "F:1: key \"creditor.address.country\": \"France\" is not a country "
        "code (two upper-case letters)\n"},
    {"mandates: { account_change_cutoff_day = 6; };\n",
        "F:1: key \"mandates.account_change_cutoff_day\": 6 must be before "
        "collection.export_day (6)\n"},
    {"database: { conninfo = ; };\n", "F:1: syntax error\n"},
    {"a = 1;\n\nb = ;\n", "F:3: syntax error\n"},
    {"creditor: {\n ics = \"FR73ZZZ123456\";\n};\n",
        "F:2: key \"creditor.ics\": ICS FR73ZZZ123456: check digits do not "
        "match\n"},
    {"creditor: { iban = \"FR76 3000 6000 0112 3456 7890 188\"; };\n",
        "F:1: key \"creditor.iban\": IBAN FR76****0188: check digits do "
        "not match\n"},
    {"creditor: { bic = \"BDFEFRP\"; };\n",
        "F:1: key \"creditor.bic\": BIC BDFEFRP: length 7, a BIC has 8 or 11 "
        "characters\n"},
    /* A BIC the 2019 pattern accepts and the 2009 one does not. */
    {"creditor: { bic = \"1DFEFRPP\"; };\n"
     "bank: { pain_version = \"001.02\"; };\n",
        "F:1: key \"creditor.bic\": BIC 1DFEFRPP: character '1' at position 1 "
        "must be a letter (institution code, pain.008.001.02 pattern)\n"},
    {"rejections: { creditor_side_codes = [\"AM05\", \"ZZ99\"]; };\n",
        "F:1: key \"rejections.creditor_side_codes\": element 2 \"ZZ99\" is "
        "not a known ISO reason code\n"},
    {"rejections: {\n creditor_side_codes = [\"AM05\"];\n"
     " dead_account_codes = [\"AC04\", \"AM05\"];\n};\n",
        "F:3: key \"rejections.dead_account_codes\": \"AM05\" is also in "
        "rejections.creditor_side_codes\n"},
    /* Several errors: all reported, in line order. */
    {"bank: {\n pain_version = \"1\";\n};\nfoo = 2;\nbilling: {\n"
     " invoice_day = 29; hour_rounding = 3;\n};\n",
        "F:2: key \"bank.pain_version\": \"1\" is not one of \"001.08\", "
        "\"001.02\"\n"
        "F:4: unknown key \"foo\"\n"
        "F:6: key \"billing.invoice_day\": 29 is out of range 1..28\n"
        "F:6: key \"billing.hour_rounding\": expected a string, found an "
        "integer\n"},
};

Test(config, bad_values_are_reported_with_file_and_line)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sepad_config cfg;
		struct config_errors errs;
		char path[64], got[4096], want[4096];
		const char *p;
		size_t n = 0;

		write_conf(path, bad[i].text);
		/* Expand "F" at the start of each expected line. */
		for (p = bad[i].errors; *p != '\0' && n + 80 < sizeof(want);
		     p++) {
			if (*p == 'F' &&
			    (p == bad[i].errors || p[-1] == '\n')) {
				n += (size_t)snprintf(
				    want + n, sizeof(want) - n, "%s", path);
			} else {
				want[n++] = *p;
			}
		}
		want[n] = '\0';
		cr_expect_eq(config_load(&cfg, path, NULL, &errs), SEPA_EINVAL,
		    "%s", bad[i].text);
		format_all(&errs, got, sizeof(got));
		cr_expect_str_eq(got, want, "case %zu", i);
		config_free(&cfg);
		unlink(path);
	}
}

Test(config, creditor_identifiers_are_normalised)
{
	struct sepad_config cfg;
	struct config_errors errs;
	char path[64];

	write_conf(path,
	    "creditor: { ics = \"fr72 zzz 123456\";\n"
	    " iban = \"fr76 3000 6000 0112 3456 7890 189\";\n"
	    " bic = \"bdfe fr pp cct\"; };\n");
	cr_assert_eq(
	    config_load(&cfg, path, NULL, &errs), 0, "%s", errs.list[0].msg);
	cr_assert_str_eq(cfg.cred_ics, "FR72ZZZ123456");
	cr_assert_str_eq(cfg.cred_iban, "FR7630006000011234567890189");
	cr_assert_str_eq(cfg.cred_bic, "BDFEFRPPCCT");
	config_free(&cfg);
	unlink(path);
}

Test(config, unreadable_file)
{
	struct sepad_config cfg;
	struct config_errors errs;
	char line[1024];

	cr_assert_eq(config_load(&cfg, "/nonexistent/sepad.conf", NULL, &errs),
	    SEPA_EIO);
	cr_assert_eq(errs.count, 1);
	cr_assert_str_eq(sepa_error_format(&errs.list[0], line, sizeof(line)),
	    "/nonexistent/sepad.conf: could not open the configuration: No "
	    "such file or directory");
	config_free(&cfg);
}

Test(config, too_many_errors_are_counted)
{
	struct sepad_config cfg;
	struct config_errors errs;
	char path[64], text[4096] = "";

	for (int i = 0; i < CONFIG_MAX_ERRORS + 5; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
		    "k%d = 1;\n", i);
	write_conf(path, text);
	cr_assert_eq(config_load(&cfg, path, NULL, &errs), SEPA_EINVAL);
	cr_assert_eq(errs.count, CONFIG_MAX_ERRORS);
	cr_assert_eq(errs.dropped, 5);
	config_free(&cfg);
	unlink(path);
}

Test(config, creditor_required_to_collect)
{
	struct sepad_config cfg;
	struct config_errors errs;
	sepa_error err = SEPA_ERROR_INIT;

	cr_assert_eq(config_load(&cfg, NULL, "/x", &errs), 0);
	cr_assert_eq(config_require_creditor(&cfg, &err), SEPA_EINVAL);
	cr_assert_str_eq(
	    err.msg, "key \"creditor.name\" must be set to collect");
	/* Every missing key, for sepad -n (the country defaults to FR). */
	sepa_error all[CONFIG_CREDITOR_KEYS];
	cr_assert_eq(
	    config_creditor_missing(&cfg, all, CONFIG_CREDITOR_KEYS), 4);
	cr_assert_str_eq(
	    all[3].msg, "key \"creditor.address.town\" must be set to collect");
	cr_assert_eq(config_creditor_missing(&cfg, all, 2), 2);
	config_free(&cfg);
	cr_assert_eq(config_load(&cfg, EXAMPLE, NULL, &errs), 0);
	cr_assert_eq(config_require_creditor(&cfg, &err), 0);
	cr_assert_eq(
	    config_creditor_missing(&cfg, all, CONFIG_CREDITOR_KEYS), 0);
	config_free(&cfg);
}

/* The CAF keys: defaults, values, and bad age bands. */
Test(config, caf_keys)
{
	struct sepad_config cfg;
	struct config_errors errs;
	char path[64], all[4096];

	cr_assert_eq(config_load(&cfg, NULL, "/srv/sepad", &errs), 0);
	cr_expect_eq(cfg.caf_zone, CONFIG_ZONE_B);
	cr_expect_str_eq(
	    cfg.caf_holidays, "/srv/sepad/conf/vacances-scolaires.csv");
	cr_expect_eq(cfg.caf_hours_per_day, 10);
	cr_expect_eq(cfg.caf_age_bands.nlimits, 1);
	cr_expect_eq(cfg.caf_age_bands.limits[0], 6);
	config_free(&cfg);

	write_conf(path,
	    "caf: { zone = \"c\"; holidays = \"cal.csv\"; hours_per_day = 8;\n"
	    "  age_bands = [3, 6, 12]; };\n");
	cr_assert_eq(config_load(&cfg, path, "/srv/sepad", &errs), 0);
	cr_expect_eq(cfg.caf_zone, CONFIG_ZONE_C);
	cr_expect_str_eq(cfg.caf_holidays, "/tmp/cal.csv");
	cr_expect_eq(cfg.caf_hours_per_day, 8);
	cr_expect_eq(cfg.caf_age_bands.nlimits, 3);
	cr_expect_eq(cfg.caf_age_bands.limits[2], 12);
	config_free(&cfg);
	unlink(path);

	write_conf(path,
	    "caf: { zone = \"D\";\n"
	    "  hours_per_day = 25;\n"
	    "  age_bands = [12, 6]; };\n");
	cr_assert_eq(config_load(&cfg, path, NULL, &errs), SEPA_EINVAL);
	format_all(&errs, all, sizeof(all));
	cr_expect(strstr(all,
	              ":1: key \"caf.zone\": \"D\" is not one of \"A\", "
	              "\"B\", \"C\"") != NULL,
	    "%s", all);
	cr_expect(strstr(all,
	              ":2: key \"caf.hours_per_day\": 25 is out of "
	              "range 1..24") != NULL,
	    "%s", all);
	cr_expect(strstr(all,
	              ":3: key \"caf.age_bands\": age limit 6 is not "
	              "above 12") != NULL,
	    "%s", all);
	config_free(&cfg);
	unlink(path);

	write_conf(path, "caf: { age_bands = (6, \"12\"); };\n");
	cr_assert_eq(config_load(&cfg, path, NULL, &errs), SEPA_EINVAL);
	format_all(&errs, all, sizeof(all));
	cr_expect(strstr(all,
	              "key \"caf.age_bands\": element 2 (a string) is "
	              "not an integer") != NULL,
	    "%s", all);
	config_free(&cfg);
	unlink(path);
}
