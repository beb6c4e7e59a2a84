/*
 * test_caf_import.c - store_import.c, what the CAF declaration needs:
 * services billed per day and their CAF activity from the tariffs file,
 * birth dates from the consumption file (given once, never changed by it),
 * the children file (creates children, corrects names and birth dates),
 * and the bad rows of each refused whole with their line and column.
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "sepa/csv.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "sepa/rules.h"
#include "db_internal.h"
#include "store_creditor.h"
#include "store_import.h"

#define DATA SEPAD_SRCDIR "/tests/data/caf/"

static const sepa_date today = {2026, 8, 1};
static const sepa_rules rules = SEPA_RULES_INIT;

struct fixture {
	char name[64];
	struct db *db;
	int64_t creditor;
	struct import_result *res;
};

static void
fx_open(struct fixture *fx)
{
	sepa_error err = SEPA_ERROR_INIT;

	fx->db = dbtest_open(fx->name, "sepad");
	cr_assert_eq(store_creditor_ensure(fx->db, "FR72ZZZ123456", "Commune",
	                 &fx->creditor, &err),
	    0, "%s", err.msg);
	fx->res = calloc(1, sizeof(*fx->res));
	cr_assert_not_null(fx->res);
}

static void
fx_close(struct fixture *fx)
{
	free(fx->res);
	db_close(fx->db);
	dbtest_drop(fx->name);
}

static void
fx_ok(struct fixture *fx, enum import_kind kind, const char *file)
{
	sepa_error err = SEPA_ERROR_INIT;
	int rc = store_import_file(fx->db, fx->creditor, kind, file,
	    SEPA_CSV_UTF8, &rules, today, fx->res, &err);

	cr_assert_eq(rc, 0, "%s: %s (%s)", file, err.msg,
	    fx->res->nissues ? fx->res->issues[0].reason : "");
	cr_assert_eq(fx->res->already, 0, "%s", file);
}

static void
fx_load(struct fixture *fx)
{
	fx_ok(fx, IMPORT_FAMILIES, DATA "families.csv");
	fx_ok(fx, IMPORT_TARIFFS, DATA "tariffs.csv");
	fx_ok(fx, IMPORT_CONSUMPTION, DATA "consumption.csv");
}

/* A refused file: rc, nothing changed, and the issues listed. */
static void
fx_refused(struct fixture *fx, enum import_kind kind, const char *file,
    const struct import_issue *want, size_t nwant)
{
	sepa_error err = SEPA_ERROR_INIT;
	int64_t before = snapshot_take(fx->db);
	int rc = store_import_file(fx->db, fx->creditor, kind, file,
	    SEPA_CSV_UTF8, &rules, today, fx->res, &err);
	char all[8192] = "";

	for (size_t i = 0; i < fx->res->nissues; i++) {
		size_t len = strlen(all);

		snprintf(all + len, sizeof(all) - len, "%ld %s \"%s\": %s\n",
		    fx->res->issues[i].line, fx->res->issues[i].column,
		    fx->res->issues[i].value, fx->res->issues[i].reason);
	}
	cr_assert_eq(rc, SEPA_EINVAL, "%s: %s", file, err.msg);
	cr_expect_eq(
	    snapshot_take(fx->db), before, "%s changed the database", file);
	cr_expect_eq(fx->res->nissues, nwant, "%s", all);
	for (size_t i = 0; i < nwant && i < fx->res->nissues; i++) {
		const struct import_issue *is = &fx->res->issues[i];

		cr_expect_eq(is->line, want[i].line, "%s", all);
		cr_expect_str_eq(is->column, want[i].column, "%s", all);
		cr_expect_str_eq(is->value, want[i].value, "%s", all);
		cr_expect(strstr(is->reason, want[i].reason) == is->reason,
		    "%s / %s", is->reason, want[i].reason);
	}
}

static int64_t
fx_int(struct fixture *fx, const char *sql)
{
	return dbtest_int(fx->db, sql);
}

Test(caf_import, services_per_day_and_their_activities)
{
	struct fixture fx;

	fx_open(&fx);
	fx_ok(&fx, IMPORT_FAMILIES, DATA "families.csv");
	fx_ok(&fx, IMPORT_TARIFFS, DATA "tariffs.csv");
	cr_expect_eq(fx.res->created, 5);
	cr_expect_eq(fx.res->rows_updated, 0);
	cr_expect_eq(fx_int(&fx,
	                 "SELECT count(*) FROM services WHERE (code, unit, "
	                 "caf_activity) IN (('CANTINE', 'meal', 'none'), "
	                 "('ALSH', 'hour', 'extrascolaire'), ('MERCREDI', "
	                 "'hour', 'periscolaire'), ('JOURNEE', 'day', "
	                 "'extrascolaire'), ('SEJOUR', 'day', 'sejour'))"),
	    5);
	cr_expect_eq(fx_int(&fx,
	                 "SELECT count(*) FROM tariffs t JOIN services s ON "
	                 "s.id = t.service_id WHERE s.code = 'JOURNEE' AND "
	                 "t.unit = 'day' AND t.price_cents IN (1200, 1500)"),
	    2);
	fx_close(&fx);
}

