-- 037_amendments.sql - the two amendments an operator triggers: a new RUM
-- for a mandate (sepactl mandate change-rum OLD NEW --received DATE) and
-- a new ICS for the creditor (sepactl creditor change-ics NEW --from
-- DATE).
--
-- The pain.008 writer could declare both (OrgnlMndtId, OrgnlCdtrSchmeId)
-- but nothing triggered them, and changing creditor.ics in the
-- configuration created a new, empty creditor. Now:
--   mandate_rum_changes    each RUM a mandate gave up, with the one that
--                          replaced it: mandates.rum is the new one, a RUM
--                          given up is never used again (by any mandate
--                          of the creditor), and the next debit of a
--                          mandate presented under the old one declares it;
--   creditor_ics_changes   each ICS the creditor took, from a date: the
--                          creditor is found by any of its ICS (the
--                          configuration may name the old or the new), the
--                          files recorded from that date carry the new one,
--                          and each mandate's next debit declares the old.
-- Which debit declares what is not stored but derived, like the account's
-- amendment: the RUM and ICS the debtor's bank last saw (the mandate's
-- last collection that reached it) against the ones of the debit
-- (sepa_rule_orig_id, lib/rules.c); so it is declared once, and again if
-- that debit never reached the bank. collections.orig_rum and orig_ics
-- keep what a debit declared, so that its file is written the same way
-- every time.

CREATE TABLE mandate_rum_changes (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	mandate_id bigint NOT NULL,
	old_rum text NOT NULL CHECK (old_rum ~ '^[A-Za-z0-9/?:().,''+ -]{1,35}$'
	    AND old_rum !~ '(^/|/$|//)'),
	new_rum text NOT NULL CHECK (new_rum ~ '^[A-Za-z0-9/?:().,''+ -]{1,35}$'
	    AND new_rum !~ '(^/|/$|//)'),
	received_on date NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT now(),
	CHECK (upper(old_rum) <> upper(new_rum)),
	UNIQUE (creditor_id, id),
	FOREIGN KEY (creditor_id, mandate_id) REFERENCES mandates (creditor_id, id)
);
CREATE INDEX mandate_rum_changes_mandate
    ON mandate_rum_changes (creditor_id, mandate_id);
-- A RUM given up is given up once, and never taken again.
CREATE UNIQUE INDEX mandate_rum_changes_old
    ON mandate_rum_changes (creditor_id, upper(old_rum));

CREATE TABLE creditor_ics_changes (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	old_ics text NOT NULL
	    CHECK (old_ics ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$'),
	new_ics text NOT NULL UNIQUE
	    CHECK (new_ics ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$'),
	from_on date NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT now(),
	CHECK (old_ics <> new_ics)
);
CREATE INDEX creditor_ics_changes_creditor
    ON creditor_ics_changes (creditor_id, from_on);

-- What a debit declared: OrgnlMndtId, OrgnlCdtrSchmeId/Id.
ALTER TABLE collections
	ADD COLUMN orig_rum text CHECK (orig_rum IS NULL
	    OR (orig_rum ~ '^[A-Za-z0-9/?:().,''+ -]{1,35}$'
	        AND orig_rum !~ '(^/|/$|//)')),
	ADD COLUMN orig_ics text CHECK (orig_ics IS NULL
	    OR orig_ics ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$');
