ALTER TABLE documents DROP COLUMN text_attempts;
