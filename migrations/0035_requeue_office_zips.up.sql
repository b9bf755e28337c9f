-- Word, Excel and PowerPoint files (.docx, .xlsx, .pptx: ZIP archives of
-- XML) uploaded before Sunshine read their text were stored as
-- application/zip, their text "unsupported". Queue those whose name says
-- Office again, keeping their type: SQL cannot look inside the archive, so
-- text extraction does (store.SniffZipDocument), giving the document its
-- Office type and reading its text, or recording it as unsupported again,
-- as before, when it is an ordinary archive under an Office name. Other
-- ZIP archives are left as they are; the server extracts pending documents
-- when it starts.
UPDATE documents SET text_status = 'pending', text_error = '', text_attempts = 0
WHERE content_type = 'application/zip'
  AND text_status IN ('unsupported', 'failed')
  AND deleted_at IS NULL
  AND filename ~* '\.(docx|docm|dotx|dotm|xlsx|xlsm|xltx|xltm|pptx|pptm|potx|potm|ppsx|ppsm)$';
