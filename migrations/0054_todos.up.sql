-- To-dos: something a person is to do about a request by a day, emailed to
-- them that morning (reminder kind 'todo': one email a person a day,
-- listing that day's open to-dos, read when it is sent).
CREATE TABLE todos (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL,
    request_id  uuid NOT NULL,
    text        text NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    due_on      date NOT NULL,
    assignee_id uuid NOT NULL,
    created_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    done_at     timestamptz,
    done_by     uuid,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, request_id) REFERENCES requests (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, assignee_id) REFERENCES users (org_id, id),
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, id),
    FOREIGN KEY (org_id, done_by) REFERENCES users (org_id, id)
);
CREATE INDEX todos_request_idx ON todos (request_id, due_on);
-- A person's open to-dos, for their dashboard and the day's email.
CREATE INDEX todos_open_idx ON todos (assignee_id, due_on) WHERE done_at IS NULL;

ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('due_soon', 'due_today', 'overdue',
    'extension_ending', 'agency_estimate_passed', 'awaiting_requester', 'digest', 'invite', 'assigned', 'password_reset',
    'email_received', 'letter_failed', 'two_step', 'todo'));
ALTER TABLE reminders DROP CONSTRAINT reminders_request_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_request_check
    CHECK ((kind IN ('digest', 'invite', 'password_reset', 'two_step', 'todo')) = (request_id IS NULL));
CREATE UNIQUE INDEX reminders_todo_key ON reminders (recipient_id, occurrence) WHERE kind = 'todo';
