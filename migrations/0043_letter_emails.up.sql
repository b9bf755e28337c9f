-- Letters sent by email from Sunshine. Staff send a request's letter (the
-- request itself or a follow-up) to the agency from its letter page; the
-- email waits here, the outbox for emails to agencies, until the mail
-- server accepts it. Then, in the same transaction, the letter is logged as
-- an outgoing communication (communication_id) and, where staff asked, the
-- draft request is submitted. Until then nothing in the correspondence
-- says it was sent: a letter the mail server refused is on the request's
-- page, with why, to send again or cancel.
CREATE TABLE letter_emails (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL,
    request_id      uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('request', 'follow_up')),
    sender_id       uuid NOT NULL,
    -- The agency's address, more in copy, and whether the sender gets a
    -- copy (blind) in their own mailbox.
    to_address      text NOT NULL CHECK (char_length(to_address) BETWEEN 3 AND 320),
    cc              text[] NOT NULL DEFAULT '{}' CHECK (cardinality(cc) <= 10),
    copy_sender     boolean NOT NULL DEFAULT true,
    -- The letter as staff edited it: its addressee and signer lines as the
    -- communication logs them, its subject and text.
    to_party        text NOT NULL DEFAULT '' CHECK (length(to_party) <= 500),
    from_party      text NOT NULL DEFAULT '' CHECK (length(from_party) <= 500),
    subject         text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 1000),
    body            text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 1000000),
    -- Submit the draft request once the email is accepted, received the
    -- day it went (or when the law says an email is received).
    submit          boolean NOT NULL DEFAULT false,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_at      timestamptz,
    sent_at         timestamptz,
    last_error      text NOT NULL DEFAULT '',
    communication_id uuid REFERENCES communications (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (org_id, request_id) REFERENCES requests (org_id, id),
    FOREIGN KEY (org_id, sender_id) REFERENCES users (org_id, id),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
-- One letter of a kind on its way per request at a time: a second click on
-- Send, or a second tab, does not email the agency twice.
CREATE UNIQUE INDEX letter_emails_one_pending_key ON letter_emails (request_id, kind) WHERE status = 'pending';
-- What delivery claims.
CREATE INDEX letter_emails_outbox_idx ON letter_emails (next_attempt_at) WHERE status = 'pending';
-- A request's page lists its letters not sent (pending or failed).
CREATE INDEX letter_emails_request_idx ON letter_emails (request_id, created_at);
-- The dashboard's letters not sent: an organization's failed ones.
CREATE INDEX letter_emails_failed_idx ON letter_emails (org_id, created_at) WHERE status = 'failed';

-- A letter the mail server refused for good is told to its sender by
-- email (reminder kind 'letter_failed', always: it is their own letter,
-- not a reminder to choose), listing the request's letters not sent.
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite', 'assigned', 'password_reset',
    'email_received', 'letter_failed'));
