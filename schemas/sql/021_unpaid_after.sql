-- 021_unpaid_after.sql - article 6 for every unpaid invoice, not only
-- the rejected debits.
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