/* A later tariffs file may change a service's activity; one that leaves
 * the column out keeps it. */
Test(caf_import, a_later_tariffs_file_changes_the_activity)
{
	char path[] = "/tmp/caf-tariffs-XXXXXX";
	struct fixture fx;
	FILE *fp;
	int fd;

	fx_open(&fx);
	fx_load(&fx);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	fputs("service;bracket;unit;price;valid_from;caf_activity\n"
	      "ALSH;A;hour;1,60;2026-09-01;périscolaire\n"
	      "ALSH;B;hour;2,10;2026-09-01;\n"
	      "SEJOUR;A;day;31;2026-09-01;\n",
	    fp);
	fclose(fp);
	fx_ok(&fx, IMPORT_TARIFFS, path);
	cr_expect_eq(fx.res->rows_inserted, 3);
	cr_expect_eq(fx.res->rows_updated, 1);
	cr_expect_eq(fx.res->created, 0);
	cr_expect_eq(fx_int(&fx,
	                 "SELECT count(*) FROM services WHERE (code, "
	                 "caf_activity) IN (('ALSH', 'periscolaire'), "
	                 "('SEJOUR', 'sejour'))"),
	    2);
	/* no caf_activity column at all */
	fp = fopen(path, "w");
	fputs("service,bracket,unit,price,valid_from\n"
	      "ALSH,A,hour,1.70,2027-01-01\n",
	    fp);
	fclose(fp);
	fx_ok(&fx, IMPORT_TARIFFS, path);
	cr_expect_eq(fx.res->rows_updated, 0);
	cr_expect_eq(fx_int(&fx,
	                 "SELECT count(*) FROM services WHERE code = 'ALSH' "
	                 "AND caf_activity = 'periscolaire'"),
	    1);
	unlink(path);
	fx_close(&fx);
}

Test(caf_import, birth_dates_from_the_consumption_file)
{
	struct fixture fx;

	fx_open(&fx);
	fx_load(&fx);
	cr_expect_eq(fx.res->created, 3);
	/* Léo and Tom born as the file says, with its line; Inès unknown */
	cr_expect_eq(fx_int(&fx,
	                 "SELECT count(*) FROM children h JOIN families f ON "
	                 "f.id = h.family_id WHERE (f.family_ref, h.child_ref, "
	                 "h.birth_date, h.birth_source_line) IN (('F001', "
	                 "'C1', '2020-06-15', 2), ('F002', 'C1', '2015-03-01', "
	                 "9)) AND h.birth_source_file_id = (SELECT max(id) "
	                 "FROM imported_files)"),
	    2);
	cr_expect_eq(fx_int(&fx,
	                 "SELECT count(*) FROM children WHERE child_ref = 'C2' "
	                 "AND birth_date IS NULL AND birth_source_line IS "
	                 "NULL"),
	    1);
	/* a later file gives Inès hers (and repeats the others') */
	{
		char path[] = "/tmp/caf-conso-XXXXXX";
		int fd = mkstemp(path);
		FILE *fp = fdopen(fd, "w");

		fputs("family_ref;child_ref;child_name;service;date;quantity;"
		      "birth_date\n"
		      "F001;C2;Inès Lefèvre;ALSH;2026-07-08;2;2021-09-03\n"
		      "F001;C2;Inès Lefèvre;ALSH;2026-07-09;2;03/09/2021\n"
		      "F001;C1;Léo Lefèvre;ALSH;2026-07-08;2;2020-06-15\n",
		    fp);
		fclose(fp);
		fx_ok(&fx, IMPORT_CONSUMPTION, path);
		unlink(path);
	}
	cr_expect_eq(fx.res->created, 0);
	cr_expect_eq(fx.res->rows_updated, 1);
	cr_expect_eq(fx_int(&fx,
	                 "SELECT count(*) FROM children WHERE child_ref = 'C2' "
	                 "AND birth_date = '2021-09-03' AND birth_source_line "
	                 "= 2"),
	    1);
	fx_close(&fx);
}

