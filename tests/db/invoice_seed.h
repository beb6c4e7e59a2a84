/*
 * invoice_seed.h - a small commune for the invoice and payment tests:
 * services CANTINE (meal), GARDERIE_SOIR (slot), ALSH (hour); brackets T1
 * and T2 with a CANTINE price change on 15 September 2026; families FAM1
 * (T1, active mandate), FAM2 (T2, no mandate), FAM3 (T1, mandate ending
 * on 10 November 2026); consumption added by seed_conso().
 */
#ifndef SEPAD_INVOICE_SEED_H
#define SEPAD_INVOICE_SEED_H

#include "dbtest.h"
#include "sepa/error.h"
#include "db_internal.h"

static const char seed_sql[] =
    "INSERT INTO creditors (ics, name) VALUES ('FR72ZZZ123456', "
    "  'Commune de Saint-Exemple');"
    "INSERT INTO services (creditor_id, code, unit) SELECT id, c, u "
    "  FROM creditors, (VALUES ('CANTINE', 'meal'), "
    "  ('GARDERIE_SOIR', 'slot'), ('ALSH', 'hour')) v(c, u);"
    "INSERT INTO tariffs (creditor_id, service_id, unit, bracket, "
    "  price_cents, valid_from) SELECT s.creditor_id, s.id, s.unit, v.b, "
    "  v.p, v.d::date FROM services s JOIN (VALUES "
    "  ('CANTINE', 'T1', 100, '2020-01-01'), "
    "  ('CANTINE', 'T1', 110, '2026-09-15'), "
    "  ('CANTINE', 'T2', 250, '2020-01-01'), "
    "  ('CANTINE', 'T2', 300, '2026-09-15'), "
    "  ('ALSH', 'T1', 150, '2020-01-01'), "
    "  ('ALSH', 'T2', 200, '2020-01-01'), "
    "  ('GARDERIE_SOIR', 'T1', 80, '2026-01-01'), "
    "  ('GARDERIE_SOIR', 'T2', 90, '2026-01-01')) v(c, b, p, d) "
    "  ON v.c = s.code;"
    "INSERT INTO families (creditor_id, family_ref, payer_name, street, "
    "  building, postcode, town, country, email, bracket) SELECT id, v.* "
    "  FROM creditors, (VALUES "
    "  ('FAM1', 'Françoise Lefèvre', 'rue des Écoles', '3', '99999', "
    "   'Saint-Exemple', 'FR', 'f.lefevre@exemple.fr', 'T1'), "
    "  ('FAM2', 'Noël L''Hôte', 'place de l''Église; bât. B', '', '99999', "
    "   'Saint-Exemple', 'FR', NULL, 'T2'), "
    "  ('FAM3', 'Zoé Œuvre', 'chemin des Prés', '12', '99998', "
    "   'Saint-Exemple-le-Haut', 'FR', NULL, 'T1')) v;"
    "INSERT INTO children (creditor_id, family_id, child_ref, name) "
    "  SELECT f.creditor_id, f.id, v.r, v.n FROM families f JOIN (VALUES "
    "  ('FAM1', 'E1', 'Hélène Lefèvre'), ('FAM1', 'E2', 'Gaëlle Lefèvre'), "
    "  ('FAM2', 'E1', 'Zoé L''Hôte'), ('FAM3', 'E1', 'Théo Œuvre')) "
    "  v(f, r, n) ON v.f = f.family_ref;"
    "INSERT INTO mandates (creditor_id, family_id, rum, signed_on, ends_on) "
    "  SELECT creditor_id, id, 'RUM-' || family_ref, '2025-09-01', "
    "  CASE family_ref WHEN 'FAM3' THEN '2026-11-10'::date END "
    "  FROM families WHERE family_ref IN ('FAM1', 'FAM3');"
    "INSERT INTO mandate_accounts (creditor_id, mandate_id, iban, "
    "  applies_from, received_on) SELECT creditor_id, id, "
    "  'FR7630006000011234567890189', '2025-09-01', '2025-08-20' "
    "  FROM mandates;"
    "INSERT INTO imported_files (creditor_id, kind, sha256, file_name, "
    "  size_bytes, status) SELECT id, 'consumption', repeat('a', 64), "
    "  'conso.csv', 1, 'imported' FROM creditors;";

static inline void
seed_commune(struct db *db)
{
	sepa_error err = SEPA_ERROR_INIT;

	if (db_exec_script(db, "seed the commune", seed_sql, &err) != 0)
		cr_assert_fail("%s", err.msg);
}

/*
 * One consumption line (quantity in thousandths), next line number, in the
 * newest consumption file, and its batch as `sepactl import` records it
 * (migration 008). A line for a month whose batch in that file was billed
 * already arrives in a new file, as a late line does in the field.
 */
