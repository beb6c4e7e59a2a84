/*
 * store_files.h - the files the store knows it wrote (store_files.c): a
 * collection month's batches (pain.008 files or PES flows) and the
 * recovery exports, with the SHA-256 recorded when they were placed.
 * The console lists them and serves one by its kind and id, never by a
 * path it was given.
 */
#ifndef SEPAD_STORE_FILES_H
#define SEPAD_STORE_FILES_H

#include <stdint.h>

#include "sepa/date.h"
#include "sepa/digest.h"
#include "sepa/error.h"

struct db;

enum store_file_kind {
	STORE_FILE_PAIN008 = 0, /* a batch on the pain.008 channel */
	STORE_FILE_PES, /* a batch on the PES channel: a PES_Aller flow */
	STORE_FILE_RECOVERY /* a recovery export (CSV for the treasury) */
};

/* One recorded file. */
struct store_file {
	enum store_file_kind kind;
	int64_t id; /* batches.id or recovery_exports.id */
	char file_name[128]; /* in the outbox: a name of [A-Za-z0-9._-] */
	char sha256[SEPA_SHA256_HEX_BUFSZ]; /* "" while not placed yet */
	char state[16]; /* a batch's state; "released" for an export */
	sepa_date on; /* released (else recorded), or the export's date */
	int64_t count; /* transactions, pieces or invoices */
	int64_t amount_cents;
};

/*
 * Call fn for each file of collection month `month`: its batches in part
 * order, then the recovery exports of a business date in that month. In
 * one read-only snapshot.
 */
int store_files_month(struct db *db, int64_t creditor_id, sepa_month month,
    void (*fn)(void *arg, const struct store_file *f), void *arg,
    sepa_error *err);

/* The file of `kind` and `id`; SEPA_ENOTFOUND when the store has none. */
int store_file_find(struct db *db, int64_t creditor_id,
    enum store_file_kind kind, int64_t id, struct store_file *f,
    sepa_error *err);

/* "pain008", "pes", "recovery"; parse: -1 for any other name. */
const char *store_file_kind_name(enum store_file_kind kind);
int store_file_kind_parse(const char *s, enum store_file_kind *kind);

#endif /* SEPAD_STORE_FILES_H */
