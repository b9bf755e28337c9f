DROP INDEX requests_search_idx;
CREATE INDEX requests_search_idx ON requests USING gin (search);
DROP INDEX requests_tags_idx;
CREATE INDEX requests_tags_idx ON requests USING gin (tags);
DROP INDEX communications_search_idx;
CREATE INDEX communications_search_idx ON communications USING gin (search);
DROP INDEX documents_search_idx;
CREATE INDEX documents_search_idx ON documents USING gin (search) WHERE deleted_at IS NULL;
