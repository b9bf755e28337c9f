-- A letter sent by email may carry documents of its request as
-- attachments (a signed PDF of the letter, an earlier letter), in order.
-- Their bytes are read from the documents when it is sent: a document
-- removed before then fails the letter, for staff to see.
ALTER TABLE letter_emails ADD COLUMN attachment_ids uuid[] NOT NULL DEFAULT '{}'
    CONSTRAINT letter_emails_attachments_check CHECK (cardinality(attachment_ids) <= 10);
