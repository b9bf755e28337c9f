-- Replies by email. Each request has a reply address,
-- request-<reply_token>@<SUNSHINE_INBOUND_DOMAIN>: an agency's email to it
-- is filed with the request (`sunshine mail-in`, which the mail server
-- runs for each message). The token is random, not the request's ID, so an
-- address cannot be guessed from another; gen_random_uuid() is
-- cryptographically random (PostgreSQL 13+), 20 hex digits about 76 bits.
ALTER TABLE requests ADD COLUMN reply_token text NOT NULL
    DEFAULT substr(replace(gen_random_uuid()::text, '-', ''), 1, 20);
CREATE UNIQUE INDEX requests_reply_token_key ON requests (reply_token);

-- The sender of a document that came as an email to a reply address;
-- NULL for one uploaded by a person.
ALTER TABLE documents ADD COLUMN received_from text
    CHECK (received_from IS NULL OR char_length(received_from) BETWEEN 1 AND 500);
