-- 020_settlements.sql - a debit is settled when the bank says so, or when
-- it can no longer come back.
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
