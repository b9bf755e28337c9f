-- Responses and correspondence: communications, documents with their bytes
-- stored in PostgreSQL in chunks (content-addressed per organization), and
-- full-text search over them.

CREATE TABLE communications (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id           uuid NOT NULL,
    request_id       uuid NOT NULL,
    direction        text NOT NULL CHECK (direction IN ('in', 'out')),
    channel          text NOT NULL CHECK (channel IN ('email', 'portal', 'mail', 'fax', 'phone', 'in_person')),
    kind             text NOT NULL CHECK (kind IN ('request', 'follow_up', 'appeal', 'acknowledgment', 'extension_notice',
                         'fee_estimate', 'clarification_request', 'records_release', 'denial', 'partial_denial', 'other')),
    occurred_on      date NOT NULL,
    from_party       text NOT NULL DEFAULT '' CHECK (length(from_party) <= 500),
    to_party         text NOT NULL DEFAULT '' CHECK (length(to_party) <= 500),
    subject          text NOT NULL DEFAULT '' CHECK (length(subject) <= 1000),
    body             text NOT NULL DEFAULT '' CHECK (length(body) <= 1000000),
    exemptions_cited text[] NOT NULL DEFAULT '{}' CHECK (cardinality(exemptions_cited) <= 50),
    fee_amount       numeric(12, 2) CHECK (fee_amount >= 0),
    created_by       uuid,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1,
    search           tsvector GENERATED ALWAYS AS (
                         setweight(to_tsvector('english', subject), 'A') || setweight(to_tsvector('english', body), 'B')) STORED,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, request_id) REFERENCES requests (org_id, id),
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id)
);
CREATE INDEX communications_request_idx ON communications (request_id, occurred_on, id);
CREATE INDEX communications_search_idx ON communications USING gin (search);

-- Document bytes, stored once per organization and content (sha256), in
-- chunks of about 1 MiB so uploads and downloads stream and a Range request
-- reads only the chunks it needs.
CREATE TABLE blobs (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id     uuid NOT NULL REFERENCES organizations (id),
    sha256     bytea CHECK (length(sha256) = 32), -- NULL only while the upload's transaction writes it
    size       bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
    chunk_size integer NOT NULL CHECK (chunk_size > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    UNIQUE (org_id, sha256)
);

CREATE TABLE blob_chunks (
    blob_id uuid NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
    seq     integer NOT NULL CHECK (seq >= 0),
    data    bytea NOT NULL,
    PRIMARY KEY (blob_id, seq)
);

CREATE TABLE documents (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id           uuid NOT NULL,
    request_id       uuid NOT NULL,
    communication_id uuid,
    blob_id          uuid NOT NULL,
    filename         text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type     text NOT NULL,
    text_status      text NOT NULL DEFAULT 'pending' CHECK (text_status IN ('pending', 'extracted', 'unsupported', 'failed')),
    text_error       text NOT NULL DEFAULT '',
    text             text NOT NULL DEFAULT '',
    search           tsvector GENERATED ALWAYS AS (to_tsvector('english', filename || ' ' || text)) STORED,
    created_by       uuid,
    created_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    deleted_by       uuid,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, request_id) REFERENCES requests (org_id, id),
    FOREIGN KEY (org_id, communication_id) REFERENCES communications (org_id, id),
    FOREIGN KEY (org_id, blob_id) REFERENCES blobs (org_id, id),
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id)
);
CREATE INDEX documents_request_idx ON documents (request_id, created_at) WHERE deleted_at IS NULL;
CREATE INDEX documents_search_idx ON documents USING gin (search) WHERE deleted_at IS NULL;
CREATE INDEX documents_pending_idx ON documents (created_at) WHERE text_status = 'pending' AND deleted_at IS NULL;
