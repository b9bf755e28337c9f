DELETE FROM reminders WHERE kind = 'email_received';
UPDATE user_preferences SET kinds = array_remove(kinds, 'email_received');
ALTER TABLE user_preferences ALTER COLUMN kinds
    SET DEFAULT '{agency_estimate_passed,assigned,awaiting_requester,due_soon,due_today,extension_ending,overdue}';
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite', 'assigned', 'password_reset'));
DROP INDEX documents_unlogged_emails_idx;
ALTER TABLE documents DROP COLUMN received_from;
DROP INDEX requests_reply_token_key;
ALTER TABLE requests DROP COLUMN reply_token;
