DELETE FROM reminders WHERE kind = 'letter_failed';
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite', 'assigned', 'password_reset',
    'email_received'));
DROP TABLE letter_emails;
