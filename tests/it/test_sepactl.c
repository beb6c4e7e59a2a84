/*
 * test_sepactl.c - the sepactl program end to end: exit statuses, messages,
 * help, `init` and `status` against a database of the test cluster.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../db/dbtest.h"
#include "ctlrun.h"
#include "sepa/error.h"
#include "db.h"

#define SEPACTL SEPAD_SRCDIR "/build/sepactl"

/* A temporary configuration file holding text (path: 64 bytes). */
static void
write_conf(char *path, const char *text)
{
	ctlrun_conf(path, 64, text);
}

/* Command lines that need no database: status and a stable message. */
static const struct {
	const char *args;
	int status;
	const char *out;
	const char *err;
} no_db[] = {
    {"", 2, "", "sepactl: a command is needed"},
    {"nosuch", 2, "",
        "sepactl: unknown command \"nosuch\" (see sepactl --help)"},
    {"--bogus status", 2, "", "usage: sepactl"},
    {"--help", 0, "commands:\n  init", ""},
    {"-h", 0, "exit status: 0 done, 1 input refused, 2 usage error", ""},
    {"init --help", 0, "usage: sepactl [options] init \n\nApply the SQL", ""},
    {"status -h", 0, "usage: sepactl [options] status", ""},
    {"--version", 0, "sepactl " SEPAD_VERSION "\n", ""},
    {"-V", 0, "sepactl " SEPAD_VERSION "\n", ""},
    {"--today 2026-02-29 status", 2, "",
        "sepactl: could not set the business date: day 29 does not exist in "
        "February 2026"},
    {"--today 2026-02-28x status", 2, "",
        "sepactl: could not set the business date: expected YYYY-MM-DD or "
        "DD/MM/YYYY"},
    {"--today 29/02/2026 status", 2, "",
        "sepactl: could not set the business date: day 29 does not exist in "
        "February 2026"},
    {"-c /nonexistent/x.conf status", 3, "",
        "sepactl: could not load the configuration /nonexistent/x.conf: 1 "
        "error\n/nonexistent/x.conf: could not open the configuration: No "
        "such file or directory"},
    {"db restart", 2, "", "sepactl: db needs start or stop"},
};

Test(sepactl, usage_and_help)
{
	struct ctlrun r;

	for (size_t i = 0; i < sizeof(no_db) / sizeof(no_db[0]); i++) {
		ctlrun(&r, no_db[i].args);
		cr_expect_eq(r.status, no_db[i].status, "sepactl %s: %d\n%s",
		    no_db[i].args, r.status, r.err);
		cr_expect(strstr(r.out, no_db[i].out) != NULL,
		    "sepactl %s: stdout\n%s", no_db[i].args, r.out);
		cr_expect(strstr(r.err, no_db[i].err) != NULL,
		    "sepactl %s: stderr\n%s", no_db[i].args, r.err);
	}
}

Test(sepactl, bad_configuration_is_refused_with_its_line)
{
	char path[64], args[256], want[256];
	struct ctlrun r;

	write_conf(path,
	    "database: {\n conninfo = \"\";\n};\n"
	    "collection: { due_day = 31; };\n");
	snprintf(args, sizeof(args), "-c %s status", path);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 1, "%s", r.err);
	snprintf(want, sizeof(want),
	    "%s:4: key \"collection.due_day\": 31 is out of range 1..28", path);
	cr_assert(strstr(r.err, want) != NULL, "%s", r.err);
	cr_assert_str_eq(r.out, "");
	unlink(path);
}

/* The highest migration number: the schema version `init` reaches
 * (numbers are assigned per issue, so there may be gaps). */
static int
migration_max(void)
{
	char cmd[512];
	FILE *fp;
	int n = 0;

	snprintf(cmd, sizeof(cmd),
	    "ls %s/schemas/sql | sed -n 's/^\\([0-9][0-9][0-9]\\)_.*\\.sql$/\\1/p'"
	    " | sort -n | tail -1",
	    SEPAD_SRCDIR);
	fp = popen(cmd, "r");
	cr_assert_not_null(fp);
	cr_assert_eq(fscanf(fp, "%d", &n), 1);
	pclose(fp);
	cr_assert_gt(n, 0);
	return n;
}

/* The number of migration files. */
static int
migration_count(void)
{
	char cmd[512];
	FILE *fp;
	int n = 0;

	snprintf(cmd, sizeof(cmd),
	    "ls %s/schemas/sql | grep -c '^[0-9][0-9][0-9]_.*\\.sql$'",
	    SEPAD_SRCDIR);
	fp = popen(cmd, "r");
	cr_assert_not_null(fp);
	cr_assert_eq(fscanf(fp, "%d", &n), 1);
	pclose(fp);
	cr_assert_gt(n, 0);
	return n;
}

