ALTER TABLE request_events DROP COLUMN size;
