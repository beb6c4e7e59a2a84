/*
 * snapshot.h - a fingerprint of every table an import may touch (rows and
 * values, in a fixed order), to assert that a refused import left the
 * database exactly as it was.
 */
#ifndef SEPAD_SNAPSHOT_H
#define SEPAD_SNAPSHOT_H

#include "dbtest.h"

#define SNAPSHOT_TABLE(t, order) \
	"(SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY " order \
	"), '')) FROM " t " x)"

/* 64 bits of an md5 over the tables' contents. */
static inline int64_t
snapshot_take(struct db *db)
{
	return dbtest_int(db,
	    "SELECT ('x' || substr(md5(concat_ws('|', " SNAPSHOT_TABLE(
	        "creditors", "x.id") ", " SNAPSHOT_TABLE("imported_files",
	        "x.id") ", " SNAPSHOT_TABLE("families",
	        "x.id") ", " SNAPSHOT_TABLE("children",
	        "x.id") ", " SNAPSHOT_TABLE("services",
	        "x.id") ", " SNAPSHOT_TABLE("tariffs",
	        "x.id") ", " SNAPSHOT_TABLE("mandates",
	        "x.id") ", " SNAPSHOT_TABLE("mandate_accounts",
	        "x.id") ", " SNAPSHOT_TABLE("consumption_lines",
	        "x.source_file_id, x.source_line") ", " SNAPSHOT_TABLE("consumption_batches",
	        "x.source_file_id, x.month") ", " SNAPSHOT_TABLE("events",
	        "x.id") ", " SNAPSHOT_TABLE("staging_families",
	        "x.file_id, x.line") ", " SNAPSHOT_TABLE("staging_mandates",
	        "x.file_id, x.line") ", " SNAPSHOT_TABLE("staging_tariffs",
	        "x.file_id, x.line") ", " SNAPSHOT_TABLE("staging_consumption",
	        "x.file_id, x.line") ", " SNAPSHOT_TABLE("staging_children",
	        "x.file_id, x.line") ")), 1, 16))::bit(64)::bigint");
}

#endif /* SEPAD_SNAPSHOT_H */
