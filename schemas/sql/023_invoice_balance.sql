-- 023_invoice_balance.sql - every euro billed accounted for, invoice by
-- invoice (sepactl report, family show, invoice show).
--
-- What an invoice bills is its own lines: consumption and
-- regularisations (a reminder line is an earlier invoice's debt presented
-- again, a credit line an earlier invoice's credit deducted: both move a
-- debt, they bill nothing). Each euro billed must be, at any time, in
-- exactly one of these places:
--
--   debit       settled by a direct debit: the invoice is 'paid' and a
--               collection of it, or of the invoice that carried its
--               reminder, is settled (confirmed or presumed, 020);
--   other       paid by other means: the payments on it, up to what it
--               owes on its own, and those on the invoice that carried
--               its reminder beyond that invoice's own lines (015);
--   credits     paid by a credit: the credit lines on it (022) and what
--               the negative own lines of the invoice carrying its
--               reminder covered; on a negative invoice, minus the credit
--               it granted that was used (so the column sums to zero over
--               all invoices);
--   refunded    a negative invoice's credit listed for refund (022);
--   carried     a negative invoice's credit still to carry;
--   unpaid      owed and not being collected: 'issued', 'unpaid' or
--               'reminded' (on an invoice not being collected);
--   recovery    owed and exported for recovery (007);
--   collecting  owed and in a collection not answered yet: 'collecting',
--               or 'reminded' on an invoice being collected.
--
-- Each amount is found from its own evidence (collections, payments,
-- lines, exports, states); `difference` is what the billed amount leaves
-- unexplained, and must be 0 for every invoice. tests/it/test_year.c
-- checks it every month of a school year.

CREATE VIEW invoice_balance AS
SELECT x.creditor_id, x.invoice_id, x.family_id, x.month, x.state,
    x.billed, x.debit, x.other, x.credits, x.refunded, x.carried,
    x.unpaid, x.recovery, x.collecting,
    x.billed - x.debit - x.other - x.credits - x.refunded - x.carried
	- x.unpaid - x.recovery - x.collecting AS difference
FROM (
SELECT i.creditor_id, i.id AS invoice_id, i.family_id, i.month, i.state,
    b.billed,
    CASE WHEN i.state = 'paid' AND (EXISTS (SELECT 1 FROM collections c
	WHERE c.creditor_id = i.creditor_id AND c.invoice_id = i.id
	AND c.state = 'settled') OR EXISTS (SELECT 1 FROM collections c
	WHERE c.creditor_id = i.creditor_id AND c.invoice_id = r.nid
	AND c.state = 'settled')) THEN d.due ELSE 0 END AS debit,
    CASE WHEN b.billed < 0 THEN 0 ELSE least(p.paid, b.billed - b.credit_in)
	+ cv.pay END AS other,
    CASE WHEN b.billed < 0 THEN -least(b.reminders, -b.billed)
	- coalesce(k.used_cents, 0)
	ELSE b.credit_in + cv.total - cv.pay END AS credits,
    CASE WHEN b.billed < 0 THEN -coalesce(k.refunded_cents, 0) ELSE 0 END
	AS refunded,
    CASE WHEN b.billed < 0 THEN -coalesce(k.remaining_cents, 0) ELSE 0 END
	AS carried,
    CASE WHEN i.state IN ('issued', 'unpaid') OR (i.state = 'reminded'
	AND r.nstate IS DISTINCT FROM 'collecting') THEN d.due ELSE 0 END
	AS unpaid,
    CASE WHEN i.state = 'recovery' AND EXISTS (SELECT 1
	FROM recovery_export_invoices e WHERE e.creditor_id = i.creditor_id
	AND e.invoice_id = i.id) THEN d.due ELSE 0 END AS recovery,
    CASE WHEN (i.state = 'collecting' AND EXISTS (SELECT 1 FROM collections c
	WHERE c.creditor_id = i.creditor_id AND c.invoice_id = i.id
	AND c.state IN ('pending', 'sent'))) OR (i.state = 'reminded'
	AND r.nstate = 'collecting') THEN d.due ELSE 0 END AS collecting
FROM invoices i
CROSS JOIN LATERAL (SELECT
    coalesce(sum(l.amount_cents) FILTER (WHERE l.kind IN ('consumption',
	'regularisation')), 0) AS billed,
    coalesce(-sum(l.amount_cents) FILTER (WHERE l.kind = 'credit'), 0)
	AS credit_in,
    coalesce(sum(l.amount_cents) FILTER (WHERE l.kind = 'reminder'), 0)
	AS reminders
    FROM invoice_lines l WHERE l.creditor_id = i.creditor_id
    AND l.invoice_id = i.id) b
CROSS JOIN LATERAL (SELECT coalesce(sum(y.amount_cents), 0) AS paid
    FROM payments y WHERE y.creditor_id = i.creditor_id
    AND y.invoice_id = i.id) p
CROSS JOIN LATERAL (SELECT greatest(0, coalesce(sum(dd.due_cents), 0))
    AS due FROM invoice_dues dd WHERE dd.creditor_id = i.creditor_id
    AND dd.invoice_id = i.id) d
-- the invoice n that carried its reminder (an invoice is reminded once)
LEFT JOIN LATERAL (SELECT n.id AS nid, n.state AS nstate,
    l.amount_cents AS amount, n.total_cents - coalesce((SELECT
	sum(l2.amount_cents) FROM invoice_lines l2 WHERE l2.creditor_id =
	n.creditor_id AND l2.invoice_id = n.id AND l2.kind = 'reminder'), 0)
	AS own, coalesce((SELECT sum(y.amount_cents) FROM payments y
	WHERE y.creditor_id = n.creditor_id AND y.invoice_id = n.id), 0)
	AS paid
    FROM invoice_lines l JOIN invoices n ON n.creditor_id = l.creditor_id
    AND n.id = l.invoice_id WHERE l.creditor_id = i.creditor_id
    AND l.kind = 'reminder' AND l.reminded_invoice_id = i.id) r ON true
-- what n covered of it: by payments beyond n's own lines, or by n's
-- negative own lines (as invoice_dues, 015)
CROSS JOIN LATERAL (SELECT
    coalesce(greatest(0, least(r.amount, r.paid - r.own)), 0) AS total,
    coalesce(greatest(0, least(r.amount, r.paid - greatest(r.own, 0))), 0)
	AS pay) cv
LEFT JOIN invoice_credits k ON k.creditor_id = i.creditor_id
    AND k.invoice_id = i.id
) x;

-- An amount in cents as the ledgers write it in French: -1230 is
-- '-12,30 €' (daemon/store_ledger.c, the history of an invoice).
CREATE FUNCTION sepad_eur(cents bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN replace(to_char(cents / 100.0, 'FM999999999990.00'), '.', ',')
    || ' €';
