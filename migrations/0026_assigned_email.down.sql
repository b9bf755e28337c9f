DELETE FROM reminders WHERE kind = 'assigned';
UPDATE user_preferences SET kinds = array_remove(kinds, 'assigned');
ALTER TABLE user_preferences ALTER COLUMN kinds
    SET DEFAULT '{due_soon,due_today,overdue,extension_ending,agency_estimate_passed,awaiting_requester}';
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite'));
