-- A communication is found by who sent it and to whom: "Quinlan" finds the
-- letter from pat.quinlan@cbp.dhs.gov, "cbp.dhs.gov" every letter from
-- that agency's addresses. PostgreSQL's parser reads an address as one
-- "email" token, so party_words adds it again with its domain on its own
-- and with its dots, at signs, underscores and hyphens as spaces. The
-- parties are weighted C, below the subject (A) and the body (B).
--
-- PostgreSQL 15 cannot change a generated column's expression: the column
-- is dropped and added again, one rewrite of communications under its
-- lock (each body's vector computed again: 17 s for 100,000
-- communications holding 90 MB of text on 2 cores), and its index made
-- again as 0022 left it.
-- (Angle brackets go first: the parser drops "<pat.quinlan@cbp.dhs.gov>"
-- whole as an HTML tag.)
CREATE FUNCTION party_words(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (SELECT p || ' ' || regexp_replace(p, '@', ' ', 'g') || ' ' || regexp_replace(p, '[@._-]+', ' ', 'g')
            FROM regexp_replace(t, '[<>]', ' ', 'g') AS p);

ALTER TABLE communications DROP COLUMN search, ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english_unaccent', subject), 'A') || setweight(to_tsvector('english_unaccent', body), 'B')
    || setweight(to_tsvector('english_unaccent', party_words(from_party || ' ' || to_party)), 'C')) STORED;
CREATE INDEX communications_search_idx ON communications USING gin (org_id, search);
