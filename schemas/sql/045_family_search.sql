-- 045_family_search.sql - the console's family search (store_ledger.c,
-- store_ledger_search): a part of a payer's name or of a family
-- reference, found among 100,000 families by trigram indexes (pg_trgm,
-- shipped with PostgreSQL: Debian's postgresql-contrib). A RUM and an
-- invoice number are found by their existing unique indexes.
--
-- pg_trgm is a trusted extension: the owner of the database may create
-- it without being a superuser.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX families_payer_trgm ON families
    USING gin (lower(payer_name) gin_trgm_ops);
CREATE INDEX families_ref_trgm ON families
    USING gin (lower(family_ref) gin_trgm_ops);
