-- An email to a person a request is assigned to (by someone else): the
-- reminder kind 'assigned', on by default, for people who chose their
-- kinds before it existed too (they chose among the kinds there were), unless they chose none.
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite', 'assigned'));
ALTER TABLE user_preferences ALTER COLUMN kinds
    SET DEFAULT '{agency_estimate_passed,assigned,awaiting_requester,due_soon,due_today,extension_ending,overdue}';
-- (Not for people who chose no per-request email at all.)
UPDATE user_preferences SET kinds = ARRAY(SELECT DISTINCT unnest(kinds || '{assigned}'::text[]) ORDER BY 1)
    WHERE cardinality(kinds) > 0;
