ALTER TABLE request_shares DROP COLUMN expires_on;