Test(sepactl, init_then_status)
{
	char conninfo[DBTEST_CONNINFO_MAX], name[64], path[64], text[2048];
	char args[256], want[256];
	struct ctlrun r;
	int nmig = migration_count(), vmig = migration_max();

	dbtest_create(conninfo, name, "template0");
	snprintf(text, sizeof(text), "database: { conninfo = \"%s\"; };\n",
	    conninfo);
	write_conf(path, text);

	snprintf(args, sizeof(args), "-c %s --today 2026-02-28 status", path);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(
	    strstr(r.out, "business date: 2026-02-28\n") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "schema version 0\n") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "run `sepactl init`") != NULL, "%s", r.out);

	snprintf(args, sizeof(args), "-c %s init", path);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want),
	    "database schema migrated to version %d (%d migration%s applied)",
	    vmig, nmig, nmig == 1 ? "" : "s");
	cr_assert(strstr(r.out, want) != NULL, "%s", r.out);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want),
	    "database schema is up to date (version %d)\n", vmig);
	cr_assert_str_eq(r.out, want);

	snprintf(args, sizeof(args), "-c %s status", path);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want),
	    "database: reachable, schema version %d\n"
	    "creditor: not configured\n"
	    "creditors: 0\nfamilies: 0\n",
	    vmig);
	cr_assert(strstr(r.out, want) != NULL, "%s", r.out);
	cr_assert_str_eq(r.err, "");

	/* SEPAD_TODAY is the business date when --today is absent. */
	snprintf(args, sizeof(args), "SEPAD_TODAY=2025-09-01 %s -c %s status",
	    SEPACTL, path);
	snprintf(text, sizeof(text), "%s | grep -q 'business date: 2025-09-01'",
	    args);
	cr_assert_eq(system(text), 0);
	unlink(path);
	dbtest_drop(name);
}

Test(sepactl, init_registers_the_configured_creditor)
{
	char conninfo[DBTEST_CONNINFO_MAX], name[64], path[64], text[2048];
	char args[256], want[256];
	struct ctlrun r;

	dbtest_create(conninfo, name, "sepad");
	snprintf(text, sizeof(text),
	    "database: { conninfo = \"%s\"; };\n"
	    "creditor: { name = \"Commune de Test\"; ics = \"fr72zzz123456\"; };\n",
	    conninfo);
	write_conf(path, text);
	snprintf(args, sizeof(args), "-c %s status", path);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out,
	              "creditor: FR72ZZZ123456 is not registered; "
	              "run `sepactl init`\n") != NULL,
	    "%s", r.out);
	snprintf(args, sizeof(args), "-c %s init", path);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want),
	    "database schema is up to date (version %d)\n"
	    "creditor FR72ZZZ123456 registered (Commune de Test)\n",
	    migration_max());
	cr_assert_str_eq(r.out, want);
	snprintf(args, sizeof(args), "-c %s status", path);
	ctlrun(&r, args);
	cr_assert(strstr(r.out,
	              "creditor: FR72ZZZ123456, Commune de Test\n"
	              "creditors: 1\n") != NULL,
	    "%s", r.out);
	unlink(path);
	dbtest_drop(name);
}

Test(sepactl, unreachable_database_is_an_internal_error)
{
	char path[64], args[256];
	struct ctlrun r;

	write_conf(path,
	    "database: { conninfo = \"host=/nonexistent "
	    "dbname=x connect_timeout=2\"; };\n");
	snprintf(args, sizeof(args), "-c %s init", path);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 3, "%s", r.err);
	cr_assert(strncmp(r.err,
	              "sepactl: could not open the database: could not "
	              "connect to the database: ",
	              70) == 0,
	    "%s", r.err);
	cr_assert_eq(
	    strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "%s", r.err);
	unlink(path);
}

/* A broken migration through the program: refused, database unchanged. */
Test(sepactl, failed_migration_leaves_the_database_unchanged)
{
	char conninfo[DBTEST_CONNINFO_MAX], name[64], path[64], text[2048];
	char dir[128], args[512];
	struct ctlrun r;
	struct db *db;
	sepa_error err = SEPA_ERROR_INIT;

	dbtest_create(conninfo, name, "template0");
	snprintf(text, sizeof(text), "database: { conninfo = \"%s\"; };\n",
	    conninfo);
	write_conf(path, text);
	snprintf(dir, sizeof(dir), "/tmp/sepactl-sql-%ld", (long)getpid());
	snprintf(text, sizeof(text),
	    "rm -rf %s && mkdir %s && cp %s/schemas/sql/*.sql %s && "
	    "echo 'CREATE TABLE late (x int); SELEC 1;' >%s/998_late.sql",
	    dir, dir, SEPAD_SRCDIR, dir, dir);
	cr_assert_eq(system(text), 0);
	snprintf(args, sizeof(args), "-c %s init", path);
	snprintf(text, sizeof(text), "SEPAD_SQL_DIR=%s %s -c %s init", dir,
	    SEPACTL, path);
	cr_assert_eq(WEXITSTATUS(system(text)), 3);
	cr_assert_eq(db_connect(&db, conninfo, &err), 0, "%s", err.msg);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT count(*) FROM pg_tables WHERE schemaname = "
	                 "'public'"),
	    0);
	db_close(db);
	ctlrun(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(text, sizeof(text), "rm -rf %s", dir);
	cr_assert_eq(system(text), 0);
	unlink(path);
	dbtest_drop(name);
}
