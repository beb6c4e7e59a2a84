/*
 * test_pgcluster.c - pgcluster.c: a private cluster created on demand,
 * found again fast, stopped and restarted; the helper's failures.
 */
#include <string.h>
#include <sys/stat.h>

#include "dbtest.h"
#include "sepa/error.h"
#include "db.h"
#include "pgcluster.h"

static void
slurp(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	cr_assert_not_null(fp, "%s", path);
	n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(fp);
}

/* The cluster of the test run: found by its socket, no script run. */
Test(pgcluster, running_cluster_is_found_fast)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *root = getenv("SEPAD_TEST_PGROOT");
	char conninfo[1024], want[1024], path[512];

	cr_assert_not_null(root, "run through tests/with-pg.sh");
	snprintf(path, sizeof(path), "%s/conninfo", root);
	slurp(path, want, sizeof(want));
	/* A script that cannot run proves that none was needed. */
	setenv("SEPAD_PGCLUSTER", "/nonexistent/pgcluster.sh", 1);
	cr_assert_eq(
	    pgcluster_ensure(root, 0, conninfo, sizeof(conninfo), &err), 0,
	    "%s", err.msg);
	cr_assert_str_eq(conninfo, want);
	/* Forced, the script must run: here it cannot. */
	cr_assert_eq(
	    pgcluster_ensure(root, 1, conninfo, sizeof(conninfo), &err),
	    SEPA_EIO);
	cr_assert(strstr(err.msg,
	              "could not start the private database "
	              "cluster in ") == err.msg,
	    "%s", err.msg);
	cr_assert(strstr(err.msg, "/nonexistent/pgcluster.sh failed") != NULL,
	    "%s", err.msg);
	unsetenv("SEPAD_PGCLUSTER");
}

/* A cluster of our own: created, used, stopped, started again, removed. */
Test(pgcluster, lifecycle, .timeout = 120)
{
	sepa_error err = SEPA_ERROR_INIT;
	char root[512], conninfo[1024], sock[600], cmd[1200];
	struct stat st;
	struct db *db;

	snprintf(root, sizeof(root), "%s/build/testpg-own-%ld", SEPAD_SRCDIR,
	    (long)getpid());
	snprintf(sock, sizeof(sock), "%s/run/.s.PGSQL.5432", root);
	setenv("SEPAD_PG_FAST", "1", 1);
	cr_assert_eq(
	    pgcluster_ensure(root, 0, conninfo, sizeof(conninfo), &err), 0,
	    "%s", err.msg);
	cr_assert_eq(db_connect(&db, conninfo, &err), 0, "%s", err.msg);
	cr_assert_eq(dbtest_int(db,
	                 "SELECT (current_database() = 'sepad' AND "
	                 "current_setting('server_encoding') = "
	                 "'UTF8' AND current_setting('lc_collate') = "
	                 "'C.UTF-8' AND current_setting("
	                 "'listen_addresses') = '')::int"),
	    1);
	db_close(db);
	cr_assert_eq(pgcluster_stop(root, &err), 0, "%s", err.msg);
	cr_assert_neq(stat(sock, &st), 0, "the socket outlived the server");
	cr_assert_eq(
	    pgcluster_ensure(root, 0, conninfo, sizeof(conninfo), &err), 0,
	    "%s", err.msg);
	cr_assert_eq(stat(sock, &st), 0);
	cr_assert_eq(st.st_mode & S_IFMT, S_IFSOCK);
	snprintf(cmd, sizeof(cmd), "sh %s/tools/pgcluster.sh destroy %s",
	    SEPAD_SRCDIR, root);
	cr_assert_eq(system(cmd), 0);
	cr_assert_neq(lstat(root, &st), 0);
}
