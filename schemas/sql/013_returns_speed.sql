-- 013_returns_speed.sql - the same rules, written so that reconciling a
-- bank file costs less per row (make bench-returns: 100,000 returns). A
-- returns import changes the state of every collection and invoice it
-- hits; before this migration each such change wrote a new row version
-- plus an entry in every index of the table (no HOT update, see below),
-- evaluated two regular expressions per collection, and checked a foreign
-- key to creditors per stored record and effect that another key already
-- implied. Nothing here changes what is accepted or refused.
--
-- HOT ("heap-only tuple") updates: PostgreSQL can store the new version
-- of a row in the same page without touching any index, when no indexed
-- column (key, expression or partial-index predicate) changes value and
-- the page has room. `state` was in an index of both tables. Room: one
-- statement changes a whole month of collections or invoices, so a page
-- must hold the new version of each of its rows besides the old one
-- (the old ones are pruned once no transaction sees them). Hence the
-- fillfactors: 50 for collections (a new version is about the size of
-- the old), 40 for invoices (an unpaid one gains its unpaid_reason,
-- about 45 bytes; at 50, a fifth of them did not fit). The price is
-- space: both tables take 2 to 2.5 times the pages they took full.

-- An invoice has at most one live collection. The partial unique index
-- of 002 named `state` in its predicate, so every change of state was a
-- full (non-HOT) update. The same rule as a plain unique index on a
-- stored generated column: live_invoice_id is the invoice for a live
-- collection and NULL for a cancelled one (NULLs never conflict), so it
-- changes only when a collection is cancelled or revived, which are the
-- only changes the rule has to look at.
ALTER TABLE collections SET (fillfactor = 50);
ALTER TABLE collections ADD COLUMN live_invoice_id bigint
    GENERATED ALWAYS AS (CASE WHEN state <> 'cancelled' THEN invoice_id END)
    STORED;
CREATE UNIQUE INDEX collections_one_live
    ON collections (creditor_id, live_invoice_id);
DROP INDEX collections_one_live_per_invoice;
-- The queries that look for an invoice's collections (collect: has it a
-- live one; recovery: their reason codes) name invoice_id, which the old
-- index served and the new one does not; invoice_id never changes, so
-- this index does not stand in the way of HOT updates.
CREATE INDEX collections_invoice ON collections (creditor_id, invoice_id);

-- Identifiers of the pain.008 (Max35Text of the restricted SEPA character
-- set): the same set of values, without a bounded repetition `{1,35}`,
-- which PostgreSQL's regular expressions evaluate about ten times slower
-- (the check runs again on every update of the row).
ALTER TABLE collections
    DROP CONSTRAINT collections_pmt_inf_id_check,
    DROP CONSTRAINT collections_end_to_end_id_check,
    ADD CONSTRAINT collections_pmt_inf_id_check
	CHECK (char_length(pmt_inf_id) BETWEEN 1 AND 35
	    AND pmt_inf_id !~ '[^A-Za-z0-9/?:().,''+ -]'),
    ADD CONSTRAINT collections_end_to_end_id_check
	CHECK (char_length(end_to_end_id) BETWEEN 1 AND 35
	    AND end_to_end_id !~ '[^A-Za-z0-9/?:().,''+ -]');

-- Invoices: the index on (creditor_id, state) blocked HOT updates of
-- every change of state (collect, returns, reminders, recovery). Its
-- readers are monthly: the collection's candidates (issued invoices due
-- in the month: the index on due_on below finds them), the unpaid
-- invoices for the reminders and the recovery export (a scan of the
-- creditor's invoices, once a month).
ALTER TABLE invoices SET (fillfactor = 40);
DROP INDEX invoices_state;
CREATE INDEX invoices_due ON invoices (creditor_id, due_on);

-- A fillfactor applies to the pages written from then on: rewrite the
-- invoices so that the rows already stored get the room too (the ADD
-- COLUMN above rewrote the collections). CLUSTER, unlike VACUUM FULL,
-- runs inside the migration's transaction; the order it leaves is not
-- kept.
CLUSTER invoices USING invoices_pkey;
ALTER TABLE invoices SET WITHOUT CLUSTER;

-- Every stored record, effect and quarantine entry checked two foreign
-- keys to creditors: its own `creditor_id REFERENCES creditors` and the
-- composite key through (creditor_id, file_id) or (creditor_id,
-- record_id), whose columns are NOT NULL and whose target table itself
-- references creditors. The composite key alone already proves that the
-- creditor exists and keeps it from being deleted: the single-column ones
-- are dropped.
ALTER TABLE return_records DROP CONSTRAINT return_records_creditor_id_fkey;
ALTER TABLE return_effects DROP CONSTRAINT return_effects_creditor_id_fkey;
ALTER TABLE return_quarantine
    DROP CONSTRAINT return_quarantine_creditor_id_fkey;

-- Nothing looks bank records up by EndToEndId: matching goes from the
-- file's records to collections (collections has that key), and the
-- index was updated for every record stored.
DROP INDEX return_records_e2e;
