-- 042_pes_flows.sql - the treasury's channel: with treasury.channel =
-- "pes", a collection month is handed to the comptable public as a PES V2
-- PES_Aller ORMC flow instead of pain.008 files (docs/design/pes.md).
--
-- The same exactly-once design as the pain.008 (docs/design/collect-once.md):
-- a flow is a batch (channel 'pes', its file name the flow's NomFic) with
-- the same states, placing and release; its debits are the batch's
-- collections, recorded by the same selection. What PES adds is recorded
-- in the same transaction: the flow's header (pes_flows), its bordereaux
-- with their IdBord, a series per year, budget and bordereau type that is
-- never reused (pes_bordereaux), and one piece per invoice with its
-- NumDette and keys (pes_pieces): the debited ones point at their
-- collection, the others (payable by other means) carry no debit. The
-- file is written from these rows only.

ALTER TABLE batches ADD COLUMN channel text NOT NULL DEFAULT 'pain008'
    CHECK (channel IN ('pain008', 'pes'));

-- The flow's Enveloppe and EnTetePES, as written.
CREATE TABLE pes_flows (
	creditor_id bigint NOT NULL REFERENCES creditors,
	batch_id bigint NOT NULL,
	nom_fic text NOT NULL CHECK (nom_fic ~ '^[A-Za-z0-9._-]{1,100}$'),
	dte_str date NOT NULL,
	sigle text NOT NULL CHECK (sigle <> ''),
	adresse text NOT NULL CHECK (adresse <> ''),
	id_post text NOT NULL CHECK (id_post ~ '^([0-9]{6,7}|02[AB][0-9]{3,4})$'),
	id_coll text NOT NULL CHECK (id_coll ~ '^[0-9]{14}$'),
	cod_col text NOT NULL CHECK (cod_col ~ '^[0-9]{3}$'),
	cod_bud text NOT NULL CHECK (cod_bud ~ '^[0-9A-Z][0-9]$'),
	libelle_col_bud text NOT NULL DEFAULT '',
	PRIMARY KEY (creditor_id, batch_id),
	UNIQUE (creditor_id, nom_fic),
	FOREIGN KEY (creditor_id, batch_id) REFERENCES batches (creditor_id, id)
);

-- A bordereau of at most 99,999 pieces. IdBord is never given twice for
-- a year, budget and bordereau type, whatever became of its flow.
CREATE TABLE pes_bordereaux (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL,
	batch_id bigint NOT NULL,
	position integer NOT NULL CHECK (position > 0),
	exer integer NOT NULL CHECK (exer BETWEEN 1000 AND 9999),
	cod_bud text NOT NULL,
	typ_bord text NOT NULL CHECK (typ_bord IN ('06', '01')),
	id_bord integer NOT NULL CHECK (id_bord BETWEEN 1 AND 9999999),
	dte_bord_em date NOT NULL,
	objet text NOT NULL DEFAULT '',
	nbr_pce integer NOT NULL CHECK (nbr_pce BETWEEN 1 AND 99999),
	mt_bord_ht_cents bigint NOT NULL CHECK (mt_bord_ht_cents > 0),
	UNIQUE (creditor_id, exer, cod_bud, typ_bord, id_bord),
	UNIQUE (creditor_id, batch_id, position),
	UNIQUE (creditor_id, id),
	FOREIGN KEY (creditor_id, batch_id)
	    REFERENCES pes_flows (creditor_id, batch_id)
);

-- One piece (article of the rôle) per invoice, with the debtor as written.
-- collection_id: the debit Hélios makes; NULL: payable by other means.
CREATE TABLE pes_pieces (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	creditor_id bigint NOT NULL,
	batch_id bigint NOT NULL,
	bordereau_id bigint NOT NULL,
	id_pce integer NOT NULL CHECK (id_pce BETWEEN 1 AND 99999999),
	invoice_id bigint NOT NULL,
	collection_id bigint,
	num_dette bigint NOT NULL CHECK (num_dette BETWEEN 1 AND 9999999999999),
	per smallint NOT NULL CHECK (per BETWEEN 0 AND 9),
	cle1 text NOT NULL CHECK (cle1 ~ '^[0-9]$'),
	cle2 text NOT NULL CHECK (cle2 ~ '^[A-Z]$'),
	objet text NOT NULL DEFAULT '',
	cod_prod_loc text NOT NULL,
	nature text NOT NULL,
	amount_cents bigint NOT NULL
	    CHECK (amount_cents > 0 AND amount_cents <= 99999999999),
	ref_tiers text NOT NULL DEFAULT '',
	civilite text NOT NULL,
	nom text NOT NULL,
	prenom text NOT NULL,
	adr2 text NOT NULL,
	cp text NOT NULL,
	ville text NOT NULL,
	cod_pays text NOT NULL DEFAULT '',
	UNIQUE (creditor_id, bordereau_id, id_pce),
	UNIQUE (creditor_id, collection_id),
	FOREIGN KEY (creditor_id, bordereau_id)
	    REFERENCES pes_bordereaux (creditor_id, id),
	FOREIGN KEY (creditor_id, batch_id) REFERENCES batches (creditor_id, id),
	FOREIGN KEY (creditor_id, invoice_id) REFERENCES invoices (creditor_id, id),
	FOREIGN KEY (creditor_id, collection_id)
	    REFERENCES collections (creditor_id, id)
);
CREATE INDEX pes_pieces_invoice ON pes_pieces (creditor_id, invoice_id);
CREATE INDEX pes_pieces_batch ON pes_pieces (creditor_id, batch_id);
