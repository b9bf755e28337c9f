-- Webhooks: an organization's events (request_events) POSTed to addresses
-- its admins choose (a chat channel, an automation tool), in order, each
-- at least once.
--
-- An event's transaction ID (xid8) says when it may be sent: every event
-- of a transaction older than the oldest one still running is final, so
-- a webhook reads events in (xid, seq) order up to that point and never
-- skips one committed late. New events only: the column is filled from
-- here on (no rewrite of the table), and a webhook starts at its making.
ALTER TABLE request_events ADD COLUMN xid xid8;
ALTER TABLE request_events ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
CREATE INDEX request_events_org_xid_idx ON request_events (org_id, xid, seq) WHERE xid IS NOT NULL;

CREATE TABLE webhooks (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organizations (id),
    url             text NOT NULL CHECK (url ~ '^https://' AND length(url) <= 2000),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    format          text NOT NULL CHECK (format IN ('json', 'slack')),
    kinds           text[] NOT NULL DEFAULT '{}', -- none: every kind
    secret          text NOT NULL CHECK (secret ~ '^whsec_'),
    active          boolean NOT NULL DEFAULT true,
    -- Why it was turned off by Sunshine (failing too long); '' when on, or
    -- turned off by a person.
    off_reason      text NOT NULL DEFAULT '',
    created_by      uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- The last event sent (or started after), in (xid, seq) order.
    after_xid       xid8 NOT NULL,
    after_seq       bigint NOT NULL DEFAULT 0,
    -- Events up to this seq are older than the webhook: set when it is
    -- made or turned on, and when its place is from another server's
    -- transaction IDs (a database restored from a dump into a new
    -- server), whose events must not be sent again as new.
    floor_seq       bigint NOT NULL DEFAULT 0,
    -- Delivery: when to try next, the lease of the worker trying, and the
    -- failures of the event it is stuck on.
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease           uuid,
    attempts        int NOT NULL DEFAULT 0,
    failing_since   timestamptz,
    last_error      text NOT NULL DEFAULT '',
    last_sent_at    timestamptz,
    ping            boolean NOT NULL DEFAULT false, -- a test message asked for
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id)
);
CREATE INDEX webhooks_due_idx ON webhooks (next_attempt_at) WHERE active;

-- Each attempt to send, for the admins' page: what was sent and what the
-- address answered. Kept 30 days.
CREATE TABLE webhook_deliveries (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    n            bigint GENERATED ALWAYS AS IDENTITY, -- the order they were tried in
    org_id       uuid NOT NULL,
    webhook_id   uuid NOT NULL,
    message_id   text NOT NULL, -- the event's ID, or the test message's
    kind         text NOT NULL,
    request_id   uuid,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    status_code  int,
    error        text NOT NULL DEFAULT '',
    duration_ms  int NOT NULL,
    FOREIGN KEY (org_id, webhook_id) REFERENCES webhooks (org_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_recent_idx ON webhook_deliveries (webhook_id, n DESC);
CREATE INDEX webhook_deliveries_age_idx ON webhook_deliveries (attempted_at);

-- An admin is emailed when Sunshine turns a failing webhook off.
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite', 'assigned', 'password_reset',
    'email_received', 'letter_failed', 'two_step', 'todo', 'webhook_off'));
ALTER TABLE reminders DROP CONSTRAINT reminders_request_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_request_check
    CHECK ((kind IN ('digest', 'invite', 'password_reset', 'two_step', 'todo', 'webhook_off')) = (request_id IS NULL));
