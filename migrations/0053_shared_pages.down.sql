ALTER TABLE documents DROP COLUMN shared;
DROP TABLE request_shares;
