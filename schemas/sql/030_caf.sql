-- 030_caf.sql - what the yearly activity declaration to the CAF needs
-- (docs/product.md, The CAF declaration; `sepactl report caf`).
--
-- The CAF funds the leisure centres per hour of attendance, declared per
-- activity, period and age band (1 journée = 10 heures). So:
--   * a service may be billed per day (unit 'day': a leisure centre's
--     journée), and carries its CAF activity (caf_activity, from the
--     tariffs file; 'none' for a service the CAF does not fund, such as
--     the canteen). Only hour and day services have hours to declare;
--   * a child has a birth date (from the consumption file or the new
--     children file), with the file and line it came from, so that an
--     import giving another date can say where the first one came from;
--   * 'children' is a kind of imported file, with its staging table; the
--     tariffs and consumption staging tables get the new columns.
-- Nothing already stored changes: existing services are 'none', existing
-- children have no birth date until a file gives one.

ALTER TABLE services
    DROP CONSTRAINT services_unit_check,
    ADD CONSTRAINT services_unit_check
        CHECK (unit IN ('meal', 'slot', 'hour', 'day')),
    ADD COLUMN caf_activity text NOT NULL DEFAULT 'none'
        CHECK (caf_activity IN ('none', 'periscolaire', 'extrascolaire',
            'adolescent', 'sejour')),
    ADD CONSTRAINT services_caf_hours
        CHECK (caf_activity = 'none' OR unit IN ('hour', 'day'));

ALTER TABLE children
    ADD COLUMN birth_date date CHECK (birth_date >= DATE '1900-01-01'),
    ADD COLUMN birth_source_file_id bigint,
    ADD COLUMN birth_source_line integer CHECK (birth_source_line > 0),
    ADD CONSTRAINT children_birth_source
        CHECK ((birth_date IS NULL) = (birth_source_file_id IS NULL)
            AND (birth_date IS NULL) = (birth_source_line IS NULL)),
    ADD CONSTRAINT children_birth_source_file
        FOREIGN KEY (creditor_id, birth_source_file_id)
        REFERENCES imported_files (creditor_id, id);

ALTER TABLE imported_files
    DROP CONSTRAINT imported_files_kind_check,
    ADD CONSTRAINT imported_files_kind_check
        CHECK (kind IN ('families', 'mandates', 'tariffs', 'consumption',
            'children', 'pain002', 'camt054', 'camt053'));

ALTER TABLE staging_tariffs ADD COLUMN caf_activity text;
ALTER TABLE staging_consumption ADD COLUMN birth_date date;
CREATE UNLOGGED TABLE staging_children (
	file_id bigint NOT NULL,
	line integer NOT NULL,
	child_ref text NOT NULL,
	family_ref text NOT NULL,
	child_name text NOT NULL,
	birth_date date
);
CREATE INDEX staging_children_file ON staging_children (file_id);
