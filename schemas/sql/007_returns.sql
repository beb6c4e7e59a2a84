-- 007_returns.sql - what the bank sent back (pain.002, camt.054,
-- camt.053), what each record did to the collections, the quarantine of
-- records that could not be applied, and the recovery exports.
--
-- Every record of an imported bank file is kept in return_records, as the
-- reader normalised it, whatever it did (never dropped). A record acts on
-- collections through return_effects: a transaction record on the
-- collection of its EndToEndId, a group- or block-level record on every
-- collection of that batch or payment block.
--
-- Counted once: the dedupe key of an effect is (collection, family), the
-- family being 'unpaid' (reject, return, refund, cancellation) or
-- 'settled'. The same R-record arriving in a pain.002 and then in a
-- camt.054 (or twice in statements) therefore changes the collection and
-- counts toward the two-rejects rule once, even when the two files give
-- different reason codes (the first one wins); the later record is kept
-- with the outcome 'duplicate'. This is stronger than a key on
-- (EndToEndId, kind, reason).

CREATE TABLE return_records (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	file_id bigint NOT NULL,
	line integer NOT NULL CHECK (line >= 0),
	idx integer NOT NULL CHECK (idx >= 0),
	kind text NOT NULL CHECK (kind IN ('info', 'reject', 'return',
	    'refund', 'reversal', 'confirmation')),
	level text NOT NULL CHECK (level IN ('group', 'block', 'transaction')),
	details integer NOT NULL DEFAULT 0,
	status text NOT NULL DEFAULT '',
	orig_msg_id text NOT NULL DEFAULT '',
	pmt_inf_id text NOT NULL DEFAULT '',
	end_to_end_id text NOT NULL DEFAULT '',
	mandate_ref text NOT NULL DEFAULT '',
	amount_cents bigint,
	reason_code text NOT NULL DEFAULT '',
	reason_proprietary boolean NOT NULL DEFAULT false,
	reason_info text NOT NULL DEFAULT '',
	booking_date date,
	orig_date date,
	-- applied: changed collections; duplicate: everything it says was
	-- already recorded; stored: kept, no change (info, PDNG, a settled
	-- collection confirmed again); quarantined: see return_quarantine
	outcome text NOT NULL CHECK (outcome IN ('applied', 'duplicate',
	    'stored', 'quarantined')),
	UNIQUE (creditor_id, file_id, idx),
	UNIQUE (creditor_id, id),
	FOREIGN KEY (creditor_id, file_id)
	    REFERENCES imported_files (creditor_id, id)
);
CREATE INDEX return_records_e2e
    ON return_records (creditor_id, end_to_end_id);

-- What one record did to one collection. counted: toward the
-- two-rejects-per-school-year rule (not for creditor-side codes, nor for
-- the cancellation of a file or block the bank refused as a whole).
CREATE TABLE return_effects (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	record_id bigint NOT NULL,
	collection_id bigint NOT NULL,
	family text NOT NULL CHECK (family IN ('unpaid', 'settled')),
	new_state text NOT NULL CHECK (new_state IN ('settled', 'rejected',
	    'returned', 'refunded', 'cancelled')),
	reason_code text NOT NULL DEFAULT '',
	counted boolean NOT NULL,
	school_year integer NOT NULL,
	applied_on date NOT NULL,
	UNIQUE (creditor_id, collection_id, family),
	FOREIGN KEY (creditor_id, record_id)
	    REFERENCES return_records (creditor_id, id),
	FOREIGN KEY (creditor_id, collection_id)
	    REFERENCES collections (creditor_id, id)
);
CREATE INDEX return_effects_counted
    ON return_effects (creditor_id, school_year) WHERE counted;

-- Records that could not be applied: no collection for the EndToEndId,
-- ids or amount that contradict the collection, a reversal. Resolved by a
-- person later (resolved_on, resolution); never deleted.
CREATE TABLE return_quarantine (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	record_id bigint NOT NULL,
	collection_id bigint,
	reason text NOT NULL CHECK (reason <> ''),
	resolved_on date,
	resolution text,
	CHECK ((resolved_on IS NULL) = (resolution IS NULL)),
	UNIQUE (creditor_id, record_id),
	FOREIGN KEY (creditor_id, record_id)
	    REFERENCES return_records (creditor_id, id),
	FOREIGN KEY (creditor_id, collection_id)
	    REFERENCES collections (creditor_id, id)
);
CREATE INDEX return_quarantine_open ON return_quarantine (creditor_id)
    WHERE resolved_on IS NULL;

-- Why an invoice is unpaid: the effect that made it so.
ALTER TABLE invoices ADD COLUMN unpaid_reason text;

-- One CSV file for the treasury; each invoice is in exactly one.
CREATE TABLE recovery_exports (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	file_name text NOT NULL CHECK (file_name ~ '^[A-Za-z0-9._-]+$'),
	sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	business_date date NOT NULL,
	invoice_count integer NOT NULL CHECK (invoice_count > 0),
	total_cents bigint NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (creditor_id, file_name),
	UNIQUE (creditor_id, id)
);
CREATE TABLE recovery_export_invoices (
	creditor_id bigint NOT NULL REFERENCES creditors,
	export_id bigint NOT NULL,
	invoice_id bigint NOT NULL,
	due_cents bigint NOT NULL,
	PRIMARY KEY (creditor_id, invoice_id),
	FOREIGN KEY (creditor_id, export_id)
	    REFERENCES recovery_exports (creditor_id, id),
	FOREIGN KEY (creditor_id, invoice_id)
	    REFERENCES invoices (creditor_id, id)
);
CREATE INDEX return_effects_record ON return_effects (creditor_id, record_id);
