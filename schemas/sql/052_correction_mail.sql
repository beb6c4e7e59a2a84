-- 052_correction_mail.sql - the corrected notices (avis rectificatifs)
-- e-mailed too, each at most once.
--
-- notice_mails (041) had one row per invoice: the avis d'échéance. A
-- corrected notice (notices.version 1 and up, 034) is a document of its
-- own that the family must receive as well, so a row is now one version
-- of an invoice's notice: version 0 the notice (every row written before
-- this migration), 1 and up its corrections, with the same rules
-- ('sending' committed before the relay is reached, never sent twice, one
-- left 'sending' by an interrupted run turned 'unknown' for a person).

ALTER TABLE notice_mails ADD COLUMN version integer NOT NULL DEFAULT 0
    CHECK (version >= 0);
ALTER TABLE notice_mails DROP CONSTRAINT notice_mails_pkey;
ALTER TABLE notice_mails ADD PRIMARY KEY (creditor_id, invoice_id, version);
