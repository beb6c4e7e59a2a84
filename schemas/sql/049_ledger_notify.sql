-- 049_ledger_notify.sql - a notice on the channel "sepad_ledger" when the
-- facts of the balance may have changed, so that the web console reads
-- the balance of the billed months (store_ledger_balance, the view
-- invoice_balance of 033) again only then: that read walks every invoice
-- (4.6 s for 100,000 invoices at a load of 7), the dashboard shows it on
-- every visit.
--
-- One trigger per statement (not per row) on each table the view reads;
-- NOTIFY is sent at commit only, once per transaction, and never when it
-- rolls back, so a reader never learns of a change it cannot see yet. It
-- costs a writer nothing it waits for: no row is locked. Whoever writes
-- (the cycle, sepactl, the console) is heard.

CREATE FUNCTION sepad_ledger_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sepad_ledger', '');
    RETURN NULL;
END $$;

CREATE TRIGGER invoices_ledger AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON invoices FOR EACH STATEMENT EXECUTE FUNCTION sepad_ledger_changed();
CREATE TRIGGER invoice_lines_ledger AFTER INSERT OR UPDATE OR DELETE
    OR TRUNCATE ON invoice_lines FOR EACH STATEMENT
    EXECUTE FUNCTION sepad_ledger_changed();
CREATE TRIGGER payments_ledger AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON payments FOR EACH STATEMENT EXECUTE FUNCTION sepad_ledger_changed();
CREATE TRIGGER collections_ledger AFTER INSERT OR UPDATE OR DELETE
    OR TRUNCATE ON collections FOR EACH STATEMENT
    EXECUTE FUNCTION sepad_ledger_changed();
CREATE TRIGGER credit_refunds_ledger AFTER INSERT OR UPDATE OR DELETE
    OR TRUNCATE ON credit_refunds FOR EACH STATEMENT
    EXECUTE FUNCTION sepad_ledger_changed();
CREATE TRIGGER recovery_export_invoices_ledger AFTER INSERT OR UPDATE
    OR DELETE OR TRUNCATE ON recovery_export_invoices FOR EACH STATEMENT
    EXECUTE FUNCTION sepad_ledger_changed();
