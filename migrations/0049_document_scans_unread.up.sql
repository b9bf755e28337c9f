-- scans_unread counts a document's scanned pages (an image: 1) whose text
-- was not read because OCR was off: once OCR is on, such a document can be
-- read again by OCR, and only such a one (reading again what OCR read
-- would find what it found). Documents read before this column: an image
-- with no text, and a PDF in which none was found, count 1 (a PDF with a
-- typed page and scanned ones cannot be told from its text).
ALTER TABLE documents ADD COLUMN scans_unread integer NOT NULL DEFAULT 0 CHECK (scans_unread >= 0);
UPDATE documents SET scans_unread = 1
WHERE deleted_at IS NULL
  AND ((text_status = 'unsupported'
        AND lower(btrim(split_part(content_type, ';', 1))) IN ('image/png', 'image/jpeg', 'image/tiff', 'image/gif', 'image/bmp', 'image/webp'))
    OR (text_status = 'extracted' AND text = '' AND text_error NOT LIKE 'no text found, even by OCR%'
        AND lower(btrim(split_part(content_type, ';', 1))) = 'application/pdf'));
