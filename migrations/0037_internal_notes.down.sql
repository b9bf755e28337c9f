-- Notes already written stay (the timeline is append-only): the 5000
-- character limit comes back for new events only (NOT VALID), and notes
-- are no longer searched (dropping the column drops its index).
DROP INDEX request_events_note_recent_idx;
ALTER TABLE request_events
    DROP COLUMN search,
    DROP CONSTRAINT request_events_note_check,
    ADD CONSTRAINT request_events_note_check CHECK (length(note) <= 5000) NOT VALID;
