-- 034_notices.sql - a notice that was sent does not change.
--
-- `invoice run` wrote the month's notices (avis d'échéance) again from the
-- family's current data at every run: after an address or an account
-- change, F2026-09-000001.txt no longer said what the family had
-- received. Now a notice is stored when it is first written
-- (daemon/notice.c, daemon/store_notice.c) and always written again from
-- what was stored: the same bytes, and the same line of the mail-merge
-- CSV.
--
-- When something a notice states changes before the debit (the account
-- debited, after new bank details; the date, when the debit is deferred;
-- the amount), collect writes a corrected notice (avis rectificatif)
-- beside it, NUMBER-R1.txt (then R2...), which names the notice it
-- replaces, and lists it in notices/corrections-YYYY-MM.csv for mail
-- merge. Version 0 is the notice, 1 and up its corrections.

CREATE TABLE notices (
	creditor_id bigint NOT NULL,
	invoice_id bigint NOT NULL,
	version integer NOT NULL CHECK (version >= 0),
	file_name text NOT NULL CHECK (file_name ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$'),
	-- the text as written, and its SHA-256
	content text NOT NULL,
	sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	written_on date NOT NULL,
	-- what it states: the amount, the date, the account debited ('' when
	-- payable by other means) and the mandate
	amount_cents bigint NOT NULL,
	due_on date NOT NULL,
	iban text NOT NULL DEFAULT '',
	rum text NOT NULL DEFAULT '',
	-- its line of the mail-merge CSV
	merge_row text NOT NULL,
	-- why a corrected notice was written ('' for the notice itself)
	reason text NOT NULL DEFAULT '',
	PRIMARY KEY (creditor_id, invoice_id, version),
	UNIQUE (creditor_id, file_name),
	FOREIGN KEY (creditor_id, invoice_id) REFERENCES invoices (creditor_id, id),
	CHECK ((version = 0) = (reason = ''))
);
