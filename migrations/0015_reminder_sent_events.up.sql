-- A reminder email the mail server accepted is recorded in its request's
-- timeline: a reminder_sent event, written in the statement that marks the
-- reminder sent (store.MarkReminderSent), naming the reminder in its data.
-- One event per reminder: delivery is at-least-once, and a resend after a
-- crash, or a late finish of a stale claim, must not record it twice.
CREATE UNIQUE INDEX request_events_reminder_sent_key ON request_events ((data->>'reminder_id'))
    WHERE kind = 'reminder_sent';
