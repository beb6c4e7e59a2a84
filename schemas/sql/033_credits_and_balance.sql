-- 033_credits_and_balance.sql - a credit is carried, never lost; and
-- every euro billed is accounted for.
--
-- 1. Credits.
--
-- A negative invoice (a correction larger than the month: a
-- regularisation that outweighs the month's consumption) told the family
-- "le montant créditeur sera déduit de vos prochaines factures", but the
-- next invoice was debited in full and the credit stayed on the negative
-- invoice for ever. Now (daemon/store_invoice.c):
--
--  - the family's next invoice with own lines to pay gets a 'credit'
--    line per earlier invoice with credit left, oldest first, for at most
--    what its own lines come to (never its reminders, which are an
--    earlier debt collected as such): an invoice is never debited for
--    less than zero, and a credit too large for one invoice is carried
--    on to the next ones until used up;
--  - an invoice whose total comes to nothing is paid when issued (its
--    credit used it up), and a credit invoice whose credit is used up is
--    paid too;
--  - a family that left with a credit (no invoice for
--    billing.credit_refund_after_months, sepa_rule_credit_refund_due)
--    is listed for the treasury to refund (credit_refunds, written by the
--    cycle's recovery step, daemon/store_credit.c), and its credit is
--    then closed.
--
-- invoice_lines gets the kind 'credit', whose credited_invoice_id names
-- the invoice the credit comes from, and whose amount is negative. The
-- checks of 001 that named the kinds are replaced by named ones.

ALTER TABLE invoice_lines ADD COLUMN credited_invoice_id bigint;
ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_credited_fkey
    FOREIGN KEY (creditor_id, credited_invoice_id)
    REFERENCES invoices (creditor_id, id);

DO $$
DECLARE
	c record;
BEGIN
	FOR c IN SELECT conname FROM pg_constraint
	    WHERE conrelid = 'invoice_lines'::regclass AND contype = 'c'
	    AND pg_get_constraintdef(oid) LIKE '%kind%'
	LOOP
		EXECUTE format('ALTER TABLE invoice_lines DROP CONSTRAINT %I',
		    c.conname);
	END LOOP;
END
$$;

ALTER TABLE invoice_lines
    ADD CONSTRAINT invoice_lines_kind_check CHECK (kind IN ('consumption',
	'reminder', 'regularisation', 'credit')),
    ADD CONSTRAINT invoice_lines_reminder_names_invoice
	CHECK ((kind = 'reminder') = (reminded_invoice_id IS NOT NULL)),
    ADD CONSTRAINT invoice_lines_credit_names_invoice
	CHECK ((kind = 'credit') = (credited_invoice_id IS NOT NULL)),
    ADD CONSTRAINT invoice_lines_priced CHECK (kind IN ('reminder', 'credit')
	OR (child_id IS NOT NULL AND service_id IS NOT NULL
	AND consumed_month IS NOT NULL AND quantity_milli IS NOT NULL
	AND unit_price_cents IS NOT NULL)),
    ADD CONSTRAINT invoice_lines_reminder_positive
	CHECK (kind <> 'reminder' OR amount_cents > 0),
    ADD CONSTRAINT invoice_lines_credit_negative
	CHECK (kind <> 'credit' OR amount_cents < 0);

CREATE INDEX invoice_lines_credited ON invoice_lines
    (creditor_id, credited_invoice_id) WHERE kind = 'credit';

-- The credits listed for refund: one row per credit invoice, once.
CREATE TABLE credit_refunds (
	creditor_id bigint NOT NULL,
	invoice_id bigint NOT NULL,
	amount_cents bigint NOT NULL CHECK (amount_cents > 0),
	listed_on date NOT NULL,
	file_name text NOT NULL CHECK (file_name ~ '^[A-Za-z0-9._-]+$'),
	PRIMARY KEY (creditor_id, invoice_id),
	FOREIGN KEY (creditor_id, invoice_id) REFERENCES invoices (creditor_id, id)
);

-- Per invoice with a negative total: the credit it gives (its total,
-- after what it covered of the reminders it carried), what later
-- invoices used of it, what was refunded, and what is left.
CREATE VIEW invoice_credits AS
SELECT i.creditor_id, i.id AS invoice_id, i.family_id, i.month,
    -i.total_cents AS granted_cents, u.used AS used_cents,
    f.refunded AS refunded_cents,
    -i.total_cents - u.used - f.refunded AS remaining_cents
FROM invoices i
CROSS JOIN LATERAL (SELECT coalesce(-sum(l.amount_cents), 0) AS used
    FROM invoice_lines l WHERE l.creditor_id = i.creditor_id
    AND l.kind = 'credit' AND l.credited_invoice_id = i.id) u
CROSS JOIN LATERAL (SELECT coalesce(sum(r.amount_cents), 0) AS refunded
    FROM credit_refunds r WHERE r.creditor_id = i.creditor_id
    AND r.invoice_id = i.id) f
WHERE i.total_cents < 0;

-- 2. Every euro billed accounted for, invoice by invoice (sepactl
-- report, family show, invoice show).
--
-- What an invoice bills is its own lines: consumption and
-- regularisations (a reminder line is an earlier invoice's debt presented
-- again, a credit line an earlier invoice's credit deducted: both move a
-- debt, they bill nothing). Each euro billed must be, at any time, in
-- exactly one of these places:
--
--   debit       settled by a direct debit: the invoice is 'paid' and a
--               collection of it, or of the invoice that carried its
--               reminder, is settled (confirmed or presumed, 032);
--   other       paid by other means: the payments on it, up to what it
--               owes on its own, and those on the invoice that carried
--               its reminder beyond that invoice's own lines (015);
--   credits     paid by a credit: the credit lines on it (above) and what
--               the negative own lines of the invoice carrying its
--               reminder covered; on a negative invoice, minus the credit
--               it granted that was used (so the column sums to zero over
--               all invoices);
--   refunded    a negative invoice's credit listed for refund (above);
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