Test(caf_import, the_children_file_creates_and_corrects)
{
	struct fixture fx;

	fx_open(&fx);
	fx_load(&fx);
	fx_ok(&fx, IMPORT_CHILDREN, DATA "children.csv");
	cr_expect_eq(fx.res->rows_total, 3);
	cr_expect_eq(fx.res->rows_inserted, 1);
	cr_expect_eq(fx.res->rows_updated, 1);
	cr_expect_eq(fx_int(&fx,
	                 "SELECT count(*) FROM children h JOIN families f ON "
	                 "f.id = h.family_id WHERE (f.family_ref, h.child_ref, "
	                 "h.name, h.birth_date) IN (('F001', 'C2', 'Inès "
	                 "Lefèvre', '2021-09-03'), ('F002', 'C3', 'Lou "
	                 "Martin', '2023-01-10'), ('F002', 'C1', 'Tom "
	                 "Martin', '2015-03-01'))"),
	    3);
	/* Tom's empty birth date kept the one of the consumption file */
	cr_expect_eq(fx_int(&fx,
	                 "SELECT count(*) FROM children WHERE name = 'Tom "
	                 "Martin' AND birth_source_line = 9"),
	    1);
	/* a correction */
	{
		char path[] = "/tmp/caf-children-XXXXXX";
		int fd = mkstemp(path);
		FILE *fp = fdopen(fd, "w");

		fputs("child_ref,family_ref,child_name,birth_date\n"
		      "C1,F002,Tom Martin,2015-03-02\n"
		      "C1,F001,Léo Lefèvre,2020-06-15\n",
		    fp);
		fclose(fp);
		fx_ok(&fx, IMPORT_CHILDREN, path);
		unlink(path);
	}
	cr_expect_eq(fx.res->rows_inserted, 0);
	cr_expect_eq(fx.res->rows_updated, 1);
	cr_expect_eq(fx_int(&fx,
	                 "SELECT count(*) FROM children WHERE name = 'Tom "
	                 "Martin' AND birth_date = '2015-03-02' AND "
	                 "birth_source_line = 2"),
	    1);
	fx_close(&fx);
}

Test(caf_import, bad_birth_dates_are_refused_whole)
{
	static const struct import_issue want[] = {
	    {2, "birth_date", "31/02/2020", "day 31 does not exist"},
	    {3, "birth_date", "2026-02-20",
	        "after the day of attendance 2026-02-19"},
	    {4, "birth_date", "1990-01-01",
	        "25 years or more before the day of attendance 2026-03-03"},
	    {7, "date", "2026-13-05", "month 13"},
	    {7, "birth_date", "2027-01-01",
	        "after the business date 2026-08-01"},
	    /* against the file, then against what is stored */
	    {5, "birth_date", "2015-03-02",
	        "child C1 of family F002 was born on 2015-03-01 according to "
	        "consumption.csv line 9; a children file (sepactl import "
	        "children) corrects it"},
	    {6, "birth_date", "2015-03-01",
	        "child C1 of family F002 has birth date 2015-03-02 on line 5 "
	        "of the file"},
	};
	struct fixture fx;

	fx_open(&fx);
	fx_load(&fx);
	fx_refused(&fx, IMPORT_CONSUMPTION, DATA "bad_birth_dates.csv", want,
	    sizeof(want) / sizeof(want[0]));
	cr_expect_eq(fx.res->bad_rows, 6);
	fx_close(&fx);
}

Test(caf_import, bad_tariffs_are_refused_whole)
{
	static const struct import_issue want[] = {
	    {2, "caf_activity", "extrascolaire",
	        "a service billed per meal or slot has no hours to declare "
	        "to the CAF: caf_activity must be none"},
	    {3, "caf_activity", "garderie",
	        "not a CAF activity: périscolaire, extrascolaire, accueil "
	        "adolescent, séjour or none"},
	    {4, "unit", "night", "unit must be meal, slot, hour or day"},
	    {6, "caf_activity", "periscolaire",
	        "service JOURNEE has CAF activity extrascolaire on line 5 of "
	        "the file"},
	};
	struct fixture fx;

	fx_open(&fx);
	fx_ok(&fx, IMPORT_FAMILIES, DATA "families.csv");
	fx_refused(&fx, IMPORT_TARIFFS, DATA "bad_tariffs.csv", want,
	    sizeof(want) / sizeof(want[0]));
	fx_close(&fx);
}

Test(caf_import, bad_children_are_refused_whole)
{
	static const struct import_issue want[] = {
	    {5, "child_name", "", "is empty"},
	    {5, "birth_date", "2030-01-01",
	        "after the business date 2026-08-01"},
	    {2, "family_ref", "F009", "unknown family"},
	    {4, "child_ref", "C2",
	        "child C2 of family F001 already on line 3 of the file"},
	};
	struct fixture fx;

	fx_open(&fx);
	fx_load(&fx);
	fx_refused(&fx, IMPORT_CHILDREN, DATA "bad_children.csv", want,
	    sizeof(want) / sizeof(want[0]));
	fx_close(&fx);
}
