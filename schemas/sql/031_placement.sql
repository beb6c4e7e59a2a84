-- 031_placement.sql - a batch's file is placed in the outbox once.
--
-- Until now a batch went from 'prepared' to 'released' after its file had
-- been renamed into the outbox. When the database went away between the
-- two (an outage while a month's part was being written), the file sat
-- in the outbox under its final name, its batch still prepared; if the
-- treasury took it before the next collect, that collect wrote it again:
-- the same MsgId handed over twice.
--
-- Now the batch is recorded 'placing', with the SHA-256 of the finished
-- file and the time, in a transaction committed BEFORE the rename; the
-- release then goes from 'placing' to 'released'. So the state always
-- says whether the file may have been placed:
--   prepared  its file was never placed: written (again) from the rows;
--   placing   the rename was about to happen, or happened: a collect finds
--             its temporary file (not placed: back to prepared, written
--             again), the file under its final name with that SHA-256
--             (placed: released), or neither (placed and taken from the
--             outbox: released, never written again);
--   released  placed and recorded; rejected: refused whole by the bank.
-- See docs/design/collect-once.md.

ALTER TABLE batches ADD COLUMN placing_at timestamptz;

ALTER TABLE batches DROP CONSTRAINT batches_state_check;
ALTER TABLE batches ADD CONSTRAINT batches_state_check
    CHECK (state IN ('prepared', 'placing', 'released', 'rejected'));

-- released_at is set by the release only (placing is not released yet).
ALTER TABLE batches DROP CONSTRAINT batches_check;
ALTER TABLE batches ADD CONSTRAINT batches_released_at_check
    CHECK ((state IN ('prepared', 'placing')) = (released_at IS NULL));

-- From 'placing' on, the SHA-256 of the file is known.
ALTER TABLE batches DROP CONSTRAINT batches_check1;
ALTER TABLE batches ADD CONSTRAINT batches_sha256_known_check
    CHECK (state = 'prepared' OR sha256 IS NOT NULL);

-- A file is being placed since a time (kept after the release).
ALTER TABLE batches ADD CONSTRAINT batches_placing_at_check
    CHECK (state <> 'placing' OR placing_at IS NOT NULL);
