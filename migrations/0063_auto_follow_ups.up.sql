-- Automatic follow-ups (sunshine.AutoFollowUp): a request whose staff
-- turned them on gets the follow-up letter emailed to its agency, signed
-- by the person who turned them on, once it is late and nothing has gone
-- either way for every_days days. One row a request; none is off.
CREATE TABLE auto_follow_ups (
    request_id uuid PRIMARY KEY,
    org_id     uuid NOT NULL,
    every_days integer NOT NULL CHECK (every_days BETWEEN 7 AND 90),
    signer_id  uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (org_id, request_id) REFERENCES requests (org_id, id),
    FOREIGN KEY (org_id, signer_id) REFERENCES users (org_id, id)
);

-- A letter email queued by the automatic follow-ups rather than by a
-- person (its sender_id is their signer): the timeline says so, and its
-- day is an exchange with the agency even if it was cancelled.
ALTER TABLE letter_emails ADD COLUMN automatic boolean NOT NULL DEFAULT false;
