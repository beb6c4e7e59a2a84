-- 032_settle_and_remind.sql - two of the contract's money rules: a debit
-- is settled when the bank says so, or when it can no longer come back;
-- and article 6 holds for every unpaid invoice.
--
-- 1. Settling.
--
-- Until now a collection left 'sent' only on a bank record: without a
-- camt.054 or camt.053 crediting it, it stayed 'sent' and its invoice
-- 'collecting' for ever. Two ways to settle now:
--
--  - confirmed: a credit booking of the collection, of its payment block
--    (PmtInfId) or of its file (MsgId), in a camt.054 or camt.053; its
--    row in return_effects (family 'settled') says which record;
--  - presumed: the bank did not answer, and neither rejected nor returned
--    the debit by its due date + returns.settle_after_business_days
--    TARGET2 business days (5, the return window, docs/sepa.md section 8;
--    sepa_rule_presumed_settled, lib/rules.c). The cycle settles such
--    collections (daemon/store_settle.c) and records each here.
--
-- A presumed settlement is not a bank record: a refund (MD06 within 8
-- weeks, 13 months for an unauthorised debit) still makes the invoice
-- unpaid through the path of any refund, and a bank credit arriving later
-- still confirms it (it gets its return_effects row then). The report
-- counts the two apart.

CREATE TABLE presumed_settlements (
	creditor_id bigint NOT NULL,
	collection_id bigint NOT NULL,
	-- the business date the settlement was presumed
	settled_on date NOT NULL,
	-- the setting it was presumed under (TARGET2 days after the due date)
	after_days integer NOT NULL CHECK (after_days >= 0),
	PRIMARY KEY (creditor_id, collection_id),
	FOREIGN KEY (creditor_id, collection_id)
	    REFERENCES collections (creditor_id, id)
);

-- 2. Article 6 for every unpaid invoice, not only the rejected debits.
--
-- Until now only an invoice whose debit came back ('unpaid') was
-- reminded on the next invoice; an invoice that was never debited stayed
-- 'issued' for ever: payable by other means (no mandate, or one
-- suspended or ended by its due date), left out of a file because the
-- bank could not meet its date, or an invoice whose own lines a suspended
-- mandate could not collect. The contract (art. 6) knows one rule: "un
-- rappel sera adressé sur la facture du mois suivant. A défaut de
-- paiement après rappel, la facture sera mise en recouvrement". So:
--
--  - an invoice not paid by its due date (its collection's, when it was
--    deferred) is reminded on the family's next invoice, and debited with
--    it when the family has an active mandate (daemon/store_invoice.c);
--  - it goes to recovery when still unpaid after that reminder's due
--    date plus rejections.recovery_grace_days (daemon/store_recovery.c).
--
-- Both ask this function, the twin of sepa_rule_unpaid_after
-- (lib/rules.c; tests/db/test_rules.c compares them): whether an invoice
-- due on `due` and still unpaid on `on_day` is overdue, more than
-- `grace_days` calendar days after its due date.
CREATE FUNCTION sepad_unpaid_after(due date, grace_days integer,
    on_day date) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN on_day > due + grace_days;
