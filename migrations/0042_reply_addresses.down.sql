ALTER TABLE documents DROP COLUMN received_from;
DROP INDEX requests_reply_token_key;
ALTER TABLE requests DROP COLUMN reply_token;
