ALTER TABLE organizations DROP COLUMN require_two_step;
DROP TABLE recovery_codes;
ALTER TABLE sessions DROP COLUMN code_failures, DROP COLUMN awaiting_code;
ALTER TABLE users DROP CONSTRAINT users_totp_since, DROP COLUMN totp_last_step, DROP COLUMN totp_since,
    DROP COLUMN totp_pending_at, DROP COLUMN totp_pending, DROP COLUMN totp_secret;
