-- fixture.sql - what the returns tests reconcile against: creditor
-- FR72ZZZ123456, three families F1..F3 with one active mandate each, and
-- three released batches (due 2025-06-16, 2025-10-15, 2025-11-17) of one
-- collection per family: EndToEndId E2E-Fn-YYYYMM, PmtInfId PMT-YYYYMM,
-- MsgId MSG-YYYYMM, amounts 10.00, 20.00, 30.00 EUR.
INSERT INTO creditors (ics, name) VALUES ('FR72ZZZ123456', 'Commune de Test')
    ON CONFLICT (ics) DO NOTHING;
INSERT INTO families (creditor_id, family_ref, payer_name, street, postcode,
    town, country, bracket)
SELECT c.id, 'F' || n, 'Payeur, "' || n || '"', n || ' rue de la Paix',
    '75001', 'Paris', 'FR', 'A'
FROM creditors c, generate_series(1, 3) n;
INSERT INTO mandates (creditor_id, family_id, rum, signed_on)
SELECT creditor_id, id, 'RUM-' || family_ref, '2024-09-01' FROM families;
INSERT INTO mandate_accounts (creditor_id, mandate_id, iban, applies_from,
    received_on)
SELECT creditor_id, id, 'FR7630006000011234567890189', '2024-09-01',
    '2024-09-01' FROM mandates;
CREATE TEMP TABLE fx_months (m date, due date, tag text);
INSERT INTO fx_months VALUES ('2025-05-01', '2025-06-16', '202506'),
    ('2025-09-01', '2025-10-15', '202510'),
    ('2025-10-01', '2025-11-17', '202511');
INSERT INTO invoices (creditor_id, family_id, month, number, issued_on,
    due_on, mandate_id, total_cents, state, state_since)
SELECT f.creditor_id, f.id, x.m, f.family_ref || '-' || x.tag, x.m + 35,
    x.due, m.id, 1000 * substr(f.family_ref, 2)::int, 'collecting', x.m + 35
FROM families f JOIN mandates m ON m.family_id = f.id, fx_months x;
INSERT INTO batches (creditor_id, collection_month, part, msg_id, created_at,
    pain_version, file_name, nb_of_txs, ctrl_sum_cents, cdtr_name, cdtr_iban,
    cdtr_ics, state, sha256, released_at)
SELECT c.id, date_trunc('month', x.due), 1, 'MSG-' || x.tag, x.m + 36,
    '001.08', 'sdd-' || x.tag || '.xml', 3, 6000, 'Commune de Test',
    'FR7630006000011234567890189', 'FR72ZZZ123456', 'released', repeat('a', 64),
    x.m + 36
FROM creditors c, fx_months x;
INSERT INTO collections (creditor_id, batch_id, invoice_id, mandate_id,
    account_id, pmt_inf_id, end_to_end_id, seq_type, due_on, amount_cents,
    rum, signed_on, debtor_name, iban, state, state_since)
SELECT i.creditor_id, b.id, i.id, m.id, a.id, 'PMT-' || x.tag,
    'E2E-' || f.family_ref || '-' || x.tag, 'RCUR', x.due, i.total_cents,
    m.rum, m.signed_on, f.payer_name, a.iban, 'sent', x.m + 36
FROM invoices i JOIN families f ON f.id = i.family_id
JOIN mandates m ON m.id = i.mandate_id
JOIN mandate_accounts a ON a.mandate_id = m.id
JOIN fx_months x ON x.m = i.month
JOIN batches b ON b.msg_id = 'MSG-' || x.tag;
DROP TABLE fx_months;
