-- Search ranks only each kind's most recent matches (store.Search): these
-- indexes let PostgreSQL walk an organization's rows newest first and stop
-- once it has enough matches, instead of reading and ranking every match
-- of a common word (docs/performance.md). The request's date is its
-- receipt, or for a draft the UTC day it was created; a document's, the UTC
-- day it was uploaded (AT TIME ZONE keeps the expression immutable, as an
-- index needs).
CREATE INDEX requests_recent_idx ON requests (org_id, (COALESCE(received_on, (created_at AT TIME ZONE 'UTC')::date)) DESC, id DESC);
CREATE INDEX communications_recent_idx ON communications (org_id, occurred_on DESC, id DESC);
CREATE INDEX documents_recent_idx ON documents (org_id, ((created_at AT TIME ZONE 'UTC')::date) DESC, id DESC) WHERE deleted_at IS NULL;
