-- 041_notice_mail.sql - the avis d'échéance e-mailed to the families
-- (sepactl notices send): each notice at most once.
--
-- A row is written, in its own committed transaction, before the message
-- goes to the SMTP relay ('sending'), and moved to 'sent' once the relay
-- has accepted it, or 'failed' when it refused it. A row still 'sending'
-- when the next run starts was interrupted (a crash, a kill): nobody
-- knows whether the relay took the message, so it becomes 'unknown', an
-- event needing attention says so, and it is never sent again by the
-- program; a person checks the relay's log. Bounces are not followed.

CREATE TABLE notice_mails (
	creditor_id bigint NOT NULL REFERENCES creditors,
	invoice_id bigint NOT NULL,
	email text NOT NULL CHECK (email ~ '^[^@[:space:]<>]+@[^@[:space:]<>]+$'),
	state text NOT NULL CHECK (state IN ('sending', 'sent', 'failed',
	    'unknown')),
	attempted_at timestamptz NOT NULL DEFAULT now(),
	finished_at timestamptz,
	error text,
	CHECK ((state = 'sending') = (finished_at IS NULL)),
	PRIMARY KEY (creditor_id, invoice_id),
	FOREIGN KEY (creditor_id, invoice_id)
	    REFERENCES invoices (creditor_id, id)
);
CREATE INDEX notice_mails_sending ON notice_mails (creditor_id)
    WHERE state = 'sending';
