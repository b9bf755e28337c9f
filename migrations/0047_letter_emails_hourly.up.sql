-- An organization may queue so many letter emails an hour
-- (store.DefaultLettersPerHour, SUNSHINE_LETTERS_PER_HOUR): each new one
-- counts those of the last hour.
CREATE INDEX letter_emails_org_created_idx ON letter_emails (org_id, created_at);
