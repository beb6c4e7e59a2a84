/*
 * pgcluster.c - the private PostgreSQL cluster used when database.conninfo
 * is empty: runs tools/pgcluster.sh (which knows initdb, pg_ctl, runuser
 * and the layout) and reads the connection string it leaves behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sepa/error.h"
#include "log.h"
#include "pgcluster.h"

#ifndef SEPAD_SRCDIR
#define SEPAD_SRCDIR "."
#endif

/* The helper script: $SEPAD_PGCLUSTER, else the build-time path. */
static const char *
pgcluster_script(void)
{
	const char *env = getenv("SEPAD_PGCLUSTER");

	return env != NULL && env[0] != '\0' ? env
	                                     : SEPAD_SRCDIR
	    "/tools/pgcluster.sh";
}

/* Run `sh pgcluster.sh VERB ROOT`; its messages go to our stderr. */
static int
pgcluster_run(const char *verb, const char *root, sepa_error *err)
{
	const char *script = pgcluster_script();
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		return sepa_error_set(err, SEPA_EIO,
		    "could not %s the private database cluster: fork: %s", verb,
		    strerror(errno));
	if (pid == 0) {
		/* The script's stdout is not ours: keep command output clean. */
		if (dup2(STDERR_FILENO, STDOUT_FILENO) == -1)
			_exit(127);
		execl("/bin/sh", "sh", script, verb, root, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return sepa_error_set(err, SEPA_EIO,
			    "could not %s the private database cluster: waitpid: %s",
			    verb, strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return sepa_error_set(err, SEPA_EIO,
		    "could not %s the private database cluster in %s: %s %s",
		    verb, root, script,
		    WIFEXITED(status) && WEXITSTATUS(status) == 127
		        ? "could not be run"
		        : "failed");
	return 0;
}

static int
pgcluster_read_conninfo(
    const char *root, char *conninfo, size_t size, sepa_error *err)
{
	char *path;
	FILE *fp;
	int rc = 0;

	xasprintf(&path, "%s/conninfo", root);
	if ((fp = fopen(path, "r")) == NULL) {
		rc = sepa_error_set(err, SEPA_EIO, "could not read %s: %s",
		    path, strerror(errno));
		goto cleanup;
	}
	if (fgets(conninfo, (int)size, fp) == NULL) {
		rc = sepa_error_set(
		    err, SEPA_EIO, "could not read %s: empty", path);
		goto cleanup;
	}
	conninfo[strcspn(conninfo, "\n")] = '\0';
cleanup:
	if (fp != NULL)
		fclose(fp);
	free(path);
	return rc;
}

int
pgcluster_ensure(
    const char *root, int force, char *conninfo, size_t size, sepa_error *err)
{
	char *sock;
	struct stat st;
	int up;

	/*
	 * Fast path: the server removes its socket when it stops, so a socket
	 * and a connection string mean it runs (a crash leaves a stale
	 * socket: the caller's connection fails and it calls again with
	 * force).
	 */
	xasprintf(&sock, "%s/run/.s.PGSQL.5432", root);
	up = stat(sock, &st) == 0 && S_ISSOCK(st.st_mode);
	free(sock);
	if (!force && up &&
	    pgcluster_read_conninfo(root, conninfo, size, NULL) == 0)
		return 0;
	if (pgcluster_run("start", root, err) != 0)
		return SEPA_EIO;
	return pgcluster_read_conninfo(root, conninfo, size, err);
}

int
pgcluster_stop(const char *root, sepa_error *err)
{
	return pgcluster_run("stop", root, err);
}
