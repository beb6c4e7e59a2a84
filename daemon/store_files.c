/*
 * store_files.c - the files the store recorded: batches (pain.008 files
 * and PES flows, migrations 002, 036 and 042) and recovery exports
 * (migration 007), read for the console's list and download.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sepa/date.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "store_files.h"

/* The columns of both queries: kind, id, file, sha256, state, date,
 * count, amount. */
#define FILES_BATCH_COLS \
	"SELECT CASE WHEN b.channel = 'pes' THEN 1 ELSE 0 END, b.id," \
	" b.file_name, coalesce(b.sha256, ''), b.state," \
	" coalesce(b.released_at, b.created_at)::date::text, b.nb_of_txs," \
	" b.ctrl_sum_cents FROM batches b WHERE b.creditor_id = $1"
#define FILES_RECOVERY_COLS \
	"SELECT 2, x.id, x.file_name, x.sha256, 'released'," \
	" x.business_date::text, x.invoice_count, x.total_cents" \
	" FROM recovery_exports x WHERE x.creditor_id = $1" \
	" AND x.batch_id IS NULL" /* a PES flow (043): listed as its batch */

/* $1 creditor, $2 first day of the collection month. */
static const char files_month_sql[] = FILES_BATCH_COLS
    " AND b.collection_month = $2::date"
    " UNION ALL " FILES_RECOVERY_COLS " AND x.business_date >= $2::date"
    " AND x.business_date < ($2::date + interval '1 month')"
    " ORDER BY 1, 2";

/* $1 creditor, $2 id. */
static const char files_batch_sql[] = FILES_BATCH_COLS " AND b.id = $2";
static const char files_recovery_sql[] = FILES_RECOVERY_COLS " AND x.id = $2";

static const char *const files_kinds[] = {"pain008", "pes", "recovery"};

const char *
store_file_kind_name(enum store_file_kind kind)
{
	return files_kinds[kind];
}

int
store_file_kind_parse(const char *s, enum store_file_kind *kind)
{
	for (size_t i = 0; i < sizeof(files_kinds) / sizeof(files_kinds[0]);
	     i++)
		if (strcmp(s, files_kinds[i]) == 0) {
			*kind = (enum store_file_kind)i;
			return 0;
		}
	return -1;
}

static void
files_row(PGresult *res, int i, struct store_file *f)
{
	sepa_error err = SEPA_ERROR_INIT;

	memset(f, 0, sizeof(*f));
	f->kind = (enum store_file_kind)atoi(PQgetvalue(res, i, 0));
	f->id = strtoll(PQgetvalue(res, i, 1), NULL, 10);
	snprintf(
	    f->file_name, sizeof(f->file_name), "%s", PQgetvalue(res, i, 2));
	snprintf(f->sha256, sizeof(f->sha256), "%s", PQgetvalue(res, i, 3));
	snprintf(f->state, sizeof(f->state), "%s", PQgetvalue(res, i, 4));
	if (sepa_date_parse(&f->on, PQgetvalue(res, i, 5), &err) != 0)
		memset(&f->on, 0, sizeof(f->on));
	f->count = strtoll(PQgetvalue(res, i, 6), NULL, 10);
	f->amount_cents = strtoll(PQgetvalue(res, i, 7), NULL, 10);
}

int
store_files_month(struct db *db, int64_t creditor_id, sepa_month month,
    void (*fn)(void *arg, const struct store_file *f), void *arg,
    sepa_error *err)
{
	char cred[24], first[SEPA_DATE_BUFSZ];
	struct store_file f;
	PGresult *res;
	int rc;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	sepa_date_iso(first, sepa_month_day(month, 1));
	if ((rc = db_query(db, &res, "list the files of the month",
	         files_month_sql, 2, (const char *const[]){cred, first},
	         err)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(res); i++) {
		files_row(res, i, &f);
		fn(arg, &f);
	}
	db_result_free(res);
	return 0;
}

int
store_file_find(struct db *db, int64_t creditor_id, enum store_file_kind kind,
    int64_t id, struct store_file *f, sepa_error *err)
{
	char cred[24], ids[24];
	PGresult *res;
	int rc, n;

	snprintf(cred, sizeof(cred), "%" PRId64, creditor_id);
	snprintf(ids, sizeof(ids), "%" PRId64, id);
	if ((rc = db_query(db, &res, "find the file",
	         kind == STORE_FILE_RECOVERY ? files_recovery_sql
	                                     : files_batch_sql,
	         2, (const char *const[]){cred, ids}, err)) != 0)
		return rc;
	if ((n = PQntuples(res)) == 1)
		files_row(res, 0, f);
	db_result_free(res);
	if (n != 1 || f->kind != kind)
		return sepa_error_set(err, SEPA_ENOTFOUND,
		    "no %s file #%" PRId64 " was recorded",
		    store_file_kind_name(kind), id);
	return 0;
}
