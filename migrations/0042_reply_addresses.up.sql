-- Replies by email. Each request has a reply address,
-- request-<reply_token>@<SUNSHINE_INBOUND_DOMAIN>: an agency's email to it
-- is filed with the request (`sunshine mail-in`, which the mail server
-- runs for each message). The token is random, not the request's ID, so an
-- address cannot be guessed from another; gen_random_uuid() is
-- cryptographically random (PostgreSQL 13+), 20 hex digits about 76 bits.
ALTER TABLE requests ADD COLUMN reply_token text NOT NULL
    DEFAULT substr(replace(gen_random_uuid()::text, '-', ''), 1, 20);
CREATE UNIQUE INDEX requests_reply_token_key ON requests (reply_token);

-- The sender of a document that came as an email to a reply address;
-- NULL for one uploaded by a person.
ALTER TABLE documents ADD COLUMN received_from text
    CHECK (received_from IS NULL OR char_length(received_from) BETWEEN 1 AND 500);

-- An email to a request's reply address tells the request's followers
-- (reminder kind 'email_received', on by default, as 0026 did for
-- 'assigned': also for people who chose their kinds before it, unless they
-- chose none).
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite', 'assigned', 'password_reset',
    'email_received'));
ALTER TABLE user_preferences ALTER COLUMN kinds
    SET DEFAULT '{agency_estimate_passed,assigned,awaiting_requester,due_soon,due_today,email_received,extension_ending,overdue}';
UPDATE user_preferences SET kinds = ARRAY(SELECT DISTINCT unnest(kinds || '{email_received}'::text[]) ORDER BY 1)
    WHERE cardinality(kinds) > 0;

-- The dashboard's emails to log: an organization's received emails that
-- no communication has yet.
CREATE INDEX documents_unlogged_emails_idx ON documents (org_id, created_at)
    WHERE received_from IS NOT NULL AND communication_id IS NULL AND deleted_at IS NULL;
