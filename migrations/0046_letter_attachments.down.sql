ALTER TABLE letter_emails DROP COLUMN attachment_ids;
