-- 001_core.sql - the core model: creditors, families and children,
-- services and tariffs, mandates and their bank accounts, imported files,
-- consumption, invoices and their lines, payments by other means, and the
-- staging tables the CSV imports COPY into.
--
-- Conventions (for this and later migrations):
--   * every table carries creditor_id, so one database serves several
--     communes; references between tables go through (creditor_id, id), so
--     a row can never point at another creditor's row;
--   * money is bigint euro cents (*_cents), quantities bigint thousandths
--     (*_milli), civil dates are date, months are the date of their 1st day;
--   * states and kinds are text with a CHECK listing the values;
--   * the file runs inside the transaction of `sepactl init`: no BEGIN or
--     COMMIT here.
-- Next issues add their own migrations: 002 collections and batches (one
-- collection per invoice and attempt, the pain.008 files), 003 bank returns
-- (pain.002, camt.054, camt.053 records), 004 the event log.

CREATE TABLE creditors (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	ics text NOT NULL UNIQUE
	    CHECK (ics ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$'),
	name text NOT NULL CHECK (name <> ''),
	created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per input file taken in (CSV or bank file). A refused file
-- leaves no row: its import transaction is rolled back.
CREATE TABLE imported_files (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	kind text NOT NULL CHECK (kind IN ('families', 'mandates', 'tariffs',
	    'consumption', 'pain002', 'camt054', 'camt053')),
	sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	file_name text NOT NULL,
	size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
	status text NOT NULL DEFAULT 'loading'
	    CHECK (status IN ('loading', 'imported', 'refused')),
	rows_total integer NOT NULL DEFAULT 0 CHECK (rows_total >= 0),
	rows_inserted integer NOT NULL DEFAULT 0 CHECK (rows_inserted >= 0),
	rows_updated integer NOT NULL DEFAULT 0 CHECK (rows_updated >= 0),
	started_at timestamptz NOT NULL DEFAULT now(),
	finished_at timestamptz,
	UNIQUE (creditor_id, id)
);
-- The same bytes are taken in once per creditor and kind.
CREATE UNIQUE INDEX imported_files_once
    ON imported_files (creditor_id, kind, sha256)
    WHERE status <> 'refused';

-- Payers. `bracket` is the tariff bracket (quotient familial band).
CREATE TABLE families (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	family_ref text NOT NULL CHECK (family_ref <> ''),
	payer_name text NOT NULL CHECK (payer_name <> ''),
	street text NOT NULL DEFAULT '',
	building text NOT NULL DEFAULT '',
	postcode text NOT NULL DEFAULT '',
	town text NOT NULL CHECK (town <> ''),
	country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
	email text CHECK (email IS NULL OR email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
	bracket text NOT NULL CHECK (bracket <> ''),
	source_file_id bigint,
	source_line integer CHECK (source_line > 0),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (creditor_id, family_ref),
	UNIQUE (creditor_id, id),
	FOREIGN KEY (creditor_id, source_file_id)
	    REFERENCES imported_files (creditor_id, id)
);

CREATE TABLE children (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	family_id bigint NOT NULL,
	child_ref text NOT NULL CHECK (child_ref <> ''),
	name text NOT NULL CHECK (name <> ''),
	UNIQUE (creditor_id, family_id, child_ref),
	UNIQUE (creditor_id, id),
	FOREIGN KEY (creditor_id, family_id) REFERENCES families (creditor_id, id)
);

-- A service is billed per one unit; hour services are rounded per child,
-- service and day (billing.hour_rounding).
CREATE TABLE services (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	code text NOT NULL CHECK (code <> ''),
	unit text NOT NULL CHECK (unit IN ('meal', 'slot', 'hour')),
	UNIQUE (creditor_id, code),
	UNIQUE (creditor_id, id),
	UNIQUE (creditor_id, id, unit)
);

-- The price of one unit of a service for a bracket, from valid_from until
-- the next valid_from of the same service and bracket.
CREATE TABLE tariffs (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	service_id bigint NOT NULL,
	unit text NOT NULL,
	bracket text NOT NULL CHECK (bracket <> ''),
	price_cents bigint NOT NULL CHECK (price_cents >= 0),
	valid_from date NOT NULL,
	source_file_id bigint,
	source_line integer CHECK (source_line > 0),
	UNIQUE (creditor_id, service_id, bracket, valid_from),
	FOREIGN KEY (creditor_id, service_id, unit)
	    REFERENCES services (creditor_id, id, unit),
	FOREIGN KEY (creditor_id, source_file_id)
	    REFERENCES imported_files (creditor_id, id)
);

-- SEPA mandates. The RUM is unique per creditor (ICS), case-insensitively
-- (some banks compare it so). state_reason says why a mandate is not
-- active ('two rejects', 'family letter', 'dead account AC04', 'unused 36
-- months'...); ends_on is a scheduled end (a termination letter ends the
-- mandate on 31 August).
CREATE TABLE mandates (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	family_id bigint NOT NULL,
	rum text NOT NULL CHECK (rum ~ '^[A-Za-z0-9/?:().,''+ -]{1,35}$'
	    AND rum !~ '(^/|/$|//)'),
	signed_on date NOT NULL,
	state text NOT NULL DEFAULT 'active'
	    CHECK (state IN ('active', 'suspended', 'terminated', 'lapsed')),
	state_reason text,
	state_since date,
	ends_on date,
	last_collected_on date,
	source_file_id bigint,
	source_line integer CHECK (source_line > 0),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	CHECK (state = 'active' OR (state_reason IS NOT NULL
	    AND state_reason <> '' AND state_since IS NOT NULL)),
	UNIQUE (creditor_id, id),
	FOREIGN KEY (creditor_id, family_id) REFERENCES families (creditor_id, id),
	FOREIGN KEY (creditor_id, source_file_id)
	    REFERENCES imported_files (creditor_id, id)
);
CREATE UNIQUE INDEX mandates_rum ON mandates (creditor_id, upper(rum));
CREATE INDEX mandates_family ON mandates (creditor_id, family_id);

-- The bank accounts of a mandate over time. The account used for the
-- collection of month M is the row with the latest applies_from <= M.
-- An account change received after the cut-off day applies from the next
-- month. amendment_required marks a change that the first collection on
-- the new account must announce (AmdmntInd; OrgnlDbtrAcct or SMNDA, from
-- the previous row); amended_by_collection records the one collection
-- that carried it, so it is carried exactly once (the collections table of
-- a later migration adds the foreign key).
CREATE TABLE mandate_accounts (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	mandate_id bigint NOT NULL,
	iban text NOT NULL CHECK (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$'),
	bic text CHECK (bic IS NULL
	    OR bic ~ '^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$'),
	applies_from date NOT NULL
	    CHECK (applies_from = date_trunc('month', applies_from)::date),
	received_on date NOT NULL,
	amendment_required boolean NOT NULL DEFAULT false,
	amended_by_collection bigint,
	source_file_id bigint,
	source_line integer CHECK (source_line > 0),
	created_at timestamptz NOT NULL DEFAULT now(),
	CHECK (amended_by_collection IS NULL OR amendment_required),
	UNIQUE (creditor_id, mandate_id, applies_from),
	UNIQUE (creditor_id, id),
	FOREIGN KEY (creditor_id, mandate_id) REFERENCES mandates (creditor_id, id),
	FOREIGN KEY (creditor_id, source_file_id)
	    REFERENCES imported_files (creditor_id, id)
);

-- Invoices: one per family and billed month (the month of the
-- consumption, stored as its first day). Issued invoices never change;
-- only their state moves. total_cents may be negative when a
-- regularisation outweighs the month (nothing is then collected).
CREATE TABLE invoices (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	family_id bigint NOT NULL,
	month date NOT NULL CHECK (month = date_trunc('month', month)::date),
	number text NOT NULL CHECK (number <> ''),
	issued_on date NOT NULL,
	due_on date NOT NULL CHECK (due_on > issued_on),
	mandate_id bigint,
	total_cents bigint NOT NULL,
	state text NOT NULL DEFAULT 'issued'
	    CHECK (state IN ('issued', 'collecting', 'paid', 'unpaid',
	    'reminded', 'recovery', 'cancelled')),
	state_since date NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (creditor_id, number),
	UNIQUE (creditor_id, family_id, month),
	UNIQUE (creditor_id, id),
	FOREIGN KEY (creditor_id, family_id) REFERENCES families (creditor_id, id),
	FOREIGN KEY (creditor_id, mandate_id) REFERENCES mandates (creditor_id, id)
);
CREATE INDEX invoices_state ON invoices (creditor_id, state);

-- Lines: consumption of the month (per child and service), reminder of an
-- unpaid earlier invoice, regularisation of consumption that arrived after
-- its month was invoiced.
CREATE TABLE invoice_lines (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	invoice_id bigint NOT NULL,
	line_no integer NOT NULL CHECK (line_no > 0),
	kind text NOT NULL
	    CHECK (kind IN ('consumption', 'reminder', 'regularisation')),
	child_id bigint,
	service_id bigint,
	consumed_month date
	    CHECK (consumed_month = date_trunc('month', consumed_month)::date),
	quantity_milli bigint,
	unit_price_cents bigint CHECK (unit_price_cents >= 0),
	amount_cents bigint NOT NULL,
	reminded_invoice_id bigint,
	label text NOT NULL DEFAULT '',
	CHECK ((kind = 'reminder') = (reminded_invoice_id IS NOT NULL)),
	CHECK (kind = 'reminder' OR (child_id IS NOT NULL
	    AND service_id IS NOT NULL AND consumed_month IS NOT NULL
	    AND quantity_milli IS NOT NULL AND unit_price_cents IS NOT NULL)),
	CHECK (kind <> 'reminder' OR amount_cents > 0),
	UNIQUE (invoice_id, line_no),
	UNIQUE (creditor_id, id),
	FOREIGN KEY (creditor_id, invoice_id) REFERENCES invoices (creditor_id, id),
	FOREIGN KEY (creditor_id, child_id) REFERENCES children (creditor_id, id),
	FOREIGN KEY (creditor_id, service_id) REFERENCES services (creditor_id, id),
	FOREIGN KEY (creditor_id, reminded_invoice_id)
	    REFERENCES invoices (creditor_id, id)
);
-- An unpaid invoice is reminded once; still unpaid, it goes to recovery.
CREATE UNIQUE INDEX invoice_lines_reminded_once
    ON invoice_lines (creditor_id, reminded_invoice_id)
    WHERE kind = 'reminder';

-- Consumption as imported: one row per input line. invoice_line_id is set
-- when the line is billed (on its month's invoice, or as a regularisation
-- on a later one); quantities may be negative (corrections).
CREATE TABLE consumption_lines (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	family_id bigint NOT NULL,
	child_id bigint NOT NULL,
	service_id bigint NOT NULL,
	consumed_on date NOT NULL,
	quantity_milli bigint NOT NULL CHECK (quantity_milli <> 0),
	source_file_id bigint NOT NULL,
	source_line integer NOT NULL CHECK (source_line > 0),
	invoice_line_id bigint,
	UNIQUE (creditor_id, source_file_id, source_line),
	FOREIGN KEY (creditor_id, family_id) REFERENCES families (creditor_id, id),
	FOREIGN KEY (creditor_id, child_id) REFERENCES children (creditor_id, id),
	FOREIGN KEY (creditor_id, service_id) REFERENCES services (creditor_id, id),
	FOREIGN KEY (creditor_id, source_file_id)
	    REFERENCES imported_files (creditor_id, id),
	FOREIGN KEY (creditor_id, invoice_line_id)
	    REFERENCES invoice_lines (creditor_id, id)
);
-- What the invoicing run reads: the lines not billed yet.
CREATE INDEX consumption_unbilled ON consumption_lines (creditor_id, consumed_on)
    WHERE invoice_line_id IS NULL;
CREATE INDEX consumption_family ON consumption_lines (creditor_id, family_id);

-- Payments made by other means (cheque, cash, transfer at the treasury):
-- recorded by the operator, they stop the reminder and recovery chain.
CREATE TABLE payments (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	invoice_id bigint NOT NULL,
	amount_cents bigint NOT NULL CHECK (amount_cents > 0),
	paid_on date NOT NULL,
	method text NOT NULL DEFAULT 'other'
	    CHECK (method IN ('cheque', 'cash', 'transfer', 'card', 'other')),
	reference text,
	recorded_at timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (creditor_id, invoice_id) REFERENCES invoices (creditor_id, id)
);
CREATE INDEX payments_invoice ON payments (creditor_id, invoice_id);

-- Staging for the CSV imports: the reader checks each row and COPYs the
-- parsed values here, tagged with the imported_files id, then set-based SQL
-- moves them into the tables above and deletes them, in the same
-- transaction. UNLOGGED: nothing here must survive a crash.
CREATE UNLOGGED TABLE staging_families (
	file_id bigint NOT NULL,
	line integer NOT NULL,
	family_ref text NOT NULL,
	payer_name text NOT NULL,
	street text NOT NULL,
	postcode text NOT NULL,
	town text NOT NULL,
	country text NOT NULL,
	email text,
	bracket text NOT NULL
);
CREATE UNLOGGED TABLE staging_mandates (
	file_id bigint NOT NULL,
	line integer NOT NULL,
	rum text NOT NULL,
	family_ref text NOT NULL,
	iban text NOT NULL,
	bic text,
	signed_on date NOT NULL
);
CREATE UNLOGGED TABLE staging_tariffs (
	file_id bigint NOT NULL,
	line integer NOT NULL,
	service text NOT NULL,
	bracket text NOT NULL,
	unit text NOT NULL,
	price_cents bigint NOT NULL,
	valid_from date NOT NULL
);
CREATE UNLOGGED TABLE staging_consumption (
	file_id bigint NOT NULL,
	line integer NOT NULL,
	family_ref text NOT NULL,
	child_ref text NOT NULL,
	child_name text NOT NULL,
	service text NOT NULL,
	consumed_on date NOT NULL,
	quantity_milli bigint NOT NULL
);
CREATE INDEX staging_families_file ON staging_families (file_id);
CREATE INDEX staging_mandates_file ON staging_mandates (file_id);
CREATE INDEX staging_tariffs_file ON staging_tariffs (file_id);
CREATE INDEX staging_consumption_file ON staging_consumption (file_id);
