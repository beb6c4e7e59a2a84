-- 051_reason_msgids.sql - a mandate's reason and a quarantined bank
-- record's why in the reader's language (issue 15), as the events'
-- messages (050): the English text stays in state_reason and reason (the
-- import compares state_reason with 'two rejects'; the audit reads them
-- as written), with the msgid and typed arguments it was written from
-- beside it. NULL msgid: a text as stored (written before, or by a
-- person: a cancelled file's reason). A mandate active again has neither.

ALTER TABLE mandates ADD COLUMN reason_msgid text,
    ADD COLUMN reason_args text[],
    ADD CHECK ((reason_msgid IS NULL) = (reason_args IS NULL));

ALTER TABLE return_quarantine ADD COLUMN reason_msgid text,
    ADD COLUMN reason_args text[],
    ADD CHECK ((reason_msgid IS NULL) = (reason_args IS NULL));
