-- Self-service passwords: a person who forgot theirs asks for a reset link
-- by email. A reset link is a row of user_invites (stored hashed, one use,
-- an expiry) whose purpose is 'reset'; its email goes through the outbox
-- as the reminder kind 'password_reset', with no request, its link in
-- payload only until it is sent.
ALTER TABLE user_invites ADD COLUMN purpose text NOT NULL DEFAULT 'invite' CHECK (purpose IN ('invite', 'reset'));
-- The throttle (one reset email per account per 2 minutes) and replacing
-- earlier links read a user's links.
CREATE INDEX user_invites_user_idx ON user_invites (user_id, purpose, created_at);

ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite', 'assigned', 'password_reset'));
ALTER TABLE reminders DROP CONSTRAINT reminders_request_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_request_check CHECK ((kind IN ('digest', 'invite', 'password_reset')) = (request_id IS NULL));
