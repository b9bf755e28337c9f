-- Reset links and their emails go with the feature: a link would otherwise
-- read as an invitation.
DELETE FROM reminders WHERE kind = 'password_reset';
ALTER TABLE reminders DROP CONSTRAINT reminders_request_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_request_check CHECK ((kind IN ('digest', 'invite')) = (request_id IS NULL));
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite', 'assigned'));
DELETE FROM user_invites WHERE purpose = 'reset';
DROP INDEX user_invites_user_idx;
ALTER TABLE user_invites DROP COLUMN purpose;
