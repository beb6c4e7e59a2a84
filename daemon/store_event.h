/*
 * store_event.h - the event log (store_event.c): events recorded in
 * the transaction of their change, read back for the journal, and the
 * ones that need attention listed and acknowledged.
 */
#ifndef SEPAD_STORE_EVENT_H
#define SEPAD_STORE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;
struct i18n_msg;

/*
 * One row of the events table (migration 002). kind is a dotted lower-case
 * name ("mandate.terminated", "batch.released", "file.refused"); ids are 0
 * when they do not apply; month.year 0 when no month applies.
 * needs_attention puts the event on `sepactl status`'s list of what needs
 * a human. An event says what happened through `say` (i18n_msg: its
 * English format and arguments, shown in the reader's language); a bare
 * `message` is shown as it is stored, in every language.
 */
struct event {
	const char *kind;
	const char *message; /* NULL: the English text of `say` */
	const struct i18n_msg *say; /* its msgid and arguments, or NULL */
	sepa_date business_date;
	sepa_month month;
	int64_t family_id;
	int64_t mandate_id;
	int64_t invoice_id;
	int64_t batch_id;
	int64_t collection_id;
	int64_t file_id;
	bool has_count;
	int64_t count;
	bool has_amount;
	int64_t amount_cents;
	bool needs_attention;
};

/*
 * What an event of `kind` is, in the operator's language ("bank records
 * quarantined", "retours bancaires en quarantaine"): the kinds' one table,
 * for status and the console, which show it beside the message stored in
 * English (docs/development.md, Messages); NULL for an unknown kind.
 */
const char *store_event_label(const char *kind);

/*
 * Record an event, inside the caller's transaction (so it is kept exactly
 * when the change it describes is).
 */
int store_event_add(struct db *db, int64_t creditor_id, const struct event *ev,
    sepa_error *err);

/* The id of the creditor's latest event (0 when there is none). */
int store_event_last_id(
    struct db *db, int64_t creditor_id, int64_t *id, sepa_error *err);

/* An event as read back (for the journal). */
struct event_row {
	int64_t id;
	char *kind;
	char *message;
	char month[SEPA_MONTH_BUFSZ]; /* "" when none */
	bool needs_attention;
	bool has_count;
	int64_t count;
	bool has_amount;
	int64_t amount_cents;
};

/*
 * The events of a creditor with id > after, oldest first (at most 1000
 * per call). Free with store_event_rows_free().
 */
int store_event_list_after(struct db *db, int64_t creditor_id, int64_t after,
    struct event_row **rows, size_t *count, sepa_error *err);
void store_event_rows_free(struct event_row *rows, size_t count);

/* An event that needs attention, as `sepactl attention list` shows it
 * (message in the reader's language). */
struct attention_row {
	int64_t id;
	char business_date[SEPA_DATE_BUFSZ];
	char *kind;
	char *message;
	char acknowledged_on[SEPA_DATE_BUFSZ]; /* "" while open */
	char *note; /* "" while open */
};

/*
 * The creditor's events that need attention, oldest first: the open ones,
 * or all with their acknowledgement (`all`). Free with
 * store_attention_rows_free().
 */
int store_attention_list(struct db *db, int64_t creditor_id, bool all,
    struct attention_row **rows, size_t *count, sepa_error *err);
void store_attention_rows_free(struct attention_row *rows, size_t count);

/*
 * Acknowledge events that need attention, in one transaction: the `n`
 * ids given, or every open one when n is 0. Refused whole (SEPA_ENOTFOUND
 * or SEPA_ESTATE, nothing changed) when an id is not an event of the
 * creditor that needs attention, or is acknowledged already. *done gets
 * the number acknowledged.
 */
int store_attention_ack(struct db *db, int64_t creditor_id, const int64_t *ids,
    size_t n, sepa_date today, const char *note, int64_t *done,
    sepa_error *err);

#endif /* SEPAD_STORE_EVENT_H */
