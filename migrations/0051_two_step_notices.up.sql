-- A person is emailed whenever their two-step sign-in changes (turned on,
-- turned off by them or by an admin, new recovery codes) or a recovery
-- code signs them in: reminder kind 'two_step', no request, what happened
-- in its payload until it is sent. Always sent: it is about their account.
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite', 'assigned', 'password_reset',
    'email_received', 'letter_failed', 'two_step'));
ALTER TABLE reminders DROP CONSTRAINT reminders_request_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_request_check
    CHECK ((kind IN ('digest', 'invite', 'password_reset', 'two_step')) = (request_id IS NULL));
