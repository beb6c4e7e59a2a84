/*
 * store_status.c - what `sepactl status` counts: the rows of the main
 * tables, each from the schema version that created its table.
 */
#include <stddef.h>

#include "sepa/error.h"
#include "db_internal.h"
#include "i18n.h"
#include "store_status.h"

/* Tables counted by status (fixed names, never input; the labels are
 * translated where status prints them). */
static const struct {
	const char *label;
	const char *sql;
	int since; /* schema version that created the table */
	const char *hint; /* printed after a count that is not zero */
} status_counts[] = {
    {N_("creditors"), "SELECT count(*) FROM creditors", 1, NULL},
    {N_("families"), "SELECT count(*) FROM families", 1, NULL},
    {N_("children"), "SELECT count(*) FROM children", 1, NULL},
    {N_("mandates"), "SELECT count(*) FROM mandates", 1, NULL},
    {N_("active mandates"),
        "SELECT count(*) FROM mandates WHERE state = 'active'", 1, NULL},
    {N_("tariffs"), "SELECT count(*) FROM tariffs", 1, NULL},
    {N_("imported files"), "SELECT count(*) FROM imported_files", 1, NULL},
    {N_("consumption lines"),
        "SELECT coalesce(sum(lines), 0) FROM consumption_batches", 8, NULL},
    {N_("consumption lines not billed yet"),
        "SELECT coalesce(sum(lines), 0) FROM consumption_batches "
        "WHERE billed_month IS NULL",
        8, NULL},
    {N_("invoices"), "SELECT count(*) FROM invoices", 1, NULL},
    {N_("pain.008 files released"),
        "SELECT count(*) FROM batches WHERE state = 'released'"
        " AND channel = 'pain008'",
        42, NULL},
    {N_("PES flows released"),
        "SELECT count(*) FROM batches WHERE state = 'released'"
        " AND channel = 'pes'",
        42, NULL},
    {N_("PES flows waiting for their acquit"),
        "SELECT count(*) FROM batches b WHERE state = 'released'"
        " AND channel = 'pes' AND EXISTS (SELECT 1 FROM pes_bordereaux d"
        " WHERE d.creditor_id = b.creditor_id AND d.batch_id = b.id"
        " AND d.ack_state IS NULL)",
        43, "sepactl import returns ACQUIT"},
    {N_("collections"), "SELECT count(*) FROM collections", 2, NULL},
    {N_("bank records in quarantine"),
        "SELECT count(*) FROM return_quarantine WHERE resolved_on IS NULL", 7,
        "sepactl quarantine list"},
};

int
store_status_counts(struct db *db, int version,
    void (*fn)(void *arg, const struct status_count *c), void *arg,
    sepa_error *err)
{
	int rc;

	for (size_t i = 0; i < sizeof(status_counts) / sizeof(status_counts[0]);
	     i++) {
		struct status_count c;

		if (version < status_counts[i].since)
			continue;
		if ((rc = db_query_int64(db, &c.count, "count the rows",
		         status_counts[i].sql, 0, NULL, err)) != 0)
			return rc;
		c.label = status_counts[i].label;
		c.hint = status_counts[i].hint;
		fn(arg, &c);
	}
	return 0;
}
