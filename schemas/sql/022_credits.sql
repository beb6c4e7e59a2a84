-- 022_credits.sql - a credit is carried, never lost.
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
