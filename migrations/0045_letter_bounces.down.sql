ALTER TABLE documents DROP COLUMN bounce;
UPDATE letter_emails SET status = 'failed', sent_at = NULL WHERE status = 'bounced';
UPDATE letter_emails SET sent_at = NULL WHERE status <> 'sent';
DROP INDEX letter_emails_failed_idx;
CREATE INDEX letter_emails_failed_idx ON letter_emails (org_id, created_at) WHERE status = 'failed';
ALTER TABLE letter_emails DROP CONSTRAINT letter_emails_bounced_check, DROP COLUMN bounce_document_id, DROP COLUMN bounced_at;
ALTER TABLE letter_emails DROP CONSTRAINT letter_emails_sent_check;
ALTER TABLE letter_emails ADD CONSTRAINT letter_emails_check CHECK ((status = 'sent') = (sent_at IS NOT NULL));
ALTER TABLE letter_emails DROP CONSTRAINT letter_emails_status_check;
ALTER TABLE letter_emails ADD CONSTRAINT letter_emails_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'cancelled'));
