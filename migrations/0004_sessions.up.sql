-- Staff pages: sign-in sessions, invitations to set a password, and
-- invitation emails through the same outbox as reminders.

CREATE TABLE sessions (
    id_sha256  bytea PRIMARY KEY CHECK (length(id_sha256) = 32),
    org_id     uuid NOT NULL,
    user_id    uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE user_invites (
    token_sha256 bytea PRIMARY KEY CHECK (length(token_sha256) = 32),
    org_id       uuid NOT NULL,
    user_id      uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
);

ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite'));
ALTER TABLE reminders DROP CONSTRAINT reminders_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_request_check CHECK ((kind IN ('digest', 'invite')) = (request_id IS NULL));
-- An invitation's link, kept only until the email is sent.
ALTER TABLE reminders ADD COLUMN payload text NOT NULL DEFAULT '';
