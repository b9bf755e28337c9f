ALTER TABLE communications DROP COLUMN search, ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english_unaccent', subject), 'A') || setweight(to_tsvector('english_unaccent', body), 'B')) STORED;
CREATE INDEX communications_search_idx ON communications USING gin (org_id, search);

DROP FUNCTION party_words(text);
