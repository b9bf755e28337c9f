-- PDFs over 32 MiB were refused by text extraction ("document is larger
-- than the size limit"); they are now read whole. Queue them again: the
-- server extracts pending documents when it starts.
UPDATE documents SET text_status = 'pending', text_error = ''
WHERE text_status = 'failed'
  AND text_error LIKE '%larger than the size limit%'
  AND (content_type = 'application/pdf' OR content_type LIKE 'application/pdf;%');
