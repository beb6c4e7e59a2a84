-- 040_service_labels.sql - the name a family reads for each service.
--
-- Until now a service was known by its code only ("CANTINE",
-- "GARDERIE_MATIN"), and the notices printed the code. The tariffs file
-- may now carry an optional column `label` ("Restauration scolaire",
-- "Garderie du matin"): the PDF notices print it, and the code when a
-- service has none. A later tariffs file that gives a service another
-- non-empty label renames it; an empty or missing label changes
-- nothing.

ALTER TABLE services ADD COLUMN label text NOT NULL DEFAULT ''
    CHECK (length(label) <= 100 AND label !~ '[[:cntrl:]]');

ALTER TABLE staging_tariffs ADD COLUMN label text NOT NULL DEFAULT '';
