ALTER TABLE documents DROP COLUMN text_started_at;
