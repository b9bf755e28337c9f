ALTER TABLE documents DROP COLUMN search, ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('english_unaccent', filename || ' ' || text)) STORED;
CREATE INDEX documents_search_idx ON documents USING gin (org_id, search) WHERE deleted_at IS NULL;

DROP FUNCTION filename_words(text);
