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
#include "i18n.h"
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

/* What failed, whole, for the messages of pgcluster_run. */
static const char *
pgcluster_failed(const char *verb)
{
	return strcmp(verb, "stop") == 0
	    ? _("could not stop the private database cluster")
	    : _("could not start the private database cluster");
}

/* Run `sh pgcluster.sh VERB ROOT` (start or stop); its messages go to
 * our stderr. */
static int
pgcluster_run(const char *verb, const char *root, sepa_error *err)
{
	const char *script = pgcluster_script();
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		return sepa_error_set(err, SEPA_EIO, "%s: fork: %s",
		    pgcluster_failed(verb), strerror(errno));
	if (pid == 0) {
		/* The script's stdout is not ours: keep command output clean. */
		if (dup2(STDERR_FILENO, STDOUT_FILENO) == -1)
			_exit(127);
		execl("/bin/sh", "sh", script, verb, root, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return sepa_error_set(err, SEPA_EIO, "%s: waitpid: %s",
			    pgcluster_failed(verb), strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return sepa_error_set(err, SEPA_EIO,
		    "%s in %s: %s could not be run", pgcluster_failed(verb),
		    root, script);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return sepa_error_set(err, SEPA_EIO, "%s in %s: %s failed",
		    pgcluster_failed(verb), root, script);
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
