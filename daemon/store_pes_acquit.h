/*
 * store_pes_acquit.h - the PES_ACQUIT the comptable's Hélios sends back
 * for a PES flow (store_pes_acquit.c): matched to its flow by NomFic,
 * recorded, and a rejected bordereau acted on as a payment block the
 * bank refused.
 */
#ifndef SEPAD_STORE_PES_ACQUIT_H
#define SEPAD_STORE_PES_ACQUIT_H

#include <stdbool.h>
#include <stdint.h>

#include "sepa/date.h"
#include "sepa/error.h"

struct db;
struct returns_policy;

/* What one imported acquit did. */
struct pes_acquit_result {
	int64_t file_id; /* the imported_files row (the earlier one if dup) */
	bool already; /* the same bytes imported before: nothing done */
	char nom_fic[128]; /* the flow it acknowledges */
	char flow[128]; /* that flow's file name */
	int64_t records; /* as the reader gave them (errors, states) */
	int64_t errors; /* records with an error code or label */
	int64_t accepted; /* bordereaux this acquit took in charge */
	int64_t rejected; /* bordereaux this acquit rejected */
	int64_t cancelled; /* collections of the rejected ones, cancelled */
	int64_t recovery_back; /* recovery titres of the rejected ones: their
	                          invoices due for recovery again */
};

/*
 * Import the PES_ACQUIT at `path` for the creditor, in one transaction:
 * its flow is the creditor's PES flow whose NomFic it quotes (none, or a
 * flow never released: SEPA_EINVAL, nothing changed); every record is
 * stored (pes_acquit_records); each bordereau of the flow it decides is
 * marked accepted or rejected, once; the pieces of a rejected one were
 * not taken in charge: their collections are cancelled and their
 * invoices collectable again as when the bank refuses a payment block
 * (store_returns_settle), the invoices of its recovery titres go back
 * to their state before the export (due for recovery again), with an
 * event that needs attention naming the flow and the reasons; a flow
 * whose bordereaux are all rejected is 'rejected'. The same bytes
 * imported before: res->already, nothing changed. A file the reader
 * refuses (not an acquit, hostile XML, limits): SEPA_EXML, SEPA_ELIMIT
 * or SEPA_EINVAL, nothing changed.
 */
int store_pes_acquit_import(struct db *db, int64_t creditor_id,
    const char *path, const struct returns_policy *pol, sepa_date today,
    struct pes_acquit_result *res, sepa_error *err);

#endif /* SEPAD_STORE_PES_ACQUIT_H */
