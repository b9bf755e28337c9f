-- The secrets cannot be recovered from their hashes: going down ends every
-- calendar feed, and each user makes a new address.
ALTER TABLE user_preferences ADD COLUMN calendar_secret text UNIQUE CHECK (length(calendar_secret) >= 32);
ALTER TABLE user_preferences DROP COLUMN calendar_secret_sha256;
