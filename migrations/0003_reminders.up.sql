-- Deadline reminders: each organization's policy and time zone, each
-- user's preferences and calendar feed secret, each request's reminder
-- dates (computed by the deadline engine whenever its dates change), and
-- the reminders themselves, which double as the outbox.

ALTER TABLE organizations
    ADD COLUMN time_zone text NOT NULL DEFAULT 'America/New_York' CHECK (time_zone <> ''),
    -- due_soon reminders this many business days before the due date
    ADD COLUMN remind_soon_days integer[] NOT NULL DEFAULT '{3,1}'
        CHECK (cardinality(remind_soon_days) <= 5 AND 1 <= ALL (remind_soon_days) AND 30 >= ALL (remind_soon_days)),
    -- overdue: the first one business day after, then every this many days
    ADD COLUMN overdue_repeat_days integer NOT NULL DEFAULT 7 CHECK (overdue_repeat_days BETWEEN 1 AND 90),
    -- awaiting_requester: this many business days after the agency asked us
    ADD COLUMN awaiting_after_days integer NOT NULL DEFAULT 3 CHECK (awaiting_after_days BETWEEN 1 AND 30);

CREATE TABLE user_preferences (
    user_id         uuid PRIMARY KEY REFERENCES users (id),
    digest          boolean NOT NULL DEFAULT true,
    digest_hour     integer NOT NULL DEFAULT 7 CHECK (digest_hour BETWEEN 0 AND 23),
    kinds           text[] NOT NULL DEFAULT '{due_soon,due_today,overdue,extension_ending,agency_estimate_passed,awaiting_requester}',
    calendar_secret text UNIQUE CHECK (length(calendar_secret) >= 32),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- When each request's reminders fall due, on the agency's calendar.
ALTER TABLE requests
    ADD COLUMN soon_dates         date[] NOT NULL DEFAULT '{}', -- due_soon / extension_ending send dates
    ADD COLUMN overdue_from       date,                         -- first overdue reminder
    ADD COLUMN awaiting_remind_on date,                         -- awaiting_requester reminder
    -- The next day any reminder of the request can fall due: planning reads
    -- only requests whose day has come, then moves it on.
    ADD COLUMN next_remind_on     date;

CREATE INDEX requests_next_remind_idx ON requests (next_remind_on)
    WHERE next_remind_on IS NOT NULL
      AND status IN ('submitted', 'acknowledged', 'rolling_production', 'appealed', 'in_litigation', 'awaiting_requester');

CREATE TABLE reminders (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organizations (id),
    request_id      uuid,
    recipient_id    uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('due_soon', 'due_today', 'overdue', 'extension_ending',
                        'agency_estimate_passed', 'awaiting_requester', 'digest')),
    -- The date the reminder is about (the due date; the estimate; the pause
    -- start; the digest's local date) and the occurrence it is for (the
    -- send date, e.g. each week of an overdue request).
    due_on          date NOT NULL,
    occurrence      date NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_at      timestamptz,
    sent_at         timestamptz,
    last_error      text NOT NULL DEFAULT '',
    subject         text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (org_id, request_id) REFERENCES requests (org_id, id),
    FOREIGN KEY (org_id, recipient_id) REFERENCES users (org_id, id),
    CHECK ((kind = 'digest') = (request_id IS NULL))
);
-- Planning twice creates nothing: one reminder per (request, kind, due date,
-- recipient, occurrence); one digest per (recipient, local date).
CREATE UNIQUE INDEX reminders_once_key ON reminders (request_id, kind, due_on, recipient_id, occurrence) WHERE request_id IS NOT NULL;
CREATE UNIQUE INDEX reminders_digest_key ON reminders (recipient_id, occurrence) WHERE kind = 'digest';
-- The outbox: what delivery claims.
CREATE INDEX reminders_outbox_idx ON reminders (next_attempt_at) WHERE status = 'pending';
CREATE INDEX reminders_org_idx ON reminders (org_id, created_at DESC);
CREATE INDEX reminders_request_idx ON reminders (request_id) WHERE status = 'pending';
