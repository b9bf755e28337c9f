-- Full-text and tag indexes that include the organization, so a search
-- reads only the caller's matches instead of every organization's and then
-- discarding the rest (1.5 s p95 at 3,000,000 communications before; see
-- docs/performance.md). btree_gin lets a GIN index hold org_id too; it is
-- a trusted extension, so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gin;

DROP INDEX requests_search_idx;
CREATE INDEX requests_search_idx ON requests USING gin (org_id, search);
DROP INDEX requests_tags_idx;
CREATE INDEX requests_tags_idx ON requests USING gin (org_id, tags);
DROP INDEX communications_search_idx;
CREATE INDEX communications_search_idx ON communications USING gin (org_id, search);
DROP INDEX documents_search_idx;
CREATE INDEX documents_search_idx ON documents USING gin (org_id, search) WHERE deleted_at IS NULL;
