-- A letter sent again (after a refusal or a bounce) counts against its
-- organization's hourly limit as a new one does: queued_at is when it was
-- last put in the outbox. And a request letter sent again after a bounce
-- moves the request's dates only when staff say so (redate): a report
-- that a letter bounced can be forged by anyone it went to.
ALTER TABLE letter_emails ADD COLUMN queued_at timestamptz,
    ADD COLUMN redate boolean NOT NULL DEFAULT false;
UPDATE letter_emails SET queued_at = created_at;
ALTER TABLE letter_emails ALTER COLUMN queued_at SET NOT NULL;
DROP INDEX letter_emails_org_created_idx;
CREATE INDEX letter_emails_org_queued_idx ON letter_emails (org_id, queued_at);