static inline void
seed_conso(struct db *db, const char *family, const char *child,
    const char *service, const char *date, const char *milli)
{
	sepa_error err = SEPA_ERROR_INIT;
	const char *p[5] = {family, child, service, date, milli};

	if (db_exec(db, "open a new consumption file",
	        "INSERT INTO imported_files (creditor_id, kind, sha256, "
	        "file_name, size_bytes, status) SELECT b.creditor_id, "
	        "'consumption', encode(sha256(clock_timestamp()::text::bytea), "
	        "'hex'), 'late.csv', 1, 'imported' FROM consumption_batches b "
	        "WHERE b.source_file_id = (SELECT max(id) FROM imported_files) "
	        "AND b.month = date_trunc('month', $1::date) AND "
	        "b.billed_month IS NOT NULL",
	        1, p + 3, &err) != 0 ||
	    db_exec(db, "add consumption",
	        "INSERT INTO consumption_lines (creditor_id, family_id, "
	        "child_id, service_id, consumed_on, quantity_milli, "
	        "source_file_id, source_line) SELECT f.creditor_id, f.id, "
	        "c.id, s.id, $4::date, $5::bigint, (SELECT max(id) FROM "
	        "imported_files), (SELECT coalesce(max(source_line), 0) + 1 "
	        "FROM consumption_lines) FROM families f JOIN children c ON "
	        "c.family_id = f.id AND c.child_ref = $2 JOIN services s ON "
	        "s.code = $3 WHERE f.family_ref = $1",
	        5, p, &err) != 0 ||
	    db_exec(db, "count it in its batch",
	        "INSERT INTO consumption_batches (creditor_id, "
	        "source_file_id, month, lines) SELECT creditor_id, max(id), "
	        "date_trunc('month', $1::date), 1 FROM imported_files GROUP BY "
	        "creditor_id ON CONFLICT (creditor_id, source_file_id, month) "
	        "DO UPDATE SET lines = consumption_batches.lines + 1",
	        1, p + 3, &err) != 0)
		cr_assert_fail("%s", err.msg);
}

/* The September consumption of the scenario. */
static inline void
seed_september(struct db *db)
{
	static const char *const rows[][5] = {
	    /* FAM1, T1: CANTINE 3 at 1,00 then 2 at 1,10 (15 September) */
	    {"FAM1", "E1", "CANTINE", "2026-09-01", "1000"},
	    {"FAM1", "E1", "CANTINE", "2026-09-03", "1000"},
	    {"FAM1", "E1", "CANTINE", "2026-09-14", "1000"},
	    {"FAM1", "E1", "CANTINE", "2026-09-15", "1000"},
	    {"FAM1", "E1", "CANTINE", "2026-09-17", "1000"},
	    /* ALSH: 1:30 + 0:45 the same day -> 3 h; 2,5 -> 3 h */
	    {"FAM1", "E1", "ALSH", "2026-09-02", "1500"},
	    {"FAM1", "E1", "ALSH", "2026-09-02", "750"},
	    {"FAM1", "E1", "ALSH", "2026-09-09", "2500"},
	    {"FAM1", "E2", "GARDERIE_SOIR", "2026-09-01", "1000"},
	    {"FAM1", "E2", "GARDERIE_SOIR", "2026-09-03", "1000"},
	    /* FAM2, T2: 2,50 then 3,00; a meal cancelled by a correction */
	    {"FAM2", "E1", "CANTINE", "2026-09-14", "1000"},
	    {"FAM2", "E1", "CANTINE", "2026-09-15", "1000"},
	    {"FAM2", "E1", "CANTINE", "2026-09-17", "1000"},
	    {"FAM2", "E1", "CANTINE", "2026-09-17", "-1000"},
	    /* 0:20 -> 1 h */
	    {"FAM2", "E1", "ALSH", "2026-09-23", "333"},
	    /* October: not billed with September */
	    {"FAM3", "E1", "CANTINE", "2026-10-02", "1000"},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		seed_conso(db, rows[i][0], rows[i][1], rows[i][2], rows[i][3],
		    rows[i][4]);
}

/* A fingerprint of every table the invoice run and payments touch. */
static inline int64_t
seed_fingerprint(struct db *db)
{
	return dbtest_int(db,
	    "SELECT ('x' || substr(md5("
	    "coalesce((SELECT string_agg(t::text, '|' ORDER BY t.id) FROM "
	    "  (SELECT id, family_id, month, number, issued_on, due_on, "
	    "  mandate_id, total_cents, state, state_since FROM invoices) t), "
	    "  '') || "
	    "coalesce((SELECT string_agg(t::text, '|' ORDER BY t.id) FROM "
	    "  invoice_lines t), '') || "
	    "coalesce((SELECT string_agg(t::text, '|' ORDER BY "
	    "  t.source_file_id, t.source_line) FROM consumption_lines t), "
	    "  '') || "
	    "coalesce((SELECT string_agg(t::text, '|' ORDER BY t.source_file_id, "
	    "  t.month) FROM consumption_batches t), '') || "
	    "coalesce((SELECT string_agg(t::text, '|' ORDER BY t.id) FROM "
	    "  (SELECT id, invoice_id, amount_cents, paid_on, method FROM "
	    "  payments) t), '') || "
	    "coalesce((SELECT string_agg(t::text, '|' ORDER BY t.month) FROM "
	    "  (SELECT step, month, done_on FROM cycle_steps) t), '') || "
	    "(SELECT count(*) FROM events)::text), 1, 15))::bit(60)::bigint");
}

#endif /* SEPAD_INVOICE_SEED_H */
