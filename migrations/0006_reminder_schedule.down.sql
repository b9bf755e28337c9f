ALTER TABLE requests ADD COLUMN soon_dates date[] NOT NULL DEFAULT '{}', ADD COLUMN overdue_from date,
    ADD COLUMN awaiting_remind_on date, ADD COLUMN next_remind_on date;
UPDATE requests r SET soon_dates = s.soon_dates, overdue_from = s.overdue_from,
    awaiting_remind_on = s.awaiting_remind_on, next_remind_on = s.next_remind_on
    FROM reminder_schedule s WHERE s.request_id = r.id;
DROP TABLE reminder_schedule;
CREATE INDEX requests_next_remind_idx ON requests (next_remind_on)
    WHERE next_remind_on IS NOT NULL
      AND status IN ('submitted', 'acknowledged', 'rolling_production', 'appealed', 'in_litigation', 'awaiting_requester');
