-- The events stay: the timeline is append-only.
DROP INDEX request_events_reminder_sent_key;
