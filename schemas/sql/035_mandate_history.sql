-- 035_mandate_history.sql - the history a mandate brings from the software
-- sepad replaces. A commune that switches arrives with mandates signed
-- years ago and debited every month since: without their history the
-- first sweep lapsed them ("unused 36 months", counted from the
-- signature) and the first collection presented each one FRST again.
--
-- The mandates file gains two optional columns (docs/product.md, Inputs):
--   last_collected_on  the due date of the last debit the previous
--                      software made on the mandate; the 36-month lapse
--                      counts from it (mandates.last_collected_on, a
--                      column of 001 that nothing filled until now);
--   sequence           FRST or RCUR: RCUR when the previous software
--                      presented the mandate already, so that sepad's
--                      first debit on it is RCUR (mandates.presented_before).
-- A known mandate imported again may move both forward only: a later
-- last_collected_on, FRST to RCUR (daemon/store_import.c).

ALTER TABLE staging_mandates
	ADD COLUMN last_collected_on date,
	ADD COLUMN sequence text;

ALTER TABLE mandates
	ADD COLUMN presented_before boolean NOT NULL DEFAULT false;

-- A debit cannot come before the signature.
ALTER TABLE mandates ADD CONSTRAINT mandates_collected_after_signature
	CHECK (last_collected_on IS NULL OR last_collected_on >= signed_on);

COMMENT ON COLUMN mandates.last_collected_on IS
	'due date of the last debit made by the software sepad replaced '
	'(imported); the lapse counts from the latest of this, the signature '
	'and the collections sepad presented';
COMMENT ON COLUMN mandates.presented_before IS
	'the software sepad replaced presented the mandate already (imported '
	'sequence RCUR): its first debit by sepad is RCUR';
