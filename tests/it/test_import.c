/*
 * test_import.c - `sepactl import` end to end: exit statuses, the summary
 * on stdout, the report on stderr (first line, one line per bad row), the
 * same file twice, import.encoding, and a refused file leaving the
 * database exactly as it was.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../db/snapshot.h"
#include "ctlrun.h"
#include "sepa/error.h"
#include "db.h"
#include "store_creditor.h"
#include "store_import.h"

#define DATA SEPAD_SRCDIR "/tests/data/import/"

/* A test database with the creditor registered, and a configuration. */
struct env {
	char name[64];
	char conf[64];
	struct db *db;
};

static void
env_open(struct env *e, const char *encoding)
{
	char conninfo[DBTEST_CONNINFO_MAX], text[2048];
	sepa_error err = SEPA_ERROR_INIT;
	int64_t id;
	FILE *fp;
	int fd;

	dbtest_create(conninfo, e->name, "sepad");
	if (db_connect(&e->db, conninfo, &err) != 0)
		cr_assert_fail("%s", err.msg);
	cr_assert_eq(store_creditor_ensure(
	                 e->db, "FR72ZZZ123456", "Commune de Test", &id, &err),
	    0, "%s", err.msg);
	snprintf(text, sizeof(text),
	    "database: { conninfo = \"%s\"; };\n"
	    "creditor: { name = \"Commune de Test\"; ics = \"FR72ZZZ123456\"; "
	    "iban = \"FR7630006000011234567890189\"; address: { town = "
	    "\"Test\"; country = \"FR\"; }; };\n"
	    "import: { encoding = \"%s\"; };\n",
	    conninfo, encoding);
	snprintf(e->conf, sizeof(e->conf), "/tmp/import-conf-XXXXXX");
	fd = mkstemp(e->conf);
	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
}

static void
env_close(struct env *e)
{
	db_close(e->db);
	unlink(e->conf);
	dbtest_drop(e->name);
}

/* sepactl import KIND FILE (FILE under tests/data/import unless absolute). */
static void
import(struct env *e, struct ctlrun *r, const char *kind, const char *file)
{
	char args[1024];

	snprintf(args, sizeof(args), "-c %s --today 2025-11-20 import %s %s",
	    e->conf, kind, file);
	ctlrun_in(r, DATA, args);
}

static void
load(struct env *e)
{
	static const char *const files[][2] = {
	    {"families", "families_ok.csv"},
	    {"tariffs", "tariffs_ok.csv"},
	    {"mandates", "mandates_ok.csv"},
	    {"consumption", "consumption_ok.csv"},
	};
	struct ctlrun r;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		import(e, &r, files[i][0], files[i][1]);
		cr_assert_eq(r.status, 0, "%s: %s", files[i][1], r.err);
		cr_assert_str_eq(r.err, "");
	}
}

Test(import_it, good_files_then_the_same_file_again)
{
	struct env e;
	struct ctlrun r;
	int64_t before;

	env_open(&e, "UTF-8");
	import(&e, &r, "families", "families_ok.csv");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.out,
	    "imported families_ok.csv as file #1: 3 rows, 3 new families, 0 "
	    "updated, 0 unchanged\n");
	import(&e, &r, "tariffs", "tariffs_ok.csv");
	cr_assert_str_eq(r.out,
	    "imported tariffs_ok.csv as file #2: 6 rows, 6 new tariffs, 0 "
	    "already known, 3 new services\n");
	import(&e, &r, "mandates", "mandates_ok.csv");
	cr_assert_str_eq(r.out,
	    "imported mandates_ok.csv as file #3: 2 rows, 2 new mandates, 0 "
	    "already known\n");
	import(&e, &r, "consumption", "consumption_ok.csv");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.out,
	    "imported consumption_ok.csv as file #4: 5 rows, 5 consumption "
	    "lines, 3 new children\n");
	before = snapshot_take(e.db);
	import(&e, &r, "consumption", "consumption_ok.csv");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out,
	              "consumption_ok.csv was already imported on ") == r.out,
	    "%s", r.out);
	cr_assert(strstr(r.out, " as file #4: nothing changed\n") != NULL, "%s",
	    r.out);
	cr_assert_eq(snapshot_take(e.db), before);
	import(&e, &r, "families", "families_update.csv");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(
	    strstr(r.out,
	        ": 3 rows, 1 new families, 1 updated, 1 unchanged\n") != NULL,
	    "%s", r.out);
	env_close(&e);
}

Test(import_it, windows_1252_from_the_configuration)
{
	struct env e;
	struct ctlrun r;

	env_open(&e, "WINDOWS-1252");
	import(&e, &r, "families", "families_cp1252.csv");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(dbtest_int(e.db,
	                 "SELECT count(*) FROM families WHERE payer_name = "
	                 "'Hélène Côté'"),
	    1);
	env_close(&e);
	/* The same bytes read as UTF-8 are refused, with the line. */
	env_open(&e, "UTF-8");
	import(&e, &r, "families", "families_cp1252.csv");
	cr_assert_eq(r.status, 1, "%s", r.err);
	cr_assert(
	    strstr(r.err,
	        "sepactl: could not import families_cp1252.csv: 1 bad "
	        "row\nfamilies_cp1252.csv:2: invalid UTF-8 byte 0xe9") == r.err,
	    "%s", r.err);
	env_close(&e);
}

