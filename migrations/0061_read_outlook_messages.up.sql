-- Outlook messages (.msg), stored before Sunshine read them as
-- "unsupported", are queued to be read: the server reads pending
-- documents when it starts.
UPDATE documents SET text_status = 'pending', text_error = '', text_attempts = 0, text_started_at = NULL
WHERE content_type = 'application/vnd.ms-outlook' AND text_status = 'unsupported' AND deleted_at IS NULL;
