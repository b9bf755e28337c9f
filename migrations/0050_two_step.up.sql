-- Two-step sign-in: after the password, a code from an authenticator app
-- (TOTP, RFC 6238) or one of the account's recovery codes.
-- totp_secret is the confirmed secret (two-step is on when it is set);
-- totp_pending one being set up, until its first code confirms it
-- (replaced after an hour, totp_pending_at, and when the password changes);
-- totp_last_step the time step of the last code accepted, so a code
-- works once.
ALTER TABLE users
    ADD COLUMN totp_secret bytea CHECK (length(totp_secret) = 20),
    ADD COLUMN totp_pending bytea CHECK (length(totp_pending) = 20),
    ADD COLUMN totp_pending_at timestamptz,
    ADD COLUMN totp_since timestamptz,
    ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT users_totp_since CHECK ((totp_secret IS NULL) = (totp_since IS NULL));

-- A session opened by a password for an account with two-step sign-in
-- awaits its code: it opens no page until the code is given, lives
-- minutes, and is deleted after too many wrong codes.
ALTER TABLE sessions
    ADD COLUMN awaiting_code boolean NOT NULL DEFAULT false,
    ADD COLUMN code_failures integer NOT NULL DEFAULT 0 CHECK (code_failures >= 0);

-- Recovery codes, each good once, stored as SHA-256.
CREATE TABLE recovery_codes (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_sha256 bytea NOT NULL CHECK (length(code_sha256) = 32),
    used_at     timestamptz,
    PRIMARY KEY (user_id, code_sha256)
);

-- An organization's admins may require two-step sign-in of everyone.
ALTER TABLE organizations ADD COLUMN require_two_step boolean NOT NULL DEFAULT false;
