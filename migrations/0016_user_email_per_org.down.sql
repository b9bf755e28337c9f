-- Fails while one email belongs to users of several organizations: rename
-- or deactivate-and-rename those accounts first (nothing is changed when it
-- fails).
CREATE UNIQUE INDEX users_email_key ON users (email);
DROP INDEX users_email_idx;
ALTER TABLE users DROP CONSTRAINT users_org_id_email_key;
