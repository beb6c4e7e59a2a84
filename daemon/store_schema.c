/*
 * store_schema.c - the SQL migrations: schemas/sql/NNN_name.sql applied in
 * order, in one transaction, each recorded in schema_version.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/digest.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "log.h"
#include "store_schema.h"

#ifndef SEPAD_SRCDIR
#define SEPAD_SRCDIR "."
#endif

/* A migration file is trusted text, but not an unbounded one. */
#define SCHEMA_MAX_FILE (4 * 1024 * 1024)

struct migration {
	int version;
	char *name; /* file name, "001_core.sql" */
};

#define SCHEMA_SHA256_HEX 65

const char *
store_schema_dir(void)
{
	const char *env = getenv("SEPAD_SQL_DIR");

	return env != NULL && env[0] != '\0' ? env
	                                     : SEPAD_SRCDIR "/schemas/sql";
}

/* "NNN_name.sql", name of [a-z0-9_]: the version, else -1. */
static int
schema_file_version(const char *name)
{
	size_t n = strlen(name);

	if (n < 9 || strcmp(name + n - 4, ".sql") != 0 || name[3] != '_')
		return -1;
	for (size_t i = 0; i < 3; i++)
		if (!isdigit((unsigned char)name[i]))
			return -1;
	for (size_t i = 4; i < n - 4; i++)
		if (!islower((unsigned char)name[i]) &&
		    !isdigit((unsigned char)name[i]) && name[i] != '_')
			return -1;
	return (name[0] - '0') * 100 + (name[1] - '0') * 10 + (name[2] - '0');
}

static int
schema_cmp(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

static void
schema_list_free(struct migration *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].name);
	free(list);
}

/* The migrations of dir, sorted; two files with one number are an error. */
static int
schema_list(
    const char *dir, struct migration **out, size_t *count, sepa_error *err)
{
	struct migration *list = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;
	int rc = 0;

	*out = NULL;
	*count = 0;
	if ((d = opendir(dir)) == NULL)
		return sepa_error_set(err, SEPA_EIO,
		    "could not read the migrations directory %s: %s", dir,
		    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		int v = schema_file_version(de->d_name);

		size_t len = strlen(de->d_name);

		if (v <= 0 && len > 4 &&
		    strcmp(de->d_name + len - 4, ".sql") == 0) {
			rc = sepa_error_set(err, SEPA_EINVAL,
			    "could not read the migrations in %s: %s is not named NNN_name.sql (NNN from 001, name in a-z 0-9 _)",
			    dir, de->d_name);
			closedir(d);
			schema_list_free(list, n);
			return rc;
		}
		if (v <= 0)
			continue;
		list = xreallocarray(list, n + 1, sizeof(*list));
		list[n].version = v;
		list[n].name = xstrdup(de->d_name);
		n++;
	}
	closedir(d);
	qsort(list, n, sizeof(*list), schema_cmp);
	for (size_t i = 1; i < n; i++) {
		if (list[i].version == list[i - 1].version) {
			rc = sepa_error_set(err, SEPA_EINVAL,
			    "could not order the migrations in %s: %s and %s have the same number",
			    dir, list[i - 1].name, list[i].name);
			schema_list_free(list, n);
			return rc;
		}
	}
	*out = list;
	*count = n;
	return 0;
}

static int
schema_read_file(const char *dir, const char *name, char **out, sepa_error *err)
{
	char *path, *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int rc = 0;

	*out = NULL;
	xasprintf(&path, "%s/%s", dir, name);
	if ((fp = fopen(path, "r")) == NULL) {
		rc = sepa_error_set(err, SEPA_EIO, "could not read %s: %s",
		    path, strerror(errno));
		goto cleanup;
	}
	buf = xmalloc(SCHEMA_MAX_FILE + 1);
	len = fread(buf, 1, SCHEMA_MAX_FILE + 1, fp);
	if (ferror(fp)) {
		rc = sepa_error_set(err, SEPA_EIO, "could not read %s: %s",
		    path, strerror(errno));
		goto cleanup;
	}
	if (len > SCHEMA_MAX_FILE) {
		rc = sepa_error_set(err, SEPA_ELIMIT,
		    "could not read %s: larger than %d bytes", path,
		    SCHEMA_MAX_FILE);
		goto cleanup;
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		rc = sepa_error_set(err, SEPA_EINVAL,
		    "could not read %s: it contains a NUL byte", path);
		goto cleanup;
	}
	*out = buf;
	buf = NULL;
cleanup:
	if (fp != NULL)
		fclose(fp);
	free(buf);
	free(path);
	return rc;
}

int
store_schema_version(struct db *db, int *version, sepa_error *err)
{
	int64_t v = 0;
	int rc;

	*version = 0;
	rc = db_query_int64(db, &v, "read the schema version",
	    "SELECT count(*) FROM pg_catalog.pg_tables "
	    "WHERE tablename = 'schema_version' "
	    "AND schemaname = current_schema()",
	    0, NULL, err);
	if (rc != 0 || v == 0)
		return rc;
	rc = db_query_int64(db, &v, "read the schema version",
	    "SELECT coalesce(max(version), 0) FROM schema_version", 0, NULL,
	    err);
	*version = (int)v;
	return rc;
}

