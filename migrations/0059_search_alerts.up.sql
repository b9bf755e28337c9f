-- A search alert: a person's saved words, checked every hour; what newly
-- matches them is emailed to that person (sunshine.SearchAlert).
CREATE TABLE search_alerts (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id       uuid NOT NULL,
    user_id      uuid NOT NULL,
    q            text NOT NULL CHECK (length(q) BETWEEN 1 AND 200),
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- When the check last ran: the next is due about an hour after.
    checked_at   timestamptz NOT NULL DEFAULT now(),
    last_sent_at timestamptz,
    -- Its place in the organization's events (as a webhook's): what was
    -- filed, logged, uploaded, noted or edited after it is compared with
    -- the words at the next check.
    after_xid    xid8 NOT NULL,
    after_seq    bigint NOT NULL DEFAULT 0,
    -- Events at or below it are never read (after a restore from another
    -- server, as a webhook's floor_seq).
    floor_seq    bigint NOT NULL DEFAULT 0,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
-- One alert for the same words a person (whatever their letter case).
CREATE UNIQUE INDEX search_alerts_words_key ON search_alerts (user_id, lower(q));
CREATE INDEX search_alerts_due_idx ON search_alerts (checked_at);

-- What an alert has emailed already, so that each match is emailed once
-- (an edit of one emailed is not emailed again): '<kind>:<id>' (request,
-- communication, document, note).
CREATE TABLE search_alert_hits (
    alert_id uuid NOT NULL REFERENCES search_alerts (id) ON DELETE CASCADE,
    hit      text NOT NULL,
    PRIMARY KEY (alert_id, hit)
);

-- Documents an alert met while their text was still being read (uploaded,
-- or asked to be read again): compared once it is read, or a day after
-- they began to wait (by their names, or by what was read before).
CREATE TABLE search_alert_pending (
    alert_id    uuid NOT NULL REFERENCES search_alerts (id) ON DELETE CASCADE,
    document_id uuid NOT NULL,
    since       timestamptz NOT NULL,
    PRIMARY KEY (alert_id, document_id)
);

ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite', 'assigned', 'password_reset',
    'email_received', 'letter_failed', 'two_step', 'todo', 'webhook_off', 'search_alert'));
ALTER TABLE reminders DROP CONSTRAINT reminders_request_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_request_check
    CHECK ((kind IN ('digest', 'invite', 'password_reset', 'two_step', 'todo', 'webhook_off', 'search_alert')) = (request_id IS NULL));
