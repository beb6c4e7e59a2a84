/*
 * mandatefx.h - fixtures of the mandate tests (store and sepactl): one
 * creditor, one family, mandates with accounts, and batch and collection
 * history inserted directly with SQL, as the collection run would leave it.
 */
#ifndef SEPAD_MANDATEFX_H
#define SEPAD_MANDATEFX_H

#include <string.h>

#include "dbtest.h"
#include "sepa/date.h"
#include "sepa/error.h"
#include "db_internal.h"
#include "store_creditor.h"

/* Valid French IBANs: A and B at bank 30006, C at bank 30004. */
#define FX_IBAN_A "FR7630006000011234567890189"
#define FX_IBAN_B "FR7630006000019876543210173"
#define FX_IBAN_C "FR7630004000021111111111155"
#define FX_IBAN_D "FR7630004000022222222222286"
#define FX_ICS "FR72ZZZ123456"

struct mandatefx {
	struct db *db;
	int64_t cred;
	int64_t fam;
	int seq; /* numbering of invoices, batches, end-to-end ids */
};

static inline int64_t
fx_query(struct mandatefx *f, const char *sql, int n, const char *const *p)
{
	sepa_error err = SEPA_ERROR_INIT;
	int64_t v = 0;

	if (db_query_int64(f->db, &v, "set up the fixture", sql, n, p, &err) !=
	    0)
		cr_assert_fail("%s\n%s", err.msg, sql);
	return v;
}

/* The creditor and one family, on an open database. */
static inline void
fx_init(struct mandatefx *f, struct db *db)
{
	sepa_error err = SEPA_ERROR_INIT;

	memset(f, 0, sizeof(*f));
	f->db = db;
	if (store_creditor_ensure(db, FX_ICS, "Commune", &f->cred, &err) != 0)
		cr_assert_fail("%s", err.msg);
	f->fam = fx_query(f,
	    "INSERT INTO families (creditor_id, family_ref, payer_name, town, "
	    "country, bracket) SELECT id, 'F1', 'Marie Dupont', 'Lyon', 'FR', "
	    "'A' FROM creditors RETURNING id",
	    0, NULL);
}

/* A mandate signed on `signed_on`, active, with no account yet. */
static inline int64_t
fx_mandate(struct mandatefx *f, const char *rum, const char *signed_on)
{
	char fam[24];

	snprintf(fam, sizeof(fam), "%lld", (long long)f->fam);
	return fx_query(f,
	    "INSERT INTO mandates (creditor_id, family_id, rum, signed_on) "
	    "SELECT id, $1, $2, $3 FROM creditors RETURNING id",
	    3, (const char *const[]){fam, rum, signed_on});
}

/* An account row of a mandate, applying from the month of `from`. */
static inline int64_t
fx_account(
    struct mandatefx *f, int64_t mandate, const char *iban, const char *from)
{
	char man[24];

	snprintf(man, sizeof(man), "%lld", (long long)mandate);
	return fx_query(f,
	    "INSERT INTO mandate_accounts (creditor_id, mandate_id, iban, "
	    "applies_from, received_on) SELECT id, $1, $2, $3, $3 "
	    "FROM creditors RETURNING id",
	    3, (const char *const[]){man, iban, from});
}

/* The batch of a collection month ("2026-10-01") in a state. */
static inline int64_t
fx_batch(struct mandatefx *f, const char *month, const char *state)
{
	char n[24];

	snprintf(n, sizeof(n), "%d", ++f->seq);
	return fx_query(f,
	    "INSERT INTO batches (creditor_id, collection_month, part, msg_id, "
	    "created_at, pain_version, file_name, nb_of_txs, ctrl_sum_cents, "
	    "cdtr_name, cdtr_iban, cdtr_ics, state, sha256, released_at) "
	    "SELECT id, $1, $3::int, 'MSG' || $3, now(), '001.08', "
	    "'f' || $3 || '.xml', 1, 100, 'C', 'FR7630006000011234567890189', "
	    "ics, $2, CASE WHEN $2 = 'prepared' THEN NULL ELSE "
	    "repeat('a', 64) END, CASE WHEN $2 = 'prepared' THEN NULL ELSE "
	    "now() END FROM creditors RETURNING id",
	    3, (const char *const[]){month, state, n});
}

/*
 * A collection of `mandate` on `account` in `batch` (of month `month`),
 * in `state`, with its invoice.
 */
static inline int64_t
fx_collection(struct mandatefx *f, int64_t batch, int64_t mandate,
    int64_t account, const char *month, const char *state)
{
	char n[24], b[24], m[24], a[24], fam[24];
	int64_t inv;

	snprintf(n, sizeof(n), "%d", ++f->seq);
	snprintf(b, sizeof(b), "%lld", (long long)batch);
	snprintf(m, sizeof(m), "%lld", (long long)mandate);
	snprintf(a, sizeof(a), "%lld", (long long)account);
	snprintf(fam, sizeof(fam), "%lld", (long long)f->fam);
	inv = fx_query(f,
	    "INSERT INTO invoices (creditor_id, family_id, month, number, "
	    "issued_on, due_on, total_cents, state_since) SELECT id, $1, "
	    "date '2000-01-01' + make_interval(months => $2::int), 'INV' || $2, "
	    "$3::date - 20, $3::date + 14, 100, $3::date - 20 FROM creditors "
	    "RETURNING id",
	    3, (const char *const[]){fam, n, month});
	snprintf(fam, sizeof(fam), "%lld", (long long)inv);
	return fx_query(f,
	    "INSERT INTO collections (creditor_id, batch_id, invoice_id, "
	    "mandate_id, account_id, pmt_inf_id, end_to_end_id, seq_type, "
	    "due_on, amount_cents, rum, signed_on, debtor_name, iban, state, "
	    "state_since) SELECT c.id, $1, $2, m.id, a.id, 'P' || $4, "
	    "'E' || $4, 'RCUR', $5::date + 14, 100, m.rum, m.signed_on, 'D', "
	    "a.iban, $6, $5 FROM creditors c, mandates m, mandate_accounts a "
	    "WHERE m.id = $3 AND a.id = $7 RETURNING id",
	    7, (const char *const[]){b, fam, m, n, month, state, a});
}

/* Months in a month string "2026-10". */
static inline sepa_month
fx_month(const char *s)
{
	sepa_month m;
	sepa_error err = SEPA_ERROR_INIT;

	if (sepa_month_parse(&m, s, &err) != 0)
		cr_assert_fail("%s", err.msg);
	return m;
}

#endif /* SEPAD_MANDATEFX_H */