/* SHA-256 of text, in lower-case hex (SCHEMA_SHA256_HEX bytes). */
static int
schema_sha256(char *hex, const char *text, sepa_error *err)
{
	if (sepa_sha256_buf(text, strlen(text), hex, err) != 0) {
		sepa_error_prefix(err, "a migration");
		return err != NULL ? err->code : SEPA_EIO;
	}
	return 0;
}

/*
 * Check the migrations the database has recorded against the files: the
 * same name and SHA-256 (an applied migration must never be edited), none
 * missing below the current version, and a database not newer than the
 * files.
 */
static int
schema_check_applied(struct db *db, const char *dir,
    const struct migration *list, size_t n, int current, sepa_error *err)
{
	PGresult *res = NULL;
	char *sql = NULL, hex[SCHEMA_SHA256_HEX];
	int rc, rows, row = 0;

	if (n == 0 || list[n - 1].version < current)
		return sepa_error_set(err, SEPA_ESTATE,
		    "could not migrate: the database schema is at version %d, "
		    "newer than the migrations in %s (up to %d); use the "
		    "sepactl that goes with it",
		    current, dir, n > 0 ? list[n - 1].version : 0);
	rc = db_query(db, &res, "read the applied migrations",
	    "SELECT version, name, sha256 FROM schema_version ORDER BY version",
	    0, NULL, err);
	if (rc != 0)
		return rc;
	rows = PQntuples(res);
	for (size_t i = 0; i < n && list[i].version <= current; i++) {
		while (row < rows &&
		    atoi(PQgetvalue(res, row, 0)) < list[i].version)
			row++;
		if (row >= rows ||
		    atoi(PQgetvalue(res, row, 0)) != list[i].version) {
			rc = sepa_error_set(err, SEPA_ESTATE,
			    "could not migrate: %s is numbered below the schema "
			    "version %d but was never applied",
			    list[i].name, current);
			goto cleanup;
		}
		if ((rc = schema_read_file(dir, list[i].name, &sql, err)) !=
		        0 ||
		    (rc = schema_sha256(hex, sql, err)) != 0)
			goto cleanup;
		free(sql);
		sql = NULL;
		if (strcmp(PQgetvalue(res, row, 1), list[i].name) != 0 ||
		    strcmp(PQgetvalue(res, row, 2), hex) != 0) {
			rc = sepa_error_set(err, SEPA_ESTATE,
			    "could not migrate: %s was changed after it was "
			    "applied as %s (sha256 %.12s, now %.12s); write a new "
			    "migration instead",
			    list[i].name, PQgetvalue(res, row, 1),
			    PQgetvalue(res, row, 2), hex);
			goto cleanup;
		}
	}
cleanup:
	free(sql);
	PQclear(res);
	return rc;
}

int
store_schema_migrate(
    struct db *db, const char *dir, int *applied, int *version, sepa_error *err)
{
	struct migration *list = NULL;
	PGresult *lock = NULL;
	size_t n = 0;
	char *sql = NULL;
	int current = 0, done = 0, rc;

	if (applied != NULL)
		*applied = 0;
	if (version != NULL)
		*version = 0;
	if ((rc = schema_list(dir, &list, &n, err)) != 0)
		return rc;
	if ((rc = db_begin(db, DB_READ_COMMITTED, err)) != 0)
		goto cleanup;
	/* One migrator at a time; the lock ends with the transaction. */
	rc = db_query(db, &lock, "take the migration lock",
	    "SELECT pg_advisory_xact_lock(727365706164)", 0, NULL, err);
	db_result_free(lock);
	if (rc != 0)
		goto cleanup;
	rc = db_exec(db, "create the schema_version table",
	    "CREATE TABLE IF NOT EXISTS schema_version ("
	    " version integer PRIMARY KEY CHECK (version > 0),"
	    " name text NOT NULL,"
	    " sha256 text NOT NULL,"
	    " applied_at timestamptz NOT NULL DEFAULT now())",
	    0, NULL, err);
	if (rc != 0)
		goto cleanup;
	if ((rc = store_schema_version(db, &current, err)) != 0)
		goto cleanup;
	if (current > 0 &&
	    (rc = schema_check_applied(db, dir, list, n, current, err)) != 0)
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		char vbuf[16], what[300], hex[SCHEMA_SHA256_HEX];
		const char *params[3];

		if (list[i].version <= current)
			continue;
		if ((rc = schema_read_file(dir, list[i].name, &sql, err)) != 0)
			goto cleanup;
		snprintf(
		    what, sizeof(what), "apply migration %s", list[i].name);
		if ((rc = schema_sha256(hex, sql, err)) != 0 ||
		    (rc = db_exec_script(db, what, sql, err)) != 0)
			goto cleanup;
		free(sql);
		sql = NULL;
		snprintf(vbuf, sizeof(vbuf), "%d", list[i].version);
		params[0] = vbuf;
		params[1] = list[i].name;
		params[2] = hex;
		rc = db_exec(db, "record the migration",
		    "INSERT INTO schema_version (version, name, sha256) "
		    "VALUES ($1::integer, $2, $3)",
		    3, params, err);
		if (rc != 0)
			goto cleanup;
		current = list[i].version;
		done++;
	}
	if ((rc = db_commit(db, err)) != 0)
		goto cleanup;
	if (applied != NULL)
		*applied = done;
	if (version != NULL)
		*version = current;
cleanup:
	if (rc != 0)
		db_rollback(db);
	free(sql);
	schema_list_free(list, n);
	return rc;
}
