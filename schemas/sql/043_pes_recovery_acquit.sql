-- 043_pes_recovery_acquit.sql - the rest of the treasury's channel
-- (docs/design/pes.md, The daemon): with treasury.channel = "pes" the
-- recovery export is a PES_Aller flow of ordinary titres (PESALR1), and
-- the PES_ACQUIT the comptable's Hélios sends back for a flow is imported,
-- recorded and acted on.
--
-- A recovery flow is a batch as a collection flow is (channel 'pes', the
-- same states, placing and release: docs/design/collect-once.md), of
-- purpose 'recovery': it carries no collection, and collect neither
-- counts nor writes it. Its export is still a recovery_exports row, and
-- its invoices rows of recovery_export_invoices, whose key is the
-- invoice: an invoice goes to recovery once, whichever channel. The
-- export's file is the batch's flow, whose SHA-256 is known at its
-- placing (batches.sha256).

ALTER TABLE batches ADD COLUMN purpose text NOT NULL DEFAULT 'collect'
    CHECK (purpose IN ('collect', 'recovery'));
ALTER TABLE batches ADD CONSTRAINT batches_recovery_is_pes
    CHECK (purpose = 'collect' OR channel = 'pes');

ALTER TABLE pes_flows ADD COLUMN typ_fic text NOT NULL DEFAULT 'PESORMC'
    CHECK (typ_fic IN ('PESORMC', 'PESALR1'));

-- An ordinary titre has no NumDette, Per or keys (ORMC only).
ALTER TABLE pes_pieces ALTER COLUMN num_dette DROP NOT NULL,
    ALTER COLUMN per DROP NOT NULL, ALTER COLUMN cle1 DROP NOT NULL,
    ALTER COLUMN cle2 DROP NOT NULL;
ALTER TABLE pes_pieces ADD CONSTRAINT pes_pieces_ormc_all_or_none
    CHECK ((num_dette IS NULL) = (per IS NULL)
        AND (per IS NULL) = (cle1 IS NULL)
        AND (cle1 IS NULL) = (cle2 IS NULL));

ALTER TABLE recovery_exports ALTER COLUMN sha256 DROP NOT NULL,
    ADD COLUMN batch_id bigint,
    ADD CONSTRAINT recovery_exports_file_known
        CHECK (sha256 IS NOT NULL OR batch_id IS NOT NULL),
    ADD CONSTRAINT recovery_exports_one_per_batch UNIQUE (creditor_id, batch_id),
    ADD CONSTRAINT recovery_exports_batch_fkey FOREIGN KEY (creditor_id, batch_id)
        REFERENCES batches (creditor_id, id);

-- The invoice's state when it was exported (PES exports): what it goes
-- back to when the comptable refuses its titre (a rejected bordereau).
ALTER TABLE recovery_export_invoices ADD COLUMN state_before text
    CHECK (state_before IN ('issued', 'unpaid', 'reminded'));

-- The acquits: imported files of their own kind (the same bytes once).
ALTER TABLE imported_files
    DROP CONSTRAINT imported_files_kind_check,
    ADD CONSTRAINT imported_files_kind_check
        CHECK (kind IN ('families', 'mandates', 'tariffs', 'consumption',
            'children', 'pain002', 'camt054', 'camt053', 'pes_acquit'));

-- One acquit of a flow (matched by its NomFic), with what it decided.
CREATE TABLE pes_acquits (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL REFERENCES creditors,
	file_id bigint NOT NULL,
	batch_id bigint NOT NULL,
	nom_fic text NOT NULL,
	received_on date NOT NULL,
	accepted integer NOT NULL CHECK (accepted >= 0),
	rejected integer NOT NULL CHECK (rejected >= 0),
	UNIQUE (creditor_id, file_id),
	UNIQUE (creditor_id, id),
	FOREIGN KEY (creditor_id, file_id)
	    REFERENCES imported_files (creditor_id, id),
	FOREIGN KEY (creditor_id, batch_id)
	    REFERENCES pes_flows (creditor_id, batch_id)
);
CREATE INDEX pes_acquits_batch ON pes_acquits (creditor_id, batch_id);

-- Every record of the acquit as the reader gave it: one per Erreur at
-- its level, or an element's state alone (lib/include/sepa/pes.h).
CREATE TABLE pes_acquit_records (
	creditor_id bigint NOT NULL,
	acquit_id bigint NOT NULL,
	idx integer NOT NULL CHECK (idx >= 0),
	line integer NOT NULL CHECK (line >= 0),
	level text NOT NULL CHECK (level IN ('element', 'piece', 'line')),
	domaine integer,
	etat smallint CHECK (etat IN (0, 1)),
	num_bord text NOT NULL DEFAULT '',
	exer text NOT NULL DEFAULT '',
	id_unique text NOT NULL DEFAULT '',
	num_piece text NOT NULL DEFAULT '',
	num_ligne text NOT NULL DEFAULT '',
	code text NOT NULL DEFAULT '',
	label text NOT NULL DEFAULT '',
	PRIMARY KEY (creditor_id, acquit_id, idx),
	FOREIGN KEY (creditor_id, acquit_id)
	    REFERENCES pes_acquits (creditor_id, id)
);

-- A bordereau's answer, set once by the first acquit that decides it:
-- accepted (taken in charge) or rejected (its pieces were not).
ALTER TABLE pes_bordereaux
    ADD COLUMN ack_state text CHECK (ack_state IN ('accepted', 'rejected')),
    ADD COLUMN ack_acquit_id bigint,
    ADD CONSTRAINT pes_bordereaux_ack_known
        CHECK ((ack_state IS NULL) = (ack_acquit_id IS NULL)),
    ADD CONSTRAINT pes_bordereaux_ack_fkey FOREIGN KEY (creditor_id, ack_acquit_id)
        REFERENCES pes_acquits (creditor_id, id);
