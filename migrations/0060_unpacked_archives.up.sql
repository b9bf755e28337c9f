-- A ZIP archive of released records is unpacked: each of its files is a
-- document of its own, on the same request and communication, that names
-- the archive it came from and where in it it was (folders and name).
-- The index keeps unpacking an archive again (after a server stopped in
-- the middle) from storing a file twice, and finds an archive's files.
ALTER TABLE documents
    ADD COLUMN unpacked_from uuid,
    ADD COLUMN archive_path  text CHECK (length(archive_path) BETWEEN 1 AND 1000),
    ADD CONSTRAINT documents_unpacked_from_fkey FOREIGN KEY (org_id, unpacked_from) REFERENCES documents (org_id, id),
    ADD CONSTRAINT documents_unpacked_path CHECK ((unpacked_from IS NULL) = (archive_path IS NULL));
CREATE UNIQUE INDEX documents_unpacked_idx ON documents (unpacked_from, archive_path) WHERE unpacked_from IS NOT NULL;

-- Archives stored before, their text "unsupported", are queued to be
-- unpacked: the server reads pending documents when it starts. Only those
-- named .zip: many kinds of document are a ZIP archive inside (an
-- OpenDocument file, an EPUB book, a Visio drawing) and stay one.
UPDATE documents SET text_status = 'pending', text_error = '', text_attempts = 0, text_started_at = NULL
WHERE content_type = 'application/zip' AND text_status = 'unsupported' AND deleted_at IS NULL
  AND filename ~* '\.zip$';
