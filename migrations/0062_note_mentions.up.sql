-- Mentions: a note can name people of the organization (its event's
-- data.mention_ids); each is emailed the note (reminder kind 'mentioned',
-- one per note and person, its payload the note's event ID). Like a
-- digest's, such a reminder has no request_id: the once-a-day key of a
-- request's reminders would let a person be told of only one note a day.
-- On by default, as 0026 did for 'assigned': also for people who chose
-- their kinds before it, unless they chose none.
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite', 'assigned', 'password_reset',
    'email_received', 'letter_failed', 'two_step', 'todo', 'webhook_off', 'search_alert', 'mentioned'));
ALTER TABLE reminders DROP CONSTRAINT reminders_request_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_request_check
    CHECK ((kind IN ('digest', 'invite', 'password_reset', 'two_step', 'todo', 'webhook_off', 'search_alert', 'mentioned')) = (request_id IS NULL));
ALTER TABLE user_preferences ALTER COLUMN kinds
    SET DEFAULT '{agency_estimate_passed,assigned,awaiting_requester,due_soon,due_today,email_received,extension_ending,mentioned,overdue}';
UPDATE user_preferences SET kinds = ARRAY(SELECT DISTINCT unnest(kinds || '{mentioned}'::text[]) ORDER BY 1)
    WHERE cardinality(kinds) > 0;

-- Activity's "Notes that mention me" (GET /events?mention_id=): the notes
-- that mention someone, without reading every event of the organization.
CREATE INDEX request_events_mentions_idx ON request_events USING gin (data jsonb_path_ops) WHERE kind = 'note_added';
