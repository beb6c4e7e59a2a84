-- 015_invoice_dues.sql - what an invoice still owes, counted once.
--
-- An invoice's total includes its reminder lines: the unpaid amount of an
-- earlier invoice, presented again to be collected with this one. That
-- amount is the earlier invoice's debt, not a new one. So when the later
-- invoice is rejected in turn, the earlier invoice goes to recovery for
-- its own amount and the later one owes only its own lines; and when the
-- later invoice is paid, the earlier one is paid through it.
--
-- invoice_dues gives, per invoice:
--   own_cents   the total without the reminder lines,
--   paid_cents  the payments made by other means on it,
--   due_cents   what it still owes: own - paid, less what was paid on the
--               invoice that reminded it beyond that invoice's own lines
--               (a payment of the whole later invoice covers the reminder),
--               never below zero.
-- A reminder line, the reminder of the next run and the recovery export
-- all use due_cents; the direct debit of an invoice collects its total
-- (its own lines and the reminders it carries), less its payments.

CREATE VIEW invoice_dues AS
SELECT i.creditor_id, i.id AS invoice_id, i.total_cents,
    i.total_cents - r.reminders AS own_cents, p.paid AS paid_cents,
    greatest(0, i.total_cents - r.reminders - p.paid - nx.covered)
        AS due_cents
FROM invoices i
CROSS JOIN LATERAL (SELECT coalesce(sum(l.amount_cents), 0) AS reminders
    FROM invoice_lines l WHERE l.invoice_id = i.id
    AND l.kind = 'reminder') r
CROSS JOIN LATERAL (SELECT coalesce(sum(y.amount_cents), 0) AS paid
    FROM payments y WHERE y.creditor_id = i.creditor_id
    AND y.invoice_id = i.id) p
CROSS JOIN LATERAL (SELECT coalesce(sum(greatest(0, least(l.amount_cents,
        py.paid - (n.total_cents - rn.reminders)))), 0) AS covered
    FROM invoice_lines l
    JOIN invoices n ON n.creditor_id = l.creditor_id AND n.id = l.invoice_id
    CROSS JOIN LATERAL (SELECT coalesce(sum(l2.amount_cents), 0)
        AS reminders FROM invoice_lines l2 WHERE l2.invoice_id = n.id
        AND l2.kind = 'reminder') rn
    CROSS JOIN LATERAL (SELECT coalesce(sum(y2.amount_cents), 0) AS paid
        FROM payments y2 WHERE y2.creditor_id = n.creditor_id
        AND y2.invoice_id = n.id) py
    WHERE l.creditor_id = i.creditor_id AND l.kind = 'reminder'
    AND l.reminded_invoice_id = i.id) nx;
