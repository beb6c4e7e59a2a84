/*
 * store_schema.h - the migrations of schemas/sql (store_schema.c).
 */
#ifndef SEPAD_STORE_SCHEMA_H
#define SEPAD_STORE_SCHEMA_H

#include "sepa/error.h"

struct db;

/* The migrations directory: $SEPAD_SQL_DIR, else the build-time path. */
const char *store_schema_dir(void);
/*
 * Apply the migrations of `dir` (files NNN_name.sql, in order) that the
 * database has not recorded in schema_version, all in one transaction:
 * either every pending one is applied or none. Each is recorded with its
 * SHA-256; a recorded migration whose file has changed, a file numbered
 * below the current version that was never applied, or a database newer
 * than the files are refused (SEPA_ESTATE) before anything is done.
 * *applied (may be NULL) gets how many were applied; *version (may be
 * NULL) the resulting version.
 */
int store_schema_migrate(struct db *db, const char *dir, int *applied,
    int *version, sepa_error *err);
/* The version recorded (0 when the schema_version table is missing). */
int store_schema_version(struct db *db, int *version, sepa_error *err);

#endif /* SEPAD_STORE_SCHEMA_H */
