DROP INDEX request_events_mentions_idx;
DELETE FROM reminders WHERE kind = 'mentioned';
UPDATE user_preferences SET kinds = array_remove(kinds, 'mentioned');
ALTER TABLE user_preferences ALTER COLUMN kinds
    SET DEFAULT '{agency_estimate_passed,assigned,awaiting_requester,due_soon,due_today,email_received,extension_ending,overdue}';
ALTER TABLE reminders DROP CONSTRAINT reminders_request_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_request_check
    CHECK ((kind IN ('digest', 'invite', 'password_reset', 'two_step', 'todo', 'webhook_off', 'search_alert')) = (request_id IS NULL));
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite', 'assigned', 'password_reset',
    'email_received', 'letter_failed', 'two_step', 'todo', 'webhook_off', 'search_alert'));
