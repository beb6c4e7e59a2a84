-- 008_consumption_batches.sql - consumption is billed by batch, not by line.
--
-- Migration 001 linked each consumption line to the invoice line that
-- billed it (consumption_lines.invoice_line_id), so the invoice run
-- rewrote every line it billed: 2 million row versions a month, each with
-- its index entries and a foreign-key check, for a commune of 100,000
-- families (about 45 s of a 60 s run). Consumption lines are now written
-- once and never updated.
--
-- A batch is the lines of one imported file that fall in one calendar
-- month. The invoice run bills whole batches: every line of a month that
-- has ended is billed by the first run that sees it (on that month's
-- invoice, or as a regularisation on a later one), and all the lines of a
-- batch share the month and the file, so they are always billed together.
-- billed_month is the month of the invoices that billed the batch. The
-- invoice line of a consumption line is the line of that invoice for the
-- same child, service and consumed month, at the unit price of the
-- family's tariff on that date.

CREATE TABLE consumption_batches (
	creditor_id bigint NOT NULL REFERENCES creditors,
	source_file_id bigint NOT NULL,
	month date NOT NULL CHECK (month = date_trunc('month', month)::date),
	lines integer NOT NULL CHECK (lines > 0),
	billed_month date
	    CHECK (billed_month = date_trunc('month', billed_month)::date),
	billed_on date,
	CHECK ((billed_month IS NULL) = (billed_on IS NULL)),
	CHECK (billed_month IS NULL OR billed_month >= month),
	PRIMARY KEY (creditor_id, source_file_id, month),
	FOREIGN KEY (creditor_id, source_file_id)
	    REFERENCES imported_files (creditor_id, id)
);
-- What the invoice run reads: the batches not billed yet.
CREATE INDEX consumption_batches_unbilled
    ON consumption_batches (creditor_id, month) WHERE billed_month IS NULL;

-- The batches of the lines already stored, billed or not. A batch whose
-- lines were billed by different runs cannot be expressed: refuse to
-- migrate rather than guess (it cannot arise from `sepactl`).
DO $$
DECLARE
	bad record;
BEGIN
	SELECT c.creditor_id, c.source_file_id,
	    date_trunc('month', c.consumed_on)::date AS month
	INTO bad
	FROM consumption_lines c
	LEFT JOIN invoice_lines l ON l.creditor_id = c.creditor_id
	    AND l.id = c.invoice_line_id
	LEFT JOIN invoices i ON i.creditor_id = l.creditor_id
	    AND i.id = l.invoice_id
	GROUP BY 1, 2, 3
	HAVING count(DISTINCT i.month) > 1
	    OR (count(c.invoice_line_id) <> 0
	        AND count(c.invoice_line_id) <> count(*))
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'consumption of file #% for % was billed in '
		    'part or by several invoice runs: cannot convert it to a '
		    'batch', bad.source_file_id, to_char(bad.month, 'YYYY-MM');
	END IF;
END
$$;
INSERT INTO consumption_batches (creditor_id, source_file_id, month, lines,
    billed_month, billed_on)
SELECT c.creditor_id, c.source_file_id,
    date_trunc('month', c.consumed_on)::date, count(*),
    max(i.month), max(i.issued_on)
FROM consumption_lines c
LEFT JOIN invoice_lines l ON l.creditor_id = c.creditor_id
    AND l.id = c.invoice_line_id
LEFT JOIN invoices i ON i.creditor_id = l.creditor_id AND i.id = l.invoice_id
GROUP BY 1, 2, 3;

-- Lines are written once: no link to update, no index for unbilled lines.
-- A line is named by its file and line number (how an operator finds it):
-- that key becomes the primary key and the surrogate id goes, with its
-- index.
ALTER TABLE consumption_lines DROP COLUMN invoice_line_id;
ALTER TABLE consumption_lines DROP COLUMN id;
ALTER TABLE consumption_lines
    DROP CONSTRAINT consumption_lines_creditor_id_source_file_id_source_line_key,
    ADD PRIMARY KEY (creditor_id, source_file_id, source_line);

