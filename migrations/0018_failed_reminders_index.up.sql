-- Staff pages say when reminder emails failed for good and list them: a
-- small partial index keeps that cheap however many were sent.
CREATE INDEX reminders_failed_idx ON reminders (org_id, created_at DESC) WHERE status = 'failed';
