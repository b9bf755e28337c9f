ALTER TABLE documents DROP COLUMN scans_unread;
