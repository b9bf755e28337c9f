-- Internal notes: a note_added event holds in its note what staff record
-- that is no correspondence with the agency ("Called the records officer,
-- she expects the first batch next week"), up to 10000 characters
-- (sunshine.NoteText); every other event's note stays within 5000.
--
-- Search finds a request by its notes, as it does by its correspondence:
-- a note's words are its search vector, english_unaccent as every search
-- column (0022); other events have none. With a GIN index on the
-- organization and the vector, and a recency index (as 0007's) on the day
-- a note was written, both on notes only, a search reads the
-- organization's notes and nothing else of the timeline.
--
-- One ALTER TABLE: one rewrite of request_events under its lock, which
-- checks the new constraint at the same time (a note's vector is computed
-- only for notes, so the rewrite costs about a copy of the table).
ALTER TABLE request_events
    DROP CONSTRAINT request_events_note_check,
    ADD CONSTRAINT request_events_note_check
        CHECK (length(note) <= CASE WHEN kind = 'note_added' THEN 10000 ELSE 5000 END),
    ADD COLUMN search tsvector GENERATED ALWAYS AS (
        CASE WHEN kind = 'note_added' THEN to_tsvector('english_unaccent', note) END) STORED;
CREATE INDEX request_events_note_search_idx ON request_events USING gin (org_id, search) WHERE kind = 'note_added';
CREATE INDEX request_events_note_recent_idx ON request_events (org_id, ((created_at AT TIME ZONE 'UTC')::date) DESC, id DESC)
    WHERE kind = 'note_added';
