-- A calendar feed's secret is a credential: keep only its SHA-256, as for
-- sessions, API tokens and invitations. Feeds already subscribed to keep
-- working: their secrets are hashed in place.
ALTER TABLE user_preferences ADD COLUMN calendar_secret_sha256 bytea UNIQUE
    CHECK (octet_length(calendar_secret_sha256) = 32);
UPDATE user_preferences SET calendar_secret_sha256 = sha256(convert_to(calendar_secret, 'UTF8'))
    WHERE calendar_secret IS NOT NULL;
ALTER TABLE user_preferences DROP COLUMN calendar_secret;
