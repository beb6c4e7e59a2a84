-- 012_collect_once.sql - a mandate's first collection and the amendment
-- of an account change are carried once; an invoice can wait for the next
-- month's file.
--
-- When one mandate has several invoices to collect in one run (a month
-- caught up late, an invoice collected again after a file refused whole)
-- and its collection in that run is the mandate's first (FRST) or the
-- first on a new account (AmdmntInd, OrgnlDbtrAcct or SMNDA), that
-- collection goes alone: the debtor's bank learns the mandate or its new
-- account from it, and if it is rejected the family is charged and
-- counted for one reject, not two. The mandate's other invoices wait for
-- the next month's file, where they are RCUR without amendment
-- (store_collect.c, README "The monthly export").

-- The due date of an invoice whose collection was deferred to a later
-- month (NULL: collected on due_on, the date of its notice).
ALTER TABLE invoices ADD COLUMN collect_due_on date
    CONSTRAINT invoices_collect_due_on_check
    CHECK (collect_due_on IS NULL OR collect_due_on > due_on);

-- At most one live FRST per mandate (a rejected or cancelled one was
-- never presented to the debtor: the next one is FRST again), and at most
-- one live collection carrying the amendment of one account. Collections
-- recorded before this migration that break the rule stay as they were
-- (history is never rewritten) and are left out of the rules by id.
-- The rules are unique indexes on stored generated columns (the mandate
-- of a live FRST, the account of a live amendment, NULL otherwise) rather
-- than partial indexes whose predicate names `state`: a change of state
-- then leaves the indexes alone and can be a HOT update (013).
DO $$
DECLARE
	frst text;
	amend text;
BEGIN
	SELECT string_agg(id::text, ', ') INTO frst FROM (SELECT id,
	    row_number() OVER (PARTITION BY creditor_id, mandate_id
	    ORDER BY due_on, id) AS n FROM collections WHERE seq_type = 'FRST'
	    AND state NOT IN ('rejected', 'cancelled')) t WHERE n > 1;
	SELECT string_agg(id::text, ', ') INTO amend FROM (SELECT id,
	    row_number() OVER (PARTITION BY creditor_id, account_id
	    ORDER BY due_on, id) AS n FROM collections WHERE amendment <> 'none'
	    AND state NOT IN ('rejected', 'cancelled')) t WHERE n > 1;
	EXECUTE 'ALTER TABLE collections ADD COLUMN live_frst_mandate_id bigint'
	    ' GENERATED ALWAYS AS (CASE WHEN seq_type = ''FRST'' AND state'
	    ' NOT IN (''rejected'', ''cancelled'')'
	    || coalesce(' AND id NOT IN (' || frst || ')', '')
	    || ' THEN mandate_id END) STORED';
	EXECUTE 'ALTER TABLE collections ADD COLUMN live_amended_account_id'
	    ' bigint GENERATED ALWAYS AS (CASE WHEN amendment <> ''none'' AND'
	    ' state NOT IN (''rejected'', ''cancelled'')'
	    || coalesce(' AND id NOT IN (' || amend || ')', '')
	    || ' THEN account_id END) STORED';
END
$$;
CREATE UNIQUE INDEX collections_one_frst_per_mandate
    ON collections (creditor_id, live_frst_mandate_id);
CREATE UNIQUE INDEX collections_one_amendment_per_account
    ON collections (creditor_id, live_amended_account_id);
