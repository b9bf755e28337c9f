-- When one password opens accounts in several organizations, sign-in asks
-- which: the accounts the password opened wait here, under a random token's
-- hash, for a few minutes, so the choice page need not carry the password.
CREATE TABLE sign_in_choices (
    id_sha256  bytea PRIMARY KEY CHECK (length(id_sha256) = 32),
    user_ids   uuid[] NOT NULL CHECK (cardinality(user_ids) >= 2),
    expires_at timestamptz NOT NULL
);
