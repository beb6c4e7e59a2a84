-- 002_collections.sql - collections, the pain.008 files (batches) that
-- carry them, and the event log.
--
-- Exactly once: a batch is recorded with its whole content fixed (MsgId,
-- creation time, every collection with a snapshot of every value written
-- into the file) in one transaction, state 'prepared'; the file is then
-- written from these rows alone, and the batch marked 'released' with the
-- file's SHA-256. After a crash, a 'prepared' batch is written again from
-- the same rows, byte for byte. A collection belongs to exactly one batch,
-- so no collection can appear in two released files.

-- One pain.008 file. part numbers the files of one collection month when
-- the bank's limits (transactions or amount per file) split it.
CREATE TABLE batches (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	collection_month date NOT NULL
	    CHECK (collection_month = date_trunc('month', collection_month)::date),
	part integer NOT NULL CHECK (part > 0),
	msg_id text NOT NULL CHECK (msg_id ~ '^[A-Za-z0-9/?:().,''+ -]{1,35}$'),
	created_at timestamptz NOT NULL,
	pain_version text NOT NULL CHECK (pain_version IN ('001.08', '001.02')),
	file_name text NOT NULL CHECK (file_name ~ '^[A-Za-z0-9._-]+$'),
	nb_of_txs integer NOT NULL CHECK (nb_of_txs > 0),
	ctrl_sum_cents bigint NOT NULL CHECK (ctrl_sum_cents > 0),
	-- creditor as written in the file (the configuration may change later)
	cdtr_name text NOT NULL,
	cdtr_iban text NOT NULL,
	cdtr_bic text,
	cdtr_ics text NOT NULL,
	cdtr_street text NOT NULL DEFAULT '',
	cdtr_building text NOT NULL DEFAULT '',
	cdtr_postcode text NOT NULL DEFAULT '',
	cdtr_town text NOT NULL DEFAULT '',
	cdtr_country text NOT NULL DEFAULT '',
	batch_booking boolean NOT NULL DEFAULT true,
	state text NOT NULL DEFAULT 'prepared'
	    CHECK (state IN ('prepared', 'released', 'rejected')),
	sha256 text CHECK (sha256 IS NULL OR sha256 ~ '^[0-9a-f]{64}$'),
	released_at timestamptz,
	state_reason text,
	CHECK ((state = 'prepared') = (released_at IS NULL)),
	CHECK (state = 'prepared' OR sha256 IS NOT NULL),
	UNIQUE (creditor_id, msg_id),
	UNIQUE (creditor_id, file_name),
	UNIQUE (creditor_id, collection_month, part),
	UNIQUE (creditor_id, id)
);

-- One debit of one invoice, as written in its batch. The snapshot columns
-- (debtor, account, mandate, amendment, remittance) are what the file
-- says; they never change once the batch is recorded.
--   state: pending (in a prepared batch) -> sent (batch released) ->
--   settled | rejected (before settlement, pain.002) | returned (after
--   settlement, camt) | refunded (MD06 and other refunds) | cancelled
--   (whole file rejected or withdrawn before release).
CREATE TABLE collections (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	batch_id bigint NOT NULL,
	invoice_id bigint NOT NULL,
	mandate_id bigint NOT NULL,
	account_id bigint NOT NULL,
	pmt_inf_id text NOT NULL
	    CHECK (pmt_inf_id ~ '^[A-Za-z0-9/?:().,''+ -]{1,35}$'),
	end_to_end_id text NOT NULL
	    CHECK (end_to_end_id ~ '^[A-Za-z0-9/?:().,''+ -]{1,35}$'),
	seq_type text NOT NULL CHECK (seq_type IN ('FRST', 'RCUR', 'OOFF', 'FNAL')),
	due_on date NOT NULL,
	amount_cents bigint NOT NULL
	    CHECK (amount_cents > 0 AND amount_cents <= 99999999999),
	rum text NOT NULL,
	signed_on date NOT NULL,
	debtor_name text NOT NULL,
	debtor_street text NOT NULL DEFAULT '',
	debtor_building text NOT NULL DEFAULT '',
	debtor_postcode text NOT NULL DEFAULT '',
	debtor_town text NOT NULL DEFAULT '',
	debtor_country text NOT NULL DEFAULT '',
	iban text NOT NULL,
	bic text,
	amendment text NOT NULL DEFAULT 'none'
	    CHECK (amendment IN ('none', 'same_bank', 'other_bank')),
	orig_iban text,
	remittance text NOT NULL DEFAULT '',
	state text NOT NULL DEFAULT 'pending'
	    CHECK (state IN ('pending', 'sent', 'settled', 'rejected',
	    'returned', 'refunded', 'cancelled')),
	state_since date NOT NULL,
	reason_code text,
	CHECK ((amendment = 'same_bank') = (orig_iban IS NOT NULL)),
	UNIQUE (creditor_id, end_to_end_id),
	UNIQUE (creditor_id, id),
	FOREIGN KEY (creditor_id, batch_id) REFERENCES batches (creditor_id, id),
	FOREIGN KEY (creditor_id, invoice_id) REFERENCES invoices (creditor_id, id),
	FOREIGN KEY (creditor_id, mandate_id) REFERENCES mandates (creditor_id, id),
	FOREIGN KEY (creditor_id, account_id)
	    REFERENCES mandate_accounts (creditor_id, id)
);
-- An invoice has at most one live collection (a cancelled one, from a
-- file the bank refused whole, may be followed by a new one).
CREATE UNIQUE INDEX collections_one_live_per_invoice
    ON collections (creditor_id, invoice_id) WHERE state <> 'cancelled';
CREATE INDEX collections_batch ON collections (creditor_id, batch_id);
CREATE INDEX collections_mandate ON collections (creditor_id, mandate_id);

-- The amendment of an account change is carried by exactly one collection.
ALTER TABLE mandate_accounts
    ADD FOREIGN KEY (creditor_id, amended_by_collection)
    REFERENCES collections (creditor_id, id);

-- What happened, for status, reports and the journal: one row per event,
-- written in the same transaction as the change it records.
CREATE TABLE events (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	at timestamptz NOT NULL DEFAULT now(),
	business_date date NOT NULL,
	kind text NOT NULL CHECK (kind ~ '^[a-z][a-z_.]*$'),
	month date CHECK (month = date_trunc('month', month)::date),
	family_id bigint,
	mandate_id bigint,
	invoice_id bigint,
	batch_id bigint,
	collection_id bigint,
	file_id bigint,
	count integer,
	amount_cents bigint,
	needs_attention boolean NOT NULL DEFAULT false,
	message text NOT NULL CHECK (message <> '')
);
CREATE INDEX events_kind ON events (creditor_id, kind, at);
CREATE INDEX events_attention ON events (creditor_id) WHERE needs_attention;

-- The cycle's steps that ran, so each due step runs once (catch-up).
CREATE TABLE cycle_steps (
	creditor_id bigint NOT NULL REFERENCES creditors,
	step text NOT NULL CHECK (step IN ('invoice', 'collect', 'recovery',
	    'lapse')),
	month date NOT NULL CHECK (month = date_trunc('month', month)::date),
	done_on date NOT NULL,
	done_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (creditor_id, step, month)
);
