-- The search columns as 0002, 0005 and 0009 left them. The unaccent
-- extension stays, as btree_gin does when 0005 goes down: it may have been
-- there before, and it costs nothing.
ALTER TABLE communication_text_chunks DROP COLUMN search, ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('english', text)) STORED;

ALTER TABLE document_text_chunks DROP COLUMN search, ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('english', text)) STORED;

ALTER TABLE documents DROP COLUMN search, ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('english', filename || ' ' || text)) STORED;
CREATE INDEX documents_search_idx ON documents USING gin (org_id, search) WHERE deleted_at IS NULL;

ALTER TABLE communications DROP COLUMN search, ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', subject), 'A') || setweight(to_tsvector('english', body), 'B')) STORED;
CREATE INDEX communications_search_idx ON communications USING gin (org_id, search);

ALTER TABLE requests DROP COLUMN search, ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('english', title || ' ' || description)) STORED;
CREATE INDEX requests_search_idx ON requests USING gin (org_id, search);

DROP FUNCTION tracking_number_words(text);
DROP TEXT SEARCH CONFIGURATION english_unaccent;
