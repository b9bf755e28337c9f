-- An event's size in bytes, kept with it, so that a page of a request's
-- timeline can end at a byte budget without reading each event's data: an
-- edit's event holds the communication's previous body, up to 1 MB.
ALTER TABLE request_events
    ADD COLUMN size integer NOT NULL GENERATED ALWAYS AS (octet_length(note) + octet_length(data::text)) STORED;
