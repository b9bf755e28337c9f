-- Sunshine's first schema: organizations, users, API tokens, agencies,
-- requests, their pauses, watchers and the append-only event timeline.
-- Every org-owned table carries org_id; composite foreign keys
-- (org_id, id) make a cross-organization reference impossible.

CREATE TABLE organizations (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id        uuid NOT NULL REFERENCES organizations (id),
    email         text NOT NULL CHECK (email = lower(email) AND email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    name          text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    role          text NOT NULL CHECK (role IN ('admin', 'staff', 'viewer')),
    password_hash text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id       uuid NOT NULL,
    user_id      uuid NOT NULL,
    name         text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (org_id, user_id);

CREATE TABLE agencies (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organizations (id),
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 300),
    jurisdiction    text NOT NULL CHECK (jurisdiction ~ '^[a-z]{2}-[a-z]+$'),
    records_contact text NOT NULL DEFAULT '' CHECK (length(records_contact) <= 300),
    email           text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    portal_url      text NOT NULL DEFAULT '' CHECK (length(portal_url) <= 2000),
    postal_address  text NOT NULL DEFAULT '' CHECK (length(postal_address) <= 1000),
    phone           text NOT NULL DEFAULT '' CHECK (length(phone) <= 50),
    time_zone       text NOT NULL CHECK (time_zone <> ''),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX agencies_org_name_key ON agencies (org_id, lower(name));
CREATE INDEX agencies_org_jurisdiction_idx ON agencies (org_id, jurisdiction);

CREATE TABLE requests (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id               uuid NOT NULL REFERENCES organizations (id),
    agency_id            uuid NOT NULL,
    title                text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
    description          text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
    delivery_method      text NOT NULL CHECK (delivery_method IN ('email', 'portal', 'mail', 'fax', 'in_person', 'other')),
    status               text NOT NULL CHECK (status IN ('draft', 'submitted', 'acknowledged', 'awaiting_requester',
                             'rolling_production', 'appealed', 'in_litigation', 'fulfilled', 'partially_granted',
                             'denied', 'no_records', 'withdrawn', 'abandoned')),
    jurisdiction         text NOT NULL,
    sent_on              date,
    received_on          date,
    due_on               date,
    extended             boolean NOT NULL DEFAULT false,
    extension_invoked_on date,
    custom_due_on        date,
    custom_due_reason    text NOT NULL DEFAULT '' CHECK (length(custom_due_reason) <= 2000),
    agency_estimated_on  date,
    tracking_number      text NOT NULL DEFAULT '' CHECK (length(tracking_number) <= 200),
    assignee_id          uuid,
    tags                 text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
    closed_on            date,
    created_by           uuid,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1,
    -- The date lists sort and filter by: the agreed date, else the
    -- statutory one; 'infinity' (no date) sorts last.
    due_sort             date NOT NULL GENERATED ALWAYS AS (COALESCE(custom_due_on, due_on, 'infinity'::date)) STORED,
    search               tsvector GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || description)) STORED,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, agency_id) REFERENCES agencies (org_id, id),
    FOREIGN KEY (org_id, assignee_id) REFERENCES users (org_id, id),
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id),
    CHECK (status = 'draft' OR received_on IS NOT NULL),
    CHECK (received_on IS NULL OR sent_on IS NULL OR received_on >= sent_on),
    CHECK (NOT extended OR extension_invoked_on IS NOT NULL)
);
-- The dashboard: an org's open requests by due date.
CREATE INDEX requests_open_due_idx ON requests (org_id, due_sort, id)
    WHERE status IN ('draft', 'submitted', 'acknowledged', 'awaiting_requester', 'rolling_production', 'appealed', 'in_litigation');
CREATE INDEX requests_due_idx ON requests (org_id, due_sort, id);
CREATE INDEX requests_agency_idx ON requests (org_id, agency_id, due_sort, id);
CREATE INDEX requests_assignee_idx ON requests (org_id, assignee_id, due_sort, id) WHERE assignee_id IS NOT NULL;
CREATE INDEX requests_tags_idx ON requests USING gin (tags);
CREATE INDEX requests_search_idx ON requests USING gin (search);

CREATE TABLE request_pauses (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id     uuid NOT NULL,
    request_id uuid NOT NULL,
    started_on date NOT NULL,
    ended_on   date CHECK (ended_on >= started_on),
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (org_id, request_id) REFERENCES requests (org_id, id)
);
-- At most one open pause per request.
CREATE UNIQUE INDEX request_pauses_open_key ON request_pauses (request_id) WHERE ended_on IS NULL;
CREATE INDEX request_pauses_request_idx ON request_pauses (request_id, started_on);

CREATE TABLE watchers (
    org_id     uuid NOT NULL,
    request_id uuid NOT NULL,
    user_id    uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, user_id),
    FOREIGN KEY (org_id, request_id) REFERENCES requests (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
);

CREATE TABLE request_events (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    org_id       uuid NOT NULL,
    request_id   uuid NOT NULL,
    actor_id     uuid,
    kind         text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
    effective_on date,
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 5000),
    data         jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (org_id, request_id) REFERENCES requests (org_id, id),
    FOREIGN KEY (org_id, actor_id) REFERENCES users (org_id, id)
);
CREATE INDEX request_events_request_idx ON request_events (request_id, seq);

-- The timeline is append-only: it is the audit log.
CREATE FUNCTION request_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'request_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER request_events_no_update BEFORE UPDATE OR DELETE ON request_events
    FOR EACH ROW EXECUTE FUNCTION request_events_append_only();
