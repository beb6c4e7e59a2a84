-- 011_cycle_steps.sql - one meaning for cycle_steps.month.
--
-- cycle_steps.month is the CYCLE MONTH of the step: the month on whose
-- day the step is due (lapse: the 1st, invoice: billing.invoice_day,
-- collect and recovery: collection.export_day). The invoice step of
-- cycle month M bills the consumption of M - 1 and collect of M writes
-- the files of collection month M, so one cycle month is one row per
-- step, whoever ran it (sepactl cycle, sepad or `sepactl invoice run
-- --month M-1`, which records 'invoice' of M).
--
-- Before this migration, `invoice run` recorded 'invoice' rows keyed on
-- the billed month while the cycle keyed them on the cycle month, so one
-- cycle gave two rows (status printed two lines) and the billed-month
-- check of `invoice run` could take the cycle's row of M for "M was
-- billed". Each writer left its own event in the same transaction: the
-- cycle a 'cycle.step' event of its month, `invoice run` an 'invoice.run'
-- event of the billed month. The rows are rewritten from that evidence;
-- a row with neither (written by hand) keeps its month.
CREATE TEMPORARY TABLE cycle_steps_011 ON COMMIT DROP AS
SELECT s.creditor_id, s.month, s.done_on, s.done_at,
    EXISTS (SELECT 1 FROM events e WHERE e.creditor_id = s.creditor_id
	AND e.kind = 'cycle.step' AND e.month = s.month
	AND e.message LIKE 'cycle step invoice of %') AS by_cycle,
    EXISTS (SELECT 1 FROM events e WHERE e.creditor_id = s.creditor_id
	AND e.kind = 'invoice.run' AND e.month = s.month) AS by_run
FROM cycle_steps s WHERE s.step = 'invoice';

DELETE FROM cycle_steps WHERE step = 'invoice';

INSERT INTO cycle_steps (creditor_id, step, month, done_on, done_at)
SELECT creditor_id, 'invoice', month, min(done_on), min(done_at)
FROM (
	SELECT creditor_id, month, done_on, done_at FROM cycle_steps_011
	WHERE by_cycle OR NOT by_run
	UNION ALL
	SELECT creditor_id, (month + interval '1 month')::date, done_on,
	    done_at
	FROM cycle_steps_011 WHERE by_run
) t
GROUP BY creditor_id, month;

COMMENT ON COLUMN cycle_steps.month IS
    'the cycle month: the month on whose day the step is due '
    '(invoice of M bills M - 1; collect of M is collection month M)';