-- consumption_lines is the one table that grows by millions of rows a
-- month. A per-row foreign-key check costs a lookup and a row lock in the
-- referenced table for every line (four of them per line: more than the
-- rest of the import together), so its references are guaranteed another
-- way: the import resolves family, child and service by joining the
-- tables in the same transaction that inserts the lines (a line cannot be
-- inserted with an id that does not exist), the referenced rows are
-- never deleted (the triggers below refuse it) and their ids never change
-- (identity columns GENERATED ALWAYS cannot be updated). The creditor and
-- the file are covered through consumption_batches, whose lines count is
-- checked against the lines at each invoice run.
ALTER TABLE consumption_lines
    DROP CONSTRAINT consumption_lines_creditor_id_fkey,
    DROP CONSTRAINT consumption_lines_creditor_id_family_id_fkey,
    DROP CONSTRAINT consumption_lines_creditor_id_child_id_fkey,
    DROP CONSTRAINT consumption_lines_creditor_id_service_id_fkey,
    DROP CONSTRAINT consumption_lines_creditor_id_source_file_id_fkey;

CREATE FUNCTION sepad_refuse_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% on % refused: its rows are kept for good '
	    '(consumption, invoices and bank records refer to them)',
	    TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER families_never_deleted BEFORE DELETE OR TRUNCATE ON families
    FOR EACH STATEMENT EXECUTE FUNCTION sepad_refuse_delete();
CREATE TRIGGER children_never_deleted BEFORE DELETE OR TRUNCATE ON children
    FOR EACH STATEMENT EXECUTE FUNCTION sepad_refuse_delete();
CREATE TRIGGER services_never_deleted BEFORE DELETE OR TRUNCATE ON services
    FOR EACH STATEMENT EXECUTE FUNCTION sepad_refuse_delete();
CREATE TRIGGER imported_files_never_deleted BEFORE DELETE OR TRUNCATE
    ON imported_files
    FOR EACH STATEMENT EXECUTE FUNCTION sepad_refuse_delete();
CREATE TRIGGER consumption_never_changed BEFORE UPDATE OR DELETE OR TRUNCATE
    ON consumption_lines
    FOR EACH STATEMENT EXECUTE FUNCTION sepad_refuse_delete();

-- The duplicate check of an import looks for lines of the same days, and
-- a regularisation for the lines already billed on a day: consumption is
-- appended roughly in date order, so a BRIN summary finds the blocks of a
-- date range for almost nothing at insert time.
DROP INDEX consumption_family;
CREATE INDEX consumption_days ON consumption_lines USING brin (consumed_on);

-- Invoice lines are written by the invoice run, a few hundred thousand at
-- a time, from ids it has just joined: the creditor is checked through
-- the invoice, and child and service (never deleted, see above) by the
-- run's joins. The invoice and the reminded invoice keep their foreign
-- keys.
-- (creditor_id, id) was the target of consumption_lines.invoice_line_id,
-- gone above: its index goes too.
ALTER TABLE invoice_lines
    DROP CONSTRAINT invoice_lines_creditor_id_fkey,
    DROP CONSTRAINT invoice_lines_creditor_id_child_id_fkey,
    DROP CONSTRAINT invoice_lines_creditor_id_service_id_fkey,
    DROP CONSTRAINT invoice_lines_creditor_id_id_key;

-- Hours rounded up to the next whole hour, away from zero for a negative
-- correction (quantities in thousandths). A day's hours billed in two
-- runs (late lines of a day already invoiced) are billed as
-- sepad_hours_up(before + late) - sepad_hours_up(before), so the day is
-- rounded once in all.
CREATE FUNCTION sepad_hours_up(q bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN q < 0 THEN -((-q + 999) / 1000) * 1000
    ELSE (q + 999) / 1000 * 1000 END;
