-- Search ignores accents, both ways: "Jose Perez" finds "José Pérez" and
-- "José" finds "Jose" ("élève" and "eleve" alike). The text search
-- configuration english_unaccent is english with the unaccent dictionary
-- before the stemmer for words holding letters other than ASCII ones
-- (ASCII words have no accents to remove). unaccent is a trusted extension,
-- so the database owner may create it, as btree_gin in 0005.
--
-- A request's search vector also holds its tracking number, weighted A (as
-- a communication's subject), so the request whose number it is ranks
-- above a letter quoting it in its body. PostgreSQL's parser reads
-- "CBP-2027-004512" as cbp, -2027, -004512 (signed numbers), so the
-- number's digits, "004512", or its tail "2027-004512" would match nothing:
-- tracking_number_words adds each tail of the number that starts at a run
-- of letters or digits ("CBP-2027-004512 2027-004512 004512").
--
-- PostgreSQL 15 cannot change a generated column's expression, so each
-- search column is dropped and added again, in one ALTER TABLE a table:
-- one rewrite of each table, which holds its lock meanwhile. Dropping the
-- columns drops their indexes; they are made again as 0005 left them.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english);
ALTER TEXT SEARCH CONFIGURATION english_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

-- (PL/pgSQL: a SQL function with a subquery costs 5 µs a row even for the
-- empty number of a draft, where this one costs under 1 µs.)
CREATE FUNCTION tracking_number_words(t text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
DECLARE
    words text := t;
BEGIN
    FOR i IN 2 .. regexp_count(t, '[0-9A-Za-z]+') LOOP
        words := words || ' ' || substr(t, regexp_instr(t, '[0-9A-Za-z]+', 1, i));
    END LOOP;
    RETURN words;
END
$$;

ALTER TABLE requests DROP COLUMN search, ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('english_unaccent', title || ' ' || description)
    || setweight(to_tsvector('english_unaccent', tracking_number_words(tracking_number)), 'A')) STORED;
CREATE INDEX requests_search_idx ON requests USING gin (org_id, search);

ALTER TABLE communications DROP COLUMN search, ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english_unaccent', subject), 'A') || setweight(to_tsvector('english_unaccent', body), 'B')) STORED;
CREATE INDEX communications_search_idx ON communications USING gin (org_id, search);

ALTER TABLE documents DROP COLUMN search, ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('english_unaccent', filename || ' ' || text)) STORED;
CREATE INDEX documents_search_idx ON documents USING gin (org_id, search) WHERE deleted_at IS NULL;

ALTER TABLE document_text_chunks DROP COLUMN search, ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('english_unaccent', text)) STORED;

ALTER TABLE communication_text_chunks DROP COLUMN search, ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('english_unaccent', text)) STORED;
