-- The reminder schedule moves out of the wide requests row into a narrow
-- table of its own: planning moves next_remind_on on for every request it
-- reads, and on requests each such update rewrote the whole row and all its
-- indexes, full-text ones included (12 s of a 15 s planning over 1,000,000
-- requests; docs/performance.md).
CREATE TABLE reminder_schedule (
    request_id         uuid PRIMARY KEY,
    org_id             uuid NOT NULL,
    soon_dates         date[] NOT NULL DEFAULT '{}', -- due_soon / extension_ending send dates
    overdue_from       date,                         -- first overdue reminder
    awaiting_remind_on date,                         -- awaiting_requester reminder
    next_remind_on     date,                         -- the next day any of them can fall due
    FOREIGN KEY (org_id, request_id) REFERENCES requests (org_id, id)
);
INSERT INTO reminder_schedule (request_id, org_id, soon_dates, overdue_from, awaiting_remind_on, next_remind_on)
    SELECT id, org_id, soon_dates, overdue_from, awaiting_remind_on, next_remind_on FROM requests
    WHERE next_remind_on IS NOT NULL OR overdue_from IS NOT NULL OR awaiting_remind_on IS NOT NULL OR cardinality(soon_dates) > 0;
CREATE INDEX reminder_schedule_next_idx ON reminder_schedule (next_remind_on) WHERE next_remind_on IS NOT NULL;

DROP INDEX requests_next_remind_idx;
ALTER TABLE requests DROP COLUMN soon_dates, DROP COLUMN overdue_from, DROP COLUMN awaiting_remind_on, DROP COLUMN next_remind_on;
