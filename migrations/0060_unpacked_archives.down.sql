-- The files unpacked stay documents, no longer tied to their archive; an
-- archive queued again keeps what unpacking recorded.
DROP INDEX documents_unpacked_idx;
ALTER TABLE documents DROP COLUMN archive_path, DROP COLUMN unpacked_from;
