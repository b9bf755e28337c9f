-- A letter the mail server accepted can still come back: the agency's
-- server refuses it later and reports so (a delivery status notification,
-- RFC 3464) to the letter's envelope sender, the request's reply address.
-- Such a report is filed with the request as before, marked a bounce (not
-- an email to log), and the letter it is about is 'bounced': sent, yet the
-- agency never got it. Staff see it where they see a failed letter, to send
-- again (to another address) or cancel.
ALTER TABLE letter_emails DROP CONSTRAINT letter_emails_status_check;
ALTER TABLE letter_emails ADD CONSTRAINT letter_emails_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'bounced', 'cancelled'));
-- A bounced letter keeps the day it went, and so may a cancelled one.
ALTER TABLE letter_emails DROP CONSTRAINT letter_emails_check;
ALTER TABLE letter_emails ADD CONSTRAINT letter_emails_sent_check
    CHECK (status NOT IN ('sent', 'bounced') OR sent_at IS NOT NULL);
ALTER TABLE letter_emails ADD COLUMN bounced_at timestamptz,
    ADD COLUMN bounce_document_id uuid REFERENCES documents (id) ON DELETE SET NULL,
    ADD CONSTRAINT letter_emails_bounced_check CHECK ((status = 'bounced') <= (bounced_at IS NOT NULL));
DROP INDEX letter_emails_failed_idx;
CREATE INDEX letter_emails_failed_idx ON letter_emails (org_id, created_at) WHERE status IN ('failed', 'bounced');

-- A received email that reports a letter of its request bounced: kept
-- with the request, not listed among the emails to log.
ALTER TABLE documents ADD COLUMN bounce boolean NOT NULL DEFAULT false;
