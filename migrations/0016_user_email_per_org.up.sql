-- An email is unique within an organization, not across the whole host:
-- inviting an address that a user of another organization has must not
-- tell the inviting admin so, and one person may have an account in each of
-- several organizations (a journalist helping two groups).
DROP INDEX users_email_key;
ALTER TABLE users ADD CONSTRAINT users_org_id_email_key UNIQUE (org_id, email);
-- Signing in looks a person up by email alone, across organizations.
CREATE INDEX users_email_idx ON users (email);
