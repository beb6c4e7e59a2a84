-- 036_batch_cancel.sql - a recorded part that was never released can be
-- cancelled by the operator (sepactl collect cancel MSGID --why TEXT).
--
-- What is recorded never changes: a part of a month, once recorded, is
-- written byte for byte whatever happens to its families and mandates
-- afterwards. When one of its debits cannot be made right (a name the
-- file cannot hold, recorded before the import checked names), the
-- operator had no way out but SQL. Now a part still 'prepared' (its file
-- never placed in the outbox) can be cancelled: its collections become
-- 'cancelled' (which frees the one-live rule), its invoices go back to
-- 'issued' to be collected in a new part, and the batch becomes
-- 'cancelled' with the operator's reason in state_reason; nothing of it
-- is ever written. A part being placed (031) or released can never be
-- cancelled (daemon/store_batch.c).
--
-- A cancelled batch has no SHA-256 and no release time, like a prepared
-- one: the checks of 031 (placement) are written again with it.

ALTER TABLE batches DROP CONSTRAINT batches_state_check;
ALTER TABLE batches ADD CONSTRAINT batches_state_check
    CHECK (state IN ('prepared', 'placing', 'released', 'rejected',
        'cancelled'));

-- released_at: set by the release only.
ALTER TABLE batches DROP CONSTRAINT batches_released_at_check;
ALTER TABLE batches ADD CONSTRAINT batches_released_at_check
    CHECK ((state IN ('prepared', 'placing', 'cancelled'))
        = (released_at IS NULL));

-- The SHA-256 is known from the placing on; never for a cancelled part.
ALTER TABLE batches DROP CONSTRAINT batches_sha256_known_check;
ALTER TABLE batches ADD CONSTRAINT batches_sha256_known_check
    CHECK (state IN ('prepared', 'cancelled') OR sha256 IS NOT NULL);

-- Why the bank refused the file, or why the operator cancelled it.
ALTER TABLE batches ADD CONSTRAINT batches_cancel_reason_check
    CHECK (state <> 'cancelled' OR coalesce(state_reason, '') <> '');
