DROP INDEX letter_emails_org_queued_idx;
CREATE INDEX letter_emails_org_created_idx ON letter_emails (org_id, created_at);
ALTER TABLE letter_emails DROP COLUMN redate, DROP COLUMN queued_at;