/* Refused files: status 1, the exact report, the database unchanged. */
static const struct {
	const char *kind;
	const char *file;
	const char *err;
} refused[] = {
    {"consumption", "bad_date.csv",
        "sepactl: could not import bad_date.csv: 2 bad rows\n"
        "bad_date.csv:2: column \"date\": \"31/04/2025\": day 31 does not "
        "exist in April 2025\n"
        "bad_date.csv:3: column \"date\": \"2025-13-01\": month 13 out of "
        "range\n"},
    {"tariffs", "bad_amount.csv",
        "sepactl: could not import bad_amount.csv: 3 bad rows\n"
        "bad_amount.csv:2: column \"price\": \"3,205\": 3 decimals, at most "
        "2 allowed\n"
        "bad_amount.csv:3: column \"price\": \"abc\": "},
    {"mandates", "bad_iban.csv",
        "sepactl: could not import bad_iban.csv: 2 bad rows\n"
        "bad_iban.csv:2: column \"iban\": \"FR76****0188\": check digits "
        "do not match\n"
        "bad_iban.csv:3: column \"bic\": \"NOTABIC\": length 7, a BIC has 8 "
        "or 11 characters\n"},
    {"mandates", "bad_rum_other_iban.csv",
        "sepactl: could not import bad_rum_other_iban.csv: 1 bad row\n"
        "bad_rum_other_iban.csv:2: column \"iban\": \"FR76****7893\": "
        "mandate RUM-F001-1 is registered with another account "
        "(FR76****2675); to change the account run sepactl mandate "
        "change-account RUM-F001-1 --iban NEW-IBAN --received DATE\n"},
    {"consumption", "bad_unknown_family.csv",
        "sepactl: could not import bad_unknown_family.csv: 1 bad row\n"
        "bad_unknown_family.csv:3: column \"family_ref\": \"F999\": unknown "
        "family\n"},
    {"consumption", "bad_unknown_service.csv",
        "bad_unknown_service.csv:2: column \"service\": \"swimming\": "
        "unknown service (import its tariffs first)\n"},
    {"consumption", "bad_duplicate_row.csv",
        "bad_duplicate_row.csv:4: column \"date\": \"2025-10-07\": same "
        "child, service and date already on line 2 of the file\n"},
    {"families", "bad_invalid_utf8.csv",
        "bad_invalid_utf8.csv:2: invalid UTF-8 byte 0xe9"},
    {"families", "bad_long_line.csv",
        "sepactl: could not import bad_long_line.csv: 1 bad row\n"
        "bad_long_line.csv:2: record longer than 65536 bytes\n"},
    {"families", "bad_empty.csv",
        "sepactl: could not import bad_empty.csv: bad_empty.csv: the file "
        "is empty: no header line\n"},
    {"mandates", "bad_missing_column.csv",
        "sepactl: could not import bad_missing_column.csv: "
        "bad_missing_column.csv:1: missing column \"iban\"; found: rum, "
        "family_ref, bic, signed_on\n"},
};

Test(import_it, bad_files_are_refused_with_a_report)
{
	struct env e;
	struct ctlrun r;
	int64_t before;

	env_open(&e, "UTF-8");
	load(&e);
	before = snapshot_take(e.db);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		import(&e, &r, refused[i].kind, refused[i].file);
		cr_expect_eq(
		    r.status, 1, "%s: %d %s", refused[i].file, r.status, r.err);
		cr_expect(strstr(r.err, refused[i].err) != NULL, "%s:\n%s",
		    refused[i].file, r.err);
		cr_expect_str_eq(r.out, "", "%s", refused[i].file);
		cr_expect_eq(snapshot_take(e.db), before,
		    "%s changed the database", refused[i].file);
	}
	env_close(&e);
}

Test(import_it, usage_and_missing_file)
{
	static const struct {
		const char *kind, *file;
		int status;
		const char *err;
	} cases[] = {
	    {"pupils", "families_ok.csv", 2,
	        "sepactl: import needs families, mandates, tariffs, "
	        "consumption, children or returns and a file"},
	    {"families", "", 2, "sepactl: import needs families"},
	    {"families", "nosuch.csv", 1,
	        "sepactl: could not import nosuch.csv: No such file or "
	        "directory\n"},
	};
	struct env e;
	struct ctlrun r;

	env_open(&e, "UTF-8");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		import(&e, &r, cases[i].kind, cases[i].file);
		cr_expect_eq(r.status, cases[i].status, "%s %s: %s",
		    cases[i].kind, cases[i].file, r.err);
		cr_expect(strstr(r.err, cases[i].err) == r.err, "%s", r.err);
	}
	env_close(&e);
}

Test(import_it, the_report_is_capped)
{
	char path[] = "/tmp/import-cap-XXXXXX";
	struct env e;
	struct ctlrun r;
	FILE *fp;
	int fd, lines = 0;

	env_open(&e, "UTF-8");
	load(&e);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	fputs("family_ref;child_ref;child_name;service;date;quantity\n", fp);
	for (int i = 0; i < 250; i++)
		fprintf(fp, "F%03d;C1;X;canteen;2025-10-06;1\n", 100 + i);
	fclose(fp);
	import(&e, &r, "consumption", path);
	cr_assert_eq(r.status, 1);
	for (const char *p = r.err; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	cr_assert_eq(lines, 1 + IMPORT_MAX_ISSUES + 1, "%s", r.err);
	cr_assert(strstr(r.err, ": 250 bad rows\n") != NULL, "%s", r.err);
	cr_assert(strstr(r.err, "\n... and 150 more\n") != NULL, "%s", r.err);
	unlink(path);
	env_close(&e);
}
